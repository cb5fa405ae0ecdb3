import Foundation
import Logging
import SAMProtocol

/// Readers named in the configuration: always present; their sessions report faults and reopen by themselves.
public struct ConfiguredReaderSource: ReaderSource {
    public let devices: [DeviceName]
    public let session: ReaderSessionConfiguration
    public let known: USBKnownReaders
    public let logger: Logger
    public var name: String { "configured" }

    public init(devices: [DeviceName], session: ReaderSessionConfiguration, known: USBKnownReaders = .builtIn, logger: Logger) {
        self.devices = devices
        self.session = session
        self.known = known
        self.logger = logger
    }

    public func scan(running: Set<String>) -> [DiscoveredReader] {
        devices.map { device in
            let kind: ReaderInfo.Kind
            var path: String?
            switch device {
            case let .serial(p): (kind, path) = (.serial, p)
            case .usb: kind = .usb
            case .pcsc: kind = .pcsc
            case .sim: kind = .sim
            }
            let session = self.session, logger = self.logger, known = self.known
            return DiscoveredReader(info: ReaderInfo(kind: kind, deviceName: device.description, path: path, configured: true)) { () throws(ReaderError) in
                try device.makeDriver(session: session, known: known, logger: logger)
            }
        }
    }
}

/// Serial ttys that may carry a reader, confirmed by asking them (`11 FF`, `12 FF`) before a session starts.
///
/// Candidates come from udev (USB-serial bridges whose `ID_VENDOR_ID`/`ID_MODEL_ID` is a known reader's,
/// ``udev(vidPids:session:logger:)``) or from configured file globs (``globs(_:session:logger:)``). A new
/// path is probed once; one that does not answer is not probed again until it has disappeared and come
/// back, or ``reprobeInterval`` has passed. A path whose session is running is never probed.
public final class SerialReaderSource: ReaderSource, @unchecked Sendable {
    public let name: String
    public let session: ReaderSessionConfiguration
    public let logger: Logger
    public let reprobeInterval: Duration
    private let candidates: @Sendable () -> [SerialCandidate]
    private let lock = NSLock()
    private var verdicts: [String: (isReader: Bool, samId: String?, at: ContinuousClock.Instant)] = [:]

    public init(name: String, session: ReaderSessionConfiguration, logger: Logger, reprobeInterval: Duration = .seconds(60),
                candidates: @escaping @Sendable () -> [SerialCandidate]) {
        self.name = name
        self.session = session
        self.logger = logger
        self.reprobeInterval = reprobeInterval
        self.candidates = candidates
    }

    /// ttys udev reports with one of these USB VID:PIDs.
    public static func udev(vidPids: Set<VIDPID>, session: ReaderSessionConfiguration, logger: Logger) -> SerialReaderSource {
        SerialReaderSource(name: "serial-udev", session: session, logger: logger) {
            SerialDiscovery.udevCandidates(matching: vidPids)
        }
    }

    /// Paths matching shell globs, e.g. `/dev/ttyS*`.
    public static func globs(_ globs: [String], session: ReaderSessionConfiguration, logger: Logger) -> SerialReaderSource {
        SerialReaderSource(name: "serial-glob", session: session, logger: logger) {
            SerialDiscovery.paths(matching: globs).map { SerialCandidate(path: $0) }
        }
    }

    public func scan(running: Set<String>) -> [DiscoveredReader] {
        let found = candidates()
        let paths = Set(found.map(\.path))
        let now = ContinuousClock.now
        var result: [DiscoveredReader] = []
        lock.lock()
        verdicts = verdicts.filter { paths.contains($0.key) }
        let known = verdicts
        lock.unlock()
        for candidate in found {
            let device = candidate.deviceName
            var verdict = known[candidate.path]
            if running.contains(device.description) {
                // Its session owns the port: still present, never probed under it.
                verdict = verdict ?? (true, nil, now)
            } else if verdict == nil || (verdict?.isReader == false && now - verdict!.at >= reprobeInterval) {
                var samId: String?
                var isReader = false
                do {
                    if let id = try ReaderProbe.samID(of: SerialPort(path: candidate.path, logger: logger)) {
                        isReader = true
                        samId = id.description
                    }
                } catch {
                    logger.debug("reader.probe.failed", metadata: ["device": "\(device)", "code": "\(error.code)"])
                }
                verdict = (isReader, samId, now)
                lock.lock()
                verdicts[candidate.path] = verdict
                lock.unlock()
            }
            guard let v = verdict, v.isReader else { continue }
            let session = self.session, logger = self.logger
            let info = ReaderInfo(
                kind: .serial, deviceName: device.description, path: candidate.path,
                vidPid: candidate.vendorID.flatMap { v in candidate.productID.map { VIDPID(v, $0).description } },
                model: candidate.model, samId: v.samId)
            result.append(DiscoveredReader(info: info) { () throws(ReaderError) in
                try device.makeDriver(session: session, logger: logger)
            })
        }
        return result
    }
}

extension DeviceName {
    /// The driver that runs this reader: a GA 467 ``ReaderRunner`` over the device's byte transport.
    /// `pcsc:` names get a ``PCSCCardReader`` (card numbers only, no SAM).
    /// `known` is the known-readers table for `usb:` names (the built-in one plus configured entries).
    public func makeDriver(session: ReaderSessionConfiguration, known: USBKnownReaders = .builtIn, logger: Logger) throws(ReaderError) -> any ReaderDriver {
        if case let .pcsc(readerName) = self {
            return PCSCCardReader(readerName: readerName, logger: logger)
        }
        var configuration = session
        configuration.readerName = description
        let transport: any ByteTransport
        if case .usb = self {
            transport = try makeUSBTransport(known: known, logger: logger)
        } else {
            transport = try makeTransport(logger: logger)
        }
        return ReaderRunner(transport: transport, configuration: configuration, logger: logger)
    }
}
