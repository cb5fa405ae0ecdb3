import Foundation
import GRDB
import Synchronization

/// The record payloads the sync module sends upstream.
///
/// Two steps, so that what is sent is exactly what was committed and nothing sensitive is stored in
/// the clear a second time:
///
/// 1. ``RegisterStore/recordSnapshot(kind:rowId:in:)``, inside the business transaction: the stored
///    row, every column as stored (encrypted columns stay ciphertext under the data key), in a compact
///    binary form the outbox keeps.
/// 2. ``RegisterStore/recordPayload(kind:snapshot:in:)``, at send time: the business record, column by
///    column: encrypted columns decrypted (`id_number_enc` →
///    `id_number`; photos and fingerprints as base64), keyed-hash columns and the internal row id left
///    out, and each foreign-key column `x_id` replaced by `x_uuid`, the UUID of the row it points to.
///    The same snapshot always gives the same record, so its canonical digest is stable.
extension RegisterStore {
    /// The stored row `rowId` of `kind` as a snapshot; `nil` when there is no such row.
    public static func recordSnapshot(kind: RecordKind, rowId: Int64, in db: Database) throws -> Data? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM \(kind.table) WHERE id = ?"),
                                         arguments: [rowId])
        else { return nil }
        return RowSnapshot.encode(row)
    }

    /// The business record of a snapshot taken by ``recordSnapshot(kind:rowId:in:)``: column → value.
    /// `db` is read to resolve foreign keys to UUIDs. Throws `crypto.decryptFailed` when an encrypted
    /// column does not decrypt and `sync.snapshotMalformed` when the snapshot is damaged.
    public func recordPayload(kind: RecordKind, snapshot: Data, in db: Database) throws -> [String: RecordPayloadValue] {
        let columns = try RowSnapshot.decode(snapshot)
        let references = try ForeignKeys.of(kind.table, in: db)
        var members: [String: RecordPayloadValue] = [:]
        members.reserveCapacity(columns.count)
        for (name, value) in columns {
            if name == "id" || name.hasSuffix("_hash") { continue }
            if name.hasSuffix("_enc") {
                let base = String(name.dropLast(4))
                guard let column = SealedColumn(rawValue: kind.table + "." + base) else {
                    continue  // an encrypted column this version does not know: never sent as ciphertext
                }
                guard case let .blob(sealed) = value.storage else {
                    members[base] = .null
                    continue
                }
                let plain = try cipher.open(sealed, for: column)
                if column == .personPhoto || column == .personFingerprints {
                    members[base] = .text(Data(plain).base64EncodedString())
                } else {
                    members[base] = .text(String(decoding: plain, as: UTF8.self))
                }
                continue
            }
            if let table = references[name] {
                let key = name.hasSuffix("_id") ? String(name.dropLast(3)) + "_uuid" : name + "_uuid"
                guard case let .int64(target) = value.storage else {
                    members[key] = .null
                    continue
                }
                let uuid = try String.fetchOne(db.cachedStatement(sql: "SELECT uuid FROM \(table) WHERE id = ?"),
                                               arguments: [target])
                members[key] = uuid.map(RecordPayloadValue.text) ?? .null
                continue
            }
            switch value.storage {
            case .null: members[name] = .null
            case let .int64(i): members[name] = .integer(i)
            case let .double(d): members[name] = d.isFinite ? .text("\(d)") : .null
            case let .string(s): members[name] = .text(s)
            case let .blob(b): members[name] = .text(b.base64EncodedString())
            }
        }
        return members
    }
}

/// A value of a business record as sent upstream: the sync protocol has no non-integer numbers, so reals
/// (areas) travel as their shortest decimal text, and blobs (photos) as base64 text.
public enum RecordPayloadValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// An integer column.
    case integer(Int64)
    /// Text, a real as decimal text, or a blob as base64.
    case text(String)
}

extension RegistryError.Code {
    /// A record snapshot in the sync outbox cannot be decoded.
    public static let snapshotMalformed = RegistryError.Code(rawValue: "sync.snapshotMalformed")
}

/// Single-column foreign keys of the register's tables (column → referenced table), read once from
/// `PRAGMA foreign_key_list` and cached.
enum ForeignKeys {
    private static let cache = Mutex<[String: [String: String]]>([:])

    static func of(_ table: String, in db: Database) throws -> [String: String] {
        if let known = cache.withLock({ $0[table] }) { return known }
        var map: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(\(table))") {
            // Only columns that point at a row id (composite keys also pair xiaoqu_id with building.xiaoqu_id).
            let to: String? = row["to"]
            guard to == nil || to == "id" else { continue }
            map[row["from"]] = row["table"]
        }
        cache.withLock { $0[table] = map }
        return map
    }
}

/// A stored row in a compact binary form: `0x01`, column count (u16 BE), then per column its name (u16
/// BE length + UTF-8) and value (tag 0 null, 1 int64 BE, 2 double bits BE, 3 text u32 BE length + UTF-8,
/// 4 blob u32 BE length + bytes).
enum RowSnapshot {
    static func encode(_ row: Row) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(512)
        out.append(1)
        append16(&out, row.count)
        for (column, value) in row {
            let name = Array(column.utf8)
            append16(&out, name.count)
            out += name
            switch value.storage {
            case .null: out.append(0)
            case let .int64(i): out.append(1); append64(&out, UInt64(bitPattern: i))
            case let .double(d): out.append(2); append64(&out, d.bitPattern)
            case let .string(s):
                out.append(3)
                let bytes = Array(s.utf8)
                append32(&out, bytes.count)
                out += bytes
            case let .blob(b):
                out.append(4)
                append32(&out, b.count)
                out += b
            }
        }
        return Data(out)
    }

    static func decode(_ data: Data) throws -> [(String, DatabaseValue)] {
        let bytes = [UInt8](data)
        var at = 0
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, at + n <= bytes.count else { throw malformed }
            defer { at += n }
            return bytes[at..<at + n]
        }
        func int(_ n: Int) throws -> UInt64 { try take(n).reduce(0) { $0 << 8 | UInt64($1) } }
        guard try take(1).first == 1 else { throw malformed }
        let count = Int(try int(2))
        var columns: [(String, DatabaseValue)] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            let name = String(decoding: try take(Int(try int(2))), as: UTF8.self)
            let value: DatabaseValue
            switch try take(1).first! {
            case 0: value = .null
            case 1: value = Int64(bitPattern: try int(8)).databaseValue
            case 2: value = Double(bitPattern: try int(8)).databaseValue
            case 3: value = String(decoding: try take(Int(try int(4))), as: UTF8.self).databaseValue
            case 4: value = Data(try take(Int(try int(4)))).databaseValue
            default: throw malformed
            }
            columns.append((name, value))
        }
        guard at == bytes.count else { throw malformed }
        return columns
    }

    private static var malformed: RegistryError { RegistryError(.snapshotMalformed, "同步队列中的记录快照已损坏") }

    private static func append16(_ out: inout [UInt8], _ v: Int) {
        out.append(UInt8(truncatingIfNeeded: v >> 8)); out.append(UInt8(truncatingIfNeeded: v))
    }

    private static func append32(_ out: inout [UInt8], _ v: Int) {
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> shift)) }
    }

    private static func append64(_ out: inout [UInt8], _ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> shift)) }
    }
}
