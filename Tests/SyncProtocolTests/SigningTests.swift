import Crypto
import Foundation
import Testing
@testable import SyncProtocol

@Suite struct SigningTests {
    @Test func signedBatchVerifies() throws {
        let batch = try sampleBatch().signed(with: vectorKey)
        try batch.verifySignature(publicKey: vectorKey.publicKey)
        // As received: the raw body parsed, not the decoded struct.
        let body = try JSONEncoder().encode(batch)
        try BatchSigning.verify(try CanonicalJSON.parse(body), publicKey: vectorKey.publicKey)
        #expect(batch.signature?.keyId == CanonicalJSON.sha256Hex(vectorKey.publicKey.rawRepresentation))
        // The signed bytes: the context line, then the canonical batch without its signature.
        let message = try batch.signingMessage()
        #expect(message.starts(with: Data("renfang-sync/1 batch\n".utf8)))
        #expect(!String(decoding: message, as: UTF8.self).contains("signature"))
    }

    @Test func tamperingIsDetected() throws {
        let batch = try sampleBatch().signed(with: vectorKey)
        func failsWith(_ change: (inout RecordBatch) -> Void) -> SyncProtocolError.Code? {
            var copy = batch
            change(&copy)
            do { try copy.verifySignature(publicKey: vectorKey.publicKey); return nil } catch { return error.code }
        }
        #expect(failsWith { $0.records[1].payload = ["name": "别人"] } == .signatureInvalid)
        #expect(failsWith { $0.records[2].seq += 1 } == .signatureInvalid)
        #expect(failsWith { $0.records.swapAt(0, 1) } == .signatureInvalid)
        #expect(failsWith { $0.sentAt = SyncTime.string(Date(timeIntervalSince1970: 0)) } == .signatureInvalid)
        #expect(failsWith { $0.signature?.alg = "HS256" } == .signatureInvalid)
        #expect(failsWith { $0.signature = nil } == .signatureMissing)
        #expect(failsWith { batch in
            let reversed = String(batch.signature!.value.reversed())
            batch.signature?.value = reversed
        } == .signatureInvalid)
        // Another appliance's key.
        let other = Curve25519.Signing.PrivateKey()
        #expect(throws: SyncProtocolError.self) { try batch.verifySignature(publicKey: other.publicKey) }
        // A member added in transit is covered too.
        var raw = try CanonicalJSON.value(of: batch).objectValue!
        raw["extra"] = "x"
        #expect(throws: SyncProtocolError.self) { try BatchSigning.verify(.object(raw), publicKey: vectorKey.publicKey) }
    }

    /// Whitespace and key order of the body do not matter: the canonical form is signed.
    @Test func bodyLayoutDoesNotMatter() throws {
        let batch = try sampleBatch().signed(with: vectorKey)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let pretty = try encoder.encode(batch)
        try BatchSigning.verify(try CanonicalJSON.parse(pretty), publicKey: vectorKey.publicKey)
    }
}
