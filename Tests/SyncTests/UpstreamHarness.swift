import Crypto
import Foundation
import Synchronization
@testable import Sync
import SyncProtocol
import UpstreamServer

/// A real renfang-upstream (the UpstreamServer library) on a free loopback port, in this process, with
/// the test appliance's key registered.
final class RunningUpstream: Sendable {
    let server: UpstreamServer
    let running: UpstreamServer.Background
    let directory: URL
    let tls: Bool
    var port: Int { running.ports.server }

    static func start(appliance: String = "app-test-01", key: Curve25519.Signing.PrivateKey = TestKeys.appliance,
                      tls: TLSFiles? = nil, serverCert: (cert: String, key: String)? = nil) async throws -> RunningUpstream {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-upstream-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = UpstreamServer.Configuration(databasePath: directory.appendingPathComponent("upstream.sqlite").path)
        configuration.port = 0
        configuration.controlPort = nil
        if let tls {
            configuration.certificate = serverCert?.cert ?? tls.serverCert
            configuration.privateKey = serverCert?.key ?? tls.serverKey
            configuration.clientCA = tls.caCert
        }
        let server = try UpstreamServer(configuration: configuration)
        try server.store.addAppliance(id: appliance, publicKey: key.publicKey)
        return RunningUpstream(server: server, running: try await server.startInBackground(), directory: directory, tls: tls != nil)
    }

    private init(server: UpstreamServer, running: UpstreamServer.Background, directory: URL, tls: Bool) {
        self.server = server
        self.running = running
        self.directory = directory
        self.tls = tls
    }

    var url: String { tls ? "https://localhost:\(port)/" : "http://127.0.0.1:\(port)/" }

    func fault(_ command: String) throws { _ = try server.faults.apply(command) }

    func stop() async {
        await running.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Certificates made with the openssl tool: a CA, a server certificate for localhost/127.0.0.1, a client
/// certificate for the appliance; and a second CA with its own server and client certificates (wrong ones).
struct TLSFiles {
    let directory: URL
    var caCert: String { path("ca.pem") }
    var serverCert: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var clientCert: String { path("client.pem") }
    var clientKey: String { path("client.key") }
    var otherServerCert: String { path("other-server.pem") }
    var otherServerKey: String { path("other-server.key") }
    var otherClientCert: String { path("other-client.pem") }
    var otherClientKey: String { path("other-client.key") }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static let shared: TLSFiles = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-sync-tls-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = TLSFiles(directory: directory)
        files.make()
        return files
    }()

    private func openssl(_ arguments: [String]) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = arguments
        p.currentDirectoryURL = directory
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try! p.run()
        p.waitUntilExit()
        precondition(p.terminationStatus == 0, "openssl \(arguments.joined(separator: " "))")
    }

    private func make() {
        try! "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        for prefix in ["", "other-"] {
            openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                     "-subj", "/CN=renfang test CA \(prefix)", "-keyout", "\(prefix)ca.key", "-out", "\(prefix)ca.pem"])
            for (name, cn, ext) in [("server", "localhost", true), ("client", "app-test-01", false)] {
                openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=\(cn)",
                         "-keyout", "\(prefix)\(name).key", "-out", "\(prefix)\(name).csr"])
                openssl(["x509", "-req", "-in", "\(prefix)\(name).csr", "-CA", "\(prefix)ca.pem", "-CAkey", "\(prefix)ca.key",
                         "-CAcreateserial", "-days", "2", "-out", "\(prefix)\(name).pem"] + (ext ? ["-extfile", "server.ext"] : []))
            }
        }
    }

    /// `sha256//BASE64` of the public key in a certificate (for CURLOPT_PINNEDPUBLICKEY).
    func pin(of certificate: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["x509", "-in", certificate, "-pubkey", "-noout"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let pem = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let der = Data(base64Encoded: base64)!
        return "sha256//" + Data(SHA256.hash(data: der)).base64EncodedString()
    }
}
