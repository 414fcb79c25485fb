import Configuration
import Foundation
import WelcomeCore
import WelcomeServer
import Yams

/// Reads the server's settings: flags over environment variables over `Config/welcomebot.yaml`
/// over built-in defaults. Secrets are read from the environment (or a file it names) only, so
/// they never sit in a file under version control and never appear in a printed setting.
struct SettingsReader {
    /// Values from flags, as configuration keys (`http.port`).
    var flags: [String: String] = [:]
    var configFile = "Config/welcomebot.yaml"
    var environment = SettingsReader.environmentOverride ?? ProcessInfo.processInfo.environment

    /// Replaces the process environment for commands run in-process by tests.
    @TaskLocal static var environmentOverride: [String: String]?

    /// The keys that are secrets, with their environment variables.
    static let secrets = ["TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN", "PSEUDONYM_KEY"]

    func read() throws -> ServerSettings {
        let fileValues = try Self.flatten(configFile: configFile)
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: Self.values(flags)),
            EnvironmentVariablesProvider(environmentVariables: environment.filter { !Self.secrets.contains($0.key) }),
            InMemoryProvider(name: configFile, values: Self.values(fileValues)),
        ])
        var settings = ServerSettings()
        settings.host = reader.string(forKey: "http.host", default: settings.host)
        settings.port = try integer(reader, "http.port", default: settings.port)
        settings.maximumBodyBytes = try integer(reader, "http.maximum.body.bytes", default: settings.maximumBodyBytes)
        settings.dataDirectory = reader.string(forKey: "data.directory", default: settings.dataDirectory)
        settings.intentsDirectory = reader.string(forKey: "intents.directory", default: settings.intentsDirectory)
        settings.pseudonymKey = try secret("PSEUDONYM_KEY")
        let botToken = try secret("TELEGRAM_BOT_TOKEN")
        let secretToken = try secret("TELEGRAM_SECRET_TOKEN")
        switch (botToken, secretToken) {
        case (let botToken?, let secretToken?):
            let mode = reader.string(forKey: "telegram.mode", default: "webhook").lowercased()
            guard mode == "webhook" || mode == "polling" else {
                throw SettingsError("telegram.mode (TELEGRAM_MODE) must be webhook or polling, not '\(mode)'")
            }
            settings.telegram = TelegramSettings(
                botToken: botToken, secretToken: secretToken,
                apiBaseURL: reader.string(forKey: "telegram.api.base.url", default: "https://api.telegram.org"),
                polling: mode == "polling")
        case (nil, nil):
            break
        default:
            // Half a configuration is a mistake worth stopping for, not a silently missing channel.
            throw SettingsError("Telegram needs both TELEGRAM_BOT_TOKEN and TELEGRAM_SECRET_TOKEN; only one is set")
        }
        guard (0...65535).contains(settings.port) else {
            throw SettingsError("http.port (HTTP_PORT) must be between 0 and 65535, not \(settings.port)")
        }
        guard settings.maximumBodyBytes >= 1024 else {
            throw SettingsError("http.maximum.body.bytes (HTTP_MAXIMUM_BODY_BYTES) must be at least 1024")
        }
        return settings
    }

    /// Every source gives text (a file, the environment, flags); numbers are parsed here, with
    /// an error naming the key rather than a silent default.
    private func integer(_ reader: ConfigReader, _ key: String, default value: Int) throws -> Int {
        guard let text = reader.string(forKey: ConfigKey(key)) else { return value }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
            let variable = key.uppercased().replacingOccurrences(of: ".", with: "_")
            throw SettingsError("\(key) (\(variable)) must be a whole number, not '\(text)'")
        }
        return number
    }

    /// A secret from `NAME`, or from the file named by `NAME_FILE` (as container secrets are mounted).
    func secret(_ name: String) throws -> String? {
        if let value = environment[name], !value.isEmpty { return value }
        guard let path = environment[name + "_FILE"], !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError("\(name)_FILE names \(path), which cannot be read")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func values(_ flat: [String: String]) -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flat {
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(.string(value), isSecret: false)
        }
        return values
    }

    /// The YAML file as dotted keys (`http.port` → "8080"). A missing file is no error: the
    /// defaults apply. A broken one is, with its line.
    static func flatten(configFile path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        let node: Node?
        do {
            node = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch let error as YamlError {
            throw SettingsError("\(path) is not valid YAML: \(error)")
        }
        var result: [String: String] = [:]
        func walk(_ node: Node, _ prefix: [String]) throws {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    guard let name = key.scalar?.string else { continue }
                    try walk(value, prefix + [name])
                }
            case .scalar(let scalar):
                let key = prefix.joined(separator: ".")
                if secrets.contains(prefix.joined(separator: "_").uppercased()) {
                    throw SettingsError("\(path) sets the secret '\(key)'; secrets belong in the environment, not in a file")
                }
                result[key] = scalar.string
            case .sequence:
                result[prefix.joined(separator: ".")] = node.array().compactMap(\.scalar?.string).joined(separator: ",")
            }
        }
        if let node { try walk(node, []) }
        return result
    }
}

struct SettingsError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
