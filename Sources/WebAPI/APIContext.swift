import Accounts
import Foundation
import Hummingbird
import NIOCore
import Registry

/// The request context of /api/v1: Hummingbird's basics, the peer address, and the session the
/// session middleware found (if any).
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The logged-in operator, set by the session middleware; `nil` for anonymous requests.
    public var session: AuthenticatedSession?
    /// The peer's IP address (login throttling, audit), `nil` for Unix sockets.
    public var remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// JSON with ISO 8601 dates, both ways.
    public var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// JSON with ISO 8601 dates, both ways.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The session's register actor, or a 401 `auth.required` error.
    public func requireActor() throws -> Actor {
        guard let session else { throw APIError.unauthenticated }
        return session.actor
    }
}
