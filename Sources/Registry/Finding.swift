import Foundation
import IDCard

/// Something the caller must see and confirm before a registration is written. Details of records
/// outside the caller's scope are never included: only their count.
public enum Finding: Sendable, Hashable {
    /// 一证多住: the person already has active stays in other houses. `visible` lists those in the
    /// caller's scope; `count` counts all of them. Confirm with ``Confirmations/allowMultipleStays``.
    case multipleStays(count: Int, visible: [ActiveStaySummary])
    /// A likely duplicate person: same name and birth date, different or no ID number. Confirm with
    /// ``Confirmations/confirmDuplicate`` (or register the existing person with `checkIn`).
    case likelyDuplicate(count: Int, visible: [PersonSummary])

    /// `stay.multipleActive` or `person.likelyDuplicate`.
    public var code: String {
        switch self {
        case .multipleStays: "stay.multipleActive"
        case .likelyDuplicate: "person.likelyDuplicate"
        }
    }

    /// Operator text (Chinese).
    public var message: String {
        switch self {
        case let .multipleStays(count, _): "该人员已在其他 \(count) 处房屋登记在住（一证多住），请确认后再登记"
        case let .likelyDuplicate(count, _): "已有 \(count) 名同名且出生日期相同的人员（可能重复登记），请确认是否为同一人"
        }
    }
}

/// An active stay named in a ``Finding/multipleStays(count:visible:)`` finding.
public struct ActiveStaySummary: Sendable, Hashable, Codable {
    /// The stay and its house.
    public var stayUuid: UUID, houseUuid: UUID
    /// The house's address.
    public var houseAddress: String
    /// Arrival.
    public var arrivalDate: RegisterDate
}

/// The result of an operation that may need confirmation: either done, or the findings to confirm
/// (nothing was written).
public enum Outcome<Value: Sendable>: Sendable {
    /// Written.
    case done(Value)
    /// Not written: confirm these and call again.
    case needsConfirmation([Finding])

    /// The value when done.
    public var value: Value? {
        if case let .done(v) = self { return v }
        return nil
    }

    /// The findings when not done.
    public var findings: [Finding] {
        if case let .needsConfirmation(f) = self { return f }
        return []
    }
}

/// A person registered into a house.
public struct Registration: Sendable, Hashable {
    /// The person (created or updated).
    public var person: Person
    /// The new stay.
    public var stay: Stay
    /// Whether the person record was created by this registration.
    public var personCreated: Bool
    /// ID-number and card warnings, carried along (never a rejection).
    public var warnings: [CardWarning]
    /// Findings the caller confirmed.
    public var confirmedFindings: [Finding]
}

/// A person moved from one house to another in one transaction.
public struct Transfer: Sendable, Hashable {
    /// The stay that ended (人走注销).
    public var departed: Stay
    /// The new stay (人来登记).
    public var arrived: Stay
    /// Findings the caller confirmed.
    public var confirmedFindings: [Finding]
}

/// A declaration written, with the ID-number warnings of the declarant and minors.
public struct DeclarationResult: Sendable, Hashable {
    /// The declaration.
    public var declaration: ResidenceDeclaration
    /// Warnings (never a rejection).
    public var warnings: [CardWarning]
}
