import Hummingbird
import Logging
import Messengers
import WelcomeCore

/// Wires the routes and services into one Hummingbird application; the only place that knows
/// all the parts.
public func buildApplication(
    settings: ServerSettings, services: BotServices, logger: Logger = Logger(label: "welcomebot")
) throws -> some ApplicationProtocol {
    let router = Router()
    HealthRoutes(services: services).register(on: router)
    ChatAPI(services: services, maximumBodyBytes: settings.maximumBodyBytes).register(on: router)
    try ChatPage(catalog: services.assistant.catalog).register(on: router)
    if let telegram = settings.telegram {
        let verifier = try TelegramVerifier(secret: telegram.secretToken)
        TelegramWebhook(services: services, verifier: verifier, maximumBodyBytes: settings.maximumBodyBytes).register(on: router)
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "WelcomeBot"),
        logger: logger)
}
