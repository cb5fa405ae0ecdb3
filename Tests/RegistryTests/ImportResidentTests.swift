import Foundation
import GRDB
import IDCard
import Testing
@testable import Registry

/// Importing residents (people and stays) from .xlsx files written by openpyxl.
@Suite("Import residents", .enabled(if: ImportFiles.hasOpenpyxl, "python3-openpyxl is not installed"))
struct ImportResidentTests {
    static let sunLi = Fixtures.SyntheticPerson(
        name: "孙丽", sex: "2", birth: RegisterDate("1995-04-12")!,
        idNumber: Fixtures.idNumber(region: "370102", birth: "19950412", sequence: "286"), phone: "13300133007",
        address: "山东省济南市历下区")
    static let zhouQiang = Fixtures.SyntheticPerson(
        name: "周强", sex: "1", birth: RegisterDate("1983-08-08")!,
        idNumber: Fixtures.idNumber(region: "420106", birth: "19830808", sequence: "319"), phone: "13200132008",
        address: "湖北省武汉市武昌区")

    /// Rows 2–10: four good rows (dates as a date cell, `2024/3/5` text, a `20240310` number; nation as
    /// the number 1), a bad code, a bad date, a missing required cell, an arrival before birth, a
    /// duplicate of row 3, and a wrong check character (imported with a warning).
    static func mixedRows() -> [[SheetCell]] {
        func cells(_ row: [String]) -> [SheetCell] { row.map(SheetCell.init(stringLiteral:)) }
        var zhang = cells(ResidentRows.row(Fixtures.zhangWei, room: "301"))
        zhang[13] = .date("2024-03-01", format: "yyyy-mm-dd")
        let li = cells(ResidentRows.row(Fixtures.liNa, room: "302", arrival: "2024/3/5"))
        var wang = cells(ResidentRows.row(Fixtures.wangFang, room: "401"))
        wang[13] = .number(20_240_310)
        wang[3] = .number(1)
        let badCode = cells(ResidentRows.row(Fixtures.zhaoLei, room: "301", nation: "火星族"))
        let badDate = cells(ResidentRows.row(Fixtures.chenJing, room: "302", arrival: "2024-02-30"))
        let missing = cells(ResidentRows.row(sunLi, room: "302", relation: ""))
        let beforeBirth = cells(ResidentRows.row(Fixtures.liuYang, room: "301", arrival: "2010-01-01", relation: "子"))
        let wrongCheck = cells(ResidentRows.row(zhouQiang, room: "401", idNumber: Fixtures.withWrongCheck(zhouQiang.idNumber)))
        return [ResidentRows.header.map(SheetCell.text), zhang, li, wang, badCode, badDate, missing, beforeBirth, li, wrongCheck]
    }

    @Test func importsValidRowsAndReportsEveryBrokenOne() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        let url = try files.xlsx("residents.xlsx", sheets: [("住户", Self.mixedRows())])
        let report = try await r.importer(r.deskA).importFile(url, kind: .residents)

        #expect(report.rows == 9)
        #expect(report.created == 4)
        #expect(report.invalid == 5)
        #expect(report.needsConfirmation == 0)
        #expect(!report.isComplete)
        #expect(try r.count("person") == 4)
        #expect(try r.count("stay") == 4)

        #expect(report.problems(row: 5).contains { $0.column == "民族" && $0.code == "field.badCode" && $0.message.contains("火星族") })
        #expect(report.problems(row: 6).contains { $0.column == "到达日期" && $0.code == "field.invalid" })
        #expect(report.problems(row: 6).count == 1, "a cell that cannot be read is reported once: \(report.problems(row: 6))")
        #expect(report.problems(row: 7).contains { $0.column == "与户主关系" && $0.code == "field.required" })
        #expect(report.problems(row: 8).contains { $0.column == "到达日期" && $0.code == "date.order" })
        #expect(report.problems(row: 9).contains { $0.code == "import.duplicateRow" && $0.message.contains("第 3 行") })
        #expect(report.warnings.contains { $0.row == 10 && $0.column == "身份号码" && $0.code == "idNumber.checkCharacter" })
        for problem in report.problems { #expect(!problem.message.isEmpty) }

        // Codes given as names, as a number without its leading zero, dates in three forms.
        let wang = try #require(try await r.store.person(idNumber: Fixtures.wangFang.idNumber, for: r.deskA))
        #expect(wang.nation == "01")
        let stays = try await r.store.residenceHistory(ofPerson: wang.uuid, for: r.deskA)
        #expect(stays.first?.stay.arrivalDate == RegisterDate("2024-03-10"))
        #expect(stays.first?.stay.relation == "91")
        #expect(stays.first?.stay.plannedStay == "4")
        let li = try #require(try await r.store.person(idNumber: Fixtures.liNa.idNumber, for: r.deskA))
        #expect(try await r.store.residenceHistory(ofPerson: li.uuid, for: r.deskA).first?.stay.arrivalDate
                == RegisterDate("2024-03-05"))
        let zhou = try #require(try await r.store.person(idNumber: Fixtures.withWrongCheck(Self.zhouQiang.idNumber), for: r.deskA))
        #expect(zhou.warnings.contains(.idNumberCheckCharacter))
        #expect(try r.store.auditLog.verify().isIntact)

        // One `import` entry for the batch; the records it created are recomputable from its digest.
        let entries = try r.store.auditLog.entries(limit: 10_000, by: TestRegister.auditor)
        let batch = try #require(entries.last)
        #expect(batch.action == "import" && batch.targetKind == "import:residents" && batch.actor == "deskA")
        #expect(!entries.contains { $0.action == "import.residents" }, "creations are covered by the batch entry")
        let lines = try await r.store.database.read { db in
            try String.fetchAll(db, sql: """
                SELECT 'person:' || uuid FROM person WHERE created_at = ? UNION ALL SELECT 'stay:' || uuid FROM stay WHERE created_at = ?
                """, arguments: [batch.at, batch.at])
        }
        #expect(lines.count == 8)
        let detail = try #require(batch.detail)
        #expect(detail.contains("\"createdRecords\":8"))
        #expect(detail.contains("\"created\":4") && detail.contains("\"invalid\":5"))
        #expect(detail.contains("\"createdDigest\":\"\(CanonicalJSON.sha256Hex(lines.sorted().joined(separator: "\n")))\""))
        #expect(!detail.contains(Fixtures.zhangWei.idNumber) && !detail.contains(Fixtures.zhangWei.name))
    }

    @Test func reimportUpdatesInsteadOfDuplicating() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        let url = try files.xlsx("residents.xlsx", sheets: [("住户", Self.mixedRows())])
        let importer = r.importer(r.deskA)
        _ = try await importer.importFile(url, kind: .residents)
        let before = try r.counts()

        let again = try await importer.importFile(url, kind: .residents)
        #expect(again.created == 0)
        #expect(again.updated == 0)
        #expect(again.unchanged == 4)
        #expect(again.invalid == 5)
        var after = try r.counts()
        #expect(after["audit_log"] == before["audit_log"]! + 1, "only the batch entry")
        after["audit_log"] = before["audit_log"]
        #expect(after == before)

        // A new phone for 张伟 (row 2) and 人走注销 for 李娜 (row 3): updated, nothing duplicated.
        var rows = Self.mixedRows()
        rows[1][6] = "13811112222"
        rows[2][17] = "2025-01-31"
        rows[2][18] = "退租"
        rows[8] = rows[2]
        let edited = try files.xlsx("edited.xlsx", sheets: [("住户", rows)])
        let third = try await importer.importFile(edited, kind: .residents)
        #expect(third.updated == 2)
        #expect(third.unchanged == 2)
        #expect(try r.count("person") == 4)
        #expect(try r.count("stay") == 4)
        #expect(try r.count("stay", "departure_date = '2025-01-31' AND cancel_flag = 1 AND departure_reason = '退租'") == 1)
        let zhang = try #require(try await r.store.person(idNumber: Fixtures.zhangWei.idNumber, for: r.deskA))
        #expect(zhang.phone == "13811112222")
        #expect(try r.store.auditLog.verify().isIntact)

        // The old file again: 张伟's phone goes back; 李娜's ended stay is not reopened (a warning says so).
        let fourth = try await importer.importFile(url, kind: .residents)
        #expect(fourth.updated == 1)
        #expect(fourth.unchanged == 3)
        #expect(fourth.warnings.contains { $0.row == 3 && $0.code == "stay.notActive" && $0.column == "离开日期" })
        #expect(try r.count("stay", "departure_date IS NULL") == 3)
    }

    @Test func dryRunWritesNothing() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        let url = try files.xlsx("residents.xlsx", sheets: [("住户", Self.mixedRows())])
        let before = try r.counts()
        let changesBefore = r.sink.changes.count
        let report = try await r.importer(r.deskA).importFile(url, kind: .residents, options: ImportOptions(dryRun: true))
        #expect(report.dryRun)
        #expect(report.created == 4)
        #expect(report.invalid == 5)
        #expect(try r.counts() == before)
        #expect(r.sink.changes.count == changesBefore)
    }

    @Test func findingsAreNotConfirmedSilently() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        // Same name and birth date as 李娜, another ID number: a likely duplicate.
        let twin = Fixtures.SyntheticPerson(name: Fixtures.liNa.name, sex: "2", birth: Fixtures.liNa.birth,
                                            idNumber: Fixtures.idNumber(region: "440305", birth: "19851120", sequence: "262"),
                                            phone: "13900139009", address: "广东省深圳市")
        _ = try await r.store.register(person: Fixtures.draft(Fixtures.liNa), into: r.houseA3.uuid, stay: Fixtures.stay, by: r.deskA)
        let files = try ImportFiles()
        let url = try files.xlsx("findings.xlsx", header: ResidentRows.header, rows: [
            ResidentRows.row(Fixtures.zhangWei, room: "302"),  // 一证多住: already living in 301
            ResidentRows.row(twin, room: "302"),
        ])
        let importer = r.importer(r.deskA)
        let before = try r.counts()
        let report = try await importer.importFile(url, kind: .residents)
        #expect(report.needsConfirmation == 2)
        #expect(report.problems(row: 2).contains { $0.code == "stay.multipleActive" })
        #expect(report.problems(row: 3).contains { $0.code == "person.likelyDuplicate" })
        var after = try r.counts()
        after["audit_log"] = before["audit_log"]
        #expect(after == before)

        let confirmed = try await importer.importFile(url, kind: .residents, options: ImportOptions(confirmFindings: true))
        #expect(confirmed.created == 2)
        #expect(try r.count("stay", "departure_date IS NULL") == 4)
        #expect(try r.count("person", "duplicate_confirmed = 1") == 1)
    }

    @Test func placesAreCreatedOnlyWhenAllowed() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        let url = try files.xlsx("places.xlsx", header: ResidentRows.header, rows: [
            ResidentRows.row(Fixtures.zhangWei, room: "101", building: "2号楼", unit: "1单元"),
            ResidentRows.row(Fixtures.liNa, room: "5号", xiaoqu: "新建小区", building: "", unit: ""),
        ])
        let refused = try await r.importer(r.deskA).importFile(url, kind: .residents)
        #expect(refused.invalid == 2)
        #expect(refused.problems(row: 2).contains { $0.column == "楼栋" && $0.code == "record.notFound" })
        #expect(refused.problems(row: 3).contains { $0.column == "小区" && $0.code == "record.notFound" })

        // A desk user may add buildings, units and houses to their 小区, not a new 小区.
        let desk = try await r.importer(r.deskA).importFile(url, kind: .residents, options: ImportOptions(createPlaces: true))
        #expect(desk.created == 1)
        #expect(desk.placesCreated == 3)
        #expect(desk.problems(row: 3).contains { $0.code == "permission.denied" })
        #expect(try r.count("house", "room_number = '101' AND usage = '99'") == 1)

        // The station's police may create the 小区 in an existing 社区.
        let police = try await r.importer(r.policeS1).importFile(url, kind: .residents, options: ImportOptions(createPlaces: true))
        #expect(police.created == 1)
        #expect(police.unchanged == 1)
        #expect(try r.count("xiaoqu", "name = '新建小区'") == 1)
        #expect(try r.store.auditLog.verify().isIntact)
    }

    @Test func aDeskUserCannotImportIntoAnother小区() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        let url = try files.xlsx("other.xlsx", header: ResidentRows.header, rows: [
            ResidentRows.row(Fixtures.zhangWei, room: "8号", xiaoqu: "翠微小区", building: "", unit: ""),
            ResidentRows.row(Fixtures.liNa, room: "12号", xiaoqu: "丹心苑", building: "", unit: ""),
        ])
        let before = try r.counts()
        let report = try await r.importer(r.deskA).importFile(url, kind: .residents, options: ImportOptions(createPlaces: true))
        #expect(report.invalid == 2)
        #expect(report.problems.allSatisfy { $0.column == "小区" })
        var after = try r.counts()
        after["audit_log"] = before["audit_log"]
        #expect(after == before)

        // A kiosk may not import at all; the police of station S1 may import into 翠微小区, not into 丹心苑.
        let kiosk = await registryError { _ = try await r.importer(r.kioskA).importFile(url, kind: .residents) }
        #expect(kiosk?.code == .permissionDenied)
        let police = try await r.importer(r.policeS1).importFile(url, kind: .residents)
        #expect(police.created == 1)
        #expect(police.problems(row: 3).contains { $0.column == "小区" && $0.code == "record.notFound" })
    }
}
