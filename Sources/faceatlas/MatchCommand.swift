import ArgumentParser
import Atlas
import FaceAtlasCore
import Foundation
import Matching

/// `faceatlas match`: classify a patient against an atlas's reference faces.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Match a patient's parameter files (one per stimulus, anonymized or not) against an atlas's MDD, BD and HC references.")
    @Argument(help: "The patient's parameter files (.npz), one per stimulus.")
    var files: [String]
    @Option(help: "The atlas folder (built by `faceatlas atlas build`, which trains its matcher).")
    var atlas: String
    @Option(help: "The encoder: dynamics (from parameter files).")
    var encoder: String = "dynamics"
    @Option(help: "Answer 'indeterminate' when the top two similarities differ by less than this (default: the atlas matcher's threshold).")
    var marginThreshold: Double?
    @Flag(help: "Print JSON.")
    var json = false
    @OptionGroup var options: ModelOptions

    struct Output: Codable {
        var participant: String
        var encoder: String
        var references: String
        var stimuli: [String]
        var result: MatchResult
    }

    func run() throws {
        try runReportingErrors {
            guard encoder == "dynamics" else {
                throw UsageError("encoder '\(encoder)' is not available for parameter files; use dynamics")
            }
            let (atlas, model) = try openAtlas(self.atlas, options: options)
            let url = atlas.folder.appendingPathComponent(DynamicsMatcher.fileName)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw FileError(atlas.folder, "has no trained matcher (\(DynamicsMatcher.fileName)); rebuild it with `faceatlas atlas build` (it needs two groups)")
            }
            var matcher = try DynamicsMatcher.read(url)
            if let marginThreshold {
                guard marginThreshold >= 0 else { throw UsageError("--margin-threshold must be ≥ 0") }
                matcher.matcher.marginThreshold = marginThreshold
            }
            let patient = try ParticipantRecordings.read(files.map { URL(fileURLWithPath: $0) })
            for (stimulus, r) in patient.recordings where r.file.meta.modelID != atlas.index.modelID {
                throw UsageError("the \(stimulus) file was fitted with model '\(r.file.meta.modelID)', the atlas with '\(atlas.index.modelID)'")
            }
            let unknown = patient.recordings.keys.filter { !matcher.stimuli.contains($0) }
            if !unknown.isEmpty { throw UsageError("the atlas has no stimulus \(unknown.sorted().joined(separator: ", ")); it has \(matcher.stimuli.joined(separator: ", "))") }
            let encoder = DynamicsEncoder(model: model, stimuli: matcher.stimuli)
            let result = try matcher.match(patient, encoder: encoder)
            let output = Output(participant: patient.participant, encoder: "dynamics", references: matcher.referenceMode.rawValue,
                                stimuli: matcher.stimuli.filter { patient.recordings[$0] != nil }, result: result)
            if json {
                let e = JSONEncoder()
                e.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try e.encode(output), as: UTF8.self))
                return
            }
            print("participant \(output.participant): \(output.stimuli.count) of \(matcher.stimuli.count) stimuli (\(output.stimuli.joined(separator: ", ")))")
            print("references  \(matcher.referenceMode.rawValue), trained on \(matcher.trainingParticipants) participants")
            for (i, label) in result.labels.enumerated() {
                print(String(format: "  %-6@ similarity %+.3f  probability %.3f", label as NSString, result.similarities[i], result.probabilities[i]))
            }
            let decision = result.predicted ?? "indeterminate (margin below \(String(format: "%.3f", matcher.matcher.marginThreshold)))"
            print(String(format: "predicted   %@ (probability %.3f, margin %.3f)", decision as NSString, result.probability, result.margin))
        }
    }
}
