import Foundation
import Testing

@testable import Appliance

/// The folder holding the built `renfangd`, `renfang` and `renfang-upstream` (next to the test bundle).
let builtBinaries: URL? = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        if ["renfangd", "renfang", "renfang-upstream"].allSatisfy({ FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent($0).path) }) {
            return dir
        }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}()

/// Runs a program; returns its status and output (stdout and stderr together).
@discardableResult
func run(_ arguments: [String], in directory: URL = repositoryRoot) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Whether a program is on PATH.
func hasTool(_ name: String) -> Bool {
    (try? run(["sh", "-c", "command -v \(name)"]).status) == 0
}

/// The file mode bits of `path`.
func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// The text of a repository file.
func repositoryFile(_ path: String) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
}

@Suite("Packaging: make install, make deb, the systemd unit")
struct PackagingTests {
    /// What `make install PREFIX=P` puts where, with which mode.
    static func expectedFiles(prefix: String) -> [(String, Int)] {
        [
            ("\(prefix)/bin/renfangd", 0o755), ("\(prefix)/bin/renfang", 0o755), ("\(prefix)/bin/renfang-upstream", 0o755),
            ("/lib/systemd/system/renfangd.service", 0o644),
            ("/usr/lib/sysusers.d/renfang.conf", 0o644),
            ("/usr/lib/tmpfiles.d/renfang.conf", 0o644),
            ("/lib/udev/rules.d/60-renfang-readers.rules", 0o644),
            ("/etc/renfang/renfang.yaml", 0o640),
            ("\(prefix)/share/doc/renfang/README.md", 0o644),
            ("\(prefix)/share/doc/renfang/renfang.yaml.example", 0o644),
        ] + webFiles().map { ("\(prefix)/share/renfang/web/\($0)", 0o644) }
    }

    /// Every file of the repository's `web/` (the pages), relative to it.
    static func webFiles() -> [String] {
        let web = repositoryRoot.appendingPathComponent("web")
        let files = FileManager.default.enumerator(at: web, includingPropertiesForKeys: [.isRegularFileKey])?
            .compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true } ?? []
        return files.map { String($0.standardizedFileURL.path.dropFirst(web.standardizedFileURL.path.count + 1)) }.sorted()
    }

    /// The default configuration as installed with pages in `web` (its `http.pages_dir`).
    static func installedConfiguration(pages web: String) throws -> String {
        let text = try repositoryFile("etc/renfang.yaml")
        #expect(text.contains("\n  pages_dir: /usr/share/renfang/web\n"))
        return text.replacingOccurrences(of: "\n  pages_dir: /usr/share/renfang/web\n", with: "\n  pages_dir: \(web)\n")
    }

    @Test("make install puts every file in place with its mode, and never replaces an existing configuration")
    func install() throws {
        let binaries = try #require(builtBinaries, "built binaries not found next to the tests")
        let root = try makeTemporaryDirectory("install")
        defer { try? FileManager.default.removeItem(at: root) }
        let make = ["make", "--no-print-directory", "install", "DESTDIR=\(root.path)", "PREFIX=/opt/rf", "BINDIR_FROM=\(binaries.path)"]
        let first = try run(make)
        #expect(first.status == 0, "\(first.output)")
        for (path, expected) in Self.expectedFiles(prefix: "/opt/rf") {
            #expect(try mode(root.path + path) == expected, "\(path)")
        }
        // The binaries are the built ones; the unit starts the installed daemon.
        #expect(FileManager.default.contentsEqual(atPath: root.path + "/opt/rf/bin/renfangd", andPath: binaries.appendingPathComponent("renfangd").path))
        let unit = try String(contentsOfFile: root.path + "/lib/systemd/system/renfangd.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/opt/rf/bin/renfangd --config /etc/renfang/renfang.yaml\n"))
        #expect(try String(contentsOfFile: root.path + "/etc/renfang/renfang.yaml", encoding: .utf8)
                == Self.installedConfiguration(pages: "/opt/rf/share/renfang/web"))
        // The pages: every file of web/, as it is, under PREFIX/share/renfang/web (kiosk, desk, police, screen, common).
        #expect(Self.webFiles().contains("kiosk/index.html") && Self.webFiles().contains("common/api.js"))
        for file in Self.webFiles() {
            #expect(FileManager.default.contentsEqual(atPath: root.path + "/opt/rf/share/renfang/web/" + file,
                                                      andPath: repositoryRoot.appendingPathComponent("web/" + file).path), "\(file)")
        }
        #expect(try String(contentsOfFile: root.path + "/lib/udev/rules.d/60-renfang-readers.rules", encoding: .utf8)
                == repositoryFile("udev/60-renfang-readers.rules"))

        // The operator's configuration survives a second install.
        let edited = "appliance_id: RF-0042\n"
        try edited.write(toFile: root.path + "/etc/renfang/renfang.yaml", atomically: true, encoding: .utf8)
        let second = try run(make)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("keeping the existing"))
        #expect(try String(contentsOfFile: root.path + "/etc/renfang/renfang.yaml", encoding: .utf8) == edited)
    }

    @Test("make deb builds a .deb whose contents and control fields are right")
    func deb() throws {
        let binaries = try #require(builtBinaries, "built binaries not found next to the tests")
        let directory = try makeTemporaryDirectory("deb")
        defer { try? FileManager.default.removeItem(at: directory) }
        let built = try run(["DEB_COMPRESSION=none", "make", "--no-print-directory", "deb", "DEB_DIR=\(directory.path)", "BINDIR_FROM=\(binaries.path)",
                             "DEB_VERSION=1.2.3", "DEB_ARCH=amd64"])
        #expect(built.status == 0, "\(built.output)")
        let deb = directory.appendingPathComponent("renfang_1.2.3_amd64.deb").path
        #expect(FileManager.default.fileExists(atPath: deb))

        let contents = try run(["dpkg-deb", "-c", deb])
        #expect(contents.status == 0)
        var listed: [String: String] = [:]
        for line in contents.output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6 else { continue }
            listed[String(fields[5].dropFirst())] = String(fields[0]) + " " + String(fields[1])
        }
        for (path, fileMode) in Self.expectedFiles(prefix: "/usr") {
            let permissions = fileMode == 0o755 ? "-rwxr-xr-x" : fileMode == 0o640 ? "-rw-r-----" : "-rw-r--r--"
            #expect(listed[path] == "\(permissions) root/root", "\(path): \(listed[path] ?? "missing")")
        }

        let field = { (name: String) throws -> String in
            try run(["dpkg-deb", "-f", deb, name]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try field("Package") == "renfang")
        #expect(try field("Version") == "1.2.3")
        #expect(try field("Architecture") == "amd64")
        let depends = try field("Depends")
        for library in ["libcurl4", "libusb-1.0-0", "libpcsclite1", "libudev1", "libsqlite3-0"] {
            #expect(depends.contains(library), "Depends: \(depends)")
        }
        let info = try run(["dpkg-deb", "-I", deb, "conffiles"])
        #expect(info.output.trimmingCharacters(in: .whitespacesAndNewlines) == "/etc/renfang/renfang.yaml")
        let postinst = try run(["dpkg-deb", "-I", deb, "postinst"]).output
        for step in ["systemd-sysusers", "systemd-tmpfiles --create", "udevadm trigger", "command -v"] {
            #expect(postinst.contains(step), "postinst lacks \(step)")
        }
        let unit = try run(["sh", "-c", "dpkg-deb --fsys-tarfile '\(deb)' | tar -xO ./lib/systemd/system/renfangd.service"]).output
        #expect(unit.contains("ExecStart=/usr/bin/renfangd --config /etc/renfang/renfang.yaml\n"))
    }

    @Test("systemd-analyze verify accepts the unit (required where scripts/setup ran: CI)")
    func verifyUnit() throws {
        guard hasTool("systemd-analyze") else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "systemd-analyze is missing: scripts/setup installs it")
            return
        }
        let binaries = try #require(builtBinaries, "built binaries not found next to the tests")
        let directory = try makeTemporaryDirectory("unit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let unit = try repositoryFile("systemd/renfangd.service")
            .replacingOccurrences(of: "ExecStart=/usr/bin/renfangd", with: "ExecStart=\(binaries.path)/renfangd")
        let file = directory.appendingPathComponent("renfangd.service")
        try unit.write(to: file, atomically: true, encoding: .utf8)
        let verify = try run(["systemd-analyze", "verify", "--man=no", file.path])
        #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")
    }

    @Test("the unit is hardened as the design says, and runs with no capabilities at all")
    func unitHardening() throws {
        let unit = try repositoryFile("systemd/renfangd.service")
        let lines = Set(unit.split(separator: "\n").map(String.init))
        for line in [
            "Type=notify", "WatchdogSec=30", "User=renfang", "Group=renfang", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
            "NoNewPrivileges=yes", "CapabilityBoundingSet=", "AmbientCapabilities=", "UMask=0077",
            "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK", "SystemCallFilter=@system-service", "Restart=on-failure",
            "ExecStart=/usr/bin/renfangd --config /etc/renfang/renfang.yaml", "ReadWritePaths=/var/lib/renfang /run/renfang",
        ] {
            #expect(lines.contains(line), "missing: \(line)")
        }
        #expect(!unit.contains("CAP_"))
        #expect(unit.contains("ExecStart=/usr/bin/renfangd --config \(RenfangConfiguration.defaultPath)"))
    }

    @Test("every group the udev rules, the unit and the feed sockets use is created by sysusers.d (or is Debian's)")
    func groups() throws {
        let sysusers = try repositoryFile("systemd/sysusers.d/renfang.conf")
        var created: Set<String> = []
        var members: Set<String> = []
        for line in sysusers.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: " ").map(String.init)
            guard f.count >= 2 else { continue }
            if f[0] == "g" || f[0] == "u" { created.insert(f[1]) }
            if f[0] == "m", f.count >= 3, f[1] == "renfang" { members.insert(f[2]) }
        }
        #expect(sysusers.contains("\nu renfang "))
        let rules = try repositoryFile("udev/60-renfang-readers.rules")
        let ruleGroups = Set(rules.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix("#"), let r = line.range(of: "GROUP=\"") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != "\"" })
        })
        #expect(!ruleGroups.isEmpty && ruleGroups.isSubset(of: created), "\(ruleGroups)")
        let unit = try repositoryFile("systemd/renfangd.service")
        let supplementary = unit.split(separator: "\n").first { $0.hasPrefix("SupplementaryGroups=") }
            .map { $0.dropFirst("SupplementaryGroups=".count).split(separator: " ").map(String.init) } ?? []
        #expect(supplementary.contains("dialout"))
        let feed = RenfangConfiguration().feed
        for group in [feed.publicSocket.group, feed.restrictedSocket.group].compactMap({ $0 }) {
            #expect(created.contains(group) && members.contains(group) && supplementary.contains(group), "\(group)")
        }
        for group in supplementary where group != "dialout" { #expect(created.contains(group), "\(group)") }
    }

    @Test("tmpfiles.d makes the runtime, data and key directories, private to the daemon")
    func tmpfiles() throws {
        let lines = try repositoryFile("systemd/tmpfiles.d/renfang.conf").split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: " ").map(String.init) }
        let entries = Dictionary(lines.filter { $0.count >= 5 }.map { ($0[1], ($0[0], $0[2], $0[3])) }, uniquingKeysWith: { a, _ in a })
        #expect(entries["/run/renfang"]?.0 == "d" && entries["/run/renfang"]?.2 == "renfang")
        #expect(entries["/var/lib/renfang"].map { $0.1 == "0700" && $0.2 == "renfang" } == true)
        #expect(entries["/etc/renfang/keys"].map { $0.1 == "0700" && $0.2 == "renfang" } == true)
        let defaults = RenfangConfiguration()
        #expect(entries[defaults.dataDirectory] != nil)
        #expect(entries[URL(fileURLWithPath: defaults.keyFile).deletingLastPathComponent().path] != nil)
        #expect(entries[URL(fileURLWithPath: defaults.feed.publicSocket.path).deletingLastPathComponent().path] != nil)
    }
}
