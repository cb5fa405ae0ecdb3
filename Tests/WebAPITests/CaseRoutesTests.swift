import Crypto
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Registry
@testable import Sync
import SyncProtocol
import Testing
import UpstreamServer
@testable import WebAPI

/// A real renfang-upstream (the UpstreamServer library) on a free loopback port in this process.
final class CaseUpstream: Sendable {
    let server: UpstreamServer
    let running: UpstreamServer.Background
    let directory: URL
    var port: Int { running.ports.server }

    static func start(appliance: String, key: Curve25519.Signing.PrivateKey) async throws -> CaseUpstream {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-cases-up-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = UpstreamServer.Configuration(databasePath: directory.appendingPathComponent("upstream.sqlite").path)
        configuration.port = 0
        configuration.controlPort = nil
        let server = try UpstreamServer(configuration: configuration)
        try server.store.addAppliance(id: appliance, publicKey: key.publicKey)
        return CaseUpstream(server: server, running: try await server.startInBackground(), directory: directory)
    }

    private init(server: UpstreamServer, running: UpstreamServer.Background, directory: URL) {
        self.server = server
        self.running = running
        self.directory = directory
    }

    var url: String { "http://127.0.0.1:\(port)/" }

    func stop() async {
        await running.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// 协查/核查 end to end: a case issued at a real renfang-upstream (分局) comes down the inbox over a real
/// uplink (libcurl), pairs with the right person, is answered through the HTTP API as the desk, and its
/// feedback reaches that upstream exactly once (and never the other one, 省厅); the routes enforce each
/// outcome's required fields with the field named.
@Suite("Case routes with a real renfang-upstream", .serialized)
struct CaseRoutesTests {
    static let appliance = "app-cases-01"
    static let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 9, count: 32))

    static func body(_ caseId: String, _ person: PersonDraft, idNumber: Bool = true, deadline: String) throws -> JSONValue {
        try CanonicalJSON.value(of: VerificationCaseBody(
            caseId: caseId, type: "核查",
            person: .init(idNumber: idNumber ? person.idNumber : nil, name: person.name!, sex: person.sex!,
                          birthDate: person.birthDate!.description),
            address: "北京市朝阳区安慧里一区1号楼101", items: ["姓名", "现居住地址"], deadline: deadline, unit: "某某市公安局某某分局"))
    }

    func uplink(_ system: SyncSystem, _ name: String) throws -> Uplink {
        let destination = system.configuration.destinations.first { $0.name == name }!
        return Uplink(system: system, destination: destination,
                      transport: try CurlTransport(destination, applianceId: Self.appliance), signer: BatchSigner(key: Self.key))
    }

    @discardableResult
    func drainAll(_ uplink: Uplink) async throws -> Uplink.BatchOutcome {
        var last = Uplink.BatchOutcome.empty
        for _ in 0..<100 {
            last = try await uplink.sendBatch()
            if case .answered = last { continue }
            break
        }
        return last
    }

    @Test("issued at renfang-upstream → inbox → paired → answered on the API → feedback at that upstream exactly once")
    func endToEnd() async throws {
        let bureau = try await CaseUpstream.start(appliance: Self.appliance, key: Self.key)
        let province = try await CaseUpstream.start(appliance: Self.appliance, key: Self.key)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-cases-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let retry = RetryPolicy(initialDelay: 0.01, maximumDelay: 0.05)
        let configuration = SyncConfiguration(applianceId: Self.appliance, destinations: [
            DestinationConfiguration(name: "bureau", url: bureau.url, batchSize: 50, connectTimeout: 2, requestTimeout: 5, retry: retry,
                                     idlePollInterval: 0.05, inboxInterval: 0, reconcileInterval: 0),
            DestinationConfiguration(name: "province", url: province.url, batchSize: 50, connectTimeout: 2, requestTimeout: 5,
                                     retry: retry, idlePollInterval: 0.05, inboxInterval: 0, reconcileInterval: 0),
        ])
        let system = try SyncSystem.open(registerPath: directory.appendingPathComponent("register.sqlite").path,
                                         keyFile: directory.appendingPathComponent("data.key").path, configuration: configuration)
        let world = try await TestServices.make(register: system.store).with { $0.sync = system }
        defer {
            world.close()
            try? FileManager.default.removeItem(at: directory)
        }
        // One synthetic resident of 小区 A.
        let house = try await world.register.createHouse(HouseDraft(xiaoqu: world.xiaoquA.uuid, roomNumber: "101", usage: "01"),
                                                         by: TestServices.admin)
        let resident = SyntheticRegistrations.person(41)
        let desk = Actor(userId: "desk", role: world.role(.desk))
        let registered = try #require(try await world.register.register(
            person: resident, into: house.uuid,
            stay: StayDraft(arrivalDate: RegisterDate("2024-03-01"), relation: "02", plannedStay: "4", residenceReason: "01",
                            housingType: "01"), by: desk).value)
        let stranger = SyntheticRegistrations.person(42, series: 1)
        // The 分局 issues two cases: one for the resident, one for somebody in no register (already overdue).
        _ = try bureau.server.store.push(kind: .verificationCase, body: try Self.body("HC-E2E-1", resident, deadline: "2099-12-31"),
                                         applianceId: Self.appliance)
        _ = try bureau.server.store.push(kind: .verificationCase, body: try Self.body("HC-E2E-2", stranger, deadline: "2020-01-01"),
                                         applianceId: Self.appliance)
        _ = try bureau.server.store.push(kind: .notice, body: try CanonicalJSON.value(of: NoticeBody(title: "停水通知", text: "今晚停水",
                                                                                                      isPublic: true)))
        let toBureau = try uplink(system, "bureau"), toProvince = try uplink(system, "province")
        #expect(try await toBureau.pullInbox() == 3)
        #expect(try await toBureau.pullInbox() == 0)
        #expect(try await InboxStore(database: system.store.database).unhandled().isEmpty, "cases and notices handed to the register")
        try await drainAll(toBureau)
        try await drainAll(toProvince)
        let before = try bureau.server.store.records().count

        try await world.application().test(.live) { client in
            let login = try await world.login(client, .desk)
            // The to-do list: two open cases (one overdue, one unpaired), the notice unread.
            let todo = try TestJSON.object(try await client.execute(uri: "/api/v1/todo", method: .get, headers: login.headers()).body)
            let counts = try #require(todo["counts"] as? [String: Int])
            #expect(counts["cases"] == 2 && counts["overdueCases"] == 1 && counts["unpairedCases"] == 1 && counts["notices"] == 1)
            let cases = try #require(todo["cases"] as? [[String: Any]])
            let paired = try #require(cases.first { $0["caseNo"] as? String == "HC-E2E-1" })
            let unpaired = try #require(cases.first { $0["caseNo"] as? String == "HC-E2E-2" })
            #expect(paired["state"] as? String == "paired")
            #expect((paired["personUuid"] as? String)?.lowercased() == registered.person.uuid.uuidString.lowercased())
            #expect(unpaired["state"] as? String == "unpaired" && unpaired["overdue"] as? Bool == true)
            #expect(String(describing: todo).contains(resident.idNumber!) == false, "lists carry masked ID numbers only")
            let pairedId = try #require(paired["uuid"] as? String), unpairedId = try #require(unpaired["uuid"] as? String)

            // The unpaired case: only 查无此人, with its fields, each named.
            var response = try await client.execute(uri: "/api/v1/cases/\(unpairedId)/answer", method: .post, headers: login.headers(),
                                                    body: TestJSON.body(["outcome": "consistent"]))
            #expect(response.status == .badRequest)
            var error = try TestJSON.error(response.body)
            #expect(error["field"] as? String == "person" && (error["message"] as? String ?? "").contains("查无此人"))
            response = try await client.execute(uri: "/api/v1/cases/\(unpairedId)/answer", method: .post, headers: login.headers(),
                                                body: TestJSON.body(["outcome": "notFound", "reason": "婚出"]))
            #expect(response.status == .badRequest)
            error = try TestJSON.error(response.body)
            let fields = Set((error["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["destinationRegion", "destinationTownship"])
            #expect((error["message"] as? String ?? "").contains("婚出地/迁出地乡镇（街道）"))
            response = try await client.execute(uri: "/api/v1/cases/\(unpairedId)/answer", method: .post, headers: login.headers(),
                                                body: TestJSON.body(["outcome": "notFound", "reason": "其他"]))
            #expect(try TestJSON.error(response.body)["field"] as? String == "remark")
            response = try await client.execute(uri: "/api/v1/cases/\(unpairedId)/answer", method: .post, headers: login.headers(),
                                                body: TestJSON.body(["outcome": "notFound", "reason": "迁出", "destinationRegion": "440305",
                                                                     "destinationTownship": "蛇口街道"]))
            #expect(response.status == .ok)

            // The paired case: the resident's 户籍 is the 社区's, so only the 常住 twins are offered; the 流动 twin is
            // refused naming 核查结果, a found outcome without 常驻人口信息员确认 naming that.
            #expect(paired["recordSource"] as? String == "resident")
            #expect(paired["allowedOutcomes"] as? [String] == ["notFound", "residentConsistent", "residentReRegistered"])
            response = try await client.execute(uri: "/api/v1/cases/\(pairedId)/answer", method: .post, headers: login.headers(),
                                                body: TestJSON.body(["outcome": "consistent", "residentOfficerConfirmed": true]))
            #expect(response.status == .badRequest)
            error = try TestJSON.error(response.body)
            #expect(error["field"] as? String == "caseOutcome" && (error["message"] as? String ?? "").contains("常住人口"))
            response = try await client.execute(uri: "/api/v1/cases/\(pairedId)/answer", method: .post, headers: login.headers(),
                                                body: TestJSON.body(["outcome": "residentConsistent", "residentOfficerConfirmed": false]))
            #expect(response.status == .badRequest)
            error = try TestJSON.error(response.body)
            #expect(error["field"] as? String == "residentOfficerConfirmed" && (error["message"] as? String ?? "").contains("常驻人口信息员确认"))
            // Confirmed; a second answer is 409.
            response = try await client.execute(uri: "/api/v1/cases/\(pairedId)/answer", method: .post, headers: login.headers(),
                                                body: TestJSON.body(["outcome": "residentConsistent", "remark": "入户核实无误",
                                                                     "residentOfficerConfirmed": true]))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let answered = try TestJSON.object(response.body)
            #expect(answered["state"] as? String == "answered")
            #expect((answered["feedback"] as? [String: Any])?["addressee"] as? String == "bureau")
            #expect((answered["feedback"] as? [String: Any])?["residentOfficerConfirmed"] as? Bool == true)
            response = try await client.execute(uri: "/api/v1/cases/\(pairedId)/answer", method: .post, headers: login.headers(),
                                                body: TestJSON.body(["outcome": "consistent"]))
            let conflictCode = try TestJSON.error(response.body)["code"] as? String
            #expect(response.status == .conflict && conflictCode == "case.answered")

            // Progress table and the to-do list afterwards.
            let progress = try TestJSON.object(try await client.execute(uri: "/api/v1/case-progress?from=2000-01-01&to=2099-12-31",
                                                                        method: .get, headers: login.headers()).body)
            let total = try #require(progress["total"] as? [String: Any])
            #expect(total["received"] as? Int == 2 && total["answered"] as? Int == 2 && total["overdue"] as? Int == 1)
            #expect(total["byOutcome"] as? [String: Int] == ["notFound": 1, "consistent": 0, "reRegistered": 0, "residentConsistent": 1,
                                                             "residentReRegistered": 0])
            let csv = try await client.execute(uri: "/api/v1/case-progress/export?from=2000-01-01&to=2099-12-31&format=csv",
                                               method: .get, headers: login.headers())
            #expect(csv.status == .ok && String(buffer: csv.body).contains("某某市公安局某某分局"))
            let after = try TestJSON.object(try await client.execute(uri: "/api/v1/todo", method: .get, headers: login.headers()).body)
            #expect((after["counts"] as? [String: Int])?["cases"] == 0)
        }

        // The feedback goes up: the first send is processed and its answer lost (fault `drop`), then sent again.
        _ = try bureau.server.faults.apply("drop")
        _ = try? await toBureau.sendBatch()
        _ = try bureau.server.faults.apply("none")
        try await drainAll(toBureau)
        try await drainAll(toProvince)
        let feedback = try bureau.server.store.caseFeedback(applianceId: Self.appliance)
        #expect(feedback.map(\.caseNo).sorted() == ["HC-E2E-1", "HC-E2E-2"], "each case's feedback exactly once")
        #expect(feedback.first { $0.caseNo == "HC-E2E-2" }?.reason == "迁出")
        let confirmed = try #require(feedback.first { $0.caseNo == "HC-E2E-1" })
        #expect(confirmed.outcome == "residentConsistent" && confirmed.payload.contains(#""resident_officer_confirmed":1"#))
        #expect(try bureau.server.store.records().count == before + 2)
        #expect(try province.server.store.caseFeedback().isEmpty, "the feedback goes to the unit that asked, nowhere else")
        let status = try await system.status()
        #expect(status.allSatisfy { $0.pending == 0 && $0.quarantined == 0 })
        await bureau.stop()
        await province.stop()
    }
}
