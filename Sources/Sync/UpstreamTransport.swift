import Foundation

/// One HTTP request to a destination; `path` (with its query) is relative to the destination's URL.
public struct UpstreamRequest: Sendable, Hashable {
    /// `GET` or `POST`.
    public var method: String
    /// `/v1/batches`, `/v1/inbox?after=3`, …
    public var path: String
    /// The JSON body of a POST.
    public var body: Data?

    /// A request.
    public init(method: String, path: String, body: Data? = nil) {
        self.method = method
        self.path = path
        self.body = body
    }
}

/// The answer to an ``UpstreamRequest``.
public struct UpstreamResponse: Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// Header fields, names in lower case (the last value of a repeated field).
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// A response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `Retry-After` in seconds (delta-seconds or an HTTP date), if present.
    public func retryAfter(now: Date = Date()) -> Double? {
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text).map { max(0, $0.timeIntervalSince(now)) }
    }
}

/// A failure below HTTP: no connection, TLS refused, timeout, reset. Always transient for the queue.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libcurl's code (CURLcode), or -1.
    public var code: Int
    /// libcurl's text.
    public var message: String

    /// An error.
    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// `curl <code>: <message>`.
    public var description: String { "curl \(code): \(message)" }
}

/// How an uplink reaches its destination: ``CurlTransport`` in production, a scripted one in tests.
public protocol UpstreamTransport: Sendable {
    /// Performs `request`; throws ``TransportError`` when no HTTP answer came.
    func perform(_ request: UpstreamRequest) async throws -> UpstreamResponse
}
