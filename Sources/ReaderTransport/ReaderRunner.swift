import Foundation
import IDCard
import Logging
import SAMProtocol

/// Drives a ``ReaderSession`` over a ``ByteTransport`` on a dedicated thread.
///
/// The session decides (timeouts, retries, reopen backoff); the runner only does the I/O, reads the clock
/// and hands events to the handler. Log lines carry keys, never a full ID number, name or photo.
public final class ReaderRunner: @unchecked Sendable {
    public let transport: any ByteTransport
    public let configuration: ReaderSessionConfiguration
    private let logger: Logger
    private let lock = NSLock()
    private var stopRequested = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    public init(
        transport: any ByteTransport,
        configuration: ReaderSessionConfiguration = .init(),
        logger: Logger = Logger(label: "renfang.reader")
    ) {
        self.transport = transport
        var configuration = configuration
        if configuration.readerName == nil { configuration.readerName = transport.deviceName }
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts the session thread; `handler` is called on that thread for every event.
    public func start(_ handler: @escaping @Sendable (ReaderEvent) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        precondition(thread == nil, "ReaderRunner started twice")
        let t = Thread { [self] in
            self.loop(handler)
            self.finished.signal()
        }
        t.name = "reader \(transport.deviceName)"
        thread = t
        t.start()
    }

    /// The events as an async stream; ending the stream's iteration stops the runner.
    public func events() -> AsyncStream<ReaderEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ReaderEvent.self, bufferingPolicy: .bufferingNewest(256))
        continuation.onTermination = { [weak self] _ in self?.requestStop() }
        start { continuation.yield($0) }
        return stream
    }

    /// Asks the thread to stop; it closes the transport within about 100 ms.
    public func requestStop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
    }

    /// Stops and waits for the thread to finish.
    public func stop() {
        requestStop()
        lock.lock()
        let started = thread != nil
        lock.unlock()
        if started {
            finished.wait()
            finished.signal()  // later stop() calls return at once
        }
    }

    private var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private func loop(_ handler: @escaping @Sendable (ReaderEvent) -> Void) {
        let clock = ContinuousClock()
        var session = ReaderSession(configuration: configuration)
        var isOpen = false

        func perform(_ actions: [ReaderAction]) {
            for action in actions {
                switch action {
                case .open:
                    do {
                        try transport.open()
                        isOpen = true
                        logger.info("reader.opened", metadata: ["device": "\(transport.deviceName)"])
                        perform(session.transportOpened(at: clock.now))
                    } catch {
                        isOpen = false
                        perform(session.transportOpenFailed(error, at: clock.now))
                    }
                case let .send(bytes):
                    guard isOpen else { continue }
                    do {
                        try transport.write(bytes)
                    } catch {
                        perform(session.transportFailed(error, at: clock.now))
                    }
                case .close:
                    transport.close()
                    isOpen = false
                case let .emit(event):
                    log(event)
                    handler(event)
                }
            }
        }

        perform(session.start(at: clock.now))
        while !shouldStop {
            let now = clock.now
            var wait = Duration.milliseconds(100)
            if let deadline = session.nextDeadline {
                let untilDeadline = deadline - now
                if untilDeadline < wait { wait = untilDeadline < .zero ? .zero : untilDeadline }
            }
            if isOpen {
                do {
                    let bytes = try transport.read(timeout: wait)
                    if !bytes.isEmpty { perform(session.received(bytes, at: clock.now)) }
                } catch {
                    perform(session.transportFailed(error, at: clock.now))
                }
            } else if wait > .zero {
                Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            }
            perform(session.tick(at: clock.now))
        }
        transport.close()
        logger.info("reader.stopped", metadata: ["device": "\(transport.deviceName)"])
    }

    private func log(_ event: ReaderEvent) {
        let device = Logger.MetadataValue.string(transport.deviceName)
        switch event {
        case let .ready(samId):
            logger.info("reader.ready", metadata: ["device": device, "samId": "\(samId)"])
        case let .cardRead(card):
            logger.info("card.read", metadata: [
                "device": device,
                "cardType": "\(card.text.cardType.rawValue)",
                "id": "\(card.text.idNumber.map(IDNumber.mask) ?? "-")",
                "warnings": "\(card.warnings.map(\.rawValue).joined(separator: ","))",
            ])
        case .cardRemoved:
            logger.info("card.removed", metadata: ["device": device])
        case let .cardError(error):
            logger.notice("card.error", metadata: ["device": device, "code": "\(error.code)", "detail": "\(error)"])
        case let .fault(error):
            logger.warning("reader.fault", metadata: ["device": device, "code": "\(error.code)", "detail": "\(error)"])
        case let .diagnostic(text):
            logger.debug("reader.diagnostic", metadata: ["device": device, "detail": "\(text)"])
        }
    }
}
