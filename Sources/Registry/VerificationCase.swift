import Foundation
import GRDB
import SyncProtocol

/// A 协查/核查 case as it arrives in the sync inbox (`verification.case`, protocol-docs/sync-protocol.md §7.1):
/// the wire body itself, one type for the protocol, the reference server and the register.
public typealias CaseMessage = VerificationCaseBody

/// The person fields of a case (the wire body's).
public typealias CasePerson = VerificationCaseBody.Person

/// Where a case is in its workflow: received (`new`, only inside the receiving transaction), paired with a
/// person of the register, not paired (nobody, or several candidates), answered (its feedback is queued).
public enum CaseState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Received, not yet paired.
    case new
    /// Paired with one person of the register (配对成功).
    case paired
    /// Nobody (or more than one candidate) in the register (未配对).
    case unpaired
    /// Answered (已反馈): the feedback record is queued to the unit that asked.
    case answered

    /// What staff read.
    public var label: String {
        switch self {
        case .new: "新收到"
        case .paired: "已配对"
        case .unpaired: "未配对"
        case .answered: "已反馈"
        }
    }
}

/// How a case was paired.
public enum PairBasis: String, Sendable, Hashable, Codable {
    /// The keyed hash of the ID number matched one person.
    case idNumber
    /// Name, sex and birth date matched exactly one person (no ID number match).
    case nameSexBirth
    /// An operator chose the person (重新配对).
    case manual
}

/// Where the register finds a paired person (seed 002): among its 流动 (floating) people or its 常住
/// (resident, household-registered) people.
///
/// A person counts as 常住 when their 户籍地行政区划 (`native_region`, by default the ID number's first six
/// digits) lies in the city of the 社区 of their current stay (else of their latest stay) — for the four
/// municipalities (11, 12, 31, 50), in the municipality: they live where their household is registered.
/// Everybody else — 户籍 in another city, unknown, or no stay — is 流动, the same line the register's
/// 居住证 reminder draws for "residents from another city".
public enum RecordSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// 流动人口记录.
    case floating
    /// 常住人口记录.
    case resident

    /// What staff read.
    public var label: String {
        switch self {
        case .floating: "流动人口"
        case .resident: "常住人口"
        }
    }

    /// SQL that is true when region code `nativeRegion` (a person's 户籍地) lies in the city of region code
    /// `regionCode` (a 社区's): the same province for the municipalities 11, 12, 31 and 50, else the same
    /// first four digits. NULL when either is NULL.
    static func sameCitySQL(_ nativeRegion: String, _ regionCode: String) -> String {
        """
        (CASE WHEN substr(\(regionCode), 1, 2) IN ('11', '12', '31', '50')
              THEN substr(\(nativeRegion), 1, 2) = substr(\(regionCode), 1, 2)
              ELSE substr(\(nativeRegion), 1, 4) = substr(\(regionCode), 1, 4) END)
        """
    }
}

/// The 核查 outcomes of domain.md §5 (seed 002): 查无此人, and the two "found" outcomes (address consistent,
/// address inconsistent) once for a person found in the 流动 records and once for one found in the 常住
/// records, with the same rules for both twins.
public enum CaseOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// 查无此人: with a reason (婚出, 迁出, 死亡, 其他); 婚出/迁出 need the destination down to the township,
    /// 其他 a remark. The only outcome for a case paired with nobody.
    case notFound
    /// 流动人口，地址一致: the person lives at the address asked about; the verified data are confirmed.
    case consistent
    /// 流动人口，地址不一致: the old stay is closed (人走注销) and the person re-registered at the reported
    /// address (a new stay, registered after the case arrived), then confirmed.
    case reRegistered
    /// 常住人口，地址一致: as ``consistent``, for a person found in the 常住 records.
    case residentConsistent
    /// 常住人口，地址不一致: as ``reRegistered``, for a person found in the 常住 records.
    case residentReRegistered

    /// What staff read.
    public var label: String {
        switch self {
        case .notFound: "查无此人"
        case .consistent: "流动人口，地址一致，确认核实信息"
        case .reRegistered: "流动人口，地址不一致，已注销原登记并按现址重新登记"
        case .residentConsistent: "常住人口，地址一致，确认核实信息"
        case .residentReRegistered: "常住人口，地址不一致，已注销原登记并按现址重新登记"
        }
    }

    /// The records a "found" outcome is about; `nil` for 查无此人.
    public var recordSource: RecordSource? {
        switch self {
        case .notFound: nil
        case .consistent, .reRegistered: .floating
        case .residentConsistent, .residentReRegistered: .resident
        }
    }

    /// Whether the outcome needs the old stay closed and a new one registered before it is confirmed.
    public var requiresReRegistration: Bool { self == .reRegistered || self == .residentReRegistered }

    /// The "found" outcomes of people in `source`'s records: address consistent, then inconsistent.
    public static func found(in source: RecordSource) -> [CaseOutcome] {
        switch source {
        case .floating: [.consistent, .reRegistered]
        case .resident: [.residentConsistent, .residentReRegistered]
        }
    }
}

/// The reasons of 查无此人.
public enum NotFoundReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// 婚出 (married away): destination required.
    case marriedOut = "婚出"
    /// 迁出 (moved away): destination required.
    case movedOut = "迁出"
    /// 死亡.
    case died = "死亡"
    /// 其他: remark required.
    case other = "其他"
}

/// The answer an operator gives to a case.
public struct CaseAnswerDraft: Sendable, Hashable, Codable {
    /// The outcome (required).
    public var outcome: CaseOutcome?
    /// 查无此人原因 (required for ``CaseOutcome/notFound``).
    public var reason: NotFoundReason?
    /// 婚出地/迁出地 行政区划 (6 digits, county level; required for 婚出/迁出).
    public var destinationRegion: String?
    /// 婚出地/迁出地 乡镇（街道） (required for 婚出/迁出): the destination down to the township.
    public var destinationTownship: String?
    /// 备注 (required for 查无此人 · 其他).
    public var remark: String?
    /// 常驻人口信息员确认 (required, and `true`, for the "found" outcomes): the verified data were signed off by
    /// the officer in charge of the resident records before they are confirmed (seed 002).
    public var residentOfficerConfirmed: Bool?

    /// An answer.
    public init(outcome: CaseOutcome?, reason: NotFoundReason? = nil, destinationRegion: String? = nil,
                destinationTownship: String? = nil, remark: String? = nil, residentOfficerConfirmed: Bool? = nil) {
        self.outcome = outcome
        self.reason = reason
        self.destinationRegion = destinationRegion
        self.destinationTownship = destinationTownship
        self.remark = remark
        self.residentOfficerConfirmed = residentOfficerConfirmed
    }
}

/// A person the pairing found.
public struct CaseCandidate: Sendable, Hashable, Codable {
    /// The person.
    public var personUuid: UUID
    /// Name.
    public var name: String
    /// Sex code.
    public var sex: String
    /// Birth date.
    public var birthDate: RegisterDate
    /// Masked ID number.
    public var idNumberMasked: String?
    /// How it was found (`idNumber`, `nameSexBirth`).
    public var basis: String
    /// The address of the person's current stay, if any in scope.
    public var currentAddress: String?
}

/// The feedback of an answered case.
public struct CaseFeedback: Sendable, Hashable, Codable {
    /// The feedback record (its UUID is the record id's subject upstream).
    public var uuid: UUID
    /// The outcome.
    public var outcome: CaseOutcome
    /// 查无此人原因.
    public var reason: String?
    /// Destination region and township (婚出/迁出).
    public var destinationRegion: String?, destinationTownship: String?
    /// Remark.
    public var remark: String?
    /// The verified data (found outcomes).
    public var verifiedName: String?, verifiedAddress: String?
    /// The stay confirmed.
    public var stayUuid: UUID?
    /// 常驻人口信息员确认 (found outcomes answered since it exists; `nil` for 查无此人 and older answers).
    public var residentOfficerConfirmed: Bool?
    /// Who answered and when (timestamp).
    public var answeredBy: String, answeredAt: String
    /// The upstream server the feedback is queued to.
    public var addressee: String
}

/// A case as staff see it.
public struct VerificationCase: Sendable, Hashable, Codable {
    /// The case (local UUID).
    public var uuid: UUID
    /// The requesting side's case number.
    public var caseNo: String
    /// `协查` or `核查`.
    public var type: String
    /// The upstream server it came from (and its feedback goes to).
    public var source: String
    /// The person asked about; the ID number masked (the full one only in ``idNumber`` of a single case).
    public var name: String, sex: String, birthDate: RegisterDate, idNumberMasked: String?
    /// The full ID number (only when one case is fetched, never in lists).
    public var idNumber: String?
    /// The address asked about.
    public var address: String
    /// The items to verify.
    public var items: [String]
    /// Due date (end of that day, Asia/Shanghai).
    public var deadline: RegisterDate
    /// `deadline − today` in days (negative: overdue), for open cases; for answered ones, `deadline − answeredOn`.
    public var daysLeft: Int
    /// Open and past the deadline, or answered after it.
    public var overdue: Bool
    /// The requesting unit.
    public var unit: String
    /// The unit's note.
    public var note: String?
    /// Received (timestamp) and the day received.
    public var receivedAt: String, receivedOn: RegisterDate
    /// The state.
    public var state: CaseState
    /// The paired person, how, and the 小区 the case belongs to (the person's current stay).
    public var personUuid: UUID?, pairBasis: PairBasis?, xiaoquUuid: UUID?
    /// Where the paired person is found (流动 or 常住 records, ``RecordSource``); `nil` when paired with nobody.
    public var recordSource: RecordSource?
    /// Every person the pairing found.
    public var candidates: [CaseCandidate]
    /// The outcomes this case may be answered with now.
    public var allowedOutcomes: [CaseOutcome]
    /// The answer, once answered.
    public var feedback: CaseFeedback?
    /// The day answered.
    public var answeredOn: RegisterDate?
}

/// A notice (通知公告) from an upstream server.
public struct Notice: Sendable, Hashable, Codable {
    /// The notice.
    public var uuid: UUID
    /// The upstream server it came from.
    public var source: String
    /// Title, text, `info`/`warning`/`urgent`.
    public var title: String, text: String, level: String
    /// Shown in the banner of the big screen.
    public var isPublic: Bool
    /// Received (timestamp).
    public var receivedAt: String
    /// Whether the calling user has read it (and when).
    public var read: Bool, readAt: String?
}

/// The kinds of 通报.
public enum ReportType: String, Sendable, Hashable, Codable, CaseIterable {
    /// 人员离开 (a resident who left).
    case departed
    /// 人员到达.
    case arrived
    /// 其他情况.
    case other

    /// What staff read.
    public var label: String {
        switch self {
        case .departed: "人员离开"
        case .arrived: "人员到达"
        case .other: "其他情况"
        }
    }
}

/// A 通报 to write.
public struct ReportDraft: Sendable, Hashable, Codable {
    /// The kind (required).
    public var type: ReportType?
    /// The 小区 it is about (required unless a person with a stay in scope is given).
    public var xiaoqu: UUID?
    /// The person it is about (required for 人员离开 / 人员到达).
    public var person: UUID?
    /// The day it happened (default today; not in the future).
    public var occurredOn: RegisterDate?
    /// What is reported (required).
    public var summary: String?

    /// A draft.
    public init(type: ReportType?, xiaoqu: UUID? = nil, person: UUID? = nil, occurredOn: RegisterDate? = nil, summary: String?) {
        self.type = type
        self.xiaoqu = xiaoqu
        self.person = person
        self.occurredOn = occurredOn
        self.summary = summary
    }
}

/// A 通报 written.
public struct CommunityReport: Sendable, Hashable, Codable {
    /// The record.
    public var uuid: UUID
    /// Kind, 小区, person.
    public var type: ReportType, xiaoquUuid: UUID, personUuid: UUID?
    /// The day, what, who.
    public var occurredOn: RegisterDate, summary: String, reportedBy: String
    /// Written (timestamp).
    public var createdAt: String
}

/// The to-do list (待办事宜) of a user: open cases, reminders of the register, unread notices, with counts.
public struct TodoList: Sendable, Hashable, Codable {
    /// The day it was computed for.
    public var today: RegisterDate
    /// Open cases (paired and unpaired), most urgent first.
    public var cases: [VerificationCase]
    /// The register's reminders (待办提醒).
    public var reminders: [Reminder]
    /// Unread notices, newest first.
    public var notices: [Notice]
    /// Counts: `cases`, `overdueCases`, `unpairedCases`, `reminders`, `notices`, `total`.
    public var counts: [String: Int]
}

/// The counts of a user's to-do list without the lists: what the badge in the navigation of /desk and
/// /police shows, cheap enough to poll (the register's reminders are not counted: they have their own tab).
public struct TodoCounts: Sendable, Hashable, Codable {
    /// The day they were computed for.
    public var today: RegisterDate
    /// Open cases of the user's scope (awaiting an answer), of which overdue, and unpaired.
    public var cases: Int, overdueCases: Int, unpairedCases: Int
    /// Notices the user has not read.
    public var notices: Int
}

/// One row of the progress table (协查进度表): a requesting unit's cases received in a period.
public struct CaseProgressRow: Sendable, Hashable, Codable {
    /// The requesting unit (`合计` on the totals row).
    public var unit: String
    /// Received in the period.
    public var received: Int
    /// Answered (of those received).
    public var answered: Int
    /// Not yet answered.
    public var open: Int
    /// Overdue: open past the deadline, or answered after it.
    public var overdue: Int
    /// Answered, per outcome (``CaseOutcome`` raw value → count; every outcome present).
    public var byOutcome: [String: Int]
}

/// The progress table for a period.
public struct CaseProgress: Sendable, Hashable, Codable {
    /// The period (received on), inclusive.
    public var from: RegisterDate, to: RegisterDate
    /// One row per unit, by unit name.
    public var rows: [CaseProgressRow]
    /// The totals.
    public var total: CaseProgressRow
}
