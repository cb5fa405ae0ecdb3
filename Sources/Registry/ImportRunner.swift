import Foundation
import GRDB

/// Writes parsed rows in batches: one write transaction per batch (a dry run: every batch in one
/// transaction rolled back at the end), one savepoint per row, one `import` audit entry per batch.
struct ImportRunner<Record: ImportRecord>: Sendable {
    let store: RegisterStore
    let actor: Actor
    let kind: SheetKind
    let options: ImportOptions
    let map: HeaderMap
    /// SHA-256 of the file's text, for the audit entries.
    let fileDigest: Task<String, Never>

    /// The outcome of one batch.
    struct BatchOutcome: Sendable {
        var statuses: [ImportRowStatus] = []
        var problems: [ImportProblem] = []
        var warnings: [ImportProblem] = []
        var cache: PlaceCache
    }

    /// Page cache of the writer connection while an import runs (64 MiB; the default 2 MiB makes every
    /// batch re-read the random-keyed index pages: ID-number hashes, UUIDs, audit hashes). Restored after.
    static var importCacheSize: Int { -65_536 }

    /// Parses and writes every batch; batch k + 1 is parsed while batch k is written.
    func run(_ parser: ImportBatchParser<Record>, into report: inout ImportReport) async throws {
        var outcomes: [BatchOutcome] = []
        let next: Task<[ParsedRow<Record>], Never>? = !options.dryRun && parser.count > 0 ? Task { parser.batch(0) } : nil
        let fileDigest = await self.fileDigest.value
        let previousCache = try await store.writer.writeWithoutTransaction { db in
            let previous = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = \(Self.importCacheSize)")
            return previous
        }
        do {
            if options.dryRun {
                let batches = (0..<parser.count).map(parser.batch)
                outcomes = try await store.writer.writeWithoutTransaction { db in
                    var results: [BatchOutcome] = []
                    try db.inTransaction {
                        var cache = PlaceCache()
                        for (index, batch) in batches.enumerated() {
                            let outcome = try self.batch(db, batch, index: index, cache: cache, fileDigest: fileDigest)
                            cache = outcome.cache
                            results.append(outcome)
                        }
                        return .rollback
                    }
                    return results
                }
            } else {
                var cache = PlaceCache()
                var next = next
                for index in 0..<parser.count {
                    let batch = await next!.value
                    next = index + 1 < parser.count ? Task { parser.batch(index + 1) } : nil
                    let input = cache
                    let outcome = try await store.writer.write { db in
                        try self.batch(db, batch, index: index, cache: input, fileDigest: fileDigest)
                    }
                    cache = outcome.cache
                    outcomes.append(outcome)
                }
            }
        } catch let error as DatabaseError {
            try? await restoreCache(previousCache)
            throw RegistryError.storage(error)
        } catch {
            try? await restoreCache(previousCache)
            throw error
        }
        try await restoreCache(previousCache)
        for outcome in outcomes {
            outcome.statuses.forEach { report.count($0) }
            report.problems += outcome.problems
            report.warnings += outcome.warnings
        }
        report.batches = parser.count
        report.placesCreated = outcomes.last?.cache.created ?? 0
    }

    private func restoreCache(_ size: Int) async throws {
        try await store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = \(size)") }
    }

    /// One batch inside the caller's transaction.
    private func batch(_ db: Database, _ rows: [ParsedRow<Record>], index: Int, cache: PlaceCache,
                       fileDigest: String) throws -> BatchOutcome {
        let at = store.nowText
        var context = ImportContext(store: store, actor: actor, scope: try Scope.resolve(actor, in: db), options: options,
                                    kind: kind, at: at, today: store.today, cache: cache)
        var outcome = BatchOutcome(cache: cache)
        for row in rows {
            if let first = row.duplicateOf {
                outcome.statuses.append(.invalid)
                outcome.problems.append(ImportProblem(row: row.number, column: nil, code: "import.duplicateRow",
                                                      message: "与第 \(first) 行重复（\(Record.keyDescription)），本行未导入"))
                continue
            }
            let result = try context.row(db, refuseAnyway: !row.problems.isEmpty) { context, journal in
                try row.record.write(db, &context, journal: &journal)
            }
            switch result {
            case let .success(written):
                outcome.statuses.append(written.status)
                outcome.warnings += written.warnings.map { problem(row.number, $0) }
            case let .failure(refusal):
                outcome.statuses.append(row.problems.isEmpty ? refusal.status : .invalid)
                let columnsWithProblems = Set(row.problems.compactMap(\.column))
                outcome.problems += row.problems + refusal.items.map { problem(row.number, $0) }.filter {
                    // A cell that could not be read is also "missing" to the register: say it once.
                    !($0.code == "field.required" && $0.column.map(columnsWithProblems.contains) == true)
                }
            }
        }
        outcome.cache = context.cache
        try appendBatchEntry(db, at: at, index: index, rows: rows, outcome: outcome, created: context.created,
                             fileDigest: fileDigest)
        return outcome
    }

    private func problem(_ row: Int, _ item: RowRefusal.Item) -> ImportProblem {
        let column = item.column.map { key in
            map.title[key] ?? kind.layout.columns.first { $0.key == key }?.header
                ?? kind.layout.minorColumns(count: 50).first { $0.key == key }?.header ?? key.rawValue
        }
        return ImportProblem(row: row, column: column, code: item.code, message: item.message)
    }

    /// The `import` audit entry of a batch: counts, the file's digest, and the number and digest of the
    /// records the batch created (`createdDigest`: SHA-256 of their `kind:uuid` lines, sorted, joined by
    /// `\n`; they all have `created_at` = this entry's `at`, so an auditor can recompute it). No personal
    /// data.
    private func appendBatchEntry(_ db: Database, at: String, index: Int, rows: [ParsedRow<Record>],
                                  outcome: BatchOutcome, created: [String], fileDigest: String) throws {
        func count(_ status: ImportRowStatus) -> String { String(outcome.statuses.filter { $0 == status }.count) }
        let detail = CanonicalJSON.object([
            ("kind", CanonicalJSON.json(kind.rawValue)), ("batch", String(index + 1)),
            ("firstRow", String(rows.first?.number ?? 0)), ("lastRow", String(rows.last?.number ?? 0)),
            ("created", count(.created)), ("updated", count(.updated)), ("unchanged", count(.unchanged)),
            ("invalid", count(.invalid)), ("needsConfirmation", count(.needsConfirmation)),
            ("fileDigest", CanonicalJSON.json(fileDigest)), ("createdRecords", String(created.count)),
            ("createdDigest", CanonicalJSON.json(CanonicalJSON.sha256Hex(created.sorted().joined(separator: "\n")))),
        ])
        _ = try AuditLog.append(db, at: at, actor: actor, action: "import", targetKind: "import:" + kind.rawValue,
                                targetUuid: nil, before: nil, after: nil, detail: detail)
    }
}
