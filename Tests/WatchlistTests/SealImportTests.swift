import Foundation
import IDCard
import Testing
@testable import Watchlist

@Suite("Seal, import, check")
struct SealImportTests {
    @Test("A hit decrypts the details; 15-digit, lower-case and spaced forms hit; a miss reveals nothing")
    func hitAndMiss() throws {
        let w = try World()
        defer { w.cleanup() }
        let entries = (0..<5).map { Synthetic.entry($0) }
        let sealed = try w.seal(entries)
        let result = try w.importBytes(sealed.bundle)
        #expect(result.entryCount == 10)  // ID tag + name tag per person
        #expect(result.replacedVersion == nil && result.header.version == 1)
        let checker = try w.checker()
        let hits = try checker.check(WatchlistIdentity(idNumber: entries[3].identity.idNumber, name: Synthetic.name(3)))
        #expect(hits.count == 1)
        let hit = try #require(hits.first)
        #expect(hit.listId == "bureau" && hit.listVersion == 1 && hit.issuer == "测试分局")
        #expect(hit.details.category == "稳控人员" && hit.details.level == .two)
        #expect(hit.details.instructions == "发现后立即报告社区民警（测试）")
        #expect(hit.details.name == Synthetic.name(3) && hit.matchedBy == .idNumber && hit.nameConfirmed == true)
        #expect(hit.details.birthDate == "1953-04-04")

        // The card's name differs from the list's: still a hit, flagged for confirmation.
        let other = try checker.check(WatchlistIdentity(idNumber: entries[3].identity.idNumber, name: "别人"))
        #expect(other.first?.nameConfirmed == false)

        // A 15-digit first-generation number of a listed person (born 19xx, sequence ending the same).
        let fifteenSource = Synthetic.idNumber(birth: "19530404", sequence: 3)
        #expect(fifteenSource == entries[3].identity.idNumber)
        let fifteen = String(fifteenSource.prefix(6)) + String(fifteenSource.dropFirst(8).prefix(9))
        #expect(try checker.check(WatchlistIdentity(idNumber: fifteen)).map(\.details.entryRef) == [hit.details.entryRef])
        let spaced = " " + fifteenSource.prefix(9) + " " + fifteenSource.dropFirst(9).lowercased() + "\u{3000}"
        #expect(try checker.check(WatchlistIdentity(idNumber: spaced)).count == 1)

        // Misses: an unlisted valid number, nothing at all.
        #expect(try checker.check(WatchlistIdentity(idNumber: Synthetic.idNumber(sequence: 999))).isEmpty)
        #expect(try checker.check(WatchlistIdentity()).isEmpty)
    }

    @Test("Name + birth date matches entries with and without an ID number")
    func nameAndBirthDate() throws {
        let w = try World()
        defer { w.cleanup() }
        let manual = WatchlistEntry(identity: WatchlistIdentity(name: "测试 无号", birthDate: "1979-02-28"),
                                    category: "可疑人员", level: .three, instructions: "核实身份", row: 2)
        let sealed = try w.seal([manual, Synthetic.entry(1)])
        try w.importBytes(sealed.bundle)
        let checker = try w.checker()
        let hits = try checker.check(WatchlistIdentity(name: "测试无号", birthDate: "19790228"))
        #expect(hits.map(\.details.category) == ["可疑人员"] && hits.first?.matchedBy == .nameAndBirthDate)
        #expect(try checker.check(WatchlistIdentity(name: "测试无号", birthDate: "1979-03-01")).isEmpty)
        // A manual entry without number finds a person listed with one (birth date from the number).
        let listed = Synthetic.entry(1)
        let byName = try checker.check(WatchlistIdentity(name: Synthetic.name(1), birthDate: "1951-02-02"))
        #expect(byName.count == 1 && byName.first?.details.name == listed.identity.name)
    }

    @Test("Expiry: a list past its validity and an entry past its 有效期至 no longer hit")
    func expiry() throws {
        let w = try World()
        defer { w.cleanup() }
        let now = Date()
        let entries = [Synthetic.entry(0, validUntil: "2020-12-31"), Synthetic.entry(1, validUntil: "2999-12-31")]
        try w.importBytes(try w.seal(entries, validUntil: now.addingTimeInterval(3600)).bundle)
        let checker = try w.checker()
        #expect(try checker.check(entries[0].identity).isEmpty)
        #expect(try checker.check(entries[1].identity).count == 1)
        #expect(try checker.check(entries[1].identity, now: now.addingTimeInterval(7200)).isEmpty)
        #expect(try w.store.status(now: now.addingTimeInterval(7200)).first?.isExpired == true)
        #expect(try w.store.status(now: now).first?.isExpired == false)
    }

    @Test("Several lists are all checked; one scrypt per distinct salt")
    func severalLists() throws {
        let w = try World()
        defer { w.cleanup() }
        let person = Synthetic.entry(7)
        try w.importBytes(try w.seal([person], listId: "bureau").bundle)
        try w.importBytes(try w.seal([WatchlistEntry(identity: person.identity, category: "可疑人员", level: .three,
                                                     row: 2)], listId: "local.xiaoqu-a").bundle)
        let checker = try w.checker()
        let hits = try checker.check(person.identity)
        #expect(Set(hits.map(\.listId)) == ["bureau", "local.xiaoqu-a"])
        #expect(try w.store.status().map(\.header.listId) == ["bureau", "local.xiaoqu-a"])
    }

    @Test("Neither the bundle nor the appliance's files contain a listed ID number or name")
    func nothingInClear() throws {
        let w = try World()
        defer { w.cleanup() }
        let entries = (0..<40).map { Synthetic.entry($0) }
        let sealed = try w.seal(entries)
        try w.importBytes(sealed.bundle)
        let stored = try FileManager.default.contentsOfDirectory(at: w.store.directory, includingPropertiesForKeys: nil)
            .map { Array(try Data(contentsOf: $0)) }
        for blob in [sealed.bundle, sealed.snapshot] + stored {
            for entry in entries {
                let id = entry.identity.normalizedID!
                for needle in [id, String(id.prefix(17)), String(id.dropFirst(6).prefix(8) + id.dropFirst(14).prefix(3)),
                               String(id.prefix(6)) + String(id.dropFirst(8).prefix(9)), entry.identity.name!] {
                    #expect(!blob.contains(bytes: Array(needle.utf8)), "found \(IDNumber.mask(needle))")
                }
                #expect(!blob.contains(bytes: Array(entry.identity.name!.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })))
            }
        }
    }
}

@Suite("Checker internals")
struct CheckerInternalsTests {
    @Test("Today by arithmetic agrees with Foundation's calendar")
    func day() {
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = shanghai
        for seconds in stride(from: -2_000_000_000.0, through: 4_000_000_000.0, by: 7_654_321.0) + [1_709_222_399, 1_709_222_400, 951_753_600] {
            let date = Date(timeIntervalSince1970: seconds)
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            #expect(WatchlistChecker.day(date, shanghai.secondsFromGMT(for: date)) == String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!), "\(seconds)")
        }
    }
}
