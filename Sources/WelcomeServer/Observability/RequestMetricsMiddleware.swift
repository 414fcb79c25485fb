import HTTPTypes
import Hummingbird
import Synchronization

/// Times every request and counts it by route template, method and status
/// (`http_server_request_duration_seconds`), around the whole router: requests no route matched
/// are counted too, under an empty route and never under their path, so scanners probing random
/// paths cannot blow up the number of series. An error a route throws is counted with the
/// status it becomes.
struct MeteredResponder<Inner: HTTPResponder>: HTTPResponder {
    typealias Context = Inner.Context

    let inner: Inner
    let metrics: BotMetrics

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let route = MatchedRoute()
        let method = request.method.rawValue
        do {
            let response = try await MatchedRoute.$current.withValue(route) {
                try await inner.respond(to: request, context: context)
            }
            metrics.requestFinished(
                route: route.template, method: method, status: response.status.code, duration: ContinuousClock.now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            metrics.requestFinished(
                route: route.template, method: method, status: status.code, duration: ContinuousClock.now - started)
            throw error
        }
    }
}

/// The route template the router matched, handed from inside the router (where only matched
/// routes' middleware runs) out to `MeteredResponder`.
final class MatchedRoute: Sendable {
    @TaskLocal static var current: MatchedRoute?

    private let storage = Mutex("")

    var template: String { storage.withLock { $0 } }

    func set(_ template: String) { storage.withLock { $0 = template } }
}

/// Notes the matched route's template (`/admin/outbox/{id}/{action}`, not the path).
struct RouteTemplateMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let template = context.endpointPath { MatchedRoute.current?.set(template) }
        return try await next(request, context)
    }
}
