import Foundation
import GRDB
import Registry
import Synchronization
import Testing
@testable import Sync
import SyncProtocol

/// A register with the sync queue in a temporary directory, two destinations (`bureau` gets every kind,
/// `province` only people and stays), and a made-up house to register people into.
struct SyncWorld {
    let system: SyncSystem
    let demo: SyntheticRegistrations
    let directory: URL

    static func configuration(bureauURL: String = "http://127.0.0.1:1/", provinceURL: String = "http://127.0.0.1:1/",
                              retry: RetryPolicy = RetryPolicy(initialDelay: 0.01, maximumDelay: 0.05)) -> SyncConfiguration {
        SyncConfiguration(applianceId: "app-test-01", destinations: [
            DestinationConfiguration(name: "bureau", url: bureauURL, batchSize: 50, connectTimeout: 2, requestTimeout: 5,
                                     retry: retry, idlePollInterval: 0.05, inboxInterval: 0, reconcileInterval: 0),
            DestinationConfiguration(name: "province", url: provinceURL, kinds: ["person", "stay", "alert"], batchSize: 50,
                                     connectTimeout: 2, requestTimeout: 5, retry: retry, idlePollInterval: 0.05,
                                     inboxInterval: 0, reconcileInterval: 0),
        ])
    }

    static func make(_ configuration: SyncConfiguration = configuration()) async throws -> SyncWorld {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-sync-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let system = try SyncSystem.open(registerPath: directory.appendingPathComponent("register.sqlite").path,
                                         keyFile: directory.appendingPathComponent("data.key").path, configuration: configuration)
        let demo = try await SyntheticRegistrations.prepare(system.store)
        return SyncWorld(system: system, demo: demo, directory: directory)
    }

    func close() {
        try? system.store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func register(_ indices: Range<Int>) async throws {
        for index in indices { try await demo.register(system.store, index: index) }
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try system.store.database.read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0 }
    }

    func uplink(_ name: String, _ transport: any UpstreamTransport) -> Uplink {
        let destination = system.configuration.destinations.first { $0.name == name }!
        return Uplink(system: system, destination: destination, transport: transport)
    }
}

/// An in-memory upstream server for uplink tests without I/O: stores records by id, answers receipts,
/// and can be told to fail in the ways a network fails.
final class FakeUpstream: UpstreamTransport, @unchecked Sendable {
    enum Mode: Equatable {
        case normal
        case down
        case status(Int, retryAfter: String?)
        /// Store the batch, then lose the answer.
        case dropResponse
    }

    private let lock = NSLock()
    private var _mode: Mode = .normal
    private var _records: [String: (seq: Int64, kind: String, digest: String)] = [:]
    private var _received = 0
    private var _batchSizes: [Int] = []
    var rejectKinds: Set<String> = []
    var inbox: [InboxMessage] = []
    var acknowledged: Int64 = 0

    var mode: Mode {
        get { lock.withLock { _mode } }
        set { lock.withLock { _mode = newValue } }
    }
    var records: [String: (seq: Int64, kind: String, digest: String)] { lock.withLock { _records } }
    var received: Int { lock.withLock { _received } }
    /// Records per batch posted, in order.
    var batchSizes: [Int] { lock.withLock { _batchSizes } }

    func perform(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        try lock.withLock {
            switch _mode {
            case .down: throw TransportError(code: 7, message: "Couldn't connect to server")
            case let .status(code, retryAfter):
                return UpstreamResponse(status: code, headers: retryAfter.map { ["retry-after": $0] } ?? [:])
            case .normal, .dropResponse: break
            }
            if request.path.hasPrefix(SyncPaths.inboxAck) {
                let ack = try JSONDecoder().decode(InboxAck.self, from: request.body!)
                acknowledged = max(acknowledged, ack.upTo)
                return UpstreamResponse(status: 200, body: try JSONEncoder().encode(InboxAckResponse(acknowledged: acknowledged)))
            }
            if request.path.hasPrefix(SyncPaths.inbox) {
                let after = Int64(request.path.components(separatedBy: "after=").last!.components(separatedBy: "&").first!)!
                let page = inbox.filter { $0.cursor > after }
                return UpstreamResponse(status: 200, body: try JSONEncoder().encode(
                    InboxPage(messages: page, next: page.last?.cursor ?? after, more: false)))
            }
            let batch = try JSONDecoder().decode(RecordBatch.self, from: request.body!)
            _batchSizes.append(batch.records.count)
            var receipts: [Receipt] = []
            for record in batch.records {
                _received += 1
                if rejectKinds.contains(record.kind) {
                    receipts.append(Receipt(id: record.id, seq: record.seq, status: .rejected, code: "record.kindRefused",
                                            message: "refused", permanent: true))
                } else if _records[record.id] != nil {
                    receipts.append(.duplicate(record))
                } else {
                    #expect(SyncRecord.digest(of: record.payload) == record.payloadDigest)
                    _records[record.id] = (record.seq, record.kind, record.payloadDigest)
                    receipts.append(.accepted(record))
                }
            }
            if _mode == .dropResponse { throw TransportError(code: 52, message: "Empty reply from server") }
            let highest = _records.values.map(\.seq).max() ?? 0
            return UpstreamResponse(status: 200, body: try JSONEncoder().encode(
                BatchResponse(batchId: batch.batchId, receipts: receipts, highestSeq: highest)))
        }
    }
}

/// Drains `uplink` until nothing is pending or `limit` batches were tried.
@discardableResult
func drain(_ uplink: Uplink, limit: Int = 1000) async throws -> Int {
    var batches = 0
    while batches < limit {
        batches += 1
        switch try await uplink.sendBatch() {
        case .empty: return batches
        case .answered: continue
        case .failed: return batches
        }
    }
    return batches
}
