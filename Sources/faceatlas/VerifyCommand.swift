import ArgumentParser
import FaceAtlasCore
import Foundation
import ParameterFiles

/// `faceatlas verify`: checks parameter files against their schema and array hashes.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check parameter files: schema, shapes and every array's SHA-256. Exits non-zero if any file fails.")

    @Argument(help: "Parameter files (.npz).")
    var files: [String]

    func run() throws {
        var failed = 0
        for path in files {
            let check = ParameterFileCheck(URL(fileURLWithPath: path))
            if check.isValid {
                print("OK      \(path)")
            } else {
                failed += 1
                let arrays = check.failingArrays
                print("FAILED  \(path)" + (arrays.isEmpty ? "" : " (arrays: \(arrays.joined(separator: ", ")))"))
                for problem in check.problems { print("        \(problem.location.map { "\($0): " } ?? "")\(problem.problem)") }
            }
        }
        if failed > 0 {
            print("\(failed) of \(files.count) files failed")
            throw ExitCode(1)
        }
    }
}
