import Foundation

/// Reads the worksheets of an .xlsx workbook as rows of text, streaming: memory holds the shared strings
/// and one row at a time, whatever the number of rows.
///
/// Cells become text as Excel shows them in the General format: shared and inline strings as written,
/// numbers in full (`13800138000`, `3.14`), booleans `TRUE`/`FALSE`, dates (numbers with a date format)
/// `YYYY-MM-DD` (`YYYY-MM-DD HH:MM:SS` when a date-time has a time), times `HH:MM:SS`. Empty cells keep
/// their column positions; formulas give their cached values.
public struct XLSXReader: Sendable {
    /// The workbook's bytes.
    public let source: SpreadsheetSource

    /// A reader of the workbook file at `url`.
    public init(url: URL) {
        source = .file(url)
    }

    /// A reader of a workbook held in memory.
    public init(data: Data) {
        source = .data(data)
    }

    /// The names of the worksheets, in the workbook's order.
    public func sheetNames() throws -> [String] {
        let package = try XLSXPackage(source: source)
        return try XLSXWorkbook(package: package).sheets.map(\.name)
    }

    /// Calls `body` with each row of a worksheet that has a cell, in order (the first sheet when `sheet` is
    /// `nil`). An error thrown by `body` stops the reading and is rethrown as is.
    public func forEachRow(sheet: String? = nil, _ body: (SpreadsheetRow) throws -> Void) throws {
        let package = try XLSXPackage(source: source)
        let workbook = try XLSXWorkbook(package: package)
        let target = try workbook.sheet(named: sheet)

        var sharedStrings: [String] = []
        if let path = workbook.sharedStringsPath, package.entry(path) != nil {
            var handler = SharedStringsHandler()
            try package.parse(path, into: &handler, limit: 1 << 30)
            sharedStrings = handler.strings
        }
        var formats: [XLSXCellFormat] = []
        if let path = workbook.stylesPath, package.entry(path) != nil {
            var handler = StylesHandler()
            try package.parse(path, into: &handler, limit: 1 << 26)
            formats = handler.kinds
        }
        try withoutActuallyEscaping(body) { body in
            var handler = SheetRowsHandler(
                sharedStrings: sharedStrings, formats: formats, date1904: workbook.date1904, emit: body
            )
            try package.parse(target.path, into: &handler)
        }
    }

    /// Every row of a worksheet that has a cell, with its row number.
    public func rows(sheet: String? = nil) throws -> [SpreadsheetRow] {
        var rows: [SpreadsheetRow] = []
        try forEachRow(sheet: sheet) { rows.append($0) }
        return rows
    }

    /// A worksheet as a table: the first non-blank row is the header (see `SpreadsheetTable(sheetRows:)`).
    public func read(sheet: String? = nil) throws -> SpreadsheetTable {
        var builder = SpreadsheetTable.Builder()
        try forEachRow(sheet: sheet) { builder.add($0) }
        return builder.table
    }
}
