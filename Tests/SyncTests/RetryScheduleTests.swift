import Crypto
import Foundation
import SyncProtocol
import Testing
@testable import Sync

/// A deterministic random source (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("RetrySchedule")
struct RetryScheduleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("delays grow exponentially, are jittered within bounds, and are capped")
    func exponentialCappedJittered() {
        var schedule = RetrySchedule(policy: RetryPolicy(initialDelay: 1, maximumDelay: 60, multiplier: 2, jitter: 0.2))
        var random = SeededRandom(state: 7)
        var now = t0
        for failure in 1...20 {
            let next = schedule.failed(at: now, using: &random)
            let delay = next.timeIntervalSince(now)
            let base = min(60, pow(2, Double(failure - 1)))
            #expect(delay >= base * 0.8 - 1e-9 && delay <= min(60, base * 1.2) + 1e-9, "failure \(failure): \(delay)")
            #expect(!schedule.mayAttempt(at: now) && schedule.mayAttempt(at: next))
            now = next
        }
        #expect(schedule.consecutiveFailures == 20)
    }

    @Test("jitter spreads the retries of many appliances")
    func jitterSpreads() {
        var random = SeededRandom(state: 1)
        var delays: Set<Int> = []
        for _ in 0..<50 {
            var schedule = RetrySchedule(policy: RetryPolicy(initialDelay: 10, jitter: 0.5))
            delays.insert(Int(schedule.failed(at: t0, using: &random).timeIntervalSince(t0) * 1000))
        }
        #expect(delays.count > 40)
    }

    @Test("Retry-After is honoured, but no longer than the policy allows")
    func retryAfter() {
        var random = SeededRandom(state: 3)
        var schedule = RetrySchedule(policy: RetryPolicy(initialDelay: 1, maximumDelay: 30, jitter: 0, maximumRetryAfter: 600))
        #expect(schedule.failed(at: t0, retryAfter: 120, using: &random) == t0.addingTimeInterval(120))
        #expect(schedule.failed(at: t0, retryAfter: 0.5, using: &random) == t0.addingTimeInterval(2))  // backoff is longer
        #expect(schedule.failed(at: t0, retryAfter: 86_400, using: &random) == t0.addingTimeInterval(600))
    }

    @Test("success resets; failures never give up")
    func successResets() {
        var random = SeededRandom(state: 5)
        var schedule = RetrySchedule(policy: RetryPolicy(initialDelay: 1, maximumDelay: 300, jitter: 0))
        for _ in 0..<10_000 { schedule.failed(at: t0, using: &random) }
        #expect(schedule.delay(at: t0) == 300 && schedule.consecutiveFailures == 10_000)
        schedule.succeeded()
        #expect(schedule.mayAttempt(at: t0) && schedule.delay(at: t0) == 0)
        #expect(schedule.failed(at: t0, using: &random) == t0.addingTimeInterval(1))
    }

    @Test("Retry-After as seconds or as an HTTP date")
    func retryAfterHeader() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(UpstreamResponse(status: 429, headers: ["retry-after": "7"]).retryAfter(now: now) == 7)
        #expect(UpstreamResponse(status: 503, headers: ["retry-after": "Wed, 21 Oct 2015 07:29:00 GMT"]).retryAfter(now: now) == 60)
        #expect(UpstreamResponse(status: 503).retryAfter(now: now) == nil)
    }
}

@Suite("Batch encoding")
struct BatchEncodingTests {
    @Test("the signed body is the canonical batch and verifies with the appliance key")
    func signedBody() throws {
        let item = OutboxItem(destination: "bureau", seq: 1, envelopeId: UUID(), kind: "houseStatusChange", recordUUID: UUID(),
                              operation: 1, action: "house.cancel", occurredAtMillis: 1_800_000_000_123, snapshot: Data(),
                              priority: 0, attempts: 0)
        let payload: JSONValue = .object(["名字": "演示", "\n": .null])
        let records = [BatchEncoding.record(item, payload: payload, digest: SyncRecord.digest(of: payload), applianceId: "app-test-01")]
        let body = try BatchEncoding.batch(id: UUID(), applianceId: "app-test-01", sentAt: Date(timeIntervalSince1970: 1.8e9),
                                           records: records, signer: TestKeys.signer)
        let value = try CanonicalJSON.parse(body)
        #expect(CanonicalJSON.data(value) == body)
        try BatchSigning.verify(value, publicKey: TestKeys.appliance.publicKey)
        let batch = try JSONDecoder().decode(RecordBatch.self, from: body)
        try batch.verifySignature(publicKey: TestKeys.appliance.publicKey)
        try batch.validate()
        #expect(batch.records[0].kind == "house_status_change" && batch.records[0].occurredAt == "2027-01-15T08:00:00.123Z")
        #expect(BatchEncoding.wireKind("houseStatusChange") == "house_status_change" && BatchEncoding.wireKind("person") == "person")
    }
}

enum TestKeys {
    /// A fixed Ed25519 key for the test appliance.
    static let appliance = try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32))
    static var signer: BatchSigner { BatchSigner(key: appliance) }
}
