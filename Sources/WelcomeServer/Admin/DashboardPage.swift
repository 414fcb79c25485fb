import Foundation
import Persistence
import WelcomeCore

/// What the dashboard shows, gathered before rendering so that the page is a pure function.
struct DashboardSnapshot: Sendable {
    var now: Date
    var catalogStatus: LiveCatalog.Status
    var catalog: IntentCatalog
    var deliveries: [RecentDeliveries.Entry]
    var outbox: OutboxOverview
    var answers: [String: [String: Int]]
    /// nil when unanswered questions are not kept.
    var questions: [UnansweredQuestion]?
    var retention: RetentionPolicy
    var instance: ServerInstance
}

/// The dashboard as one server-rendered page: plain HTML and inline CSS, no JavaScript, no
/// external resources. Buttons are forms that post and come back (post, redirect, get). The
/// layout uses logical CSS properties only, so an Arabic interface mirrors as a whole, and
/// whatever newcomers wrote is shown in its own language and direction.
struct DashboardPage {
    let text: DashboardText
    /// The session's form token; empty for bearer clients, which need none.
    let csrf: String

    // MARK: Pieces

    static func escape(_ value: String) -> String { ChatPage.escape(value) }

    private var languageQuery: String { "lang=\(text.code)" }

    func time(_ date: Date?) -> String {
        guard let date else { return "<span class=\"muted\">\(Self.escape(text.never))</span>" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
        let iso = ISO8601DateFormatter().string(from: date)
        return "<time datetime=\"\(iso)\" dir=\"ltr\">\(Self.escape(formatter.string(from: date)))</time>"
    }

    func age(_ seconds: TimeInterval) -> String {
        let value = Int(seconds.rounded())
        let shown =
            value < 120
            ? "\(value) s" : value < 7200 ? "\(value / 60) min" : value < 172_800 ? "\(value / 3600) h" : "\(value / 86_400) d"
        return "<span dir=\"ltr\">\(shown)</span>"
    }

    func milliseconds(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return "<span dir=\"ltr\">\(String(format: "%.1f", ms)) ms</span>"
    }

    /// A form with one button that posts to `action` and comes back to the page.
    func button(_ label: String, action: String, danger: Bool = false) -> String {
        """
        <form method="post" action="\(action)"><input type="hidden" name="csrf" value="\(Self.escape(csrf))">\
        <input type="hidden" name="lang" value="\(text.code)">\
        <button type="submit"\(danger ? " class=\"danger\"" : "")>\(Self.escape(label))</button></form>
        """
    }

    func stateWord(_ entry: OutboxEntry) -> String {
        switch entry.state {
        case .pending: entry.isRetrying ? text.retrying : text.pending
        case .sent: text.sent
        case .dead: text.dead
        }
    }

    /// Attributes that show a newcomer's language in its own direction.
    func languageAttributes(_ code: String, catalog: IntentCatalog) -> String {
        let direction = catalog.languages[code]?.direction.rawValue ?? "auto"
        return "lang=\"\(Self.escape(code))\" dir=\"\(direction)\""
    }

    // MARK: Page

    func render(_ snapshot: DashboardSnapshot, flash: String?) -> String {
        var body = ""
        if let flash { body += "<p class=\"flash\" role=\"status\">\(Self.escape(flash))</p>\n" }
        body += summary(snapshot)
        body += catalogSection(snapshot)
        body += deliveriesSection(snapshot)
        body += outboxSection(snapshot)
        body += answersSection(snapshot)
        body += questionsSection(snapshot)
        let header = """
            <header><h1>\(Self.escape(text.title))</h1><nav aria-label="language">\(languageLinks())</nav>\
            \(csrf.isEmpty ? "" : button(text.signOut, action: "/admin/logout"))</header>
            """
        return Self.document(title: text.title, text: text, body: header + "\n<main>\n" + body + "</main>")
    }

    func languageLinks() -> String {
        DashboardText.all.map { other in
            other.code == text.code
                ? "<strong lang=\"\(other.code)\" dir=\"\(other.direction)\">\(Self.escape(other.name))</strong>"
                : "<a href=\"/admin?lang=\(other.code)\" lang=\"\(other.code)\" dir=\"\(other.direction)\">\(Self.escape(other.name))</a>"
        }.joined(separator: " · ")
    }

    func summary(_ snapshot: DashboardSnapshot) -> String {
        let outbox = snapshot.outbox
        let oldest = outbox.oldestPendingSince.map { age(snapshot.now.timeIntervalSince($0)) } ?? "–"
        let broken = !snapshot.catalogStatus.errors.isEmpty
        func card(_ label: String, _ value: String, _ tone: String = "") -> String {
            "<div class=\"card \(tone)\"><span class=\"value\">\(value)</span><span class=\"label\">\(Self.escape(label))</span></div>"
        }
        return """
            <section id="summary" aria-label="\(Self.escape(text.summary))"><div class="cards">
            \(card(text.pending, "\(outbox.pending)"))
            \(card(text.retrying, "\(outbox.retrying)", outbox.retrying > 0 ? "warn" : ""))
            \(card(text.dead, "\(outbox.dead)", outbox.dead > 0 ? "bad" : ""))
            \(card(text.oldestPending, oldest))
            \(card(text.catalog, Self.escape(broken ? text.catalogBroken : text.catalogGood), broken ? "bad" : "good"))
            </div>
            <p class="muted" id="instance">\(Self.escape(text.instance)) <code dir="ltr">\(Self.escape(snapshot.instance.name))</code>, \
            \(Self.escape(text.runningSince)) \(time(snapshot.instance.startedAt))</p></section>

            """
    }

    func catalogSection(_ snapshot: DashboardSnapshot) -> String {
        let status = snapshot.catalogStatus
        let catalog = snapshot.catalog
        var html = """
            <section id="catalog"><h2>\(Self.escape(text.catalog))</h2>
            <dl>
            <dt>\(Self.escape(text.loadedAt))</dt><dd>\(time(status.loadedAt))</dd>
            <dt>\(Self.escape(text.lastAttempt))</dt><dd>\(time(status.lastAttempt))</dd>
            <dt>\(Self.escape(text.reloads))</dt><dd><span dir="ltr">\(status.successfulReloads) / \(status.failedReloads)</span></dd>
            </dl>
            \(button(text.reloadNow, action: "/admin/reload"))

            """
        if !status.errors.isEmpty {
            html += "<p class=\"bad\">\(Self.escape(text.catalogBroken)). \(Self.escape(text.errorsHelp))</p>\n"
            // The loader writes its problems in German and English: German on the German page,
            // English on the others (Arabic included, until the loader speaks it).
            let language = StaffLanguage(code: text.code)
            let textLanguage = language == .german ? "de" : "en"
            html += table(
                [text.file, text.line, text.problem, text.whatToDo],
                status.errors.map { error in
                    [
                        "<code dir=\"ltr\">\(Self.escape(error.file))</code>", "<span dir=\"ltr\">\(error.line)</span>",
                        "<span lang=\"\(textLanguage)\" dir=\"ltr\">\(Self.escape(error.problem.text(in: language)))</span>",
                        "<span lang=\"\(textLanguage)\" dir=\"ltr\">\(Self.escape(error.remedy.text(in: language)))</span>",
                    ]
                }, id: "catalog-errors")
        }
        html += table(
            [text.language, text.intents],
            catalog.languageOrder.compactMap { catalog.languages[$0] }.map { pack in
                [
                    "<span \(languageAttributes(pack.code, catalog: catalog))>\(Self.escape(pack.name))</span> <code>\(pack.code)</code>",
                    "\(pack.intents.count)",
                ]
            }, id: "catalog-languages")
        return html + "</section>\n"
    }

    func deliveriesSection(_ snapshot: DashboardSnapshot) -> String {
        var html = "<section id=\"deliveries\"><h2>\(Self.escape(text.deliveries))</h2>\n"
        html += "<p class=\"help\">\(Self.escape(text.deliveriesHelp))</p>\n"
        guard !snapshot.deliveries.isEmpty else {
            return html + "<p class=\"muted\">\(Self.escape(text.noDeliveries))</p></section>\n"
        }
        html += table(
            [text.time, text.channel, text.outcome, text.status, text.latency, text.errorClass, text.messages],
            snapshot.deliveries.map { entry in
                let tone = entry.status >= 400 ? "bad" : ""
                return [
                    time(entry.time), Self.escape(entry.channel),
                    "<span class=\"outcome \(tone)\">\(Self.escape(entry.outcome.rawValue))</span>", "\(entry.status)",
                    milliseconds(entry.latency), entry.errorClass.map { "<code>\(Self.escape($0))</code>" } ?? "",
                    "\(entry.messages)",
                ]
            }, id: "deliveries-table")
        return html + "</section>\n"
    }

    func outboxSection(_ snapshot: DashboardSnapshot) -> String {
        let outbox = snapshot.outbox
        var html = "<section id=\"outbox\"><h2>\(Self.escape(text.outbox))</h2>\n"
        let help = text.outboxHelp.replacingOccurrences(of: "{days}", with: "\(snapshot.retention.deadLetters.days)")
        html += "<p class=\"help\">\(Self.escape(help))</p>\n"
        html +=
            "<p dir=\"auto\">\(Self.escape(text.pending)): \(outbox.pending) · \(Self.escape(text.retrying)): \(outbox.retrying) · \(Self.escape(text.dead)): \(outbox.dead) · \(Self.escape(text.sent)): \(outbox.sent)</p>\n"
        guard !outbox.attention.isEmpty else {
            return html + "<p class=\"muted\">\(Self.escape(text.outboxEmpty))</p></section>\n"
        }
        html += table(
            ["#", text.channel, text.state, text.attempts, text.queued, text.nextAttempt, text.reason, text.actions],
            outbox.attention.map { entry in
                var actions = ""
                if entry.retryable {
                    actions += button(text.retry, action: "/admin/outbox/\(entry.id)/retry")
                    actions += button(text.discard, action: "/admin/outbox/\(entry.id)/discard", danger: true)
                }
                return [
                    "\(entry.id)", Self.escape(entry.channel),
                    "<span class=\"state \(entry.state == .dead ? "bad" : entry.isRetrying ? "warn" : "")\">\(Self.escape(stateWord(entry)))</span>",
                    "\(entry.attempts)", time(entry.createdAt),
                    time(entry.state == .pending ? entry.nextAttemptAt : entry.finishedAt),
                    entry.lastError.map { "<span dir=\"ltr\">\(Self.escape($0))</span>" } ?? "",
                    "<div class=\"actions\">\(actions)</div>",
                ]
            }, id: "outbox-table")
        return html + "</section>\n"
    }

    func answersSection(_ snapshot: DashboardSnapshot) -> String {
        let catalog = snapshot.catalog
        var html = "<section id=\"answers\"><h2>\(Self.escape(text.answers))</h2>\n"
        html += "<p class=\"help\">\(Self.escape(text.answersHelp))</p>\n"
        let languages =
            catalog.languageOrder.filter { snapshot.answers[$0] != nil }
            + snapshot.answers.keys.sorted()
            .filter { !catalog.languageOrder.contains($0) }
        guard !languages.isEmpty else { return html + "<p class=\"muted\">\(Self.escape(text.noAnswers))</p></section>\n" }
        var keys = Set<String>()
        for counts in snapshot.answers.values { keys.formUnion(counts.keys) }
        let special = ["(ambiguous)", "(no-match)"]
        let intents = keys.subtracting(special).sorted { lhs, rhs in
            let left = languages.reduce(0) { $0 + (snapshot.answers[$1]?[lhs] ?? 0) }
            let right = languages.reduce(0) { $0 + (snapshot.answers[$1]?[rhs] ?? 0) }
            return left != right ? left > right : lhs < rhs
        }
        // The intent's title in the interface language when the catalog has it, else the reference language's.
        let titles = catalog.languages[text.code] ?? catalog.languages[catalog.referenceLanguage]
        let headers =
            [text.intent]
            + languages.map { code in
                "<span \(languageAttributes(code, catalog: catalog))>\(Self.escape(catalog.languages[code]?.name ?? code))</span>"
            } + [text.total]
        var rows: [[String]] = []
        for key in intents + special where keys.contains(key) {
            let label: String
            switch key {
            case "(no-match)": label = "<em>\(Self.escape(text.noMatch))</em>"
            case "(ambiguous)": label = "<em>\(Self.escape(text.ambiguous))</em>"
            default:
                let title = titles?.intent(key)?.title
                let attributes = titles.map { languageAttributes($0.code, catalog: catalog) } ?? ""
                label =
                    "<code>\(Self.escape(key))</code>" + (title.map { " <span \(attributes)>\(Self.escape($0))</span>" } ?? "")
            }
            let counts = languages.map { snapshot.answers[$0]?[key] ?? 0 }
            rows.append(
                [label] + counts.map { $0 == 0 ? "<span class=\"muted\">0</span>" : "\($0)" } + ["\(counts.reduce(0, +))"])
        }
        html += table(headers, rows, id: "answers-table", escapeHeaders: false)
        return html + "</section>\n"
    }

    func questionsSection(_ snapshot: DashboardSnapshot) -> String {
        var html = "<section id=\"questions\"><h2>\(Self.escape(text.questions))</h2>\n"
        guard let questions = snapshot.questions else {
            let off = text.questionsOff.replacingOccurrences(
                of: "{days}", with: "\(snapshot.retention.unansweredQuestions.days)")
            return html + "<p class=\"muted\">\(Self.escape(off))</p></section>\n"
        }
        html += "<p class=\"help\">\(Self.escape(text.questionsHelp))</p>\n"
        guard !questions.isEmpty else { return html + "<p class=\"muted\">\(Self.escape(text.noQuestions))</p></section>\n" }
        html += table(
            [text.time, text.language, text.channel, text.text],
            questions.map { question in
                [
                    time(question.receivedAt), "<code>\(Self.escape(question.language))</code>", Self.escape(question.channel),
                    "<span class=\"question\" \(languageAttributes(question.language, catalog: snapshot.catalog))>\(Self.escape(question.text))</span>",
                ]
            }, id: "questions-table")
        return html + "</section>\n"
    }

    func table(_ headers: [String], _ rows: [[String]], id: String, escapeHeaders: Bool = true) -> String {
        let head = headers.map { "<th scope=\"col\">\(escapeHeaders ? Self.escape($0) : $0)</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return
            "<div class=\"scroll\"><table id=\"\(id)\"><thead><tr>\(head)</tr></thead><tbody>\n\(body)\n</tbody></table></div>\n"
    }

    // MARK: Sign-in

    static func signIn(text: DashboardText, failed: Bool) -> String {
        let error = failed ? "<p class=\"flash bad\" role=\"alert\">\(escape(text.wrongToken))</p>" : ""
        let languages = DashboardText.all.map { other in
            "<a href=\"/admin?lang=\(other.code)\" lang=\"\(other.code)\" dir=\"\(other.direction)\">\(escape(other.name))</a>"
        }.joined(separator: " · ")
        let body = """
            <header><h1>\(escape(text.title))</h1><nav aria-label="language">\(languages)</nav></header>
            <main class="narrow"><h2>\(escape(text.signInHeading))</h2>\(error)
            <p>\(escape(text.signInHelp))</p>
            <form method="post" action="/admin/login"><input type="hidden" name="lang" value="\(text.code)">
            <label for="token">\(escape(text.tokenLabel))</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required dir="ltr">
            <button type="submit">\(escape(text.signIn))</button></form></main>
            """
        return document(title: text.title, text: text, body: body)
    }

    static func document(title: String, text: DashboardText, body: String) -> String {
        """
        <!doctype html>
        <html lang="\(text.code)" dir="\(text.direction)">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex"><title>\(escape(title))</title>
        <style>\(style)</style></head>
        <body>
        \(body)
        </body></html>

        """
    }

    static let style = """
        :root{color-scheme:light;--ink:#1d2430;--muted:#667085;--line:#d7dce3;--bg:#f6f7f9;--good:#13795b;--warn:#9a5b00;--bad:#b42318;--accent:#1f5fbf}
        *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,"Noto Sans","Noto Sans Arabic","DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
        header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.75rem 1.25rem;background:#fff;border-block-end:1px solid var(--line)}
        header h1{font-size:1.2rem;margin:0;margin-inline-end:auto}main{padding:1rem 1.25rem;max-width:80rem}main.narrow{max-width:30rem}
        section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin-block-end:1rem}
        h2{font-size:1.05rem;margin:.25rem 0 .5rem}.help,.muted{color:var(--muted)}.help{margin-block:.25rem .5rem}
        .cards{display:flex;flex-wrap:wrap;gap:.75rem}.card{flex:1 1 9rem;border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;display:flex;flex-direction:column}
        .card .value{font-size:1.3rem;font-weight:600}.card .label{color:var(--muted)}.card.good{border-inline-start:4px solid var(--good)}
        .card.warn{border-inline-start:4px solid var(--warn)}.card.bad{border-inline-start:4px solid var(--bad)}
        .good{color:var(--good)}.warn{color:var(--warn)}.bad{color:var(--bad)}.card .value.bad{color:var(--bad)}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.25rem 0 .75rem}dt{color:var(--muted)}dd{margin:0}
        .scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;margin-block:.5rem}th,td{text-align:start;padding:.3rem .5rem;border-block-end:1px solid var(--line);vertical-align:top}
        th{font-weight:600;background:var(--bg)}td .question{unicode-bidi:isolate}code{font-size:.9em}
        form{display:inline}.actions{display:flex;gap:.4rem;flex-wrap:wrap}button{font:inherit;padding:.25rem .7rem;border:1px solid var(--accent);background:#fff;color:var(--accent);border-radius:5px;cursor:pointer}
        button.danger{border-color:var(--bad);color:var(--bad)}main.narrow form{display:flex;flex-direction:column;gap:.5rem}input[type=password]{font:inherit;padding:.4rem}
        .flash{background:#eef4ff;border:1px solid #b7cdf5;border-radius:6px;padding:.5rem .75rem}.flash.bad{background:#fff1f0;border-color:#f2b8b5}
        a{color:var(--accent)}
        """
}
