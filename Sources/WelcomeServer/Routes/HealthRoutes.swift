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
            func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
                Response(
                    status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            if await !services.store.isReady() {
                return text(.serviceUnavailable, "not ready: the database does not answer\n")
            }
            if services.assistant.catalog.languages.isEmpty {
                return text(.serviceUnavailable, "not ready: no intent catalog\n")
            }
            return text(.ok, "ready\n")
        }
    }
}
