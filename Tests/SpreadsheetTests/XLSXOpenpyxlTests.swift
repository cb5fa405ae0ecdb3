import Foundation
import Testing

@testable import Spreadsheet

/// Files written by another program (openpyxl), and our files read by it.
@Suite("XLSX interoperability with openpyxl", .enabled(if: OpenPyXL.isAvailable, "python3-openpyxl is not installed"))
struct XLSXOpenpyxlTests {
    static let writeScript = #"""
import sys, datetime, openpyxl
from openpyxl.styles import Font
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "住户"
ws.append(["姓名", "身份号码", "电话", "到达日期", "面积", "是否户主", "备注"])
ws["A1"].font = Font(bold=True)
ws.append(["张三", "110105199001011234", 13800138000, datetime.date(2024, 3, 5), 56.5, True, None])
ws.append(["李四", "11010519900101123X", None, datetime.datetime(2024, 3, 5, 14, 30, 0), 100, False, "A&B <c>"])
ws["A6"] = "王五"
ws["G6"] = "备注六"
ws["AB7"] = "far"
ws["A8"] = "赵六"
ws["D8"] = datetime.date(2020, 1, 2)
ws["D8"].number_format = 'yyyy"年"m"月"d"日"'
ws["E8"] = datetime.time(8, 30)
ws["F8"] = 0.5
ws["F8"].number_format = "0%"
ws["G8"] = 1 / 3
ws["B8"] = -12.75
ws["C8"] = 1e20
ws2 = wb.create_sheet("第二页")
ws2.append(["a", "b"])
ws2.append([1, 2.25])
ws2.append(["  spaced  ", "多行\n文本"])
wb.create_sheet("Empty")
wb.save(sys.argv[1])
"""#

    @Test func readsAWorkbookWrittenByOpenpyxl() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("openpyxl.xlsx")
        try OpenPyXL.run(Self.writeScript, arguments: [url.path])
        let reader = XLSXReader(url: url)
        #expect(try reader.sheetNames() == ["住户", "第二页", "Empty"])

        let rows = try reader.rows()
        #expect(rows.map(\.number) == [1, 2, 3, 6, 7, 8])
        #expect(rows[0].cells == ["姓名", "身份号码", "电话", "到达日期", "面积", "是否户主", "备注"])
        #expect(rows[1].cells == ["张三", "110105199001011234", "13800138000", "2024-03-05", "56.5", "TRUE"])
        #expect(rows[2].cells == ["李四", "11010519900101123X", "", "2024-03-05 14:30:00", "100", "FALSE", "A&B <c>"])
        #expect(rows[3].cells == ["王五", "", "", "", "", "", "备注六"])
        #expect(rows[4].cells == Array(repeating: "", count: 27) + ["far"])
        #expect(rows[5].cells == ["赵六", "-12.75", "1E+20", "2020-01-02", "08:30:00", "0.5", "0.333333333333333"])

        let table = try reader.read()
        #expect(table.header.count == 7)
        #expect(table.rowNumbers == [2, 3, 6, 7, 8])
        #expect(table.rows[2] == ["王五", "", "", "", "", "", "备注六"])
        #expect(table.rows[3].count == 28)

        let second = try reader.read(sheet: "第二页")
        #expect(second.header == ["a", "b"])
        #expect(second.rows == [["1", "2.25"], ["  spaced  ", "多行\n文本"]])
        #expect(try reader.rows(sheet: "Empty").isEmpty)
        expectSpreadsheetError("xlsx_sheet_not_found") { try reader.read(sheet: "汇总") }
        #expect(try Spreadsheet.read(url: url, sheet: "第二页") == second)
    }

    static let readScript = #"""
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "rows": {}, "bold": {}, "freeze": {}}
for ws in wb.worksheets:
    out["rows"][ws.title] = [[("" if v is None else v) for v in row] for row in ws.iter_rows(values_only=True)]
    out["bold"][ws.title] = bool(ws["A1"].font and ws["A1"].font.b)
    out["freeze"][ws.title] = ws.freeze_panes
print(json.dumps(out, ensure_ascii=False))
"""#

    struct Dump: Decodable {
        let sheets: [String]
        let rows: [String: [[String]]]
        let bold: [String: Bool]
        let freeze: [String: String?]
    }

    @Test(arguments: [XLSXWriter.StringStorage.inlineStrings, .sharedStrings])
    func openpyxlReadsWhatWeWrite(storage: XLSXWriter.StringStorage) throws {
        let folder = try TemporaryFolder()
        let url = folder.file("ours.xlsx")
        let texts = XLSXRoundTripTests.tricky
        let people = SpreadsheetTable(
            header: ["姓名", "身份号码", "备注"],
            rows: [["张三", "110105199001011234", "01"], ["李四", "", "a&b"]] + texts.map { ["t", "", $0] }
        )
        let houses = SpreadsheetTable(header: ["地址"], rows: [["丹心酒楼 1栋"]])
        try XLSXWriter.write([("住户", people), ("房屋", houses)], to: url, storage: storage)

        let json = try OpenPyXL.run(Self.readScript, arguments: [url.path])
        let dump = try JSONDecoder().decode(Dump.self, from: Data(json.utf8))
        #expect(dump.sheets == ["住户", "房屋"])
        #expect(dump.bold["住户"] == true)
        #expect(dump.freeze["住户"] == "A2")
        let rows = try #require(dump.rows["住户"])
        #expect(rows[0] == people.header)
        #expect(rows[1] == ["张三", "110105199001011234", "01"])
        #expect(rows[2] == ["李四", "", "a&b"])
        // openpyxl 3.0 does not decode OOXML's _xHHHH_ escapes consistently (Excel and LibreOffice do), so the
        // two texts that need one are left to our own round trip (XLSXRoundTripTests).
        let plain = texts.indices.filter { !texts[$0].contains("_x") && !texts[$0].contains("\u{1}") }
        #expect(plain.count == texts.count - 2)
        #expect(plain.map { rows[3 + $0][2] } == plain.map { texts[$0] })
        #expect(dump.rows["房屋"] == [["地址"], ["丹心酒楼 1栋"]])
    }
}
