import Crypto
import Foundation
import Registry
import SyncProtocol

/// The appliance's Ed25519 batch-signing key.
public struct BatchSigner: Sendable {
    /// The private key.
    public let key: Curve25519.Signing.PrivateKey

    /// A signer with `key`.
    public init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
    }

    /// Loads the 32 raw bytes of a private key (or their base64) from `path`.
    public static func load(path: String) throws -> BatchSigner {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SyncError(.badConfiguration, "sync.signing_key 无法读取：\(path)")
        }
        let raw = data.count == 32 ? data : Data(base64Encoded: String(decoding: data, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? Data()
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw SyncError(.badConfiguration, "sync.signing_key 不是 Ed25519 私钥（32 字节或其 base64）：\(path)")
        }
        return BatchSigner(key: key)
    }

    /// The key id the batches carry.
    public var keyId: String { BatchSigning.keyId(of: key.publicKey) }

    /// The 32 raw bytes of the public key, base64 (what `renfang-upstream appliance add --public-key` takes).
    public var publicKeyBase64: String { key.publicKey.rawRepresentation.base64EncodedString() }

    /// A new random key.
    public static func generate() -> BatchSigner { BatchSigner(key: Curve25519.Signing.PrivateKey()) }

    /// Writes the private key (base64) to `path`, mode 0600.
    public func write(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(key.rawRepresentation.base64EncodedString().utf8),
                                             attributes: [.posixPermissions: 0o600])
        else { throw SyncError(.badConfiguration, "无法写入签名密钥：\(path)") }
    }
}

/// Builds the wire batch of outbox items directly as canonical JSON (fast: no JSONEncoder round trip).
/// The body sent is the canonical JSON of the batch, signature included; the signature covers the
/// canonical JSON of the batch without it (protocol-docs/sync-protocol.md).
enum BatchEncoding {
    /// The payload of a register record as a JSON object.
    static func payload(_ members: [String: RecordPayloadValue]) -> JSONValue {
        var object: [String: JSONValue] = [:]
        object.reserveCapacity(members.count)
        for (key, value) in members {
            switch value {
            case .null: object[key] = .null
            case let .integer(i): object[key] = .integer(i)
            case let .text(t): object[key] = .string(t)
            }
        }
        return .object(object)
    }

    /// The record of one outbox item.
    static func record(_ item: OutboxItem, payload: JSONValue, digest: String, applianceId: String) -> JSONValue {
        .object([
            "id": .string(item.envelopeId.uuidString.lowercased()),
            "seq": .integer(item.seq),
            "kind": .string(wireKind(item.kind)),
            "operation": .integer(Int64(item.operation)),
            "source": .integer(Int64(SyncRecord.Source.externalCollection.rawValue)),
            "occurredAt": .string(SyncTime.string(Date(timeIntervalSince1970: Double(item.occurredAtMillis) / 1000))),
            "applianceId": .string(applianceId),
            "payload": payload,
            "payloadDigest": .string(digest),
        ])
    }

    /// The wire kind of a ``RecordKind`` raw value: lower case with `_` between words
    /// (`houseStatusChange` → `house_status_change`), as the protocol's `^[a-z][a-z0-9._-]*$` wants.
    static func wireKind(_ kind: String) -> String {
        var out = ""
        for character in kind {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// The body of `POST /v1/batches`.
    static func batch(id: UUID, applianceId: String, sentAt: Date, records: [JSONValue], signer: BatchSigner?) throws -> Data {
        let members: [String: JSONValue] = [
            "batchId": .string(id.uuidString.lowercased()),
            "applianceId": .string(applianceId),
            "sentAt": .string(SyncTime.string(sentAt)),
            "records": .array(records),
        ]
        let unsigned = CanonicalJSON.data(.object(members))
        guard let signer else { return unsigned }
        // The signed bytes are the context line and the canonical batch without `signature`; as
        // `signature` sorts after every other member, the body is that text with the member appended.
        var message = Data(BatchSigning.context.utf8)
        message.append(unsigned)
        let signature = try signer.key.signature(for: message)
        let member = CanonicalJSON.data(.object([
            "alg": .string(BatchSignature.ed25519),
            "keyId": .string(signer.keyId),
            "value": .string(signature.base64EncodedString()),
        ]))
        var body = unsigned.dropLast()
        body.append(contentsOf: Array(",\"signature\":".utf8))
        body.append(member)
        body.append(UInt8(ascii: "}"))
        return Data(body)
    }
}
