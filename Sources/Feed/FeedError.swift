/// A feed failure with a stable code and a message.
public struct FeedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable, Hashable {
        /// Event data did not encode as a JSON object.
        case notAnObject = "feed.notAnObject"
        /// A client line is not a JSON request the feed understands.
        case badRequest = "feed.badRequest"
        /// A client asked for a topic that does not exist.
        case unknownTopic = "feed.unknownTopic"
        /// A client of the public socket asked for a restricted topic.
        case forbiddenTopic = "feed.forbiddenTopic"
        /// A client line longer than the limit.
        case lineTooLong = "feed.lineTooLong"
        /// The socket could not be set up (path, permissions, group).
        case socket = "feed.socket"
    }

    /// The code.
    public var code: Code
    /// What is wrong.
    public var message: String

    /// An error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
