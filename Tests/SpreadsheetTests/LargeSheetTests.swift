import Foundation
import Testing

@testable import Spreadsheet

@Suite("Large sheets stream")
struct LargeSheetTests {
    static let rowCount = 100_000
    static let columnCount = 20

    static func row(_ i: Int) -> [String] {
        (0..<columnCount).map { c in c == 0 ? "张\(i)" : c == 1 ? String(110_105_199_001_010_000 + i) : "r\(i)c\(c)" }
    }

    @Test func hundredThousandRowsByTwentyColumns() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("large.xlsx")
        let clock = ContinuousClock()
        let writeTime = try clock.measure {
            let writer = try XLSXWriter()
            try writer.beginSheet(named: "住户", header: (0..<Self.columnCount).map { "列\($0)" })
            for i in 0..<Self.rowCount { try writer.appendRow(Self.row(i)) }
            try writer.write(to: url)
        }
        var count = 0
        var checked = 0
        let readTime = try clock.measure {
            try XLSXReader(url: url).forEachRow { row in
                count += 1
                if row.number > 1, row.number % 9973 == 0 {
                    #expect(row.cells == Self.row(row.number - 2))
                    checked += 1
                }
            }
        }
        #expect(count == Self.rowCount + 1)
        #expect(checked == Self.rowCount / 9973)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        print("large sheet: \(Self.rowCount)×\(Self.columnCount), \(size / 1024) KiB, write \(writeTime), read \(readTime)")
    }

    @Test func largeCSV() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("large.csv")
        try CSVWriter().write(rows: (0..<Self.rowCount).lazy.map(Self.row), to: url)
        var count = 0
        try CSVReader(url: url).forEachRow { row in
            count += 1
            if row.number == 54_321 { #expect(row.cells == Self.row(54_320)) }
        }
        #expect(count == Self.rowCount)
    }
}
