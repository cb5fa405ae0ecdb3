/// A failure of the reference server outside the protocol (storage, configuration, TLS files), with a
/// stable code.
public struct UpstreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable dotted code: `upstream.open`, `upstream.config`, `upstream.tls`, `upstream.control`.
    public var code: String
    /// Operator text.
    public var message: String

    /// An error with this code and message.
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
