import ArgumentParser
import Cohort
import FaceAtlasCore
import Foundation
import Landmarks

/// `faceatlas synth`: a synthetic cohort (landmark sequences, ground truth, manifest, optional videos).
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic cohort: landmark sequences with ground truth, a manifest, optional face videos.",
        discussion: """
            Participants get random identities from the model and respond to the five stimuli by a response model \
            (Templates/response-model.json: group-specific action-unit gains, latency, blinks, head motion). Their faces \
            are seen through a random camera as 68 landmarks with pixel noise and dropped frames. DIR receives \
            manifest.csv (subject,group,stimulus,file,weight,HAMD → landmarks/), truth.csv (→ truth/ parameter files), \
            subjects.csv, response-model.json and cohort.json; with --videos also videos/ and manifest-videos.csv. \
            Groups default to the Emoface training cohort (MDD:158,BD:128,HC:67); --subjects scales the group sizes \
            in proportion. The same seed gives the same cohort byte for byte.
            """)

    @Option(help: "Participants in all (default: the sum of the group sizes).")
    var subjects: Int?
    @Option(help: "Groups and sizes, e.g. MDD:158,BD:128,HC:67 (scaled to --subjects when both are given).")
    var groups: String?
    @Option(help: "Master seed.")
    var seed: UInt64 = 1
    @Option(help: "Response model: default (Templates/response-model.json), null (no group differences), or a JSON file.")
    var response: String = "default"
    @Option(help: "Frames per recording.")
    var frames: Int = 60
    @Option(help: "Frames per second.")
    var fps: Double = 5
    @Option(help: "SD of the landmark noise, pixels.")
    var noise: Double = 1
    @Option(help: "Fraction of frames with the face lost (marked invalid).")
    var dropped: Double = 0.03
    @Option(help: "Landmark file format: npz or csv.")
    var format: String = "npz"
    @Flag(help: "Also render each recording as a face video (ffmpeg) into DIR/videos and write DIR/manifest-videos.csv.")
    var videos = false
    @Option(help: "Video width and height, pixels.")
    var videoSize: Int = 256
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?
    @OptionGroup var modelOptions: ModelOptions
    @Flag(help: "Print nothing but errors.")
    var quiet = false
    @Option(help: "The cohort folder to write.")
    var out: String

    func run() throws {
        try runReportingErrors {
            let (model, meta, _) = try modelOptions.load()
            var settings = SyntheticCohortSettings()
            var sizes = try groups.map(SyntheticCohortGroups.parse) ?? .emofaceTraining
            if let subjects {
                guard subjects > 0 else { throw UsageError("--subjects must be positive") }
                sizes = sizes.scaled(to: subjects)
            }
            settings.groups = sizes
            settings.seed = seed
            settings.frames = frames
            settings.fps = fps
            settings.noisePixels = noise
            settings.droppedFraction = dropped
            guard let landmarkFormat = LandmarkFormat(rawValue: format), [.npz, .csv].contains(landmarkFormat) else {
                throw UsageError("--format must be npz or csv, not '\(format)'")
            }
            settings.landmarkFormat = landmarkFormat
            settings.threads = threads
            if videos {
                var video = SyntheticCohortVideoSettings()
                video.size = videoSize
                do { video.codec = try SyntheticCohortVideoWriter.Codec.best() } catch { throw UsageError("--videos: \(error)") }
                settings.videos = video
            }
            let responseModel: SyntheticCohortResponseModel
            switch response {
            case "default", "null":
                let base = try SyntheticCohortResponseModel.read(SyntheticCohortResponseModel.defaultURL(templates: ProjectPaths.templates))
                responseModel = response == "null" ? base.withoutGroupDifferences() : base
            default:
                responseModel = try SyntheticCohortResponseModel.read(URL(fileURLWithPath: response))
            }
            let generator = try SyntheticCohortGenerator(model: model, modelMeta: meta, response: responseModel, settings: settings)
            let summary: SyntheticCohortGenerator.Summary
            do {
                summary = try generator.write(to: URL(fileURLWithPath: out), quiet: quiet)
            } catch let error as FileError {
                throw error
            } catch {
                throw UsageError("\(error)")
            }
            if !quiet {
                print(String(format: "synth: %d participants (%@), %d recordings × %d frames, response model '%@', seed %llu, %.1f s",
                             summary.participants, sizes.description, summary.recordings, frames, responseModel.name, seed, summary.seconds))
                print("  manifest: \(summary.manifest.path)")
                print("  truth:    \(summary.truth.path)")
                if let videoManifest = summary.videoManifest { print("  videos:   \(videoManifest.path)") }
            }
        }
    }
}
