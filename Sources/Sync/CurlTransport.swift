import CCurl
import Dispatch
import Foundation
import Synchronization

/// HTTP over libcurl for one destination: ``DestinationConfiguration/inFlight`` easy handles (each keeps
/// its TLS connection), each driven on its own serial dispatch queue — the blocking `curl_easy_perform`
/// never runs on Swift's cooperative pool. A request takes a free handle. Mutual TLS (client certificate
/// and key), CA file, optional public-key pinning (CURLOPT_PINNEDPUBLICKEY), proxy, connect and total
/// timeouts come from the destination's configuration. Peer and host verification are always on.
public final class CurlTransport: UpstreamTransport, Sendable {
    private let handles: [CurlHandle]
    private let free: Mutex<[Int]>
    private let next = Mutex(0)

    /// A transport for `destination` of appliance `applianceId` (in `User-Agent`); throws
    /// ``SyncError/Code/curl`` when libcurl refuses an option.
    public init(_ destination: DestinationConfiguration, applianceId: String) throws {
        let count = max(1, destination.inFlight)
        handles = try (0..<count).map { index in try CurlHandle(destination, applianceId: applianceId, index: index) }
        free = Mutex(Array(0..<count))
    }

    /// Performs `request` on a free handle (or, if all are busy, queues it behind one).
    public func perform(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        let taken = free.withLock { $0.popLast() }
        let index = taken ?? next.withLock { n in n = (n + 1) % handles.count; return n }
        defer { if let taken { free.withLock { $0.append(taken) } } }
        return try await handles[index].perform(request)
    }
}

/// One libcurl easy handle and the serial queue it runs on.
final class CurlHandle: @unchecked Sendable {
    // The handle is only touched on `queue`.
    private let handle: UnsafeMutableRawPointer
    private let queue: DispatchQueue
    private let baseURL: String
    private let headers: UnsafeMutablePointer<curl_slist>?

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    init(_ destination: DestinationConfiguration, applianceId: String, index: Int) throws {
        guard Self.globalInit, let handle = curl_easy_init() else {
            throw SyncError(.curl, "libcurl 初始化失败")
        }
        self.handle = handle
        queue = DispatchQueue(label: "renfang.sync.curl.\(destination.name).\(index)")
        baseURL = destination.url.hasSuffix("/") ? String(destination.url.dropLast()) : destination.url
        var list: UnsafeMutablePointer<curl_slist>? = nil
        list = curl_slist_append(list, "Content-Type: application/json")
        list = curl_slist_append(list, "Accept: application/json")
        list = curl_slist_append(list, "Expect:")
        list = curl_slist_append(list, "User-Agent: renfang/1 (\(applianceId))")
        if let token = destination.bearerToken { list = curl_slist_append(list, "Authorization: Bearer \(token)") }
        headers = list

        func set(_ option: CURLoption, _ value: Int, _ key: String) throws {
            guard renfang_curl_setopt_long(handle, option, value) == CURLE_OK else {
                throw SyncError(.curl, "libcurl 不接受选项 \(key)")
            }
        }
        func set(_ option: CURLoption, _ value: String?, _ key: String) throws {
            guard let value else { return }
            let code = renfang_curl_setopt_string(handle, option, value)
            guard code == CURLE_OK else {
                throw SyncError(.curl, "libcurl 不接受 \(key)：\(String(cString: curl_easy_strerror(code)))")
            }
        }
        do {
            try set(CURLOPT_NOSIGNAL, 1, "nosignal")
            try set(CURLOPT_SSL_VERIFYPEER, 1, "tls.verify_peer")
            try set(CURLOPT_SSL_VERIFYHOST, 2, "tls.verify_host")
            try set(CURLOPT_CONNECTTIMEOUT_MS, Int(destination.connectTimeout * 1000), "connect_timeout")
            try set(CURLOPT_TIMEOUT_MS, Int(destination.requestTimeout * 1000), "request_timeout")
            try set(CURLOPT_TCP_KEEPALIVE, 1, "keepalive")
            try set(CURLOPT_CAINFO, destination.tls.caFile, "tls.ca_file")
            try set(CURLOPT_SSLCERT, destination.tls.clientCertificate, "tls.client_certificate")
            try set(CURLOPT_SSLKEY, destination.tls.clientKey, "tls.client_key")
            try set(CURLOPT_PINNEDPUBLICKEY, destination.tls.pinnedPublicKey, "tls.pinned_public_key")
            // An empty proxy string turns off proxies from the environment: the configuration decides.
            try set(CURLOPT_PROXY, destination.proxy ?? "", "proxy")
            guard renfang_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers) == CURLE_OK,
                  renfang_curl_setopt_write(handle, curlCollect) == CURLE_OK,
                  renfang_curl_setopt_header(handle, curlCollect) == CURLE_OK
            else { throw SyncError(.curl, "libcurl 回调设置失败") }
        } catch {
            curl_easy_cleanup(handle)
            curl_slist_free_all(headers)
            throw error
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headers)
    }

    /// Performs `request` on this handle's queue.
    func perform(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.performBlocking(request) })
            }
        }
    }

    private func performBlocking(_ request: UpstreamRequest) throws -> UpstreamResponse {
        let body = Collector()
        let head = Collector()
        let url = baseURL + request.path
        let bodyPointer = Unmanaged.passRetained(body)
        let headPointer = Unmanaged.passRetained(head)
        defer {
            bodyPointer.release()
            headPointer.release()
        }
        _ = renfang_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = renfang_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, bodyPointer.toOpaque())
        _ = renfang_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, headPointer.toOpaque())
        let code: CURLcode
        if request.method == "POST" {
            let payload = request.body ?? Data()
            code = payload.withUnsafeBytes { raw -> CURLcode in
                _ = renfang_curl_setopt_long(handle, CURLOPT_POST, 1)
                _ = renfang_curl_setopt_postfields(handle, raw.baseAddress, raw.count)
                return curl_easy_perform(handle)
            }
            _ = renfang_curl_setopt_postfields(handle, nil, 0)
        } else {
            _ = renfang_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            code = curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            throw TransportError(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
        let status = renfang_curl_response_code(handle)
        return UpstreamResponse(status: status, headers: Self.parseHeaders(head.data), body: body.data)
    }

    static func parseHeaders(_ data: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            if line.hasPrefix("HTTP/") { fields.removeAll(); continue }  // a new response (after 100 Continue)
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }
}

/// Bytes collected by a libcurl callback.
private final class Collector {
    var data = Data()
}

/// The write / header callback: appends to the ``Collector`` passed as user data.
private let curlCollect: renfang_curl_data_callback = { pointer, size, count, context in
    let length = size * count
    guard let pointer, let context else { return length }
    let collector = Unmanaged<Collector>.fromOpaque(context).takeUnretainedValue()
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) { collector.data.append($0, count: length) }
    return length
}
