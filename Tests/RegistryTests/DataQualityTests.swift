import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("Data-quality report: each kind of finding")
struct DataQualityTests {
    static func report(_ r: TestRegister, _ kind: DataQualityKind, by actor: Actor? = nil) async throws -> [DataQualityFinding] {
        try await r.store.dataQuality(for: actor ?? r.policeS1, options: DataQualityOptions(kinds: [kind])).findings
    }

    /// Simulates data that came in around the operations (an old import, a hand-edited file).
    static func raw(_ r: TestRegister, _ sql: String, _ arguments: StatementArguments = []) async throws {
        try await r.store.database.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    @Test("a clean register has no findings except the 小区 without 管辖民警 / 物业公司")
    func clean() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        _ = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        let report = try await r.store.dataQuality(for: r.policeS1)
        #expect(report.counts.count == DataQualityKind.allCases.count)
        #expect(report.findings.allSatisfy { $0.kind == .missingField && $0.record == .xiaoqu })
        #expect(Set(report.findings.map(\.field)) == [Field.officerName.rawValue, Field.propertyCompany.rawValue])
        #expect(report.findings.allSatisfy { $0.xiaoquName == "翠微小区" })  // 阳光花园 has both
        #expect(report.findings.allSatisfy { $0.message.contains($0.fieldLabel!) })
    }

    @Test("missing fields: phone of a resident, stay codes, rented house's filing number and 治安责任人")
    func missing() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        var draft = Fixtures.draft(Fixtures.liNa)
        draft.phone = nil
        let li = try #require(try await r.store.register(person: draft, into: r.houseA1.uuid,
                                                          stay: StayDraft(arrivalDate: RegisterDate("2025-01-01"), relation: "91"), by: r.deskA).value)
        let house = try await r.store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, roomNumber: "出租", usage: "02", rentalStatus: .rented,
                                                             rentalUse: "02", landlord: .existing(li.person.uuid)), by: r.deskA)
        let findings = try await Self.report(r, .missingField, by: r.deskA)
        let fields = Set(findings.map { "\($0.record.rawValue).\($0.field ?? "")" })
        #expect(fields == ["person.phone", "stay.plannedStay", "stay.residenceReason", "stay.housingType",
                           "house.rentalFilingNumber", "house.securityPerson"])
        #expect(findings.first { $0.field == "phone" }?.message == "人员\"联系方式\"未填写")
        #expect(findings.first { $0.record == .house }?.recordUuid == house.uuid)
        #expect(findings.first { $0.record == .person }?.idNumberMasked == IDNumberMaskForTest(Fixtures.liNa.idNumber))
        // Admin: only houses and 小区.
        let admin = try await r.store.dataQuality(for: TestRegister.admin)
        #expect(admin.findings.allSatisfy { $0.record == .house || $0.record == .xiaoqu })
        #expect(Set(admin.counts.keys) == [.missingField, .invalidCode])
    }

    @Test("invalid codes: 民族, 户籍地行政区划, 居住事由 not in the dictionaries")
    func invalidCodes() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        try await Self.raw(r, "UPDATE person SET nation = '77', native_region = '999999' WHERE uuid = ?", [zhang.person.uuid.dbText])
        try await Self.raw(r, "UPDATE stay SET residence_reason = '55' WHERE uuid = ?", [zhang.stay.uuid.dbText])
        let findings = try await Self.report(r, .invalidCode)
        #expect(Set(findings.map(\.message)) == ["人员\"民族\"代码\"77\"不在代码表中", "人员\"户籍地行政区划\"代码\"999999\"不在代码表中",
                                                 "居住登记\"居住事由\"代码\"55\"不在代码表中"])
    }

    @Test("duplicate persons: same name and birth date, unless confirmed different")
    func duplicates() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        _ = try await r.registerCard(Fixtures.liNa, into: r.houseA1)
        let otherId = Fixtures.idNumber(region: "440305", birth: "19851120", sequence: "998")
        // Confirmed as a different person at registration: not a finding.
        let second = try #require(try await r.store.register(person: Fixtures.draft(Fixtures.liNa, idNumber: otherId), into: r.houseA2.uuid,
                                                              stay: Fixtures.stay, confirm: Confirmations(confirmDuplicate: true), by: r.deskA).value)
        #expect(try await Self.report(r, .duplicatePerson).isEmpty)
        // The same pair without the confirmation (e.g. imported): both listed, each counting the group.
        try await Self.raw(r, "UPDATE person SET duplicate_confirmed = 0 WHERE uuid = ?", [second.person.uuid.dbText])
        let findings = try await Self.report(r, .duplicatePerson)
        #expect(findings.count == 2 && findings.allSatisfy { $0.message.contains("共有 2 条") })
    }

    @Test("一证多住: every active stay of a person living in more than one house")
    func multipleStays() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        _ = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        _ = try await r.registerCard(Fixtures.zhangWei, into: r.houseB1, by: r.deskB, confirm: Confirmations(allowMultipleStays: true))
        #expect(try await Self.report(r, .multipleActiveStays).count == 2)
        // Desk A sees its stay, counted as one of two; never the one in B.
        let desk = try await Self.report(r, .multipleActiveStays, by: r.deskA)
        #expect(desk.count == 1 && desk[0].xiaoquName == "阳光花园" && desk[0].message.contains("2 处"))
    }

    @Test("logic errors: birth after arrival, minor 户主, minor 配偶, future dates, a stay in a cancelled house")
    func logic() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        try await Self.raw(r, "UPDATE person SET birth_date = '2024-06-01' WHERE uuid = ?", [zhang.person.uuid.dbText])
        #expect(try await Self.report(r, .birthAfterArrival).map(\.recordUuid) == [zhang.stay.uuid])
        // A child registered as 户主 (the registration allows it, the report flags it).
        let child = try #require(try await r.store.register(
            card: Fixtures.card(Fixtures.liuYang), into: r.houseA2.uuid, stay: StayDraft(arrivalDate: RegisterDate("2024-03-01"), relation: "02"),
            by: r.deskA).value)
        #expect(try await Self.report(r, .minorHouseholder).map(\.recordUuid) == [child.stay.uuid])
        try await Self.raw(r, "UPDATE stay SET relation = '10' WHERE uuid = ?", [child.stay.uuid.dbText])
        let minor = try await Self.report(r, .minorRelation)
        #expect(minor.map(\.recordUuid) == [child.stay.uuid] && minor[0].message.contains("配偶"))
        try await Self.raw(r, "UPDATE stay SET arrival_date = '2025-07-01' WHERE uuid = ?", [child.stay.uuid.dbText])
        let future = try await Self.report(r, .futureDate)
        #expect(future.map(\.field) == [Field.arrivalDate.rawValue])
        try await Self.raw(r, "UPDATE house SET status = 1, cancelled_on = '2025-06-01', cancel_reason = '拆除' WHERE uuid = ?",
                           [r.houseA2.uuid.dbText])
        #expect(try await Self.report(r, .stayInCancelledHouse).map(\.recordUuid) == [child.stay.uuid])
        // Departure before arrival cannot be stored (CHECK): the check runs and finds nothing.
        #expect(try await Self.report(r, .departureBeforeArrival).isEmpty)
    }

    @Test("ID-number warnings carried from the registration")
    func idWarnings() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let wrong = Fixtures.withWrongCheck(Fixtures.wangFang.idNumber)
        let reg = try #require(try await r.store.register(card: Fixtures.card(Fixtures.wangFang, idNumber: wrong), into: r.houseA1.uuid,
                                                           stay: Fixtures.stay, by: r.deskA).value)
        let findings = try await Self.report(r, .idNumberWarning)
        #expect(findings.map(\.recordUuid) == [reg.person.uuid] && findings[0].message.contains("告警"))
    }

    @Test("limits and counts; kiosk and auditor refused")
    func shape() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let report = try await r.store.dataQuality(for: TestRegister.admin, options: DataQualityOptions(limitPerKind: 1))
        #expect(report.counts[.missingField] == 4 && report.findings.count == 1)  // B and C: no officer, no property company
        for actor in [r.kioskA, TestRegister.auditor] {
            #expect(await registryError { _ = try await r.store.dataQuality(for: actor) }?.code == .permissionDenied)
        }
    }
}
