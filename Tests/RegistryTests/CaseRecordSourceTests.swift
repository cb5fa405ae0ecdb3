import Foundation
import GRDB
import Testing
@testable import Registry

/// The 常住 (resident-record) twins of the found 核查 outcomes and the 常驻人口信息员确认 (seed 002),
/// automatic re-pairing after a registration on every path, the to-do counts of the badge, and the
/// migration that brought the new outcomes (stored answers kept).
@Suite("Verification cases: 流动/常住, re-pairing, counts")
struct CaseRecordSourceTests {
    typealias Cases = CaseTests

    @Test("常住 or 流动 by the person's 户籍 against the 社区's city; the other twin is refused naming 核查结果")
    func recordSourceDecidesTheOutcomes() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        try await world.registerCard(Fixtures.zhangWei, into: world.houseA1)  // 户籍 110105: 常住
        try await world.registerCard(Fixtures.liNa, into: world.houseA2)      // 户籍 440305: 流动
        let resident = try await Cases.receive(world, Cases.message("HC-R1", Fixtures.zhangWei))
        let floating = try await Cases.receive(world, Cases.message("HC-F1", Fixtures.liNa))
        let r = try await world.store.verificationCase(resident, for: world.deskA)
        let f = try await world.store.verificationCase(floating, for: world.deskA)
        #expect(r.recordSource == .resident && r.allowedOutcomes == [.notFound, .residentConsistent, .residentReRegistered])
        #expect(f.recordSource == .floating && f.allowedOutcomes == [.notFound, .consistent, .reRegistered])
        // The wrong twin: refused, the field named in Chinese; nothing written.
        let wrong = await expectFieldError("case.recordSource", on: .caseOutcome) {
            _ = try await world.store.answerCase(resident, CaseAnswerDraft(outcome: .consistent, residentOfficerConfirmed: true), by: world.deskA)
        }
        #expect(wrong?.message.contains("核查结果") == true && wrong?.message.contains("常住人口") == true)
        await expectFieldError("case.recordSource", on: .caseOutcome) {
            _ = try await world.store.answerCase(floating, CaseAnswerDraft(outcome: .residentConsistent, residentOfficerConfirmed: true),
                                                 by: world.deskA)
        }
        #expect(try world.count("case_feedback") == 0)
        let answered = try await world.store.answerCase(resident, CaseAnswerDraft(outcome: .residentConsistent, residentOfficerConfirmed: true),
                                                        by: world.deskA)
        #expect(answered.feedback?.outcome == .residentConsistent && answered.recordSource == .resident)
        #expect(answered.feedback?.residentOfficerConfirmed == true && answered.allowedOutcomes.isEmpty)
        // The feedback record carries the outcome and the confirmation upstream.
        let payload = try await world.store.database.read { db in
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM case_feedback")!
            return try world.store.recordPayload(kind: .caseFeedback,
                                                 snapshot: RegisterStore.recordSnapshot(kind: .caseFeedback, rowId: id, in: db)!, in: db)
        }
        #expect(payload["outcome"] == .text("residentConsistent") && payload["resident_officer_confirmed"] == .integer(1))
    }

    @Test("常驻人口信息员确认 is required for every found outcome (missing or unticked), not for 查无此人")
    func residentOfficerConfirmationRequired() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        try await world.registerCard(Fixtures.liNa, into: world.houseA2)
        let uuid = try await Cases.receive(world, Cases.message("HC-C1", Fixtures.liNa))
        for confirmed in [nil, false] as [Bool?] {
            let error = await expectFieldError("field.required", on: .residentOfficerConfirmed) {
                _ = try await world.store.answerCase(uuid, CaseAnswerDraft(outcome: .consistent, residentOfficerConfirmed: confirmed),
                                                     by: world.deskA)
            }
            #expect(error?.message.contains("常驻人口信息员确认") == true)
        }
        #expect(try world.count("case_feedback") == 0)
        // The schema refuses it too (a found answer written without the confirmation).
        await #expect(throws: DatabaseError.self) {
            try await world.store.database.write { db in
                try db.execute(sql: """
                    INSERT INTO case_feedback (uuid, case_id, case_no, case_type, requesting_unit, addressee, outcome, person_id, stay_id,
                        verified_address, answered_by, answered_at, created_at, updated_at)
                    SELECT '00000000-0000-4000-8000-000000000001', c.id, c.case_no, c.case_type, c.requesting_unit, 'bureau', 'consistent',
                        c.person_id, (SELECT id FROM stay LIMIT 1), 'x', 'deskA', '2025-06-15T02:00:00.000Z', '2025-06-15T02:00:00.000Z',
                        '2025-06-15T02:00:00.000Z' FROM verification_case c
                    """)
            }
        }
        // 查无此人 needs no confirmation and stores none.
        let nobody = try await Cases.receive(world, Cases.message("HC-C2", Cases.nobody))
        let answered = try await world.store.answerCase(nobody, CaseAnswerDraft(outcome: .notFound, reason: .died), by: world.deskA)
        #expect(answered.feedback?.residentOfficerConfirmed == nil)
    }

    @Test("automatic re-pairing on every registration path: card and typed registration, kiosk declaration, import")
    func registrationsPairWaitingCases() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        let byCard = try await Cases.receive(world, Cases.message("HC-P1", Fixtures.liNa))
        let typed = try await Cases.receive(world, Cases.message("HC-P2", Fixtures.wangFang, idNumber: false))
        let kiosk = try await Cases.receive(world, Cases.message("HC-P3", Fixtures.zhaoLei))
        let imported = try await Cases.receive(world, Cases.message("HC-P4", Fixtures.chenJing))
        let state = { (uuid: UUID) in try await world.store.verificationCase(uuid, for: world.policeS1) }
        for uuid in [byCard, typed, kiosk, imported] { #expect(try await state(uuid).state == .unpaired) }

        // A card registration at the desk.
        let li = try await world.registerCard(Fixtures.liNa, into: world.houseA2)
        #expect(try await state(byCard).personUuid == li.person.uuid)
        // A typed registration (the case has no ID number: name + sex + birth date).
        let p = Fixtures.wangFang
        let wang = try #require(try await world.store.register(
            person: PersonDraft(idNumber: p.idNumber, name: p.name, sex: p.sex, birthDate: p.birth, phone: p.phone),
            into: world.houseA3.uuid, stay: Fixtures.stay, by: world.deskA).value)
        let typedCase = try await state(typed)
        #expect(typedCase.personUuid == wang.person.uuid && typedCase.pairBasis == .nameSexBirth)
        // A kiosk's self-service registration with its declaration.
        let declared = try #require(try await world.store.registerAndDeclare(
            card: Fixtures.card(Fixtures.zhaoLei), into: world.houseA1.uuid, stay: Fixtures.stay, phone: Fixtures.zhaoLei.phone,
            declaration: DeclarationTests.fullDraft(person: UUID(), house: world.houseA1.uuid), by: world.kioskA).value)
        let kioskCase = try await state(kiosk)
        #expect(kioskCase.personUuid == declared.registration.person.uuid && kioskCase.xiaoquUuid == world.xiaoquA.uuid)
        // An import row.
        let files = try ImportFiles()
        let url = try files.csv("residents.csv", header: ResidentRows.header, rows: [ResidentRows.row(Fixtures.chenJing, room: "302")])
        let report = try await world.importer(world.deskA).importFile(url, kind: .residents)
        #expect(report.problems.isEmpty, "\(report.problems)")
        let importedCase = try await state(imported)
        #expect(importedCase.state == .paired && importedCase.pairBasis == .idNumber && importedCase.xiaoquUuid == world.xiaoquA.uuid)

        // One audit entry per case paired, by the operation's user.
        let audits = try await world.store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT actor, target_uuid FROM audit_log WHERE action = 'case.autoPair' ORDER BY seq")
        }
        #expect(audits.map { $0["target_uuid"] as String } == [byCard, typed, kiosk, imported].map { $0.uuidString.lowercased() })
        #expect(audits.map { $0["actor"] as String } == ["deskA", "deskA", "kiosk-a", "deskA"])
        #expect(try world.store.auditLog.verify().firstBroken == nil)
    }

    @Test("re-pairing leaves paired cases alone; two matches stay unpaired with both candidates; a refused registration pairs nothing")
    func rePairingLimits() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        let zhang = try await world.registerCard(Fixtures.zhangWei, into: world.houseA1)
        // Paired by an operator with 张伟: the later registration of the person asked about does not take it over.
        let manual = try await Cases.receive(world, Cases.message("HC-L1", Fixtures.liNa, idNumber: false))
        _ = try await world.store.repairCase(manual, person: zhang.person.uuid, by: world.deskA)
        try await world.registerCard(Fixtures.liNa, into: world.houseA2)
        let manualCase = try await world.store.verificationCase(manual, for: world.deskA)
        #expect(manualCase.pairBasis == .manual && manualCase.personUuid == zhang.person.uuid)
        // Somebody else with the same name, sex and birth date: a case without an ID number now has two matches.
        let twin = Fixtures.SyntheticPerson(name: Fixtures.liNa.name, sex: Fixtures.liNa.sex, birth: Fixtures.liNa.birth,
                                            idNumber: Fixtures.idNumber(region: "440305", birth: "19851120", sequence: "262"),
                                            phone: "13900139012", address: Fixtures.liNa.address)
        try await world.registerCard(twin, into: world.houseA3, confirm: Confirmations(confirmDuplicate: true))
        let both = try await Cases.receive(world, Cases.message("HC-L2", Fixtures.liNa, idNumber: false))
        let bothCase = try await world.store.verificationCase(both, for: world.deskA)
        #expect(bothCase.state == .unpaired && bothCase.candidates.count == 2)
        // A registration refused by validation rolls back: nothing paired, no audit entry.
        let waiting = try await Cases.receive(world, Cases.message("HC-L3", Fixtures.chenJing))
        await #expect(throws: RegistryError.self) {
            _ = try await world.store.register(card: Fixtures.card(Fixtures.chenJing), into: world.houseA1.uuid,
                                               stay: StayDraft(arrivalDate: RegisterDate("1970-01-01"), relation: "99"), by: world.deskA)
        }
        #expect(try await world.store.verificationCase(waiting, for: world.policeS1).state == .unpaired)
        #expect(try world.count("audit_log", "action = 'case.autoPair'") == 0)
    }

    @Test("to-do counts (the badge): open cases of the scope, overdue, unpaired, unread notices — as the to-do list counts them")
    func todoCounts() async throws {
        let world = try await TestRegister.make()
        defer { world.close() }
        try await world.registerCard(Fixtures.zhangWei, into: world.houseA1)
        try await Cases.receive(world, Cases.message("HC-T1", Fixtures.zhangWei, deadline: "2025-06-10"))
        let open = try await Cases.receive(world, Cases.message("HC-T2", Cases.nobody, deadline: "2025-06-30"))
        try await world.store.database.write { db in
            try world.store.receiveNotice(title: "通知", text: "内容", level: "info", isPublic: false, source: "bureau", messageId: "n-t", in: db)
        }
        var counts = try await world.store.todoCounts(for: world.deskA)
        #expect(counts == TodoCounts(today: TestRegister.today, cases: 2, overdueCases: 1, unpairedCases: 1, notices: 1))
        let list = try await world.store.todo(for: world.deskA)
        #expect(list.counts["cases"] == counts.cases && list.counts["overdueCases"] == counts.overdueCases
                && list.counts["unpairedCases"] == counts.unpairedCases && list.counts["notices"] == counts.notices)
        #expect(try await world.store.todoCounts(for: world.deskB).cases == 1, "desk B sees only the unpaired one")
        _ = try await world.store.answerCase(open, CaseAnswerDraft(outcome: .notFound, reason: .died), by: world.deskA)
        counts = try await world.store.todoCounts(for: world.deskA)
        #expect(counts.cases == 1 && counts.unpairedCases == 0 && counts.overdueCases == 1)
        #expect(try await world.store.todoCounts(for: world.deskA, today: RegisterDate("2025-06-01")!).overdueCases == 0)
        await #expect(throws: RegistryError.self) { try await world.store.todoCounts(for: TestRegister.admin) }
    }

    @Test("migration v6 keeps the answers stored by v5 (ids, outcomes) and takes the new outcomes")
    func migrationKeepsStoredAnswers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-v6-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("register.sqlite").path)
        try Schema.migrator.migrate(queue, upTo: "v5.cases")
        let t = "'2025-06-01T00:00:00.000Z'"
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO station (id, uuid, code, name, created_at, updated_at) VALUES (1, '10000000-0000-4000-8000-000000000001', 's', '所', \(t), \(t));
                INSERT INTO community (id, uuid, station_id, region_code, name, created_at, updated_at)
                    VALUES (1, '10000000-0000-4000-8000-000000000002', 1, '110105', '社区', \(t), \(t));
                INSERT INTO xiaoqu (id, uuid, community_id, station_id, name, address, created_at, updated_at)
                    VALUES (1, '10000000-0000-4000-8000-000000000003', 1, 1, '小区', '地址', \(t), \(t));
                INSERT INTO house (id, uuid, xiaoqu_id, room_number, address, usage, created_at, updated_at)
                    VALUES (1, '10000000-0000-4000-8000-000000000004', 1, '101', '地址101', '01', \(t), \(t));
                INSERT INTO person (id, uuid, document_type, name, sex, birth_date, entry_method, created_at, updated_at)
                    VALUES (1, '10000000-0000-4000-8000-000000000005', '9', '测试', '1', '1990-01-01', 2, \(t), \(t));
                INSERT INTO stay (id, uuid, person_id, house_id, arrival_date, relation, registered_by, created_at, updated_at)
                    VALUES (1, '10000000-0000-4000-8000-000000000006', 1, 1, '2024-01-01', '02', 'desk', \(t), \(t));
                """)
            for (id, outcome) in [(7, "consistent"), (8, "notFound")] {
                let found = outcome != "notFound"
                try db.execute(sql: """
                    INSERT INTO verification_case (id, uuid, source, message_id, case_no, case_type, name, sex, birth_date, address, deadline,
                        requesting_unit, received_at, received_on, state, answered_on, created_at, updated_at)
                    VALUES (?, ?, 'bureau', 'm', ?, '核查', '测试', '1', '1990-01-01', '地址', '2025-06-30', '分局', \(t), '2025-06-01',
                            'answered', '2025-06-02', \(t), \(t))
                    """, arguments: [id, "20000000-0000-4000-8000-00000000000\(id)", "HC-\(id)"])
                try db.execute(sql: """
                    INSERT INTO case_feedback (id, uuid, case_id, case_no, case_type, requesting_unit, addressee, outcome, not_found_reason,
                        person_id, stay_id, verified_address, answered_by, answered_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, '核查', '分局', 'bureau', ?, ?, ?, ?, ?, 'desk', \(t), \(t), \(t))
                    """, arguments: [id + 10, "30000000-0000-4000-8000-00000000000\(id)", id, "HC-\(id)", outcome, found ? nil : "死亡",
                                     found ? 1 : nil, found ? 1 : nil, found ? "地址101" : nil])
            }
        }
        try Schema.migrator.migrate(queue)
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, case_id, outcome, resident_officer_confirmed FROM case_feedback ORDER BY id")
            #expect(rows.map { $0["id"] as Int64 } == [17, 18] && rows.map { $0["case_id"] as Int64 } == [7, 8])
            #expect(rows.map { $0["outcome"] as String } == ["consistent", "notFound"])
            #expect(rows.allSatisfy { ($0["resident_officer_confirmed"] as Int64?) == nil }, "older answers: not claimed confirmed")
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
        // The new outcomes are taken (with the confirmation), a found one without it is not.
        try queue.write { db in
            try db.execute(sql: "UPDATE verification_case SET state = 'paired', answered_on = NULL, person_id = 1, pair_basis = 'manual' WHERE id = 7")
            try db.execute(sql: "DELETE FROM case_feedback WHERE id = 17")
            try db.execute(sql: """
                INSERT INTO case_feedback (uuid, case_id, case_no, case_type, requesting_unit, addressee, outcome, person_id, stay_id,
                    verified_address, resident_officer_confirmed, answered_by, answered_at, created_at, updated_at)
                VALUES ('30000000-0000-4000-8000-000000000009', 7, 'HC-7', '核查', '分局', 'bureau', 'residentReRegistered', 1, 1, '地址101', 1,
                        'desk', \(t), \(t), \(t))
                """)
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM case_feedback WHERE id = 18")
                try db.execute(sql: """
                    INSERT INTO case_feedback (uuid, case_id, case_no, case_type, requesting_unit, addressee, outcome, person_id, stay_id,
                        verified_address, answered_by, answered_at, created_at, updated_at)
                    VALUES ('30000000-0000-4000-8000-00000000000a', 8, 'HC-8', '核查', '分局', 'bureau', 'residentConsistent', 1, 1, '地址101',
                            'desk', \(t), \(t), \(t))
                    """)
            }
        }
    }
}
