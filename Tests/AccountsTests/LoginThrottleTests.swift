import Accounts
import Foundation
import Testing

@Suite("Login throttling (pure state machine, fake time)")
struct LoginThrottleTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    @Test("five failures are free; then 30 s, 60 s, 120 s … up to the 15-minute lock-out")
    func doubling() {
        var throttle = LoginThrottle()
        for i in 0..<5 {
            #expect(throttle.check(user: "zhang", address: "10.0.0.5", now: at(Double(i))) == .allow)
            throttle.recordFailure(user: "zhang", address: "10.0.0.5", now: at(Double(i)))
        }
        #expect(throttle.check(user: "zhang", address: "10.0.0.5", now: at(5)) == .allow, "the 5th failure does not block yet")
        throttle.recordFailure(user: "zhang", address: "10.0.0.5", now: at(5))  // 6th
        #expect(throttle.check(user: "zhang", address: "10.0.0.6", now: at(6)) == .wait(.seconds(29), firstRefusal: true))
        #expect(throttle.check(user: "zhang", address: "10.0.0.6", now: at(20)) == .wait(.seconds(15), firstRefusal: false),
                "refused attempts during a block do not count and are noted once")
        #expect(throttle.failures(.user("zhang"), now: at(20)) == 6)
        #expect(throttle.check(user: "zhang", address: nil, now: at(35)) == .allow, "the block ends after 30 s")
        throttle.recordFailure(user: "zhang", address: nil, now: at(35))  // 7th
        #expect(throttle.check(user: "zhang", address: nil, now: at(36)) == .wait(.seconds(59), firstRefusal: true))
        var now = 95.0
        var failures = 7
        var lastDelay = 60.0
        while failures < 20 {
            throttle.recordFailure(user: "zhang", address: nil, now: at(now))
            failures += 1
            guard case .wait(let wait, _) = throttle.check(user: "zhang", address: nil, now: at(now)) else {
                Issue.record("no block after failure \(failures)")
                return
            }
            let seconds = Double(wait.components.seconds)
            #expect(seconds <= 900, "never more than the lock-out window")
            #expect(seconds >= min(lastDelay, 900))
            lastDelay = seconds
            now += seconds + 1
        }
        #expect(lastDelay == 900)
        #expect(throttle.check(user: "li", address: nil, now: at(now)) == .allow, "other users are not affected")
    }

    @Test("failures are forgotten after a quiet window; a success forgets the user's but not the address's")
    func forgetting() {
        var throttle = LoginThrottle()
        for i in 0..<4 { throttle.recordFailure(user: "zhang", address: "10.0.0.5", now: at(Double(i))) }
        #expect(throttle.failures(.user("zhang"), now: at(10)) == 4)
        #expect(throttle.failures(.user("zhang"), now: at(3 + 900)) == 0, "15 quiet minutes")
        for i in 0..<4 { throttle.recordFailure(user: "zhang", address: "10.0.0.5", now: at(1000 + Double(i))) }
        throttle.recordSuccess(user: "zhang", address: "10.0.0.5", now: at(1010))
        #expect(throttle.failures(.user("zhang"), now: at(1010)) == 0)
        #expect(throttle.failures(.address("10.0.0.5"), now: at(1010)) == 4)
    }

    @Test("per address: twenty failures over many names block the address for every name")
    func perAddress() {
        var throttle = LoginThrottle()
        for i in 0..<21 {
            throttle.recordFailure(user: "user\(i)", address: "10.0.0.9", now: at(Double(i)))
        }
        #expect(throttle.check(user: "fresh", address: "10.0.0.9", now: at(22)) == .wait(.seconds(28), firstRefusal: true))
        #expect(throttle.check(user: "fresh", address: "10.0.0.10", now: at(22)) == .allow)
    }

    @Test("memory is bounded: a flood of names keeps at most `capacity` keys")
    func bounded() {
        var throttle = LoginThrottle(capacity: 100)
        for i in 0..<1000 { throttle.recordFailure(user: "name\(i)", address: nil, now: at(Double(i) / 100)) }
        #expect(throttle.count <= 100)
        #expect(throttle.failures(.user("name999"), now: at(10)) == 1, "the newest are kept")
    }
}
