import Foundation

/// Where a spreadsheet's bytes come from.
public enum SpreadsheetSource: Sendable {
    /// A file.
    case file(URL)
    /// Bytes in memory (an upload).
    case data(Data)
}

/// One row of a sheet: its 1-based row number as the person sees it (Excel's row number, or the CSV line
/// the record starts on) and its cells as text, empty cells kept in their column positions.
public struct SpreadsheetRow: Sendable, Hashable {
    /// The 1-based row number (Excel) or starting line (CSV), for messages like "第 12 行".
    public var number: Int
    /// The cells, column A first; trailing empty cells may be absent.
    public var cells: [String]

    /// A row with this number and these cells.
    public init(number: Int, cells: [String]) {
        self.number = number
        self.cells = cells
    }

    /// Whether every cell is empty.
    public var isBlank: Bool { cells.allSatisfy(\.isEmpty) }
}

/// A sheet read whole: a header row and the data rows beneath it.
public struct SpreadsheetTable: Sendable, Hashable {
    /// The column titles.
    public var header: [String]
    /// The data rows; each has at least `header.count` cells.
    public var rows: [[String]]
    /// The row number of each data row in the file (`rowNumbers[i]` for `rows[i]`), for error messages.
    public var rowNumbers: [Int]

    /// A table of these rows; their row numbers are counted from 2 (the header being row 1).
    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
        rowNumbers = rows.indices.map { $0 + 2 }
    }

    /// A table of these rows with their own row numbers (`rowNumbers.count == rows.count`).
    public init(header: [String], rows: [[String]], rowNumbers: [Int]) {
        precondition(rows.count == rowNumbers.count, "one row number per row")
        self.header = header
        self.rows = rows
        self.rowNumbers = rowNumbers
    }

    /// The table of a sheet's rows: the first non-blank row is the header (outer whitespace trimmed,
    /// trailing empty titles dropped), blank rows are skipped, and data rows are padded with empty cells to
    /// the header's width (never cut: extra cells are kept).
    public init(sheetRows: [SpreadsheetRow]) {
        var builder = SpreadsheetTable.Builder()
        for row in sheetRows { builder.add(row) }
        self = builder.table
    }

    /// The column index of a title (exact match after trimming), or `nil`.
    public func column(named title: String) -> Int? {
        let wanted = title.trimmingWhitespace
        return header.firstIndex(of: wanted)
    }

    /// The cell of a data row under a title, `""` when the column or the cell is missing.
    public func value(row: Int, column title: String) -> String {
        guard let column = column(named: title), rows.indices.contains(row), rows[row].indices.contains(column) else {
            return ""
        }
        return rows[row][column]
    }

    /// Accumulates sheet rows into a table (used by the readers; rows arrive one at a time).
    struct Builder {
        private(set) var table = SpreadsheetTable(header: [], rows: [])
        private var hasHeader = false

        mutating func add(_ row: SpreadsheetRow) {
            guard !row.isBlank else { return }
            if !hasHeader {
                var header = row.cells.map(\.trimmingWhitespace)
                while header.last?.isEmpty == true { header.removeLast() }
                table.header = header
                hasHeader = true
                return
            }
            var cells = row.cells
            if cells.count < table.header.count {
                cells.append(contentsOf: repeatElement("", count: table.header.count - cells.count))
            }
            table.rows.append(cells)
            table.rowNumbers.append(row.number)
        }
    }
}

extension String {
    /// The string without leading and trailing whitespace (including the ideographic space and BOM).
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
