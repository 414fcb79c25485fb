import Hummingbird
import Messengers
import NIOCore

/// `GET /metrics` in the Prometheus text format. Nothing in it names a person, but request
/// volumes are nobody else's business either: with `METRICS_TOKEN` set, a scrape must send it
/// as a bearer token (Prometheus: `authorization: {credentials: …}`).
struct MetricsRoute {
    let services: BotServices
    let token: String?

    func register(on router: Router<some RequestContext>) {
        router.get("/metrics") { request, _ -> Response in
            if let token {
                let header = request.headers[.authorization] ?? ""
                guard header.hasPrefix("Bearer "), ConstantTime.equal(String(header.dropFirst(7)), token) else {
                    throw APIError(.unauthorized, "send Authorization: Bearer METRICS_TOKEN")
                }
            }
            let text = await services.metrics.render(store: services.store, catalog: services.catalog)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
