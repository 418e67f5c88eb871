import Atlas
import FaceAtlasCore
import FaceModel
import Fitting
import Foundation
import Landmarks
import ParameterFiles
import Tracking

/// The batch run of a cohort: per participant, track (videos) and fit all its stimuli jointly into
/// parameter files; then (`CohortAnalysis`) the atlas, the evaluations, the teaching exports and the report.
///
/// Layout of the run folder:
/// ```
/// RUN/ledger*.jsonl                 the run ledger (`RunLedger`)
/// RUN/landmarks/<subject>/<stimulus>.csv   landmarks tracked from videos
/// RUN/params/<subject>/<stimulus>.npz      parameter files
/// RUN/params/manifest.csv                  the manifest of the parameter files (written by the analysis)
/// RUN/atlas/ RUN/evaluation/ RUN/exports/ RUN/renders/ RUN/report.html
/// ```
/// Work already done with the same inputs is skipped (resume); a participant that fails is recorded
/// with its error and the others go on.
public struct CohortRun: Sendable {
    /// One slice of the participants, for spreading a cohort over machines.
    public struct Shard: Sendable, Equatable, CustomStringConvertible {
        /// 1-based index.
        public var index: Int
        public var count: Int

        /// Parses `K/N` with 1 ≤ K ≤ N.
        public init(_ text: String) throws {
            let parts = text.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, k >= 1, k <= n else {
                throw UsageError("--shard takes K/N with 1 ≤ K ≤ N, e.g. 3/8; got '\(text)'")
            }
            index = k
            count = n
        }

        public var description: String { "\(index)/\(count)" }

        /// Whether the participant at `position` (in manifest order) belongs to this shard.
        public func contains(_ position: Int) -> Bool { position % count == index - 1 }

        /// The ledger file of this shard.
        public var ledgerName: String { "ledger-shard-\(index)-of-\(count).jsonl" }
    }

    /// What happened to one participant.
    public struct Outcome: Sendable {
        public var subject: String
        public var status: Status
        public var seconds: Double
        public var message: String?

        public enum Status: String, Sendable { case fitted, skipped, failed }
    }

    public let manifest: CohortManifest
    public let folder: URL
    public let model: FaceModel
    public let modelMeta: FaceModelFile.Meta
    public var settings = FitSettings()
    /// Frames per second for videos and for landmark files without times.
    public var fps = 5.0
    /// Participants fitted at once (each fit on one thread).
    public var jobs = Parallel.coreCount
    public var shard: Shard?

    public init(manifest: CohortManifest, folder: URL, model: FaceModel, modelMeta: FaceModelFile.Meta) {
        self.manifest = manifest
        self.folder = folder
        self.model = model
        self.modelMeta = modelMeta
    }

    static var videoExtensions: Set<String> { StillImage.videoExtensions }

    /// The parameter file of a participant's stimulus.
    public func parameterFile(subject: String, stimulus: String) -> URL {
        folder.appendingPathComponent("params/\(AtlasBuilder.fileSafe(subject))/\(AtlasBuilder.fileSafe(stimulus)).npz")
    }

    /// The participants this run (or shard) fits, in manifest order.
    public var participants: [String] {
        manifest.subjects.enumerated().filter { shard?.contains($0.offset) ?? true }.map(\.element)
    }

    /// Fits every participant of the run (or shard) that is not already done; returns what happened to each.
    public func fitParticipants(ledger: RunLedger, progress: ProgressReporter? = nil) -> [Outcome] {
        let subjects = participants
        var oneThread = self.settings
        oneThread.threads = 1
        let settings = oneThread
        let fingerprintBase = [modelMeta.sha256, Self.settingsJSON(settings), "fps=\(fps)"]
        return Parallel.map(subjects.count, threads: max(1, jobs)) { i in
            let subject = subjects[i]
            let entries = manifest.entries.filter { $0.subject == subject }
            let start = Date()
            defer { progress?.advance() }
            do {
                let inputHashes = try entries.map { "\($0.stimulus)=\(try Digest.sha256(file: $0.file))" }.sorted()
                let inputs = RunLedger.fingerprint(fingerprintBase + inputHashes)
                if ledger.isDone(step: "fit", key: subject, inputs: inputs) {
                    return Outcome(subject: subject, status: .skipped, seconds: 0)
                }
                let outputs = try fit(subject: subject, entries: entries, settings: settings)
                let seconds = Date().timeIntervalSince(start)
                try ledger.record(step: "fit", key: subject, inputs: inputs, outputs: outputs, seconds: seconds)
                return Outcome(subject: subject, status: .fitted, seconds: seconds)
            } catch {
                let message = "\(error)"
                let seconds = Date().timeIntervalSince(start)
                try? ledger.record(step: "fit", key: subject, inputs: "", outputs: [], status: "failed", message: message, seconds: seconds)
                return Outcome(subject: subject, status: .failed, seconds: seconds, message: message)
            }
        }
    }

    /// Tracks (videos) and fits one participant's recordings jointly; returns the files written.
    func fit(subject: String, entries: [CohortManifest.Entry], settings: FitSettings) throws -> [URL] {
        var written: [URL] = []
        var sequences: [LandmarkSequence] = []
        var detectors: [String] = []
        for entry in entries {
            if Self.videoExtensions.contains(entry.file.pathExtension.lowercased()) {
                var options = TrackingOptions()
                options.decode.fps = fps
                let sequence = try SequenceTracker.trackVideo(entry.file, options: options)
                let url = folder.appendingPathComponent("landmarks/\(AtlasBuilder.fileSafe(subject))/\(AtlasBuilder.fileSafe(entry.stimulus)).csv")
                try LandmarkIO.write(sequence, to: url, format: .csv)
                written.append(url)
                sequences.append(sequence)
                detectors.append(SequenceTracker.detectorName)
            } else {
                sequences.append(try LandmarkIO.read(entry.file, fps: fps))
                detectors.append("landmark file (\(entry.file.pathExtension))")
            }
        }
        // MediaPipe landmark files are fitted with every point, as `faceatlas fit` fits them.
        let dense = model.denseLandmarks != nil && settings.denseLandmarkWeight > 0
        let observed = sequences.map { ObservedSequence($0, use3D: settings.camera == .metric3D, dense: dense) }
        for k in observed.indices where observed[k].points.first.map({ $0.count > 68 }) ?? false {
            detectors[k] += ", MediaPipe Face Mesh's 468 points fitted densely"
        }
        let result: FitResult
        do {
            result = try SequenceFitter(model: model, settings: settings).fit(observed)
        } catch let error as FittingError {
            throw UsageError("participant \(subject): \(error.description)")
        }
        for (k, entry) in entries.enumerated() {
            let file = ParameterFile(
                fit: result, sequence: k, model: model, modelMeta: modelMeta, subject: subject, stimulus: entry.stimulus,
                fps: sequences[k].estimatedFPS ?? fps, source: entry.file.lastPathComponent, detector: detectors[k], settings: settings,
                confidence: sequences[k].frames.map { f in f.isValid ? f.confidence.reduce(0, +) / Double(max(f.confidence.count, 1)) : 0 },
                includeVertices: false)
            let url = parameterFile(subject: subject, stimulus: entry.stimulus)
            try AtomicFile.createFolder(url.deletingLastPathComponent())
            try file.write(to: url)
            written.append(url)
        }
        return written
    }

    /// The manifest of the fitted parameter files of every participant whose fit is done in the
    /// ledger, with the original groups, weights, onsets and scores; and the subjects not done.
    public func parameterManifest(ledger: RunLedger) throws -> (manifest: CohortManifest, missing: [String], failed: [(String, String)]) {
        var entries: [CohortManifest.Entry] = []
        var missing: [String] = []
        var failed: [(String, String)] = []
        for subject in manifest.subjects {
            guard let record = ledger.last(step: "fit", key: subject) else { missing.append(subject); continue }
            guard record.status == "done" else { failed.append((subject, record.message ?? "failed")); continue }
            for e in manifest.entries where e.subject == subject {
                var p = e
                p.file = parameterFile(subject: subject, stimulus: e.stimulus)
                p.onset = e.onset
                entries.append(p)
            }
        }
        return (try CohortManifest(entries: entries, scoreNames: manifest.scoreNames), missing, failed)
    }

    static func settingsJSON(_ settings: FitSettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(settings)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
