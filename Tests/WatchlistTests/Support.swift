import Foundation
import IDCard
import Testing
@testable import Watchlist

/// Synthetic people (never real): ID numbers built from a region code, a birth date and a sequence
/// number, with their GB 11643 check character.
enum Synthetic {
    static func idNumber(region: String = "440106", birth: String = "19800101", sequence: Int) -> String {
        let first17 = region + birth + String(format: "%03d", sequence % 1000)
        return first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
    }

    static let given = Array("甲乙丙丁戊己庚辛壬癸")
    static func name(_ i: Int) -> String { "测试" + String(given[i % 10]) + String(given[(i / 10) % 10]) }

    static func entry(_ i: Int, category: String = "稳控人员", level: WatchlistLevel = .two,
                      validUntil: String? = nil) -> WatchlistEntry {
        let birth = String(format: "19%02d%02d%02d", 50 + i % 40, 1 + i % 12, 1 + i % 28)
        return WatchlistEntry(identity: WatchlistIdentity(idNumber: idNumber(birth: birth, sequence: i), name: name(i)),
                              category: category, level: level, instructions: "发现后立即报告社区民警（测试）",
                              validUntil: validUntil, row: i + 2)
    }
}

/// A cheap cost for tests (the format and the logic are the same at every cost).
let testCost = ScryptCost(log2N: 4, r: 2, p: 1)

/// A temporary appliance directory, an issuer key, and helpers.
struct World {
    let root: URL
    let store: WatchlistStore
    let key: IssuerKey
    let trusted: TrustedKeys

    init(root: URL, store: WatchlistStore, key: IssuerKey, trusted: TrustedKeys) {
        self.root = root
        self.store = store
        self.key = key
        self.trusted = trusted
    }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wl-\(UUID().uuidString)")
        store = try WatchlistStore(directory: root.appendingPathComponent("lists"))
        key = IssuerKey(issuer: "测试分局")
        trusted = TrustedKeys([key.publicKey])
    }

    func cleanup() { try? FileManager.default.removeItem(at: root) }

    func seal(_ entries: [WatchlistEntry], listId: String = "bureau", version: UInt64? = nil,
              previous: [UInt8]? = nil, rotate: Bool = false, validUntil: Date? = nil, key: IssuerKey? = nil) throws -> SealedList {
        try WatchlistSealer.seal(entries, key: key ?? self.key,
                                 options: SealOptions(listId: listId, version: version, validUntil: validUntil,
                                                      cost: testCost, rotate: rotate),
                                 previous: previous)
    }

    @discardableResult
    func importBytes(_ bytes: [UInt8], now: Date = Date()) throws -> WatchlistStore.ImportResult {
        let url = root.appendingPathComponent("in-\(UUID().uuidString).rfwl")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try store.importBundle(at: url, trusted: trusted, now: now)
    }

    func checker() throws -> WatchlistChecker { try WatchlistChecker(store: store) }

    func versions() throws -> [String: UInt64] {
        Dictionary(uniqueKeysWithValues: try store.status().map { ($0.header.listId, $0.header.version) })
    }
}

/// Expects a ``WatchlistError`` with `code`.
func expectRefused(_ code: WatchlistError.Code, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("expected \(code), nothing thrown", sourceLocation: sourceLocation)
    } catch let error as WatchlistError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs anywhere.
    func contains(bytes needle: [UInt8]) -> Bool {
        Data(self).range(of: Data(needle)) != nil
    }
}
