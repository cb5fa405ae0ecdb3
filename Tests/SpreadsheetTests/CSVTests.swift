import Foundation
import Testing

@testable import Spreadsheet

@Suite("CSV reading and writing")
struct CSVTests {
    private func rows(_ text: String) throws -> [SpreadsheetRow] {
        try CSVReader(data: Data(text.utf8)).rows()
    }

    @Test func simpleRecords() throws {
        #expect(try CSVReader.parse("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try CSVReader.parse("a,b,c\r\n1,2,3") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try CSVReader.parse("a,b\r1,2\r") == [["a", "b"], ["1", "2"]])
        #expect(try CSVReader.parse("") == [])
        #expect(try CSVReader.parse("\n") == [[""]])
        #expect(try CSVReader.parse("a,,c,\n,") == [["a", "", "c", ""], ["", ""]])
    }

    @Test func quotedFields() throws {
        #expect(try CSVReader.parse("\"a,b\",\"say \"\"hi\"\"\",c\n") == [["a,b", "say \"hi\"", "c"]])
        #expect(try CSVReader.parse("\"line1\nline2\",x\r\n\"crlf\r\ninside\",y") == [["line1\nline2", "x"], ["crlf\r\ninside", "y"]])
        #expect(try CSVReader.parse("\"\",\"\"\n") == [["", ""]])
        #expect(try CSVReader.parse("\"end\",") == [["end", ""]])
        // Excel's leniency: a quote inside an unquoted field is a character.
        #expect(try CSVReader.parse("5\" screen,x") == [["5\" screen", "x"]])
    }

    @Test func byteOrderMarkAndChinese() throws {
        let data = Data([0xEF, 0xBB, 0xBF] + Array("姓名,民族\r\n张三,汉族\r\n".utf8))
        let table = try CSVReader(data: data).read()
        #expect(table.header == ["姓名", "民族"])
        #expect(table.rows == [["张三", "汉族"]])
        #expect(try CSVReader.parse("\u{FEFF}a,b") == [["a", "b"]])
    }

    @Test func rowNumbersAreStartingLines() throws {
        let read = try rows("h1,h2\n\"multi\nline\",x\n\nlast,y\n")
        #expect(read.map(\.number) == [1, 2, 4, 5])
        #expect(read[1].cells == ["multi\nline", "x"])
        #expect(read[2].cells == [""])
        let table = try CSVReader(data: Data("h1,h2\n\"multi\nline\",x\n\nlast,y\n".utf8)).read()
        #expect(table.rows == [["multi\nline", "x"], ["last", "y"]])
        #expect(table.rowNumbers == [2, 5])
    }

    @Test func syntaxErrorsNameTheLine() {
        let open = expectSpreadsheetError("csv_syntax") { try rows("a,b\n\"c,d\ne,f\n") }
        #expect(open == .csvSyntax(line: 2, reason: .unterminatedQuote))
        #expect(open?.message == "第 2 行：引号未闭合")
        let after = expectSpreadsheetError("csv_syntax") { try rows("a\n\"x\ny\"z,1\n") }
        #expect(after == .csvSyntax(line: 3, reason: .textAfterClosingQuote))
        #expect(after?.message == "第 3 行：引号后应为逗号或换行")
    }

    @Test func gbkInputIsDecoded() throws {
        // "姓名,民族\r\n张三,汉族\r\n" as Excel saves "CSV" on Chinese Windows (GBK).
        let gbk: [UInt8] = [208, 213, 195, 251, 44, 195, 241, 215, 229, 13, 10, 213, 197, 200, 253, 44, 186, 186, 215, 229, 13, 10]
        let table = try CSVReader(data: Data(gbk)).read()
        #expect(table.header == ["姓名", "民族"])
        #expect(table.rows == [["张三", "汉族"]])
        // A four-byte GB18030 sequence (U+20000).
        #expect(try CSVReader(data: Data([149, 50, 130, 54, 44, 0x41])).rows().first?.cells == ["\u{20000}", "A"])
    }

    @Test func neitherUTF8NorGB18030() {
        let error = expectSpreadsheetError("csv_not_utf8") { try CSVReader(data: Data([0x41, 0xFF, 0x42, 0x2C, 0xFF])).rows() }
        #expect(error?.message == "文件不是 UTF-8 编码，请另存为 CSV UTF-8")
        expectSpreadsheetError("csv_not_utf8") { try CSVReader(data: Data([0xEF, 0xBB, 0xBF, 0xC3, 0x28])).rows() }
        expectSpreadsheetError("csv_not_text") { try CSVReader(data: Data([0x41, 0x00, 0x42])).rows() }
    }

    @Test func utf16WithByteOrderMark() throws {
        var data = Data([0xFF, 0xFE])
        data.append("姓名\t民族\r\n张三\t汉族\r\n".data(using: .utf16LittleEndian)!)
        let table = try CSVReader(data: data, delimiter: "\t").read()
        #expect(table.header == ["姓名", "民族"])
        #expect(table.rows == [["张三", "汉族"]])
    }

    @Test func writerQuotesOnlyWhatNeedsIt() {
        let writer = CSVWriter()
        #expect(writer.encode(row: ["a", "b c", "d,e", "say \"hi\"", "x\ny", ""]) == "a,b c,\"d,e\",\"say \"\"hi\"\"\",\"x\ny\",\r\n")
        let data = writer.encode(rows: [["姓名"], ["张三"]])
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: data.dropFirst(3), as: UTF8.self) == "姓名\r\n张三\r\n")
        let plain = CSVWriter(delimiter: ";", writesByteOrderMark: false, lineEnding: "\n")
        #expect(String(decoding: plain.encode(rows: [["a;b", "c"]]), as: UTF8.self) == "\"a;b\";c\n")
    }

    @Test func roundTripThroughAFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("住户.csv")
        let rows: [[String]] = [
            ["姓名", "身份号码", "备注"],
            ["张三", "110105199001011234", "a,b \"q\"\nnext line"],
            ["李四", "01", "  spaces  "],
            ["", "", "😀"],
        ]
        try CSVWriter().write(rows: rows, to: url)
        #expect(try CSVReader(url: url).rows().map(\.cells) == rows)
        // Writing again replaces the file.
        try CSVWriter().write(rows: rows.prefix(2), to: url)
        #expect(try CSVReader(url: url).rows().count == 2)
        let table = try Spreadsheet.read(url: url)
        #expect(table.header == ["姓名", "身份号码", "备注"])
        #expect(table.rows == [rows[1]])
    }

    @Test func missingFile() {
        expectSpreadsheetError("file_unreadable") { try Spreadsheet.read(url: URL(fileURLWithPath: "/nonexistent/x.csv")) }
        expectSpreadsheetError("file_unreadable") { try CSVReader(url: URL(fileURLWithPath: "/nonexistent/x.csv")).rows() }
    }

    @Test func bodyErrorsPassThrough() {
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try CSVReader(data: Data("a\nb\n".utf8)).forEachRow { _ in throw Stop() }
        }
    }
}
