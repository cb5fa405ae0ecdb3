import Foundation
import Testing
@testable import ReaderTransport

@Suite("udev rules (the table match is checked in USBKnownReadersTests)")
struct UdevRulesTests {
    static let rulesFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("udev/60-renfang-readers.rules")

    @Test("every rule gives the renfang group access and a stable link under /dev/renfang/")
    func groupAndLinks() throws {
        let text = try String(contentsOf: Self.rulesFile, encoding: .utf8)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && line.contains("SUBSYSTEM==") {
            #expect(line.contains("GROUP=\"renfang\""), "\(line)")
            #expect(line.contains("MODE=\"0660\""), "\(line)")
            #expect(line.contains("SYMLINK+=\"renfang/"), "\(line)")
        }
        #expect(text.contains("LABEL=\"renfang_end\""))
    }
}
