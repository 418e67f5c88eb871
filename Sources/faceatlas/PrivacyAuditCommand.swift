import ArgumentParser
import FaceAtlasCore
import Foundation
import ParameterFiles

/// `faceatlas privacy-audit`: how well can (anonymized) parameter files be linked back to named people?
struct PrivacyAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy-audit",
        abstract: "Measure re-identification: link probe files to a gallery of named fits by identity geometry and by dynamics.",
        discussion: """
            Gallery: named fits (subject ids), one or more files per person. Probes: other recordings of some of \
            the same people, possibly anonymized. Reports rank-1 and rank-5 linkage rates with 95% Wilson \
            intervals against chance (1/N, 5/N) and a verdict. For anonymized probes, give --key (CSV of \
            pseudonym,subject) or --secret-file (the site secret, to compute the gallery subjects' pseudonyms).
            """)

    @Option(help: "Folder of named parameter files.")
    var gallery: String
    @Option(help: "Folder of probe parameter files.")
    var probe: String
    @Option(help: "CSV mapping pseudonyms to subject ids (pseudonym,subject).")
    var key: String?
    @Option(help: "The site secret file, to compute pseudonyms of gallery subjects.")
    var secretFile: String?
    @Flag(help: "Print the report as JSON.")
    var json = false
    @Flag(help: "Exit 0 even when the files link people above chance (accepting the linkage knowingly).")
    var allowLinkage = false

    func run() throws {
        try runReportingErrors {
            let galleryEntries = try ReidentificationAudit.load(folder: URL(fileURLWithPath: gallery))
            let probeEntries = try ReidentificationAudit.load(folder: URL(fileURLWithPath: probe))
            let mapping = try key.map { try PseudonymKey.read(URL(fileURLWithPath: $0)) } ?? [:]
            var pseudonymizer: Pseudonymizer? = nil
            if let secretFile {
                let secret = try SiteSecret.load(URL(fileURLWithPath: secretFile))
                for warning in secret.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
                pseudonymizer = Pseudonymizer(secret: secret)
            }
            let report = try ReidentificationAudit(gallery: galleryEntries, probes: probeEntries, key: mapping,
                                                   pseudonymizer: pseudonymizer).run()
            if json {
                print(String(decoding: try report.json(), as: UTF8.self))
            } else {
                print(report.text)
            }
            // The exit status follows the verdict, so that a script can gate sharing on it.
            let linking = report.linkingMethods
            if !linking.isEmpty && !allowLinkage {
                throw CommandFailure(message: "the probe files link people above chance by \(linking.map(\.rawValue).joined(separator: ", ")) "
                                     + "(see the verdict); not safe to share as they are (--allow-linkage to accept it knowingly)",
                                     status: EXIT_FAILURE)
            }
        }
    }
}
