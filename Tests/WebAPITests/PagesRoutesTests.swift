import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import WebAPI

/// The pages folder served by the API's router (config `http.pages_dir`), over a real socket.
@Suite("Pages")
struct PagesRoutesTests {
    /// A pages folder with the four pages and shared files, and a secret beside it (outside the folder).
    final class PagesFolder: Sendable {
        let root: URL
        let pages: URL

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-pages-\(UUID().uuidString)")
            pages = root.appendingPathComponent("web")
            for page in ["kiosk", "desk", "police", "screen"] {
                try write("\(page)/index.html", "<!doctype html><meta charset=\"utf-8\"><title>\(page)页</title><script type=\"module\" src=\"\(page).js\"></script>")
                try write("\(page)/\(page).js", "export const page = \"\(page)\";\n")
            }
            try write("common/base.css", "body { font-family: \"Noto Sans CJK SC\", sans-serif; }\n")
            try write("common/api.js", "export const api = 1;\n")
            try write("common/icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
            try FileManager.default.createDirectory(at: pages.appendingPathComponent("common/empty"), withIntermediateDirectories: true)
            try Data("SECRET-OUTSIDE-PAGES".utf8).write(to: root.appendingPathComponent("secret.txt"))
        }

        func write(_ path: String, _ text: String) throws {
            let url = pages.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        deinit { try? FileManager.default.removeItem(at: root) }
    }

    /// One raw request on its own connection: status code, headers (lower-cased names) and body.
    static func raw(_ port: Int, _ path: String) async throws -> (status: Int, headers: [String: String], body: String) {
        let client = try RawHTTPClient(port: port)
        client.get(path, headers: ["Connection": "close"])
        _ = await client.read(until: { text in
            guard let end = text.range(of: "\r\n\r\n") else { return false }
            let head = text[..<end.lowerBound].lowercased()
            guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                  let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            else { return true }
            return text[end.upperBound...].utf8.count >= length
        }, timeout: 20)
        let text = client.received
        let end = try #require(text.range(of: "\r\n\r\n"), "no answer to \(path)")
        let lines = text[..<end.lowerBound].split(separator: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, String(text[end.upperBound...]))
    }

    /// The API with the pages of a fresh ``PagesFolder``, live on a port: `body(folder, client, port)`.
    static func live(_ body: @Sendable @escaping (PagesFolder, any TestClientProtocol, Int) async throws -> Void) async throws {
        let folder = try PagesFolder()
        var options = WebAPIOptions()
        options.pagesDirectory = folder.pages
        let t = try await TestServices.make(options: options)
        defer { t.close() }
        try await t.application().test(.live) { client in
            try await body(folder, client, try #require(client.port))
        }
    }

    @Test("the four pages and /common/ are served with their types, charset and the security headers; / and /kiosk redirect")
    func served() async throws {
        try await Self.live { folder, client, port in
            for page in ["kiosk", "desk", "police", "screen"] {
                let index = try await Self.raw(port, "/\(page)/")
                #expect(index.status == 200, "/\(page)/")
                #expect(index.headers["content-type"] == "text/html; charset=utf-8")
                #expect(index.body.contains("<title>\(page)页</title>"))
                #expect(index.headers["content-security-policy"]?.hasPrefix("default-src 'self'") == true)
                #expect(index.headers["x-content-type-options"] == "nosniff")
                #expect(index.headers["x-frame-options"] == "DENY")
                #expect(index.headers["referrer-policy"] == "no-referrer")
                #expect(index.headers["cache-control"] == "no-cache")
                let script = try await Self.raw(port, "/\(page)/\(page).js")
                #expect(script.status == 200 && script.headers["content-type"] == "text/javascript; charset=utf-8")
                #expect(script.body.contains("export const page"))
                let bare = try await Self.raw(port, "/\(page)")
                #expect([301, 302, 308].contains(bare.status) && bare.headers["location"] == "/\(page)/", "/\(page)")
            }
            let css = try await Self.raw(port, "/common/base.css")
            #expect(css.status == 200 && css.headers["content-type"] == "text/css; charset=utf-8")
            let svg = try await Self.raw(port, "/common/icon.svg")
            #expect(svg.status == 200 && svg.headers["content-type"] == "image/svg+xml")
            let home = try await Self.raw(port, "/")
            #expect(home.status == 302 && home.headers["location"] == "/desk/")
            #expect(home.headers["content-security-policy"] != nil)
            // The API is untouched: health answers, an unknown API route is still a JSON 404.
            #expect(try await Self.raw(port, "/api/v1/health").status == 200)
            let unknown = try await Self.raw(port, "/api/v1/kiosk.html")
            #expect(unknown.status == 404 && unknown.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(unknown.body.contains("route.notFound"))
        }
    }

    @Test("no directory listing, no way out of the folder: .., %2e%2e, encoded slashes, absolute paths")
    func confined() async throws {
        try await Self.live { folder, client, port in
            // A folder without index.html is not listed.
            for path in ["/common/", "/common/empty/"] {
                let listing = try await Self.raw(port, path)
                #expect(listing.status == 404, "\(path)")
                #expect(!listing.body.contains("base.css") && !listing.body.contains("api.js"), "\(path)")
            }
            let attempts = [
                "/../secret.txt", "/kiosk/../../secret.txt", "/common/..%2f..%2fsecret.txt", "/%2e%2e/secret.txt",
                "/kiosk/%2e%2e/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%5csecret.txt",
                "//etc/passwd", "/%2fetc%2fpasswd", "/etc/passwd", "/\(folder.root.path)/secret.txt",
                "\(folder.root.path)/secret.txt", "/kiosk/..;/..;/secret.txt",
            ]
            for path in attempts {
                let answer = try await Self.raw(port, path)
                #expect([400, 404].contains(answer.status), "\(path): \(answer.status)")
                #expect(!answer.body.contains("SECRET-OUTSIDE-PAGES") && !answer.body.contains("root:"), "\(path)")
                #expect(answer.headers["content-security-policy"] != nil, "\(path)")
            }
            // Writing methods never reach the files.
            let post = try await client.execute(uri: "/kiosk/index.html", method: .post, body: ByteBuffer(string: "x"))
            #expect(post.status.code >= 400)
            // And the server still serves.
            #expect(try await Self.raw(port, "/kiosk/").status == 200)
        }
    }

    @Test("a missing pages folder: the pages answer 404, the API keeps working")
    func missingFolder() async throws {
        var options = WebAPIOptions()
        options.pagesDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-no-pages-\(UUID().uuidString)")
        #expect(!WebAPI.pagesPresent(in: options.pagesDirectory!))
        let t = try await TestServices.make(options: options)
        defer { t.close() }
        try await t.application().test(.live) { client in
            let port = try #require(client.port)
            #expect(try await Self.raw(port, "/kiosk/").status == 404)
            #expect(try await Self.raw(port, "/api/v1/health").status == 200)
            #expect(try await Self.raw(port, "/api/v1/screen/state").status == 200)
        }
    }

    @Test("the repository's web/ pages: no inline script or style (CSP default-src 'self'), nothing from the internet")
    func repositoryPages() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let web = root.appendingPathComponent("web")
        #expect(WebAPI.pagesPresent(in: web))
        let files = try #require(FileManager.default.enumerator(at: web, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL })
        var checked = 0
        for file in files where ["html", "js", "css"].contains(file.pathExtension) {
            let text = try String(contentsOf: file, encoding: .utf8)
            let name = file.path.replacingOccurrences(of: web.path, with: "web")
            checked += 1
            let addresses = text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")  // the SVG namespace is a name
            #expect(!addresses.contains("http://") && !addresses.contains("https://") && !addresses.contains("//cdn"),
                    "\(name) names an internet address")
            guard file.pathExtension == "html" else { continue }
            #expect(!text.contains("<style"), "\(name): inline <style>")
            #expect(!text.contains(" style="), "\(name): inline style attribute")
            #expect(text.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil, "\(name): inline handler")
            for match in text.ranges(of: "<script") {
                let tag = text[match.lowerBound...].prefix { $0 != ">" }
                #expect(tag.contains("src="), "\(name): inline <script>")
            }
            #expect(text.contains("<html lang=\"zh-CN\">"), "\(name): lang")
            #expect(text.lowercased().contains("<meta charset=\"utf-8\">"), "\(name): charset")
        }
        #expect(checked >= 8)
    }
}
