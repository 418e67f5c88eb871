import ArgumentParser
import FaceAtlasCore
import Foundation

@main
struct FaceAtlasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faceatlas",
        abstract: "3D digital face mapping for affective-disorder research and teaching.",
        discussion: "Run 'faceatlas help SUBCOMMAND' for the options of each task.",
        subcommands: [ModelCommand.self, FitCommand.self, TrackCommand.self, BenchCommand.self, InspectCommand.self,
                      VerifyCommand.self, ImportParamsCommand.self, AnonymizeCommand.self, PrivacyAuditCommand.self,
                      AtlasCommand.self, ExportCommand.self, RenderCommand.self, MatchCommand.self, EvaluateCommand.self,
                      SynthCommand.self, CohortCommand.self, ActionUnitStatsCommand.self,
                      TrainDiagnoserCommand.self, DiagnoseCommand.self, ExplainCommand.self, TFLiteCommand.self]
    )
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

/// Turns library errors into a clean message and a non-zero exit.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as FileError {
        throw ValidationError(error.description)
    } catch let error as UsageError {
        throw ValidationError(error.message)
    }
}

/// Prints `value` as pretty JSON with sorted keys (the `--json` output of every command).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
