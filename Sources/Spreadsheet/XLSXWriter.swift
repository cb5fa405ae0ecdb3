import Foundation
import ZIPFoundation

/// Writes an .xlsx workbook of text cells that Excel, WPS, LibreOffice and openpyxl open: one or more
/// sheets, each with an optional bold header row (frozen, so it stays visible while scrolling) and
/// columns formatted as text (so 身份号码 and codes like `01` stay as typed when someone edits the file).
///
/// Rows are streamed to temporary files as they come, so memory stays bounded however many rows are
/// written (with `.inlineStrings`, the default; `.sharedStrings` keeps one copy of each distinct text).
///
///     let writer = try XLSXWriter()
///     try writer.beginSheet(named: "住户", header: ["姓名", "身份号码"])
///     try writer.appendRow(["张三", "110105199001011234"])
///     try writer.write(to: url)
///
/// The writer is safe to share between tasks (its methods take a lock), but rows of one sheet must come from
/// one place in order.
public final class XLSXWriter: @unchecked Sendable {
    /// How cell text is stored.
    public enum StringStorage: Sendable {
        /// In each cell (`t="inlineStr"`): bounded memory, what streaming writers use.
        case inlineStrings
        /// In the shared-strings part (`t="s"`), each distinct text once: smaller files.
        case sharedStrings
    }

    private let storage: StringStorage
    private let lock = NSLock()
    private let directory: URL
    private var sheets: [(name: String, file: URL)] = []
    private var sheet: SheetStream?
    private var sharedStrings: [String: Int] = [:]
    private var sharedStringsStream: XMLFileStream?
    private var sharedStringsCount = 0
    private var sharedStringsUses = 0
    private var finished = false

    /// A writer that stores text as `storage` says.
    public init(storage: StringStorage = .inlineStrings) throws {
        self.storage = storage
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-xlsx-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SpreadsheetError.unwritableFile(path: directory.path, reason: String(describing: error))
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts a new sheet (ending the previous one). With a header, row 1 holds it in bold, frozen; column
    /// widths follow `columnWidths` (in characters) or else the header's text.
    public func beginSheet(named name: String, header: [String]? = nil, columnWidths: [Double]? = nil) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { throw SpreadsheetError.writerState("the workbook is already written") }
        try Self.validate(sheetName: name, existing: sheets.map(\.name))
        try sheet?.finish()
        let file = directory.appendingPathComponent("sheet\(sheets.count + 1).xml")
        let widths = columnWidths ?? header.map { $0.map(Self.width(of:)) } ?? []
        sheet = try SheetStream(file: file, header: header, widths: widths, selected: sheets.isEmpty)
        sheets.append((name, file))
        if let header { try appendRow(header, style: XLSXParts.headerStyle) }  // internal: no lock
    }

    /// Appends a row of text to the current sheet (empty strings leave the cell empty).
    public func appendRow(_ cells: [String]) throws {
        lock.lock()
        defer { lock.unlock() }
        try appendRow(cells, style: XLSXParts.textStyle)
    }

    /// Appends rows to the current sheet.
    public func appendRows<S: Sequence>(_ rows: S) throws where S.Element == [String] {
        lock.lock()
        defer { lock.unlock() }
        for row in rows { try appendRow(row, style: XLSXParts.textStyle) }
    }

    /// Finishes the workbook and writes it to `url`, replacing the file atomically. The writer cannot be
    /// used afterwards.
    public func write(to url: URL) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { throw SpreadsheetError.writerState("the workbook is already written") }
        guard !sheets.isEmpty else { throw SpreadsheetError.writerState("a workbook needs at least one sheet") }
        finished = true
        try sheet?.finish()
        sheet = nil
        var sharedStringsFile: URL?
        if storage == .sharedStrings {
            let file = directory.appendingPathComponent("sharedStrings.xml")
            try sharedStringsStream?.close()
            try XLSXParts.writeSharedStrings(
                to: file, items: sharedStringsStream?.file, uniqueCount: sharedStringsCount, count: sharedStringsUses
            )
            sharedStringsFile = file
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            let archive = try Archive(url: temporary, accessMode: .create)
            func add(_ path: String, _ text: String) throws {
                let data = Data(text.utf8)
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
                ) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            try add("[Content_Types].xml", XLSXParts.contentTypes(sheetCount: sheets.count, sharedStrings: sharedStringsFile != nil))
            try add("_rels/.rels", XLSXParts.packageRelationships)
            try add("docProps/app.xml", XLSXParts.appProperties)
            try add("docProps/core.xml", XLSXParts.coreProperties(date: Date()))
            try add("xl/workbook.xml", XLSXParts.workbook(sheetNames: sheets.map(\.name)))
            try add("xl/_rels/workbook.xml.rels", XLSXParts.workbookRelationships(sheetCount: sheets.count, sharedStrings: sharedStringsFile != nil))
            try add("xl/styles.xml", XLSXParts.styles)
            for (i, sheet) in sheets.enumerated() {
                try archive.addEntry(with: "xl/worksheets/sheet\(i + 1).xml", fileURL: sheet.file, compressionMethod: .deflate)
            }
            if let sharedStringsFile {
                try archive.addEntry(with: "xl/sharedStrings.xml", fileURL: sharedStringsFile, compressionMethod: .deflate)
            }
            try FileOperations.replace(url, with: temporary)
        } catch let error as SpreadsheetError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw SpreadsheetError.unwritableFile(path: url.path, reason: String(describing: error))
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes tables as sheets of one workbook, each table's header in bold and frozen, column widths from
    /// the header and the first 1,000 rows.
    public static func write(
        _ sheets: [(name: String, table: SpreadsheetTable)], to url: URL, storage: StringStorage = .inlineStrings
    ) throws {
        let writer = try XLSXWriter(storage: storage)
        for (name, table) in sheets {
            var widths = table.header.map(width(of:))
            for row in table.rows.prefix(1000) {
                for (i, cell) in row.enumerated() {
                    let w = width(of: cell)
                    if i < widths.count { widths[i] = max(widths[i], w) } else { widths.append(w) }
                }
            }
            try writer.beginSheet(named: name, header: table.header, columnWidths: widths)
            try writer.appendRows(table.rows)
        }
        try writer.write(to: url)
    }

    // MARK: - Internals

    private func appendRow(_ cells: [String], style: Int) throws {
        guard let sheet else { throw SpreadsheetError.writerState("appendRow before beginSheet") }
        switch storage {
        case .inlineStrings:
            try sheet.appendRow(cells, style: style, sharedIndex: nil)
        case .sharedStrings:
            try sheet.appendRow(cells, style: style) { text in try self.sharedIndex(of: text) }
        }
    }

    private func sharedIndex(of text: String) throws -> Int {
        sharedStringsUses += 1
        if let index = sharedStrings[text] { return index }
        let stream: XMLFileStream
        if let existing = sharedStringsStream {
            stream = existing
        } else {
            stream = try XMLFileStream(file: directory.appendingPathComponent("sharedStrings.items"))
            sharedStringsStream = stream
        }
        try stream.write("<si>" + XLSXParts.textElement(text) + "</si>")
        let index = sharedStringsCount
        sharedStrings[text] = index
        sharedStringsCount += 1
        return index
    }

    /// The display width of a text in Excel's character units: CJK and full-width characters count two.
    static func width(of text: String) -> Double {
        let units = text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
        return Double(min(60, max(8, units + 2)))
    }

    /// Excel's rules for sheet names.
    static func validate(sheetName name: String, existing: [String]) throws {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        guard !name.isEmpty, name.count <= 31, !name.contains(where: forbidden.contains),
              !name.hasPrefix("'"), !name.hasSuffix("'"),
              !existing.contains(where: { $0.lowercased() == name.lowercased() })
        else { throw SpreadsheetError.invalidSheetName(name) }
    }
}
