import Foundation

extension SyncRecord {
    /// Checks every member and the payload digest; throws the first problem, whose code is the one a
    /// server puts in the rejected receipt. `applianceId`, when given, is the batch's, which the record's
    /// must equal.
    public func validate(applianceId batchAppliance: String? = nil) throws(SyncProtocolError) {
        guard SyncFormat.isUUID(id) else { throw SyncProtocolError(.recordId, "id is not a lower-case UUID") }
        guard seq >= 1 else { throw SyncProtocolError(.recordSeq, "seq \(seq) is below 1") }
        guard SyncFormat.isKind(kind) else { throw SyncProtocolError(.recordKind, "kind is not ^[a-z][a-z0-9._-]{0,63}$") }
        guard operation.isKnown else {
            throw SyncProtocolError(.recordOperation, "operation \(operation.rawValue) is not 1, 2 or 3")
        }
        guard (1...9).contains(source.rawValue) else {
            throw SyncProtocolError(.recordSource, "source \(source.rawValue) is not in 1…9")
        }
        guard SyncTime.isValid(occurredAt) else {
            throw SyncProtocolError(.recordOccurredAt, "occurredAt is not an RFC 3339 UTC timestamp")
        }
        guard SyncFormat.isApplianceId(applianceId) else {
            throw SyncProtocolError(.recordAppliance, "applianceId is malformed")
        }
        if let batchAppliance, batchAppliance != applianceId {
            throw SyncProtocolError(.recordAppliance, "applianceId differs from the batch's")
        }
        guard case .object = payload else { throw SyncProtocolError(.recordPayload, "payload is not an object") }
        guard SyncFormat.integersAreSafe(payload) else {
            throw SyncProtocolError(.recordPayload, "payload holds an integer beyond ±(2^53-1)")
        }
        let canonical = CanonicalJSON.data(payload)
        guard canonical.count <= SyncLimits.maxPayloadBytes else {
            throw SyncProtocolError(.recordPayload, "payload is \(canonical.count) bytes, over \(SyncLimits.maxPayloadBytes)")
        }
        guard CanonicalJSON.sha256Hex(canonical) == payloadDigest else {
            throw SyncProtocolError(.recordDigest, "payloadDigest is not the SHA-256 of the canonical payload")
        }
    }
}

/// Format checks shared by the validators.
enum SyncFormat {
    static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !isLowerHex(byte) {
                return false
            }
        }
        return true
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }

    static func isHexDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy(isLowerHex)
    }

    static func isKind(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 64, (0x61...0x7A).contains(first) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    static func isApplianceId(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func alnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
        guard let first = bytes.first, bytes.count <= 64, alnum(first) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    static func integersAreSafe(_ value: JSONValue) -> Bool {
        switch value {
        case let .integer(number): return number >= -SyncLimits.maxSafeInteger && number <= SyncLimits.maxSafeInteger
        case let .array(elements): return elements.allSatisfy(integersAreSafe)
        case let .object(members): return members.values.allSatisfy(integersAreSafe)
        default: return true
        }
    }
}
