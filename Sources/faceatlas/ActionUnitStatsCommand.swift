import ArgumentParser
import Atlas
import Evaluation
import FaceAtlasCore
import Foundation
import Landmarks
import ParameterFiles

/// `faceatlas au-stats`: action-unit statistics against a clinical score and between groups.
struct ActionUnitStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "au-stats",
        abstract: "Action-unit study: per-participant AU statistics, correlations with a score, group comparisons.",
        discussion: """
        --source fitted reads the manifest's parameter files (FaceAtlas fits; a unilateral pair counts as the mean of \
        its sides; the jaw opening is AU26). --source openface reads OpenFace 2.0 FeatureExtraction CSVs (AUxx_r \
        intensities, AUxx_c occurrences; failed frames left out). A participant's files are pooled. Writes \
        au-stats-participants.csv, -correlations.csv (Pearson and Spearman with p and Benjamini–Hochberg q), \
        -groups.csv (Welch t, Mann–Whitney U, Cohen's d, Hedges' g), -omnibus.csv and PNG charts into --out.
        """)
    @Argument(help: "The cohort manifest.") var manifest: String
    @Option(help: "The score column of the manifest, e.g. HAMD.") var score: String
    @Option(help: "fitted (parameter files) or openface (OpenFace CSVs).") var source = "fitted"
    @Option(help: "Only this stimulus's recordings.") var stimulus: String?
    @Option(help: "Output folder.") var out: String
    @Flag(help: "Print the participants, the strongest correlations and the files written as JSON.") var json = false
    @OptionGroup var options: ModelOptions

    func run() throws {
        try runReportingErrors {
            let manifest = try CohortManifest.read(URL(fileURLWithPath: manifest))
            guard manifest.scoreNames.contains(score) else {
                throw UsageError("the manifest has no score column '\(score)'; it has \(manifest.scoreNames.isEmpty ? "none" : manifest.scoreNames.joined(separator: ", "))")
            }
            guard source == "fitted" || source == "openface" else { throw UsageError("--source takes fitted or openface") }
            let jawDrop = source == "fitted" ? (try? options.load()).flatMap { $0.model.jaw.map { Double($0.jawDropDegrees) * .pi / 180 } } : nil
            var records: [ActionUnitRecord] = []
            for subject in manifest.subjects {
                let entries = manifest.entries.filter { $0.subject == subject && (stimulus == nil || $0.stimulus == stimulus) }
                guard !entries.isEmpty else { continue }
                let value = manifest.score(score, ofSubject: subject)
                let group = entries[0].group
                if source == "fitted" {
                    let files = try entries.map { (file: try ParameterFile.read($0.file), onset: $0.onset) }
                    records.append(ActionUnitRecord(participant: subject, group: group, score: value.isFinite ? value : nil,
                                                    files: files, jawDropRadians: jawDrop))
                } else {
                    var columns: [String: [Double]] = [:]
                    var usable: [Bool] = []
                    for e in entries {
                        let table = try OpenFaceActionUnitTable.read(e.file)
                        guard !table.columns.isEmpty else { throw FileError(e.file, "has no AUxx_r or AUxx_c columns") }
                        for (name, values) in table.columns { columns[name, default: [Double](repeating: .nan, count: usable.count)] += values }
                        usable += table.usable
                        for name in columns.keys where columns[name]!.count < usable.count {
                            columns[name]! += [Double](repeating: .nan, count: usable.count - columns[name]!.count)
                        }
                    }
                    records.append(ActionUnitRecord(participant: subject, group: group, score: value.isFinite ? value : nil,
                                                    openFaceColumns: columns, usable: usable))
                }
            }
            guard records.count >= 3 else { throw UsageError("the action-unit study needs at least 3 participants; the manifest has \(records.count)") }
            let study = ActionUnitStudy(records: records)
            let written = try study.write(to: URL(fileURLWithPath: out))
            let strongest = study.correlations().filter { $0.pearson.coefficient.isFinite }
                .sorted { abs($0.pearson.coefficient) > abs($1.pearson.coefficient) }.prefix(8)
            if json {
                struct Correlation: Encodable {
                    var actionUnit: String; var measure: String; var pearson: Double?; var pearsonP: Double?; var pearsonQ: Double?
                    var spearman: Double?; var spearmanQ: Double?
                }
                struct Report: Encodable {
                    var participants: Int; var actionUnits: [String]; var score: String; var strongest: [Correlation]; var written: [String]
                }
                try printJSON(Report(participants: records.count, actionUnits: study.actionUnits, score: score,
                                     strongest: strongest.map { Correlation(actionUnit: $0.actionUnit, measure: $0.measure.rawValue,
                                                                             pearson: $0.pearson.coefficient.finite, pearsonP: $0.pearson.pValue.finite,
                                                                             pearsonQ: $0.pearsonQ.finite, spearman: $0.spearman.coefficient.finite,
                                                                             spearmanQ: $0.spearmanQ.finite) },
                                     written: written.map(\.path)))
                return
            }
            print("\(records.count) participants, \(study.actionUnits.count) action units; strongest correlations with \(score):")
            for c in strongest {
                let label = "\(c.actionUnit) \(c.measure.rawValue)".padding(toLength: 16, withPad: " ", startingAt: 0)
                print("  " + label + String(format: "r %+.3f (p %.2g, q %.2g)  rho %+.3f (q %.2g)", c.pearson.coefficient,
                                             c.pearson.pValue, c.pearsonQ, c.spearman.coefficient, c.spearmanQ))
            }
            for url in written { print(url.path) }
        }
    }
}
