import Foundation
import Testing
@testable import Watchlist

@Suite("Import refusals and versions")
struct ImportRefusalTests {
    @Test("Every changed byte of a bundle is refused and the list in force stays")
    func everyTamperedByte() throws {
        let w = try World()
        defer { w.cleanup() }
        let v1 = try w.seal((0..<3).map { Synthetic.entry($0) })
        try w.importBytes(v1.bundle)
        let before = try Data(contentsOf: w.store.stateFile("bureau"))
        let v2 = try w.seal((0..<3).map { Synthetic.entry($0 + 10) }, version: 2).bundle
        // Every byte: header, records and signature (a small bundle keeps this fast).
        var refused = 0
        for position in v2.indices {
            var bad = v2
            bad[position] ^= 0x01 << UInt8(position % 8)
            do {
                try w.importBytes(bad)
                Issue.record("byte \(position) changed and accepted")
            } catch is WatchlistError {
                refused += 1
            }
        }
        #expect(refused == v2.count)
        // Truncated and extended bundles too.
        expectRefused(.malformed) { try w.importBytes(Array(v2.dropLast())) }
        expectRefused(.malformed) { try w.importBytes(v2 + [0]) }
        #expect(try Data(contentsOf: w.store.stateFile("bureau")) == before)
        #expect(try w.versions() == ["bureau": 1])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: w.store.directory.path).filter { $0.contains("tmp") }
        #expect(leftovers.isEmpty)
        // The untouched bundle still imports.
        #expect(try w.importBytes(v2).header.version == 2)
    }

    @Test("A changed signature byte is reported as a bad signature; an unknown key as untrusted")
    func signatureAndTrust() throws {
        let w = try World()
        defer { w.cleanup() }
        var bundle = try w.seal([Synthetic.entry(1)]).bundle
        bundle[bundle.count - 10] ^= 0xFF
        expectRefused(.badSignature) { try w.importBytes(bundle) }
        let stranger = IssuerKey(issuer: "测试分局")  // same name, other key
        let forged = try w.seal([Synthetic.entry(1)], key: stranger).bundle
        expectRefused(.untrustedIssuer) { try w.importBytes(forged) }
        #expect(try w.store.status().isEmpty)
    }

    @Test("Older and equal versions are refused; a newer snapshot replaces")
    func versionOrder() throws {
        let w = try World()
        defer { w.cleanup() }
        let v3 = try w.seal([Synthetic.entry(1)], version: 3).bundle
        let v2 = try w.seal([Synthetic.entry(2)], version: 2).bundle
        try w.importBytes(v3)
        expectRefused(.staleVersion) { try w.importBytes(v2) }
        expectRefused(.staleVersion) { try w.importBytes(v3) }
        let v4 = try w.seal([Synthetic.entry(2)], version: 4)
        #expect(try w.importBytes(v4.bundle).replacedVersion == 3)
        let checker = try w.checker()
        #expect(try checker.check(Synthetic.entry(1).identity).isEmpty)
        #expect(try checker.check(Synthetic.entry(2).identity).count == 1)
    }

    @Test("Deltas: added, changed, removed and unchanged entries; a missing predecessor is refused")
    func deltas() throws {
        let w = try World()
        defer { w.cleanup() }
        let v1 = try w.seal((0..<4).map { Synthetic.entry($0) })
        try w.importBytes(v1.bundle)
        let refBefore = try #require(try w.checker().check(Synthetic.entry(1).identity).first?.details.entryRef)
        // v2: 0 removed, 1 changed (level), 2 and 3 unchanged, 4 added.
        let v2Entries = [Synthetic.entry(1, level: .one), Synthetic.entry(2), Synthetic.entry(3), Synthetic.entry(4)]
        let v2 = try w.seal(v2Entries, previous: v1.snapshot)
        #expect(v2.header.kind == .delta && v2.header.version == 2 && v2.header.previousVersion == 1)
        #expect(v2.added == 1 && v2.changed == 1 && v2.unchanged == 2 && v2.removed == 2)  // person 0: two tags
        #expect(v2.bundle.count < v2.snapshot.count)
        let v3 = try w.seal([Synthetic.entry(5)], previous: v2.snapshot)
        expectRefused(.missingPredecessor) { try w.importBytes(v3.bundle) }
        #expect(try w.importBytes(v2.bundle).entryCount == 8)
        let checker = try w.checker()
        #expect(try checker.check(Synthetic.entry(0).identity).isEmpty)
        let changed = try checker.check(Synthetic.entry(1).identity)
        #expect(changed.first?.details.level == .one && changed.first?.details.entryRef == refBefore)
        #expect(try checker.check(Synthetic.entry(4).identity).count == 1)
        #expect(try checker.check(Synthetic.entry(3).identity).count == 1)
        // Replaying the delta, or an older delta, is refused; the next one applies.
        expectRefused(.staleVersion) { try w.importBytes(v2.bundle) }
        try w.importBytes(v3.bundle)
        try checker.reload()
        #expect(try checker.check(Synthetic.entry(5).identity).count == 1)
        #expect(try checker.check(Synthetic.entry(4).identity).isEmpty)
        // The appliance's merged list equals the issuer's snapshot of the same version.
        let fresh = try World()
        defer { fresh.cleanup() }
        let sameKey = World(root: fresh.root, store: fresh.store, key: w.key, trusted: w.trusted)
        try sameKey.importBytes(v3.snapshot)
        #expect(try tags(of: w.store.stateFile("bureau")) == tags(of: sameKey.store.stateFile("bureau")))
    }

    @Test("Key rotation: a new epoch replaces salt and list key; old-epoch deltas are refused")
    func keyRotation() throws {
        let w = try World()
        defer { w.cleanup() }
        let v1 = try w.seal([Synthetic.entry(1), Synthetic.entry(2)])
        try w.importBytes(v1.bundle)
        let rotated = try w.seal([Synthetic.entry(1), Synthetic.entry(2)], previous: v1.snapshot, rotate: true)
        #expect(rotated.header.kind == .snapshot && rotated.header.keyEpoch == 2 && rotated.header.version == 2)
        #expect(rotated.header.salt != v1.header.salt && rotated.header.listKey != v1.header.listKey)
        let oldDelta = try w.seal([Synthetic.entry(1)], version: 3, previous: v1.snapshot)
        try w.importBytes(rotated.bundle)
        // Every tag changed with the epoch: nothing links the two versions.
        #expect(Set(try tags(of: w.store.stateFile("bureau"))).isDisjoint(with: Set(try ParsedBundle(bytes: v1.bundle).records.map(\.tag))))
        expectRefused(.missingPredecessor) { try w.importBytes(oldDelta.bundle) }
        let checker = try w.checker()
        #expect(try checker.check(Synthetic.entry(2).identity).count == 1)
        // A delta in the old epoch that names the right version is still refused.
        let sneaky = try w.seal([Synthetic.entry(1)], version: 3, previous: v1.snapshot)
        var header = try ParsedBundle(bytes: sneaky.bundle).header
        header.previousVersion = 2
        let forged = try WatchlistSealer.encode(header, try ParsedBundle(bytes: sneaky.bundle).records, key: w.key)
        expectRefused(.deltaMismatch) { try w.importBytes(forged) }
        // A rotation by a new issuer key that the appliance trusts.
        let newKey = IssuerKey(issuer: "测试分局")
        let both = World(root: w.root, store: w.store, key: newKey, trusted: TrustedKeys([w.key.publicKey, newKey.publicKey]))
        try both.importBytes(try both.seal([Synthetic.entry(3)], version: 5).bundle)
        try checker.reload()
        #expect(try checker.check(Synthetic.entry(3).identity).count == 1)
        #expect(try checker.check(Synthetic.entry(2).identity).isEmpty)
    }

    func tags(of state: URL) throws -> [[UInt8]] {
        var records = try StateRecords(state, skipHeader: true)
        defer { records.close() }
        var tags: [[UInt8]] = []
        while let record = try records.next() { tags.append(record.tag) }
        return tags
    }
}

@Suite("Damaged state files")
struct DamagedStateTests {
    @Test("A damaged list is left out of matching and reported; a snapshot replaces it, a delta cannot")
    func damaged() throws {
        let w = try World()
        defer { w.cleanup() }
        let v1 = try w.seal([Synthetic.entry(1)])
        try w.importBytes(v1.bundle)
        try w.importBytes(try w.seal([Synthetic.entry(2)], listId: "local").bundle)
        var state = try Data(contentsOf: w.store.stateFile("bureau"))
        state[state.count - 40] ^= 0xFF
        try state.write(to: w.store.stateFile("bureau"))
        let checker = try w.checker()
        #expect(checker.problems.map(\.code) == [.damaged])
        #expect(try checker.check(Synthetic.entry(1).identity).isEmpty)
        #expect(try checker.check(Synthetic.entry(2).identity).count == 1)
        state = try Data(contentsOf: w.store.stateFile("bureau"))
        state[3] = 0
        try state.write(to: w.store.stateFile("bureau"))
        let delta = try w.seal([Synthetic.entry(1), Synthetic.entry(3)], previous: v1.snapshot)
        expectRefused(.missingPredecessor) { try w.importBytes(delta.bundle) }
        try w.importBytes(delta.snapshot)
        try checker.reload()
        #expect(checker.problems.isEmpty)
        #expect(try checker.check(Synthetic.entry(3).identity).count == 1)
    }
}
