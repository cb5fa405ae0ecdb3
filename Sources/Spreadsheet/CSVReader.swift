import Foundation

/// Reads CSV (RFC 4180): fields separated by commas (or another delimiter), quoted with `"` when they hold
/// a delimiter, a quote (doubled) or a line break; records end with CRLF, LF or CR.
///
/// Accepted encodings: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark, and GB18030 /
/// GBK (what Excel writes as "CSV" on Chinese Windows) when the bytes are not valid UTF-8. A file that is
/// none of these fails with `SpreadsheetError.notUTF8`; syntax errors name the line.
///
/// Lenient where Excel is: a quote inside an unquoted field is kept as a character. A final line break
/// does not start an empty record; a blank line in the middle is a record with one empty field.
public struct CSVReader: Sendable {
    /// The file or bytes to read.
    public let source: SpreadsheetSource
    /// The field separator (ASCII), `,` by default.
    public let delimiter: UInt8

    /// A reader of the CSV file at `url`.
    public init(url: URL, delimiter: Character = ",") {
        source = .file(url)
        self.delimiter = delimiter.asciiValue ?? UInt8(ascii: ",")
    }

    /// A reader of CSV bytes in memory.
    public init(data: Data, delimiter: Character = ",") {
        source = .data(data)
        self.delimiter = delimiter.asciiValue ?? UInt8(ascii: ",")
    }

    /// Calls `body` with each record and the line it starts on. An error thrown by `body` stops the reading
    /// and is rethrown as is.
    public func forEachRow(_ body: (SpreadsheetRow) throws -> Void) throws {
        let data: Data
        switch source {
        case .data(let bytes): data = bytes
        case .file(let url):
            do {
                data = try Data(contentsOf: url, options: .mappedIfSafe)
            } catch {
                throw SpreadsheetError.unreadableFile(path: url.path, reason: String(describing: error))
            }
        }
        var text = try Self.utf8Text(of: data)
        try text.withUTF8 { try Self.parse($0, delimiter: delimiter, body) }
    }

    /// Every record with the line it starts on.
    public func rows() throws -> [SpreadsheetRow] {
        var rows: [SpreadsheetRow] = []
        try forEachRow { rows.append($0) }
        return rows
    }

    /// The file as a table: the first non-blank record is the header (see `SpreadsheetTable(sheetRows:)`).
    public func read() throws -> SpreadsheetTable {
        var builder = SpreadsheetTable.Builder()
        try forEachRow { builder.add($0) }
        return builder.table
    }

    /// The records of CSV text.
    public static func parse(_ text: String, delimiter: Character = ",") throws -> [[String]] {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var rows: [[String]] = []
        try text.withUTF8 { bytes in
            try parse(bytes, delimiter: delimiter.asciiValue ?? UInt8(ascii: ",")) { rows.append($0.cells) }
        }
        return rows
    }

    /// The RFC 4180 state machine over UTF-8 bytes (all syntax bytes are ASCII, so multi-byte characters
    /// pass through untouched).
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, _ body: (SpreadsheetRow) throws -> Void
    ) throws {
        let quote = UInt8(ascii: "\""), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        let n = bytes.count
        var i = 0
        var line = 1
        var fields: [String] = []
        var recordLine = 1
        var scratch: [UInt8] = []

        func field(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        /// Consumes a line break at `i` if there is one; returns whether it did.
        func lineBreak() -> Bool {
            guard i < n else { return false }
            if bytes[i] == lf {
                i += 1
            } else if bytes[i] == cr {
                i += (i + 1 < n && bytes[i + 1] == lf) ? 2 : 1
            } else {
                return false
            }
            line += 1
            return true
        }

        while i < n {
            if bytes[i] == quote {
                // A quoted field: up to the closing quote, "" standing for one quote.
                let startLine = line
                i += 1
                scratch.removeAll(keepingCapacity: true)
                var closed = false
                while i < n {
                    let b = bytes[i]
                    if b == quote {
                        if i + 1 < n, bytes[i + 1] == quote {
                            scratch.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if b == lf || (b == cr && !(i + 1 < n && bytes[i + 1] == lf)) { line += 1 }
                    scratch.append(b)
                    i += 1
                }
                guard closed else { throw SpreadsheetError.csvSyntax(line: startLine, reason: .unterminatedQuote) }
                fields.append(String(decoding: scratch, as: UTF8.self))
                if i < n, bytes[i] == delimiter {
                    i += 1
                    if i == n { fields.append("") }
                    continue
                }
                let atEnd = i == n
                if atEnd || lineBreak() {
                    try body(SpreadsheetRow(number: recordLine, cells: fields))
                    fields.removeAll(keepingCapacity: true)
                    recordLine = line
                    continue
                }
                throw SpreadsheetError.csvSyntax(line: line, reason: .textAfterClosingQuote)
            }
            // An unquoted field: up to the delimiter or the line break.
            let start = i
            while i < n, bytes[i] != delimiter, bytes[i] != lf, bytes[i] != cr { i += 1 }
            fields.append(field(start..<i))
            if i < n, bytes[i] == delimiter {
                i += 1
                if i == n { fields.append("") }
                continue
            }
            _ = lineBreak()
            try body(SpreadsheetRow(number: recordLine, cells: fields))
            fields.removeAll(keepingCapacity: true)
            recordLine = line
        }
        if !fields.isEmpty {
            try body(SpreadsheetRow(number: recordLine, cells: fields))
        }
    }
}
