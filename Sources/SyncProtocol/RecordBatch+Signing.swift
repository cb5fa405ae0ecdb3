import Crypto
import Foundation

/// Batch signatures. The signed bytes are the ASCII bytes of ``context`` followed by the canonical JSON
/// (``CanonicalJSON``) of the batch object with its `signature` member removed — every other member,
/// records and payloads included, as sent.
public enum BatchSigning {
    /// The domain-separation prefix: `renfang-sync/1 batch` and a line feed (21 bytes).
    public static let context = "renfang-sync/1 batch\n"

    /// The bytes signed for a batch given as a JSON object (its `signature` member, if any, is dropped).
    public static func message(for batch: JSONValue) -> Data {
        var members = batch.objectValue ?? [:]
        members["signature"] = nil
        var bytes = Data(context.utf8)
        bytes.append(CanonicalJSON.data(.object(members)))
        return bytes
    }

    /// The key id of a public key: lower-case hex SHA-256 of its 32 raw bytes.
    public static func keyId(of publicKey: Curve25519.Signing.PublicKey) -> String {
        CanonicalJSON.sha256Hex(publicKey.rawRepresentation)
    }

    /// Verifies a batch as received (the raw JSON object, so members this version does not know are still
    /// covered) against the appliance's public key.
    public static func verify(_ batch: JSONValue, publicKey: Curve25519.Signing.PublicKey) throws(SyncProtocolError) {
        guard let signature = batch["signature"]?.objectValue else {
            throw SyncProtocolError(.signatureMissing, "the batch has no signature")
        }
        guard signature["alg"]?.stringValue == BatchSignature.ed25519 else {
            throw SyncProtocolError(.signatureInvalid, "signature alg is not Ed25519")
        }
        guard signature["keyId"]?.stringValue == keyId(of: publicKey) else {
            throw SyncProtocolError(.signatureInvalid, "signature keyId is not the appliance's key")
        }
        guard let text = signature["value"]?.stringValue, let bytes = Data(base64Encoded: text), bytes.count == 64,
              publicKey.isValidSignature(bytes, for: message(for: batch))
        else { throw SyncProtocolError(.signatureInvalid, "the signature does not verify") }
    }
}

extension RecordBatch {
    /// The bytes this batch's signature covers.
    public func signingMessage() throws -> Data {
        var unsigned = self
        unsigned.signature = nil
        return BatchSigning.message(for: try CanonicalJSON.value(of: unsigned))
    }

    /// This batch with `signature` set by `key`.
    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> RecordBatch {
        let bytes = try key.signature(for: signingMessage())
        var copy = self
        copy.signature = BatchSignature(keyId: BatchSigning.keyId(of: key.publicKey), value: bytes.base64EncodedString())
        return copy
    }

    /// Verifies the signature against `publicKey`.
    public func verifySignature(publicKey: Curve25519.Signing.PublicKey) throws(SyncProtocolError) {
        let value: JSONValue
        do { value = try CanonicalJSON.value(of: self) } catch {
            throw SyncProtocolError(.malformed, "the batch does not encode: \(error)")
        }
        try BatchSigning.verify(value, publicKey: publicKey)
    }
}
