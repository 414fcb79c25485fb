import Hummingbird
import Logging
import Messengers
import OutboundHTTP
import ServiceLifecycle
import WelcomeCore

/// Wires the routes and services into one Hummingbird application; the only place that knows
/// all the parts.
/// - Parameters:
///   - http: how replies reach the messengers; the libcurl client unless a test passes another.
///   - sender: the outbox sender's settings (tests shorten its intervals).
public func buildApplication(
    settings: ServerSettings, services: BotServices, http: (any HTTPTransport)? = nil,
    sender: OutboxSender.Settings = OutboxSender.Settings(), logger: Logger = Logger(label: "welcomebot")
) throws -> some ApplicationProtocol {
    let router = Router()
    HealthRoutes(services: services).register(on: router)
    ChatAPI(services: services, maximumBodyBytes: settings.maximumBodyBytes).register(on: router)
    try ChatPage(catalog: services.assistant.catalog).register(on: router)
    var transports: [String: any MessengerTransport] = [:]
    var background: [any Service] = []
    if let telegram = settings.telegram {
        let verifier = try TelegramVerifier(secret: telegram.secretToken)
        TelegramWebhook(services: services, verifier: verifier, maximumBodyBytes: settings.maximumBodyBytes).register(on: router)
        let api = try TelegramAPI(token: telegram.botToken, baseURL: telegram.apiBaseURL)
        let client = http ?? CurlHTTPClient()
        transports[Channel.telegram.rawValue] = TelegramTransport(api: api, http: client)
        if telegram.polling {
            background.append(TelegramPoller(api: api, http: client, services: services, logger: logger))
        }
    }
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "WelcomeBot"),
        logger: logger)
    if !transports.isEmpty {
        app.addServices(OutboxSender(store: services.store, transports: transports, settings: sender, logger: logger))
    }
    app.addServices(background)
    return app
}
