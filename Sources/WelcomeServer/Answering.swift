import Foundation
import Messengers
import Persistence
import Synchronization
import WelcomeCore

/// Step 4 as every channel runs it inside the store's transaction: the answer, what to keep
/// of the question when nothing answered it, and (once the transaction committed) the count.
extension BotServices {
    /// Answers `input` on `assistant` (the catalog the request started with). Text too long for
    /// the matcher gets the menu rather than no answer.
    func answer(
        _ input: Input, state: inout ConversationState, hint: String?, assistant: Assistant, note: AnswerNote
    ) -> Answer {
        var answer: Answer
        do {
            answer = try assistant.respond(to: input, state: &state, hint: hint)
        } catch {
            answer = assistant.fallback(state: &state, hint: hint)
        }
        // The privacy answer must say so when questions are kept.
        if keepsUnansweredQuestions, answer.outcome == .matched, answer.intent == ReplyComposer.privacyIntent,
            let pack = assistant.catalog.languages[answer.language]
        {
            answer.reply.text +=
                "\n\n" + pack.texts.questionsKept.replacingOccurrences(of: "{days}", with: "\(unansweredQuestionDays)")
        }
        note.set(answer)
        return answer
    }

    /// The question to keep for staff, scrubbed, when it was typed, nothing answered it and the
    /// operator keeps unanswered questions; else nil.
    func unansweredQuestion(_ input: Input, answer: Answer, channel: String) -> UnansweredQuestion? {
        guard keepsUnansweredQuestions, answer.outcome == .noMatch, case .text(let text) = input else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= Assistant.maximumMessageLength else { return nil }
        return UnansweredQuestion(
            language: answer.language, channel: channel, text: QuestionScrubber.scrub(trimmed), receivedAt: Date())
    }

    /// Counts the answer of a message whose transaction committed; a redelivery counts nothing.
    func count(_ outcome: AcceptOutcome, _ note: AnswerNote) {
        guard case .accepted = outcome, let answer = note.value else { return }
        metrics.answered(answer)
    }
}

/// Carries the answer out of the store's transaction, which runs the answering closure on the
/// writer's thread.
final class AnswerNote: Sendable {
    private let storage = Mutex<Answer?>(nil)

    func set(_ answer: Answer) { storage.withLock { $0 = answer } }

    var value: Answer? { storage.withLock { $0 } }
}
