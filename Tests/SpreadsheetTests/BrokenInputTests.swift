import Foundation
import Testing

@testable import Spreadsheet

@Suite("Broken and foreign inputs")
struct BrokenInputTests {
    private func write(_ data: Data, _ name: String, in folder: TemporaryFolder) throws -> URL {
        let url = folder.file(name)
        try data.write(to: url)
        return url
    }

    private func validWorkbook(in folder: TemporaryFolder, rows: Int = 200) throws -> Data {
        let url = folder.file("valid-\(UUID().uuidString).xlsx")
        let table = SpreadsheetTable(header: ["姓名", "编号"], rows: (0..<rows).map { ["张三\($0)", String($0)] })
        try XLSXWriter.write([("住户", table)], to: url)
        return try Data(contentsOf: url)
    }

    @Test func randomBytes() throws {
        let folder = try TemporaryFolder()
        var generator = SeededGenerator(seed: 42)
        var bytes = (0..<4096).map { _ in UInt8.random(in: 1...255, using: &generator) }
        let url = try write(Data(bytes), "random.xlsx", in: folder)
        // Not a zip: read as CSV, which refuses bytes that are no text encoding.
        let error = expectSpreadsheetError("csv_not_utf8") { try Spreadsheet.read(url: url) }
        #expect(error?.message == "文件不是 UTF-8 编码，请另存为 CSV UTF-8")
        expectSpreadsheetError("xlsx_invalid") { try XLSXReader(url: url).read() }
        bytes[100] = 0
        expectSpreadsheetError("csv_not_text") { try Spreadsheet.read(data: Data(bytes)) }
        let notXLSX = expectSpreadsheetError("xlsx_invalid") { try XLSXReader(data: Data(bytes)).read() }
        #expect(notXLSX?.message == "文件不是有效的 Excel 文件")
    }

    @Test func zipThatIsNotAWorkbook() throws {
        let folder = try TemporaryFolder()
        let zip = StoredZip.make([("hello.txt", "hello"), ("docs/readme.md", "# hi")])
        let url = try write(zip, "not-a-workbook.xlsx", in: folder)
        let error = expectSpreadsheetError("xlsx_invalid") { try Spreadsheet.read(url: url) }
        #expect(error?.message == "文件不是有效的 Excel 文件")
        expectSpreadsheetError("xlsx_invalid") { try XLSXReader(url: url).sheetNames() }
        // An empty zip archive.
        let empty = Data([0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18))
        expectSpreadsheetError("xlsx_invalid") { try Spreadsheet.read(data: empty) }
    }

    @Test func truncatedWorkbook() throws {
        let folder = try TemporaryFolder()
        let data = try validWorkbook(in: folder)
        for length in [10, 100, data.count / 2, data.count - 10] {
            let url = try write(data.prefix(length), "cut-\(length).xlsx", in: folder)
            let error = expectSpreadsheetError("xlsx_damaged") { try Spreadsheet.read(url: url) }
            #expect(error?.message == "Excel 文件不完整或已损坏")
        }
    }

    @Test func corruptedBytesInsideAPart() throws {
        let folder = try TemporaryFolder()
        var data = try validWorkbook(in: folder, rows: 2000)
        // Flip bytes in the middle of the compressed data: a checksum or inflate error, never garbage rows.
        for i in stride(from: data.count / 3, to: data.count / 3 + 64, by: 1) { data[i] ^= 0x5A }
        let url = try write(data, "flipped.xlsx", in: folder)
        do {
            _ = try Spreadsheet.read(url: url)
            Issue.record("a corrupted workbook was read")
        } catch let error as SpreadsheetError {
            #expect(["xlsx_damaged", "xlsx_malformed", "xlsx_invalid"].contains(error.code), "\(error)")
        }
    }

    @Test func missingSheet() throws {
        let folder = try TemporaryFolder()
        let url = try write(try validWorkbook(in: folder), "book.xlsx", in: folder)
        let error = expectSpreadsheetError("xlsx_sheet_not_found") { try XLSXReader(url: url).read(sheet: "汇总") }
        #expect(error?.message == "找不到工作表 “汇总”")
        #expect(error == .sheetNotFound(name: "汇总", available: ["住户"]))
        #expect(error?.detail == "sheets: 住户")
    }

    @Test func legacyExcelAndEncryptedWorkbooks() throws {
        let ole = Data(XLSXPackage.oleMagic + [UInt8](repeating: 0, count: 504))
        let error = expectSpreadsheetError("xls_unsupported") { try Spreadsheet.read(data: ole) }
        #expect(error?.message == "不支持旧版 .xls 或加密的 Excel 文件，请另存为 .xlsx")
        expectSpreadsheetError("xls_unsupported") { try XLSXReader(data: ole).read() }
    }

    @Test func malformedSheetXML() {
        let cut = StoredZip.workbook(sheetXML: "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c>")
        let error = expectSpreadsheetError("xlsx_malformed") { try XLSXReader(data: cut).read() }
        #expect(error?.message == "Excel 文件内容无法识别")
        expectSpreadsheetError("xlsx_malformed") {
            try XLSXReader(data: StoredZip.workbook(sheetXML: "<worksheet><sheetData><row r=\"1\"><c r=A1/></row></sheetData></worksheet>")).read()
        }
        expectSpreadsheetError("xlsx_malformed") {
            try XLSXReader(data: StoredZip.workbook(sheetXML: "<!DOCTYPE x [<!ENTITY a \"b\">]><worksheet/>")).read()
        }
        expectSpreadsheetError("xlsx_malformed") {
            try XLSXReader(data: StoredZip.workbook(sheetXML: "<worksheet><sheetData><row r=\"9999999\"/></sheetData></worksheet>")).read()
        }
        // A shared-string index past the end of the shared strings: refused, not read as an empty cell.
        expectSpreadsheetError("xlsx_malformed") {
            try XLSXReader(data: StoredZip.workbook(
                sheetXML: "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row></sheetData></worksheet>",
                sharedStrings: "<sst><si><t>only</t></si></sst>"
            )).read()
        }
    }

    @Test func emptyFileIsAnEmptyTable() throws {
        let table = try Spreadsheet.read(data: Data())
        #expect(table.header.isEmpty)
        #expect(table.rows.isEmpty)
    }
}

/// A deterministic generator (SplitMix64) so failures are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
