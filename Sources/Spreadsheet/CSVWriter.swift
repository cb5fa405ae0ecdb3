import Foundation

/// Writes CSV (RFC 4180) that Excel opens with Chinese intact: UTF-8 with a byte-order mark, CRLF line
/// endings, fields quoted only when they hold the delimiter, a quote (doubled) or a line break.
public struct CSVWriter: Sendable {
    /// The field separator, `,` by default.
    public var delimiter: Character
    /// Whether to start with a UTF-8 byte-order mark (Excel needs it to read UTF-8), `true` by default.
    public var writesByteOrderMark: Bool
    /// The record separator, CRLF by default.
    public var lineEnding: String

    /// A writer with these settings.
    public init(delimiter: Character = ",", writesByteOrderMark: Bool = true, lineEnding: String = "\r\n") {
        self.delimiter = delimiter
        self.writesByteOrderMark = writesByteOrderMark
        self.lineEnding = lineEnding
    }

    /// One record (with its line ending).
    public func encode(row: [String]) -> String {
        var out = ""
        for (i, field) in row.enumerated() {
            if i > 0 { out.append(delimiter) }
            out += quoted(field)
        }
        return out + lineEnding
    }

    /// A whole file: the byte-order mark (if set) and every record.
    public func encode(rows: [[String]]) -> Data {
        var data = Data(writesByteOrderMark ? [0xEF, 0xBB, 0xBF] : [])
        for row in rows { data.append(contentsOf: encode(row: row).utf8) }
        return data
    }

    /// Writes the rows to a file, streaming (the sequence may be lazy), replacing the file atomically.
    public func write<S: Sequence>(rows: S, to url: URL) throws where S.Element == [String] {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw SpreadsheetError.unwritableFile(path: url.path, reason: "cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            var buffer = Data(writesByteOrderMark ? [0xEF, 0xBB, 0xBF] : [])
            do {
                for row in rows {
                    buffer.append(contentsOf: encode(row: row).utf8)
                    if buffer.count >= 1 << 16 {
                        try handle.write(contentsOf: buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                try handle.write(contentsOf: buffer)
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            try FileOperations.replace(url, with: temporary)
        } catch let error as SpreadsheetError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw SpreadsheetError.unwritableFile(path: url.path, reason: String(describing: error))
        }
    }

    private func quoted(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// File replacement shared by the writers.
enum FileOperations {
    /// Moves `temporary` over `url` (rename(2): atomic on one file system).
    static func replace(_ url: URL, with temporary: URL) throws {
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            throw SpreadsheetError.unwritableFile(path: url.path, reason: String(cString: strerror(code)))
        }
    }
}
