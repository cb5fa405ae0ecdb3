import Foundation
import IDCard
import GRDB
import Testing
@testable import Registry

@Suite("Encryption at rest")
struct EncryptionTests {
    @Test("no ID number, phone, photo or fingerprint of the fixtures is in the database or WAL in clear")
    func byteScan() async throws {
        let register = try await TestRegister.make()
        defer { register.close() }
        let desk = register.deskA
        // Card and manual registrations, a landlord, a declaration with an employer phone and a minor,
        // a coordinator and a service matter with phones.
        let zhang = try await register.registerCard(Fixtures.zhangWei, into: register.houseA1)
        _ = try await register.store.register(person: Fixtures.draft(Fixtures.liNa), into: register.houseA2.uuid,
                                              stay: Fixtures.stay, by: desk)
        _ = try await register.store.updateHouse(register.houseA3.uuid, HouseDraft(
            roomNumber: "401", usage: "02", rentalStatus: .rented, rentalUse: "02",
            landlord: .identified(Fixtures.draft(Fixtures.zhaoLei)), rentalFilingNumber: "朝租备2025-001"), by: desk)
        _ = try await register.store.declareResidence(DeclarationDraft(
            person: zhang.person.uuid, house: register.houseA1.uuid, housingType: "02", residenceReason: "01",
            plannedStay: "4", applyResidencePermit: true, phone: Fixtures.zhangWei.phone, hasEmployer: true,
            employerName: "丹心酒楼", employerPhone: Fixtures.chenJing.phone,
            minors: [MinorDraft(name: Fixtures.liuYang.name, sex: "1", idNumber: Fixtures.liuYang.idNumber, relation: "20")]),
            by: desk)
        let coordinator = try await register.store.createCoordinator(
            CoordinatorDraft(community: register.communityC1.uuid, name: "马协管", phone: Fixtures.wangFang.phone),
            by: register.policeS1)
        _ = try await register.store.openServiceMatter(ServiceMatterDraft(
            house: register.houseA1.uuid, applicant: zhang.person.uuid, applicantPhone: "13300133007",
            matterType: "02", summary: "申领居住证"), by: desk)
        #expect(coordinator.phone == Fixtures.wangFang.phone)

        let files = [register.store.path, register.store.path + "-wal"]
        var bytes: [UInt8] = []
        for file in files where FileManager.default.fileExists(atPath: file) {
            bytes += try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        }
        #expect(FileManager.default.fileExists(atPath: files[1]))
        #expect(bytes.count > 10_000)
        var secrets: [(String, [UInt8])] = []
        for person in Fixtures.everyone {
            secrets.append(("id \(person.name)", Array(person.idNumber.utf8)))
            secrets.append(("id16 \(person.name)", Array(person.idNumber.prefix(16).utf8)))
            secrets.append(("phone \(person.name)", Array(person.phone.utf8)))
            // UTF-16 too, in case something stored text that way.
            secrets.append(("id utf16 \(person.name)", Array(person.idNumber.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        }
        secrets.append(("phone 13300133007", Array("13300133007".utf8)))
        secrets.append(("property phone", Array("01064000001".utf8)))
        secrets.append(("photo", Array(Fixtures.photo(seed: 1)[100..<164])))
        secrets.append(("fingerprint", Array(Fixtures.fingerprints(seed: 1)[0][100..<164])))
        for (label, needle) in secrets {
            #expect(!contains(bytes, needle), "found \(label) in clear in the database files")
        }
        // The names and addresses are searchable: they are in clear (the scan really sees the data).
        #expect(contains(bytes, Array("张伟".utf8)))
    }

    @Test("exact-match lookup by ID number and by phone goes through the keyed hash, whatever the formatting")
    func keyedHashLookup() async throws {
        let register = try await TestRegister.make()
        defer { register.close() }
        let zhang = try await register.registerCard(Fixtures.zhangWei, into: register.houseA1)
        let store = register.store
        let desk = register.deskA
        let fullWidth = String(Fixtures.zhangWei.idNumber.unicodeScalars.map {
            Character(Unicode.Scalar($0.value + 0xFEE0)!)
        })
        for typed in [Fixtures.zhangWei.idNumber, " " + Fixtures.zhangWei.idNumber + " ", fullWidth] {
            #expect(try await store.person(idNumber: typed, for: desk)?.uuid == zhang.person.uuid, "\(typed)")
        }
        #expect(try await store.person(idNumber: Fixtures.liNa.idNumber, for: desk) == nil)
        for typed in ["13800138001", "138-0013-8001", "+86 138 0013 8001", "0086 13800138001"] {
            #expect(try await store.people(phone: typed, for: desk).map(\.uuid) == [zhang.person.uuid], "\(typed)")
        }
        // A 15-digit first-generation number finds the upgraded 18-digit one.
        let x = Fixtures.idNumber(region: "110105", birth: "19491231", sequence: "002")
        #expect(x == "11010519491231002X")
        let old = try await register.registerCard(Fixtures.SyntheticPerson(
            name: "老王", sex: "2", birth: RegisterDate("1949-12-31")!, idNumber: x, phone: "13811112222", address: "北京"),
            into: register.houseA2)
        #expect(try await store.person(idNumber: "110105491231002", for: desk)?.uuid == old.person.uuid)
        #expect(try await store.person(idNumber: "11010519491231002x", for: desk)?.uuid == old.person.uuid)
    }

    @Test("decrypted values round-trip; a ciphertext moved to another column does not decrypt")
    func columnBinding() async throws {
        let register = try await TestRegister.make()
        defer { register.close() }
        let zhang = try await register.registerCard(Fixtures.zhangWei, into: register.houseA1)
        #expect(zhang.person.idNumber == Fixtures.zhangWei.idNumber)
        #expect(zhang.person.idNumberMasked == IDNumber.mask(Fixtures.zhangWei.idNumber))
        #expect(zhang.person.phone == Fixtures.zhangWei.phone)
        #expect(zhang.person.photoWlt == Fixtures.photo(seed: 1))
        #expect(zhang.person.fingerprints == Fixtures.fingerprints(seed: 1))
        try await register.store.database.write { db in
            try db.execute(sql: "UPDATE person SET phone_enc = id_number_enc WHERE uuid = ?",
                           arguments: [zhang.person.uuid.dbText])
        }
        let error = await registryError { _ = try await register.store.person(zhang.person.uuid, for: register.deskA) }
        #expect(error?.code == .decryptFailed)
    }
}

func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    let first = needle[0]
    var i = 0
    let last = haystack.count - needle.count
    while i <= last {
        if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
        i += 1
    }
    return false
}
