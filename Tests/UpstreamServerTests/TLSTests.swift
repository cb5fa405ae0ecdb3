import Foundation
import SyncProtocol
import Testing
@testable import UpstreamServer

/// Mutual TLS with certificates made by scripts/gen-test-certs (the openssl CLI).
@Suite struct TLSTests {
    static func certificates() async throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-certs-\(UUID().uuidString.lowercased())")
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent("scripts/gen-test-certs")
        process.arguments = [directory.path, "RF-TLS-0001"]
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        #expect(status == 0)
        return directory
    }

    @Test func mutualTLSRefusesWrongCertificates() async throws {
        let certs = try await Self.certificates()
        defer { try? FileManager.default.removeItem(at: certs) }
        func path(_ name: String) -> String { certs.appendingPathComponent(name).path }
        let server = try await TestServer.start {
            $0.certificate = path("server.pem")
            $0.privateKey = path("server.key")
            $0.clientCA = path("ca.pem")
        }
        defer { Task { await server.stop() } }
        let appliance = TestAppliance("RF-TLS-0001")
        try appliance.register(on: server)
        let trusted = ["--cacert", path("ca.pem")]
        let client = ["--cert", path("client.pem"), "--key", path("client.key")]

        // The appliance's certificate: a full exchange.
        var answer = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch(appliance.records(1...2)), options: trusted + client)
        #expect(answer.exit == 0 && answer.status == 200)
        #expect(try answer.decode(BatchResponse.self).receipts.count == 2)
        // A registered appliance whose batches come with another appliance's certificate: refused.
        let impostor = TestAppliance("RF-TLS-0002")
        try impostor.register(on: server)
        answer = try await curl(server.base + "/v1/batches", method: "POST", body: try impostor.batch(impostor.records(1...1)), options: trusted + client)
        #expect(answer.status == 403 && answer.errorCode == "auth.unknownAppliance")
        answer = try await curl(server.base + "/v1/inbox?appliance=\(impostor.id)", options: trusted + client)
        #expect(answer.status == 403)
        #expect(try await curl(server.base + "/v1/inbox?appliance=\(appliance.id)", options: trusted + client).status == 200)
        // No client certificate, or one from another CA: refused in the handshake.
        answer = try await curl(server.base + "/v1/health", options: trusted)
        #expect(answer.exit != 0 && answer.status == 0)
        answer = try await curl(server.base + "/v1/health", options: trusted + ["--cert", path("rogue.pem"), "--key", path("rogue.key")])
        #expect(answer.exit != 0 && answer.status == 0)
        // The client does not trust a server certificate from another CA (curl: 60, peer certificate).
        answer = try await curl(server.base + "/v1/health", options: ["--cacert", path("other-ca.pem")] + client)
        #expect(answer.exit == 60)
        // Faults still act behind TLS.
        try await server.fault("overloaded=4")
        answer = try await curl(server.base + "/v1/health", options: trusted + client)
        #expect(answer.status == 429 && answer.headers["retry-after"] == "4")
        try await server.fault("drop")
        answer = try await curl(server.base + "/v1/health", options: trusted + client)
        #expect(answer.exit != 0 && answer.status == 0)
        #expect(try server.store.records().count == 2)
    }

    @Test func halfATLSConfigurationIsRefused() async throws {
        await #expect(throws: UpstreamError.self) {
            _ = try await TestServer.start { $0.certificate = "/nonexistent.pem" }
        }
    }
}
