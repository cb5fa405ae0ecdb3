import Foundation
import Testing
@testable import Feed

@Suite("Event bus and feed values")
struct EventBusTests {
    @Test func sequenceNumbersAndAudienceFiltering() async throws {
        let bus = EventBus()
        let publicSide = bus.subscribe(topics: Set(FeedTopic.allCases), audience: .public)
        let restricted = bus.subscribe(topics: [.alert], audience: .restricted)
        #expect(publicSide.topics == [.occupancy, .banner, .card, .reader], "a public subscriber never gets the alert topic")
        bus.publish(try alertEvent())
        bus.publish(try cardEvent())
        publicSide.cancel()
        restricted.cancel()
        var got: [FeedEvent] = []
        for await event in publicSide { got.append(event) }
        #expect(got.map(\.sequence) == [2])
        var alerts: [FeedEvent] = []
        for await event in restricted { alerts.append(event) }
        #expect(alerts.map(\.type) == ["alert.opened"])
        #expect(bus.subscriberCount == 0)
    }

    @Test func aFullSubscriberEndsAsTooSlowAndIsRemoved() throws {
        let bus = EventBus()
        let called = LockedFlag()
        let subscription = bus.subscribe(topics: [.card], audience: .public, capacity: 2) { called.set() }
        for _ in 0..<(2 + FeedTopic.allCases.count + 1) { bus.publish(try cardEvent()) }
        #expect(subscription.endReason == .tooSlow)
        #expect(called.value)
        #expect(bus.subscriberCount == 0)
    }

    @Test func eventLinesAreOneJSONObjectPerLine() throws {
        var event = try FeedEvent(topic: .occupancy, type: "occupancy.changed", time: Date(timeIntervalSince1970: 1_749_952_800),
                                  data: OccupancyData(places: [.init(name: "阳光花园", living: 120, arrivalsToday: 3, departuresToday: 1)]))
        event.sequence = 7
        let line = String(decoding: event.line, as: UTF8.self)
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(line == #"{"data":{"places":[{"arrivalsToday":3,"departuresToday":1,"living":120,"name":"阳光花园"}]},"seq":7,"time":"2025-06-15T02:00:00.000Z","topic":"occupancy","type":"occupancy.changed"}"# + "\n")
        #expect(throws: FeedError.self) { try FeedEvent(topic: .card, type: "x", data: ["a", "b"]) }
    }

    @Test func namesAreMaskedToTheSurname() {
        #expect(PublicCardData.mask("张伟") == "张*")
        #expect(PublicCardData.mask("欧阳娜娜") == "欧***")
        #expect(PublicCardData.mask(" ZHANG WEI ") == "Z***")
        #expect(PublicCardData.mask("") == "")
        #expect(PublicCardData(name: "李小龙", kind: "resident", device: "d").name == "李**")
    }

    @Test func requestLinesSplitAnywhere() throws {
        let text = Array("{\"op\":\"ping\"}\r\n{\"op\":\"subscribe\",\"topics\":[\"card\"]}\n".utf8)
        for cut in 0...text.count {
            var splitter = LineSplitter(maximum: 100)
            let lines = try splitter.append(text[..<cut]) + splitter.append(text[cut...])
            let requests = try lines.map { try FeedRequest.parse($0, audience: .public) }
            #expect(requests == [.ping, .subscribe([.card])], "cut at \(cut)")
        }
        var bytewise = LineSplitter(maximum: 100)
        var lines: [[UInt8]] = []
        for byte in text { lines += try bytewise.append([byte]) }
        #expect(lines.count == 2)
        var small = LineSplitter(maximum: 4)
        #expect(throws: FeedError.self) { _ = try small.append(Array("12345".utf8)) }
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.withLock { flag = true } }
    var value: Bool { lock.withLock { flag } }
}
