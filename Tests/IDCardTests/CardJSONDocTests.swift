import Foundation
import Testing
@testable import IDCard

/// Keeps protocol-docs/card-json.md honest: its examples must decode, re-encode to the same JSON, and
/// list the warnings the code would give; its warning table must list exactly the known codes.
@Suite("protocol-docs/card-json.md")
struct CardJSONDocTests {
    static let docURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("protocol-docs/card-json.md")

    private func doc() throws -> String {
        try String(contentsOf: Self.docURL, encoding: .utf8)
    }

    /// The contents of fenced blocks whose opening fence is exactly `fence`.
    private func blocks(_ text: String, fence: String) -> [String] {
        var result: [String] = []
        var inside = false
        var current: [Substring]? = nil  // non-nil inside a block with the wanted fence
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !inside, line.hasPrefix("```") {
                inside = true
                current = line == fence ? [] : nil
            } else if inside, line == "```" {
                if let current { result.append(current.joined(separator: "\n")) }
                inside = false
                current = nil
            } else {
                current?.append(line)
            }
        }
        return result
    }

    private func jsonObject(_ s: String) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? NSDictionary)
    }

    @Test func examplesRoundTrip() throws {
        let examples = blocks(try doc(), fence: "```json")
        #expect(examples.count == 6)
        var types = Set<CardType>()
        for example in examples {
            let read = try CardRead(jsonLine: example)
            types.insert(read.text.cardType)
            #expect(try jsonObject(read.jsonLine()) == jsonObject(example), "\(example)")
            // The documented warnings are the ones the code derives (byte-level ones aside).
            let derived = read.text.revalidated().warnings
            let documented = read.text.warnings.filter {
                !$0.rawValue.hasPrefix("text") && $0 != .cardTypeUnknownMarker
            }
            #expect(derived == documented, "\(example)")
        }
        #expect(types == Set(CardType.allCases))
    }

    @Test func wireLineIsExact() throws {
        let lines = blocks(try doc(), fence: "```")
        let line = try #require(lines.first { $0.hasPrefix("{") })
        let read = try CardRead(jsonLine: line)
        #expect(read.jsonLine() == line)
        #expect(read.text == Fixtures.resident)
    }

    /// The first-column `code` of each table row between two headings.
    private func firstColumn(from heading: String, to next: String) throws -> [String] {
        let text = try doc()
        let start = try #require(text.range(of: heading)).upperBound
        let end = try #require(text.range(of: next)).lowerBound
        return text[start..<end].split(separator: "\n")
            .filter { $0.hasPrefix("| `") }
            .compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) }
    }

    @Test func warningTableListsExactlyTheKnownCodes() throws {
        #expect(try firstColumn(from: "## Warnings", to: "## Examples") == CardWarning.known.map(\.rawValue))
    }

    @Test func keyTableListsExactlyTheCodingKeys() throws {
        #expect(try firstColumn(from: "## Keys", to: "## Dates") == CardRead.CodingKeys.allCases.map(\.rawValue))
    }
}
