import Foundation
import Testing

@testable import Appliance

@Suite("Configuration: every key documented")
struct ConfigurationDocsTests {
    /// Every key the configuration has: what the reader asks for in a file that sets everything.
    static func allKeys() throws -> Set<String> {
        try RenfangConfiguration.knownKeyPaths(yaml: ConfigurationFixture().yaml)
    }

    /// Sync's own names for keys the appliance has at the top (accepted when they agree).
    static let aliases: Set<String> = ["sync.appliance_id", "sync.disk_reserve_bytes", "sync.disk_floor_bytes"]

    /// The README's "Configuration" section.
    static func readmeSection() throws -> String {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "\n## Configuration\n"))
        let rest = readme[start.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test("the fixture sets every key: nothing known is left out of the test")
    func fixtureIsComplete() throws {
        let written = try RenfangConfiguration.writtenKeyPaths(yaml: ConfigurationFixture().yaml)
        let keys = try Self.allKeys()
        let leaves = keys.filter { key in !keys.contains { $0.hasPrefix(key + ".") } }
        #expect(leaves.subtracting(written).isEmpty, "not in the fixture: \(leaves.subtracting(written).sorted())")
        #expect(written.subtracting(keys).isEmpty)
        #expect(keys.count > 60)
    }

    @Test("README's Configuration table lists exactly the keys, each with a default and a meaning")
    func readme() throws {
        let section = try Self.readmeSection()
        let keys = try Self.allKeys()
        var listed: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5 else { continue }  // the key table has three columns
            let key = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            #expect(!cells[2].isEmpty && !cells[3].isEmpty, "\(key): default and meaning")
            listed[key] = cells[2]
        }
        let leaves = keys.filter { key in !keys.contains { $0.hasPrefix(key + ".") } }
        #expect(leaves.subtracting(listed.keys).isEmpty, "not in README: \(leaves.subtracting(listed.keys).sorted())")
        #expect(Set(listed.keys).subtracting(keys).isEmpty, "in README but not a key: \(Set(listed.keys).subtracting(keys).sorted())")
        #expect(listed["http.port"] == "`8080`")
        #expect(listed["data_dir"] == "`/var/lib/renfang`")
    }

    @Test("etc/renfang.yaml writes every key (list items and Sync's aliases in its comments)")
    func defaultFile() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("etc/renfang.yaml"), encoding: .utf8)
        let written = try RenfangConfiguration.writtenKeyPaths(yaml: text)
        let keys = try Self.allKeys()
        let inComments = keys.filter { $0.contains("[]") }.union(Self.aliases)
        #expect(keys.subtracting(inComments).subtracting(written).isEmpty,
                "not in etc/renfang.yaml: \(keys.subtracting(inComments).subtracting(written).sorted())")
        #expect(written.subtracting(keys).isEmpty)
        let comments = text.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.joined(separator: "\n")
        for key in inComments {
            let name = Self.aliases.contains(key) ? key : String(key.split(separator: ".").last!) + ":"
            #expect(comments.contains(name), "\(key) is not shown in the comments of etc/renfang.yaml")
        }
        // Every key line carries a comment or follows one, and the comments are in Chinese and English.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") && line.contains(":") {
            let previous = index > 0 ? lines[index - 1].trimmingCharacters(in: .whitespaces) : ""
            let commented = line.contains(" # ") || previous.hasPrefix("#") || previous.hasSuffix(":")
                || ["path:", "mode:", "group:", "tls_key:"].contains { line.trimmingCharacters(in: .whitespaces).hasPrefix($0) }
            #expect(commented, "line \(index + 1) of etc/renfang.yaml has no comment: \(line)")
        }
        #expect(comments.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
        #expect(comments.contains("default"))
    }
}
