import GRDB

/// The register's schema: forward-only migrations (never `eraseDatabaseOnSchemaChange`). Each
/// migration is frozen once released; a change is a new migration appended here.
/// protocol-docs/data-model.md documents every table and column.
enum Schema {
    /// All migrations, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1.places") { db in
            try db.execute(sql: placesV1)
        }
        migrator.registerMigration("v1.people") { db in
            try db.execute(sql: peopleV1)
        }
        migrator.registerMigration("v1.matters") { db in
            try db.execute(sql: mattersV1)
        }
        migrator.registerMigration("v1.audit") { db in
            try db.execute(sql: auditV1)
        }
        migrator.registerMigration("v2.statistics") { db in
            try db.execute(sql: statisticsV2)
        }
        migrator.registerMigration("v3.alerts") { db in
            try db.execute(sql: alertsV3)
        }
        migrator.registerMigration("v4.cardReads") { db in
            try db.execute(sql: cardReadsV4)
        }
        migrator.registerMigration("v5.cases") { db in
            try db.execute(sql: casesV5)
        }
        migrator.registerMigration("v6.caseOutcomes") { db in
            try db.execute(sql: casesV6)
        }
        migrator.registerMigration("v7.statisticsGeneration") { db in
            try db.execute(sql: statisticsGenerationV7)
        }
        return migrator
    }

    // Column snippets used by the frozen v1 SQL. Never change them: they are part of released migrations.

    /// Common columns of every business row.
    static let rowIdentity = """
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36 AND uuid = lower(uuid))
        """
    static let rowTimes = """
        created_at TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
        updated_at TEXT NOT NULL CHECK (updated_at >= created_at)
        """

    /// `CHECK` that a nullable column holds a calendar date `YYYY-MM-DD` (through a modifier SQLite
    /// normalises 02-30 to 03-01, so `date(x, '+0 days') = x` rejects impossible dates).
    static func date(_ column: String) -> String {
        "CHECK (\(column) IS NULL OR (\(column) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(\(column), '+0 days') = \(column)))"
    }

    /// `CHECK` that a nullable column holds 6 digits (a GB/T 2260 region code).
    static func region(_ column: String) -> String {
        "CHECK (\(column) IS NULL OR \(column) GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]')"
    }

    /// `CHECK` that a nullable column holds 2 digits (GB code tables validated by ``CodeValidator``).
    static func twoDigits(_ column: String) -> String {
        "CHECK (\(column) IS NULL OR \(column) GLOB '[0-9][0-9]')"
    }

    /// `CHECK` that a nullable column holds one of `values` (closed local code tables).
    static func oneOf(_ column: String, _ values: [String]) -> String {
        "CHECK (\(column) IS NULL OR \(column) IN (\(values.map { "'\($0)'" }.joined(separator: ","))))"
    }

    /// `CHECK` that a nullable text column is not blank.
    static func notBlank(_ column: String) -> String {
        "CHECK (\(column) IS NULL OR length(trim(\(column))) > 0)"
    }
}
