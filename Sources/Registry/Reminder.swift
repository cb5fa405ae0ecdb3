import Foundation

/// The kinds of reminders (待办提醒, domain.md §4), with their rules (protocol-docs/data-model.md,
/// "Statistics, reminders and data quality"). "Today" is a date in the appliance's time zone.
public enum ReminderKind: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable {
    /// An active stay whose planned stay (拟居住期限) ends within 10 days (`0 ≤ expiry − today ≤ 10`):
    /// extend it or check the person out. Due: the expiry date.
    case plannedStayExpiring = "stay.expiring"
    /// An active stay whose planned stay has ended (`expiry < today`) and was neither extended nor
    /// cancelled; more than 30 days after expiry the daily auto-cancellation cancels it (注销标识 2).
    /// Due: the expiry date.
    case plannedStayExpired = "stay.expired"
    /// A rented house (出租 or 部分出租, not 注销) whose last inspection (巡查) — or, never inspected, the
    /// creation of its record — is 4 months ago or more. Due: that date + 4 months.
    case inspectionDue = "house.inspectionDue"
    /// A tenant stay (与户主关系 91 承租人 or 住所类别 02 租赁房屋) registered more than 3 days after the
    /// arrival (registration date = `created_at` in the appliance's time zone), registered within the
    /// look-back window. Due: arrival + 3 days; overdue = registration − due.
    case lateTenantRegistration = "stay.lateRegistration"
    /// A tenant's residence declaration (住所类别 02, or a house rented out) whose declared arrival has no
    /// registered stay of that person in that house covering it (none active, none departing on or after
    /// the arrival). Due: arrival + 3 days.
    case unregisteredTenant = "declaration.unregistered"
    /// A resident from another city (native region's prefecture, or province for the municipalities,
    /// differs from the 社区's) living in the house for 6 months or more, without a 居住证申领 service
    /// matter (type 02) that is open or done: may apply for a 居住证 (居住证暂行条例). Due: arrival + 6
    /// months.
    case residencePermitEligible = "person.residencePermitEligible"

    /// What staff read.
    public var title: String {
        switch self {
        case .plannedStayExpiring: "拟居住期限即将到期（10日内续期或注销）"
        case .plannedStayExpired: "拟居住期限已到期未续期或注销（逾期30日自动注销）"
        case .inspectionDue: "出租房屋超过4个月未巡查"
        case .lateTenantRegistration: "承租人未在到达后3日内登记"
        case .unregisteredTenant: "承租人已申报到达但未登记入住"
        case .residencePermitEligible: "居住满6个月，可申领居住证"
        }
    }

    /// Whether the reminder names a person (needs the right to read people).
    var aboutPeople: Bool { self != .inspectionDue }
}

/// One item of a to-do list.
public struct Reminder: Sendable, Hashable, Codable {
    /// The rule.
    public var kind: ReminderKind
    /// The date the thing is (or was) due.
    public var dueDate: RegisterDate
    /// `today − dueDate` in days: positive = overdue, 0 = due today, negative = days left.
    public var overdueDays: Int
    /// The records concerned.
    public var stayUuid: UUID?, personUuid: UUID?, declarationUuid: UUID?, houseUuid: UUID
    /// The person (masked ID number only).
    public var personName: String?, idNumberMasked: String?
    /// The house and its 小区.
    public var houseAddress: String, xiaoquUuid: UUID, xiaoquName: String
    /// For ``ReminderKind/plannedStayExpired``: the day the auto-cancellation cancels the stay
    /// (expiry + 31 days).
    public var autoCancelOn: RegisterDate?
    /// Operator text (Chinese).
    public var message: String
}

/// How the to-do list is made.
public struct ReminderOptions: Sendable, Hashable {
    /// The day the list is for (default: today in the register's time zone, from its clock).
    public var today: RegisterDate?
    /// Only these kinds (default: all the actor may see).
    public var kinds: Set<ReminderKind>
    /// Items listed per kind (the counts are complete).
    public var limitPerKind: Int
    /// Late tenant registrations are listed when registered within this many days before today.
    public var lateRegistrationLookbackDays: Int

    /// Options.
    public init(today: RegisterDate? = nil, kinds: Set<ReminderKind> = Set(ReminderKind.allCases),
                limitPerKind: Int = 200, lateRegistrationLookbackDays: Int = 30) {
        self.today = today
        self.kinds = kinds
        self.limitPerKind = limitPerKind
        self.lateRegistrationLookbackDays = lateRegistrationLookbackDays
    }
}

/// The to-do list of an actor's scope.
public struct ReminderList: Sendable, Hashable, Codable {
    /// The day it is for.
    public var today: RegisterDate
    /// Items: by kind (in ``ReminderKind/allCases`` order), then most overdue first.
    public var items: [Reminder]
    /// How many items of each kind there are in scope (also those beyond the limit).
    public var counts: [ReminderKind: Int]
}

/// The rule constants (domain.md §4).
public enum ReminderRules {
    /// An expiring planned stay is listed this many days ahead.
    public static let expiringWithinDays = 10
    /// A planned stay expired more than this many days is auto-cancelled.
    public static let autoCancelAfterDays = 30
    /// A rented house is inspected at least every this many months.
    public static let inspectionEveryMonths = 4
    /// A tenant is registered within this many days of arrival.
    public static let tenantRegistrationDays = 3
    /// A 居住证 may be applied for after this many months of residence.
    public static let residencePermitMonths = 6

    /// The months of a 拟居住期限 code (1 一个月 … 6 三年), `nil` for an unknown code.
    public static func plannedStayMonths(_ code: String) -> Int? {
        ["1": 1, "2": 3, "3": 6, "4": 12, "5": 24, "6": 36][code]
    }

    /// The last day of a planned stay: arrival + its months (civil-law month arithmetic, see
    /// ``RegisterDate/adding(months:)``).
    public static func plannedStayExpiry(arrival: RegisterDate, plannedStay code: String) -> RegisterDate? {
        plannedStayMonths(code).map { arrival.adding(months: $0) }
    }

    /// The day an expired planned stay is auto-cancelled (and its departure date): expiry + 31 days, the
    /// first day it is expired more than 30 days.
    public static func autoCancelDate(expiry: RegisterDate) -> RegisterDate {
        expiry.adding(days: autoCancelAfterDays + 1)
    }

    /// SQL: the months of `stay.planned_stay` (`NULL` for none).
    static func plannedStayMonthsSQL(_ column: String) -> String {
        "CASE \(column) WHEN '1' THEN 1 WHEN '2' THEN 3 WHEN '3' THEN 6 WHEN '4' THEN 12 WHEN '5' THEN 24 WHEN '6' THEN 36 END"
    }
}

extension ReminderRules {
    /// The latest arrival whose planned stay of `months` ends on or before `date` (month addition is
    /// monotone, so every earlier arrival ends on or before it too).
    static func latestArrival(months: Int, expiryOnOrBefore date: RegisterDate) -> RegisterDate {
        var a = date.adding(months: -months)
        while a.adding(days: 1).adding(months: months) <= date { a = a.adding(days: 1) }
        while a.adding(months: months) > date { a = a.adding(days: -1) }
        return a
    }

    /// The earliest arrival whose planned stay of `months` ends on or after `date`.
    static func earliestArrival(months: Int, expiryOnOrAfter date: RegisterDate) -> RegisterDate {
        var a = date.adding(months: -months)
        while a.adding(days: -1).adding(months: months) >= date { a = a.adding(days: -1) }
        while a.adding(months: months) < date { a = a.adding(days: 1) }
        return a
    }
}
