import Foundation

/// Reading and writing the spreadsheets of imports and exports: .xlsx and .csv, as rows of text.
public enum Spreadsheet {
    /// What a file is, judged by its first bytes (not by its name).
    public enum Format: String, Sendable {
        /// A zip archive (`PK`): an .xlsx workbook, or something that will fail as one.
        case xlsx
        /// An OLE2 compound file: an old .xls workbook or an encrypted .xlsx (not supported).
        case legacyExcel
        /// Anything else is read as CSV text.
        case csv
    }

    /// The format of a file by its first bytes.
    public static func format(of url: URL) throws -> Format {
        format(ofHead: try XLSXPackage.head(of: url))
    }

    /// The format of bytes in memory by their first bytes.
    public static func format(of data: Data) -> Format {
        format(ofHead: Array(data.prefix(8)))
    }

    static func format(ofHead head: [UInt8]) -> Format {
        if head.starts(with: XLSXPackage.oleMagic) { return .legacyExcel }
        if head.count >= 2, head[0] == 0x50, head[1] == 0x4B { return .xlsx }
        return .csv
    }

    /// Calls `body` with each row of a spreadsheet file: a worksheet of an .xlsx file (the first, or the one
    /// named `sheet`) or the records of a CSV file (`sheet` ignored), chosen by the file's content.
    public static func forEachRow(url: URL, sheet: String? = nil, _ body: (SpreadsheetRow) throws -> Void) throws {
        switch try format(of: url) {
        case .xlsx: try XLSXReader(url: url).forEachRow(sheet: sheet, body)
        case .legacyExcel: throw SpreadsheetError.legacyExcel
        case .csv: try CSVReader(url: url).forEachRow(body)
        }
    }

    /// A spreadsheet file read whole as a table (first non-blank row as header), .xlsx or CSV by content.
    public static func read(url: URL, sheet: String? = nil) throws -> SpreadsheetTable {
        var builder = SpreadsheetTable.Builder()
        try forEachRow(url: url, sheet: sheet) { builder.add($0) }
        return builder.table
    }

    /// A spreadsheet held in memory (an upload) read whole as a table, .xlsx or CSV by content.
    public static func read(data: Data, sheet: String? = nil) throws -> SpreadsheetTable {
        switch format(of: data) {
        case .xlsx: return try XLSXReader(data: data).read(sheet: sheet)
        case .legacyExcel: throw SpreadsheetError.legacyExcel
        case .csv: return try CSVReader(data: data).read()
        }
    }

    /// Writes a table to a file, as CSV when the name ends in `.csv` (any case), else as an .xlsx workbook
    /// with one sheet named `sheetName`.
    public static func write(_ table: SpreadsheetTable, to url: URL, sheetName: String = "Sheet1") throws {
        if url.pathExtension.lowercased() == "csv" {
            try CSVWriter().write(rows: CollectionOfOne(table.header) + table.rows, to: url)
        } else {
            try XLSXWriter.write([(sheetName, table)], to: url)
        }
    }
}
