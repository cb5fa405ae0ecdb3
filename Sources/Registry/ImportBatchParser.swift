import Foundation
import Spreadsheet

/// Reads the rows of a table batch by batch, in order, marking rows whose key repeats an earlier row's.
/// The runner parses batch k + 1 while batch k is written, so reading cells and writing rows use both
/// cores. Batches must be asked for in order (one at a time; the lock only keeps the state safe).
final class ImportBatchParser<Record: ImportRecord>: @unchecked Sendable {
    let table: SpreadsheetTable
    let map: HeaderMap
    let layout: SheetLayout
    let batchSize: Int
    let store: RegisterStore
    private let lock = NSLock()
    private var firstRow: [String: Int] = [:]

    init(table: SpreadsheetTable, map: HeaderMap, layout: SheetLayout, batchSize: Int, store: RegisterStore) {
        self.store = store
        self.table = table
        self.map = map
        self.layout = layout
        self.batchSize = batchSize
    }

    /// The number of batches.
    var count: Int { (table.rows.count + batchSize - 1) / batchSize }

    /// Batch `index` (0-based), parsed.
    func batch(_ index: Int) -> [ParsedRow<Record>] {
        lock.withLock {
            let range = (index * batchSize)..<min((index + 1) * batchSize, table.rows.count)
            let today = store.today
            var parsed: [ParsedRow<Record>] = []
            parsed.reserveCapacity(range.count)
            for i in range {
                var cells = RowCells(number: table.rowNumbers[i], cells: table.rows[i], map: map, layout: layout)
                var record = Record(&cells)
                record.prepare(store, today: today)
                var duplicateOf: Int?
                if let key = record.fileKey {
                    if let first = firstRow[key] { duplicateOf = first } else { firstRow[key] = cells.number }
                }
                parsed.append(ParsedRow(number: cells.number, record: record, problems: cells.problems,
                                        duplicateOf: duplicateOf))
            }
            return parsed
        }
    }
}
