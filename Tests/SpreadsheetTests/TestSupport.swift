import Foundation
@testable import Spreadsheet
import Testing

/// A temporary folder removed when the value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-sheet-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Python with openpyxl (Debian's python3-openpyxl), to write files with another program and to read ours.
enum OpenPyXL {
    static let python = "/usr/bin/python3"

    static let isAvailable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? run("import openpyxl", arguments: [])) != nil
    }()

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a Python script with arguments; returns its standard output, throws with its standard error.
    @discardableResult
    static func run(_ script: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONIOENCODING"] = "utf-8"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python exited \(process.terminationStatus): \(String(decoding: error, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// A minimal zip writer (stored entries, no compression) to build broken or unusual packages by hand.
enum StoredZip {
    static func make(_ entries: [(path: String, content: String)]) -> Data {
        var data = Data()
        var central = Data()
        for (path, content) in entries {
            let name = Array(path.utf8)
            let body = Array(content.utf8)
            let crc = crc32(body)
            let offset = UInt32(data.count)
            data.append(le32(0x0403_4B50))
            data.append(le16(20)); data.append(le16(0x0800)); data.append(le16(0))  // version, UTF-8 flag, stored
            data.append(le16(0)); data.append(le16(0x21))  // time, date
            data.append(le32(crc)); data.append(le32(UInt32(body.count))); data.append(le32(UInt32(body.count)))
            data.append(le16(UInt16(name.count))); data.append(le16(0))
            data.append(contentsOf: name)
            data.append(contentsOf: body)
            central.append(le32(0x0201_4B50))
            central.append(le16(20)); central.append(le16(20)); central.append(le16(0x0800)); central.append(le16(0))
            central.append(le16(0)); central.append(le16(0x21))
            central.append(le32(crc)); central.append(le32(UInt32(body.count))); central.append(le32(UInt32(body.count)))
            central.append(le16(UInt16(name.count))); central.append(le16(0)); central.append(le16(0))
            central.append(le16(0)); central.append(le16(0)); central.append(le32(0))
            central.append(le32(offset))
            central.append(contentsOf: name)
        }
        let centralOffset = UInt32(data.count)
        data.append(central)
        data.append(le32(0x0605_4B50))
        data.append(le16(0)); data.append(le16(0))
        data.append(le16(UInt16(entries.count))); data.append(le16(UInt16(entries.count)))
        data.append(le32(UInt32(central.count))); data.append(le32(centralOffset)); data.append(le16(0))
        return data
    }

    private static func le16(_ v: UInt16) -> Data { Data([UInt8(v & 0xFF), UInt8(v >> 8)]) }
    private static func le32(_ v: UInt32) -> Data { Data((0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) }) }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// The parts of a one-sheet workbook whose sheet XML is given.
    static func workbook(sheetXML: String, sharedStrings: String? = nil, styles: String? = nil) -> Data {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var parts: [(String, String)] = [
            ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(rel)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<workbook xmlns=\"\(main)\" xmlns:r=\"\(rel)\"><sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(rel)/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"\(rel)/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"\(rel)/styles\" Target=\"/xl/styles.xml\"/></Relationships>"),
            ("xl/worksheets/sheet1.xml", sheetXML),
        ]
        if let sharedStrings { parts.append(("xl/sharedStrings.xml", sharedStrings)) }
        if let styles { parts.append(("xl/styles.xml", styles)) }
        return make(parts)
    }
}

/// Expects `body` to throw a `SpreadsheetError` with this code, and returns it.
@discardableResult
func expectSpreadsheetError<T>(
    _ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T
) -> SpreadsheetError? {
    do {
        _ = try body()
        Issue.record("expected \(code), got no error", sourceLocation: sourceLocation)
    } catch let error as SpreadsheetError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
