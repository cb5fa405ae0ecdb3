import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("Check-out and transfer")
struct StayTests {
    @Test("人走注销: departure date and reason, 注销标识 1, operation 3 for the sync")
    func checkOut() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        let stay = try await r.store.checkOut(stay: zhang.stay.uuid,
                                              DepartureDraft(departureDate: RegisterDate("2025-06-01"), reason: "合同到期"), by: r.deskA)
        #expect(!stay.isActive && stay.cancelFlag == .cancelled && stay.departureDate == RegisterDate("2025-06-01"))
        #expect(stay.departureReason == "合同到期" && stay.departedBy == "deskA")
        #expect(r.sink.changes.last?.operation == .cancel && r.sink.changes.last?.kind == .stay)
        #expect(try await r.store.residents(ofHouse: r.houseA1.uuid, for: r.deskA).isEmpty)
        #expect(try await r.store.stays(ofHouse: r.houseA1.uuid, for: r.deskA).count == 1)
        await expectFieldError("stay.notActive", on: .stay) {
            _ = try await r.store.checkOut(stay: zhang.stay.uuid,
                                           DepartureDraft(departureDate: RegisterDate("2025-06-02"), reason: "x"), by: r.deskA)
        }
    }

    @Test("departure rules name their field", arguments: [
        ("field.required", Field.departureDate, DepartureDraft(reason: "搬离")),
        ("date.order", Field.departureDate, DepartureDraft(departureDate: RegisterDate("2024-02-28"), reason: "搬离")),
        ("date.future", Field.departureDate, DepartureDraft(departureDate: RegisterDate("2025-06-16"), reason: "搬离")),
        ("field.required", Field.departureReason, DepartureDraft(departureDate: RegisterDate("2025-01-01"), reason: " ")),
    ])
    func departureRules(code: String, field: Field, departure: DepartureDraft) async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        let error = await expectFieldError(code, on: field) {
            _ = try await r.store.checkOut(stay: zhang.stay.uuid, departure, by: r.deskA)
        }
        if code == "date.order" { #expect(error?.message == "\"离开日期\"不能早于\"到达本地日期\"") }
        #expect(try r.count("stay", "departure_date IS NULL") == 1)
    }

    @Test("transfer: check-out and check-in in one transaction")
    func transfer() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        let audit = try r.auditCount()
        let outcome = try await r.store.transfer(
            stay: zhang.stay.uuid, to: r.houseB1.uuid,
            departure: DepartureDraft(departureDate: RegisterDate("2025-05-31"), reason: "迁往翠微小区"),
            arrival: StayDraft(relation: "02", plannedStay: "5"), by: r.policeS1)
        let transfer = try #require(outcome.value)
        #expect(transfer.departed.uuid == zhang.stay.uuid && transfer.departed.departureDate == RegisterDate("2025-05-31"))
        #expect(transfer.arrived.houseUuid == r.houseB1.uuid && transfer.arrived.arrivalDate == RegisterDate("2025-05-31"))
        #expect(try r.auditCount() == audit + 2)
        let last = try r.store.auditLog.entries(after: Int64(audit), by: TestRegister.auditor)
        #expect(last.map(\.action) == ["stay.transfer", "stay.transfer"])
        await expectFieldError("field.invalid", on: .house) {
            _ = try await r.store.transfer(stay: transfer.arrived.uuid, to: r.houseB1.uuid,
                                           departure: DepartureDraft(departureDate: RegisterDate("2025-06-01"), reason: "x"),
                                           arrival: StayDraft(relation: "02"), by: r.policeS1)
        }
    }

    @Test("transfer is atomic: a failure after the check-out leaves nothing half done", arguments: ["sink", "trigger"])
    func transferAtomic(failure: String) async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        let audit = try r.auditCount()
        let changes = r.sink.changes.count
        if failure == "sink" {
            r.sink.fail(on: "stay.transfer")  // fails after both halves are written, before commit
        } else {
            // Behind the module's back: the check-in half fails after the check-out UPDATE ran.
            try await r.store.database.write { db in
                try db.execute(sql: """
                    CREATE TEMP TRIGGER fail_checkin BEFORE INSERT ON main.stay
                    BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                    """)
            }
        }
        let error = await registryError {
            _ = try await r.store.transfer(stay: zhang.stay.uuid, to: r.houseA2.uuid,
                                           departure: DepartureDraft(departureDate: RegisterDate("2025-05-31"), reason: "换房"),
                                           arrival: StayDraft(relation: "91"), by: r.deskA)
        }
        #expect(error?.code == (failure == "sink" ? .storageFailed : .constraintViolated), "\(String(describing: error))")
        let stays = try await r.store.stays(ofHouse: r.houseA1.uuid, for: r.deskA)
        #expect(stays.count == 1 && stays.first?.stay.isActive == true && stays.first?.stay.departureDate == nil)
        #expect(try await r.store.stays(ofHouse: r.houseA2.uuid, for: r.deskA).isEmpty)
        #expect(try r.auditCount() == audit)
        #expect(r.sink.changes.count == changes)
        #expect(try r.store.auditLog.verify().isIntact)
    }

    @Test("transfer findings: another active stay elsewhere must be confirmed")
    func transferFinding() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let first = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        _ = try await r.registerCard(Fixtures.zhangWei, into: r.houseA2, confirm: Confirmations(allowMultipleStays: true))
        let outcome = try await r.store.transfer(stay: first.stay.uuid, to: r.houseA3.uuid,
                                                 departure: DepartureDraft(departureDate: RegisterDate("2025-05-31"), reason: "换房"),
                                                 arrival: StayDraft(relation: "91"), by: r.deskA)
        #expect(outcome.findings.first?.code == "stay.multipleActive")
        #expect(try r.count("stay", "departure_date IS NULL") == 2)
        let confirmed = try await r.store.transfer(stay: first.stay.uuid, to: r.houseA3.uuid,
                                                   departure: DepartureDraft(departureDate: RegisterDate("2025-05-31"), reason: "换房"),
                                                   arrival: StayDraft(relation: "91"),
                                                   confirm: Confirmations(allowMultipleStays: true), by: r.deskA)
        #expect(confirmed.value != nil)
    }
}
