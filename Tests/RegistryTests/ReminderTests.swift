import Foundation
import GRDB
import Testing
@testable import Registry

/// Noon of a day in Shanghai (the `now` the daemon passes).
func shanghaiNoon(_ day: String) -> Date {
    let d = RegisterDate(day)!
    return Date(timeIntervalSince1970: TimeInterval(d.dayNumber * 86_400 + 4 * 3_600))
}

@Suite("Reminders, each rule at its boundary (injected today)")
struct ReminderTests {
    /// Registers a synthetic person into `house` with a stay; returns the registration.
    static func register(_ r: TestRegister, _ n: Int, into house: House, arrival: String, plan: String? = "2", relation: String = "91",
                         housing: String? = "02", region: String = "440305", by actor: Actor? = nil) async throws -> Registration {
        let person = Fixtures.SyntheticPerson(
            name: "提醒\(n)", sex: "1", birth: RegisterDate("1990-01-01")!,
            idNumber: Fixtures.idNumber(region: region, birth: "19900101", sequence: String(format: "%03d", 200 + n)),
            phone: "1370000\(String(format: "%04d", n))", address: "某地")
        let stay = StayDraft(arrivalDate: RegisterDate(arrival), relation: relation, plannedStay: plan, residenceReason: "01",
                             housingType: housing)
        let outcome = try await r.store.register(person: Fixtures.draft(person), into: house.uuid, stay: stay, by: actor ?? r.deskA)
        return try #require(outcome.value)
    }

    static func list(_ r: TestRegister, _ day: String, _ kind: ReminderKind, by actor: Actor? = nil,
                     lookback: Int = 30) async throws -> [Reminder] {
        try await r.store.reminders(for: actor ?? r.deskA, options: ReminderOptions(
            today: RegisterDate(day), kinds: [kind], lateRegistrationLookbackDays: lookback)).items
    }

    @Test("planned stay expiring: listed from 10 days before expiry (day 10 yes, day 11 no) to the expiry day")
    func expiring() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        // Arrived 2025-01-10 for three months: expires 2025-04-10.
        let reg = try await Self.register(r, 1, into: r.houseA1, arrival: "2025-01-10")
        #expect(try await Self.list(r, "2025-03-30", .plannedStayExpiring).isEmpty)  // 11 days left
        let ten = try await Self.list(r, "2025-03-31", .plannedStayExpiring)
        #expect(ten.map(\.stayUuid) == [reg.stay.uuid] && ten.first?.overdueDays == -10 && ten.first?.dueDate == RegisterDate("2025-04-10"))
        #expect(try await Self.list(r, "2025-04-01", .plannedStayExpiring).first?.overdueDays == -9)
        #expect(try await Self.list(r, "2025-04-10", .plannedStayExpiring).first?.overdueDays == 0)
        #expect(try await Self.list(r, "2025-04-11", .plannedStayExpiring).isEmpty)
        #expect(try await Self.list(r, "2025-03-31", .plannedStayExpired).isEmpty)
        // Month ends: arrived 2024-11-30 for three months → expires 2025-02-28 (no 02-30).
        let end = try await Self.register(r, 2, into: r.houseA2, arrival: "2024-11-30")
        let feb = try await Self.list(r, "2025-02-18", .plannedStayExpiring)
        #expect(feb.map(\.stayUuid) == [end.stay.uuid] && feb.first?.dueDate == RegisterDate("2025-02-28"))
        // Departed stays and stays without a planned stay are never listed.
        _ = try await Self.register(r, 3, into: r.houseA3, arrival: "2025-01-10", plan: nil)
        #expect(try await Self.list(r, "2025-03-31", .plannedStayExpiring).count == 1)
    }

    @Test("expired: listed with the auto-cancel day; auto-cancelled only when expired more than 30 days")
    func expiredAndAutoCancel() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let reg = try await Self.register(r, 1, into: r.houseA1, arrival: "2025-01-10")  // expires 2025-04-10
        let expired = try #require(try await Self.list(r, "2025-05-10", .plannedStayExpired).first)
        #expect(expired.overdueDays == 30 && expired.autoCancelOn == RegisterDate("2025-05-11"))
        let auditBefore = try r.auditCount()
        // Day 30 after expiry: nothing cancelled.
        #expect(try await r.store.runAutoCancellation(now: shanghaiNoon("2025-05-10")).cancelled.isEmpty)
        #expect(try r.auditCount() == auditBefore)
        // Day 31: cancelled, 注销标识 2, departure = expiry + 31 days, audited, one change (注销) for sync.
        let run = try await r.store.runAutoCancellation(now: shanghaiNoon("2025-05-11"))
        #expect(run.cancelled == [reg.stay.uuid] && run.today == RegisterDate("2025-05-11"))
        let stay = try #require(try await r.store.stay(reg.stay.uuid, for: r.deskA))
        #expect(stay.cancelFlag == .autoCancelled && stay.departureDate == RegisterDate("2025-05-11"))
        #expect(stay.departedBy == Actor.autoCancellation.userId && stay.departureReason?.contains("自动注销") == true)
        #expect(try r.auditCount() == auditBefore + 1)
        #expect(try r.count("audit_log", "action = 'stay.autoCancel' AND target_uuid = '\(reg.stay.uuid.dbText)'") == 1)
        #expect(r.sink.changes.last == RecordChange(kind: .stay, uuid: reg.stay.uuid, rowId: r.sink.changes.last!.rowId,
                                                     operation: .cancel, action: "stay.autoCancel"))
        // Idempotent: again the same day, and a week later (a late run writes the same departure date).
        #expect(try await r.store.runAutoCancellation(now: shanghaiNoon("2025-05-11")).cancelled.isEmpty)
        #expect(try await r.store.runAutoCancellation(now: shanghaiNoon("2025-05-18")).cancelled.isEmpty)
        #expect(try r.auditCount() == auditBefore + 1)
        #expect(try await Self.list(r, "2025-05-11", .plannedStayExpired).isEmpty)
        #expect(try r.store.auditLog.verify().firstBroken == nil)
    }

    @Test("a late run cancels with the same departure date; each stay gets its own audit entry")
    func lateRun() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let a = try await Self.register(r, 1, into: r.houseA1, arrival: "2025-01-10")  // expires 04-10 → cancel 05-11
        let b = try await Self.register(r, 2, into: r.houseA2, arrival: "2025-01-20")  // expires 04-20 → cancel 05-21
        let run = try await r.store.runAutoCancellation(now: shanghaiNoon("2025-06-01"))
        #expect(run.cancelled == [a.stay.uuid, b.stay.uuid])
        #expect(try await r.store.stay(a.stay.uuid, for: r.deskA)?.departureDate == RegisterDate("2025-05-11"))
        #expect(try await r.store.stay(b.stay.uuid, for: r.deskA)?.departureDate == RegisterDate("2025-05-21"))
        #expect(try r.count("audit_log", "action = 'stay.autoCancel'") == 2)
    }

    @Test("extending a planned stay takes it off the list; shorter or ended stays are refused")
    func extend() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let reg = try await Self.register(r, 1, into: r.houseA1, arrival: "2025-01-10")
        let extended = try await r.store.extendPlannedStay(stay: reg.stay.uuid, to: "3", by: r.deskA)  // → 2025-07-10
        #expect(extended.plannedStay == "3")
        #expect(try await Self.list(r, "2025-03-31", .plannedStayExpiring).isEmpty)
        #expect(try await Self.list(r, "2025-07-01", .plannedStayExpiring).first?.dueDate == RegisterDate("2025-07-10"))
        await expectFieldError("field.invalid", on: .plannedStay) {
            _ = try await r.store.extendPlannedStay(stay: reg.stay.uuid, to: "2", by: r.deskA)
        }
        await expectFieldError("field.badCode", on: .plannedStay) {
            _ = try await r.store.extendPlannedStay(stay: reg.stay.uuid, to: "9", by: r.deskA)
        }
        #expect(await registryError { _ = try await r.store.extendPlannedStay(stay: reg.stay.uuid, to: "4", by: r.deskB) }?.code == .notFound)
        #expect(try r.count("audit_log", "action = 'stay.extend'") == 1)
    }

    @Test("rented houses: due 4 months after the last inspection (or the record's creation)")
    func inspections() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let s = r.store
        func rented(_ room: String) async throws -> House {
            try await s.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, roomNumber: room, usage: "02", rentalStatus: .rented,
                                               rentalUse: "02", landlord: .identified(Fixtures.draft(Fixtures.zhaoLei))), by: r.deskA)
        }
        let inspected = try await rented("出租1")
        _ = try await s.recordInspection(InspectionDraft(house: inspected.uuid, inspectedOn: RegisterDate("2025-01-20"),
                                                         inspectorName: "巡查员", result: "1"), by: r.deskA)
        _ = try await s.recordInspection(InspectionDraft(house: inspected.uuid, inspectedOn: RegisterDate("2025-02-15"),
                                                         inspectorName: "巡查员", result: "1"), by: r.deskA)
        let never = try await rented("出租2")  // created 2025-06-15: due 2025-10-15
        #expect(try await Self.list(r, "2025-06-14", .inspectionDue).isEmpty)
        let due = try await Self.list(r, "2025-06-15", .inspectionDue)
        #expect(due.map(\.houseUuid) == [inspected.uuid] && due.first?.overdueDays == 0 && due.first?.dueDate == RegisterDate("2025-06-15"))
        #expect(try await Self.list(r, "2025-06-20", .inspectionDue).first?.overdueDays == 5)
        #expect(try await Self.list(r, "2025-10-14", .inspectionDue).map(\.houseUuid) == [inspected.uuid])
        #expect(Set(try await Self.list(r, "2025-10-15", .inspectionDue).map(\.houseUuid)) == [inspected.uuid, never.uuid])
        // Not rented (the small world's houses), or inspected again: not listed.
        _ = try await s.recordInspection(InspectionDraft(house: inspected.uuid, inspectedOn: RegisterDate("2025-06-15"),
                                                         inspectorName: "巡查员", result: "1"), by: r.deskA)
        #expect(try await Self.list(r, "2025-06-20", .inspectionDue).isEmpty)
        // Admin (no personal data) gets this kind, and only this kind.
        let admin = try await s.reminders(for: TestRegister.admin, options: ReminderOptions(today: RegisterDate("2025-10-15")))
        #expect(Set(admin.counts.keys) == [.inspectionDue] && admin.items.count == 2)
    }

    @Test("tenants registered more than 3 days after arrival (registration = created_at in Shanghai)")
    func lateRegistration() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        // The register's clock says 2025-06-15 10:00 in Shanghai.
        _ = try await Self.register(r, 1, into: r.houseA1, arrival: "2025-06-12")  // day 3: on time
        let late = try await Self.register(r, 2, into: r.houseA2, arrival: "2025-06-11")  // day 4: late by 1
        _ = try await Self.register(r, 3, into: r.houseA3, arrival: "2025-06-01", relation: "02", housing: "01")  // not a tenant
        let tenantByHousing = try await Self.register(r, 4, into: r.houseB1, arrival: "2025-06-01", relation: "99", housing: "02",
                                                      by: r.deskB)
        let items = try await Self.list(r, "2025-06-15", .lateTenantRegistration)
        #expect(items.map(\.stayUuid) == [late.stay.uuid])
        #expect(items.first?.dueDate == RegisterDate("2025-06-14") && items.first?.overdueDays == 1)
        #expect(try await Self.list(r, "2025-06-15", .lateTenantRegistration, by: r.deskB).first?.overdueDays == 11)
        #expect(try await Self.list(r, "2025-06-15", .lateTenantRegistration, by: r.deskB).map(\.stayUuid) == [tenantByHousing.stay.uuid])
        // The look-back window: registered 35 days before.
        #expect(try await Self.list(r, "2025-07-20", .lateTenantRegistration).isEmpty)
        #expect(try await Self.list(r, "2025-07-20", .lateTenantRegistration, lookback: 40).count == 1)
    }

    @Test("a tenant's declared arrival with no registered stay covering it")
    func unregisteredTenant() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let reg = try await Self.register(r, 1, into: r.houseA1, arrival: "2025-05-01")
        var draft = DeclarationTests.fullDraft(person: reg.person.uuid, house: r.houseA1.uuid)
        draft.arrivalDate = RegisterDate("2025-06-10")
        let declaration = try await r.store.declareResidence(draft, by: r.deskA).declaration
        // While the stay is active it covers the arrival.
        #expect(try await Self.list(r, "2025-06-13", .unregisteredTenant).isEmpty)
        _ = try await r.store.checkOut(stay: reg.stay.uuid, DepartureDraft(departureDate: RegisterDate("2025-06-05"), reason: "退租"),
                                       by: r.deskA)
        let pending = try await Self.list(r, "2025-06-12", .unregisteredTenant)
        #expect(pending.map(\.declarationUuid) == [declaration.uuid] && pending.first?.overdueDays == -1)
        #expect(try await Self.list(r, "2025-06-13", .unregisteredTenant).first?.overdueDays == 0)
        #expect(try await Self.list(r, "2025-06-14", .unregisteredTenant).first?.overdueDays == 1)
        // Registering the person again in the house clears it.
        _ = try await r.store.checkIn(person: reg.person.uuid, into: r.houseA1.uuid,
                                      stay: StayDraft(arrivalDate: RegisterDate("2025-06-10"), relation: "91"), by: r.deskA)
        #expect(try await Self.list(r, "2025-06-14", .unregisteredTenant).isEmpty)
    }

    @Test("居住证: residents from another city after 6 months, until they apply")
    func residencePermit() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let guangdong = try await Self.register(r, 1, into: r.houseA1, arrival: "2024-12-15")
        _ = try await Self.register(r, 2, into: r.houseA2, arrival: "2024-01-01", region: "110108")  // Beijing: same city
        #expect(try await Self.list(r, "2025-06-14", .residencePermitEligible).isEmpty)
        let eligible = try await Self.list(r, "2025-06-15", .residencePermitEligible)
        #expect(eligible.map(\.personUuid) == [guangdong.person.uuid] && eligible.first?.dueDate == RegisterDate("2025-06-15"))
        // An application (居住证申领) takes them off the list.
        _ = try await r.store.openServiceMatter(ServiceMatterDraft(house: r.houseA1.uuid, applicant: guangdong.person.uuid,
                                                                   matterType: "02", summary: "申领居住证"), by: r.deskA)
        #expect(try await Self.list(r, "2025-06-15", .residencePermitEligible).isEmpty)
    }

    @Test("the list: kinds in order, counts complete, limit per kind; kiosks and auditors refused")
    func listShape() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        for n in 1...3 {
            _ = try await Self.register(r, n, into: [r.houseA1, r.houseA2, r.houseA3][n - 1], arrival: "2025-01-1\(n)")
        }
        let list = try await r.store.reminders(for: r.deskA, options: ReminderOptions(today: RegisterDate("2025-04-05"), limitPerKind: 2))
        #expect(list.counts[.plannedStayExpiring] == 3 && list.items.filter { $0.kind == .plannedStayExpiring }.count == 2)
        #expect(list.items.filter { $0.kind == .plannedStayExpiring }.map(\.personName) == ["提醒1", "提醒2"])
        #expect(list.counts.count == ReminderKind.allCases.count)
        for actor in [r.kioskA, TestRegister.auditor, TestRegister.security] {
            #expect(await registryError { _ = try await r.store.reminders(for: actor) }?.code == .permissionDenied)
        }
    }

    @Test("the arrival ranges of an expiry window are exact (brute force over two years)")
    func arrivalRanges() {
        let start = RegisterDate("2023-01-01")!
        for months in [1, 3, 6, 12, 24, 36] {
            for target in ["2024-02-28", "2024-02-29", "2024-03-01", "2024-03-31", "2024-04-30", "2025-01-31"] {
                let date = RegisterDate(target)!
                let latest = ReminderRules.latestArrival(months: months, expiryOnOrBefore: date)
                let earliest = ReminderRules.earliestArrival(months: months, expiryOnOrAfter: date)
                for offset in -1200...400 {
                    let a = start.adding(days: offset)
                    #expect((a.adding(months: months) <= date) == (a <= latest), "\(a) +\(months) ≤ \(date)")
                    #expect((a.adding(months: months) >= date) == (a >= earliest), "\(a) +\(months) ≥ \(date)")
                }
            }
        }
    }
}
