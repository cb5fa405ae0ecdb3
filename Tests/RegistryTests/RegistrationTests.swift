import Foundation
import IDCard
import Testing
@testable import Registry

@Suite("Registration (人来登记)")
struct RegistrationTests {
    @Test("register from a card: person created with the card snapshot, stay active, audit and sink written")
    func fromCard() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let before = try r.auditCount()
        let registration = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        #expect(registration.personCreated)
        #expect(registration.warnings.isEmpty)
        let person = registration.person
        #expect(person.name == "张伟" && person.namePinyin == "zw" && person.sex == "1" && person.nation == "01")
        #expect(person.birthDate == Fixtures.zhangWei.birth && person.nativeRegion == "110105")
        #expect(person.cardIssuer == "北京市公安局朝阳分局" && person.cardValidTo == "2036-01-01")
        #expect(person.entryMethod == .cardRead && person.cardReader == "sim:test")
        let stay = registration.stay
        #expect(stay.isActive && stay.cancelFlag == .active && stay.relation == "91" && stay.registeredBy == "deskA")
        #expect(stay.arrivalDate == RegisterDate("2024-03-01") && stay.houseUuid == r.houseA1.uuid)
        #expect(try r.auditCount() == before + 2)
        let kinds = r.sink.changes.suffix(2).map { "\($0.kind.rawValue):\($0.operation.rawValue)" }
        #expect(kinds == ["person:1", "stay:1"])
        let residents = try await r.store.residents(ofHouse: r.houseA1.uuid, for: r.deskA)
        #expect(residents.map(\.person.uuid) == [person.uuid])
    }

    @Test("ID-number warnings are carried on the result, never a rejection")
    func warningsCarried() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let wrong = Fixtures.withWrongCheck(Fixtures.liNa.idNumber)
        let outcome = try await r.store.register(card: Fixtures.card(Fixtures.liNa, idNumber: wrong), into: r.houseA1.uuid,
                                                 stay: Fixtures.stay, by: r.deskA)
        let registration = try #require(outcome.value)
        #expect(registration.warnings.contains(.idNumberCheckCharacter))
        #expect(registration.person.warnings.contains(.idNumberCheckCharacter))
        // Manual entry too.
        let manual = try await r.store.register(person: Fixtures.draft(Fixtures.wangFang, idNumber: Fixtures.withWrongCheck(Fixtures.wangFang.idNumber)),
                                                into: r.houseA2.uuid, stay: Fixtures.stay, by: r.deskA)
        #expect(manual.value?.warnings.contains(.idNumberCheckCharacter) == true)
    }

    @Test("reading the card again refreshes the snapshot without a new person")
    func cardRefresh() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let first = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        _ = try await r.store.checkOut(stay: first.stay.uuid, DepartureDraft(departureDate: RegisterDate("2025-01-01"), reason: "搬离"), by: r.deskA)
        var card = Fixtures.card(Fixtures.zhangWei, photoSeed: 9)
        card.appendedAddresses = ["北京市朝阳区新地址9号"]
        let outcome = try await r.store.register(card: card, into: r.houseA2.uuid, stay: Fixtures.stay, by: r.deskA)
        let second = try #require(outcome.value)
        #expect(!second.personCreated && second.person.uuid == first.person.uuid)
        #expect(second.person.photoWlt == Fixtures.photo(seed: 9))
        #expect(second.person.address == "北京市朝阳区新地址9号")
        #expect(second.person.phone == Fixtures.zhangWei.phone)
        #expect(try r.count("person") == 1)
    }

    @Test("one active stay per person per house: a second is stay.duplicateActive")
    func duplicateActiveStay() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        let audit = try r.auditCount()
        await expectFieldError("stay.duplicateActive", on: .house) {
            _ = try await r.store.register(card: Fixtures.card(Fixtures.zhangWei), into: r.houseA1.uuid,
                                           stay: Fixtures.stay, confirm: Confirmations(allowMultipleStays: true), by: r.deskA)
        }
        #expect(try r.auditCount() == audit)
        #expect(try r.count("stay") == 1)
    }

    @Test("一证多住 is a finding the caller must confirm; nothing is written before")
    func multipleStaysFinding() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let first = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        let audit = try r.auditCount()
        let changes = r.sink.changes.count
        let outcome = try await r.store.register(card: Fixtures.card(Fixtures.zhangWei), into: r.houseA2.uuid,
                                                 stay: Fixtures.stay, by: r.deskA)
        let finding = try #require(outcome.findings.first)
        guard case let .multipleStays(count, visible) = finding else { Issue.record("wrong finding \(finding)"); return }
        #expect(count == 1 && visible.map(\.stayUuid) == [first.stay.uuid])
        #expect(finding.code == "stay.multipleActive")
        #expect(try r.auditCount() == audit)
        #expect(r.sink.changes.count == changes)
        #expect(try r.count("stay") == 1)
        // Confirmed: written, and the finding is reported as confirmed.
        let confirmed = try await r.store.register(card: Fixtures.card(Fixtures.zhangWei), into: r.houseA2.uuid,
                                                   stay: Fixtures.stay, confirm: Confirmations(allowMultipleStays: true),
                                                   by: r.deskA)
        #expect(confirmed.value?.confirmedFindings.count == 1)
        #expect(try r.count("stay", "departure_date IS NULL") == 2)
        // checkIn has the same rule.
        let third = try await r.store.checkIn(person: first.person.uuid, into: r.houseA3.uuid, stay: Fixtures.stay, by: r.deskA)
        guard case let .multipleStays(n, _)? = third.findings.first else { Issue.record("no finding"); return }
        #expect(n == 2)
    }

    @Test("a likely duplicate person (same name and birth date, different or no ID) is a finding to confirm")
    func duplicatePersonFinding() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let first = try await r.registerCard(Fixtures.chenJing, into: r.houseA1)
        // Same name and birth date, no ID number (document type 其他).
        var noId = Fixtures.draft(Fixtures.chenJing, idNumber: .some(nil))
        noId.documentType = .other
        let outcome = try await r.store.register(person: noId, into: r.houseA2.uuid, stay: Fixtures.stay, by: r.deskA)
        guard case let .likelyDuplicate(count, visible)? = outcome.findings.first else {
            Issue.record("expected a duplicate finding, got \(outcome)"); return
        }
        #expect(count == 1 && visible.map(\.uuid) == [first.person.uuid])
        #expect(visible.first?.idNumberMasked == IDNumber.mask(Fixtures.chenJing.idNumber))
        #expect(try r.count("person") == 1)
        // A different ID number, same name and birth date.
        let otherId = Fixtures.idNumber(region: "510104", birth: "19880909", sequence: "886")
        let outcome2 = try await r.store.register(person: Fixtures.draft(Fixtures.chenJing, idNumber: otherId),
                                                  into: r.houseA2.uuid, stay: Fixtures.stay, by: r.deskA)
        #expect(outcome2.findings.first?.code == "person.likelyDuplicate")
        // Confirmed: a second person, marked as confirmed.
        let confirmed = try await r.store.register(person: Fixtures.draft(Fixtures.chenJing, idNumber: otherId),
                                                   into: r.houseA2.uuid, stay: Fixtures.stay,
                                                   confirm: Confirmations(confirmDuplicate: true), by: r.deskA)
        #expect(confirmed.value?.person.duplicateConfirmed == true)
        #expect(try r.count("person") == 2)
    }

    @Test("manual entry: an existing ID number reuses the person; a different name is refused")
    func manualEntry() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let first = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        _ = try await r.store.checkOut(stay: first.stay.uuid, DepartureDraft(departureDate: RegisterDate("2025-02-01"), reason: "搬离"), by: r.deskA)
        let again = try await r.store.register(person: Fixtures.draft(Fixtures.zhangWei), into: r.houseA2.uuid,
                                               stay: Fixtures.stay, by: r.deskA)
        #expect(again.value?.person.uuid == first.person.uuid && again.value?.personCreated == false)
        var renamed = Fixtures.draft(Fixtures.zhangWei)
        renamed.name = "张三"
        await expectFieldError("person.nameMismatch", on: .name) {
            _ = try await r.store.register(person: renamed, into: r.houseA3.uuid, stay: Fixtures.stay,
                                           confirm: Confirmations(allowMultipleStays: true), by: r.deskA)
        }
        // The birth date defaults to the one in the ID number.
        var noBirth = Fixtures.draft(Fixtures.liNa)
        noBirth.birthDate = nil
        let li = try await r.store.register(person: noBirth, into: r.houseA3.uuid, stay: Fixtures.stay, by: r.deskA)
        #expect(li.value?.person.birthDate == Fixtures.liNa.birth)
    }

    @Test("each stay rule names its field", arguments: [
        ("field.required", Field.arrivalDate, StayDraft(relation: "91")),
        ("date.future", Field.arrivalDate, StayDraft(arrivalDate: RegisterDate("2025-06-16"), relation: "91")),
        ("date.order", Field.arrivalDate, StayDraft(arrivalDate: RegisterDate("1989-12-31"), relation: "91")),
        ("field.required", Field.relation, StayDraft(arrivalDate: RegisterDate("2024-01-01"))),
        ("field.badCode", Field.relation, StayDraft(arrivalDate: RegisterDate("2024-01-01"), relation: "66")),
        ("field.badCode", Field.plannedStay, StayDraft(arrivalDate: RegisterDate("2024-01-01"), relation: "91", plannedStay: "9")),
        ("field.badCode", Field.residenceReason, StayDraft(arrivalDate: RegisterDate("2024-01-01"), relation: "91", residenceReason: "55")),
        ("field.badCode", Field.housingType, StayDraft(arrivalDate: RegisterDate("2024-01-01"), relation: "91", housingType: "55")),
    ])
    func stayRules(code: String, field: Field, stay: StayDraft) async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        for register in [
            { try await r.store.register(card: Fixtures.card(Fixtures.zhangWei), into: r.houseA1.uuid, stay: stay, by: r.deskA) },
            { try await r.store.register(person: Fixtures.draft(Fixtures.zhangWei), into: r.houseA1.uuid, stay: stay, by: r.deskA) },
        ] as [@Sendable () async throws -> Outcome<Registration>] {
            await expectFieldError(code, on: field) { _ = try await register() }
        }
        #expect(try r.count("person") == 0 && r.count("stay") == 0)
    }

    @Test("the arrival-before-birth message is the one staff read")
    func arrivalMessage() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let error = await expectFieldError("date.order", on: .arrivalDate) {
            _ = try await r.store.register(card: Fixtures.card(Fixtures.zhangWei), into: r.houseA1.uuid,
                                           stay: StayDraft(arrivalDate: RegisterDate("1980-01-01"), relation: "91"), by: r.deskA)
        }
        #expect(error?.message == "\"到达本地日期\"不能早于出生日期")
        #expect(error?.label == "到达本地日期")
    }

    @Test("person rules: required fields and codes, a physical-only card, a minor as 配偶")
    func personRules() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let store = r.store
        await expectFieldError("field.required", on: .name) {
            _ = try await store.register(person: PersonDraft(idNumber: Fixtures.liNa.idNumber, sex: "2"),
                                         into: r.houseA1.uuid, stay: Fixtures.stay, by: r.deskA)
        }
        await expectFieldError("field.badCode", on: .sex) {
            _ = try await store.register(person: PersonDraft(idNumber: Fixtures.liNa.idNumber, name: "李娜", sex: "3"),
                                         into: r.houseA1.uuid, stay: Fixtures.stay, by: r.deskA)
        }
        await expectFieldError("field.badCode", on: .nation) {
            _ = try await store.register(person: PersonDraft(idNumber: Fixtures.liNa.idNumber, name: "李娜", sex: "2", nation: "60"),
                                         into: r.houseA1.uuid, stay: Fixtures.stay, by: r.deskA)
        }
        await expectFieldError("field.required", on: .idNumber) {
            _ = try await store.register(person: PersonDraft(name: "李娜", sex: "2", birthDate: Fixtures.liNa.birth),
                                         into: r.houseA1.uuid, stay: Fixtures.stay, by: r.deskA)
        }
        await expectFieldError("field.required", on: .birthDate) {
            _ = try await store.register(person: PersonDraft(documentType: .other, name: "无证人", sex: "1"),
                                         into: r.houseA1.uuid, stay: Fixtures.stay, by: r.deskA)
        }
        await expectFieldError("phone.invalid", on: .phone) {
            var d = Fixtures.draft(Fixtures.liNa)
            d.phone = "12"
            _ = try await store.register(person: d, into: r.houseA1.uuid, stay: Fixtures.stay, by: r.deskA)
        }
        await expectFieldError("card.noIdentity", on: .card) {
            _ = try await store.register(card: CardRead(text: CardText(cardType: .physicalOnly), cardNumber: "0011223344556677"),
                                         into: r.houseA1.uuid, stay: Fixtures.stay, by: r.deskA)
        }
        await expectFieldError("relation.minor", on: .relation) {
            _ = try await store.register(card: Fixtures.card(Fixtures.liuYang), into: r.houseA1.uuid,
                                         stay: StayDraft(arrivalDate: RegisterDate("2024-01-01"), relation: "10"), by: r.deskA)
        }
        // All the errors of one input come together.
        let error = await registryError {
            _ = try await store.register(person: PersonDraft(sex: "5"), into: r.houseA1.uuid, stay: StayDraft(), by: r.deskA)
        }
        let fields = Set(error?.fieldErrors.map(\.field) ?? [])
        #expect(fields.isSuperset(of: ["name", "sex", "idNumber", "arrivalDate", "relation"]))
        #expect(try r.count("person") == 0)
    }

    @Test("checkIn of a registered person into another house after checking out")
    func checkInExisting() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let first = try await r.registerCard(Fixtures.wangFang, into: r.houseA1)
        _ = try await r.store.checkOut(stay: first.stay.uuid, DepartureDraft(departureDate: RegisterDate("2025-01-01"), reason: "退租"), by: r.deskA)
        let outcome = try await r.store.checkIn(person: first.person.uuid, into: r.houseA2.uuid,
                                                stay: StayDraft(arrivalDate: RegisterDate("2025-01-02"), relation: "02"), by: r.deskA)
        #expect(outcome.value?.stay.relation == "02")
        let history = try await r.store.residenceHistory(ofPerson: first.person.uuid, for: r.deskA)
        #expect(history.map(\.stay.houseUuid) == [r.houseA2.uuid, r.houseA1.uuid])
        #expect(history.first?.xiaoquName == "阳光花园")
    }
}
