import Hummingbird
import Logging
import Messengers
import OutboundHTTP
import Persistence
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
    router.add(middleware: RouteTemplateMiddleware())
    HealthRoutes(services: services).register(on: router)
    MetricsRoute(services: services, token: settings.metricsToken).register(on: router)
    ChatAPI(services: services, maximumBodyBytes: settings.maximumBodyBytes).register(on: router)
    try ChatPage(services: services).register(on: router)
    var transports: [String: any MessengerTransport] = [:]
    // One libcurl client (one thread, one connection cache) for every channel, made when the
    // first channel needs it.
    var shared: (any HTTPTransport)?
    func client() -> any HTTPTransport {
        if let shared { return shared }
        let made = http ?? CurlHTTPClient()
        shared = made
        return made
    }
    var background: [any Service] = []
    if let telegram = settings.telegram {
        let verifier = try TelegramVerifier(secret: telegram.secretToken)
        TelegramWebhook(services: services, verifier: verifier, maximumBodyBytes: settings.maximumBodyBytes).register(on: router)
        let api = try TelegramAPI(token: telegram.botToken, baseURL: telegram.apiBaseURL)
        let telegramClient = client()
        transports[Channel.telegram.rawValue] = TelegramTransport(api: api, http: telegramClient, timeout: sender.sendTimeout)
        if telegram.polling {
            background.append(TelegramPoller(api: api, http: telegramClient, services: services, logger: logger))
        }
    }
    for adapter in try messengerAdapters(settings) {
        MessengerWebhook(adapter: adapter, services: services, maximumBodyBytes: settings.maximumBodyBytes).register(on: router)
        transports[adapter.channel.rawValue] = MessengerAPITransport(
            adapter: adapter, http: client(), timeout: sender.sendTimeout)
    }
    if let token = settings.adminToken {
        AdminRoutes(services: services, token: token, logger: logger).register(on: router)
    }
    background.append(
        RetentionPurger(store: services.store, policy: settings.retention, interval: settings.purgeInterval, logger: logger))
    if services.catalog.directory != nil {
        background.append(
            CatalogReloader(
                catalog: services.catalog, interval: settings.reloadInterval, logger: logger, metrics: services.metrics))
    }
    var app = Application(
        responder: MeteredResponder(inner: router.buildResponder(), metrics: services.metrics),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "WelcomeBot"),
        logger: logger)
    if !transports.isEmpty {
        app.addServices(
            OutboxSender(
                store: services.store, transports: transports, settings: sender, logger: logger, metrics: services.metrics))
    }
    app.addServices(background)
    return app
}

/// The adapters of the channels that are configured, in a fixed order.
func messengerAdapters(_ settings: ServerSettings) throws -> [any MessengerAdapter] {
    var adapters: [any MessengerAdapter] = []
    if let whatsapp = settings.whatsapp {
        adapters.append(
            try WhatsAppAdapter(
                accessToken: whatsapp.accessToken, appSecrets: whatsapp.appSecrets, verifyToken: whatsapp.verifyToken,
                phoneNumberID: whatsapp.phoneNumberID, baseURL: whatsapp.apiBaseURL, graphVersion: whatsapp.graphVersion))
    }
    if let messenger = settings.messenger {
        adapters.append(
            try FacebookMessengerAdapter(
                pageAccessToken: messenger.pageAccessToken, appSecrets: messenger.appSecrets, verifyToken: messenger.verifyToken,
                baseURL: messenger.apiBaseURL, graphVersion: messenger.graphVersion))
    }
    if let viber = settings.viber {
        adapters.append(
            try ViberAdapter(
                authTokens: viber.authTokens, botName: viber.botName, avatarURL: viber.avatarURL, apiBaseURL: viber.apiBaseURL))
    }
    if let sms = settings.sms {
        let api = sms.replyMode == .api
        adapters.append(
            try SMSAdapter(
                accountSID: sms.accountSID, authToken: sms.authTokens[0], previousAuthToken: sms.authTokens.dropFirst().first,
                phoneNumber: sms.phoneNumber, publicWebhookURL: sms.publicURL, apiBaseURL: sms.apiBaseURL,
                replyMode: api ? .api : .twiml,
                // Delivery statuses come back to the same webhook, signed over the same URL.
                statusCallbackURL: api ? sms.publicURL : nil))
    }
    return adapters
}
