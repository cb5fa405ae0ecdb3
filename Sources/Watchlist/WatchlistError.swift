/// Why the watchlist refused something: a stable code and operator text (Chinese). When an import is
/// refused the list in force is unchanged.
public struct WatchlistError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable dotted code (see the `Code` constants).
    public var code: Code
    /// Operator text (Chinese).
    public var message: String

    /// An error with this code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// A stable error code. Never renamed, only added.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The dotted code.
        public let rawValue: String
        /// A code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The dotted code.
        public var description: String { rawValue }

        /// The bytes are not a bundle of a known format (magic, format version, truncated, trailing bytes,
        /// records out of order, a field out of range).
        public static let malformed = Code(rawValue: "watchlist.malformed")
        /// The bundle names an issuer key that is not among the trusted keys.
        public static let untrustedIssuer = Code(rawValue: "watchlist.untrustedIssuer")
        /// The Ed25519 signature does not verify (a changed byte anywhere, or the wrong key).
        public static let badSignature = Code(rawValue: "watchlist.badSignature")
        /// The bundle's version is not newer than the list in force.
        public static let staleVersion = Code(rawValue: "watchlist.staleVersion")
        /// A delta names a previous version that is not the one in force (or no list is in force).
        public static let missingPredecessor = Code(rawValue: "watchlist.missingPredecessor")
        /// A delta does not match the list in force (issuer, key epoch, salt, cost or list key).
        public static let deltaMismatch = Code(rawValue: "watchlist.deltaMismatch")
        /// A key file cannot be read or does not hold a key.
        public static let badKey = Code(rawValue: "watchlist.badKey")
        /// Input rows of a list to seal are invalid (each row is reported).
        public static let badInput = Code(rawValue: "watchlist.badInput")
        /// A file of the watchlist directory cannot be read or written.
        public static let storage = Code(rawValue: "watchlist.storage")
        /// A stored list file is damaged (its checksum does not match).
        public static let damaged = Code(rawValue: "watchlist.damaged")
    }
}

extension WatchlistError {
    static func malformed(_ what: String) -> WatchlistError {
        WatchlistError(.malformed, "名单包格式错误：\(what)")
    }
}
