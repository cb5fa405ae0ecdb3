/// The code tables of every coded field of the register (domain.md §6), by identifier.
///
/// Each table is a static constant, built on first use. Identifiers: `sex`, `nation`, `maritalStatus`,
/// `education`, `politicalStatus`, `relation`, `residenceReason`, `housingType`, `plannedStay`, `rentalUse`,
/// `houseUsage`, `region`, `serviceMatterState`, `departureReason`, `cancellationFlag`.
public enum CodeTables {
    /// Every table, in the order above.
    public static var all: [CodeTable] {
        [
            sex, nation, maritalStatus, education, politicalStatus, relation, residenceReason, housingType,
            plannedStay, rentalUse, houseUsage, region, serviceMatterState, departureReason, cancellationFlag,
        ]
    }

    /// The identifiers of every table, in the order of `all` (without building the tables).
    public static let ids: [String] = [
        "sex", "nation", "maritalStatus", "education", "politicalStatus", "relation", "residenceReason",
        "housingType", "plannedStay", "rentalUse", "houseUsage", "region", "serviceMatterState",
        "departureReason", "cancellationFlag",
    ]

    /// The table with this identifier (`"nation"`), or `nil` for an unknown identifier.
    public static func table(_ id: String) -> CodeTable? {
        switch id {
        case "sex": sex
        case "nation": nation
        case "maritalStatus": maritalStatus
        case "education": education
        case "politicalStatus": politicalStatus
        case "relation": relation
        case "residenceReason": residenceReason
        case "housingType": housingType
        case "plannedStay": plannedStay
        case "rentalUse": rentalUse
        case "houseUsage": houseUsage
        case "region": region
        case "serviceMatterState": serviceMatterState
        case "departureReason": departureReason
        case "cancellationFlag": cancellationFlag
        default: nil
        }
    }
}
