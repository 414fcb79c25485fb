import Hummingbird
import Persistence
import WelcomeCore

/// `GET /healthz`: the process answers. `GET /readyz`: it can do its work — the database
/// answers and a catalog is loaded — else 503 with the reason, so a load balancer waits.
struct HealthRoutes {
    let services: BotServices

    func register(on router: Router<some RequestContext>) {
        router.get("/healthz") { _, _ in
            "ok\n"
        }
        router.get("/readyz") { _, _ -> Response in
            if await !services.store.isReady() {
                return Response(
                    status: .serviceUnavailable,
                    body: .init(byteBuffer: ByteBuffer(string: "not ready: the database does not answer\n")))
            }
            if services.assistant.catalog.languages.isEmpty {
                return Response(
                    status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "not ready: no intent catalog\n")))
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
        }
    }
}
