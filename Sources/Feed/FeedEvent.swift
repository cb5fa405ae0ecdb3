import Foundation

/// One event of the feed: a topic, a type (`card.read`, `occupancy.changed`, …), the time it happened,
/// a sequence number given by the ``EventBus``, and its data as a JSON object.
///
/// The data is encoded once, when the event is made, so every subscriber gets the same bytes and no
/// producer's type leaks into the feed. A line on the socket is
/// `{"data":{…},"seq":12,"time":"2025-06-15T10:00:00.000Z","topic":"card","type":"card.read"}`.
public struct FeedEvent: Sendable, Hashable {
    /// The topic (decides who may receive the event).
    public var topic: FeedTopic
    /// The event type, `topic.something`.
    public var type: String
    /// When it happened.
    public var time: Date
    /// The data: the JSON encoding of an object (sorted keys).
    public var data: Data
    /// Position on the bus (1, 2, …; 0 until published). Gaps tell a client it missed events.
    public var sequence: UInt64

    /// An event with `data` encoded as JSON (sorted keys); `data` must encode as a JSON object.
    public init(topic: FeedTopic, type: String, time: Date = Date(), data: some Encodable) throws {
        let encoded = try FeedJSON.encoder.encode(data)
        guard encoded.first == UInt8(ascii: "{") else { throw FeedError(.notAnObject, "feed event data must be a JSON object") }
        self.topic = topic
        self.type = type
        self.time = time
        self.data = encoded
        self.sequence = 0
    }

    /// The event as one NDJSON line (with the trailing `\n`).
    public var line: Data {
        var out = Data("{\"data\":".utf8)
        out.append(data)
        out.append(contentsOf: Array(",\"seq\":\(sequence),\"time\":\"\(FeedJSON.timestamp(time))\",\"topic\":\"\(topic.rawValue)\",\"type\":".utf8))
        out.append((try? FeedJSON.encoder.encode(type)) ?? Data("\"\"".utf8))
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }
}

/// JSON settings of the feed.
enum FeedJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    /// `2025-06-15T02:00:00.000Z` (UTC, milliseconds).
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// One control line (hello, subscribed, heartbeat, error, bye): sorted keys, `\n` at the end.
    static func line(_ fields: [String: FeedControlValue]) -> Data {
        var data = (try? encoder.encode(fields)) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

/// A value of a control line.
enum FeedControlValue: Encodable, Sendable {
    case text(String)
    case number(Int)
    case texts([String])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .text(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .texts(value): try container.encode(value)
        }
    }
}
