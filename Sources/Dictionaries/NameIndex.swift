/// A searchable list of `(key, name)` pairs for pick lists: code tables, 小区 names, employers.
///
/// A query matches an entry by its key (`"01"` → 汉族), by the pinyin initials of its name (`"dx"` →
/// 丹心酒楼, polyphones included) or by its characters (`"酒楼"`). Results are ranked: exact key, key prefix,
/// initials prefix, name prefix, name substring; entries of the same rank keep the index's order. Matching
/// ignores ASCII case and full-width forms. Building the index computes every name's initials once.
public struct NameIndex: Sendable {
    /// One entry of a name index.
    public struct Entry: Sendable, Hashable {
        /// The entry's key: a code, a database id, a credit code … (may be empty).
        public var key: String
        /// The name shown in the pick list.
        public var name: String

        /// An entry with this key and name.
        public init(key: String, name: String) {
            self.key = key
            self.name = name
        }
    }

    /// How an entry matched a query, best first.
    public enum MatchKind: Int, Sendable, Comparable, CaseIterable {
        /// The query is the key.
        case exactKey
        /// The key starts with the query.
        case keyPrefix
        /// One of the name's pinyin-initials candidates starts with the query.
        case initialsPrefix
        /// The name starts with the query.
        case namePrefix
        /// The name contains the query.
        case nameSubstring

        /// Ranks compare by their order above.
        public static func < (lhs: MatchKind, rhs: MatchKind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The entries in the order given.
    public let entries: [Entry]
    /// Whether queries are matched against keys too.
    public let matchesKeys: Bool

    private let keys: [[UInt8]]
    private let names: [[UInt8]]
    private let initials: [[[UInt8]]]

    /// An index of these pairs, in this order. With `matchesKeys` false, only names are matched (for keys
    /// that mean nothing to the person typing, such as database ids).
    public init<S: Sequence>(_ pairs: S, matchesKeys: Bool = true) where S.Element == (key: String, name: String) {
        self.init(entries: pairs.map { Entry(key: $0.key, name: $0.name) }, matchesKeys: matchesKeys)
    }

    /// An index of names alone (each name is its own key; keys are not matched).
    public init<S: Sequence>(names: S) where S.Element == String {
        self.init(entries: names.map { Entry(key: $0, name: $0) }, matchesKeys: false)
    }

    /// An index of these entries, in this order.
    public init(entries: [Entry], matchesKeys: Bool = true) {
        self.entries = entries
        self.matchesKeys = matchesKeys
        keys = matchesKeys ? entries.map { SearchText.fold($0.key) } : []
        names = entries.map { SearchText.fold($0.name) }
        initials = entries.map { entry in Pinyin.initials(of: entry.name).map { Array($0.utf8) } }
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// The entries matching a query, best first, at most `limit`. An empty (or blank) query lists the first
    /// `limit` entries in order, so a pick list shows something before the user types.
    public func search(_ query: String, limit: Int = 20) -> [Entry] {
        matches(query, limit: limit).map { entries[$0.index] }
    }

    /// The positions (in `entries`) and match kinds of the entries matching a query, best first. An empty
    /// query lists the first `limit` entries, each as `.nameSubstring` (every name contains the empty text).
    public func matches(_ query: String, limit: Int = 20) -> [(index: Int, kind: MatchKind)] {
        guard limit > 0 else { return [] }
        let q = SearchText.fold(query)
        if q.isEmpty {
            return entries.indices.prefix(limit).map { ($0, MatchKind.nameSubstring) }
        }
        let tryInitials = SearchText.isASCIIAlphanumeric(q)
        var buckets = [[Int]](repeating: [], count: MatchKind.allCases.count)
        for i in entries.indices {
            guard let kind = kind(of: i, query: q, tryInitials: tryInitials) else { continue }
            buckets[kind.rawValue].append(i)
            // The best bucket filled to the limit cannot be beaten.
            if kind == .exactKey, buckets[0].count >= limit { break }
        }
        var result: [(index: Int, kind: MatchKind)] = []
        result.reserveCapacity(limit)
        for kind in MatchKind.allCases {
            for i in buckets[kind.rawValue] {
                if result.count == limit { return result }
                result.append((i, kind))
            }
        }
        return result
    }

    /// How entry `i` matches the folded query, or `nil`.
    private func kind(of i: Int, query q: [UInt8], tryInitials: Bool) -> MatchKind? {
        if matchesKeys {
            if keys[i] == q { return .exactKey }
            if SearchText.hasPrefix(keys[i], q) { return .keyPrefix }
        }
        if tryInitials, initials[i].contains(where: { SearchText.hasPrefix($0, q) }) { return .initialsPrefix }
        if SearchText.hasPrefix(names[i], q) { return .namePrefix }
        if SearchText.contains(names[i], q) { return .nameSubstring }
        return nil
    }
}
