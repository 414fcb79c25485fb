import ArgumentParser
import Foundation
import Testing
import WelcomeCore

@testable import WelcomeCommands

/// The package's root folder, so commands find the shipped intent files.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let shippedIntents = packageRoot.appendingPathComponent("Intents").path

/// What a command printed and how it ended.
struct CommandRun {
    var exitCode: Int32
    var output: String
    var errors: String

    var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// The output parsed as one JSON object.
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(output)")
    }
}

/// The exit code the shell would see for `error`, with the message ArgumentParser would print.
private func exitCodeAndMessage(_ error: any Error, into errors: CapturedLines) -> Int32 {
    let code = WelcomeBotCommand.exitCode(for: error).rawValue
    if code != 0 && !(error is ExitCode) { errors.append(WelcomeBotCommand.fullMessage(for: error)) }
    return code
}

/// Runs an asynchronous command (serve, webhook) in-process with the given environment.
func welcomebotAsync(_ arguments: [String], environment: [String: String] = [:]) async -> CommandRun {
    let output = CapturedLines()
    let errors = CapturedLines()
    var exitCode: Int32 = 0
    await SettingsReader.$environmentOverride.withValue(environment) {
        await Terminal.$staffLanguage.withValue(.english) {
            await Terminal.$output.withValue(output.append) {
                await Terminal.$errors.withValue(errors.append) {
                    do {
                        var command = try WelcomeBotCommand.parseAsRoot(arguments)
                        if var asyncCommand = command as? any AsyncParsableCommand {
                            try await asyncCommand.run()
                        } else {
                            try command.run()
                        }
                    } catch {
                        exitCode = exitCodeAndMessage(error, into: errors)
                    }
                }
            }
        }
    }
    return CommandRun(exitCode: exitCode, output: output.text, errors: errors.text)
}

/// Runs `welcomebot ARGUMENTS` in-process, as the shell would, feeding `input` lines to it.
/// Staff texts are in `language`, whatever the locale of the machine running the tests.
func welcomebot(_ arguments: [String], input: [String] = [], language: StaffLanguage = .english) -> CommandRun {
    let output = CapturedLines()
    let errors = CapturedLines()
    let remaining = CapturedLines()
    for line in input.reversed() { remaining.append(line) }
    let reader: @Sendable () -> String? = {
        var lines = remaining.lines
        guard let next = lines.popLast() else { return nil }
        remaining.replace(with: lines)
        return next
    }
    var exitCode: Int32 = 0
    Terminal.$output.withValue(output.append) {
        Terminal.$errors.withValue(errors.append) {
            Terminal.$input.withValue(reader) {
                Terminal.$prompt.withValue({ _ in }) {
                    Terminal.$staffLanguage.withValue(language) {
                        do {
                            var command = try WelcomeBotCommand.parseAsRoot(arguments)
                            try command.run()
                        } catch {
                            exitCode = exitCodeAndMessage(error, into: errors)
                        }
                    }
                }
            }
        }
    }
    return CommandRun(exitCode: exitCode, output: output.text, errors: errors.text)
}
