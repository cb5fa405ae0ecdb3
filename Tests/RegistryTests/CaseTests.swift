import Foundation
import GRDB
import Spreadsheet
import Testing
@testable import Registry

/// 协查/核查 cases: received, paired (配对), answered with the outcomes of domain.md §5 and their required
/// fields, overdue state, scope, the to-do list, notices, 通报 and the progress table.
@Suite("Verification cases")
struct CaseTests {
    static func message(_ caseId: String, _ person: Fixtures.SyntheticPerson, idNumber: Bool = true, deadline: String = "2025-06-20",
                        unit: String = "某某市公安局某某分局") -> CaseMessage {
        CaseMessage(caseId: caseId, type: "核查",
                    person: CasePerson(idNumber: idNumber ? person.idNumber : nil, name: person.name, sex: person.sex,
                                       birthDate: person.birth.description),
                    address: "北京市朝阳区安慧里一区1号楼1单元301", items: ["姓名", "现居住地址"], deadline: deadline, unit: unit)
    }

    /// An invented person who is registered nowhere.
    static let nobody = Fixtures.SyntheticPerson(
        name: "查无人", sex: "1", birth: RegisterDate("1980-01-01")!,
        idNumber: Fixtures.idNumber(region: "110105", birth: "19800101", sequence: "001"), phone: "13000000000", address: "无")

    @discardableResult
    static func receive(_ world: TestRegister, _ message: CaseMessage, source: String = "bureau") async throws -> UUID {
        try await world.store.database.write { db in
            try world.store.receiveCase(message, source: source, messageId: UUID().uuidString.lowercased(), in: db)
        }
    }

    @Test("a case is paired by ID number with the right person, in that person's 小区; stored once; the ID number sealed")
    func pairsByIdNumber() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        let zhang = try await world.registerCard(Fixtures.zhangWei, into: world.houseA1)
        try await world.registerCard(Fixtures.liNa, into: world.houseA2)
        let uuid = try await Self.receive(world, Self.message("HC-1", Fixtures.zhangWei))
        #expect(try await Self.receive(world, Self.message("HC-1", Fixtures.zhangWei)) == uuid, "idempotent by case number")
        #expect(try world.count("verification_case") == 1)
        let found = try await world.store.verificationCase(uuid, for: world.deskA)
        #expect(found.state == .paired && found.pairBasis == .idNumber)
        #expect(found.personUuid == zhang.person.uuid)
        #expect(found.xiaoquUuid == world.xiaoquA.uuid)
        #expect(found.candidates.map(\.personUuid) == [zhang.person.uuid])
        #expect(found.idNumber == Fixtures.zhangWei.idNumber && found.idNumberMasked != Fixtures.zhangWei.idNumber)
        // 张伟's 户籍 (110105) is the 社区's county: found in the 常住 records, so the 常住 twins are offered.
        #expect(found.recordSource == .resident)
        #expect(found.allowedOutcomes == [.notFound, .residentConsistent, .residentReRegistered])
        // Sealed at rest: no plaintext ID number in the table.
        let stored = try await world.store.database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM verification_case")!
        }
        #expect(!stored.description.contains(Fixtures.zhangWei.idNumber))
        // The desk of 小区 B does not see it; the police of the other station neither.
        await #expect(throws: RegistryError.self) { try await world.store.verificationCase(uuid, for: world.deskB) }
        #expect(try await world.store.cases(for: world.policeS2).isEmpty)
        #expect(try await world.store.cases(for: world.policeS1).count == 1)
        // Receiving audits; it queues nothing upstream.
        #expect(try world.count("audit_log", "action = 'case.receive'") == 1)
        #expect(world.sink.changes.allSatisfy { $0.kind != .caseFeedback })
    }

    @Test("without an ID number: paired by name, sex and birth date when exactly one person matches")
    func pairsByNameSexBirth() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        let li = try await world.registerCard(Fixtures.liNa, into: world.houseA2)
        let uuid = try await Self.receive(world, Self.message("XC-2", Fixtures.liNa, idNumber: false))
        let found = try await world.store.verificationCase(uuid, for: world.deskA)
        #expect(found.state == .paired && found.pairBasis == .nameSexBirth && found.personUuid == li.person.uuid)
    }

    @Test("a case for someone not in the register pairs with nobody and can only be answered 查无此人 — or after a registration")
    func unpairedOnlyNotFoundOrAfterRegistration() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        let uuid = try await Self.receive(world, Self.message("HC-3", Fixtures.wangFang))
        var found = try await world.store.verificationCase(uuid, for: world.deskA)
        #expect(found.state == .unpaired && found.personUuid == nil && found.candidates.isEmpty)
        #expect(found.allowedOutcomes == [.notFound] && found.recordSource == nil)
        // Seen by every case handler of the box (it belongs to no 小区 yet).
        #expect(try await world.store.cases(for: world.deskB).map(\.uuid) == [uuid])
        for outcome in CaseOutcome.allCases where outcome != .notFound {
            await expectFieldError("case.unpaired", on: .person) {
                _ = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: outcome, residentOfficerConfirmed: true), by: world.deskA)
            }
        }
        // Registered now: the registration pairs the case by itself (no 重新配对), in its 小区; the found
        // outcomes of the 流动 records open up (王芳's 户籍 is in Shanghai).
        let wang = try await world.registerCard(Fixtures.wangFang, into: world.houseA3)
        found = try await world.store.verificationCase(uuid, for: world.deskA)
        #expect(found.state == .paired && found.pairBasis == .idNumber)
        #expect(found.personUuid == wang.person.uuid && found.xiaoquUuid == world.xiaoquA.uuid)
        #expect(found.recordSource == .floating && found.allowedOutcomes == [.notFound, .consistent, .reRegistered])
        #expect(try world.count("audit_log", "action = 'case.autoPair' AND target_uuid = '\(uuid.uuidString.lowercased())'") == 1)
        // Now out of the desk of B's sight.
        #expect(try await world.store.cases(for: world.deskB).isEmpty)
        // The manual 重新配对 stays, and keeps the pairing.
        found = try await world.store.repairCase(uuid, by: world.deskA)
        #expect(found.state == .paired && found.personUuid == wang.person.uuid)
        found = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: .consistent, remark: "入户核实", residentOfficerConfirmed: true),
                                                 by: world.deskA)
        #expect(found.state == .answered && found.feedback?.outcome == .consistent && found.feedback?.residentOfficerConfirmed == true)
        #expect(found.feedback?.verifiedName == Fixtures.wangFang.name && found.feedback?.addressee == "bureau")
    }

    @Test("每个核查结果的必填项: 查无此人 needs a reason, 婚出/迁出 the destination to the township, 其他 a remark — named in Chinese")
    func requiredFieldsPerOutcome() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        let uuid = try await Self.receive(world, Self.message("HC-4", Self.nobody))
        await expectFieldError("field.required", on: .caseOutcome) {
            _ = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: nil), by: world.deskA)
        }
        await expectFieldError("field.required", on: .notFoundReason) {
            _ = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: .notFound), by: world.deskA)
        }
        for reason in [NotFoundReason.marriedOut, .movedOut] {
            let error = await registryError {
                _ = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: .notFound, reason: reason), by: world.deskA)
            }
            #expect(error?.has("field.required", on: .destinationRegion) == true)
            #expect(error?.has("field.required", on: .destinationTownship) == true)
            #expect(error?.fieldErrors.contains { $0.message.contains("婚出地/迁出地乡镇（街道）") } == true)
        }
        await expectFieldError("field.invalid", on: .destinationRegion) {
            _ = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: .notFound, reason: .movedOut, destinationRegion: "4403",
                                                                       destinationTownship: "蛇口街道"), by: world.deskA)
        }
        await expectFieldError("field.required", on: .remark) {
            _ = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: .notFound, reason: .other), by: world.deskA)
        }
        #expect(try world.count("case_feedback") == 0, "nothing written by a refused answer")
        let answered = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: .notFound, reason: .movedOut,
                                                                              destinationRegion: "440305", destinationTownship: "蛇口街道"),
                                                        by: world.deskA)
        #expect(answered.feedback?.reason == "迁出" && answered.feedback?.destinationTownship == "蛇口街道")
        // Answering twice is refused; still one feedback, one record change addressed to the unit's server.
        let again = await registryError {
            _ = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: .notFound, reason: .died), by: world.deskA)
        }
        #expect(again?.code == .caseAnswered)
        #expect(try world.count("case_feedback") == 1)
        let feedback = world.sink.changes.filter { $0.kind == .caseFeedback }
        #expect(feedback.count == 1 && feedback.first?.addressee == "bureau" && feedback.first?.action == "case.answer")
        #expect(try world.count("audit_log", "action = 'case.answer'") >= 2)
    }

    @Test("地址不一致: the old stay must be closed and a new one registered after the case arrived before it is confirmed — 流动 and 常住 alike",
          arguments: [(Fixtures.liNa, CaseOutcome.reRegistered), (Fixtures.zhangWei, CaseOutcome.residentReRegistered)])
    func reRegisteredNeedsCheckOutAndNewStay(person: Fixtures.SyntheticPerson, outcome: CaseOutcome) async throws {
        let clock = TestClock()
        let world = try await TestRegister.make(clock: clock)
        defer { world.close() }
        let zhang = try await world.registerCard(person, into: world.houseA1)
        clock.advance(seconds: 60)
        let uuid = try await Self.receive(world, Self.message("HC-5", person))
        clock.advance(seconds: 60)
        let error = await registryError {
            _ = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: outcome, residentOfficerConfirmed: true), by: world.deskA)
        }
        #expect(error?.has("case.oldStayOpen", on: .stay) == true)
        #expect(error?.has("case.notReRegistered", on: .stay) == true)
        #expect(error?.fieldErrors.allSatisfy { $0.message.contains("居住登记") } == true)
        // 人走注销 then 人来登记 at the reported address.
        _ = try await world.store.checkOut(stay: zhang.stay.uuid, DepartureDraft(departureDate: TestRegister.today, reason: "迁出本房屋"),
                                           by: world.deskA)
        _ = try await world.store.checkIn(person: zhang.person.uuid, into: world.houseA2.uuid, stay: Fixtures.stay, by: world.deskA)
        let answered = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: outcome, residentOfficerConfirmed: true), by: world.deskA)
        #expect(answered.feedback?.outcome == outcome && answered.feedback?.verifiedAddress == world.houseA2.address)
    }

    @Test("overdue: past the deadline in Shanghai days, in the to-do list with counts per scope")
    func overdueAndTodoCountsPerScope() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        try await world.registerCard(Fixtures.zhangWei, into: world.houseA1)
        try await world.registerCard(Fixtures.zhaoLei, into: world.houseC1, by: Actor(userId: "p2", role: .police(station: world.stationS2.uuid)))
        let late = try await Self.receive(world, Self.message("HC-6", Fixtures.zhangWei, deadline: "2025-06-10"))
        try await Self.receive(world, Self.message("HC-7", Fixtures.zhaoLei, deadline: "2025-06-15"))
        try await Self.receive(world, Self.message("HC-8", Self.nobody, deadline: "2025-06-30"))
        let lateCase = try await world.store.verificationCase(late, for: world.deskA)
        #expect(lateCase.overdue && lateCase.daysLeft == -5)
        try await world.store.database.write { db in
            try world.store.receiveNotice(title: "停水通知", text: "今晚停水", level: "info", isPublic: true, source: "bureau",
                                          messageId: "n-1", in: db)
        }
        let desk = try await world.store.todo(for: world.deskA)
        #expect(desk.counts["cases"] == 2 && desk.counts["overdueCases"] == 1 && desk.counts["unpairedCases"] == 1)
        #expect(desk.counts["notices"] == 1)
        #expect(desk.counts["total"] == 2 + 1 + (desk.counts["reminders"] ?? 0))
        #expect(desk.cases.first?.uuid == late, "most urgent first")
        let deskB = try await world.store.todo(for: world.deskB)
        #expect(deskB.counts["cases"] == 1 && deskB.counts["overdueCases"] == 0)
        let police2 = try await world.store.todo(for: world.policeS2)
        #expect(police2.counts["cases"] == 2, "its own 小区's case and the unpaired one")
        // The deadline day itself is not overdue; the day after is (injected "today").
        #expect(police2.cases.first { $0.caseNo == "HC-7" }?.overdue == false)
        let tomorrow = try await world.store.todo(for: world.policeS2, today: RegisterDate("2025-06-16")!)
        #expect(tomorrow.cases.first { $0.caseNo == "HC-7" }?.overdue == true)
        // Notices: read marks per user.
        let notice = try #require(desk.notices.first)
        _ = try await world.store.markNoticeRead(notice.uuid, by: world.deskA)
        #expect(try await world.store.todo(for: world.deskA).counts["notices"] == 0)
        #expect(try await world.store.todo(for: world.deskB).counts["notices"] == 1)
        #expect(try await world.store.publicNotices().map(\.title) == ["停水通知"])
        // Admin handles no cases.
        await #expect(throws: RegistryError.self) { try await world.store.todo(for: TestRegister.admin) }
    }

    @Test("progress table: per requesting unit received, answered, open, overdue, by outcome; exported as CSV")
    func progressTable() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        try await world.registerCard(Fixtures.zhangWei, into: world.houseA1)
        let a = try await Self.receive(world, Self.message("HC-9", Fixtures.zhangWei, deadline: "2025-06-10", unit: "甲分局"))
        let b = try await Self.receive(world, Self.message("HC-10", Self.nobody, deadline: "2025-06-20", unit: "甲分局"))
        try await Self.receive(world, Self.message("HC-11", Fixtures.liNa, deadline: "2025-06-01", unit: "乙县公安局"))
        _ = try await world.store.answerCase(a, CaseAnswerDraft(outcome: .residentConsistent, residentOfficerConfirmed: true), by: world.deskA)
        _ = try await world.store.answerCase(b, CaseAnswerDraft(outcome: .notFound, reason: .died), by: world.deskA)
        let progress = try await world.store.caseProgress(from: RegisterDate("2025-06-01")!, to: RegisterDate("2025-06-30")!,
                                                          for: world.policeS1)
        let jia = try #require(progress.rows.first { $0.unit == "甲分局" })
        #expect(jia.received == 2 && jia.answered == 2 && jia.open == 0 && jia.overdue == 1)
        #expect(jia.byOutcome == ["residentConsistent": 1, "notFound": 1, "consistent": 0, "reRegistered": 0, "residentReRegistered": 0])
        let yi = try #require(progress.rows.first { $0.unit == "乙县公安局" })
        #expect(yi.received == 1 && yi.answered == 0 && yi.open == 1 && yi.overdue == 1)
        #expect(progress.total.received == 3 && progress.total.overdue == 2)
        let empty = try await world.store.caseProgress(from: RegisterDate("2025-05-01")!, to: RegisterDate("2025-05-31")!,
                                                       for: world.policeS1)
        #expect(empty.rows.isEmpty && empty.total.received == 0)
        let url = world.directory.appendingPathComponent("progress.csv")
        _ = try await world.store.exportCaseProgress(from: RegisterDate("2025-06-01")!, to: RegisterDate("2025-06-30")!, to: url,
                                                     by: world.policeS1)
        let table = try Spreadsheet.read(url: url)
        #expect(table.header.first == "发起单位" && table.rows.count == 3)
        #expect(table.value(row: 2, column: "收到") == "3")
        #expect(try world.count("audit_log", "action = 'export' AND target_kind = 'export:caseProgress'") == 1)
    }

    @Test("通报 upward: a resident who left is a report record queued like any record; the person is required")
    func reportUpward() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        let zhang = try await world.registerCard(Fixtures.zhangWei, into: world.houseA1)
        await expectFieldError("field.required", on: .person) {
            _ = try await world.store.createReport(ReportDraft(type: .departed, summary: "已搬离"), by: world.deskA)
        }
        await expectFieldError("field.required", on: .reportSummary) {
            _ = try await world.store.createReport(ReportDraft(type: .departed, person: zhang.person.uuid, summary: " "), by: world.deskA)
        }
        let report = try await world.store.createReport(ReportDraft(type: .departed, person: zhang.person.uuid, summary: "已于本月搬离本小区"),
                                                        by: world.deskA)
        #expect(report.xiaoquUuid == world.xiaoquA.uuid && report.type == .departed)
        #expect(world.sink.changes.filter { $0.kind == .report }.count == 1)
        #expect(try await world.store.reports(for: world.deskA).map(\.uuid) == [report.uuid])
        #expect(try await world.store.reports(for: world.deskB).isEmpty)
        let payload = try await world.store.database.read { db in
            try world.store.recordPayload(kind: .report, snapshot: RegisterStore.recordSnapshot(kind: .report, rowId: 1, in: db)!, in: db)
        }
        #expect(payload["summary"] == .text("已于本月搬离本小区") && payload["report_type"] == .text("departed"))
        #expect(payload["xiaoqu_uuid"] == .text(world.xiaoquA.uuid.uuidString.lowercased()))
    }
}
