import Foundation
import GRDB
import Logging
import Registry
import ServiceLifecycle
import Synchronization
import SyncProtocol

/// The uplink of one destination, a swift-service-lifecycle `Service` named `uplink.<destination>`:
/// streams the destination's pending items from disk in batches (``DestinationConfiguration/batchSize``
/// at a time, so memory does not grow with the backlog), applies the per-item receipts in one
/// transaction, retries transient failures forever on its ``RetrySchedule``, pulls the inbox and
/// reconciles periodically. Destinations share nothing but the database: one being down never holds
/// another back.
public final class Uplink: Service, Sendable {
    /// `uplink.<destination>`.
    public let name: String
    /// The destination's configuration.
    public let destination: DestinationConfiguration
    let store: RegisterStore
    let outbox: Outbox
    let signal: OutboxSignal
    let transport: any UpstreamTransport
    let signer: BatchSigner?
    let applianceId: String
    let clock: @Sendable () -> Date
    let state: Mutex<RetrySchedule>
    let logger: Logger

    /// An uplink of `system` to `destination` over `transport`.
    public convenience init(system: SyncSystem, destination: DestinationConfiguration, transport: any UpstreamTransport,
                            signer: BatchSigner? = nil) {
        self.init(store: system.store, outbox: system.outbox, signal: system.signal, applianceId: system.configuration.applianceId,
                  destination: destination, transport: transport, signer: signer)
    }

    /// An uplink from its parts (tests pass a scripted transport and a clock).
    public init(store: RegisterStore, outbox: Outbox, signal: OutboxSignal, applianceId: String,
                destination: DestinationConfiguration, transport: any UpstreamTransport, signer: BatchSigner? = nil,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        name = "uplink.\(destination.name)"
        self.destination = destination
        self.store = store
        self.outbox = outbox
        self.signal = signal
        self.transport = transport
        self.signer = signer
        self.applianceId = applianceId
        self.clock = clock
        state = Mutex(RetrySchedule(policy: destination.retry))
        var logger = SyncLog.logger
        logger[metadataKey: "destination"] = "\(destination.name)"
        self.logger = logger
    }

    /// The outcome of one ``sendBatch()``.
    public enum BatchOutcome: Sendable, Hashable {
        /// Nothing pending.
        case empty
        /// A batch was answered with receipts.
        case answered(ReceiptCounts)
        /// No usable answer: the batch stays queued; retry after the schedule's delay (the server's
        /// `Retry-After` if it sent one).
        case failed(reason: String, retryAfter: Double?)
    }

    /// Runs until cancelled or graceful shutdown: send while there is something to send and the schedule
    /// allows, otherwise wait for a commit, the retry time or the next periodic task.
    public func run() async throws {
        logger.info("sync.uplink.start")
        try? await cancelWhenGracefulShutdown { try await self.loop() }
        logger.info("sync.uplink.stop")
    }

    func loop() async throws {
        var inboxSchedule = RetrySchedule(policy: destination.retry)
        var nextInbox = clock()
        var nextReconcile = clock().addingTimeInterval(min(destination.reconcileInterval, 60))
        var nextGauges = clock()
        while !Task.isCancelled {
            if clock() >= nextGauges {
                nextGauges = clock().addingTimeInterval(15)
                await refreshGauges()
            }
            let generation = signal.generation
            var idle = true
            if state.withLock({ $0.mayAttempt(at: clock()) }) {
                do {
                    // Sending on while batches are answered and more is pending; once the queue is empty,
                    // waiting (for a commit and the linger) like an idle uplink.
                    var drained = false
                    if case .answered = try await sendBatches(maximumBatches: 50, drained: &drained), !drained { idle = false }
                } catch is CancellationError {
                    return
                } catch {
                    // A local failure (database busy, disk full): never end the service, back off and retry.
                    state.withLock { _ = $0.failed(at: clock()) }
                    logger.error("sync.batch.error", metadata: ["error": "\(error)"])
                }
            }
            let now = clock()
            if destination.inboxInterval > 0, now >= nextInbox, inboxSchedule.mayAttempt(at: now) {
                do {
                    _ = try await pullInbox()
                    inboxSchedule.succeeded()
                    nextInbox = now.addingTimeInterval(destination.inboxInterval)
                } catch {
                    inboxSchedule.failed(at: now)
                    logger.warning("sync.inbox.failed", metadata: ["error": "\(error)"])
                }
            }
            if destination.reconcileInterval > 0, now >= nextReconcile, idle {
                do {
                    _ = try await reconcile()
                    nextReconcile = now.addingTimeInterval(destination.reconcileInterval)
                } catch {
                    nextReconcile = now.addingTimeInterval(min(destination.reconcileInterval, 300))
                    logger.warning("sync.reconcile.failed", metadata: ["error": "\(error)"])
                }
            }
            if !idle { continue }
            let retryDelay = state.withLock { $0.delay(at: clock()) }
            var wait = retryDelay > 0 ? retryDelay : destination.idlePollInterval
            if destination.inboxInterval > 0 { wait = min(wait, max(0.05, max(nextInbox, inboxSchedule.notBefore ?? nextInbox).timeIntervalSince(clock()))) }
            if retryDelay > 0 {
                try await Task.sleep(for: .seconds(wait))
            } else {
                await signal.wait(after: generation, timeout: wait)
                if destination.linger > 0, signal.generation != generation {
                    try await Task.sleep(for: .seconds(destination.linger))
                }
            }
        }
    }

    /// A batch read from disk, its payloads built and its body encoded, ready to send.
    struct ReadyBatch: Sendable {
        var body: Data?
        var digests: [Int64: String]
        var unreadable: [(seq: Int64, digest: String, outcome: ItemOutcome)]
        /// The (priority, seq) of its last item: the next page starts after it.
        var last: (priority: Int, seq: Int64)
    }

    /// Reads the next page (after `cursor`, if given) and prepares it; nil when nothing is pending there.
    func build(after cursor: (priority: Int, seq: Int64)?) async throws -> ReadyBatch? {
        let items = try await outbox.pending(destination.name, after: cursor, limit: destination.batchSize)
        guard let lastItem = items.last else { return nil }
        let prepared = try await prepare(items)
        let body = prepared.records.isEmpty ? nil : try BatchEncoding.batch(
            id: UUID(), applianceId: applianceId, sentAt: clock(), records: prepared.records, signer: signer)
        return ReadyBatch(body: body, digests: prepared.digests, unreadable: prepared.unreadable,
                          last: (lastItem.priority, lastItem.seq))
    }

    /// Sends the next batch (if any) and applies its receipts; updates the retry schedule and metrics.
    public func sendBatch() async throws -> BatchOutcome {
        guard let batch = try await build(after: nil) else {
            SyncMetrics.pending(destination.name, 0)
            return .empty
        }
        return try await send(batch)
    }

    /// Sends batches back to back while they are answered, keeping up to
    /// ``DestinationConfiguration/inFlight`` of them with the server and building each next batch (the
    /// pending items after the last one launched, in sending order) while the earlier ones are in flight.
    /// Batches are launched in order; receipts are applied as each answer comes. Stops launching at the
    /// first failure (waiting for those in flight), when nothing is pending, or after `maximumBatches`.
    /// Returns the last outcome.
    @discardableResult
    public func sendBatches(maximumBatches: Int = .max) async throws -> BatchOutcome {
        var drained = false
        return try await sendBatches(maximumBatches: maximumBatches, drained: &drained)
    }

    /// ``sendBatches(maximumBatches:)``; `drained` tells whether it stopped because nothing more was pending.
    func sendBatches(maximumBatches: Int, drained: inout Bool) async throws -> BatchOutcome {
        drained = false
        var inFlight: [Task<BatchOutcome, any Error>] = []
        var cursor: (priority: Int, seq: Int64)?
        var launched = 0
        var last: BatchOutcome = .empty
        var stop = false
        defer { for task in inFlight { task.cancel() } }
        while true {
            while !stop, inFlight.count < max(1, destination.inFlight), launched < maximumBatches {
                guard let batch = try await build(after: cursor) else {
                    stop = true
                    drained = true
                    break
                }
                cursor = batch.last
                inFlight.append(Task { try await self.send(batch) })
                launched += 1
            }
            guard !inFlight.isEmpty else {
                if launched == 0 { SyncMetrics.pending(destination.name, 0) }
                return last
            }
            let outcome = try await inFlight.removeFirst().value
            if case .failed = last {} else { last = outcome }  // a failure is what the caller must see
            if case .answered = outcome, state.withLock({ $0.mayAttempt(at: clock()) }) {} else { stop = true }
            if launched >= maximumBatches { stop = true }
        }
    }

    /// Sends one built batch and applies its answer.
    func send(_ batch: ReadyBatch) async throws -> BatchOutcome {
        let started = Date(), sentAt = clock()
        if !batch.unreadable.isEmpty {
            try await outbox.apply(destination.name, receipts: batch.unreadable)
        }
        guard let body = batch.body else { return .answered(ReceiptCounts(quarantined: batch.unreadable.count)) }
        let outcome: BatchOutcome
        do {
            let response = try await transport.perform(UpstreamRequest(method: "POST", path: SyncPaths.batches, body: body))
            outcome = try await handle(response, digests: batch.digests, sentAt: sentAt)
        } catch let error as TransportError {
            outcome = .failed(reason: error.description, retryAfter: nil)
        }
        let seconds = Date().timeIntervalSince(started)
        switch outcome {
        case let .answered(counts):
            state.withLock { $0.succeeded() }
            SyncMetrics.batch(destination.name, outcome: "answered", seconds: seconds)
            SyncMetrics.delivered(destination.name, accepted: counts.accepted, duplicate: counts.duplicate)
            SyncMetrics.rejected(destination.name, permanent: counts.quarantined, transient: counts.transient)
            SyncMetrics.lastSuccess(destination.name, clock().timeIntervalSince1970)
            if counts.transient > 0 && counts.accepted + counts.duplicate + counts.quarantined == 0 {
                // Every item deferred: back off instead of spinning on the same batch.
                state.withLock { _ = $0.failed(at: clock()) }
            }
            logger.debug("sync.batch", metadata: ["accepted": "\(counts.accepted)", "duplicate": "\(counts.duplicate)",
                                                  "quarantined": "\(counts.quarantined)", "deferred": "\(counts.transient)"])
        case let .failed(reason, retryAfter):
            let next = state.withLock { $0.failed(at: clock(), retryAfter: retryAfter) }
            try await outbox.recordFailure(destination.name, error: reason)
            SyncMetrics.batch(destination.name, outcome: "failed", seconds: seconds)
            logger.warning("sync.batch.failed", metadata: ["reason": "\(reason)", "retryAt": "\(next.timeIntervalSince1970)"])
        case .empty: break
        }
        return outcome
    }

    /// Sets the pending, quarantined and oldest-age gauges of this destination from the database.
    func refreshGauges() async {
        guard let status = try? await outbox.status(configured: [destination.name]).first(where: { $0.destination == destination.name })
        else { return }
        SyncMetrics.pending(destination.name, status.pending)
        SyncMetrics.quarantined(destination.name, status.quarantined)
        SyncMetrics.oldestAge(destination.name, status.oldestAge(at: clock()) ?? 0)
    }

    /// The schedule's current state (for tests and status).
    public var retrySchedule: RetrySchedule { state.withLock { $0 } }

    struct Prepared {
        var records: [JSONValue] = []
        var digests: [Int64: String] = [:]
        var unreadable: [(seq: Int64, digest: String, outcome: ItemOutcome)] = []
    }

    /// Payloads of the items (decrypted from their snapshots in one read).
    func prepare(_ items: [OutboxItem]) async throws -> Prepared {
        let store = self.store, applianceId = self.applianceId
        return try await outbox.database.readOffPool { db in
            var prepared = Prepared()
            prepared.records.reserveCapacity(items.count)
            for item in items {
                do {
                    guard let kind = RecordKind(rawValue: item.kind) else {
                        throw SyncError(.recordMissing, "未知的记录类型 \(item.kind)")
                    }
                    let payload = BatchEncoding.payload(try store.recordPayload(kind: kind, snapshot: item.snapshot, in: db))
                    let digest = SyncRecord.digest(of: payload)
                    prepared.digests[item.seq] = digest
                    prepared.records.append(BatchEncoding.record(item, payload: payload, digest: digest, applianceId: applianceId))
                } catch {
                    // A snapshot that cannot be read can never be sent: quarantine it locally.
                    prepared.unreadable.append((item.seq, "", .rejected(code: "local.payload", message: "\(error)", permanent: true)))
                }
            }
            return prepared
        }
    }

    func handle(_ response: UpstreamResponse, digests: [Int64: String], sentAt: Date) async throws -> BatchOutcome {
        switch response.status {
        case 200:
            guard let answer = try? JSONDecoder().decode(BatchResponse.self, from: response.body) else {
                return .failed(reason: "HTTP 200 with an unreadable body", retryAfter: nil)
            }
            var receipts: [(seq: Int64, digest: String, outcome: ItemOutcome)] = []
            receipts.reserveCapacity(answer.receipts.count)
            for receipt in answer.receipts {
                guard let seq = receipt.seq, let digest = digests[seq] else { continue }
                let outcome: ItemOutcome
                switch receipt.status {
                case .accepted: outcome = .accepted
                case .duplicate: outcome = .duplicate
                case .rejected:
                    outcome = .rejected(code: receipt.code ?? "rejected", message: receipt.message ?? "",
                                        permanent: receipt.permanent ?? false)
                }
                receipts.append((seq, digest, outcome))
            }
            let counts = try await outbox.apply(destination.name, receipts: receipts)
            // The server's view of the stream: delivered items it says it never got go out again.
            let requeued = try await outbox.requeueDelivered(destination.name, ranges: answer.missing.map { ($0.from, $0.to) },
                                                             deliveredBefore: Int64(sentAt.timeIntervalSince1970 * 1000))
            if !requeued.isEmpty {
                logger.warning("sync.batch.serverMissing", metadata: ["requeued": "\(requeued.count)"])
            }
            return .answered(counts)
        default:
            let detail = (try? JSONDecoder().decode(ErrorBody.self, from: response.body)).map { "\($0.error.code): \($0.error.message)" }
            return .failed(reason: "HTTP \(response.status)" + (detail.map { " \($0)" } ?? ""),
                           retryAfter: response.retryAfter(now: clock()))
        }
    }
}
