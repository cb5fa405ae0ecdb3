import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import WebAPI

@Suite("Hostile input")
struct HostileInputRoutesTests {
    @Test("malformed JSON, huge bodies, wrong types, unknown or broken UUIDs and odd paths get clean JSON errors; the server keeps serving")
    func hostile() async throws {
        let world = try await DomainWorld()
        try await world.live { client async throws in
            func expectError(_ response: TestResponse, _ status: HTTPResponse.Status, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
                #expect(response.error["code"] as? String == code, "\(response.text)", sourceLocation: sourceLocation)
                #expect((response.error["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
            }
            try expectError(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: "{\"house\": "), .badRequest, "request.malformedJSON")
            try expectError(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: "[1,2,3]"), .badRequest, "request.malformedJSON")
            try expectError(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: "\u{0}\u{1}garbage"), .badRequest, "request.malformedJSON")
            try expectError(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: ""), .badRequest, "request.emptyBody")
            let huge = "{\"name\":\"" + String(repeating: "张", count: 800_000) + "\"}"
            try expectError(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: huge), .contentTooLarge, "request.tooLarge")
            let bigUpload = ByteBuffer(repeating: UInt8(ascii: "a"), count: 300 * 1024)
            try expectError(try await client.call(.post, "/api/v1/imports?kind=houses", as: "policeA", body: bigUpload), .contentTooLarge, "request.tooLarge")
            try expectError(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: #"{"house":42}"#), .badRequest, "field.wrongType")
            try expectError(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: #"{"house":"not-a-uuid"}"#), .badRequest, "field.wrongType")
            try expectError(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: #"{"house":"\#(UUID())","documentType":"Z"}"#), .badRequest, "field.wrongType")
            try expectError(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: #"{"house":"\#(UUID())","name":"李娜","idNumber":"\#(People.liNa)","sex":"2","relation":"91","arrivalDate":"2025-01-10"}"#), .notFound, "record.notFound")
            try expectError(try await client.call(.get, "/api/v1/houses/\(UUID())", as: "deskA"), .notFound, "record.notFound")
            try expectError(try await client.call(.get, "/api/v1/people/\(UUID())", as: "policeA"), .notFound, "record.notFound")
            try expectError(try await client.call(.get, "/api/v1/alerts/\(UUID())", as: "policeA"), .notFound, "record.notFound")
            // Encoded slashes: either one odd segment (refused by the route as JSON) or no route at all (404).
            for path in ["/api/v1/houses/..%2F..%2Fetc%2Fpasswd", "/api/v1/kiosk/..%2F..%2Fetc%2Fpasswd/card", "/api/v1/dictionaries/..%2Fsex"] {
                let response = try await client.call(.get, path, as: "deskA")
                #expect([400, 404].contains(response.status.code), "\(path)")
                #expect(!response.text.contains("root:"))
                if response.headers[.contentType]?.hasPrefix("application/json") == true {
                    #expect(["request.invalid", "kiosk.unknown", "dictionary.notFound", "route.notFound"].contains(response.error["code"] as? String ?? ""))
                }
            }
            try expectError(try await client.call(.get, "/api/v1/houses/not-a-uuid", as: "deskA"), .badRequest, "request.invalid")
            try expectError(try await client.call(.get, "/api/v1/kiosk/..%20/card"), .notFound, "kiosk.unknown")
            try expectError(try await client.call(.get, "/api/v1/dictionaries/secret"), .notFound, "dictionary.notFound")
                        try expectError(try await client.call(.get, "/api/v1/kiosk/%00/card"), .notFound, "kiosk.unknown")
                        try expectError(try await client.call(.get, "/api/v1/search/stays?limit=100000", as: "policeA"), .badRequest, "field.wrongType")
            try expectError(try await client.call(.get, "/api/v1/statistics/occupancy?from=2025-02-30", as: "policeA"), .badRequest, "field.wrongType")
            try expectError(try await client.call(.get, "/api/v1/statistics/occupancy?groupBy=planet", as: "policeA"), .badRequest, "request.invalid")
            try expectError(try await client.call(.post, "/api/v1/alerts/\(UUID())/progress", as: "policeA", json: #"{"to":["closed"]}"#), .badRequest, "field.wrongType")

            // A raw request with a traversal path and a header of garbage: answered, and the server still serves.
            let port = try #require(client.port)
            let raw = try RawHTTPClient(port: port)
            raw.get("/api/v1/kiosk/../../../../etc/passwd/card", headers: ["X-Test-Actor": "\u{7f}\u{7f}", "Last-Event-ID": "-1"])
            #expect(await raw.read(until: { $0.contains("\r\n\r\n") }, timeout: 30))
            #expect(!raw.received.contains("root:"))

            let readers = try await client.call(.get, "/api/v1/readers", as: "deskA")
            #expect(readers.status == .ok)
            #expect(readers.array.first?["name"] as? String == DomainWorld.kioskReader)
        }
    }

    @Test("dictionaries answer by code, pinyin initials or characters")
    func dictionaries() async throws {
        let world = try await DomainWorld()
        try await world.live { client async throws in
            let byPinyin = try await client.call(.get, "/api/v1/dictionaries/nation?q=hz")
            #expect((byPinyin.object["entries"] as? [[String: Any]])?.first?["name"] as? String == "汉族")
            let byCode = try await client.call(.get, "/api/v1/dictionaries/relation?q=91")
            #expect((byCode.object["entries"] as? [[String: Any]])?.first?["name"] as? String == "承租人")
            let byText = try await client.call(.get, "/api/v1/dictionaries/residenceReason?q=%E5%8A%A1%E5%B7%A5")
            #expect((byText.object["entries"] as? [[String: Any]])?.first?["code"] as? String == "01")
            let all = try await client.call(.get, "/api/v1/dictionaries")
            #expect(all.array.contains { $0["id"] as? String == "housingType" })
        }
    }
}
