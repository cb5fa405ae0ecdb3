import Foundation
import GRDB
import IDCard

extension Row {
    /// A UUID column (`uuid`, or a joined `*_uuid`).
    func uuid(_ column: String) -> UUID {
        UUID(uuidString: self[column] as String? ?? "") ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    }

    /// A nullable UUID column.
    func optionalUUID(_ column: String) -> UUID? {
        (self[column] as String?).flatMap(UUID.init(uuidString:))
    }

    /// A date column.
    func date(_ column: String) -> RegisterDate? {
        (self[column] as String?).flatMap { RegisterDate($0) }
    }

    /// A JSON array of strings column.
    func strings(_ column: String) -> [String] {
        guard let text = self[column] as String?, let data = text.data(using: .utf8),
              let array = try? JSONDecoder().decode([String].self, from: data)
        else { return [] }
        return array
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
