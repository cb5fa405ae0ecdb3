import Crypto
import Foundation
import SyncProtocol
import Testing
@testable import UpstreamServer

/// A reference server on free loopback ports with its own database, run inside the test process.
final class TestServer: Sendable {
    let server: UpstreamServer
    let running: UpstreamServer.Background
    var ports: UpstreamServer.Ports { running.ports }
    let directory: URL
    let scheme: String

    var base: String { "\(scheme)://127.0.0.1:\(ports.server)" }
    var control: String { "http://127.0.0.1:\(ports.control!)" }
    var store: UpstreamStore { server.store }

    private init(server: UpstreamServer, running: UpstreamServer.Background, directory: URL, scheme: String) {
        self.server = server
        self.running = running
        self.directory = directory
        self.scheme = scheme
    }

    static func start(_ configure: (inout UpstreamServer.Configuration) -> Void = { _ in }) async throws -> TestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-upstream-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = UpstreamServer.Configuration(databasePath: directory.appendingPathComponent("upstream.sqlite").path)
        configuration.port = 0
        configuration.controlPort = 0
        configure(&configuration)
        let server = try UpstreamServer(configuration: configuration)
        return TestServer(server: server, running: try await server.startInBackground(), directory: directory,
                          scheme: configuration.certificate == nil ? "http" : "https")
    }

    func stop() async {
        await running.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Switches a fault through the control endpoint, as `renfang-upstream fault` does.
    @discardableResult
    func fault(_ command: String) async throws -> String {
        let result = try await curl(control + "/faults", method: "POST", body: Data(command.utf8))
        #expect(result.status == 200, "fault \(command): \(result.text)")
        return result.text
    }
}

/// A synthetic appliance with its own Ed25519 key.
struct TestAppliance {
    let id: String
    let key = Curve25519.Signing.PrivateKey()

    init(_ id: String = "RF-TEST-\(Int.random(in: 1000...9999))") { self.id = id }

    func register(on server: TestServer) throws {
        try server.store.addAppliance(id: id, publicKey: key.publicKey)
    }

    func record(seq: Int64, kind: String = "person", id: UUID = UUID(), payload: JSONValue? = nil) -> SyncRecord {
        SyncRecord(id: id, seq: seq, kind: kind, operation: .create, occurredAt: Date(), applianceId: self.id,
                   payload: payload ?? ["personKey": .string("p-\(seq)"), "name": "测试人员", "residents": .integer(seq)])
    }

    func records(_ seqs: some Sequence<Int64>, kind: String = "person") -> [SyncRecord] { seqs.map { record(seq: $0, kind: kind) } }

    /// The signed JSON body of a batch of `records`.
    func batch(_ records: [SyncRecord], signWith key: Curve25519.Signing.PrivateKey? = nil) throws -> Data {
        let batch = try RecordBatch(batchId: UUID().uuidString.lowercased(), applianceId: id, sentAt: SyncTime.string(Date()), records: records)
            .signed(with: key ?? self.key)
        return try JSONEncoder().encode(batch)
    }

    /// The appliance's reconciliation request for `records` (all taken as delivered) over `from…to`.
    func reconcile(_ records: [SyncRecord], from: Int64, to: Int64) throws -> Data {
        var digest = RangeDigest()
        for record in records.sorted(by: { $0.seq < $1.seq }) where (from...to).contains(record.seq) {
            digest.add(seq: record.seq, id: record.id, payloadDigest: record.payloadDigest)
        }
        return try JSONEncoder().encode(ReconcileRequest(applianceId: id, from: from, to: to, count: digest.count, digest: digest.hex))
    }
}

/// What a raw HTTP exchange gave: curl's exit code (0 = complete answer), the status (0 = none), headers
/// (lower-case names), body.
struct HTTPResult {
    var exit: Int32
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: body) }
    var errorCode: String? { (try? decode(ErrorBody.self))?.error.code }
}

/// One HTTP exchange with the curl CLI (a client independent of the code under test), without blocking
/// a concurrency thread.
func curl(_ url: String, method: String = "GET", body: Data? = nil, headers: [String] = [], options: [String] = [],
          timeout: Double = 10) async throws -> HTTPResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let bodyFile = directory.appendingPathComponent("body"), headerFile = directory.appendingPathComponent("headers")
    let outFile = directory.appendingPathComponent("out"), requestFile = directory.appendingPathComponent("request")
    FileManager.default.createFile(atPath: outFile.path, contents: nil)
    var arguments = ["-sS", "-o", bodyFile.path, "-D", headerFile.path, "-w", "%{http_code}", "--max-time", String(timeout), "-X", method]
    if let body {
        try body.write(to: requestFile)
        arguments += ["--data-binary", "@" + requestFile.path, "-H", "Content-Type: application/json"]
    }
    for header in headers { arguments += ["-H", header] }
    arguments += options + [url]
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = arguments
    process.standardOutput = try FileHandle(forWritingTo: outFile)
    process.standardError = FileHandle.nullDevice
    let exit: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    let status = Int(String(decoding: (try? Data(contentsOf: outFile)) ?? Data(), as: UTF8.self)) ?? 0
    var parsed: [String: String] = [:]
    for line in String(decoding: (try? Data(contentsOf: headerFile)) ?? Data(), as: UTF8.self).split(separator: "\r\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        parsed[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return HTTPResult(exit: exit, status: status, headers: parsed, body: (try? Data(contentsOf: bodyFile)) ?? Data())
}

/// The repository root (three levels above this file).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
