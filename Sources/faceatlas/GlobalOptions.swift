import ArgumentParser
import FaceAtlasCore

/// What every command shares, handled before ArgumentParser sees the arguments:
/// - `--progress auto|bar|plain|none` and `--quiet` (the same as `--progress none`; left in place for commands
///   that have their own `--quiet`);
/// - an option the command does not have is named as unknown (with the nearest one it has), before any complaint
///   about missing arguments;
/// - a negative number after an option that takes a value is that value (`--identity -2.4,1`), not an option;
/// - counts, sizes and rates are checked for range (`--size 0`, `--subjects -3`, `--fps 0`).
enum GlobalOptions {
    /// Options whose value must be a positive number.
    static let positive: Set<String> = ["--subjects", "--fps", "--threads", "--iterations", "--batch", "--train-batch",
                                        "--input-size", "--epochs", "--sheet-columns", "--frames", "--sequences",
                                        "--participants", "--recordings", "--stimuli"]
    /// Options whose value must be zero or more.
    static let nonNegative: Set<String> = ["--expression-smoothing", "--pose-smoothing", "--dense-weight", "--sparsity",
                                           "--identity-prior", "--expression-prior", "--permutations", "--noise"]
    /// Image sizes in pixels: at least this many.
    static let sizes: Set<String> = ["--size", "--tile-size"]
    static let smallestImage = 16.0

    /// Applies the global options and checks, and returns the arguments for ArgumentParser.
    /// The command's help text is generated only when needed (a negative value to rewrite, `--quiet`), since that
    /// costs a millisecond or two of every short command; unknown options are looked for when parsing fails
    /// (`unknownOption(in:)`).
    static func extract(from original: [String]) throws -> [String] {
        try checkRanges(original)
        var help: String?
        func helpText() -> String {
            if help == nil { help = leafCommand(of: original).helpMessage(columns: 1000) }
            return help!
        }
        let arguments = original.contains(where: looksNegative) ? try checked(original, help: helpText()) : original
        var rest: [String] = []
        var index = 0
        let ownsQuiet = arguments.contains("--quiet") && helpText().contains("--quiet")
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { rest += arguments[index...]; break }
            if argument == "--progress" || argument.hasPrefix("--progress=") {
                let value: String
                if argument == "--progress" {
                    guard index + 1 < arguments.count else { throw ValidationError("--progress needs a value: auto, bar, plain or none") }
                    value = arguments[index + 1]; index += 2
                } else {
                    value = String(argument.dropFirst("--progress=".count)); index += 1
                }
                guard let style = ProgressStyle(rawValue: value) else {
                    throw ValidationError("--progress must be auto, bar, plain or none, not '\(value)'")
                }
                ProgressReporter.style = style
                continue
            }
            if argument == "--quiet" {
                ProgressReporter.style = .none
                if ownsQuiet { rest.append(argument) }
                index += 1
                continue
            }
            rest.append(argument)
            index += 1
        }
        return rest
    }

    /// The long options `help` (a command's help text) lists, with whether each takes a value.
    static func options(in help: String) -> [String: Bool] {
        var found: [String: Bool] = [:]
        let scalars = Array(help)
        var i = 0
        while i + 2 < scalars.count {
            if scalars[i] == "-", scalars[i + 1] == "-", i == 0 || !(scalars[i - 1].isLetter || scalars[i - 1].isNumber || scalars[i - 1] == "-") {
                var j = i + 2
                while j < scalars.count, scalars[j].isLetter || scalars[j].isNumber || scalars[j] == "-" { j += 1 }
                let name = String(scalars[i..<j])
                if name.count > 2 {
                    let takesValue = j + 1 < scalars.count && scalars[j] == " " && scalars[j + 1] == "<"
                    found[name] = (found[name] ?? false) || takesValue
                }
                i = j
            } else {
                i += 1
            }
        }
        return found
    }

    /// The error for the first option in `arguments` that its command does not have, if there is one (called when
    /// ArgumentParser refused the arguments, so that a typo is named before a missing argument is).
    static func unknownOption(in arguments: [String]) -> Error? {
        do {
            _ = try checked(arguments, help: leafCommand(of: arguments).helpMessage(columns: 1000))
            return nil
        } catch {
            return error
        }
    }

    /// Checks counts, sizes and rates given as `--name value` or `--name=value`.
    static func checkRanges(_ arguments: [String]) throws {
        for (index, argument) in arguments.enumerated() where argument.hasPrefix("--") {
            if argument == "--" { break }
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            let value = parts.count == 2 ? parts[1] : (index + 1 < arguments.count ? arguments[index + 1] : nil)
            if let value { try checkRange(parts[0], value) }
        }
    }

    /// Unknown options and negative values (see the type's overview).
    static func checked(_ arguments: [String], help: String) throws -> [String] {
        let known = options(in: help).merging(["--progress": true, "--quiet": false, "--help": false, "--version": false,
                                                   "--generate-completion-script": true, "--experimental-dump-help": false]) { a, _ in a }
        var out: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { out += arguments[index...]; break }
            guard argument.hasPrefix("--") else { out.append(argument); index += 1; continue }
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard let takesValue = known[name] else {
                let nearest = known.keys.min { editDistance($0, name) < editDistance($1, name) }
                let hint = nearest.map { editDistance($0, name) <= 3 ? " (did you mean '\($0)'?)" : "" } ?? ""
                throw ValidationError("Unknown option '\(name)'\(hint)")
            }
            if !argument.contains("="), takesValue, index + 1 < arguments.count, looksNegative(arguments[index + 1]) {
                out.append("\(name)=\(arguments[index + 1])"); index += 2
            } else {
                out.append(argument); index += 1
            }
        }
        return out
    }

    /// Whether `text` is a negative number (or a list starting with one), as opposed to an option.
    static func looksNegative(_ text: String) -> Bool {
        let rest = text.dropFirst()
        return text.hasPrefix("-") && (rest.first?.isNumber == true || (rest.first == "." && rest.dropFirst().first?.isNumber == true))
    }

    static func checkRange(_ name: String, _ value: String) throws {
        guard positive.contains(name) || nonNegative.contains(name) || sizes.contains(name) else { return }
        guard let number = Double(value), number.isFinite else {
            throw ValidationError("\(name) must be a number, not '\(value)'")
        }
        if positive.contains(name), number <= 0 { throw ValidationError("\(name) must be more than 0, not \(value)") }
        if nonNegative.contains(name), number < 0 { throw ValidationError("\(name) must be 0 or more, not \(value)") }
        if sizes.contains(name), number < smallestImage {
            throw ValidationError("\(name) must be at least \(Int(smallestImage)) pixels, not \(value)")
        }
    }

    /// Levenshtein distance, for suggesting the option a user meant.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The subcommand the arguments name (its leading words), or the root command.
    static func leafCommand(of arguments: [String]) -> ParsableCommand.Type {
        var command: ParsableCommand.Type = FaceAtlasCommand.self
        for word in arguments {
            guard !word.hasPrefix("-"),
                  let next = command.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            command = next
        }
        return command
    }
}
