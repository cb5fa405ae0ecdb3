import Foundation
import GRDB

extension RegisterStore {
    /// Opens (受理) a service matter in a 小区 in scope, optionally about a house and for a registered
    /// applicant. Kiosks may open matters (self-service).
    public func openServiceMatter(_ draft: ServiceMatterDraft, by actor: Actor) async throws -> ServiceMatter {
        try actor.require(.openMatter)
        return try await perform(actor, action: "serviceMatter.open") { db, journal, scope in
            var check = self.checker()
            var xiaoquId: Int64?
            var houseId: Int64?
            if let house = draft.house {
                let row = try Lookup.house(db, house, scope).orNotFound(.house)
                houseId = row["id"]
                xiaoquId = row["xiaoqu_id"]
                if let x = draft.xiaoqu, x != row.uuid("xiaoqu_uuid") { check.add(.invalid(.house, "该房屋不属于所选小区")) }
            } else if let xiaoqu = draft.xiaoqu {
                xiaoquId = try Lookup.xiaoqu(db, xiaoqu, scope).orNotFound(.xiaoqu)["id"]
            } else {
                check.add(.required(.xiaoqu))
            }
            var applicantId: Int64?
            var applicantName = draft.applicantName
            if let applicant = draft.applicant {
                let row = try Lookup.person(db, applicant, scope).orNotFound(.person)
                applicantId = row["id"]
                if applicantName == nil { applicantName = row["name"] }
            }
            let name = check.required(applicantName, .applicantName, max: 100)
            let phone = self.checkPhone(&check, draft.applicantPhone, .applicantPhone)
            let type = check.code(draft.matterType, .serviceMatterType, .matterType, required: true)
            let summary = check.required(draft.summary, .summary, max: 2000)
            let openedOn = check.date(draft.openedOn ?? self.today, .openedOn, required: true)
            try check.finish()
            let channel: MatterChannel = switch actor.role {
            case .kiosk: .kiosk
            case .police: .police
            default: .desk
            }
            let id = try RowWriter.insert(db, .serviceMatter, [
                ("xiaoqu_id", xiaoquId), ("house_id", houseId), ("applicant_person_id", applicantId),
                ("applicant_name", name),
                ("applicant_phone_enc", try self.cipher.seal(optional: phone, for: .applicantPhone)),
                ("applicant_phone_hash", phone.map { self.cipher.hash(phone: $0) }),
                ("matter_type", type), ("summary", summary), ("channel", channel.rawValue),
                ("state", ServiceMatterState.accepted.rawValue), ("opened_on", openedOn?.description),
            ], at: journal.at)
            try journal.record(db, .serviceMatter, id: id, operation: .create, before: nil)
            try self.insertMatterEvent(db, matterId: id, from: nil, to: .accepted, note: nil, journal: &journal)
            return try self.serviceMatter(db, id: id)
        }
    }

    /// Moves a service matter to its next state (受理 → 办理中 → 办结; 退回 or 撤销 from 受理 or 办理中, with
    /// a note saying why). The note is kept in the history; on a final state it is the result.
    public func progressServiceMatter(_ uuid: UUID, to state: ServiceMatterState, note: String? = nil,
                                      by actor: Actor) async throws -> ServiceMatter {
        try actor.require(.progressMatter)
        return try await perform(actor, action: "serviceMatter.progress") { db, journal, scope in
            let row = try Lookup.serviceMatter(db, uuid, scope).orNotFound(.serviceMatter)
            let id: Int64 = row["id"]
            let current = ServiceMatterState(rawValue: row["state"]) ?? .accepted
            var check = self.checker()
            if !current.next.contains(state) {
                check.add(FieldError(code: "matter.badTransition", field: .state,
                                     message: "\"办理状态\"不能从\"\(current.label)\"变为\"\(state.label)\""))
            }
            let note = (state == .returned || state == .withdrawn)
                ? check.required(note, .note, max: 2000) : check.optional(note, .note, max: 2000)
            try check.finish()
            var columns: Columns = [("state", state.rawValue)]
            if state.isFinal {
                let opened = row.date("opened_on")!
                columns += [("closed_on", max(self.today, opened).description), ("result", note)]
            }
            let before = try journal.before(db, .serviceMatter, id: id)
            try RowWriter.update(db, .serviceMatter, id: id, columns, at: journal.at)
            try journal.record(db, .serviceMatter, id: id, operation: state == .withdrawn ? .cancel : .update, before: before)
            try self.insertMatterEvent(db, matterId: id, from: current, to: state, note: note, journal: &journal)
            return try self.serviceMatter(db, id: id)
        }
    }

    private func insertMatterEvent(_ db: Database, matterId: Int64, from: ServiceMatterState?, to: ServiceMatterState,
                                   note: String?, journal: inout Journal) throws {
        let id = try RowWriter.insert(db, .serviceMatterEvent, [
            ("matter_id", matterId), ("from_state", from?.rawValue), ("to_state", to.rawValue), ("at", journal.at),
            ("actor", journal.actor.userId), ("note", note),
        ], at: journal.at)
        try journal.record(db, .serviceMatterEvent, id: id, operation: .create, before: nil)
    }
}
