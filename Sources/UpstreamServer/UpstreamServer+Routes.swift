import Crypto
import Foundation
import Hummingbird
import NIOCore
import SyncProtocol

extension UpstreamServer {
    /// The protocol endpoints of section 8 of the contract, behind the fault and token middleware.
    func protocolRouter() -> Router<UpstreamContext> {
        let router = Router(context: UpstreamContext.self)
        router.add(middleware: ProtocolGate(faults: faults, bearerToken: configuration.bearerToken))
        let store = self.store
        let faults = self.faults
        router.get(RouterPath(SyncPaths.health)) { _, _ in try json(["status": "ok"]) }
        router.post(RouterPath(SyncPaths.batches)) { request, context in
            try await Self.batch(request, context: context, store: store, rejectKinds: faults.current.rejectKinds)
        }
        router.post(RouterPath(SyncPaths.reconcile)) { request, context in
            let (decoded, failure) = await decode(ReconcileRequest.self, request)
            guard let reconcile = decoded else { return failure! }
            do { try reconcile.validate() } catch let error as SyncProtocolError { return errorResponse(error) }
            guard try store.isRegistered(reconcile.applianceId) else { return errorResponse(SyncProtocolError(.unknownAppliance, "appliance is not registered")) }
            if let refusal = await context.refusal(for: reconcile.applianceId) { return refusal }
            return try json(store.reconcile(reconcile))
        }
        router.get(RouterPath(SyncPaths.inbox)) { request, context in
            let query = request.uri.queryParameters
            guard let appliance = query["appliance"].map(String.init), try store.isRegistered(appliance) else {
                return errorResponse(SyncProtocolError(.unknownAppliance, "appliance is missing or not registered"))
            }
            if let refusal = await context.refusal(for: appliance) { return refusal }
            let after = query["after"].map { Int64(String($0)) }
            let limit = query["limit"].map { Int(String($0)) } ?? 50
            guard after.map({ ($0 ?? -1) >= 0 }) ?? true, let limit, (1...SyncLimits.maxInboxPage).contains(limit) else {
                return errorResponse(SyncProtocolError(.inboxInvalid, "after must be a cursor ≥ 0 and limit 1…\(SyncLimits.maxInboxPage)"))
            }
            return try json(store.inboxPage(applianceId: appliance, after: after ?? nil, limit: limit))
        }
        router.post(RouterPath(SyncPaths.inboxAck)) { request, context in
            let (decoded, failure) = await decode(InboxAck.self, request)
            guard let ack = decoded else { return failure! }
            guard ack.upTo >= 1 else { return errorResponse(SyncProtocolError(.inboxInvalid, "upTo must be ≥ 1")) }
            guard try store.isRegistered(ack.applianceId) else { return errorResponse(SyncProtocolError(.unknownAppliance, "appliance is not registered")) }
            if let refusal = await context.refusal(for: ack.applianceId) { return refusal }
            return try json(store.acknowledge(ack))
        }
        return router
    }

    /// `POST /v1/batches`: framing, signature, then per-record receipts.
    static func batch(_ request: Request, context: UpstreamContext, store: UpstreamStore, rejectKinds: Set<String>) async throws -> Response {
        let (body, failure) = await collect(request)
        guard let body else { return failure! }
        guard let value = try? CanonicalJSON.parse(body), case .object = value,
              let batchId = value["batchId"]?.stringValue, let applianceId = value["applianceId"]?.stringValue,
              let sentAt = value["sentAt"]?.stringValue, case let .array(records)? = value["records"]
        else { return errorResponse(SyncProtocolError(.malformed, "the body is not a batch object")) }
        guard try store.isRegistered(applianceId) else {
            return errorResponse(SyncProtocolError(.unknownAppliance, "appliance \(applianceId) is not registered"))
        }
        if let refusal = await context.refusal(for: applianceId) { return refusal }
        let keyId = value["signature"]?["keyId"]?.stringValue ?? ""
        guard value["signature"] != nil else { return errorResponse(SyncProtocolError(.signatureMissing, "the batch has no signature")) }
        guard let key = try store.publicKey(appliance: applianceId, keyId: keyId) else {
            return errorResponse(SyncProtocolError(.signatureInvalid, "keyId is not a registered key of \(applianceId)"))
        }
        do { try BatchSigning.verify(value, publicKey: key) } catch { return errorResponse(error) }
        do {
            try RecordBatch(batchId: batchId, applianceId: applianceId, sentAt: sentAt, records: []).validateFraming(count: records.count)
        } catch { return errorResponse(error) }
        return try json(store.receive(batchId: batchId, applianceId: applianceId, records: records, rejectKinds: rejectKinds))
    }
}

extension RecordBatch {
    /// ``validate()`` with the record count given (the records themselves are checked one by one).
    func validateFraming(count: Int) throws(SyncProtocolError) {
        var probe = self
        probe.records = []
        do { try probe.validate() } catch where error.code == .batchSize {}
        guard count >= 1, count <= SyncLimits.maxRecordsPerBatch else {
            throw SyncProtocolError(.batchSize, "\(count) records; 1…\(SyncLimits.maxRecordsPerBatch) allowed")
        }
    }
}

/// Faults that answer instead of the handler (500, 429, 503, hang) and the bearer token check.
struct ProtocolGate: RouterMiddleware {
    typealias Context = UpstreamContext
    let faults: FaultSwitches
    let bearerToken: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        while faults.current.hang { try await Task.sleep(for: .milliseconds(50)) }
        let switches = faults.current
        if switches.error500 { return errorResponse(SyncProtocolError(.internalError, "injected failure")) }
        if let seconds = switches.overloaded {
            return errorResponse(SyncProtocolError(.overloaded, "too many requests, retry later"), retryAfter: seconds)
        }
        if let seconds = switches.unavailable {
            return errorResponse(SyncProtocolError(.unavailable, "down for maintenance"), retryAfter: seconds)
        }
        if let bearerToken, request.uri.path != SyncPaths.health,
           request.headers[.authorization] != "Bearer \(bearerToken)" {
            return errorResponse(SyncProtocolError(.unauthorized, "bearer token missing or wrong"))
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            return errorResponse(SyncProtocolError(.notFound, "no such endpoint"), status: error.status)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return errorResponse(SyncProtocolError(.internalError, "\(error)"))
        }
    }
}

/// The HTTP status of each protocol error code.
func status(of code: SyncProtocolError.Code) -> HTTPResponse.Status {
    switch code {
    case .malformed: .badRequest
    case .tooLarge: .contentTooLarge
    case .unauthorized: .unauthorized
    case .unknownAppliance, .signatureMissing, .signatureInvalid: .forbidden
    case .notFound: .notFound
    case .overloaded: .tooManyRequests
    case .unavailable: .serviceUnavailable
    case .internalError: .internalServerError
    default: .unprocessableContent
    }
}

/// An error body with its status (and Retry-After).
func errorResponse(_ error: SyncProtocolError, retryAfter: Int? = nil, status explicit: HTTPResponse.Status? = nil) -> Response {
    var headers: HTTPFields = [.contentType: "application/json"]
    if let retryAfter { headers[.retryAfter] = String(retryAfter) }
    let data = (try? JSONEncoder().encode(ErrorBody(error))) ?? Data()
    return Response(status: explicit ?? status(of: error.code), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// A 200 JSON answer.
func json(_ value: some Encodable) throws -> Response {
    let data = try JSONEncoder().encode(value)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// The body, up to the protocol's limit (else a 413 answer).
func collect(_ request: Request) async -> (Data?, Response?) {
    var request = request
    do {
        let buffer = try await request.collectBody(upTo: SyncLimits.maxBatchBytes)
        return (Data(buffer.readableBytesView), nil)
    } catch {
        return (nil, errorResponse(SyncProtocolError(.tooLarge, "the body exceeds \(SyncLimits.maxBatchBytes) bytes")))
    }
}

/// The body decoded as `T` (else a 400 or 413 answer).
func decode<T: Decodable>(_ type: T.Type, _ request: Request) async -> (T?, Response?) {
    let (body, failure) = await collect(request)
    guard let body else { return (nil, failure) }
    guard let value = try? JSONDecoder().decode(T.self, from: body) else {
        return (nil, errorResponse(SyncProtocolError(.malformed, "the body is not a \(T.self)")))
    }
    return (value, nil)
}
