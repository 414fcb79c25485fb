import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Messengers
import NIOCore
import Persistence
import WelcomeCore

/// The operators' endpoints, behind `ADMIN_TOKEN`; not registered at all when no token is set.
///
/// - `GET /admin`: the dashboard (a sign-in form without a session).
/// - `POST /admin/login`, `POST /admin/logout`: a browser session.
/// - `POST /admin/reload`: reload the intent files now. With the bearer token it answers JSON
///   (422 with the errors, file and line, while the last good catalog keeps serving); from the
///   dashboard's form it comes back to the dashboard with the result.
/// - `POST /admin/outbox/{id}/retry`, `POST /admin/outbox/{id}/discard`: send a reply again
///   (or now), or give it up.
struct AdminRoutes {
    let services: BotServices
    let auth: AdminAuth
    let logger: Logger

    init(services: BotServices, token: String, logger: Logger) {
        self.services = services
        self.auth = AdminAuth(token: token)
        self.logger = logger
    }

    struct ReloadAnswer: Encodable {
        var result: String
        var intents: Int?
        var languages: Int?
        var errors: [String]
    }

    struct ActionAnswer: Encodable {
        var result: String
    }

    static let htmlHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        // No script at all; forms post back here only; never framed.
        .contentSecurityPolicy:
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .cacheControl: "no-store",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    func register(on router: Router<some RequestContext>) {
        router.get("/admin") { request, _ -> Response in
            let text = language(request)
            if auth.isBearer(request) {
                return try await dashboard(text: text, csrf: "", flash: flash(request, text))
            }
            guard let session = auth.session(of: request) else {
                return html(DashboardPage.signIn(text: text, failed: false), status: .unauthorized)
            }
            return try await dashboard(text: text, csrf: auth.csrf(for: session), flash: flash(request, text))
        }
        router.post("/admin/login") { request, _ -> Response in
            let form = try await FormBody.read(request)
            let text = language(request, form: form)
            guard let token = form["token"], ConstantTime.equal(token, auth.token) else {
                logger.notice("admin.sign_in_failed", metadata: ["admin.action": "login"])
                return html(DashboardPage.signIn(text: text, failed: true), status: .unauthorized)
            }
            logger.notice("admin.signed_in", metadata: ["admin.action": "login"])
            var response = redirect("/admin?lang=\(text.code)")
            response.headers[.setCookie] = auth.setCookie(auth.newSession(), secure: AdminAuth.isHTTPS(request))
            return response
        }
        router.post("/admin/logout") { request, _ -> Response in
            let form = try await FormBody.read(request)
            var response = redirect("/admin?lang=\(language(request, form: form).code)")
            response.headers[.setCookie] = auth.setCookie(nil, secure: AdminAuth.isHTTPS(request))
            return response
        }
        router.post("/admin/reload") { request, _ -> Response in
            let form = try await FormBody.read(request)
            try authorize(request, form: form)
            let reloader = CatalogReloader(catalog: services.catalog, interval: nil, logger: logger, metrics: services.metrics)
            let outcome = reloader.reload(because: "POST /admin/reload")
            if !auth.isBearer(request) {
                let result: String
                switch outcome {
                case .reloaded: result = "reloaded"
                case .failed: result = "reload-failed"
                case .unavailable: result = "not-found"
                }
                return redirect("/admin?lang=\(language(request, form: form).code)&done=\(result)#catalog")
            }
            switch outcome {
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
        router.post("/admin/outbox/{id}/{action}") { request, context -> Response in
            let form = try await FormBody.read(request)
            try authorize(request, form: form)
            guard let id = context.parameters.get("id", as: Int64.self) else {
                throw APIError(.notFound, "no such outbox call")
            }
            let action = context.parameters.get("action") ?? ""
            let changed: Bool
            switch action {
            case "retry": changed = try await services.store.retryOutboxCall(id, now: Date())
            case "discard": changed = try await services.store.discardOutboxCall(id, now: Date())
            default: throw APIError(.notFound, "the actions are retry and discard")
            }
            logger.notice(
                "admin.outbox", metadata: ["admin.action": "\(action)", "outbox.id": "\(id)", "outbox.state": "\(changed)"])
            let result = changed ? (action == "retry" ? "retried" : "discarded") : "not-found"
            if auth.isBearer(request) {
                guard changed else { throw APIError(.notFound, "that call is sent, erased or gone") }
                return try JSONBody.response(ActionAnswer(result: result))
            }
            return redirect("/admin?lang=\(language(request, form: form).code)&done=\(result)#outbox")
        }
    }

    private func authorize(_ request: Request, form: [String: String]) throws {
        guard auth.mayPost(request, form: form) else {
            throw APIError(.unauthorized, "send Authorization: Bearer ADMIN_TOKEN, or use the dashboard's buttons")
        }
    }

    private func language(_ request: Request, form: [String: String] = [:]) -> DashboardText {
        DashboardText.choose(
            query: form["lang"] ?? request.uri.queryParameters.get("lang"),
            acceptLanguage: request.headers[.acceptLanguage])
    }

    private func flash(_ request: Request, _ text: DashboardText) -> String? {
        switch request.uri.queryParameters.get("done") {
        case "reloaded": text.reloaded
        case "reload-failed": text.reloadFailed
        case "retried": text.retried
        case "discarded": text.discarded
        case "not-found": text.notFound
        default: nil
        }
    }

    private func dashboard(text: DashboardText, csrf: String, flash: String?) async throws -> Response {
        let snapshot = DashboardSnapshot(
            now: Date(), catalogStatus: services.catalog.status, catalog: services.assistant.catalog,
            deliveries: services.deliveries.latest, outbox: try await services.store.outboxOverview(limit: 100),
            answers: services.metrics.answersByLanguage,
            questions: services.keepsUnansweredQuestions ? try await services.store.unansweredQuestions(limit: 100) : nil,
            retention: services.retention, instance: services.instance)
        return html(DashboardPage(text: text, csrf: csrf).render(snapshot, flash: flash), status: .ok)
    }

    private func html(_ page: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: Self.htmlHeaders, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    private func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
