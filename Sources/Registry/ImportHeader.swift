import Foundation

/// Where each known column is in a file's header row. Headers are matched by text, in any order,
/// after normalising (``normalize(_:)``): outer and inner spaces dropped, full-width characters mapped
/// to ASCII (NFKC), a required-mark `*` and a `(必填)`/`(选填)` suffix dropped; then against the
/// header and its aliases, and last without a trailing `(…)` (units such as `(平方米)`).
struct HeaderMap: Sendable {
    /// Column index of each key found.
    private(set) var index: [ColumnKey: Int] = [:]
    /// Header text of each key found, as written in the file (trimmed), for row reports.
    private(set) var title: [ColumnKey: String] = [:]
    /// Headers not recognised (ignored).
    private(set) var ignored: [String] = []
    /// Number of 随行未成年人 groups seen (declarations).
    private(set) var minorGroups = 0

    /// Maps `header` for `layout`; throws `import.missingColumns` or `import.duplicateColumn`.
    init(header: [String], layout: SheetLayout) throws {
        var lookup: [String: ColumnKey] = [:]
        for column in layout.columns {
            for text in [column.header] + column.aliases where lookup[Self.normalize(text)] == nil {
                lookup[Self.normalize(text)] = column.key
            }
        }
        var duplicates: [String] = []
        for (position, raw) in header.enumerated() {
            let text = raw.trimmingWhitespace()
            guard !text.isEmpty else { continue }
            let normal = Self.normalize(text)
            let key = lookup[normal] ?? Self.minorKey(normal, layout: layout)
                ?? lookup[Self.withoutTrailingParenthesis(normal)]
            guard let key else {
                ignored.append(text)
                continue
            }
            if let first = title[key] {
                duplicates.append("\"\(first)\"与\"\(text)\"")
                continue
            }
            index[key] = position
            title[key] = text
            if key.rawValue.hasPrefix("minors["), let n = Self.minorIndex(key) { minorGroups = max(minorGroups, n + 1) }
        }
        let missing = layout.columns.filter { $0.required && index[$0.key] == nil }.map(\.header)
        if !missing.isEmpty {
            throw RegistryError(.importMissingColumns,
                                "文件缺少必需的列：" + missing.map { "\"\($0)\"" }.joined(separator: "、")
                                    + "（请使用导入模板的表头）")
        }
        if !duplicates.isEmpty {
            throw RegistryError(.importDuplicateColumn, "文件中有重复的列：" + duplicates.joined(separator: "；"))
        }
    }

    /// Whether the file has this column.
    func has(_ key: ColumnKey) -> Bool { index[key] != nil }

    /// The header text of a column for reports: the file's own text, else the layout's header.
    func header(of key: ColumnKey, layout: SheetLayout) -> String {
        title[key] ?? layout.columns.first { $0.key == key }?.header ?? key.rawValue
    }

    /// The comparable form of a header text.
    static func normalize(_ text: String) -> String {
        var s = text.precomposedStringWithCompatibilityMapping
        s.unicodeScalars.removeAll { $0.properties.isWhitespace || $0 == "\u{FEFF}" }
        while let first = s.first, "*※".contains(first) { s.removeFirst() }
        while let last = s.last, "*※".contains(last) { s.removeLast() }
        for suffix in ["(必填)", "(必填项)", "(选填)", "(可选)", "(可不填)"] where s.hasSuffix(suffix) {
            s.removeLast(suffix.count)
        }
        while let last = s.last, "*※".contains(last) { s.removeLast() }
        return s.lowercased()
    }

    private static func withoutTrailingParenthesis(_ normal: String) -> String {
        guard normal.hasSuffix(")"), let open = normal.lastIndex(of: "("), open != normal.startIndex else { return normal }
        return String(normal[..<open])
    }

    /// `随行未成年人2出生日期` → `minors[1].birthDate` (declarations only).
    private static func minorKey(_ normal: String, layout: SheetLayout) -> ColumnKey? {
        guard layout.kind == .declarations else { return nil }
        for prefix in ["随行未成年人", "随行未成年家庭成员", "未成年人"] where normal.hasPrefix(prefix) {
            let rest = normal.dropFirst(prefix.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let number = Int(digits), number >= 1, number <= 50 else { return nil }
            let suffix = String(rest.dropFirst(digits.count))
            for part in MinorPart.allCases where ([part.suffix] + part.aliases).contains(where: { normalize($0) == suffix }) {
                return .minor(number - 1, part)
            }
        }
        return nil
    }

    private static func minorIndex(_ key: ColumnKey) -> Int? {
        let raw = key.rawValue
        guard let open = raw.firstIndex(of: "["), let close = raw.firstIndex(of: "]") else { return nil }
        return Int(raw[raw.index(after: open)..<close])
    }
}
