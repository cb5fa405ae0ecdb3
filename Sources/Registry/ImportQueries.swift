import Foundation
import GRDB

/// The lookups an import makes for every row, as cached statements (compiled once per import instead
/// of once per row). The register's own checks run only when one of these finds something.
enum ImportQueries {
    /// The person with this ID number's keyed hash, any scope.
    static func personId(_ db: Database, hash: Data?) throws -> Int64? {
        guard let hash else { return nil }
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM person WHERE id_number_hash = ?"), arguments: [hash])
    }

    /// Whether another person (another or no ID number) has this name and birth date: a likely
    /// duplicate of a new person.
    static func hasNameBirthTwin(_ db: Database, _ input: PersonInput, hash: Data?) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT 1 FROM person WHERE name = ? AND birth_date = ? AND (id_number_hash IS NULL OR id_number_hash IS NOT ?)
            LIMIT 1
            """), arguments: [input.name, input.birthDate.description, hash]) == true
    }

    /// Whether the person has an active stay in another house (一证多住).
    static func hasActiveStayElsewhere(_ db: Database, personId: Int64, houseId: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT 1 FROM stay WHERE person_id = ? AND departure_date IS NULL AND house_id <> ? LIMIT 1
            """), arguments: [personId, houseId]) == true
    }

    /// Whether the person has an active stay in this house.
    static func hasActiveStay(_ db: Database, personId: Int64, houseId: Int64) throws -> Bool {
        try activeStayId(db, personId: personId, houseId: houseId) != nil
    }

    /// The person's active stay in this house, if they live there.
    static func activeStayId(_ db: Database, personId: Int64, houseId: Int64) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT id FROM stay WHERE person_id = ? AND house_id = ? AND departure_date IS NULL LIMIT 1
            """), arguments: [personId, houseId])
    }

    /// The stay of the person in the house that started on this date.
    static func stay(_ db: Database, personId: Int64, houseId: Int64, arrival: RegisterDate) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM stay WHERE person_id = ? AND house_id = ? AND arrival_date = ?"),
                         arguments: [personId, houseId, arrival.description])
    }

    /// The columns of a found person an import compares.
    static func person(_ db: Database, id: Int64) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, name, sex, nation, birth_date, address, native_region, entry_method, phone_enc, warnings
            FROM person WHERE id = ?
            """), arguments: [id])
    }
}
