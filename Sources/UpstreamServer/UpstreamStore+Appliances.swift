import Crypto
import Foundation
import GRDB
import SyncProtocol

extension UpstreamStore {
    /// Registers `publicKey` for appliance `id` (an appliance may have several keys, told apart by key id).
    public func addAppliance(id: String, publicKey: Curve25519.Signing.PublicKey) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO appliances (id, key_id, public_key, added_at) VALUES (?, ?, ?, ?)",
                arguments: [id, BatchSigning.keyId(of: publicKey), publicKey.rawRepresentation, SyncTime.string(Date())])
        }
    }

    /// The registered key of appliance `id` with key id `keyId`, if any.
    func publicKey(appliance id: String, keyId: String) throws -> Curve25519.Signing.PublicKey? {
        let data = try queue.read { db in
            try Data.fetchOne(db, sql: "SELECT public_key FROM appliances WHERE id = ? AND key_id = ?", arguments: [id, keyId])
        }
        return try data.map { try Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// Whether appliance `id` has any registered key.
    func isRegistered(_ id: String) throws -> Bool {
        try queue.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM appliances WHERE id = ?)", arguments: [id]) ?? false }
    }
}
