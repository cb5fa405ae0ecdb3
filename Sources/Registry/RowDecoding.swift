import Foundation
import GRDB
import IDCard

extension Row {
    /// A UUID column (`uuid`, or a joined `*_uuid`).
    func uuid(_ column: String) -> UUID {
        UUID.parseStored(self[column] as String? ?? "") ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    }

    /// A nullable UUID column.
    func optionalUUID(_ column: String) -> UUID? {
        (self[column] as String?).flatMap(UUID.parseStored)
    }

    /// A date column.
    func date(_ column: String) -> RegisterDate? {
        (self[column] as String?).flatMap { RegisterDate($0) }
    }

    /// A JSON array of strings column.
    func strings(_ column: String) -> [String] {
        guard let text = self[column] as String? else { return [] }
        if let simple = Self.simpleStringArray(text) { return simple }
        guard let array = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        return array
    }

    /// The strings of a JSON array of strings without escapes (what ``jsonArray(_:)`` writes for
    /// ordinary text), read directly; nil for anything else (escapes, whitespace, other values), which
    /// then goes through JSONDecoder. Creating a JSONDecoder per column was a visible part of reading a
    /// person back after a registration.
    static func simpleStringArray(_ text: String) -> [String]? {
        var text = text
        return text.withUTF8 { bytes -> [String]? in
            guard bytes.count >= 2, bytes[0] == 0x5B, bytes[bytes.count - 1] == 0x5D else { return nil }
            var result: [String] = []
            var at = 1
            let end = bytes.count - 1
            if at == end { return result }
            while true {
                guard at < end, bytes[at] == 0x22 else { return nil }
                let start = at + 1
                var close = start
                while close < end, bytes[close] != 0x22 {
                    if bytes[close] == 0x5C || bytes[close] < 0x20 { return nil }
                    close += 1
                }
                guard close < end else { return nil }
                result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<close]), as: UTF8.self))
                at = close + 1
                if at == end { return result }
                guard bytes[at] == 0x2C else { return nil }
                at += 1
            }
        }
    }
}

extension DataCipher {
    /// Decrypts a nullable text column.
    func text(_ row: Row, _ column: String, _ sealed: SealedColumn) throws -> String? {
        guard let data = row[column] as Data? else { return nil }
        return try openText(data, for: sealed)
    }

    /// Decrypts a nullable blob column.
    func bytes(_ row: Row, _ column: String, _ sealed: SealedColumn) throws -> [UInt8]? {
        guard let data = row[column] as Data? else { return nil }
        return try open(data, for: sealed)
    }

    /// Encrypts optional text.
    func seal(optional text: String?, for column: SealedColumn) throws -> Data? {
        try text.map { try seal(text: $0, for: column) }
    }
}

/// A JSON array of strings, as stored in `warnings` and `appended_addresses`.
func jsonArray(_ strings: [String]) -> String {
    "[" + strings.map(CanonicalJSON.string).joined(separator: ",") + "]"
}
