import Foundation

/// A buffered UTF-8 text file being written.
final class XMLFileStream {
    let file: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var closed = false

    init(file: URL) throws {
        self.file = file
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw SpreadsheetError.unwritableFile(path: file.path, reason: "cannot create the file")
        }
        handle = try FileHandle(forWritingTo: file)
        buffer.reserveCapacity(1 << 17)
    }

    deinit {
        try? handle.close()
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func write(bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        guard !closed else { return }
        closed = true
        try flush()
        try handle.close()
    }
}

/// One worksheet part being written row by row, straight to UTF-8 bytes.
final class SheetStream {
    private let stream: XMLFileStream
    private var rowNumber = 0
    private var bytes: [UInt8] = []
    private var columnNames: [[UInt8]] = []

    init(file: URL, header: [String]?, widths: [Double], selected: Bool) throws {
        stream = try XMLFileStream(file: file)
        try stream.write(XLSXParts.worksheetStart(frozenHeader: header != nil, widths: widths, selected: selected))
    }

    /// Appends a row; `sharedIndex` maps a text to its shared-string index (nil: inline strings).
    func appendRow(_ cells: [String], style: Int, sharedIndex: ((String) throws -> Int)?) throws {
        rowNumber += 1
        guard rowNumber <= 1_048_576 else { throw SpreadsheetError.writerState("more than 1,048,576 rows in a sheet") }
        guard cells.count <= 16_384 else { throw SpreadsheetError.writerState("more than 16,384 columns in a row") }
        let r = Array(String(rowNumber).utf8)
        let s = Array(String(style).utf8)
        while columnNames.count < cells.count { columnNames.append(Array(XLSXParts.columnName(columnNames.count).utf8)) }
        bytes.removeAll(keepingCapacity: true)
        append("<row r=\"")
        bytes.append(contentsOf: r)
        append("\">")
        for (column, text) in cells.enumerated() where !text.isEmpty {
            append("<c r=\"")
            bytes.append(contentsOf: columnNames[column])
            bytes.append(contentsOf: r)
            append("\" s=\"")
            bytes.append(contentsOf: s)
            if let sharedIndex {
                append("\" t=\"s\"><v>")
                bytes.append(contentsOf: String(try sharedIndex(text)).utf8)
                append("</v></c>")
            } else {
                append("\" t=\"inlineStr\"><is>")
                XLSXParts.appendTextElement(text, to: &bytes)
                append("</is></c>")
            }
        }
        append("</row>")
        try stream.write(bytes: bytes)
    }

    private func append(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    func finish() throws {
        try stream.write(XLSXParts.worksheetEnd)
        try stream.close()
    }
}
