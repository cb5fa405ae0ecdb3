import Foundation
import Testing

@testable import Spreadsheet

@Suite("XLSX cells: types, numbers, dates, references")
struct XLSXCellTests {
    @Test func dateSerials() {
        #expect(XLSXCellFormat.dateText(serial: 1, kind: .date, date1904: false) == "1900-01-01")
        #expect(XLSXCellFormat.dateText(serial: 59, kind: .date, date1904: false) == "1900-02-28")
        #expect(XLSXCellFormat.dateText(serial: 61, kind: .date, date1904: false) == "1900-03-01")
        #expect(XLSXCellFormat.dateText(serial: 45_356, kind: .date, date1904: false) == "2024-03-05")
        #expect(XLSXCellFormat.dateText(serial: 45_356.6041666667, kind: .dateTime, date1904: false) == "2024-03-05 14:30:00")
        #expect(XLSXCellFormat.dateText(serial: 45_356.0, kind: .dateTime, date1904: false) == "2024-03-05")
        #expect(XLSXCellFormat.dateText(serial: 0.3541666667, kind: .time, date1904: false) == "08:30:00")
        #expect(XLSXCellFormat.dateText(serial: 0, kind: .date, date1904: true) == "1904-01-01")
        #expect(XLSXCellFormat.dateText(serial: 43_894, kind: .date, date1904: true) == "2024-03-05")
        #expect(XLSXCellFormat.dateText(serial: -1, kind: .date, date1904: false) == nil)
        #expect(XLSXCellFormat.isoDateText("2024-03-05T00:00:00") == "2024-03-05")
        #expect(XLSXCellFormat.isoDateText("2024-03-05T14:30:00Z") == "2024-03-05 14:30:00")
    }

    @Test func numberFormats() {
        #expect(XLSXCellFormat(builtinID: 14) == .date)
        #expect(XLSXCellFormat(builtinID: 22) == .dateTime)
        #expect(XLSXCellFormat(builtinID: 20) == .time)
        #expect(XLSXCellFormat(builtinID: 31) == .date)  // yyyy"年"m"月"d"日" in zh-CN
        #expect(XLSXCellFormat(builtinID: 0) == .general)
        #expect(XLSXCellFormat(builtinID: 49) == .general)
        #expect(XLSXCellFormat(formatCode: "yyyy-mm-dd") == .date)
        #expect(XLSXCellFormat(formatCode: "yyyy\"年\"m\"月\"d\"日\"") == .date)
        #expect(XLSXCellFormat(formatCode: "yyyy-mm-dd h:mm:ss") == .dateTime)
        #expect(XLSXCellFormat(formatCode: "[$-F800]dddd, mmmm dd, yyyy") == .date)
        #expect(XLSXCellFormat(formatCode: "h:mm AM/PM") == .time)
        #expect(XLSXCellFormat(formatCode: "[h]:mm:ss") == .time)
        #expect(XLSXCellFormat(formatCode: "General") == .general)
        #expect(XLSXCellFormat(formatCode: "0.00%") == .general)
        #expect(XLSXCellFormat(formatCode: "#,##0.00\"元\"") == .general)
        #expect(XLSXCellFormat(formatCode: "[Red]0.00;[Blue]-0.00") == .general)
        #expect(XLSXCellFormat(formatCode: "0.00E+00") == .general)
        #expect(XLSXCellFormat(formatCode: "@") == .general)
        #expect(XLSXCellFormat.numberText(13_800_138_000) == "13800138000")
        #expect(XLSXCellFormat.numberText(3.14) == "3.14")
        #expect(XLSXCellFormat.numberText(0.1 + 0.2) == "0.3")
        #expect(XLSXCellFormat.numberText(-0.0) == "0")
        #expect(XLSXCellFormat.numberText(1e-5) == "1E-05")
        #expect(XLSXCellFormat.general.text(ofNumber: "abc", date1904: false) == "abc")
    }

    @Test func handWrittenSheet() throws {
        let styles = """
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
        <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/></numFmts>
        <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
        <cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>
        </styleSheet>
        """
        let shared = """
        <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
        <si><t>姓名</t></si>
        <si><r><t>丹心</t></r><r><rPr><b/></rPr><t xml:space="preserve">酒楼 </t></r><rPh sb="0" eb="1"><t>ダン</t></rPh></si>
        <si><t>line_x000D__x000A_two &amp; _x005F_x0041_</t></si>
        </sst>
        """
        // Prefixed names (x:), cells without references, a row without a number, CDATA, comments, formulas.
        let sheet = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- written by hand -->
        <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
        <x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c r="D1" t="s"><x:v>2</x:v></x:c></x:row>
        <x:row><x:c r="B2" s="1"><x:v>45356</x:v></x:c><x:c r="C2" s="2"><x:v>45357</x:v></x:c><x:c r="E2" t="b"><x:v>1</x:v></x:c></x:row>
        <x:row r="4"><x:c r="A4" t="str"><x:f>A1&amp;"x"</x:f><x:v>姓名x</x:v></x:c><x:c r="B4" t="e"><x:v>#N/A</x:v></x:c><x:c r="C4" t="inlineStr"><x:is><x:t><![CDATA[<raw> & ]]></x:t></x:is></x:c><x:c r="$D$4" t="d"><x:v>2024-03-05T00:00:00</x:v></x:c><x:c r="E4"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="F4" s="0"/></x:row>
        </x:sheetData></x:worksheet>
        """
        let data = StoredZip.workbook(sheetXML: sheet, sharedStrings: shared, styles: styles)
        let rows = try XLSXReader(data: data).rows()
        #expect(rows.map(\.number) == [1, 2, 4])
        #expect(rows[0].cells == ["姓名", "丹心酒楼 ", "", "line\r\ntwo & _x0041_"])
        #expect(rows[1].cells == ["", "2024/03/05".replacingOccurrences(of: "/", with: "-"), "2024-03-06", "", "TRUE"])
        #expect(rows[2].cells == ["姓名x", "#N/A", "<raw> & ", "2024-03-05", "2"])
    }

    @Test func tokenizerHandlesAnyChunking() throws {
        struct Collector: XMLHandler {
            var events: [String] = []
            mutating func startElement(_ tag: XMLTag) throws {
                events.append("<\(tag.name.string)" + (tag.attribute("a").map { " a=\($0)" } ?? ""))
            }
            mutating func endElement(_ name: XMLBytes) throws { events.append("</\(name.string)") }
            mutating func text(_ text: XMLText) throws {
                let s = text.string
                if events.last?.hasPrefix("#") == true { events[events.count - 1] += s } else { events.append("#" + s) }
            }
        }
        let xml = Array("<?xml version=\"1.0\"?><r:root xmlns:r=\"u\"><a a='1 &gt; 0'>x &amp; y<!-- c --><![CDATA[<z>]]>&#x4E2D;&#25991;</a><b a=\"q>\"/>\r\n</r:root>".utf8)
        var whole = Collector()
        var tokenizer = XMLTokenizer()
        try tokenizer.feed(xml, to: &whole)
        try tokenizer.finish(&whole)
        #expect(whole.events == ["<root", "<a a=1 > 0", "#x & y<z>中文", "</a", "<b a=q>", "</b", "#\n", "</root"])
        for size in [1, 2, 3, 7] {
            var chunked = Collector()
            var t = XMLTokenizer()
            var i = 0
            while i < xml.count {
                try t.feed(xml[i..<min(xml.count, i + size)], to: &chunked)
                i += size
            }
            try t.finish(&chunked)
            #expect(chunked.events == whole.events, "chunks of \(size)")
        }
    }
}
