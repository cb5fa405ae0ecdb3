/// A code table of one coded field of the register (民族, 婚姻状况, 居住事由 …): codes with their names.
///
/// The tables themselves are in `CodeTables`. A table answers `name(for:)`, `contains(_:)` for validation,
/// `resolve(_:)` for imported cells, and `search(_:limit:)` for pick lists (by code, pinyin initials or
/// characters; see `NameIndex`).
public struct CodeTable: Sendable, Identifiable {
    /// One code and its name.
    public struct Entry: Sendable, Hashable {
        /// The code as stored (`"01"`).
        public var code: String
        /// The name as shown (`"汉族"`).
        public var name: String

        /// An entry with this code and name.
        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }
    }

    /// The table's stable identifier (`"nation"`), used by `CodeTables.table(_:)`, schemas and templates.
    public let id: String
    /// The Chinese title of the field (`"民族"`).
    public let title: String
    /// Where the codes come from (`"GB/T 3304"`), or `"renfang"` for the appliance's own codes.
    public let source: String
    /// Every entry, in code order.
    public let entries: [Entry]

    private let positions: [String: Int]
    private let namePositions: [String: Int]
    private let index: NameIndex

    /// A table of these entries. Codes must be unique; a repeated code keeps its first name.
    public init(id: String, title: String, source: String, entries: [Entry]) {
        self.id = id
        self.title = title
        self.source = source
        self.entries = entries
        positions = Dictionary(entries.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { first, _ in first })
        namePositions = Dictionary(entries.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        index = NameIndex(entries: entries.map { NameIndex.Entry(key: $0.code, name: $0.name) })
    }

    /// A table of these `(code, name)` pairs.
    public init(id: String, title: String, source: String, _ pairs: [(code: String, name: String)]) {
        self.init(id: id, title: title, source: source, entries: pairs.map { Entry(code: $0.code, name: $0.name) })
    }

    /// The name for a code (`"01"` → 汉族), or `nil` if the code is not in the table. Exact match only.
    public func name(for code: String) -> String? {
        positions[code].map { entries[$0].name }
    }

    /// The entry for a code, or `nil`. Exact match only.
    public func entry(for code: String) -> Entry? {
        positions[code].map { entries[$0] }
    }

    /// Whether the code is in the table (exact match: `"1"` is not `"01"`).
    public func contains(_ code: String) -> Bool {
        positions[code] != nil
    }

    /// The entry meant by a value typed or imported by a person: the code itself, a number that lost its
    /// leading zeros in a spreadsheet (`"1"` → `"01"`, `"1.0"` too), or the exact name (`"汉族"`). Outer
    /// whitespace is ignored. `nil` if nothing matches.
    public func resolve(_ value: String) -> Entry? {
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty else { return nil }
        if let i = positions[trimmed] { return entries[i] }
        if let i = namePositions[trimmed] { return entries[i] }
        var digits = Substring(trimmed)
        if digits.hasSuffix(".0") { digits = digits.dropLast(2) }
        if !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            for width in codeWidths where width > digits.count {
                let padded = String(repeating: "0", count: width - digits.count) + digits
                if let i = positions[padded] { return entries[i] }
            }
            if let i = positions[String(digits)] { return entries[i] }
        }
        return nil
    }

    /// The entries matching a query, best first (exact code, code prefix, pinyin-initials prefix, name
    /// prefix, name substring; table order within a rank), at most `limit`. An empty query lists the first
    /// `limit` entries.
    public func search(_ query: String, limit: Int = 20) -> [Entry] {
        index.matches(query, limit: limit).map { entries[$0.index] }
    }

    /// The distinct code lengths of the table, shortest first.
    private var codeWidths: [Int] {
        Array(Set(entries.map(\.code.count))).sorted()
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, newlines and ideographic spaces.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\u{3000}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
