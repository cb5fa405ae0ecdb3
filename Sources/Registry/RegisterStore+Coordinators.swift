import Foundation
import GRDB

extension RegisterStore {
    /// Creates a coordinator (协管员) of a 社区 in scope (admin, police).
    public func createCoordinator(_ draft: CoordinatorDraft, by actor: Actor) async throws -> Coordinator {
        try actor.require(.manageCoordinators)
        return try await perform(actor, action: "coordinator.create") { db, journal, scope in
            let community = try Lookup.community(db, try draft.community.orRequired(.community), scope).orNotFound(.community)
            let communityId: Int64 = community["id"]
            var check = self.checker()
            let name = check.required(draft.name, .coordinatorName, max: 50)
            let number = check.optional(draft.staffNumber, .staffNumber, max: 30)
            let phone = self.checkPhone(&check, draft.phone, .phone)
            if let number, try Bool.fetchOne(db, sql: "SELECT 1 FROM coordinator WHERE community_id = ? AND staff_number = ?",
                                             arguments: [communityId, number]) == true {
                check.add(FieldError(code: "coordinator.duplicateNumber", field: .staffNumber,
                                     message: "\"协管员编号\"\(number)在该社区已存在"))
            }
            try check.finish()
            let id = try RowWriter.insert(db, .coordinator, [
                ("community_id", communityId), ("name", name), ("name_pinyin", self.pinyin(name)),
                ("staff_number", number), ("phone_enc", try self.cipher.seal(optional: phone, for: .coordinatorPhone)),
                ("phone_hash", phone.map { self.cipher.hash(phone: $0) }), ("active", 1),
            ], at: journal.at)
            try journal.record(db, .coordinator, id: id, operation: .create, before: nil)
            return try self.coordinator(db, id: id)
        }
    }

    /// Assigns houses (of the coordinator's 社区, in scope) to a coordinator from a date; a house's
    /// previous coordinator assignment ends that day. Houses already assigned to them are left as they are.
    public func assignCoordinator(_ uuid: UUID, houses: [UUID], on date: RegisterDate? = nil,
                                  by actor: Actor) async throws -> [CoordinatorAssignment] {
        try actor.require(.manageCoordinators)
        return try await perform(actor, action: "coordinator.assign") { db, journal, scope in
            let coordinator = try Lookup.coordinator(db, uuid, scope).orNotFound(.coordinator)
            let coordinatorId: Int64 = coordinator["id"]
            var check = self.checker()
            let date = check.date(date ?? self.today, .assignedOn, required: true)
            if coordinator["active"] as Int != 1 {
                check.add(.invalid(.coordinator, "协管员已停用"))
            }
            if houses.isEmpty { check.add(.required(.house)) }
            var targets: [Row] = []
            for (index, house) in houses.enumerated() {
                let row = try Lookup.house(db, house, scope).orNotFound(.house)
                let communityId = try Int64.fetchOne(db, sql: "SELECT community_id FROM xiaoqu WHERE id = ?",
                                                     arguments: [row["xiaoqu_id"] as Int64])
                if communityId != coordinator["community_id"] {
                    check.add(FieldError(code: "coordinator.otherCommunity", field: .house,
                                         message: "\"房屋\"不在该协管员所属社区", path: "houses[\(index)]"))
                }
                targets.append(row)
            }
            try check.finish()
            var result: [CoordinatorAssignment] = []
            for house in targets {
                let houseId: Int64 = house["id"]
                if let current = try Row.fetchOne(db, sql: """
                    SELECT id, coordinator_id, assigned_on FROM coordinator_house WHERE house_id = ? AND ended_on IS NULL
                    """, arguments: [houseId]) {
                    if current["coordinator_id"] as Int64 == coordinatorId {
                        result.append(try self.assignment(db, id: current["id"]))
                        continue
                    }
                    let currentId: Int64 = current["id"]
                    let ended = max(date!, current.date("assigned_on")!)
                    let before = try journal.before(db, .coordinatorAssignment, id: currentId)
                    try RowWriter.update(db, .coordinatorAssignment, id: currentId, [("ended_on", ended.description)],
                                         at: journal.at)
                    try journal.record(db, .coordinatorAssignment, id: currentId, operation: .cancel, before: before)
                }
                let id = try RowWriter.insert(db, .coordinatorAssignment, [
                    ("coordinator_id", coordinatorId), ("house_id", houseId), ("assigned_on", date!.description),
                ], at: journal.at)
                try journal.record(db, .coordinatorAssignment, id: id, operation: .create, before: nil)
                result.append(try self.assignment(db, id: id))
            }
            return result
        }
    }

    /// Records an inspection (巡查) of a house in scope.
    public func recordInspection(_ draft: InspectionDraft, by actor: Actor) async throws -> Inspection {
        try actor.require(.inspect)
        return try await perform(actor, action: "inspection.create") { db, journal, scope in
            let house = try Lookup.house(db, try draft.house.orRequired(.house), scope).orNotFound(.house)
            var coordinatorId: Int64?
            var inspector = draft.inspectorName
            if let uuid = draft.coordinator {
                let row = try Lookup.coordinator(db, uuid, scope).orNotFound(.coordinator)
                coordinatorId = row["id"]
                if inspector == nil { inspector = row["name"] }
            }
            var check = self.checker()
            let date = check.date(draft.inspectedOn, .inspectedOn, required: true)
            let name = check.required(inspector, .inspectorName, max: 50)
            let result = check.code(draft.result, .inspectionResult, .inspectionResult, required: true)
            let findings = result == "2" ? check.required(draft.findings, .findings, max: 2000)
                : check.optional(draft.findings, .findings, max: 2000)
            let rectification = check.optional(draft.rectification, .rectification, max: 2000)
            try check.finish()
            let id = try RowWriter.insert(db, .inspection, [
                ("house_id", house["id"] as Int64), ("coordinator_id", coordinatorId),
                ("inspected_on", date?.description), ("inspector_name", name), ("result", result),
                ("findings", findings), ("rectification", rectification),
            ], at: journal.at)
            try journal.record(db, .inspection, id: id, operation: .create, before: nil)
            return try self.inspection(db, id: id)
        }
    }
}
