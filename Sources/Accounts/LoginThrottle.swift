import Foundation

/// Login throttling as a pure state machine: no I/O, no clock of its own (every call takes `now`).
///
/// Failures are counted per login name and per client address. The first ``Policy/freeFailures``
/// failures of a key cost nothing; each further failure blocks the key for ``Policy/baseDelay`` doubled per
/// failure beyond the free ones, at most ``Policy/maximumDelay`` (the lock-out window). While a key is
/// blocked, attempts are refused without checking the password (no scrypt work for a guesser) and do not
/// count. A key's failures are forgotten ``Policy/forgetAfter`` after its last failure or the end of its
/// block, whichever is later; a successful login forgets the user's failures (not the address's).
public struct LoginThrottle: Sendable {
    /// The numbers of one kind of key.
    public struct Policy: Sendable, Hashable {
        /// Failures allowed before the first block.
        public var freeFailures: Int
        /// The block after the first failure beyond the free ones; doubled for each further one.
        public var baseDelay: Duration
        /// The longest block (the lock-out window).
        public var maximumDelay: Duration
        /// Quiet time after which a key's failures are forgotten.
        public var forgetAfter: Duration

        /// A policy.
        public init(freeFailures: Int, baseDelay: Duration, maximumDelay: Duration, forgetAfter: Duration) {
            self.freeFailures = freeFailures
            self.baseDelay = baseDelay
            self.maximumDelay = maximumDelay
            self.forgetAfter = forgetAfter
        }

        /// Per login name: 5 free failures, then 30 s, 60 s, 120 s … up to 15 minutes.
        public static let perUser = Policy(freeFailures: 5, baseDelay: .seconds(30), maximumDelay: .seconds(900),
                                           forgetAfter: .seconds(900))
        /// Per client address (several operators may share one): 20 free failures, then the same doubling.
        public static let perAddress = Policy(freeFailures: 20, baseDelay: .seconds(30), maximumDelay: .seconds(900),
                                              forgetAfter: .seconds(900))

        /// The block after the `failures`-th failure, or `nil` while still free.
        func delay(afterFailures failures: Int) -> Duration? {
            guard failures > freeFailures else { return nil }
            let doublings = min(failures - freeFailures - 1, 30)
            let delay = baseDelay * (1 << doublings)
            return min(delay, maximumDelay)
        }
    }

    /// What is counted.
    public enum Key: Sendable, Hashable {
        /// A login name (normalized).
        case user(String)
        /// A client address.
        case address(String)
    }

    /// The answer to ``check(user:address:now:)``.
    public enum Decision: Sendable, Hashable {
        /// Go on and check the password.
        case allow
        /// Refuse without checking; `firstRefusal` is true for the first refusal of this block (to audit
        /// once per block rather than once per attempt).
        case wait(Duration, firstRefusal: Bool)
    }

    struct Entry: Sendable, Hashable {
        var failures: Int
        var lastFailure: Date
        var blockedUntil: Date?
        var refusalNoted = false

        func forgotten(at now: Date, _ policy: Policy) -> Bool {
            let quietSince = max(lastFailure, blockedUntil ?? lastFailure)
            return now >= quietSince.addingTimeInterval(policy.forgetAfter.seconds)
        }
    }

    /// The policy of login names.
    public var userPolicy: Policy
    /// The policy of client addresses.
    public var addressPolicy: Policy
    /// Most keys remembered (the oldest are dropped beyond it, so a flood of names cannot exhaust memory).
    public var capacity: Int
    private(set) var entries: [Key: Entry] = [:]

    /// A throttle with no failures.
    public init(userPolicy: Policy = .perUser, addressPolicy: Policy = .perAddress, capacity: Int = 10_000) {
        self.userPolicy = userPolicy
        self.addressPolicy = addressPolicy
        self.capacity = capacity
    }

    /// Whether a login of `user` from `address` may be tried now. Marks the refusal as noted.
    public mutating func check(user: String, address: String?, now: Date) -> Decision {
        var longest: Duration?
        var first = false
        for key in keys(user: user, address: address) {
            guard var entry = entries[key] else { continue }
            let policy = self.policy(key)
            if entry.forgotten(at: now, policy) {
                entries[key] = nil
                continue
            }
            guard let until = entry.blockedUntil, until > now else { continue }
            let wait = Duration.milliseconds(Int64((until.timeIntervalSince(now) * 1000).rounded(.up)))
            longest = max(longest ?? .zero, wait)
            if !entry.refusalNoted {
                first = true
                entry.refusalNoted = true
                entries[key] = entry
            }
        }
        if let longest { return .wait(longest, firstRefusal: first) }
        return .allow
    }

    /// Counts a failed login of `user` from `address`.
    public mutating func recordFailure(user: String, address: String?, now: Date) {
        for key in keys(user: user, address: address) {
            let policy = self.policy(key)
            var entry = entries[key].flatMap { $0.forgotten(at: now, policy) ? nil : $0 }
                ?? Entry(failures: 0, lastFailure: now)
            entry.failures += 1
            entry.lastFailure = now
            if let delay = policy.delay(afterFailures: entry.failures) {
                entry.blockedUntil = now.addingTimeInterval(delay.seconds)
                entry.refusalNoted = false
            }
            entries[key] = entry
        }
        if entries.count > capacity { prune(now: now) }
    }

    /// A successful login: the user's failures are forgotten (the address's stay until they age out).
    public mutating func recordSuccess(user: String, address: String?, now: Date) {
        entries[.user(user)] = nil
    }

    /// The failures counted for `key` now (0 when none or forgotten).
    public func failures(_ key: Key, now: Date) -> Int {
        guard let entry = entries[key], !entry.forgotten(at: now, policy(key)) else { return 0 }
        return entry.failures
    }

    /// The number of keys remembered.
    public var count: Int { entries.count }

    private func keys(user: String, address: String?) -> [Key] {
        [.user(user)] + (address.map { [.address($0)] } ?? [])
    }

    private func policy(_ key: Key) -> Policy {
        switch key {
        case .user: userPolicy
        case .address: addressPolicy
        }
    }

    private mutating func prune(now: Date) {
        entries = entries.filter { !$0.value.forgotten(at: now, policy($0.key)) }
        if entries.count > capacity {
            let keep = entries.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(capacity)
            entries = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
