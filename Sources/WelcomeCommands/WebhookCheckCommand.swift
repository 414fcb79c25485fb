import ArgumentParser
import Foundation
import Messengers
import OutboundHTTP
import WelcomeServer

/// `welcomebot webhook check <channel>`: plays the messenger once against the running server
/// with a harmless signed request (a delivery report for a message that does not exist, or the
/// messenger's own test event), so that an operator knows the secrets on both sides match
/// before the first newcomer writes. Nothing is answered and nothing is stored.
struct WebhookCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Send a signed test request to the running bot to prove its secrets match.",
        discussion: """
            Reads the same settings as 'serve' (the environment and Config/welcomebot.yaml), signs a \
            test request as the messenger would, and sends it to the server's webhook. 'ok' means \
            the server accepted the signature (and, for WhatsApp and Messenger, the verify token); \
            a refusal means the server runs with other secrets than this shell has.
            """
    )

    @Argument(help: "The messenger: telegram, whatsapp, messenger, viber or sms.")
    var channel: WebhookChannel

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The running server, e.g. https://bot.example.org (default: http://127.0.0.1 and http.port).", valueName: "url"))
    var server: String?

    func run() async throws {
        let settings = try readSettings()
        let base = (server ?? "http://127.0.0.1:\(settings.port)").trimmingSuffix("/")
        let url = "\(base)/webhooks/\(channel.rawValue)"
        let now = Int(Date().timeIntervalSince1970)
        let request: OutgoingRequest
        var handshake: (url: String, challenge: String)?
        switch channel {
        case .telegram:
            let telegram = try require(settings.telegram, "TELEGRAM_BOT_TOKEN and TELEGRAM_SECRET_TOKEN")
            // An update with no content: authentic, acknowledged, ignored.
            request = OutgoingRequest(
                url: url,
                headers: [("Content-Type", "application/json"), (TelegramVerifier.header, telegram.secretToken)],
                body: Data(#"{"update_id":0}"#.utf8))
        case .whatsapp:
            let whatsapp = try require(settings.whatsapp, "the WHATSAPP_* settings")
            let body = Data(
                #"{"object":"whatsapp_business_account","entry":[{"id":"0","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"0","phone_number_id":"\#(whatsapp.phoneNumberID)"},"statuses":[{"id":"wamid.welcomebot-check","status":"delivered","timestamp":"\#(now)","recipient_id":"0"}]}}]}]}"#
                    .utf8)
            request = signed(url, body, WebhookSigning.meta(body: body, appSecret: whatsapp.appSecrets[0]))
            handshake = (url + query(verifyToken: whatsapp.verifyToken, challenge: "check-\(now)"), "check-\(now)")
        case .messenger:
            let messenger = try require(settings.messenger, "the MESSENGER_* settings")
            let body = Data(
                #"{"object":"page","entry":[{"id":"0","time":\#(now)000,"messaging":[{"sender":{"id":"0"},"recipient":{"id":"0"},"timestamp":\#(now)000,"delivery":{"mids":["m_welcomebot-check"],"watermark":\#(now)000}}]}]}"#
                    .utf8)
            request = signed(url, body, WebhookSigning.meta(body: body, appSecret: messenger.appSecrets[0]))
            handshake = (url + query(verifyToken: messenger.verifyToken, challenge: "check-\(now)"), "check-\(now)")
        case .viber:
            let viber = try require(settings.viber, "VIBER_AUTH_TOKEN")
            // Viber's own test event, sent when a webhook is set.
            let body = Data(#"{"event":"webhook","timestamp":\#(now)000,"message_token":0}"#.utf8)
            request = signed(url, body, WebhookSigning.viber(body: body, authToken: viber.authTokens[0]))
        case .sms:
            let sms = try require(settings.sms, "the TWILIO_* settings")
            // A status report for a message that does not exist. Signed over the public URL,
            // as Twilio signs, however the request reaches the server.
            let parameters = [
                ("AccountSid", sms.accountSID), ("MessageSid", "SM00000000000000000000000000000000"),
                ("MessageStatus", "delivered"), ("From", sms.phoneNumber), ("To", sms.phoneNumber),
            ]
            let signature = WebhookSigning.twilio(url: sms.publicURL, parameters: parameters, authToken: sms.authTokens[0])
            request = OutgoingRequest(
                url: url, headers: [("Content-Type", "application/x-www-form-urlencoded"), signature],
                body: FormEncoding.encode(parameters))
        }
        let client = CurlHTTPClient()
        defer { Task { await client.shutdown() } }
        if let handshake {
            let answer = try await perform(client, OutgoingRequest(url: handshake.url, method: "GET"))
            guard answer.status == 200, String(decoding: answer.body, as: UTF8.self) == handshake.challenge else {
                Terminal.printError(
                    "Error: the server refused the verification handshake (HTTP \(answer.status)): its verify token differs from this environment's."
                )
                throw ExitCode(1)
            }
            Terminal.print("verify token: ok")
        }
        let answer = try await perform(client, request)
        switch answer.status {
        case 200..<300:
            Terminal.print("signature: ok (\(channel.rawValue) webhooks at \(url) are accepted)")
        case 401, 403:
            Terminal.printError(
                "Error: the server refused the signature (HTTP \(answer.status)): it runs with another secret than this environment has."
            )
            throw ExitCode(1)
        case 404:
            Terminal.printError(
                "Error: the server has no \(channel.rawValue) webhook (HTTP 404): is the channel configured where it runs?")
            throw ExitCode(1)
        default:
            Terminal.printError("Error: the server answered HTTP \(answer.status).")
            throw ExitCode(1)
        }
    }

    private func signed(_ url: String, _ body: Data, _ signature: (header: String, value: String)) -> OutgoingRequest {
        OutgoingRequest(url: url, headers: [("Content-Type", "application/json"), signature], body: body)
    }

    private func query(verifyToken: String, challenge: String) -> String {
        let pairs = [("hub.mode", "subscribe"), ("hub.verify_token", verifyToken), ("hub.challenge", challenge)]
        return "?" + String(decoding: FormEncoding.encode(pairs), as: UTF8.self)
    }

    private func perform(_ client: CurlHTTPClient, _ request: OutgoingRequest) async throws -> IncomingResponse {
        do {
            return try await client.perform(request)
        } catch {
            Terminal.printError("Error: the server could not be reached at \(request.url.prefix { $0 != "?" }): \(error)")
            throw ExitCode(1)
        }
    }

    private func require<Value>(_ value: Value?, _ what: String) throws -> Value {
        guard let value else {
            Terminal.printError("Error: \(channel.rawValue) is not configured here: set \(what) as for 'serve' (see README).")
            throw ExitCode(1)
        }
        return value
    }
}

/// The settings `serve` would use, or exit 1 with the reason.
func readSettings() throws -> ServerSettings {
    do {
        return try SettingsReader().read()
    } catch {
        Terminal.printError("Error: \(error)")
        throw ExitCode(1)
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
