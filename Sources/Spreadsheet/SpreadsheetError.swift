/// Why a spreadsheet could not be read or written: a stable code for programs and a Chinese message for
/// the person who chose the file.
public enum SpreadsheetError: Error, Sendable, Equatable {
    /// The file could not be opened or read (missing, no permission …).
    case unreadableFile(path: String, reason: String)
    /// The file could not be written.
    case unwritableFile(path: String, reason: String)
    /// A CSV file that is neither UTF-8 nor GB18030/GBK (or GB18030 is not available on this system).
    case notUTF8
    /// A file with NUL bytes or other binary content where CSV text was expected.
    case notText
    /// A CSV syntax error at a 1-based line of the file.
    case csvSyntax(line: Int, reason: CSVSyntaxProblem)
    /// An old binary Excel file (.xls) or an encrypted workbook (both are OLE2 compound files).
    case legacyExcel
    /// Not a zip archive, or a zip archive without a workbook.
    case notXLSX
    /// A zip archive that is cut short or damaged (checksum or decompression errors).
    case damaged(detail: String)
    /// A workbook part with XML the reader cannot understand.
    case malformed(part: String, detail: String)
    /// The workbook has no sheet of that name (the available names are listed).
    case sheetNotFound(name: String, available: [String])
    /// The workbook has no worksheet at all.
    case noSheets
    /// A sheet name Excel would refuse: empty, longer than 31 characters, with one of `[]:*?/\`, or repeated.
    case invalidSheetName(String)
    /// A writer used out of order (a row before any sheet, a writer already finished).
    case writerState(String)

    /// Problems in CSV syntax.
    public enum CSVSyntaxProblem: String, Sendable, Equatable {
        /// A quoted field runs to the end of the file.
        case unterminatedQuote
        /// Something other than a delimiter or a line break follows a closing quote (`"a"b`).
        case textAfterClosingQuote
    }

    /// A stable machine-readable code (`"xlsx_sheet_not_found"`).
    public var code: String {
        switch self {
        case .unreadableFile: "file_unreadable"
        case .unwritableFile: "file_unwritable"
        case .notUTF8: "csv_not_utf8"
        case .notText: "csv_not_text"
        case .csvSyntax: "csv_syntax"
        case .legacyExcel: "xls_unsupported"
        case .notXLSX: "xlsx_invalid"
        case .damaged: "xlsx_damaged"
        case .malformed: "xlsx_malformed"
        case .sheetNotFound: "xlsx_sheet_not_found"
        case .noSheets: "xlsx_no_sheets"
        case .invalidSheetName: "xlsx_sheet_name_invalid"
        case .writerState: "writer_state"
        }
    }

    /// The message for the person who chose the file, in Chinese.
    public var message: String {
        switch self {
        case .unreadableFile(let path, _): "无法读取文件 \(path)"
        case .unwritableFile(let path, _): "无法写入文件 \(path)"
        case .notUTF8: "文件不是 UTF-8 编码，请另存为 CSV UTF-8"
        case .notText: "文件不是文本格式的 CSV 文件"
        case .csvSyntax(let line, .unterminatedQuote): "第 \(line) 行：引号未闭合"
        case .csvSyntax(let line, .textAfterClosingQuote): "第 \(line) 行：引号后应为逗号或换行"
        case .legacyExcel: "不支持旧版 .xls 或加密的 Excel 文件，请另存为 .xlsx"
        case .notXLSX: "文件不是有效的 Excel 文件"
        case .damaged: "Excel 文件不完整或已损坏"
        case .malformed: "Excel 文件内容无法识别"
        case .sheetNotFound(let name, _): "找不到工作表 “\(name)”"
        case .noSheets: "Excel 文件中没有工作表"
        case .invalidSheetName(let name): "工作表名称无效：“\(name)”"
        case .writerState: "表格写入顺序有误"
        }
    }

    /// Technical detail for logs (English), empty when the message says it all.
    public var detail: String {
        switch self {
        case .unreadableFile(_, let reason), .unwritableFile(_, let reason): reason
        case .damaged(let detail): detail
        case .malformed(let part, let detail): "\(part): \(detail)"
        case .sheetNotFound(_, let available): "sheets: " + available.joined(separator: ", ")
        case .writerState(let detail): detail
        default: ""
        }
    }
}

extension SpreadsheetError: CustomStringConvertible {
    /// `code: message (detail)`.
    public var description: String {
        detail.isEmpty ? "\(code): \(message)" : "\(code): \(message) (\(detail))"
    }
}
