import ArgumentParser
import Atlas
import FaceAtlasCore
import FaceModel
import Foundation
import Matching

/// `faceatlas atlas build|info`: standard reference faces per group from a cohort's parameter files.
struct AtlasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas",
        abstract: "Build and summarise atlases: standard MDD, BD and HC reference faces from a cohort manifest.",
        subcommands: [Build.self, Info.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build an atlas from a manifest of parameter files (subject, group, stimulus, file[, weight, onset, scores]).")
        @Argument(help: "The cohort manifest (CSV).")
        var manifest: String
        @Option(help: "The atlas folder to write (replaced as a whole when complete).")
        var out: String
        @OptionGroup var options: ModelOptions
        @Option(help: "Threads for reading the parameter files (default: all cores).")
        var threads: Int?
        @Option(help: "The matcher's group references: standard-face (the embedding of each group's standard face) or member-mean.")
        var references: String = DynamicsMatcher.ReferenceMode.standardFace.rawValue
        @Option(help: "Answer 'indeterminate' when the margin is below the one giving this error rate on the atlas participants.")
        var targetErrorRate: Double?

        func run() throws {
            try runReportingErrors {
                let (model, meta, _) = try options.load()
                let start = Date()
                let manifest = try CohortManifest.read(URL(fileURLWithPath: manifest))
                let progress = ProgressReporter("atlas", total: manifest.entries.count)
                let result = try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256, threads: threads)
                    .build(manifest, progress: progress)
                progress.finish()
                let folder = URL(fileURLWithPath: out)
                try Atlas.write(result, to: folder)
                // The dynamics matcher, trained on the atlas participants, is saved beside the atlas.
                guard let mode = DynamicsMatcher.ReferenceMode(rawValue: references) else {
                    throw UsageError("--references takes \(DynamicsMatcher.ReferenceMode.allCases.map(\.rawValue).joined(separator: " or "))")
                }
                let groups = result.index.groups.map(\.name)
                if groups.count >= 2 {
                    let encoder = DynamicsEncoder(model: model, stimuli: result.index.stimuli)
                    let matcher = try DynamicsMatcher.train(
                        encoder: encoder, modelID: meta.id, members: ParticipantRecordings.grouped(result.recordings),
                        standardFaces: ParticipantRecordings.standardFaces(result), groups: groups, mode: mode, targetErrorRate: targetErrorRate)
                    try matcher.write(to: folder.appendingPathComponent(DynamicsMatcher.fileName))
                }
                let seconds = Date().timeIntervalSince(start)
                print("\(folder.path): \(result.index.groups.count) groups, \(result.index.stimuli.count) stimuli, "
                      + "\(result.index.references.count) reference faces from \(manifest.entries.count) recordings "
                      + String(format: "in %.2f s", seconds))
                for line in result.index.excluded { print("  left out: \(line)") }
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Summarise an atlas: groups, references and the largest group differences.")
        @Argument(help: "The atlas folder.")
        var atlas: String
        @Flag(help: "Print the index as JSON.")
        var json = false
        @Option(help: "Group differences to list per pair.")
        var top = 5

        func run() throws {
            try runReportingErrors {
                let atlas = try Atlas.read(URL(fileURLWithPath: atlas))
                if json {
                    try printJSON(atlas.index)
                    return
                }
                print(try AtlasSummary(atlas: atlas, top: top).text)
            }
        }
    }
}
