import Foundation
import IDCard
import Testing

@Suite("renfang watchlist")
struct WatchlistCLITests {
    /// A synthetic number (made up; check character computed).
    static func number(_ first17: String) -> String {
        first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
    }

    @Test("keygen → seal → import → status → check (audited); a tampered bundle and bad rows are refused")
    func endToEnd() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let register = ["--database", dir.appendingPathComponent("r.sqlite").path, "--key", dir.appendingPathComponent("data.key").path]
        let lists = ["--watchlist-dir", dir.appendingPathComponent("lists").path]
        #expect(try renfang(["init", "--station-code", "110105001", "--station-name", "测试派出所"] + register).status == 0)
        let key = dir.appendingPathComponent("issuer.key").path
        let keygen = try renfang(["watchlist", "keygen", "--issuer", "测试分局", "--out", key])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let listed = Self.number("44010619850312001"), other = Self.number("44010619850312002")
        let input = dir.appendingPathComponent("list.csv")
        try "身份证号,姓名,出生日期,类别,级别,处置要求,有效期至\n\(listed),测试甲,,稳控人员,1,立即报告（测试）,\n,测试丙,1978-06-15,可疑人员,3,核实身份,\n"
            .write(to: input, atomically: true, encoding: .utf8)
        let bundle = dir.appendingPathComponent("v1.rfwl").path
        let seal = try renfang(["watchlist", "seal", "--in", input.path, "--issuer-key", key, "--list-id", "bureau",
                                "--cost-log2n", "4", "--out", bundle])
        #expect(seal.status == 0, "\(seal.stdout) \(seal.stderr)")
        #expect(seal.stderr.contains("加密名单 [") && seal.stdout.contains("版本 1"))

        let trusted = ["--trusted-keys", key + ".pub"]
        var tampered = try Data(contentsOf: URL(fileURLWithPath: bundle))
        tampered[tampered.count / 2] ^= 0x40
        let badFile = dir.appendingPathComponent("bad.rfwl").path
        try tampered.write(to: URL(fileURLWithPath: badFile))
        let refused = try renfang(["watchlist", "import", badFile] + trusted + lists + register)
        #expect(refused.status == 1 && refused.stderr.contains("在用名单不变"), "\(refused.stderr)")
        let imported = try renfang(["watchlist", "import", bundle] + trusted + lists + register)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("版本 1") && imported.stdout.contains("在用 3 条"), "\(imported.stdout)")
        let again = try renfang(["watchlist", "import", bundle] + trusted + lists + register)
        #expect(again.status == 1 && again.stderr.contains("watchlist.staleVersion"))

        let status = try renfang(["watchlist", "status"] + lists)
        #expect(status.stdout.contains("bureau  版本 1  签发 测试分局  3 条"), "\(status.stdout)")

        let hit = try renfang(["watchlist", "check", "--id", listed.lowercased()] + lists + register)
        #expect(hit.status == 0 && hit.stdout.contains("命中：名单 bureau") && hit.stdout.contains("一级 稳控人员"), "\(hit.stdout) \(hit.stderr)")
        #expect(!hit.stdout.contains(listed))
        let miss = try renfang(["watchlist", "check", "--id", other] + lists + register)
        #expect(miss.status == 0 && miss.stdout.hasPrefix("未命中"), "\(miss.stdout) \(miss.stderr)")
        let byName = try renfang(["watchlist", "check", "--name", "测试丙", "--birth-date", "1978-06-15"] + lists + register)
        #expect(byName.stdout.contains("可疑人员"), "\(byName.stdout)")
        // init + import + refused import + refused re-import + 3 checks, chained.
        let verify = try renfang(["audit", "verify"] + register)
        #expect(verify.status == 0 && verify.stdout.hasPrefix("OK 7"), "\(verify.stdout)")

        let bad = dir.appendingPathComponent("bad.csv")
        try "身份证号,姓名,出生日期,类别,级别\n\(String(listed.dropLast()) + (listed.last == "1" ? "2" : "1")),测试甲,,稳控人员,1\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        let rows = try renfang(["watchlist", "seal", "--in", bad.path, "--issuer-key", key, "--list-id", "bureau",
                                "--cost-log2n", "4", "--out", dir.appendingPathComponent("x.rfwl").path])
        #expect(rows.status == 1 && rows.stdout.contains("第 2 行 身份证号"), "\(rows.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.rfwl").path))
    }
}
