import ArgumentParser
import FaceAtlasCore
import Foundation
import ParameterFiles

/// `faceatlas verify`: checks parameter files against their schema and array hashes.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check parameter files: schema, shapes and every array's SHA-256.",
        discussion: "Prints a verdict per file. Exit status: 0 when every file passes, 66 when a file is missing, 65 when a file fails.")

    @Argument(help: "Parameter files (.npz).")
    var files: [String]
    @Flag(help: "Print one record per file as JSON (path, valid, failing arrays, problems, every array's hash status).")
    var json = false

    func run() throws {
        var failed = 0
        var missing = 0
        var firstProblem: String?
        var reports: [ParameterFileReport] = []
        for path in files {
            let check = ParameterFileCheck(URL(fileURLWithPath: path))
            if json { reports.append(ParameterFileReport(check, summarize: false)) }
            if check.isValid {
                if !json { print("OK      \(path)") }
                continue
            }
            failed += 1
            if !FileManager.default.fileExists(atPath: path) { missing += 1 }
            if firstProblem == nil, let problem = check.problems.first {
                firstProblem = "\(path): \(problem.location.map { "\($0): " } ?? "")\(problem.problem)"
            }
            if !json {
                let arrays = check.failingArrays
                print("FAILED  \(path)" + (arrays.isEmpty ? "" : " (arrays: \(arrays.joined(separator: ", ")))"))
                for problem in check.problems { print("        \(problem.location.map { "\($0): " } ?? "")\(problem.problem)") }
            }
        }
        if json {
            struct Report: Encodable { var files: [ParameterFileReport]; var failed: Int }
            try printJSON(Report(files: reports, failed: failed))
        }
        if failed > 0 {
            if !json { print("\(failed) of \(files.count) files failed") }
            let more = failed > 1 ? " (and \(failed - 1) more files)" : ""
            throw CommandFailure(message: (firstProblem ?? "\(failed) files failed") + more,
                                 status: missing == failed ? CommandFailure.missingInput : CommandFailure.badData)
        }
    }
}
