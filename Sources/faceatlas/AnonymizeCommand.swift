import ArgumentParser
import FaceAtlasCore
import Foundation
import ParameterFiles

/// `faceatlas anonymize`: parameter files → shareable files without identity, with an audit log.
struct AnonymizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anonymize",
        abstract: "Remove identity from parameter files, keeping expression dynamics and head motion.",
        discussion: """
            Replaces the identity coefficients (by the model mean, or the mean of the inputs), drops vertices, \
            absolute timestamps and source paths, and replaces the subject id by a keyed pseudonym \
            (HMAC-SHA-256 with the site secret, 16 hex digits). Outputs are named <pseudonym>_<stimulus>.npz; \
            each run appends a line to DIR/anonymization-audit.jsonl. The secret is read from --secret-file \
            (at least 16 bytes; keep it private: chmod 600), never from the command line.
            """)

    @Argument(help: "Parameter files to anonymize.")
    var inputs: [String]
    @Option(help: "Output folder.")
    var out: String
    @Option(help: "Identity replacement: mean (model mean), cohort-mean (mean of the inputs) or keep.")
    var identity: IdentityMode = .mean
    @Option(help: "File holding the site secret that keys the pseudonyms.")
    var secretFile: String

    func run() throws {
        try runReportingErrors {
            let secret = try SiteSecret.load(URL(fileURLWithPath: secretFile))
            for warning in secret.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            if identity == .keep {
                FileHandle.standardError.write(Data("warning: --identity keep leaves the face geometry in the files: they still identify people\n".utf8))
            }
            let anonymizer = Anonymizer(identity: identity, pseudonymizer: Pseudonymizer(secret: secret))
            let result = try AnonymizationBatch.run(inputs: inputs.map { URL(fileURLWithPath: $0) }, to: URL(fileURLWithPath: out),
                                                    anonymizer: anonymizer)
            for url in result.outputs { print(url.path) }
            print("anonymize: \(result.outputs.count) files; removed: \(result.record.removed.joined(separator: "; ")); audit: \(result.log.path)")
        }
    }
}

extension IdentityMode: ExpressibleByArgument {}
