import Foundation

extension RegisterStore {
    /// How a ``RegisterStore`` behaves; the defaults are the appliance's.
    public struct Options: Sendable {
        /// The clock (tests pin it).
        public var clock: @Sendable () -> Date
        /// The time zone "today" is taken in (Asia/Shanghai).
        public var timeZone: TimeZone
        /// Pinyin initials of a name (`丹心酒楼` → `dxjl`), stored next to the names of people, 小区,
        /// coordinators and employers for searching. The default stores nothing; the appliance plugs in the
        /// Dictionaries module's function.
        public var pinyinInitials: @Sendable (String) -> String?
        /// Validates coded fields (default ``BuiltInCodes``).
        public var codes: any CodeValidator
        /// Called in every write transaction with the changed records (the sync module's outbox).
        public var changeSink: any RecordChangeSink
        /// Create the database (and the key file) when it does not exist. `false` for tools that must not
        /// create one (`renfang audit verify`).
        public var createIfMissing: Bool
        /// Readers of the pool.
        public var maximumReaderCount: Int

        /// The defaults.
        public init(
            clock: @escaping @Sendable () -> Date = { Date() },
            timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current,
            pinyinInitials: @escaping @Sendable (String) -> String? = { _ in nil },
            codes: any CodeValidator = BuiltInCodes(),
            changeSink: any RecordChangeSink = NoRecordChangeSink(),
            createIfMissing: Bool = true,
            maximumReaderCount: Int = 4
        ) {
            self.clock = clock
            self.timeZone = timeZone
            self.pinyinInitials = pinyinInitials
            self.codes = codes
            self.changeSink = changeSink
            self.createIfMissing = createIfMissing
            self.maximumReaderCount = maximumReaderCount
        }
    }
}
