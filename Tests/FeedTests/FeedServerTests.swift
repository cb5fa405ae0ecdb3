import FeedTesting
import Foundation
import Glibc
import Logging
import ServiceLifecycle
import Testing
@testable import Feed

/// A feed server on a socket in a temporary directory, run in a task for one test.
struct RunningFeed {
    let bus: EventBus
    let path: String
    let task: Task<Void, any Error>

    static func start(_ audience: FeedAudience, bus: EventBus = EventBus(), heartbeat: Duration = .seconds(30),
                      capacity: Int = 16, maximumClients: Int = 8) async throws -> RunningFeed {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rf-feed-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(audience.rawValue).sock").path
        let server = FeedServer(configuration: .init(path: path, audience: audience, heartbeat: heartbeat,
                                                      capacity: capacity, maximumClients: maximumClients), bus: bus)
        let task = Task { try await server.run() }
        // Generous: when the whole suite starts at once on two cores, other tests can hold the
        // cooperative pool for many seconds (seen in CI: over 10 s before the server task ran).
        let deadline = ContinuousClock.now + .seconds(90)
        while !FileManager.default.fileExists(atPath: path) {
            guard ContinuousClock.now < deadline else { throw ClientError("the socket did not appear") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return RunningFeed(bus: bus, path: path, task: task)
    }

    func client(subscribe topics: [String]? = nil) async throws -> LineClient {
        let client = try LineClient(path: path)
        let hello = try await client.next()
        #expect(hello?["type"] as? String == "hello")
        if let topics {
            try client.send(#"{"op":"subscribe","topics":[\#(topics.map { "\"\($0)\"" }.joined(separator: ","))]}"#)
            let answer = try await client.next(type: "subscribed")
            #expect(answer?["topics"] as? [String] == topics.sorted())
        }
        return client
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
}

func cardEvent(_ name: String = "张伟") throws -> FeedEvent {
    try FeedEvent(topic: .card, type: "card.read", data: PublicCardData(name: name, kind: "resident", device: "kiosk-1"))
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

func alertEvent() throws -> FeedEvent {
    try FeedEvent(topic: .alert, type: "alert.opened", data: ["level": "1", "device": "kiosk-1"])
}

/// Waits until the bus has `count` subscribers (a subscribe is answered before the bus knows it).
func waitForSubscribers(_ bus: EventBus, _ count: Int) async throws {
    let deadline = ContinuousClock.now + .seconds(60)
    while bus.subscriberCount != count {
        guard ContinuousClock.now < deadline else { throw ClientError("subscribers: \(bus.subscriberCount), expected \(count)") }
        try await Task.sleep(for: .milliseconds(5))
    }
}

@Suite("Feed server over a real Unix socket")
struct FeedServerTests {
    @Test func helloSubscribeAndAMaskedCardEvent() async throws {
        let feed = try await RunningFeed.start(.public)
        let client = try LineClient(path: feed.path)
        let hello = try #require(try await client.next())
        #expect(hello["type"] as? String == "hello")
        #expect(hello["protocol"] as? Int == 1)
        #expect(hello["topics"] as? [String] == ["occupancy", "banner", "card", "reader"], "the public socket never offers alerts")
        try client.send(#"{"op":"subscribe","topics":["card"]}"#)
        #expect(try await client.next(type: "subscribed")?["topics"] as? [String] == ["card"])
        try await waitForSubscribers(feed.bus, 1)
        feed.bus.publish(try cardEvent("欧阳娜娜"))
        let event = try #require(try await client.next(type: "card.read"))
        #expect(event["topic"] as? String == "card")
        #expect(event["seq"] as? Int == 1)
        let data = try #require(event["data"] as? [String: Any])
        #expect(data["name"] as? String == "欧***")
        #expect(data["device"] as? String == "kiosk-1")
        #expect((event["time"] as? String)?.hasSuffix("Z") == true)
        await feed.stop()
    }

    @Test func thePublicSocketRefusesAndNeverCarriesAlerts() async throws {
        let feed = try await RunningFeed.start(.public)
        let client = try await feed.client()
        try client.send(#"{"op":"subscribe","topics":["card","alert"]}"#)
        let refusal = try #require(try await client.next(type: "error"))
        #expect(refusal["code"] as? String == "feed.forbiddenTopic")
        try client.send(#"{"op":"subscribe","topics":["card","occupancy","banner","reader"]}"#)
        _ = try await client.next(type: "subscribed")
        try await waitForSubscribers(feed.bus, 1)
        feed.bus.publish(try alertEvent())
        feed.bus.publish(try cardEvent())
        let next = try #require(try await client.next())
        #expect(next["type"] as? String == "card.read", "the alert published first never reached the public socket")
        #expect(next["seq"] as? Int == 2)
        // Every line the public client got, as raw text, names no alert.
        await feed.stop()
    }

    @Test func theAlertSocketCarriesAlerts() async throws {
        let feed = try await RunningFeed.start(.restricted)
        let client = try await feed.client(subscribe: ["alert"])
        try await waitForSubscribers(feed.bus, 1)
        feed.bus.publish(try cardEvent())
        feed.bus.publish(try alertEvent())
        let event = try #require(try await client.next())
        #expect(event["type"] as? String == "alert.opened")
        #expect((event["data"] as? [String: Any])?["level"] as? String == "1")
        await feed.stop()
    }

    @Test func retainedTopicsAreSentOnSubscribe() async throws {
        let bus = EventBus()
        bus.publish(try FeedEvent(topic: .banner, type: "banner.changed",
                                  data: BannerData(welcome: "欢迎来到安慧里社区", date: "2025年6月15日 星期日", notices: [])))
        bus.publish(try cardEvent())
        let feed = try await RunningFeed.start(.public, bus: bus)
        let client = try await feed.client(subscribe: ["banner", "card"])
        let banner = try #require(try await client.next())
        #expect(banner["type"] as? String == "banner.changed")
        #expect((banner["data"] as? [String: Any])?["welcome"] as? String == "欢迎来到安慧里社区")
        // The card event before the subscription is not retained: the next line is a new event.
        feed.bus.publish(try cardEvent("李娜"))
        let card = try #require(try await client.next())
        #expect((card["data"] as? [String: Any])?["name"] as? String == "李*")
        await feed.stop()
    }

    @Test func heartbeatsArrive() async throws {
        let feed = try await RunningFeed.start(.public, heartbeat: .milliseconds(100))
        let client = try await feed.client(subscribe: ["occupancy"])
        let beat = try #require(try await client.next(type: "heartbeat", timeout: .seconds(30)))
        #expect(beat["time"] is String)
        await feed.stop()
    }

    @Test func badLinesGetAnErrorAndTheConnectionStays() async throws {
        let feed = try await RunningFeed.start(.public)
        let client = try await feed.client()
        for (line, code) in [("not json", "feed.badRequest"), (#"{"op":"fly"}"#, "feed.badRequest"),
                             (#"{"op":"subscribe","topics":[]}"#, "feed.badRequest"),
                             (#"{"op":"subscribe","topics":["weather"]}"#, "feed.unknownTopic")] {
            try client.send(line)
            let error = try #require(try await client.next(type: "error"))
            #expect(error["code"] as? String == code, "\(line)")
            #expect((error["message"] as? String)?.isEmpty == false)
        }
        try client.send(#"{"op":"ping"}"#)
        #expect(try await client.next(type: "pong") != nil)
        // An endless line: an error, then the server closes the connection.
        try client.send(String(repeating: "x", count: 5000))
        #expect(try await client.next(type: "error")?["code"] as? String == "feed.lineTooLong")
        #expect(try await client.waitForClose())
        await feed.stop()
    }

    @Test func aSlowClientIsDroppedWithoutSlowingTheOthers() async throws {
        let feed = try await RunningFeed.start(.public, capacity: 8)
        let slow = try await feed.client(subscribe: ["card"])
        slow.setReceiveBuffer(4096)
        let fast = try await feed.client(subscribe: ["card"])
        try await waitForSubscribers(feed.bus, 2)
        let padding = String(repeating: "名", count: 400)
        let count = 1500
        let seen = Counter()
        let reader = Task {
            while seen.value < count, let event = try await fast.next(type: "card.read", timeout: .seconds(60)) {
                #expect(event["seq"] as? Int == seen.value + 1, "the fast client misses nothing")
                seen.increment()
            }
        }
        // A pace the reading client keeps up with (at most 4 events ahead of it); the client that never
        // reads fills its socket buffers and then its 8 places on the bus.
        for published in 1...count {
            feed.bus.publish(try FeedEvent(topic: .card, type: "card.read",
                                           data: PublicCardData(name: "张", kind: padding, device: "kiosk-1")))
            while seen.value < published - 4 { try await Task.sleep(for: .milliseconds(1)) }
        }
        try await reader.value
        #expect(seen.value == count)
        #expect(feed.bus.subscriberCount == 1, "only the reading client is still subscribed")
        #expect(try await slow.waitForClose(timeout: .seconds(60)), "the slow client was disconnected")
        await feed.stop()
    }

    @Test func clientsBeyondTheLimitAreToldAndClosed() async throws {
        let feed = try await RunningFeed.start(.public, maximumClients: 2)
        let first = try await feed.client()
        let second = try await feed.client()
        let third = try LineClient(path: feed.path)
        let bye = try #require(try await third.next())
        #expect(bye["type"] as? String == "bye")
        #expect(bye["code"] as? String == "feed.tooManyClients")
        #expect(try await third.waitForClose())
        _ = (first, second)
        await feed.stop()
    }

    @Test func theSocketGetsItsModeAndAMissingGroupIsNamed() async throws {
        let feed = try await RunningFeed.start(.public)
        var info = stat()
        #expect(stat(feed.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        await feed.stop()

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rf-feed-\(UUID().uuidString.prefix(8)).sock").path
        let server = FeedServer(configuration: .init(path: path, audience: .restricted, group: "renfang-no-such-group"), bus: EventBus())
        do {
            try await server.run()
            Issue.record("a missing group must refuse to start")
        } catch let error as FeedError {
            #expect(error.code == .socket)
            #expect(error.message.contains("renfang-no-such-group"))
        }
        #expect(!FileManager.default.fileExists(atPath: path), "no socket is left behind")
    }

    @Test func gracefulShutdownClosesClientsAndRemovesTheSocket() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rf-feed-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("public.sock").path
        let server = FeedServer(configuration: .init(path: path, audience: .public), bus: EventBus())
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        while !FileManager.default.fileExists(atPath: path) { try await Task.sleep(for: .milliseconds(10)) }
        let client = try LineClient(path: path)
        _ = try await client.next()
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(try await client.waitForClose())
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
