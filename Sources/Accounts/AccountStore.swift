import Foundation
import GRDB
import Registry

/// The operator accounts, in the register's database (own migrations). Filled in by the accounts work:
/// add / passwd / lock / list, scrypt verification, login throttling, sessions.
public final class AccountStore: Sendable {
    /// The register whose database holds the accounts.
    public let register: RegisterStore

    /// Opens the accounts over `register`'s database, migrating its tables.
    public init(register: RegisterStore) throws {
        self.register = register
    }
}
