import Foundation
import HummingbirdTesting
import NIOCore
import Registry
import Testing
@testable import WebAPI

@Suite("Import and export routes")
struct ImportRoutesTests {
    static let header = "社区,小区,楼栋,单元,楼层,房号,房屋详址,建筑面积,房屋用途,出租状态,出租用途,出租间数,出租面积,房东姓名,房东身份号码,房东电话,治安责任人,治安责任人身份号码,治安责任人电话,租赁备案证号,行政区划,街道,小区地址"

    @Test("an import with bad rows imports the good ones and reports each bad row by number")
    func importReport() async throws {
        let world = try await DomainWorld()
        let csv = """
            \(Self.header)
            安慧里社区,阳光花园,1号楼,,2,201,,80,自住,未出租,,,,,,,,,,,110105,,安慧里一区
            安慧里社区,阳光花园,1号楼,,2,202,,-5,自住,未出租,,,,,,,,,,,110105,,安慧里一区
            安慧里社区,阳光花园,1号楼,,2,,,70,不知道,未出租,,,,,,,,,,,110105,,安慧里一区
            安慧里社区,阳光花园,1号楼,,2,203,,75,自住,未出租,,,,,,,,,,,110105,,安慧里一区

            """
        try await world.live { client async throws in
            let response = try await client.call(.post, "/api/v1/imports?kind=houses", as: "policeA", body: ByteBuffer(string: csv))
            #expect(response.status == .ok, "\(response.text)")
            let report = response.object
            #expect(report["created"] as? Int == 2)
            #expect(report["invalid"] as? Int == 2)
            let rows = Set((report["problems"] as? [[String: Any]] ?? []).compactMap { $0["row"] as? Int })
            #expect(rows == [3, 4])
            let houses = try await client.call(.get, "/api/v1/xiaoqus/\(world.xiaoquA.uuid)/houses", as: "policeA")
            #expect(Set(houses.array.compactMap { $0["roomNumber"] as? String }) == ["301", "201", "203"])

            let noKind = try await client.call(.post, "/api/v1/imports", as: "policeA", body: ByteBuffer(string: csv))
            #expect(noKind.status == .badRequest)
            #expect(noKind.error["field"] as? String == "kind")
            let broken = try await client.call(.post, "/api/v1/imports?kind=houses", as: "policeA", body: ByteBuffer(bytes: [0x50, 0x4B, 3, 4, 0, 0, 9]))
            #expect(broken.status == .badRequest)
            #expect(broken.error["field"] as? String == "file")
            #expect(try await client.call(.post, "/api/v1/imports?kind=houses", as: "auditor", body: ByteBuffer(string: csv)).status == .forbidden)
        }
    }

    @Test("an export downloads a spreadsheet of the caller's scope and is audited")
    func export() async throws {
        let world = try await DomainWorld()
        try await world.live { client async throws in
            let before = try world.register.auditLog.head()?.seq ?? 0
            let response = try await client.call(.get, "/api/v1/exports/houses?format=csv", as: "deskA")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(response.text.contains("301"))
            #expect(!response.text.contains("202"))
            let entries = try world.register.auditLog.entries(after: before, by: world.actors["auditor"]!)
            #expect(entries.contains { $0.action == "export" })
            #expect(try await client.call(.get, "/api/v1/exports/people", as: "deskA").status == .notFound)
            #expect(try await client.call(.get, "/api/v1/exports/houses?format=pdf", as: "deskA").status == .badRequest)
        }
    }
}
