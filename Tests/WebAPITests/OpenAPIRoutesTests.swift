import Foundation
import Hummingbird
import Testing
@testable import WebAPI
import Yams

@Suite("OpenAPI document")
struct OpenAPIRoutesTests {
    static var documentURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("protocol-docs/openapi.yaml")
    }

    static func documented() throws -> (routes: Set<String>, document: [String: Any]) {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var routes: Set<String> = []
        for (path, value) in paths {
            let operations = try #require(value as? [String: Any])
            for method in operations.keys where ["get", "put", "post", "patch", "delete", "head"].contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return (routes, document)
    }

    @Test("every route of the router is in openapi.yaml, and every path of openapi.yaml is a route")
    func routesMatch() async throws {
        let world = try await DomainWorld()
        let router = WebAPI.router(world.services)
        let served = Set(router.routes.map { "\($0.method.rawValue.uppercased()) \($0.path.description)" })
        let (documented, _) = try Self.documented()
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        #expect(served.count > 60)
    }

    @Test("the document is OpenAPI 3.1 with cookie + CSRF security, the error schema and every operation's references resolving")
    func wellFormed() throws {
        let (_, document) = try Self.documented()
        #expect(document["openapi"] as? String == "3.1.0")
        let components = try #require(document["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: Any])
        #expect((schemes["sessionCookie"] as? [String: Any])?["in"] as? String == "cookie")
        #expect((schemes["csrfToken"] as? [String: Any])?["name"] as? String == "X-CSRF-Token")
        let schemas = try #require(components["schemas"] as? [String: Any])
        #expect(schemas["Error"] != nil)
        let info = try #require(document["info"] as? [String: Any])
        let description = try #require(info["description"] as? String)
        for code in ["validation.failed", "record.notFound", "permission.denied", "auth.required", "request.tooLarge", "alert.badTransition", "internal"] {
            #expect(description.contains("`\(code)`"), "error code \(code) listed")
        }
        // Every $ref points at a component that exists.
        let text = try String(contentsOf: Self.documentURL, encoding: .utf8)
        let responses = try #require(components["responses"] as? [String: Any])
        let pattern = try NSRegularExpression(pattern: "\\$ref: '?#/components/(schemas|responses)/([A-Za-z]+)")
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let kind = String(text[Range(match.range(at: 1), in: text)!])
            let name = String(text[Range(match.range(at: 2), in: text)!])
            #expect((kind == "schemas" ? schemas[name] : responses[name]) != nil, "\(kind)/\(name) exists")
        }
        // State-changing operations of a session require the CSRF header.
        let paths = try #require(document["paths"] as? [String: Any])
        for (path, value) in paths {
            for (method, op) in value as? [String: Any] ?? [:] where method != "get" {
                let security = (op as? [String: Any])?["security"] as? [[String: Any]] ?? []
                if let first = security.first, first["sessionCookie"] != nil {
                    #expect(first["csrfToken"] != nil, "\(method) \(path) requires X-CSRF-Token")
                }
            }
        }
    }
}
