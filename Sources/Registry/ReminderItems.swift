import Foundation
import GRDB

extension ReminderQueries {
    /// An item from a details row (person, house, 小区 columns) due on `due`, with its message.
    func reminder(_ kind: ReminderKind, _ row: Row, due: RegisterDate) -> Reminder {
        let overdue = due.days(until: today)
        var item = Reminder(
            kind: kind, dueDate: due, overdueDays: overdue, stayUuid: row.optionalUUID("stay_uuid"),
            personUuid: row.optionalUUID("person_uuid"), declarationUuid: row.optionalUUID("declaration_uuid"),
            houseUuid: row.uuid("house_uuid"), personName: row["person_name"], idNumberMasked: row["id_number_masked"],
            houseAddress: row["house_address"], xiaoquUuid: row.uuid("xiaoqu_uuid"), xiaoquName: row["xiaoqu_name"],
            autoCancelOn: nil, message: "")
        switch kind {
        case .plannedStayExpiring:
            item.message = overdue == 0 ? "拟居住期限今天（\(due)）到期，请续期或办理注销"
                : "拟居住期限 \(due) 到期，还有 \(-overdue) 天，请续期或办理注销"
        case .plannedStayExpired:
            let cancel = ReminderRules.autoCancelDate(expiry: due)
            item.autoCancelOn = cancel
            item.message = "拟居住期限已于 \(due) 到期 \(overdue) 天，未续期或注销；\(cancel) 起自动注销"
        case .residencePermitEligible:
            item.message = "已居住满6个月（\(due) 起），可申领居住证"
        case .unregisteredTenant:
            item.message = overdue > 0 ? "已申报到达，\(due) 前应登记入住，已逾期 \(overdue) 天"
                : "已申报到达，请于 \(due) 前登记入住"
        case .inspectionDue:
            item.message = "出租房屋上次巡查后已满4个月，应于 \(due) 前巡查" + (overdue > 0 ? "，已逾期 \(overdue) 天" : "")
        case .lateTenantRegistration:
            break
        }
        return item
    }
}
