import Hummingbird
import NIOCore
import NIOSSL
import SyncProtocol
import X509

/// The request context of the protocol endpoints: Hummingbird's basics plus the connection, so that a
/// handler can read the client certificate of a mutual-TLS connection.
struct UpstreamContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The names of the verified client certificate (subject CNs and DNS SANs), or `nil` when the
    /// connection is not TLS or the client sent no certificate.
    func clientNames() async -> [String]? {
        let channel = self.channel
        let der: [UInt8]? = try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate?.toDERBytes()
        }.get()
        guard let der, let certificate = try? Certificate(derEncoded: der) else { return nil }
        var names: [String] = []
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let name = String(attribute.value) { names.append(name) }
            }
        }
        if let alternatives = try? certificate.extensions.subjectAlternativeNames {
            for name in alternatives { if case let .dnsName(dns) = name { names.append(dns) } }
        }
        return names
    }

    /// `nil` if `applianceId` may speak on this connection; else the 403 answer. Without a client
    /// certificate (plain HTTP, or TLS that is not mutual) every appliance may.
    func refusal(for applianceId: String) async -> Response? {
        guard let names = await clientNames(), !names.contains(applianceId) else { return nil }
        return errorResponse(SyncProtocolError(.unknownAppliance, "the client certificate is not appliance \(applianceId)'s"))
    }
}
