import Foundation

/// A client's request line: `{"op":"subscribe","topics":["occupancy","banner"]}` or `{"op":"ping"}`.
enum FeedRequest: Equatable {
    /// Replace the subscription with these topics.
    case subscribe(Set<FeedTopic>)
    /// Answered with `pong`.
    case ping

    private struct Wire: Decodable {
        var op: String
        var topics: [String]?
    }

    /// Parses one line for a client of `audience`; errors carry the code sent back to the client.
    static func parse(_ line: some Collection<UInt8>, audience: FeedAudience) throws -> FeedRequest {
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(line)) else {
            throw FeedError(.badRequest, "not a JSON request object with an \"op\"")
        }
        switch wire.op {
        case "ping":
            return .ping
        case "subscribe":
            guard let names = wire.topics, !names.isEmpty else {
                throw FeedError(.badRequest, "subscribe needs \"topics\": a non-empty list")
            }
            var topics = Set<FeedTopic>()
            for name in names {
                guard let topic = FeedTopic(rawValue: name) else {
                    throw FeedError(.unknownTopic, "unknown topic \"\(name)\"")
                }
                guard audience.mayReceive(topic) else {
                    throw FeedError(.forbiddenTopic, "topic \"\(name)\" is not served on this socket")
                }
                topics.insert(topic)
            }
            return .subscribe(topics)
        default:
            throw FeedError(.badRequest, "unknown op \"\(wire.op)\"")
        }
    }
}

/// Splits a byte stream into lines (`\n`, an optional `\r` before it dropped), with a length limit.
struct LineSplitter {
    let maximum: Int
    private var pending: [UInt8] = []

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Appends bytes; returns the complete lines. Throws when a line grows past the limit.
    mutating func append(_ bytes: some Sequence<UInt8>) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                lines.append(pending)
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count > maximum {
                    throw FeedError(.lineTooLong, "request line longer than \(maximum) bytes")
                }
            }
        }
        return lines
    }
}
