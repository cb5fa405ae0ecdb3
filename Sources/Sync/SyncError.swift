/// Why the sync module refused something: a stable code and Chinese operator text (like the register's
/// errors).
public struct SyncError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable dotted code.
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

        /// The sync tables were migrated by a newer renfang.
        public static let schemaTooNew = Code(rawValue: "sync.schemaTooNew")
        /// The configuration is invalid (the message names the key).
        public static let badConfiguration = Code(rawValue: "sync.config")
        /// A record named by a change is not in the register (a bug: the change and the row are written in
        /// one transaction).
        public static let recordMissing = Code(rawValue: "sync.recordMissing")
        /// No such destination is configured.
        public static let unknownDestination = Code(rawValue: "sync.unknownDestination")
        /// libcurl could not be set up (handle, option).
        public static let curl = Code(rawValue: "sync.curl")
        /// The free disk space is below the configured reserve: optional data (photos) is refused.
        public static let diskReserve = Code(rawValue: "sync.diskReserve")
        /// The free disk space is below the hard floor: new records are refused (queued ones are kept).
        public static let diskFull = Code(rawValue: "sync.diskFull")
        /// An answer of the upstream server could not be understood.
        public static let badResponse = Code(rawValue: "sync.badResponse")
    }
}
