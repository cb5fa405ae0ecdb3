import Foundation
import Sync
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

    @Test("backup while the register exists, restore it elsewhere; a second backup to the same file and a broken restore are refused")
    func backupAndRestore() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("data.key").path
        let options = ["--database", dir.appendingPathComponent("r.sqlite").path, "--key", key]
        #expect(try renfang(["init", "--station-code", "110105001", "--station-name", "测试派出所"] + options).status == 0)
        let file = dir.appendingPathComponent("backup.sqlite").path
        let backup = try renfang(["backup", "--out", file] + options)
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("sha256"))
        let twice = try renfang(["backup", "--out", file] + options)
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("backup.failed"))

        let restoredOptions = ["--database", dir.appendingPathComponent("restored.sqlite").path, "--key", key]
        let restore = try renfang(["restore", file] + restoredOptions)
        #expect(restore.status == 0, "\(restore.stderr)")
        let verify = try renfang(["audit", "verify"] + restoredOptions)
        #expect(verify.stdout.hasPrefix("OK 1"), "the station's entry came back; the backup's own entry is after the copy: \(verify.stdout)")

        try Data("garbage".utf8).write(to: dir.appendingPathComponent("bad.sqlite"))
        let refused = try renfang(["restore", dir.appendingPathComponent("bad.sqlite").path] + restoredOptions)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("backup.invalid"))
    }

    @Test("init then import: houses and residents land, names carry their pinyin initials, ID numbers are not in clear")
    func initAndImport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.sqlite").path
        let options = ["--database", db, "--key", dir.appendingPathComponent("data.key").path]
        #expect(try renfang(["init", "--station-code", "110105001", "--station-name", "测试派出所"] + options).status == 0)
        let houses = dir.appendingPathComponent("houses.csv")
        try """
            社区,小区,楼栋,单元,楼层,房号,房屋用途,出租状态,行政区划
            安慧里社区,阳光花园,1号楼,1单元,3,301,自住,自住,110105

            """.write(to: houses, atomically: true, encoding: .utf8)
        let residents = dir.appendingPathComponent("residents.csv")
        try """
            姓名,身份号码,性别,民族,出生日期,社区,小区,楼栋,单元,房号,与户主关系,到达日期,拟居住期限,居住事由,住所类别
            张伟,110105199003071319,男,汉族,1990-03-07,安慧里社区,阳光花园,1号楼,1单元,301,户主,2024-03-01,一年,务工,自购房屋

            """.write(to: residents, atomically: true, encoding: .utf8)
        let h = try renfang(["import", "--kind", "houses", houses.path, "--create-places"] + options)
        #expect(h.status == 0, "\(h.stdout) \(h.stderr)")
        let r = try renfang(["import", "--kind", "residents", residents.path] + options)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let query = try command("/usr/bin/python3", ["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            print(c.execute("select name || ':' || name_pinyin from person").fetchone()[0])
            print(c.execute("select name || ':' || name_pinyin from xiaoqu").fetchone()[0])
            """, db])
        #expect(query.stdout == "张伟:zw\n阳光花园:yghy\n", "\(query.stdout) \(query.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db)) + ((try? Data(contentsOf: URL(fileURLWithPath: db + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data("110105199003071319".utf8)) == nil)
    }

    @Test("an import into a register the daemon syncs queues every record for the daemon's destinations")
    func importIsQueuedUpstream() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.sqlite").path
        let key = dir.appendingPathComponent("data.key").path
        let options = ["--database", db, "--key", key]
        #expect(try renfang(["init", "--station-code", "110105001", "--station-name", "测试派出所"] + options).status == 0)
        // What renfangd does at start with two destinations: migrate the queue and store its routing.
        let configuration = SyncConfiguration(applianceId: "box-1", destinations: [
            DestinationConfiguration(name: "bureau", url: "http://127.0.0.1:1/"),
            DestinationConfiguration(name: "province", url: "http://127.0.0.1:1/", kinds: ["person", "stay"]),
        ])
        try SyncSystem.open(registerPath: db, keyFile: key, configuration: configuration).store.close()

        let houses = dir.appendingPathComponent("houses.csv")
        try """
            社区,小区,楼栋,单元,楼层,房号,房屋用途,出租状态,行政区划
            安慧里社区,阳光花园,1号楼,1单元,3,301,自住,自住,110105
            安慧里社区,阳光花园,1号楼,1单元,3,302,自住,自住,110105

            """.write(to: houses, atomically: true, encoding: .utf8)
        let residents = dir.appendingPathComponent("residents.csv")
        try """
            姓名,身份号码,性别,民族,出生日期,社区,小区,楼栋,单元,房号,与户主关系,到达日期,拟居住期限,居住事由,住所类别
            张伟,110105199003071319,男,汉族,1990-03-07,安慧里社区,阳光花园,1号楼,1单元,301,户主,2024-03-01,一年,务工,自购房屋

            """.write(to: residents, atomically: true, encoding: .utf8)
        #expect(try renfang(["import", "--kind", "houses", houses.path, "--create-places"] + options).status == 0)
        #expect(try renfang(["import", "--kind", "residents", residents.path] + options).status == 0)

        let query = try command("/usr/bin/python3", ["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            for d in ("bureau", "province"):
                kinds = [k for (k,) in c.execute("select c.kind from sync_outbox o join sync_change c on c.id = o.change_id where o.destination = ? order by o.seq", (d,))]
                seqs = [s for (s,) in c.execute("select seq from sync_outbox where destination = ? order by seq", (d,))]
                print(d, ",".join(sorted(set(kinds))), kinds.count("house"), kinds.count("person"), kinds.count("stay"), seqs == list(range(1, len(seqs) + 1)))
            """, db])
        // The bureau gets everything (the station of init, queued when sync started; the places the import
        // created, both houses, the person, the stay);
        // the province only people and stays. Sequence numbers are gap-free from 1.
        #expect(query.stdout == """
            bureau building,community,house,person,station,stay,unit,xiaoqu 2 1 1 True
            province person,stay 0 1 1 True

            """, "\(query.stdout) \(query.stderr)")
        let status = try renfang(["queue", "status", "--json"] + options)
        #expect(status.status == 0)
        #expect(status.stdout.contains("\"province\""))
    }
}
