import Foundation
import ZIPFoundation

/// The zip container of a workbook: opening with clear errors, finding parts, streaming a part through the
/// XML tokenizer.
struct XLSXPackage {
    let archive: Archive

    /// Errors thrown by a caller's closure, carried through the tokenizer and ZIPFoundation untouched.
    struct PassThrough: Error {
        let error: any Error
    }

    static let oleMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    init(source: SpreadsheetSource) throws {
        let head: [UInt8]
        switch source {
        case .file(let url): head = try Self.head(of: url)
        case .data(let data): head = Array(data.prefix(8))
        }
        if head.starts(with: Self.oleMagic) { throw SpreadsheetError.legacyExcel }
        guard head.count >= 4, head[0] == 0x50, head[1] == 0x4B else { throw SpreadsheetError.notXLSX }
        let isLocalHeader = head[2] == 0x03 && head[3] == 0x04
        do {
            switch source {
            case .file(let url): archive = try Archive(url: url, accessMode: .read)
            case .data(let data): archive = try Archive(data: data, accessMode: .read)
            }
        } catch {
            // A zip that starts like one but whose end record is missing was cut short.
            if isLocalHeader { throw SpreadsheetError.damaged(detail: "zip: \(error)") }
            throw SpreadsheetError.notXLSX
        }
    }

    /// The first 8 bytes of a file.
    static func head(of url: URL) throws -> [UInt8] {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            return Array(try handle.read(upToCount: 8) ?? Data())
        } catch {
            throw SpreadsheetError.unreadableFile(path: url.path, reason: String(describing: error))
        }
    }

    /// The entry at a path (leading `/` ignored; case-insensitive as a fallback), or `nil`.
    func entry(_ path: String) -> Entry? {
        let path = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if let entry = archive[path] { return entry }
        let lower = path.lowercased()
        return archive.first { $0.path.lowercased() == lower }
    }

    /// Streams a part through the tokenizer into the handler. At most `limit` uncompressed bytes are read
    /// (a guard against zip bombs for parts held in memory).
    func parse<H: XMLHandler>(_ path: String, into handler: inout H, limit: Int = .max) throws {
        guard let entry = entry(path) else { throw SpreadsheetError.malformed(part: path, detail: "missing part") }
        var tokenizer = XMLTokenizer()
        var total = 0
        do {
            _ = try archive.extract(entry, bufferSize: 64 * 1024) { data in
                total += data.count
                if total > limit { throw SpreadsheetError.damaged(detail: "\(path) is larger than \(limit) bytes") }
                try tokenizer.feed(data, to: &handler)
            }
            try tokenizer.finish(&handler)
        } catch let error as PassThrough {
            throw error.error
        } catch let error as SpreadsheetError {
            throw error
        } catch let error as XMLTokenizer.Failure {
            throw SpreadsheetError.malformed(part: path, detail: error.detail)
        } catch {
            throw SpreadsheetError.damaged(detail: "\(path): \(error)")
        }
    }

    /// Resolves a relationship target against the folder of the part that owns the relationships.
    static func resolve(_ target: String, base: String) -> String {
        if target.hasPrefix("/") { return normalize(String(target.dropFirst())) }
        return normalize(base.isEmpty ? target : base + "/" + target)
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// The folder of a part path (`xl/workbook.xml` → `xl`).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// The relationships part of a part (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`).
    static func relationshipsPath(of path: String) -> String {
        let folder = folder(of: path)
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return (folder.isEmpty ? "" : folder + "/") + "_rels/" + file + ".rels"
    }
}
