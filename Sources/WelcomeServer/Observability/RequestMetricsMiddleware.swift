import HTTPTypes
import Hummingbird

/// Times every request and counts it by route template, method and status
/// (`http_server_request_duration_seconds`). An error a route throws is counted with the status
/// it becomes; a request no route matched is counted under an empty route, never its path.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: BotMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            metrics.requestFinished(
                route: context.endpointPath ?? "", method: method, status: response.status.code,
                duration: ContinuousClock.now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            metrics.requestFinished(
                route: context.endpointPath ?? "", method: method, status: status.code, duration: ContinuousClock.now - started)
            throw error
        }
    }
}
