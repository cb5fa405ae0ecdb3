/// The body of every non-2xx answer: `{"error":{"code":…,"message":…,"retryable":…}}`.
public struct ErrorBody: Codable, Sendable, Hashable {
    /// The error.
    public var error: Detail

    /// A body for `error`.
    public init(_ error: SyncProtocolError) {
        self.error = Detail(code: error.code.rawValue, message: error.message, retryable: !error.isPermanent)
    }

    /// A body as given.
    public init(code: String, message: String, retryable: Bool) {
        error = Detail(code: code, message: message, retryable: retryable)
    }

    /// The members of `error`.
    public struct Detail: Codable, Sendable, Hashable {
        /// Stable code.
        public var code: String
        /// Operator text.
        public var message: String
        /// Whether the same request may succeed later.
        public var retryable: Bool
    }
}
