import Crypto
import Foundation
import GRDB

/// Canonical JSON for digests: object keys sorted by their UTF-8 bytes, no whitespace, integers as
/// decimal, reals in Swift's shortest round-trip form, strings with the minimal JSON escapes, blobs as
/// `{"blob":"<base64>"}`. Only used to hash, never parsed back.
enum CanonicalJSON {
    /// The canonical JSON of a row (every column).
    static func encode(_ row: Row) -> String {
        var pairs: [(String, DatabaseValue)] = []
        for (column, value) in row { pairs.append((column, value)) }
        return object(pairs.map { ($0.0, json($0.1)) })
    }

    /// An object from already-encoded member values.
    static func object(_ members: [(String, String)]) -> String {
        let sorted = members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return "{" + sorted.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// The JSON of one database value.
    static func json(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "null"
        case let .int64(i): return String(i)
        case let .double(d): return d.isFinite ? "\(d)" : "null"
        case let .string(s): return string(s)
        case let .blob(b): return "{\"blob\":" + string(b.base64EncodedString()) + "}"
        }
    }

    /// The JSON of an optional string.
    static func json(_ value: String?) -> String {
        value.map(string) ?? "null"
    }

    /// A JSON string literal.
    static func string(_ s: String) -> String {
        // Most text needs no escape: copy it whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + s + "\"" }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// SHA-256 of the UTF-8 text, lower-case hex.
    static func sha256Hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// Digests of rows for the audit log: SHA-256 of the canonical JSON of the whole row (ciphertexts
/// included as they are stored, so no plaintext of an encrypted column enters the digest).
enum RowDigest {
    /// The digest of row `id` of `kind`'s table, or `nil` if there is no such row.
    static func of(_ db: Database, _ kind: RecordKind, id: Int64) throws -> String? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM \(kind.table) WHERE id = ?"), arguments: [id])
        else { return nil }
        return CanonicalJSON.sha256Hex(CanonicalJSON.encode(row))
    }
}
