import Foundation
import Hummingbird
import NIOCore
import Registry

/// Temporary files of uploads and downloads: 0600 in a private folder, removed when done.
enum TemporaryFiles {
    /// A new path in the temporary folder with this extension.
    static func path(extension ext: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("renfang-api-\(UUID().uuidString).\(ext)")
    }

    /// Writes `data` to a new 0600 file.
    static func write(_ data: Data, extension ext: String) throws -> URL {
        let url = path(extension: ext)
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw APIError.internal
        }
        return url
    }
}

extension WebAPI {
    /// Imports: an .xlsx or .csv file as the request body, `?kind=houses|residents|declarations`; the
    /// answer is the row-by-row report (every refused row with its number, column and reason).
    static func addImportRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register
        let maxBytes = services.options.maxUploadBytes
        api.post("imports") { request, context -> Response in
            let actor = try context.requireActor()
            guard let kind = try request.queryEnum("kind", SheetKind.self) else {
                throw APIError.invalid(field: "kind", "\"导入类型\"不能为空（houses、residents 或 declarations）", code: "field.required")
            }
            let options = ImportOptions(sheet: request.query("sheet"), dryRun: try request.queryBool("dryRun") ?? false,
                                        createPlaces: try request.queryBool("createPlaces") ?? false,
                                        confirmFindings: try request.queryBool("confirmFindings") ?? false)
            var request = request
            let buffer = try await request.collectBody(upTo: maxBytes)
            guard buffer.readableBytes > 0 else { throw APIError.invalid(field: "file", "上传的文件是空的", code: "field.required") }
            let data = Data(buffer: buffer)
            let isZip = data.starts(with: [0x50, 0x4B])
            let url = try TemporaryFiles.write(data, extension: isZip ? "xlsx" : "csv")
            defer { try? FileManager.default.removeItem(at: url) }
            let report = try await RegisterImporter(store: register, actor: actor).importFile(url, kind: kind, options: options)
            return try APIJSON.response(report)
        }
    }
}
