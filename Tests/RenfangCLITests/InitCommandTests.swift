import Foundation
import Testing

@Suite("renfang init")
struct InitCommandTests {
    @Test("init creates the register and its station once; audit verify then passes; a missing register is refused")
    func initOnce() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = ["--database", dir.appendingPathComponent("r.sqlite").path, "--key", dir.appendingPathComponent("data.key").path]
        let missing = try renfang(["audit", "verify"] + options)
        #expect(missing.status == 2, "\(missing.stderr)")

        let first = try renfang(["init", "--station-code", "110105001", "--station-name", "测试派出所"] + options)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("110105001 测试派出所"))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("data.key").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let again = try renfang(["init", "--station-code", "110105001", "--station-name", "测试派出所"] + options)
        #expect(again.status == 0)
        #expect(again.stdout.contains("已存在"))

        let verify = try renfang(["audit", "verify"] + options)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.hasPrefix("OK 1"), "one audited write: the station; \(verify.stdout)")
    }
}
