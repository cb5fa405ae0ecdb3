import Foundation
import Hummingbird
import NIOCore

extension UpstreamServer {
    /// The control endpoint (127.0.0.1 only): `GET /faults` prints the switches that are on,
    /// `POST /faults` with a fault command as the body applies it and prints the result.
    func controlRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let faults = self.faults
        router.get("/faults") { _, _ in faults.current.summary + "\n" }
        router.post("/faults") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 4096)
            let command = String(decoding: body.readableBytesView, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: try faults.apply(command).summary + "\n")))
            } catch {
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "\(error)\n")))
            }
        }
        return router
    }
}
