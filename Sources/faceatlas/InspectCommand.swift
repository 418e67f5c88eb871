import ArgumentParser
import FaceAtlasCore
import Foundation
import ParameterFiles

/// `faceatlas inspect`: a readable summary of a parameter file.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarize a parameter file: who, what, how long, how well fitted, the most active AUs, and its arrays.",
        discussion: "Arrays whose SHA-256 does not match the header are flagged; use 'faceatlas verify' for a pass/fail check.")

    @Argument(help: "A parameter file (.npz).")
    var file: String
    @Flag(help: "Print the summary, the arrays and any problems as JSON.") var json = false

    func run() throws {
        try runReportingErrors {
            let check = ParameterFileCheck(URL(fileURLWithPath: file))
            guard let summary = ParameterFileSummary(check) else {
                throw check.problems.first ?? FileError(file, "cannot be read as a parameter file")
            }
            if json {
                try printJSON(ParameterFileReport(check, summarize: true))
                return
            }
            print(summary.text)
            if !check.isValid {
                for problem in check.problems { print("  problem: \(problem.location.map { "\($0): " } ?? "")\(problem.problem)") }
            }
        }
    }
}
