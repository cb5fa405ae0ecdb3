import Foundation
import GRDB

/// The kinds of records the register keeps (one per business table); the sync module sends records
/// by kind and UUID.
public enum RecordKind: String, Sendable, Hashable, Codable, CaseIterable {
    case station, community, xiaoqu, building, unit, house, houseStatusChange, person, stay, declaration,
         declarationMinor, serviceMatter, serviceMatterEvent, coordinator, coordinatorAssignment, inspection, alert, cardRead, caseFeedback, report

    /// The table holding this kind.
    public var table: String {
        switch self {
        case .station: "station"
        case .community: "community"
        case .xiaoqu: "xiaoqu"
        case .building: "building"
        case .unit: "unit"
        case .house: "house"
        case .houseStatusChange: "house_status_change"
        case .person: "person"
        case .stay: "stay"
        case .declaration: "declaration"
        case .declarationMinor: "declaration_minor"
        case .serviceMatter: "service_matter"
        case .serviceMatterEvent: "service_matter_event"
        case .coordinator: "coordinator"
        case .coordinatorAssignment: "coordinator_house"
        case .inspection: "inspection"
        case .alert: "alert"
        case .cardRead: "card_read"
        case .caseFeedback: "case_feedback"
        case .report: "community_report"
        }
    }

    /// Whether each record of this kind is addressed to one destination (its `addressee` column): a case
    /// feedback goes to the upstream server the case came from, and only there, whatever the routing says.
    public var isAddressed: Bool { self == .caseFeedback }
}

/// The exchange operation of a change (provincial exchange convention): 1 新增, 2 修改, 3 注销/删除.
public enum RecordOperation: Int, Sendable, Hashable, Codable {
    /// 1 新增.
    case create = 1
    /// 2 修改.
    case update = 2
    /// 3 注销 (a house cancelled, a stay checked out).
    case cancel = 3
}

/// One record changed by an operation.
public struct RecordChange: Sendable, Hashable {
    /// What kind of record.
    public var kind: RecordKind
    /// The record's UUID.
    public var uuid: UUID
    /// The row id in ``RecordKind/table``.
    public var rowId: Int64
    /// 新增 / 修改 / 注销.
    public var operation: RecordOperation
    /// The audit action of the operation, e.g. `stay.transfer`.
    public var action: String
    /// For addressed kinds (``RecordKind/isAddressed``): the one destination the record goes to (the
    /// upstream server a case came from); `nil` routes the record by kind like any other.
    public var addressee: String?

    /// A change.
    public init(kind: RecordKind, uuid: UUID, rowId: Int64, operation: RecordOperation, action: String,
                addressee: String? = nil) {
        self.kind = kind
        self.uuid = uuid
        self.rowId = rowId
        self.operation = operation
        self.action = action
        self.addressee = addressee
    }
}

/// Called inside the write transaction of every operation, after its rows and audit entries are
/// written, with every record the operation changed. The sync module writes its outbox rows here; an
/// error thrown here rolls the whole operation back.
public protocol RecordChangeSink: Sendable {
    /// Records `changes` in the same transaction (`db`).
    func recordsChanged(_ changes: [RecordChange], in db: Database) throws
}

/// A sink that does nothing (the default until the sync module is wired in).
public struct NoRecordChangeSink: RecordChangeSink {
    /// A sink that does nothing.
    public init() {}
    /// Does nothing.
    public func recordsChanged(_ changes: [RecordChange], in db: Database) throws {}
}
