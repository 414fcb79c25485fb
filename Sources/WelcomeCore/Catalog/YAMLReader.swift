import Foundation
import Yams

/// Reads one YAML file the way staff write it: it checks the bytes first (UTF-8, byte-order mark,
/// tabs, anchors, size), parses with Yams, and then offers typed access that reports every
/// problem with its line and column instead of stopping at the first.
struct YAMLReader {
    /// Intent files are small; anything larger is a mistake (or an attack) and is refused unread.
    static let maximumFileSize = 2 * 1024 * 1024

    let file: String
    var sink = DiagnosticSink()
    /// The text as parsed, split into lines (for locating text inside block scalars).
    private(set) var lines: [Substring] = []

    init(file: String) {
        self.file = file
    }

    // MARK: Reading the file

    /// Turns raw bytes into the root node, or nil when nothing usable could be parsed.
    mutating func parse(_ data: Data) -> Node? {
        guard data.count <= Self.maximumFileSize else {
            sink.error(
                file, SourceLocation(line: 1, column: 1),
                StaffText(
                    "the file is \(data.count / 1024) KiB, more than the \(Self.maximumFileSize / 1024 / 1024) MiB an intent file may have",
                    de:
                        "die Datei hat \(data.count / 1024) KiB, mehr als die \(Self.maximumFileSize / 1024 / 1024) MiB, die eine Intent-Datei haben darf"
                ),
                fix: StaffText(
                    "split it or remove what does not belong there",
                    de: "teilen Sie sie auf oder entfernen Sie, was nicht hineingehört"))
            return nil
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)  // a byte-order mark, as some Windows editors write: harmless
        }
        var text = decodeUTF8(bytes)
        text = replaceIndentationTabs(text)
        guard !text.allSatisfy(\.isWhitespace) else {
            sink.error(
                file, SourceLocation(line: 1, column: 1), StaffText("the file is empty", de: "die Datei ist leer"),
                fix: StaffText(
                    "restore it from the last good version (git) or write the fields the guide lists",
                    de:
                        "stellen Sie die letzte gute Fassung wieder her (git) oder schreiben Sie die Felder, die die Anleitung nennt"
                ))
            return nil
        }
        guard checkAnchorsAndAliases(text), checkNesting(text) else { return nil }
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        do {
            guard let root = try Yams.compose(yaml: text) else {
                sink.error(
                    file, SourceLocation(line: 1, column: 1),
                    StaffText("the file has no content", de: "die Datei hat keinen Inhalt"))
                return nil
            }
            return root
        } catch let error as YamlError {
            report(error)
            return nil
        } catch {
            sink.error(
                file, SourceLocation(line: 1, column: 1),
                StaffText("the file could not be read as YAML (\(error))", de: "die Datei ist als YAML nicht lesbar (\(error))"))
            return nil
        }
    }

    /// Decodes UTF-8; on invalid bytes reports where the first one is and carries on with
    /// replacement characters so that the other problems are still found.
    private mutating func decodeUTF8(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var line = 1
        var column = 1
        var invalid = 0
        var first: SourceLocation?
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .error:
                invalid += 1
                if first == nil { first = SourceLocation(line: line, column: column) }
                column += 1
            case .emptyInput:
                break loop
            }
        }
        sink.error(
            file, first ?? SourceLocation(line: 1, column: 1),
            StaffText(
                "the file is not valid UTF-8 text (\(invalid) bad byte\(invalid == 1 ? "" : "s"), the first here)",
                de:
                    "die Datei ist kein gültiger UTF-8-Text (\(invalid) \(invalid == 1 ? "ungültiges Byte" : "ungültige Bytes"), das erste hier)"
            ),
            fix: StaffText(
                "save the file with the encoding UTF-8 in your editor",
                de: "speichern Sie die Datei in Ihrem Editor mit der Kodierung UTF-8"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// YAML forbids tabs for indentation, and its own message about them is cryptic. Report each
    /// such line clearly, then read on with the tabs as two spaces to find the other problems.
    private mutating func replaceIndentationTabs(_ text: String) -> String {
        guard text.contains("\t") else { return text }
        var output: [Substring] = []
        var changed = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indentation = line.prefix { $0 == " " || $0 == "\t" }
            if let tab = indentation.firstIndex(of: "\t") {
                let column = line.unicodeScalars.distance(from: line.startIndex, to: tab) + 1
                sink.error(
                    file, SourceLocation(line: index + 1, column: column),
                    StaffText("a tab is used for indentation", de: "zum Einrücken wird ein Tabulator verwendet"),
                    fix: StaffText(
                        "replace the tab with spaces (two spaces per level)",
                        de: "ersetzen Sie den Tabulator durch Leerzeichen (zwei Leerzeichen je Ebene)"))
                let spaces = indentation.replacingOccurrences(of: "\t", with: "  ")
                output.append(Substring(spaces + line.dropFirst(indentation.count)))
                changed = true
            } else {
                output.append(line)
            }
        }
        return changed ? output.joined(separator: "\n") : text
    }

    /// Intent files nest a few levels deep. A file nested thousands of levels deep (by mistake
    /// or on purpose) would exhaust the parser's stack, so it is refused before parsing: lists
    /// and maps in brackets at most `maximumFlowDepth` deep, lines indented at most
    /// `maximumIndentation` spaces. Lines of block texts are text and are not counted.
    static let maximumFlowDepth = 32
    static let maximumIndentation = 80

    private mutating func checkNesting(_ text: String) -> Bool {
        var depth = 0
        var blockIndentation: Int?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indentation = line.prefix { $0 == " " }.count
            if let owner = blockIndentation {
                if line.allSatisfy({ $0 == " " }) || indentation > owner { continue }
                blockIndentation = nil
            }
            if indentation > Self.maximumIndentation {
                sink.error(
                    file, SourceLocation(line: index + 1, column: 1),
                    StaffText(
                        "this line is indented \(indentation) spaces; intent files need far fewer",
                        de: "diese Zeile ist um \(indentation) Leerzeichen eingerückt; Intent-Dateien brauchen weit weniger"),
                    fix: StaffText(
                        "indent each level by two spaces; an intent's fields need at most six",
                        de: "rücken Sie jede Ebene um zwei Leerzeichen ein; die Felder eines Intents brauchen höchstens sechs"))
                return false
            }
            var quote: Character?
            var previous: Character = " "
            for (column, character) in line.enumerated() {
                defer { previous = character }
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "#" && previous == " " {
                    break  // a comment
                } else if (character == "\"" || character == "'") && " [,{:".contains(previous) {
                    quote = character
                } else if character == "[" || character == "{" {
                    depth += 1
                    if depth > Self.maximumFlowDepth {
                        sink.error(
                            file, SourceLocation(line: index + 1, column: column + 1),
                            StaffText(
                                "lists or maps in brackets nest more than \(Self.maximumFlowDepth) levels deep here",
                                de:
                                    "Listen oder Zuordnungen in Klammern sind hier mehr als \(Self.maximumFlowDepth) Ebenen tief verschachtelt"
                            ),
                            fix: StaffText(
                                "intent files use one level: [word, word, …]; check for a bracket typed too often",
                                de: "Intent-Dateien brauchen eine Ebene: [wort, wort, …]; suchen Sie eine zu oft getippte Klammer"
                            ))
                        return false
                    }
                } else if character == "]" || character == "}" {
                    depth = max(0, depth - 1)
                }
            }
            let code = line.split(separator: " #", maxSplits: 1).first ?? line
            if quote == nil, depth == 0, code.range(of: #"(^|[:-])\s*[|>][-+0-9]*\s*$"#, options: .regularExpression) != nil {
                blockIndentation = indentation
            }
        }
        return true
    }

    /// Anchors and aliases (`&name`, `*name`) have no use in intent files and allow files that
    /// expand exponentially ("billion laughs"), so they are refused before parsing. Lines inside
    /// block texts (after `|` or `>`) are text, not YAML, and are skipped.
    private mutating func checkAnchorsAndAliases(_ text: String) -> Bool {
        var found = false
        var blockIndentation: Int?  // set while inside a block text: the indentation of its owner
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indentation = line.prefix { $0 == " " }.count
            if let owner = blockIndentation {
                if line.allSatisfy({ $0 == " " }) || indentation > owner { continue }
                blockIndentation = nil
            }
            let scalars = Array(line.unicodeScalars)
            var quote: Unicode.Scalar?
            var position = 0
            while position < scalars.count {
                let character = scalars[position]
                let previous: Unicode.Scalar = position > 0 ? scalars[position - 1] : " "
                let next: Unicode.Scalar = position + 1 < scalars.count ? scalars[position + 1] : " "
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "#" && previous == " " {
                    break
                } else if (character == "\"" || character == "'") && " [,{".unicodeScalars.contains(previous) {
                    quote = character
                } else if (character == "&" || character == "*") && next != " "
                    && valueStarts(scalars[..<position])
                {
                    sink.error(
                        file, SourceLocation(line: index + 1, column: position + 1),
                        StaffText(
                            "'\(character)' at the start of a value makes it a YAML \(character == "&" ? "anchor" : "alias"), which intent files do not allow",
                            de:
                                "'\(character)' am Anfang eines Werts macht ihn zu einem YAML-\(character == "&" ? "Anker" : "Alias"), was in Intent-Dateien nicht erlaubt ist"
                        ),
                        fix: StaffText(
                            "put the text in quotes, for example \"\(character)\(next)…\"",
                            de: "setzen Sie den Text in Anführungszeichen, zum Beispiel \"\(character)\(next)…\""))
                    found = true
                    break
                }
                position += 1
            }
            let code = line.split(separator: " #", maxSplits: 1).first ?? line
            if quote == nil, code.range(of: #"(^|[:-])\s*[|>][-+0-9]*\s*$"#, options: .regularExpression) != nil {
                blockIndentation = indentation
            }
        }
        return !found
    }

    /// True when what stands before a character on its line ends where a YAML value may start.
    private func valueStarts(_ before: ArraySlice<Unicode.Scalar>) -> Bool {
        var text = String(String.UnicodeScalarView(before))
        while text.last == " " { text.removeLast() }
        guard let last = text.last else { return true }
        return ":-[,{".contains(last)
    }

    private mutating func report(_ error: YamlError) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            sink.error(
                file, SourceLocation(line: mark.line, column: mark.column),
                StaffText(
                    "the YAML structure is broken here (\(problem))", de: "der YAML-Aufbau ist hier fehlerhaft (\(problem))"),
                fix: Self.advice(for: problem))
        case .reader(let problem, _, _, _):
            sink.error(
                file, SourceLocation(line: 1, column: 1),
                StaffText("the file cannot be read (\(problem))", de: "die Datei ist nicht lesbar (\(problem))"),
                fix: StaffText("save the file with the encoding UTF-8", de: "speichern Sie die Datei mit der Kodierung UTF-8"))
        default:
            sink.error(
                file, SourceLocation(line: 1, column: 1),
                StaffText("the file cannot be read as YAML (\(error))", de: "die Datei ist als YAML nicht lesbar (\(error))"))
        }
    }

    /// Turns libyaml's terse wording into what a person should check.
    static func advice(for problem: String) -> StaffText {
        if problem.contains("mapping values are not allowed") {
            return StaffText(
                "text containing ': ' must be put in quotes, or the indentation of this line is wrong",
                de: "Text mit ': ' muss in Anführungszeichen stehen, oder die Einrückung dieser Zeile stimmt nicht")
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return StaffText(
                "check the indentation of this line and the one before: items of one list or section line up exactly",
                de:
                    "prüfen Sie die Einrückung dieser und der vorigen Zeile: Einträge einer Liste oder eines Abschnitts stehen genau untereinander"
            )
        }
        if problem.contains("found unexpected end of stream") || problem.contains("end of stream") {
            return StaffText(
                "the file ends in the middle of something: a quote or bracket is not closed, or the file was saved half-way",
                de:
                    "die Datei endet mittendrin: ein Anführungszeichen oder eine Klammer ist nicht geschlossen, oder die Datei wurde nur halb gespeichert"
            )
        }
        if problem.contains("did not find expected ',' or ']'") {
            return StaffText(
                "a list in [brackets] is not closed, or an item in it contains ':' or '[' and needs quotes",
                de:
                    "eine Liste in [Klammern] ist nicht geschlossen, oder ein Eintrag darin enthält ':' oder '[' und braucht Anführungszeichen"
            )
        }
        if problem.contains("found character that cannot start any token") {
            return StaffText("put this text in quotes", de: "setzen Sie diesen Text in Anführungszeichen")
        }
        if problem.contains("but found another document") || problem.contains("expected a single document") {
            return StaffText("remove the line with '---' or '...'", de: "entfernen Sie die Zeile mit '---' oder '...'")
        }
        return StaffText(
            "compare this line with the example in Intents/README.md; text with special characters needs quotes",
            de:
                "vergleichen Sie diese Zeile mit dem Beispiel in Intents/README.md; Text mit Sonderzeichen braucht Anführungszeichen"
        )
    }

    // MARK: Typed access

    func location(_ node: Node) -> SourceLocation {
        guard let mark = node.mark else { return .unknown }
        return SourceLocation(line: mark.line, column: mark.column)
    }

    /// The pairs of a mapping with string keys. Reports a node that is not a mapping and every
    /// repeated key (YAML parsers differ on which copy wins, so a duplicate is always an error).
    mutating func mapping(_ node: Node, _ what: StaffText) -> [(key: String, at: SourceLocation, value: Node)]? {
        guard let mapping = node.mapping else {
            let kind = Self.kind(of: node)
            sink.error(
                file, location(node),
                StaffText(
                    "\(what.english) must be a set of 'name: value' lines, but it is \(kind.english)",
                    de: "\(what.german) muss aus Zeilen 'Name: Wert' bestehen, ist aber \(kind.german)"),
                fix: StaffText(
                    "write one 'name: value' per line, indented below it",
                    de: "schreiben Sie eine Zeile 'Name: Wert' je Feld, darunter eingerückt"))
            return nil
        }
        var pairs: [(key: String, at: SourceLocation, value: Node)] = []
        var seen: [String: SourceLocation] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                sink.error(
                    file, location(keyNode),
                    StaffText(
                        "a name in \(what.english) must be plain text", de: "\(what.german): ein Name muss einfacher Text sein"))
                continue
            }
            let at = location(keyNode)
            if let first = seen[key] {
                sink.error(
                    file, at,
                    StaffText(
                        "'\(key)' appears twice in \(what.english) (first on line \(first.line))",
                        de: "\(what.german): '\(key)' steht zweimal da (zuerst in Zeile \(first.line))"),
                    fix: StaffText(
                        "keep one of them: merge the two or rename one",
                        de: "behalten Sie eins davon: führen Sie beide zusammen oder benennen Sie eins um"))
                continue
            }
            seen[key] = at
            pairs.append((key, at, value))
        }
        return pairs
    }

    /// The fields of a record, checking names against the allowed ones ("did you mean …?") and
    /// that the required ones are present.
    mutating func fields(
        _ node: Node, _ what: StaffText, allowed: [String], required: [String], owner: SourceLocation? = nil
    ) -> [String: (at: SourceLocation, value: Node)] {
        guard let pairs = mapping(node, what) else { return [:] }
        var result: [String: (at: SourceLocation, value: Node)] = [:]
        for pair in pairs {
            if allowed.contains(pair.key) {
                result[pair.key] = (pair.at, pair.value)
            } else if let suggestion = Spelling.closest(to: pair.key, among: allowed) {
                sink.error(file, pair.at, Self.unknownField(pair.key, in: what), fix: .didYouMean("'\(suggestion)'"))
            } else {
                sink.error(
                    file, pair.at, Self.unknownField(pair.key, in: what),
                    fix: StaffText(
                        "the fields are: \(allowed.joined(separator: ", "))",
                        de: "die Felder sind: \(allowed.joined(separator: ", "))"))
            }
        }
        for name in required where result[name] == nil {
            sink.error(
                file, owner ?? location(node),
                StaffText("\(what.english) has no '\(name)'", de: "\(what.german): '\(name)' fehlt"),
                fix: StaffText(
                    "add '\(name):' (see Intents/README.md)", de: "ergänzen Sie '\(name):' (siehe Intents/README.md)"))
        }
        return result
    }

    static func unknownField(_ name: String, in what: StaffText) -> StaffText {
        StaffText("unknown field '\(name)' in \(what.english)", de: "\(what.german): unbekanntes Feld '\(name)'")
    }

    /// A piece of text. Numbers, dates and words like `no` are taken as written.
    mutating func text(_ node: Node, _ what: StaffText) -> String? {
        guard let scalar = node.scalar else {
            let kind = Self.kind(of: node)
            sink.error(
                file, location(node),
                StaffText(
                    "\(what.english) must be text, but it is \(kind.english)",
                    de: "\(what.german) muss Text sein, ist aber \(kind.german)"),
                fix: StaffText(
                    "write the text on the same line after the colon, or after '|' on the lines below",
                    de: "schreiben Sie den Text in dieselbe Zeile nach dem Doppelpunkt, oder nach '|' in die Zeilen darunter"))
            return nil
        }
        if node.null != nil && scalar.style == .plain {
            sink.error(
                file, location(node), StaffText("\(what.english) is empty", de: "\(what.german) ist leer"),
                fix: StaffText("write the text after the colon", de: "schreiben Sie den Text nach dem Doppelpunkt"))
            return nil
        }
        return scalar.string
    }

    /// A list of texts with the location of each. A single text where a list belongs is accepted
    /// as a list of one, since that is what the writer meant.
    mutating func textList(_ node: Node, _ what: StaffText) -> [(text: String, at: SourceLocation)]? {
        if let scalar = node.scalar {
            if node.null != nil && scalar.style == .plain { return [] }
            return [(scalar.string, location(node))]
        }
        guard let sequence = node.sequence else {
            let kind = Self.kind(of: node)
            sink.error(
                file, location(node),
                StaffText(
                    "\(what.english) must be a list, but it is \(kind.english)",
                    de: "\(what.german) muss eine Liste sein, ist aber \(kind.german)"),
                fix: StaffText(
                    "write [first, second] or one '- item' per line",
                    de: "schreiben Sie [erstes, zweites] oder eine Zeile '- Eintrag' je Eintrag"))
            return nil
        }
        var items: [(text: String, at: SourceLocation)] = []
        for item in sequence {
            guard let scalar = item.scalar else {
                let kind = Self.kind(of: item)
                sink.error(
                    file, location(item),
                    StaffText(
                        "an item of \(what.english) must be text, but it is \(kind.english)",
                        de: "\(what.german): ein Eintrag muss Text sein, ist aber \(kind.german)"),
                    fix: StaffText(
                        "put the item in quotes if it contains ':' or starts with '[' or '{'",
                        de: "setzen Sie den Eintrag in Anführungszeichen, wenn er ':' enthält oder mit '[' oder '{' beginnt"))
                continue
            }
            items.append((scalar.string, location(item)))
        }
        return items
    }

    /// Where the character at `offset` (in scalars) of a scalar's value stands in the file.
    /// Exact for plain, quoted and block scalars written on separate lines; good enough for
    /// pointing a person at the right place in folded text.
    func location(inside node: Node, offset: Int) -> SourceLocation {
        guard let scalar = node.scalar, let mark = scalar.mark else { return location(node) }
        let value = scalar.string.unicodeScalars
        let before = value.prefix(offset)
        let lineInValue = before.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        let columnInLine = before.split(separator: "\n", omittingEmptySubsequences: false).last?.count ?? 0
        switch scalar.style {
        case .literal, .folded:
            let line = mark.line + 1 + lineInValue
            guard line - 1 < lines.count else { return location(node) }
            let indentation = lines[line - 1].prefix { $0 == " " }.count
            return SourceLocation(line: line, column: indentation + columnInLine + 1)
        case .singleQuoted, .doubleQuoted:
            return SourceLocation(line: mark.line, column: mark.column + 1 + columnInLine)
        default:
            return SourceLocation(line: mark.line + lineInValue, column: mark.column + columnInLine)
        }
    }

    static func kind(of node: Node) -> StaffText {
        switch node {
        case .scalar: return StaffText("a single text", de: "ein einzelner Text")
        case .mapping: return StaffText("a set of 'name: value' lines", de: "eine Reihe von Zeilen 'Name: Wert'")
        case .sequence: return StaffText("a list", de: "eine Liste")
        }
    }
}

/// Suggestions for misspelt names.
enum Spelling {
    /// The closest candidate within a small edit distance, if any.
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased().unicodeScalars)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = EditDistance.optimalStringAlignment(
                target, Array(candidate.lowercased().unicodeScalars), limit: 3)
            let allowed = max(1, min(3, candidate.unicodeScalars.count / 3))
            if distance <= allowed, best == nil || distance < best!.1 {
                best = (candidate, distance)
            }
        }
        return best?.0
    }
}
