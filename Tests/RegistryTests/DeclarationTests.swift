import Foundation
import IDCard
import Testing
@testable import Registry

@Suite("Residence declarations")
struct DeclarationTests {
    static func fullDraft(person: UUID, house: UUID) -> DeclarationDraft {
        DeclarationDraft(
            person: person, house: house, declaredOn: RegisterDate("2025-06-10"), housingType: "02", residenceReason: "01",
            maritalStatus: "20", politicalStatus: "13", education: "21", militaryService: "1", plannedStay: "4",
            applyResidencePermit: true, phone: "13800138001", hasEmployer: true, occupation: "厨师", employerName: "丹心酒楼",
            employerManager: "何老板", employerPhone: "010-84000000", employerAddress: "北京市朝阳区北辰东路8号",
            yearsWorked: 3, labourContract: "1", insurance: "1",
            minors: [MinorDraft(name: "刘洋", sex: "1", birthDate: Fixtures.liuYang.birth, idNumber: Fixtures.liuYang.idNumber,
                                relation: "20")])
    }

    @Test("every field of §4 is stored, with the accompanying minors as child rows")
    func everyField() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        let result = try await r.store.declareResidence(Self.fullDraft(person: zhang.person.uuid, house: r.houseA1.uuid), by: r.deskA)
        let d = result.declaration
        #expect(d.name == "张伟" && d.idNumber == Fixtures.zhangWei.idNumber && d.currentAddress == r.houseA1.address)
        #expect(d.housingType == "02" && d.residenceReason == "01" && d.maritalStatus == "20" && d.politicalStatus == "13")
        #expect(d.education == "21" && d.militaryService == "1" && d.arrivalDate == RegisterDate("2024-03-01"))
        #expect(d.plannedStay == "4" && d.applyResidencePermit && d.phone == "13800138001" && d.hasEmployer)
        #expect(d.occupation == "厨师" && d.employerName == "丹心酒楼" && d.employerPinyin == "dxjl")
        #expect(d.employerManager == "何老板" && d.employerPhone == "01084000000" && d.employerAddress == "北京市朝阳区北辰东路8号")
        #expect(d.yearsWorked == 3 && d.labourContract == "1" && d.insurance == "1" && d.stayUuid == zhang.stay.uuid)
        #expect(d.minors.count == 1 && d.minors.first?.idNumber == Fixtures.liuYang.idNumber && d.minors.first?.relation == "20")
        #expect(try r.count("declaration_minor") == 1)
        let listed = try await r.store.declarations(ofPerson: zhang.person.uuid, for: r.deskA)
        #expect(listed.map(\.uuid) == [d.uuid])
        #expect(r.sink.changes.suffix(2).map(\.kind) == [.declaration, .declarationMinor])
        // A kiosk may declare too (self-service).
        let kiosk = try await r.store.declareResidence(Self.fullDraft(person: zhang.person.uuid, house: r.houseA1.uuid), by: r.kioskA)
        #expect(kiosk.declaration.uuid != d.uuid)
    }

    @Test("required fields are all reported, each naming its field")
    func requiredFields() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        var person = Fixtures.draft(Fixtures.liNa)
        person.phone = nil
        let li = try #require(try await r.store.register(person: person, into: r.houseA1.uuid, stay: Fixtures.stay, by: r.deskA).value)
        let error = await registryError {
            _ = try await r.store.declareResidence(DeclarationDraft(person: li.person.uuid, house: r.houseA1.uuid), by: r.deskA)
        }
        let required = Set(error?.fieldErrors.filter { $0.code == "field.required" }.map(\.field) ?? [])
        #expect(required == ["housingType", "residenceReason", "plannedStay", "applyResidencePermit", "phone", "hasEmployer"])
        for fieldError in error?.fieldErrors ?? [] {
            #expect(fieldError.message.contains(fieldError.label))
        }
        #expect(try r.count("declaration") == 0)
    }

    @Test("declaration rules", arguments: [
        "employer", "noEmployerButFields", "badCode", "notMinor", "minorRequired", "declaredBeforeArrival", "noStay",
    ])
    func rules(rule: String) async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        var draft = Self.fullDraft(person: zhang.person.uuid, house: r.houseA1.uuid)
        let code: String
        let field: Field
        switch rule {
        case "employer":
            draft.employerName = nil
            (code, field) = ("field.required", .employerName)
        case "noEmployerButFields":
            draft.hasEmployer = false
            (code, field) = ("field.invalid", .hasEmployer)
        case "badCode":
            draft.education = "55"
            (code, field) = ("field.badCode", .education)
        case "notMinor":
            draft.minors = [MinorDraft(name: "赵磊", sex: "1", birthDate: Fixtures.zhaoLei.birth, relation: "20")]
            (code, field) = ("declaration.notMinor", .birthDate)
        case "minorRequired":
            draft.minors = [MinorDraft(name: "小明", birthDate: RegisterDate("2018-01-01"), relation: "20")]
            (code, field) = ("field.required", .sex)
        case "declaredBeforeArrival":
            draft.declaredOn = RegisterDate("2024-02-01")
            (code, field) = ("date.order", .declaredOn)
        default:
            draft.house = r.houseA2.uuid
            (code, field) = ("declaration.noActiveStay", .house)
        }
        let error = await expectFieldError(code, on: field) { _ = try await r.store.declareResidence(draft, by: r.deskA) }
        if rule == "minorRequired" { #expect(error?.field == "minors[0].sex") }
        #expect(try r.count("declaration") == 0)
    }

    @Test("ID-number warnings of the minors are carried along")
    func minorWarnings() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        var draft = Self.fullDraft(person: zhang.person.uuid, house: r.houseA1.uuid)
        draft.minors[0].idNumber = Fixtures.withWrongCheck(Fixtures.liuYang.idNumber)
        let result = try await r.store.declareResidence(draft, by: r.deskA)
        #expect(result.warnings.contains(.idNumberCheckCharacter))
    }
}
