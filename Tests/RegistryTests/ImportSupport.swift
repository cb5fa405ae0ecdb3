import Foundation
import GRDB
import IDCard
import Spreadsheet
import Testing
@testable import Registry

/// A cell of a workbook written by openpyxl: text, a number, a real date cell (with a number format), or
/// nothing.
enum SheetCell: Sendable, ExpressibleByStringLiteral {
    case text(String)
    case number(Double)
    case date(String, format: String)
    case empty

    init(stringLiteral value: String) { self = value.isEmpty ? .empty : .text(value) }

    var json: Any {
        switch self {
        case let .text(s): s
        case let .number(n): n
        case let .date(d, format): ["d": d, "f": format]
        case .empty: NSNull()
        }
    }
}

/// Files for import tests: .xlsx written by Python's openpyxl (another program), CSV in UTF-8 with BOM or
/// GB18030, and broken files.
final class ImportFiles: @unchecked Sendable {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-import-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static let python = "/usr/bin/python3"

    /// Whether python3 is installed (a few tests write zips and GB18030 text with it).
    static let hasPython = FileManager.default.isExecutableFile(atPath: python)

    /// Whether python3 with openpyxl is installed (the openpyxl tests are skipped otherwise).
    static let hasOpenpyxl: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? runPython("import openpyxl", arguments: [])) != nil
    }()

    static let writeScript = #"""
import sys, json, datetime, openpyxl
spec = json.load(open(sys.argv[1], encoding="utf-8"))
wb = openpyxl.Workbook()
first = True
for sheet in spec:
    ws = wb.active if first else wb.create_sheet()
    first = False
    ws.title = sheet["name"]
    for r, row in enumerate(sheet["rows"], start=1):
        for c, cell in enumerate(row, start=1):
            if cell is None:
                continue
            if isinstance(cell, dict):
                target = ws.cell(row=r, column=c, value=datetime.date.fromisoformat(cell["d"]))
                target.number_format = cell["f"]
            else:
                ws.cell(row=r, column=c, value=cell)
wb.save(sys.argv[2])
"""#

    /// An .xlsx written by openpyxl with these sheets (the first is the active one).
    func xlsx(_ name: String, sheets: [(name: String, rows: [[SheetCell]])]) throws -> URL {
        let spec = sheets.map { ["name": $0.name, "rows": $0.rows.map { $0.map(\.json) }] as [String: Any] }
        let specURL = url(name + ".json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        let out = url(name)
        try Self.runPython(Self.writeScript, arguments: [specURL.path, out.path])
        return out
    }

    /// An .xlsx of one sheet of text cells written by openpyxl.
    func xlsx(_ name: String, sheet: String = "Sheet", header: [String], rows: [[String]]) throws -> URL {
        try xlsx(name, sheets: [(sheet, [header.map(SheetCell.text)] + rows.map { $0.map(SheetCell.init(stringLiteral:)) })])
    }

    /// A CSV file: UTF-8 with BOM, or GB18030 (written by Python's codec).
    func csv(_ name: String, header: [String], rows: [[String]], gb18030: Bool = false) throws -> URL {
        let out = url(name)
        let text = ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        if gb18030 {
            let source = url(name + ".utf8")
            try Data(text.utf8).write(to: source)
            try Self.runPython("import sys; open(sys.argv[2], 'wb').write(open(sys.argv[1], encoding='utf-8').read().encode('gb18030'))",
                               arguments: [source.path, out.path])
        } else {
            try (Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)).write(to: out)
        }
        return out
    }

    /// Runs a Python script; throws with its standard error when it fails.
    @discardableResult
    static func runPython(_ script: String, arguments: [String]) throws -> String {
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
            throw RegistryError(.storageFailed, "python: \(String(decoding: error, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Rows of residents sheets built from the synthetic people.
enum ResidentRows {
    static let header = ["姓名", "身份号码", "性别", "民族", "出生日期", "户籍地址", "联系电话", "社区", "小区", "楼栋", "单元",
                         "房号", "与户主关系", "到达日期", "拟居住期限", "居住事由", "住所类别", "离开日期", "离开原因"]

    /// A row for `person` in 阳光花园 1号楼 1单元 `room`.
    static func row(_ person: Fixtures.SyntheticPerson, room: String = "301", xiaoqu: String = "阳光花园",
                    building: String = "1号楼", unit: String = "1单元", arrival: String = "2024-03-01",
                    relation: String = "承租人", nation: String = "汉族", idNumber: String? = nil,
                    phone: String? = nil, departure: String = "", departureReason: String = "") -> [String] {
        [person.name, idNumber ?? person.idNumber, person.sex == "1" ? "男" : "女", nation, person.birth.description,
         person.address, phone ?? person.phone, "安慧里社区", xiaoqu, building, unit, room, relation, arrival, "一年", "务工",
         "租赁房屋", departure, departureReason]
    }
}

extension TestRegister {
    /// An importer acting as `actor`.
    func importer(_ actor: Actor) -> RegisterImporter { RegisterImporter(store: store, actor: actor) }

    /// Row counts of the tables an import writes, and of the audit log.
    func counts() throws -> [String: Int] {
        var out: [String: Int] = [:]
        for table in ["community", "xiaoqu", "building", "unit", "house", "person", "stay", "declaration",
                      "declaration_minor", "audit_log"] {
            out[table] = try count(table)
        }
        return out
    }
}

extension ImportReport {
    /// The problems of one row.
    func problems(row: Int) -> [ImportProblem] { problems.filter { $0.row == row } }
}
