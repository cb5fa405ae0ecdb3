import Foundation
import Testing

@Suite("renfang users")
struct UsersCommandTests {
    /// A register with its station, in a temporary directory; the `--database`/`--key` options.
    func makeRegister() throws -> (dir: URL, options: [String]) {
        let dir = try temporaryDirectory()
        let options = ["--database", dir.appendingPathComponent("r.sqlite").path, "--key", dir.appendingPathComponent("data.key").path]
        let initRun = try renfang(["init", "--station-code", "110105001", "--station-name", "测试派出所"] + options)
        #expect(initRun.status == 0, "\(initRun.stderr)")
        return (dir, options)
    }

    func stdin(_ text: String) -> Data { Data((text + "\n").utf8) }

    @Test("add (police by station code or UUID, admin), list, lock, unlock, passwd; every change audited; passwords never in argv or output")
    func lifecycle() throws {
        let (dir, options) = try makeRegister()
        defer { try? FileManager.default.removeItem(at: dir) }
        let password = "Correct-Horse-7"
        let add = try renfang(["users", "add", "Police1", "--display-name", "张警官", "--role", "police", "--station", "110105001",
                               "--password-stdin"] + options, stdin: stdin(password))
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("police1"))
        let admin = try renfang(["users", "add", "admin1", "--display-name", "管理员", "--role", "admin", "--password-stdin"] + options,
                                stdin: stdin(password))
        #expect(admin.status == 0, "\(admin.stderr)")

        let list = try renfang(["users", "list", "--json"] + options)
        #expect(list.status == 0, "\(list.stderr)")
        let users = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(users.map { $0["name"] as? String } == ["admin1", "police1"])
        let station = try #require(users[1]["station"] as? String)
        #expect(UUID(uuidString: station) != nil)
        #expect(users[1]["role"] as? String == "police")
        #expect(users[1]["locked"] as? Bool == false)

        // --station by UUID works too.
        let byUUID = try renfang(["users", "add", "police2", "--display-name", "李警官", "--role", "police", "--station", station,
                                  "--password-stdin"] + options, stdin: stdin(password))
        #expect(byUUID.status == 0, "\(byUUID.stderr)")

        #expect(try renfang(["users", "lock", "police1"] + options).status == 0)
        let locked = try renfang(["users", "list"] + options)
        #expect(locked.stdout.split(separator: "\n").contains { $0.hasPrefix("police1\t") && $0.contains("\tlocked\t") })
        #expect(try renfang(["users", "unlock", "police1"] + options).status == 0)
        let passwd = try renfang(["users", "passwd", "police1", "--password-stdin"] + options, stdin: stdin("Battery-Staple-8"))
        #expect(passwd.status == 0, "\(passwd.stderr)")

        // Another role: police2 becomes an auditor (its scope goes with the old role).
        let role = try renfang(["users", "role", "police2", "--role", "auditor"] + options)
        #expect(role.status == 0, "\(role.stderr)")
        let relisted = try renfang(["users", "list", "--json"] + options)
        let after = try #require(try JSONSerialization.jsonObject(with: Data(relisted.stdout.utf8)) as? [[String: Any]])
        #expect(after.first { $0["name"] as? String == "police2" }?["role"] as? String == "auditor")
        #expect(after.first { $0["name"] as? String == "police2" }?["station"] == nil)
        let ghost = try renfang(["users", "role", "ghost", "--role", "admin"] + options)
        #expect(ghost.status == 1 && ghost.stderr.contains("account.notFound"))
        let noScope = try renfang(["users", "role", "police1", "--role", "desk"] + options)
        #expect(noScope.status == 64)

        let verify = try renfang(["audit", "verify"] + options)
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("OK 8"), "station, three adds, lock, unlock, passwd, role: \(verify.stdout)")
        let audit = try String(contentsOf: dir.appendingPathComponent("r.sqlite"), encoding: .isoLatin1)
        #expect(!audit.contains(password) && !audit.contains("Battery-Staple-8"), "no password in clear in the database")
        for run in [add, admin, list, locked, passwd] {
            #expect(!run.stdout.contains(password) && !run.stderr.contains(password))
        }
    }

    @Test("refusals: weak password (exit 1, rule named), duplicate, unknown user, unknown station; kiosk, bad role and missing scope are usage errors (64)")
    func refusals() throws {
        let (dir, options) = try makeRegister()
        defer { try? FileManager.default.removeItem(at: dir) }
        let weak = try renfang(["users", "add", "desk1", "--display-name", "前台", "--role", "desk", "--xiaoqu", UUID().uuidString,
                                "--password-stdin"] + options, stdin: stdin("short"))
        #expect(weak.status == 1)
        #expect(weak.stderr.contains("auth.passwordWeak"))
        #expect(weak.stderr.contains("10"))
        let sameAsName = try renfang(["users", "add", "auditor01", "--display-name", "审计员", "--role", "auditor", "--password-stdin"] + options,
                                     stdin: stdin("auditor01auditor01"))
        #expect(sameAsName.status == 1)
        #expect(sameAsName.stderr.contains("用户名"))
        let noXiaoqu = try renfang(["users", "add", "desk1", "--display-name", "前台", "--role", "desk", "--xiaoqu", UUID().uuidString,
                                    "--password-stdin"] + options, stdin: stdin("Correct-Horse-7"))
        #expect(noXiaoqu.status == 1)
        #expect(noXiaoqu.stderr.contains("account.invalid"))
        let badStation = try renfang(["users", "add", "p1", "--display-name", "警官", "--role", "police", "--station", "999",
                                      "--password-stdin"] + options, stdin: stdin("Correct-Horse-7"))
        #expect(badStation.status == 1)

        #expect(try renfang(["users", "add", "k1", "--display-name", "终端", "--role", "kiosk", "--password-stdin"] + options,
                            stdin: stdin("Correct-Horse-7")).status == 64)
        #expect(try renfang(["users", "add", "x1", "--display-name", "某", "--role", "root", "--password-stdin"] + options,
                            stdin: stdin("Correct-Horse-7")).status == 64)
        #expect(try renfang(["users", "add", "p2", "--display-name", "警官", "--role", "police", "--password-stdin"] + options,
                            stdin: stdin("Correct-Horse-7")).status == 64)

        #expect(try renfang(["users", "add", "sec1", "--display-name", "保密员", "--role", "securityOfficer", "--password-stdin"] + options,
                            stdin: stdin("Correct-Horse-7")).status == 0)
        let again = try renfang(["users", "add", "SEC1", "--display-name", "保密员", "--role", "admin", "--password-stdin"] + options,
                                stdin: stdin("Correct-Horse-7"))
        #expect(again.status == 1)
        #expect(again.stderr.contains("account.exists"))
        let nobody = try renfang(["users", "passwd", "nobody", "--password-stdin"] + options, stdin: stdin("Correct-Horse-7"))
        #expect(nobody.status == 1)
        #expect(nobody.stderr.contains("account.notFound"))
        #expect(try renfang(["users", "lock", "nobody"] + options).status == 1)
    }

    @Test("the password is never an argument; without a terminal and without --password-stdin nothing is created")
    func noPasswordArgument() throws {
        let (dir, options) = try makeRegister()
        defer { try? FileManager.default.removeItem(at: dir) }
        let help = try renfang(["users", "add", "--help"])
        #expect(help.stdout.contains("--password-stdin"))
        #expect(!help.stdout.contains("--password "))
        let withArgument = try renfang(["users", "add", "a1", "--display-name", "某", "--role", "admin", "--password", "Correct-Horse-7"] + options)
        #expect(withArgument.status == 64)
        let noTerminal = try command("/usr/bin/setsid", ["--wait", renfangBinary.path, "users", "add", "a1", "--display-name", "某", "--role", "admin"] + options)
        #expect(noTerminal.status == 1, "\(noTerminal.stderr)")
        #expect(noTerminal.stderr.contains("--password-stdin"))
        let list = try renfang(["users", "list", "--json"] + options)
        #expect(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        #expect(try renfang(["users", "list", "--database", dir.appendingPathComponent("missing.sqlite").path, "--key",
                             dir.appendingPathComponent("data.key").path]).status == 2)
    }
}
