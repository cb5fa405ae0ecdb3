import Foundation
import Hummingbird
import NIOCore
import Registry

extension WebAPI {
    /// Exports (audited by the register) and the empty import templates, as .xlsx or .csv downloads.
    static func addExportRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register
        api.get("exports/{kind}") { request, context -> Response in
            let actor = try context.requireActor()
            let kind = try sheetKind(context)
            let format = try exportFormat(request)
            let options = ExportOptions(xiaoqu: try request.queryUUID("xiaoqu"), currentOnly: try request.queryBool("currentOnly") ?? false,
                                        mask: try request.queryBool("mask") ?? false)
            let url = TemporaryFiles.path(extension: format)
            defer { try? FileManager.default.removeItem(at: url) }
            _ = try await RegisterExporter(store: register, actor: actor).export(kind, to: url, options: options)
            return try download(url, name: "\(kind.sheetName)导出.\(format)", format: format)
        }

        api.get("templates/{kind}") { request, context -> Response in
            _ = try context.requireActor()
            let kind = try sheetKind(context)
            let format = try exportFormat(request)
            let url = TemporaryFiles.path(extension: format)
            defer { try? FileManager.default.removeItem(at: url) }
            try RegisterExporter.writeTemplate(kind, to: url)
            return try download(url, name: "\(kind.sheetName)导入模板.\(format)", format: format)
        }
    }

    static func sheetKind(_ context: APIContext) throws -> SheetKind {
        guard let text = context.parameters.get("kind"), let kind = SheetKind(rawValue: text) else {
            throw APIError(.notFound, code: "record.notFound", message: "导出类型不存在（houses、residents 或 declarations）", field: "kind")
        }
        return kind
    }

    static func exportFormat(_ request: Request) throws -> String {
        let format = request.query("format") ?? "xlsx"
        guard ["xlsx", "csv"].contains(format) else {
            throw APIError.invalid(field: "format", "\"文件格式\"应为 xlsx 或 csv")
        }
        return format
    }

    static func download(_ url: URL, name: String, format: String) throws -> Response {
        let data = try Data(contentsOf: url)
        var headers = HTTPFields()
        headers[.contentType] = format == "csv" ? "text/csv; charset=utf-8"
            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: ".-_"))) ?? "export.\(format)"
        headers[.contentDisposition] = "attachment; filename=\"export.\(format)\"; filename*=UTF-8''\(encoded)"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
