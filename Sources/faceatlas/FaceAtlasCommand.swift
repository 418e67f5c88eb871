import ArgumentParser
import FaceAtlasCore
import Foundation
import Numerics

@main
struct FaceAtlasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faceatlas",
        abstract: "3D digital face mapping for affective-disorder research and teaching.",
        discussion: """
            Run 'faceatlas help SUBCOMMAND' for the options of each task.

            Every command takes --progress auto|bar|plain|none (progress on standard error: a bar on a terminal and \
            nothing otherwise by default) and --quiet (the same as --progress none). Exit status: 0 success, 64 bad \
            usage, 65 bad input data, 66 missing input, 73 cannot create an output, 74 read/write failure, 1 other \
            failures; errors go to standard error and name the file or option.
            """,
        version: FaceAtlasVersion.string,
        subcommands: [ModelCommand.self, FitCommand.self, TrackCommand.self, BenchCommand.self, InspectCommand.self,
                      VerifyCommand.self, ImportParamsCommand.self, AnonymizeCommand.self, PrivacyAuditCommand.self,
                      AtlasCommand.self, ExportCommand.self, RenderCommand.self, MatchCommand.self, EvaluateCommand.self,
                      SynthCommand.self, CohortCommand.self, ActionUnitStatsCommand.self, MeshCommand.self,
                      TrainDiagnoserCommand.self, DiagnoseCommand.self, ExplainCommand.self, TFLiteCommand.self]
    )

    /// Parses and runs a command. Usage errors get ArgumentParser's message and usage (status 64); a failure while
    /// running gets one line on standard error naming the file and the problem, and a status by kind.
    static func main() {
        // Process-wide memory settings, once, before any work: freed memory is reused, not returned and faulted in again.
        BLASThreads.keepFreedMemory()
        BLASThreads.reuseLargeBlocks()
        var arguments = Array(CommandLine.arguments.dropFirst())
        do {
            arguments = try GlobalOptions.extract(from: arguments)
            try checkHelpTopic(arguments)
        } catch {
            exit(withError: error)
        }
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: GlobalOptions.unknownOption(in: arguments) ?? error)
        }
        do {
            try command.run()
        } catch {
            if error is ValidationError || error is CleanExit || error is ExitCode || isArgumentParserError(error) {
                exit(withError: error)
            }
            CommandFailure(error).report()
        }
    }

    /// `faceatlas help NAME…` must name a command: ArgumentParser would print the top-level help and succeed.
    static func checkHelpTopic(_ arguments: [String]) throws {
        guard arguments.first == "help", arguments.count > 1 else { return }
        var command: ParsableCommand.Type = FaceAtlasCommand.self
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == name }) else {
                throw ValidationError("'\(name)' is not a faceatlas command; run 'faceatlas --help' for the list")
            }
            command = next
        }
    }

    /// Whether `error` comes from ArgumentParser's parsing (its own error types are internal).
    static func isArgumentParserError(_ error: Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}

/// The project's folders, found from the working directory or the executable's location.
enum ProjectPaths {
    /// The `Templates/` folder: `$FACEATLAS_TEMPLATES`, else `./Templates`, else next to the build folder.
    static var templates: URL {
        if let env = ProcessInfo.processInfo.environment["FACEATLAS_TEMPLATES"] { return URL(fileURLWithPath: env) }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Templates")
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent("action-units.csv").path) { return cwd }
        // .build/<config>/faceatlas → project root
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("Templates")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("action-units.csv").path) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return cwd
    }

    /// MediaPipe's face models, as `scripts/fetch-mediapipe` places them (`Templates/build/mediapipe/`).
    static var mediaPipeModels: URL { templates.appendingPathComponent("build/mediapipe") }
}

/// Turns library errors into a clean message and an exit status by kind (see `CommandFailure`); a usage error
/// (a wrong option value) stays a usage error, with the usage banner and status 64.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as UsageError {
        throw ValidationError(error.message)
    } catch let error as ValidationError {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        throw CommandFailure(error)
    }
}

/// Prints `value` as pretty JSON with sorted keys (the `--json` output of every command).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
