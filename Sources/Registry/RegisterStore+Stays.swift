import Foundation
import GRDB

extension RegisterStore {
    /// 人走注销: ends an active stay on a departure date (not before arrival, not after today) with a
    /// reason; the stay's 注销标识 becomes 1.
    public func checkOut(stay: UUID, _ departure: DepartureDraft, by actor: Actor) async throws -> Stay {
        try actor.require(.registerPeople)
        return try await perform(actor, action: "stay.checkOut") { db, journal, scope in
            let row = try Lookup.stay(db, stay, scope).orNotFound(.stay)
            var check = self.checker()
            let columns = self.checkDeparture(&check, departure, stay: row)
            try check.finish()
            let id: Int64 = row["id"]
            try self.closeStay(db, id: id, columns, journal: &journal)
            return try self.stay(db, id: id)
        }
    }

    /// Moves a person from the house of an active stay to another house, atomically: the old stay is
    /// checked out (departure date, reason) and a new stay checked in (arrival defaults to the departure
    /// date). Both halves or neither are written. Other active stays of the person are a 一证多住 finding.
    public func transfer(
        stay: UUID, to house: UUID, departure: DepartureDraft, arrival: StayDraft,
        confirm: Confirmations = .none, by actor: Actor
    ) async throws -> Outcome<Transfer> {
        try actor.require(.registerPeople)
        return try await perform(actor, action: "stay.transfer") { db, journal, scope in
            let oldRow = try Lookup.stay(db, stay, scope).orNotFound(.stay)
            let oldId: Int64 = oldRow["id"]
            let personId: Int64 = oldRow["person_id"]
            let houseRow = try Lookup.house(db, house, scope).orNotFound(.house)
            let houseId: Int64 = houseRow["id"]
            var check = self.checker()
            let departureColumns = self.checkDeparture(&check, departure, stay: oldRow)
            if houseId == oldRow["house_id"] as Int64 {
                check.add(.invalid(.house, "迁入房屋与原房屋相同"))
            }
            var arrival = arrival
            if arrival.arrivalDate == nil { arrival.arrivalDate = departure.departureDate }
            let birth = try String.fetchOne(db, sql: "SELECT birth_date FROM person WHERE id = ?", arguments: [personId])
                .flatMap { RegisterDate($0) }
            let stayColumns = self.checkStay(&check, arrival, birth: birth, house: houseRow)
            check.order(arrival.arrivalDate, notBefore: departure.departureDate, .arrivalDate, earlierName: "原住所\"离开日期\"")
            try self.checkNoActiveStay(db, personId: personId, houseId: houseId, check: &check)
            try check.finish()
            let findings = try self.stayFindings(db, personId: personId, excludingHouse: houseId, excludingStay: oldId,
                                                 scope: scope, confirm: confirm)
            if let pending = findings.pending { return .needsConfirmation(pending) }
            try self.closeStay(db, id: oldId, departureColumns, journal: &journal)
            let newId = try self.insertStay(db, personId: personId, houseId: houseId, stayColumns, journal: &journal)
            return .done(Transfer(departed: try self.stay(db, id: oldId), arrived: try self.stay(db, id: newId),
                                  confirmedFindings: findings.confirmed))
        }
    }

    private func checkDeparture(_ check: inout Checker, _ departure: DepartureDraft, stay row: Row) -> Columns {
        if row["departure_date"] as String? != nil {
            check.add(FieldError(code: "stay.notActive", field: .stay, message: "该\"居住登记\"已注销"))
        }
        let date = check.date(departure.departureDate, .departureDate, required: true)
        check.order(date, notBefore: row.date("arrival_date"), .departureDate, earlierName: "\"到达本地日期\"")
        let reason = check.required(departure.reason, .departureReason, max: 200)
        return [("departure_date", date?.description), ("departure_reason", reason),
                ("cancel_flag", StayCancelFlag.cancelled.rawValue)]
    }

    private func closeStay(_ db: Database, id: Int64, _ columns: Columns, journal: inout Journal) throws {
        let before = try journal.before(db, .stay, id: id)
        try RowWriter.update(db, .stay, id: id, columns + [("departed_by", journal.actor.userId)], at: journal.at)
        try journal.record(db, .stay, id: id, operation: .cancel, before: before)
    }
}
