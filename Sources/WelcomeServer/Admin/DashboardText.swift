import Foundation

/// The dashboard's own words, in the languages of the people who run the Welcome Center's bot:
/// German for the staff, English for operators, Arabic to show (and check) the right-to-left
/// layout with the interface itself mirrored. What newcomers wrote is shown in its own language
/// and direction whatever the interface language is.
struct DashboardText: Sendable {
    var code: String
    var direction: String
    var name: String
    var title: String
    var signInHeading: String
    var signInHelp: String
    var tokenLabel: String
    var signIn: String
    var wrongToken: String
    var signOut: String
    var summary: String
    var pending: String
    var retrying: String
    var sent: String
    var dead: String
    var oldestPending: String
    var catalog: String
    var catalogGood: String
    var catalogBroken: String
    var loadedAt: String
    var lastAttempt: String
    var reloads: String
    var reloadNow: String
    var language: String
    var intents: String
    var errorsHelp: String
    var file: String
    var line: String
    var problem: String
    var whatToDo: String
    var deliveries: String
    var deliveriesHelp: String
    var time: String
    var channel: String
    var outcome: String
    var status: String
    var latency: String
    var errorClass: String
    var messages: String
    var noDeliveries: String
    var outbox: String
    var outboxHelp: String
    var state: String
    var attempts: String
    var queued: String
    var nextAttempt: String
    var reason: String
    var actions: String
    var retry: String
    var discard: String
    var outboxEmpty: String
    var answers: String
    var answersHelp: String
    var intent: String
    var noMatch: String
    var ambiguous: String
    var total: String
    var noAnswers: String
    var questions: String
    var questionsHelp: String
    var questionsOff: String
    var noQuestions: String
    var text: String
    var reloaded: String
    var reloadFailed: String
    var retried: String
    var discarded: String
    var notFound: String
    var never: String
    /// Which process this page is from: behind a load balancer each instance has its own.
    var instance: String
    var runningSince: String

    static let all = [english, german, arabic]

    /// The interface language for `query` (`?lang=de`) or, without one, the browser's
    /// `Accept-Language`; English when neither names one of ours.
    static func choose(query: String?, acceptLanguage: String?) -> DashboardText {
        if let query, let text = all.first(where: { $0.code == query }) { return text }
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let code = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            if let text = all.first(where: { code == $0.code || code.hasPrefix($0.code + "-") }) { return text }
        }
        return english
    }

    static let english = DashboardText(
        code: "en", direction: "ltr", name: "English", title: "WelcomeBot operations", signInHeading: "Sign in",
        signInHelp: "Enter the admin token (ADMIN_TOKEN) of this server. The session lasts 12 hours.",
        tokenLabel: "Admin token", signIn: "Sign in", wrongToken: "That is not the admin token.", signOut: "Sign out",
        summary: "At a glance", pending: "pending", retrying: "retrying", sent: "sent", dead: "dead",
        oldestPending: "oldest pending", catalog: "Intent files", catalogGood: "in use, no errors",
        catalogBroken: "errors: the last good version keeps answering", loadedAt: "version in use loaded",
        lastAttempt: "last reload tried", reloads: "reloads (good / failed)", reloadNow: "Reload now", language: "Language",
        intents: "Intents",
        errorsHelp: "Fix these lines and save; the change goes live by itself within seconds.", file: "File", line: "Line",
        problem: "Problem", whatToDo: "What to do", deliveries: "Recent webhook deliveries",
        deliveriesHelp: "The last 200 this process received; nothing here says who wrote.", time: "Time", channel: "Channel",
        outcome: "Outcome", status: "Status", latency: "Latency", errorClass: "Error", messages: "Messages",
        noDeliveries: "No deliveries since start.", outbox: "Outbox",
        outboxHelp: "Replies waiting or given up. A dead reply can be sent again for {days} days after it failed.",
        state: "State", attempts: "Attempts", queued: "Queued", nextAttempt: "Next attempt / finished", reason: "Reason",
        actions: "Actions", retry: "Send now", discard: "Discard", outboxEmpty: "Nothing is waiting and nothing failed.",
        answers: "Answers since start", answersHelp: "Messages answered per intent and language since this process started.",
        intent: "Intent", noMatch: "no answer found", ambiguous: "asked which one", total: "Total",
        noAnswers: "No messages answered since start.", questions: "Unanswered questions",
        questionsHelp: "Questions nothing answered, with phone numbers, e-mail addresses, long numbers and names removed.",
        questionsOff: "Not kept. Set UNANSWERED_QUESTIONS=keep to keep them ({days} days).",
        noQuestions: "No unanswered questions.", text: "Question", reloaded: "The intent files were reloaded.",
        reloadFailed: "The intent files have errors; the last good version keeps answering.",
        retried: "The reply will be sent now.", discarded: "The reply was discarded.",
        notFound: "That reply can no longer be changed (sent, erased or gone).", never: "never",
        instance: "This page is from instance", runningSince: "running since")

    static let german = DashboardText(
        code: "de", direction: "ltr", name: "Deutsch", title: "WelcomeBot Betrieb", signInHeading: "Anmelden",
        signInHelp: "Geben Sie das Admin-Token (ADMIN_TOKEN) dieses Servers ein. Die Anmeldung gilt 12 Stunden.",
        tokenLabel: "Admin-Token", signIn: "Anmelden", wrongToken: "Das ist nicht das Admin-Token.", signOut: "Abmelden",
        summary: "Überblick", pending: "wartend", retrying: "neuer Versuch", sent: "gesendet", dead: "aufgegeben",
        oldestPending: "älteste wartende", catalog: "Intent-Dateien", catalogGood: "in Betrieb, fehlerfrei",
        catalogBroken: "Fehler: die letzte gute Fassung antwortet weiter", loadedAt: "aktive Fassung geladen",
        lastAttempt: "letzter Ladeversuch", reloads: "Neuladen (gut / fehlerhaft)", reloadNow: "Jetzt neu laden",
        language: "Sprache", intents: "Intents",
        errorsHelp: "Diese Zeilen korrigieren und speichern; die Änderung ist nach wenigen Sekunden von selbst live.",
        file: "Datei", line: "Zeile", problem: "Problem", whatToDo: "Was tun", deliveries: "Letzte Webhook-Zustellungen",
        deliveriesHelp: "Die letzten 200 dieses Prozesses; nichts hier verrät, wer geschrieben hat.", time: "Zeit",
        channel: "Kanal", outcome: "Ergebnis", status: "Status", latency: "Dauer", errorClass: "Fehler",
        messages: "Nachrichten", noDeliveries: "Seit dem Start keine Zustellungen.", outbox: "Postausgang",
        outboxHelp: "Wartende oder aufgegebene Antworten. Eine aufgegebene Antwort kann {days} Tage lang erneut gesendet werden.",
        state: "Zustand", attempts: "Versuche", queued: "Eingereiht", nextAttempt: "Nächster Versuch / beendet",
        reason: "Grund", actions: "Aktionen", retry: "Jetzt senden", discard: "Verwerfen",
        outboxEmpty: "Nichts wartet, nichts ist fehlgeschlagen.", answers: "Antworten seit dem Start",
        answersHelp: "Beantwortete Nachrichten je Intent und Sprache seit dem Start dieses Prozesses.", intent: "Intent",
        noMatch: "keine Antwort gefunden", ambiguous: "Rückfrage gestellt", total: "Summe",
        noAnswers: "Seit dem Start keine Nachrichten beantwortet.", questions: "Unbeantwortete Fragen",
        questionsHelp: "Fragen ohne Antwort, ohne Telefonnummern, E-Mail-Adressen, lange Zahlen und Namen.",
        questionsOff: "Werden nicht gespeichert. Mit UNANSWERED_QUESTIONS=keep werden sie {days} Tage aufbewahrt.",
        noQuestions: "Keine unbeantworteten Fragen.", text: "Frage", reloaded: "Die Intent-Dateien wurden neu geladen.",
        reloadFailed: "Die Intent-Dateien haben Fehler; die letzte gute Fassung antwortet weiter.",
        retried: "Die Antwort wird jetzt gesendet.", discarded: "Die Antwort wurde verworfen.",
        notFound: "Diese Antwort lässt sich nicht mehr ändern (gesendet, gelöscht oder entfernt).", never: "nie",
        instance: "Diese Seite kommt von Instanz", runningSince: "läuft seit")

    static let arabic = DashboardText(
        code: "ar", direction: "rtl", name: "العربية", title: "تشغيل WelcomeBot", signInHeading: "تسجيل الدخول",
        signInHelp: "أدخل رمز المشرف (ADMIN_TOKEN) لهذا الخادم. تستمر الجلسة 12 ساعة.", tokenLabel: "رمز المشرف",
        signIn: "دخول", wrongToken: "هذا ليس رمز المشرف.", signOut: "خروج", summary: "نظرة عامة", pending: "في الانتظار",
        retrying: "إعادة المحاولة", sent: "أُرسلت", dead: "متوقفة", oldestPending: "أقدم رسالة منتظرة",
        catalog: "ملفات النوايا", catalogGood: "قيد الاستخدام، بلا أخطاء", catalogBroken: "أخطاء: آخر نسخة سليمة تواصل الرد",
        loadedAt: "تحميل النسخة الحالية", lastAttempt: "آخر محاولة تحميل", reloads: "إعادات التحميل (ناجحة / فاشلة)",
        reloadNow: "أعد التحميل الآن", language: "اللغة", intents: "النوايا",
        errorsHelp: "صحّح هذه الأسطر واحفظ الملف؛ يصبح التغيير فعّالاً تلقائياً خلال ثوانٍ.", file: "الملف", line: "السطر",
        problem: "المشكلة", whatToDo: "ما العمل", deliveries: "آخر الرسائل الواردة عبر الويب هوك",
        deliveriesHelp: "آخر 200 رسالة استقبلتها هذه العملية؛ لا شيء هنا يكشف هوية الكاتب.", time: "الوقت",
        channel: "القناة", outcome: "النتيجة", status: "الحالة", latency: "المدة", errorClass: "الخطأ", messages: "الرسائل",
        noDeliveries: "لا رسائل منذ التشغيل.", outbox: "صندوق الصادر",
        outboxHelp: "ردود منتظرة أو متوقفة. يمكن إعادة إرسال الرد المتوقف خلال {days} يوم من فشله.", state: "الحالة",
        attempts: "المحاولات", queued: "أُضيفت", nextAttempt: "المحاولة التالية / الانتهاء", reason: "السبب",
        actions: "إجراءات", retry: "أرسل الآن", discard: "تجاهل", outboxEmpty: "لا شيء منتظر ولا شيء فشل.",
        answers: "الردود منذ التشغيل", answersHelp: "الرسائل التي تمت الإجابة عنها لكل نية ولغة منذ بدء هذه العملية.",
        intent: "النية", noMatch: "لم يوجد رد", ambiguous: "سؤال للتوضيح", total: "المجموع",
        noAnswers: "لم تتم الإجابة عن أي رسالة منذ التشغيل.", questions: "أسئلة بلا إجابة",
        questionsHelp: "أسئلة لم يجد البوت لها جواباً، بعد حذف أرقام الهواتف والبريد الإلكتروني والأرقام الطويلة والأسماء.",
        questionsOff: "لا تُحفظ. اضبط UNANSWERED_QUESTIONS=keep لحفظها ({days} يوماً).", noQuestions: "لا أسئلة بلا إجابة.",
        text: "السؤال", reloaded: "أُعيد تحميل ملفات النوايا.", reloadFailed: "في ملفات النوايا أخطاء؛ آخر نسخة سليمة تواصل الرد.",
        retried: "سيُرسل الرد الآن.", discarded: "تم تجاهل الرد.", notFound: "لم يعد بالإمكان تغيير هذا الرد (أُرسل أو حُذف).",
        never: "أبداً", instance: "هذه الصفحة من النسخة", runningSince: "تعمل منذ")
}
