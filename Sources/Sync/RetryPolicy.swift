import Foundation

/// The retry schedule of a destination (`retry:` of a destination in renfang.yaml). Transient failures
/// are retried forever: there is no attempt limit.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Seconds before the first retry (default 1).
    public var initialDelay: Double
    /// The cap of the exponential delay in seconds (default 300).
    public var maximumDelay: Double
    /// The factor between consecutive delays (default 2).
    public var multiplier: Double
    /// Jitter as a fraction of the delay: the delay is drawn uniformly from `[d·(1−j), d·(1+j)]`, then
    /// capped (default 0.2).
    public var jitter: Double
    /// The longest `Retry-After` honoured, in seconds (default 3600): a server cannot park the queue for
    /// longer.
    public var maximumRetryAfter: Double

    /// A policy.
    public init(initialDelay: Double = 1, maximumDelay: Double = 300, multiplier: Double = 2, jitter: Double = 0.2,
                maximumRetryAfter: Double = 3600) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.maximumRetryAfter = maximumRetryAfter
    }

    func validate(key: String) throws {
        guard initialDelay > 0, maximumDelay >= initialDelay, multiplier >= 1, (0...1).contains(jitter),
              maximumRetryAfter >= 0
        else {
            throw SyncError(.badConfiguration,
                            "\(key)：需要 initial_delay > 0、maximum_delay ≥ initial_delay、multiplier ≥ 1、0 ≤ jitter ≤ 1")
        }
    }
}

/// The backoff state machine of one destination: pure, driven by the caller's clock and random source.
///
/// - ``failed(at:retryAfter:using:)`` after a transient failure: the next attempt is not before
///   `now + max(Retry-After, jittered exponential delay)`; the exponential delay is
///   `initialDelay · multiplier^(failures−1)`, jittered, then capped at `maximumDelay`.
/// - ``succeeded()`` after a batch was answered: back to immediate attempts.
/// - ``mayAttempt(at:)`` / ``delay(at:)`` tell the uplink when to try next.
public struct RetrySchedule: Sendable, Hashable {
    /// The policy.
    public let policy: RetryPolicy
    /// Transient failures since the last success.
    public private(set) var consecutiveFailures = 0
    /// No attempt before this instant (nil: at once).
    public private(set) var notBefore: Date?

    /// A schedule in its initial state (attempt at once).
    public init(policy: RetryPolicy) {
        self.policy = policy
    }

    /// Whether an attempt may be made at `now`.
    public func mayAttempt(at now: Date) -> Bool {
        notBefore.map { now >= $0 } ?? true
    }

    /// Seconds to wait from `now` before the next attempt (0 when one may be made now).
    public func delay(at now: Date) -> Double {
        notBefore.map { max(0, $0.timeIntervalSince(now)) } ?? 0
    }

    /// The exponential delay before jitter for `failures` consecutive failures (≥ 1), capped.
    public func baseDelay(failures: Int) -> Double {
        let exponent = Double(max(0, failures - 1))
        return min(policy.maximumDelay, policy.initialDelay * pow(policy.multiplier, min(exponent, 64)))
    }

    /// Records a transient failure at `now`; `retryAfter` is the server's `Retry-After` in seconds, if it
    /// sent one. Returns the instant of the next attempt.
    @discardableResult
    public mutating func failed(at now: Date, retryAfter: Double? = nil,
                                using random: inout some RandomNumberGenerator) -> Date {
        consecutiveFailures += 1
        let base = baseDelay(failures: consecutiveFailures)
        let spread = base * policy.jitter
        let jittered = spread > 0 ? Double.random(in: (base - spread)...(base + spread), using: &random) : base
        var wait = min(policy.maximumDelay, max(0, jittered))
        if let retryAfter, retryAfter > 0 {
            wait = max(wait, min(retryAfter, policy.maximumRetryAfter))
        }
        let next = now.addingTimeInterval(wait)
        notBefore = next
        return next
    }

    /// Records a transient failure with the system random source.
    @discardableResult
    public mutating func failed(at now: Date, retryAfter: Double? = nil) -> Date {
        var random = SystemRandomNumberGenerator()
        return failed(at: now, retryAfter: retryAfter, using: &random)
    }

    /// Records a success: the next attempt may be made at once.
    public mutating func succeeded() {
        consecutiveFailures = 0
        notBefore = nil
    }
}
