import Crypto
import Foundation

/// An issuer's Ed25519 signing key and name (`renfang watchlist keygen`). The private key file is text:
///
/// ```
/// renfang-watchlist-issuer-key v1
/// issuer: 某某分局
/// private: <base64 of the 32-byte Ed25519 seed>
/// ```
///
/// and the public key file (`<file>.pub`, given to appliances as a trusted key) has `public:` instead.
public struct IssuerKey: Sendable {
    /// The issuer's name, written into every bundle it seals.
    public var issuer: String
    let privateKey: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init(issuer: String) {
        self.issuer = issuer
        privateKey = Curve25519.Signing.PrivateKey()
    }

    /// The 32-byte public key.
    public var publicKey: [UInt8] { Array(privateKey.publicKey.rawRepresentation) }

    /// The private key file's text.
    public var privateFileText: String {
        "renfang-watchlist-issuer-key v1\nissuer: \(issuer)\nprivate: \(privateKey.rawRepresentation.base64EncodedString())\n"
    }

    /// The public key file's text.
    public var publicFileText: String {
        "renfang-watchlist-issuer-public v1\nissuer: \(issuer)\npublic: \(Data(publicKey).base64EncodedString())\n"
    }

    /// Writes the private key (mode 0600) to `url` and the public key to `url` + `.pub`. Refuses to
    /// overwrite an existing key.
    public func write(to url: URL) throws {
        let pub = URL(fileURLWithPath: url.path + ".pub")
        for file in [url, pub] where FileManager.default.fileExists(atPath: file.path) {
            throw WatchlistError(.badKey, "密钥文件已存在，不会覆盖：\(file.path)")
        }
        guard FileManager.default.createFile(atPath: url.path, contents: Data(privateFileText.utf8),
                                             attributes: [.posixPermissions: 0o600]),
              FileManager.default.createFile(atPath: pub.path, contents: Data(publicFileText.utf8),
                                             attributes: [.posixPermissions: 0o644])
        else { throw WatchlistError(.badKey, "无法写入密钥文件 \(url.path)") }
    }

    /// Reads a private key file.
    public init(contentsOf url: URL) throws {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw WatchlistError(.badKey, "无法读取签发密钥 \(url.path)")
        }
        let fields = KeyFile.fields(text)
        guard let seed = fields["private"].flatMap({ Data(base64Encoded: $0) }),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        else { throw WatchlistError(.badKey, "签发密钥文件格式错误：\(url.path)") }
        privateKey = key
        issuer = fields["issuer"] ?? ""
    }

    /// Signs a bundle digest.
    func sign(_ digest: SHA256.Digest) throws -> [UInt8] {
        Array(try privateKey.signature(for: WatchlistCrypto.signedMessage(digest: digest)))
    }
}

/// The issuer public keys an appliance accepts bundles from: read from a file or from every file of a
/// directory (the `--trusted-keys` option). Each `public: <base64>` line (or bare base64 line) is one key;
/// `#` starts a comment.
public struct TrustedKeys: Sendable {
    /// The keys, by raw bytes.
    public private(set) var keys: [[UInt8]]

    /// Keys given directly.
    public init(_ keys: [[UInt8]]) { self.keys = keys }

    /// Reads a key file or a directory of key files. An empty set is an error: nothing could be imported.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw WatchlistError(.badKey, "受信任的签发公钥不存在：\(path)")
        }
        let files = isDirectory.boolValue
            ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
                .filter { !$0.hasPrefix(".") }.map { path + "/" + $0 }
            : [path]
        var keys: [[UInt8]] = []
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            for line in text.split(whereSeparator: \.isNewline) {
                var value = line.trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("#") || value.isEmpty { continue }
                if value.hasPrefix("public:") { value = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
                if let data = Data(base64Encoded: value), data.count == 32 { keys.append(Array(data)) }
            }
        }
        guard !keys.isEmpty else { throw WatchlistError(.badKey, "未找到受信任的签发公钥：\(path)") }
        self.keys = keys
    }

    /// Whether `key` is trusted.
    public func contains(_ key: [UInt8]) -> Bool { keys.contains(key) }

    /// Whether `signature` over the digest verifies under `key`.
    static func verify(signature: [UInt8], digest: SHA256.Digest, key: [UInt8]) -> Bool {
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key) else { return false }
        return publicKey.isValidSignature(signature, for: WatchlistCrypto.signedMessage(digest: digest))
    }
}

enum KeyFile {
    /// `name: value` lines.
    static func fields(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            result[line[..<colon].trimmingCharacters(in: .whitespaces)] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return result
    }
}
