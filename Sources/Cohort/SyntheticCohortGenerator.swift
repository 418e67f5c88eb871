import FaceAtlasCore
import FaceModel
import Fitting
import Foundation
import Landmarks
import Numerics
import ParameterFiles

/// Makes a synthetic cohort: participants of the configured groups with random identities from the model,
/// each recorded watching every stimulus of the response model, as 2D landmark sequences (what a tracker
/// reports) with the ground truth alongside, a manifest, and on request rendered face videos.
///
/// Output layout in the cohort folder (paths in the CSV files are relative to it):
///
///     manifest.csv            subject,group,stimulus,file,weight,<score>  → landmarks/…
///     truth.csv               the same columns                             → truth/…
///     manifest-videos.csv     the same columns (with videos)               → videos/…
///     subjects.csv            per participant: group, score, expressivity, latency, blink rate, camera, gain of each
///                             FACS label the response model names
///     response-model.json     the response model used
///     cohort.json             the settings (seed, groups, frames, camera, noise, model id)
///     landmarks/S0001/happiness.npz   (or .csv)
///     truth/S0001/happiness.npz       parameter file, source "synthetic-truth"
///     videos/S0001/happiness.mp4      (or .avi)
///
/// Everything follows from the settings and the master seed: each participant draws from a seed derived from
/// the master seed and the participant's index, each recording from one derived from the participant's seed and
/// the stimulus, so the cohort is the same byte for byte however many threads make it.
public struct SyntheticCohortGenerator: Sendable {
    /// The face model the participants are made of.
    public let model: FaceModel
    /// Its file header (id and SHA-256 go into every truth file).
    public let modelMeta: FaceModelFile.Meta
    /// How participants respond.
    public let response: SyntheticCohortResponseModel
    /// The cohort, recordings and acquisition.
    public let settings: SyntheticCohortSettings
    /// The model's action units as the response model names them.
    public let actionUnits: SyntheticCohortActionUnits
    /// The model's landmark rows (all identity components).
    public let rows: LandmarkRows

    /// A generator; checks that the settings make sense and that the response model fits the face model and
    /// describes every group.
    /// - Throws: `UsageError` saying what is wrong.
    public init(model: FaceModel, modelMeta: FaceModelFile.Meta, response: SyntheticCohortResponseModel,
                settings: SyntheticCohortSettings) throws {
        if let problem = response.problem() { throw UsageError("response model '\(response.name)': \(problem)") }
        guard settings.groups.total > 0 else { throw UsageError("the cohort has no participants") }
        guard settings.groups.total <= 9999 else { throw UsageError("at most 9999 participants (ids S0001 … S9999)") }
        for entry in settings.groups.entries where response.group(named: entry.name) == nil {
            throw UsageError("response model '\(response.name)' has no group '\(entry.name)' "
                             + "(it has \(response.groups.map(\.name).joined(separator: ", ")))")
        }
        guard settings.frames > 0 else { throw UsageError("--frames must be positive") }
        guard settings.fps.isFinite && settings.fps > 0 else { throw UsageError("--fps must be positive") }
        guard settings.imageSize.x > 0 && settings.imageSize.y > 0 else { throw UsageError("the image size must be positive") }
        guard settings.scaleRange.lowerBound > 0 else { throw UsageError("the camera scale must be positive") }
        guard settings.noisePixels >= 0, settings.centreJitterPixels >= 0 else { throw UsageError("noise and jitter must not be negative") }
        guard (0..<1).contains(settings.droppedFraction) else { throw UsageError("the dropped-frame fraction must be within 0 ..< 1") }
        guard settings.landmarkFormat == .npz || settings.landmarkFormat == .csv else {
            throw UsageError("landmarks are written as npz or csv, not \(settings.landmarkFormat.rawValue)")
        }
        if let videos = settings.videos, !(16...2048).contains(videos.size) { throw UsageError("the video size must be 16 to 2048 pixels") }
        let actionUnits = SyntheticCohortActionUnits(model: model)
        try actionUnits.check(response)
        self.model = model
        self.modelMeta = modelMeta
        self.response = response
        self.settings = settings
        self.actionUnits = actionUnits
        self.rows = LandmarkRows(model: model)
    }

    // MARK: Drawing

    /// Every participant, in id order. Groups are assigned to ids in a seeded random order, so an id says
    /// nothing about the group.
    public func participants() -> [SyntheticCohortParticipant] {
        var groups = settings.groups.entries.flatMap { [String](repeating: $0.name, count: $0.count) }
        var rng = SeededGenerator(seed: SyntheticCohortParticipant.derivedSeed(settings.seed, -1))
        if groups.count > 1 {
            for i in stride(from: groups.count - 1, to: 0, by: -1) {
                groups.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
        }
        return groups.enumerated().map { index, group in
            SyntheticCohortParticipant(index: index, group: group, seed: SyntheticCohortParticipant.derivedSeed(settings.seed, index),
                                       response: response, actionUnits: actionUnits, identityCount: model.identityCount,
                                       settings: settings)
        }
    }

    /// The recordings of `participant`, one per stimulus in the response model's order.
    public func recordings(of participant: SyntheticCohortParticipant) -> [SyntheticCohortRecording] {
        response.stimuli.enumerated().map { k, stimulus in
            SyntheticCohortRecording(participant: participant, stimulus: stimulus,
                                     seed: SyntheticCohortParticipant.derivedSeed(participant.seed, k),
                                     response: response, actionUnits: actionUnits, settings: settings)
        }
    }

    /// The projector of `participant`'s face (the model's landmark rows with the identity folded in).
    public func projector(for participant: SyntheticCohortParticipant) -> TrackedLandmarkProjector {
        TrackedLandmarkProjector(rows: rows.withIdentity(participant.identity))
    }

    /// The tracked landmarks of recording `k` of `participant`, through the participant's `projector`.
    public func tracked(_ recording: SyntheticCohortRecording, stimulusIndex k: Int, of participant: SyntheticCohortParticipant,
                        projector: TrackedLandmarkProjector) -> SyntheticCohortRecording.Tracked {
        recording.tracked(projector: projector, noisePixels: settings.noisePixels, imageSize: settings.imageSize,
                          seed: SyntheticCohortParticipant.derivedSeed(participant.seed, 1000 + k))
    }

    // MARK: Writing

    /// What `write` made.
    public struct Summary: Sendable {
        /// The cohort folder.
        public var folder: URL
        /// Participants, recordings (participants × stimuli) and frames written.
        public var participants: Int
        public var recordings: Int
        public var frames: Int
        /// `manifest.csv` (landmark files) and `truth.csv` (ground-truth parameter files).
        public var manifest: URL
        public var truth: URL
        /// `manifest-videos.csv`, when videos were made.
        public var videoManifest: URL?
        /// Wall-clock seconds spent.
        public var seconds: Double
    }

    /// One participant's rows of the manifests and of `subjects.csv`.
    private struct Written: Sendable {
        var manifestRows: [String]
        var truthRows: [String]
        var videoRows: [String]
        var subjectRow: String
    }

    /// Writes the cohort into `folder` (created if needed; files already there are replaced, and a video manifest
    /// left by an earlier cohort is removed when no videos are made), participants in parallel, each file
    /// atomically, the manifests last, with a progress bar over participants.
    /// - Throws: `FileError` for a file that cannot be written, `TrackingError` when videos are asked for and
    ///   ffmpeg is missing.
    @discardableResult
    public func write(to folder: URL, quiet: Bool = false) throws -> Summary {
        let start = Date()
        try AtomicFile.createFolder(folder)
        let participants = participants()
        let videoWriter = settings.videos.map { SyntheticCohortVideoWriter(model: model, settings: $0, imageSize: settings.imageSize) }
        let progress = ProgressReporter("synth", total: participants.count, quiet: quiet)
        let results = Parallel.map(participants.count, threads: settings.threads) { i -> Result<Written, Error> in
            defer { progress.advance() }
            return Result { try write(participants[i], into: folder, videoWriter: videoWriter) }
        }
        progress.finish()
        var written: [Written] = []
        for result in results { written.append(try result.get()) }

        let header = "subject,group,stimulus,file,weight,\(response.score.name)\n"
        let manifest = folder.appendingPathComponent("manifest.csv")
        let truth = folder.appendingPathComponent("truth.csv")
        try AtomicFile.write(Data((header + written.flatMap(\.manifestRows).joined()).utf8), to: manifest)
        try AtomicFile.write(Data((header + written.flatMap(\.truthRows).joined()).utf8), to: truth)
        var videoManifest: URL? = nil
        let videoManifestURL = folder.appendingPathComponent("manifest-videos.csv")
        if videoWriter != nil {
            try AtomicFile.write(Data((header + written.flatMap(\.videoRows).joined()).utf8), to: videoManifestURL)
            videoManifest = videoManifestURL
        } else if FileManager.default.fileExists(atPath: videoManifestURL.path) {
            // A video manifest of an earlier cohort in this folder would point at videos of other faces.
            do { try FileManager.default.removeItem(at: videoManifestURL) } catch {
                throw FileError(videoManifestURL, "cannot remove the video manifest of an earlier cohort: \(error.localizedDescription)")
            }
        }
        let gainColumns = actionUnits.labels(namedBy: response).map { "gain_\($0)" }.joined(separator: ",")
        let subjectsHeader = "subject,group,\(response.score.name),expressivity,latency_s,blinks_per_min,scale_px_per_mm,centre_x,centre_y,\(gainColumns)\n"
        try AtomicFile.write(Data((subjectsHeader + written.map(\.subjectRow).joined()).utf8),
                             to: folder.appendingPathComponent("subjects.csv"))
        let responseJSON = try response.encoded()
        try AtomicFile.write(responseJSON, to: folder.appendingPathComponent("response-model.json"))
        try AtomicFile.write(try description(responseSHA256: Digest.sha256(responseJSON)), to: folder.appendingPathComponent("cohort.json"))
        return Summary(folder: folder, participants: participants.count, recordings: participants.count * response.stimuli.count,
                       frames: participants.count * response.stimuli.count * settings.frames, manifest: manifest, truth: truth,
                       videoManifest: videoManifest, seconds: Date().timeIntervalSince(start))
    }

    /// Writes one participant's files.
    private func write(_ participant: SyntheticCohortParticipant, into folder: URL, videoWriter: SyntheticCohortVideoWriter?) throws -> Written {
        let projector = projector(for: participant)
        let score = String(Int(participant.score))
        let names = model.expressions.map(\.name)
        let fitterSettings = ["group": participant.group, "seed": String(settings.seed), "responseModel": response.name,
                              response.score.name: score]
        var out = Written(manifestRows: [], truthRows: [], videoRows: [], subjectRow: "")
        for (k, recording) in recordings(of: participant).enumerated() {
            let tracked = self.tracked(recording, stimulusIndex: k, of: participant, projector: projector)
            let base = "\(participant.subject)/\(recording.stimulus)"
            let landmarkPath = "landmarks/\(base).\(settings.landmarkFormat.rawValue)"
            try LandmarkIO.write(tracked.sequence, to: folder.appendingPathComponent(landmarkPath), format: settings.landmarkFormat)
            let truthPath = "truth/\(base).npz"
            let truth = recording.truthFile(identity: participant.identity, tracked: tracked, expressionNames: names,
                                            modelMeta: modelMeta, fps: settings.fps, settings: fitterSettings)
            try truth.write(to: folder.appendingPathComponent(truthPath))
            let prefix = "\(participant.subject),\(participant.group),\(recording.stimulus),"
            out.manifestRows.append(prefix + "\(landmarkPath),1,\(score)\n")
            out.truthRows.append(prefix + "\(truthPath),1,\(score)\n")
            if let videoWriter {
                let videoPath = "videos/\(base).\(videoWriter.settings.codec.fileExtension)"
                try videoWriter.write(recording, identity: participant.identity, fps: settings.fps,
                                      to: folder.appendingPathComponent(videoPath))
                out.videoRows.append(prefix + "\(videoPath),1,\(score)\n")
            }
        }
        let p = participant
        let gains = actionUnits.labels(namedBy: response).map { format(p.labelGains[$0] ?? 1) }.joined(separator: ",")
        out.subjectRow = "\(p.subject),\(p.group),\(score),\(format(p.expressivity)),\(format(p.latency)),\(format(p.blinkRate)),"
            + "\(format(p.cameraScale)),\(format(p.cameraCentre.x)),\(format(p.cameraCentre.y)),\(gains)\n"
        return out
    }

    private func format(_ x: Double) -> String { String(format: "%.4f", x) }

    /// The settings as `cohort.json`.
    private func description(responseSHA256: String) throws -> Data {
        struct Description: Encodable {
            var generator = "faceatlas synth 1"
            var seed: UInt64
            var groups: [String: Int]
            var groupOrder: [String]
            var subjects: Int
            var stimuli: [String]
            var frames: Int
            var fps: Double
            var imageSize: [Int]
            var cameraScaleRange: [Double]
            var centreJitterPixels: Double
            var noisePixels: Double
            var droppedFraction: Double
            var landmarkFormat: String
            var responseModel: String
            var responseModelSHA256: String
            var modelID: String
            var modelSHA256: String
            var video: [String: String]?
        }
        let s = settings
        let value = Description(
            seed: s.seed, groups: Dictionary(uniqueKeysWithValues: s.groups.entries.map { ($0.name, $0.count) }),
            groupOrder: s.groups.entries.map(\.name), subjects: s.groups.total, stimuli: response.stimuli.map(\.name), frames: s.frames,
            fps: s.fps, imageSize: [s.imageSize.x, s.imageSize.y], cameraScaleRange: [s.scaleRange.lowerBound, s.scaleRange.upperBound],
            centreJitterPixels: s.centreJitterPixels, noisePixels: s.noisePixels, droppedFraction: s.droppedFraction,
            landmarkFormat: s.landmarkFormat.rawValue, responseModel: response.name, responseModelSHA256: responseSHA256,
            modelID: modelMeta.id, modelSHA256: modelMeta.sha256,
            video: s.videos.map { ["codec": $0.codec.rawValue, "size": "\($0.size)"] })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(value)
    }
}
