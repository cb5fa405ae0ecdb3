import Foundation
import Testing

@testable import Spreadsheet

@Suite("XLSX writing and reading back")
struct XLSXRoundTripTests {
    static let tricky: [String] = [
        "A&B <c> \"d\" 'e'", "  leading", "trailing  ", "line1\nline2", "cr\r\nlf", "tab\there", "ctrl\u{1}x",
        "_x0041_ literal", "汉字😀", "=SUM(A1)", "01", "110105199001011234",
    ]

    @Test(arguments: [XLSXWriter.StringStorage.inlineStrings, .sharedStrings])
    func trickyTextSurvives(storage: XLSXWriter.StringStorage) throws {
        let folder = try TemporaryFolder()
        let url = folder.file("out.xlsx")
        let header = ["文本", "序号"]
        let rows = Self.tricky.enumerated().map { [$0.element, String($0.offset)] }
        try XLSXWriter.write([("住户", SpreadsheetTable(header: header, rows: rows))], to: url, storage: storage)
        let table = try XLSXReader(url: url).read()
        #expect(table.header == header)
        #expect(table.rows == rows)
        #expect(table.rowNumbers == Array(2...(rows.count + 1)))
    }

    @Test func emptyCellsKeepTheirColumns() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("sparse.xlsx")
        let writer = try XLSXWriter()
        try writer.beginSheet(named: "S", header: ["a", "b", "c", "d"])
        try writer.appendRow(["1", "", "", "4"])
        try writer.appendRow(["", "", "3"])
        try writer.appendRow([])
        try writer.appendRow(["x"])
        try writer.write(to: url)
        let rows = try XLSXReader(url: url).rows()
        #expect(rows.map(\.cells) == [["a", "b", "c", "d"], ["1", "", "", "4"], ["", "", "3"], [], ["x"]])
        #expect(rows.map(\.number) == [1, 2, 3, 4, 5])
        let table = try XLSXReader(url: url).read()
        #expect(table.rows == [["1", "", "", "4"], ["", "", "3", ""], ["x", "", "", ""]])
        #expect(table.rowNumbers == [2, 3, 5])
    }

    @Test func severalSheets() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("multi.xlsx")
        let writer = try XLSXWriter(storage: .sharedStrings)
        try writer.beginSheet(named: "房屋", header: ["地址"])
        try writer.appendRow(["1栋101"])
        try writer.beginSheet(named: "住户", header: ["姓名"])
        try writer.appendRows([["张三"], ["张三"], ["李四"]])
        try writer.beginSheet(named: "Empty")
        try writer.write(to: url)
        let reader = XLSXReader(url: url)
        #expect(try reader.sheetNames() == ["房屋", "住户", "Empty"])
        #expect(try reader.read().rows == [["1栋101"]])
        #expect(try reader.read(sheet: "住户").rows == [["张三"], ["张三"], ["李四"]])
        #expect(try reader.read(sheet: "empty").header == [])
        #expect(try reader.rows(sheet: "Empty").isEmpty)
    }

    @Test func wideRowsUseTwoAndThreeLetterColumns() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("wide.xlsx")
        let wide = (0..<800).map { "c\($0)" }
        let writer = try XLSXWriter()
        try writer.beginSheet(named: "W")
        try writer.appendRow(wide)
        try writer.write(to: url)
        #expect(try XLSXReader(url: url).rows().first?.cells == wide)
        #expect(XLSXParts.columnName(0) == "A")
        #expect(XLSXParts.columnName(25) == "Z")
        #expect(XLSXParts.columnName(26) == "AA")
        #expect(XLSXParts.columnName(701) == "ZZ")
        #expect(XLSXParts.columnName(702) == "AAA")
        #expect(XLSXParts.columnName(16383) == "XFD")
    }

    @Test func spreadsheetChoosesByContentNotName() throws {
        let folder = try TemporaryFolder()
        let table = SpreadsheetTable(header: ["姓名", "民族"], rows: [["张三", "01"]])
        let xlsx = folder.file("a.xlsx")
        let csv = folder.file("b.csv")
        try Spreadsheet.write(table, to: xlsx)
        try Spreadsheet.write(table, to: csv)
        #expect(try Spreadsheet.format(of: xlsx) == .xlsx)
        #expect(try Spreadsheet.format(of: csv) == .csv)
        // Misnamed files are still read by what they are.
        let misnamed = folder.file("really-xlsx.csv")
        try FileManager.default.copyItem(at: xlsx, to: misnamed)
        #expect(try Spreadsheet.read(url: misnamed) == table)
        #expect(try Spreadsheet.read(url: csv) == table)
        #expect(try Spreadsheet.read(data: Data(contentsOf: xlsx)) == table)
        #expect(try Spreadsheet.read(data: Data(contentsOf: csv)) == table)
    }

    @Test func writerRules() throws {
        let writer = try XLSXWriter()
        #expect(throws: SpreadsheetError.writerState("appendRow before beginSheet")) { try writer.appendRow(["x"]) }
        for bad in ["", "a/b", "a:b", "[x]", "why?", String(repeating: "长", count: 32), "'quoted'"] {
            #expect(throws: SpreadsheetError.invalidSheetName(bad)) { try writer.beginSheet(named: bad) }
        }
        try writer.beginSheet(named: "住户")
        #expect(throws: SpreadsheetError.invalidSheetName("住户")) { try writer.beginSheet(named: "住户") }
        let folder = try TemporaryFolder()
        try writer.write(to: folder.file("x.xlsx"))
        #expect(throws: SpreadsheetError.self) { try writer.write(to: folder.file("y.xlsx")) }
        #expect(throws: SpreadsheetError.self) { try XLSXWriter().write(to: folder.file("z.xlsx")) }
    }

    @Test func readsFromMemory() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("m.xlsx")
        try XLSXWriter.write([("S", SpreadsheetTable(header: ["h"], rows: [["v"]]))], to: url)
        let reader = XLSXReader(data: try Data(contentsOf: url))
        #expect(try reader.read().rows == [["v"]])
    }
}
