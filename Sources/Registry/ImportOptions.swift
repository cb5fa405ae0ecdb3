/// How ``RegisterImporter`` imports a file.
public struct ImportOptions: Sendable, Hashable {
    /// The worksheet to read (.xlsx; default the first). Ignored for CSV.
    public var sheet: String?
    /// Validate every row against the register and report, writing nothing (every batch runs in one
    /// transaction that is rolled back).
    public var dryRun: Bool
    /// Create the 社区, 小区, 楼栋 and 单元 a row names when they do not exist (and, for residents, the
    /// house: 房屋用途 99 其他, 未出租). Creating 社区 and 小区 needs a role that may (police, admin);
    /// a new 社区 needs the `行政区划` column (or the station's region). Ignored for declarations.
    public var createPlaces: Bool
    /// Write rows whose registration has findings (一证多住, a likely duplicate person) as confirmed;
    /// without it such rows are reported as ``ImportRowStatus/needsConfirmation`` and not written.
    public var confirmFindings: Bool
    /// Rows per write transaction (each transaction also writes one `import` audit entry). 5,000 by
    /// default: about a second of holding the register's write lock, and few enough commits that the
    /// random-keyed index pages (ID-number hashes, UUIDs) are written once per batch, not once per row.
    public var batchSize: Int

    /// Options (defaults: first sheet, write, no place creation, no confirmation, 5,000 rows per batch).
    public init(sheet: String? = nil, dryRun: Bool = false, createPlaces: Bool = false, confirmFindings: Bool = false,
                batchSize: Int = 5000) {
        self.sheet = sheet
        self.dryRun = dryRun
        self.createPlaces = createPlaces
        self.confirmFindings = confirmFindings
        self.batchSize = batchSize
    }

    /// What the register's operations are told was confirmed.
    var confirmations: Confirmations {
        Confirmations(allowMultipleStays: confirmFindings, confirmDuplicate: confirmFindings)
    }
}
