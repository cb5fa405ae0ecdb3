import ArgumentParser
import Foundation
import Registry

/// `renfang export`: houses, residents or declarations to .xlsx or .csv, with the import's headers.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "导出房屋、住户或居住登记申报 / Export houses, residents or declarations to .xlsx or .csv.",
        discussion: """
            The format follows the file name (.xlsx or .csv, UTF-8 with BOM). Only the 小区 in the operator's \
            scope are exported; the police and desk roles export ID numbers and phones in full (--mask to mask \
            them). Every export is recorded in the audit log. With --template, writes the import template of \
            the kind (headers and a synthetic example row) instead, without opening the register. Exit status: \
            0 written, 1 refused (permission, unknown 小区, unwritable file), 2 the register could not be opened.
            """
    )

    @Option(name: .long, help: "houses (房屋), residents (住户) or declarations (居住登记申报).")
    var kind: SheetKind

    @Option(name: .long, help: "The file to write (.xlsx or .csv).")
    var out: String

    @Option(name: .long, help: "Only this 小区 (name).")
    var xiaoqu: String?

    @Flag(name: .customLong("current-only"), help: "Residents: only current stays (no 离开日期).")
    var currentOnly = false

    @Flag(name: .long, help: "Mask ID numbers and phones (the file cannot be imported back).")
    var mask = false

    @Flag(name: .long, help: "Write the empty import template of the kind (with one example row).")
    var template = false

    @OptionGroup var register: RegisterOptions
    @OptionGroup var operatorOptions: OperatorOptions
    @OptionGroup var log: LogOptions

    func run() throws {
        log.bootstrap()
        let url = URL(fileURLWithPath: out)
        if template {
            do {
                try RegisterExporter.writeTemplate(kind, to: url)
            } catch let error as RegistryError {
                printError(error.message)
                throw ExitCode(1)
            }
            print("已写入\(kind.sheetName)导入模板：\(url.path)")
            return
        }
        let store = try register.openExisting()
        defer { try? store.close() }
        let kind = kind
        do {
            let actor = try operatorOptions.actor(in: store)
            var options = ExportOptions(currentOnly: currentOnly, mask: mask)
            if let xiaoqu {
                let matches = try ImportExportSupport.wait { try await store.xiaoqus(for: actor) }.filter { $0.name == xiaoqu }
                guard matches.count == 1 else {
                    throw RegistryError(.notFound, matches.isEmpty ? "小区\"\(xiaoqu)\"不存在或不在您的管辖范围内"
                                                                   : "小区\"\(xiaoqu)\"不唯一（多个社区中都有）")
                }
                options.xiaoqu = matches[0].uuid
            }
            let frozen = options
            let result = try ImportExportSupport.wait {
                try await RegisterExporter(store: store, actor: actor).export(kind, to: url, options: frozen)
            }
            print("已导出\(kind.sheetName) \(result.rows) 行：\(url.path)" + (result.masked ? "（身份号码和电话已脱敏）" : "")
                  + " [审计 #\(result.auditSeq)]")
        } catch let error as RegistryError {
            printError("导出失败：\(error.message) (\(error.code))")
            throw ExitCode(1)
        }
    }
}
