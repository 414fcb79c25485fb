import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Messengers
import WelcomeCore

/// The operators' endpoints, behind `ADMIN_TOKEN` (`Authorization: Bearer …`); not registered at
/// all when no token is set. `POST /admin/reload` reloads the intent files now and says what
/// became of it: staff see their change live, or the errors with file and line while the last
/// good answers keep serving.
struct AdminRoutes {
    let services: BotServices
    let token: String
    let logger: Logger

    struct ReloadAnswer: Encodable {
        var result: String
        var intents: Int?
        var languages: Int?
        var errors: [String]
    }

    func register(on router: Router<some RequestContext>) {
        router.post("/admin/reload") { request, _ -> Response in
            try authorize(request)
            let reloader = CatalogReloader(catalog: services.catalog, interval: nil, logger: logger, metrics: services.metrics)
            switch reloader.reload(because: "POST /admin/reload") {
            case .reloaded(let intents, let languages):
                return try JSONBody.response(ReloadAnswer(result: "reloaded", intents: intents, languages: languages, errors: []))
            case .failed:
                let errors = services.catalog.status.errors.map(\.description)
                return try JSONBody.response(
                    ReloadAnswer(result: "failed: the last good catalog keeps serving", errors: errors),
                    status: .unprocessableContent)
            case .unavailable:
                throw APIError(.conflict, "this catalog was not loaded from files")
            }
        }
    }

    private func authorize(_ request: Request) throws {
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), ConstantTime.equal(String(header.dropFirst(7)), token) else {
            throw APIError(.unauthorized, "send Authorization: Bearer ADMIN_TOKEN")
        }
    }
}
