import Feed
import Foundation
import IDCard
import Logging
import ReaderTransport
import SAMProtocol
import ServiceLifecycle
import Synchronization
import WebAPI

/// The service "readers": runs the ``ReaderManager`` (one session per reader, hot-plug), feeds every card
/// read into the ``IntakePipeline`` in order, keeps each reader's state for the API, and publishes
/// `reader.*` events. On graceful shutdown it stops the readers and finishes the reads already taken.
public final class ReaderService: Service, ReaderStatusProvider, Sendable {
    let manager: ReaderManager
    let pipeline: IntakePipeline
    let bus: EventBus
    let logger: Logger
    private let states = Mutex<[String: ReaderState]>([:])

    /// A service over `manager`'s readers.
    public init(manager: ReaderManager, pipeline: IntakePipeline, bus: EventBus, logger: Logger = Logger(label: "renfang.readers")) {
        self.manager = manager
        self.pipeline = pipeline
        self.bus = bus
        self.logger = logger
    }

    /// Every reader seen since start, by device name.
    public func readerStates() async -> [ReaderState] {
        states.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    public func run() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: ReaderManagerEvent.self, bufferingPolicy: .unbounded)
        manager.start { continuation.yield($0) }
        try await withGracefulShutdownHandler {
            for await event in events {
                await handle(event)
            }
        } onGracefulShutdown: { [manager] in
            // Stop the sessions (their threads join, so off the cooperative pool), then end the stream:
            // reads already queued are still recorded before run() returns.
            DispatchQueue.global().async {
                manager.stop()
                continuation.finish()
            }
        }
    }

    func handle(_ event: ReaderManagerEvent) async {
        switch event {
        case let .readerAdded(info):
            update(info.deviceName) { state in
                state.transport = info.kind.rawValue
                state.state = "opening"
                state.samId = info.samId
            }
            publish("reader.connected", device: info.deviceName, state: "connected")
        case let .readerRemoved(info):
            update(info.deviceName) { $0.state = "gone" }
            publish("reader.disconnected", device: info.deviceName, state: "disconnected")
        case let .readerReady(device, samId):
            update(device) { state in
                state.state = "ready"
                state.samId = samId
                state.lastError = nil
            }
            publish("reader.ready", device: device, state: "ready")
        case let .cardRead(device, card):
            update(device) { state in
                state.state = "cardPresent"
                state.readCount += 1
                state.lastReadAt = Date()
            }
            await pipeline.process(card, device: device)
        case let .cardRemoved(device):
            update(device) { if $0.state == "cardPresent" { $0.state = "ready" } }
        case let .cardError(device, error):
            update(device) { $0.lastError = error.chineseMessage }
            logger.info("card read failed, ask to place again", metadata: ["device": "\(device)", "code": "\(error.code)"])
        case let .readerFault(device, error):
            update(device) { state in
                state.state = "faulted"
                state.lastError = error.chineseMessage
            }
            publish("reader.fault", device: device, state: "fault")
            logger.warning("reader fault", metadata: ["device": "\(device)", "code": "\(error.code)"])
        }
    }

    private func update(_ device: String, _ change: (inout ReaderState) -> Void) {
        states.withLock { states in
            var state = states[device] ?? ReaderState(name: device, transport: Self.transport(of: device), state: "opening")
            change(&state)
            states[device] = state
        }
    }

    private func publish(_ type: String, device: String, state: String) {
        struct Data: Encodable { var device: String; var state: String }
        if let event = try? FeedEvent(topic: .reader, type: type, data: Data(device: device, state: state)) {
            bus.publish(event)
        }
    }

    static func transport(of device: String) -> String {
        String(device.prefix { $0 != ":" })
    }
}
