import Foundation
import Spreadsheet
import Testing
@testable import Watchlist

@Suite("Seal input and keys")
struct InputTests {
    @Test("Bad rows are each reported with row and column; good rows parse")
    func rowErrors() throws {
        let good = Synthetic.idNumber(sequence: 5)
        var bad = Array(Synthetic.idNumber(sequence: 6))
        bad[17] = bad[17] == "1" ? "2" : "1"
        let table = SpreadsheetTable(header: WatchlistInput.columns, rows: [
            [good, "测试甲", "", "稳控人员", "2", "报告民警", "2030-01-01"],
            [String(bad), "测试乙", "", "稳控人员", "1", "", ""],
            ["", "测试丙", "", "可疑人员", "三级", "", ""],
            ["", "测试丁", "1990-02-30", "", "4", "", "2030/13/01"],
            ["", "", "", "", "", "", ""],
            ["", "测试戊", "1990-01-31", "可疑人员", "三级", "", ""],
        ])
        guard case let .failure(errors) = WatchlistInput.parse(table) else { Issue.record("accepted"); return }
        let found = Set(errors.errors.map { "\($0.row)/\($0.column)" })
        #expect(found == ["3/身份证号", "4/身份证号", "5/出生日期", "5/类别", "5/级别", "5/有效期至"])
        let ok = WatchlistInput.parse(SpreadsheetTable(header: WatchlistInput.columns, rows: [
            [good.lowercased(), "测试甲", "", "稳控人员", "二级", "报告民警", "20300101"],
            ["", "测试戊", "1990-01-31", "可疑人员", "3", "", ""],
        ]))
        let entries = try ok.get()
        #expect(entries.count == 2 && entries[0].level == .two && entries[0].validUntil == "2030-01-01")
        #expect(entries[1].identity.idInput == nil && entries[1].identity.nameInput != nil)
        #expect(entries[0].details(entryRef: UUID()).birthDate == "1980-01-01")
    }

    @Test("The same person twice is refused")
    func duplicates() throws {
        let w = try World()
        defer { w.cleanup() }
        var twin = Synthetic.entry(3)
        twin.row = 9
        twin.category = "可疑人员"
        #expect(throws: WatchlistInputErrors.self) { try w.seal([Synthetic.entry(3), twin]) }
    }

    @Test("The template parses")
    func template() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../templates/watchlist.csv")
        let entries = try WatchlistInput.read(url: url).get()
        #expect(entries.count >= 3)
    }

    @Test("Key files round-trip; trusted keys load from a file or a directory")
    func keys() throws {
        let w = try World()
        defer { w.cleanup() }
        let dir = w.root.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("issuer.key")
        try w.key.write(to: file)
        #expect(throws: WatchlistError.self) { try w.key.write(to: file) }
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let read = try IssuerKey(contentsOf: file)
        #expect(read.publicKey == w.key.publicKey && read.issuer == "测试分局")
        let trustDir = w.root.appendingPathComponent("trusted")
        try FileManager.default.createDirectory(at: trustDir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file.path + ".pub", toPath: trustDir.appendingPathComponent("bureau.pub").path)
        #expect(try TrustedKeys(path: trustDir.path).contains(w.key.publicKey))
        #expect(try TrustedKeys(path: file.path + ".pub").keys.count == 1)
        #expect(throws: WatchlistError.self) { try TrustedKeys(path: w.root.appendingPathComponent("none").path) }
    }
}
