import Foundation
import GRDB

/// Text conditions of the queries, written so that SQLite can use an index.
enum QueryText {
    /// `column` starts with `prefix`, as a range `column >= prefix AND column < successor(prefix)`:
    /// SQLite uses an ordinary (BINARY) index for it, which it does not for `LIKE 'x%'` (case-insensitive
    /// by default) and cannot when the prefix is a bound parameter of `GLOB`. UTF-8 byte order is code
    /// point order, so the successor is the prefix with its last character incremented.
    static func prefix(_ column: String, _ prefix: String) -> SQL {
        if let upper = successor(prefix) {
            return SQL(sql: "(\(column) >= ? AND \(column) < ?)", arguments: [prefix, upper])
        }
        return SQL(sql: "\(column) >= ?", arguments: [prefix])
    }

    /// The least string greater than every string starting with `prefix`, or `nil` when there is none
    /// (a prefix of U+10FFFF only).
    static func successor(_ prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if (0xD800...0xDFFF).contains(next) { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var text = ""
                text.unicodeScalars.append(contentsOf: scalars)
                return text
            }
        }
        return nil
    }

    /// Trimmed, `nil` when blank.
    static func clean(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingWhitespace(), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// `a AND b AND …` (`1` when empty).
    static func all(_ conditions: [SQL]) -> SQL {
        guard var result = conditions.first else { return SQL(sql: "1") }
        for condition in conditions.dropFirst() { result = result + SQL(sql: " AND ") + condition }
        return result
    }
}

/// Reading result rows. GRDB's `Row.fetchAll` copies rows, and a copied row finds a column by name by
/// lower-casing every column name on each lookup; the rows of a cursor use the statement's index of
/// names instead (about 10× faster on a 20-column result). Rows are decoded while the cursor is on them.
/// Statements are cached per connection (their text depends on which criteria are given, not on the
/// values): preparing a five-table join costs about as much as running it on an index.
enum QueryRows {
    /// `transform` applied to every row of `sql`.
    static func map<T>(_ db: Database, _ sql: SQL, _ transform: (Row) throws -> T) throws -> [T] {
        let cursor = try Row.fetchCursor(db, SQLRequest<Row>(literal: sql, cached: true))
        var result: [T] = []
        while let row = try cursor.next() { result.append(try transform(row)) }
        return result
    }

    /// The first `limit` rows of `select` in `order`, transformed, and in `count` how many rows there
    /// are in all — one evaluation of `select` (`count(*) OVER ()`), not a count and then a list.
    static func limited<T>(_ db: Database, _ select: SQL, order: String, limit: Int, count: inout Int,
                           _ transform: (Row) throws -> T) throws -> [T] {
        guard limit > 0 else {
            count = try Int.fetchOne(db, SQLRequest<Int>(literal: SQL(sql: "SELECT count(*) FROM (") + select + SQL(sql: ")"))) ?? 0
            return []
        }
        var total = 0
        let items = try map(db, SQL(sql: "SELECT *, count(*) OVER () AS total_count FROM (") + select
                            + SQL(sql: ") ORDER BY \(order) LIMIT ?", arguments: [limit])) { row -> T in
            total = row["total_count"]
            return try transform(row)
        }
        count = total
        return items
    }
}

extension UUID {
    /// Parses the stored form (36 characters, hex digits and dashes at 8, 13, 18, 23) directly from UTF-8:
    /// about ten times faster than `UUID(uuidString:)`, which matters when a page of results carries four
    /// UUIDs per row. `nil` for anything else.
    static func parseStored(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { bytes -> UUID? in
            guard bytes.count == 36 else { return nil }
            var out: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var ok = true
            withUnsafeMutableBytes(of: &out) { raw in
                var i = 0
                for n in 0..<16 {
                    if i == 8 || i == 13 || i == 18 || i == 23 {
                        if bytes[i] != UInt8(ascii: "-") { ok = false; return }
                        i += 1
                    }
                    guard let hi = hex(bytes[i]), let lo = hex(bytes[i + 1]) else { ok = false; return }
                    raw[n] = hi << 4 | lo
                    i += 2
                }
            }
            return ok ? UUID(uuid: out) : nil
        }
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}

extension RegisterDate {
    /// Parses the stored form `YYYY-MM-DD` directly from UTF-8 (no intermediate arrays), for result
    /// rows; `nil` for anything else or a date that does not exist.
    static func parseStored(_ text: String) -> RegisterDate? {
        var text = text
        return text.withUTF8 { b -> RegisterDate? in
            guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for i in range {
                    let d = Int(b[i]) - 0x30
                    guard d >= 0, d <= 9 else { return nil }
                    value = value * 10 + d
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            return RegisterDate(year: year, month: month, day: day)
        }
    }
}
