/// Why the register refused something: a stable code, Chinese operator text, and for validation the
/// list of field errors. Nothing was written when one of these is thrown.
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable dotted code (see the `Code` constants, e.g. ``Code/validationFailed``).
    public var code: Code
    /// Operator text (Chinese).
    public var message: String
    /// For ``Code/validationFailed``: every field error found (all of them, not only the first).
    public var fieldErrors: [FieldError]

    /// An error with this code, message and field errors.
    public init(_ code: Code, _ message: String, fieldErrors: [FieldError] = []) {
        self.code = code
        self.message = message
        self.fieldErrors = fieldErrors
    }

    /// `code: message` plus the field errors.
    public var description: String {
        var text = "\(code.rawValue): \(message)"
        for error in fieldErrors { text += "\n  \(error)" }
        return text
    }

    /// Whether a field error with this code is listed (for ``Code/validationFailed``).
    public func has(_ fieldCode: String, on field: Field? = nil) -> Bool {
        fieldErrors.contains { error in error.code == fieldCode && (field.map { error.field.hasSuffix($0.rawValue) } ?? true) }
    }

    /// A stable error code. Never renamed, only added.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The dotted code.
        public let rawValue: String
        /// A code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The dotted code.
        public var description: String { rawValue }

        /// The input has field errors (see ``RegistryError/fieldErrors``).
        public static let validationFailed = Code(rawValue: "validation.failed")
        /// The record does not exist or is outside the caller's scope (the two are not distinguished).
        public static let notFound = Code(rawValue: "record.notFound")
        /// The caller's role may not do this at all.
        public static let permissionDenied = Code(rawValue: "permission.denied")
        /// `PRAGMA synchronous` on the writer is not FULL (2): the register refuses to start.
        public static let notDurable = Code(rawValue: "storage.notDurable")
        /// The database is not in WAL mode or foreign keys are off.
        public static let badStorageSettings = Code(rawValue: "storage.settings")
        /// The database file does not exist and creating it was not allowed.
        public static let databaseMissing = Code(rawValue: "storage.missing")
        /// The database was migrated by a newer version of renfang (unknown migrations).
        public static let schemaTooNew = Code(rawValue: "storage.schemaTooNew")
        /// The database could not be opened (SQLite error in the message).
        public static let openFailed = Code(rawValue: "storage.openFailed")
        /// The database exists but its key file does not.
        public static let keyMissing = Code(rawValue: "key.missing")
        /// The key file cannot be read or created.
        public static let keyUnreadable = Code(rawValue: "key.unreadable")
        /// The key file is accessible to group or others (must be 0600 or stricter).
        public static let keyInsecure = Code(rawValue: "key.insecure")
        /// The key file does not hold a 256-bit key.
        public static let keyMalformed = Code(rawValue: "key.malformed")
        /// The key does not decrypt the data already in the database.
        public static let keyWrong = Code(rawValue: "key.wrong")
        /// A backup could not be written (disk, permissions, an existing file).
        public static let backupFailed = Code(rawValue: "backup.failed")
        /// A file offered for restore is not a sound register this version and key can use.
        public static let backupInvalid = Code(rawValue: "backup.invalid")
        /// The register to restore over is open in another process (renfangd running).
        public static let backupInUse = Code(rawValue: "backup.inUse")
        /// A stored ciphertext does not decrypt (corruption, or a value moved between columns).
        public static let decryptFailed = Code(rawValue: "crypto.decryptFailed")
    }
}

extension RegistryError {
    static func validation(_ errors: [FieldError]) -> RegistryError {
        RegistryError(.validationFailed, "输入有误：" + errors.map(\.message).joined(separator: "；"),
                      fieldErrors: errors)
    }

    static func notFound(_ field: Field) -> RegistryError {
        RegistryError(.notFound, "\"\(field.label)\"不存在或不在您的管辖范围内")
    }

    static func denied(_ what: String) -> RegistryError {
        RegistryError(.permissionDenied, "您的角色无权\(what)")
    }
}
