import Feed
import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import NIOCore
import Registry

/// What a role receives on GET /events: police all topics (alerts cut to their station through the
/// register), the desk the public topics with masked cards, the other staff roles only occupancy, banner
/// and readers. Kiosks have no session and receive nothing.
enum EventAudience {
    static func topics(for role: Role) -> (topics: Set<FeedTopic>, audience: FeedAudience)? {
        switch role {
        case .police: (Set(FeedTopic.allCases), .restricted)
        case .desk: ([.card, .occupancy, .banner, .reader], .public)
        case .admin, .securityOfficer, .auditor: ([.occupancy, .banner, .reader], .public)
        case .kiosk: nil
        }
    }
}

/// One frame of a server-sent event stream.
enum SSEFrame {
    /// `id`, `event` and `data` (the feed line: `{"data":…,"seq":…,"time":…,"topic":…,"type":…}`).
    static func event(_ event: FeedEvent) -> ByteBuffer {
        var line = event.line
        if line.last == UInt8(ascii: "\n") { line.removeLast() }
        var text = "id: \(event.sequence)\nevent: \(event.type)\ndata: "
        text += String(decoding: line, as: UTF8.self)
        text += "\n\n"
        return ByteBuffer(string: text)
    }

    /// A comment line (heartbeat).
    static func comment(_ text: String) -> ByteBuffer { ByteBuffer(string: ": \(text)\n\n") }
}

extension WebAPI {
    /// Server-sent events: GET /events for operators, GET /screen/events for the public big screen.
    static func addEventRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        api.get("events") { request, context -> Response in
            let actor = try context.requireActor()
            guard let (allowed, audience) = EventAudience.topics(for: actor.role) else {
                throw APIError(.forbidden, code: "permission.denied", message: "您的角色无权接收实时事件")
            }
            var topics = allowed
            if let asked = request.query("topics") {
                var chosen: Set<FeedTopic> = []
                for name in asked.split(separator: ",") {
                    guard let topic = FeedTopic(rawValue: String(name)) else {
                        throw APIError.invalid(field: "topics", "\"主题\"\(name.prefix(20))不存在")
                    }
                    chosen.insert(topic)
                }
                topics.formIntersection(chosen)
            }
            let register = services.register
            let filter: @Sendable (FeedEvent) async -> Bool = { event in
                guard event.topic == .alert else { return true }
                // An alert reaches a police session only if the register shows that alert to this officer.
                guard let uuid = alertUUID(event.data) else { return false }
                return (try? await register.alert(uuid, for: actor)) != nil
            }
            return stream(request, services: services, topics: topics, audience: audience, filter: filter)
        }

        api.get("screen/events") { request, _ -> Response in
            stream(request, services: services, topics: [.occupancy, .banner], audience: .public) { _ in true }
        }

        api.get("screen/state") { _, _ -> Response in
            try APIJSON.response(ScreenState(bus: services.bus))
        }
    }

    /// The alert's UUID in an `alert.*` event's data (`id` or `uuid`).
    static func alertUUID(_ data: Data) -> UUID? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        for key in ["id", "uuid", "alertId"] {
            if let text = object[key] as? String, let uuid = UUID(uuidString: text) { return uuid }
        }
        return nil
    }

    private enum Item: Sendable {
        case event(FeedEvent)
        case heartbeat
    }

    /// An SSE response over a bus subscription, with heartbeat comments and Last-Event-ID resume of the
    /// retained topics (a retained event already seen is not sent again; cards and alerts are never replayed).
    static func stream(_ request: Request, services: WebAPIServices, topics: Set<FeedTopic>, audience: FeedAudience,
                       filter: @escaping @Sendable (FeedEvent) async -> Bool) -> Response {
        let lastSeen = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            ?? request.query("lastEventId").flatMap { UInt64($0) }
        let heartbeat = services.options.eventHeartbeat
        let bus = services.bus
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let subscription = bus.subscribe(topics: topics, audience: audience, capacity: 256)
            let (items, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingNewest(512))
            let forward = Task {
                for await event in subscription { continuation.yield(.event(event)) }
                continuation.finish()
            }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    if Task.isCancelled { break }
                    continuation.yield(.heartbeat)
                }
            }
            defer {
                subscription.cancel()
                forward.cancel()
                beat.cancel()
                continuation.finish()
            }
            try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
            // A stream never ends by itself: on the daemon's graceful shutdown it ends at once (the page
            // reconnects to the next daemon after `retry`), so open pages do not hold the shutdown.
            try await withGracefulShutdownHandler {
                for await item in items {
                    switch item {
                    case let .event(event):
                        if let lastSeen, event.sequence <= lastSeen { continue }
                        guard await filter(event) else { continue }
                        try await writer.write(SSEFrame.event(event))
                    case .heartbeat:
                        try await writer.write(SSEFrame.comment("heartbeat"))
                    }
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.finish(nil)
        })
    }
}

/// GET /screen/state: the last occupancy and banner on the bus (counts and public text only).
struct ScreenState: Encodable {
    var occupancy: OccupancyData?
    var banner: BannerData?
    var occupancySeq: UInt64?, bannerSeq: UInt64?

    init(bus: EventBus) {
        let decoder = JSONDecoder()
        if let event = bus.retained(.occupancy) {
            occupancy = try? decoder.decode(OccupancyData.self, from: event.data)
            occupancySeq = event.sequence
        }
        if let event = bus.retained(.banner) {
            banner = try? decoder.decode(BannerData.self, from: event.data)
            bannerSeq = event.sequence
        }
    }
}
