import FaceAtlasCore
import FaceModel
import Fitting
import Foundation
import Imaging
import Landmarks
import Numerics
import Tracking

/// The real-face benchmark (`faceatlas bench real`): fits the default fitter to every face of a
/// real-face data folder, as `faceatlas fit` fits users' faces, and checks that the parameters are
/// plausible — landmark NME, identity coefficients within the prior, and action units that agree with
/// what labelled faces show.
///
/// Each still face is fitted alone (its own identity, scaled-orthographic camera, `FitSettings()`,
/// the image size set); a video is tracked at `Options.fps` and fitted as one sequence with one identity,
/// and measured per labelled time span (the median of each action unit over the span's valid frames).
public struct RealFaceBenchmark: Sendable {
    /// What to run on.
    public struct Options: Sendable {
        /// The data folder (`scripts/fetch-realfaces DIR`).
        public var data: URL
        /// The labels, if any.
        public var labels: ExpressionLabelFile?
        /// The frame rate videos are tracked at.
        public var fps: Double = 5
        /// The bounds labels are judged by.
        public var criteria = ActionUnitCriteria()
        /// Unannotated photos (relative to `data`) of which every face is taken, not only the largest.
        public var groupPhotos: Set<String> = ["pyfeat/multi_face.jpg"]
        /// Whether to draw the contact sheet.
        public var drawsSheet = true
        /// The contact sheet's layout.
        public var sheet = RealFaceContactSheet.Layout()
        /// MediaPipe's model folder: unannotated photos and videos are tracked with FaceAtlas's Face Mesh and fitted
        /// with every dense point (the model needs a dense embedding); nil tracks them with dlib.
        public var mediaPipeModels: URL?

        /// Options for the data folder `data`, without labels.
        public init(data: URL, labels: ExpressionLabelFile? = nil) {
            self.data = data
            self.labels = labels
        }
    }

    /// What a run gives: the report and, when asked for, the contact sheet.
    public struct Outcome: Sendable {
        /// The measures and verdicts.
        public var report: RealFaceReport
        /// The contact sheet (RGB), when `Options.drawsSheet`.
        public var sheet: Image?
    }

    /// The steps of a run, reported to the progress callback.
    public enum Step: Sendable, Equatable {
        /// Finding landmarks (reading annotations, tracking) of the data set's item `done` of `total`.
        case landmarks(done: Int, total: Int)
        /// Fitting subject `done` of `total`.
        case fitting(done: Int, total: Int)
        /// Drawing tile `done` of `total` of the contact sheet.
        case sheet(done: Int, total: Int)
    }

    /// The face model fitted.
    public let model: FaceModel
    /// The model's id (recorded in the report).
    public let modelID: String
    /// The fitter's settings: by default those `faceatlas fit` uses.
    public let settings: FitSettings

    /// A benchmark of `model` (named `modelID` in the report) fitted with `settings`.
    public init(model: FaceModel, modelID: String, settings: FitSettings = FitSettings()) {
        self.model = model
        self.modelID = modelID
        self.settings = settings
    }

    /// Runs the benchmark.
    /// - Parameter progress: called after each step.
    /// - Throws: `FileError` for a missing data folder, an unreadable file, or a label naming a file that
    ///   is not in the data set; `TrackingError` when dlib or ffmpeg is missing; `UsageError` for bad options.
    public func run(_ options: Options, progress: (@Sendable (Step) -> Void)? = nil) throws -> Outcome {
        guard options.fps.isFinite, options.fps > 0 else { throw UsageError("--fps must be positive, not \(options.fps)") }
        let dataSet = try RealFaceDataSet.scan(options.data, groupPhotos: options.groupPhotos)
        let labels = try checkedLabels(options.labels, dataSet: dataSet)

        // 1. Landmarks.
        var collector = RealFaceSubjectCollector(dataSet: dataSet, fps: options.fps, mediaPipeModels: options.mediaPipeModels)
        var subjects: [RealFaceSubject] = []
        var skipped = dataSet.skipped
        for (index, item) in dataSet.items.enumerated() {
            let (found, none) = try collector.subjects(of: item)
            subjects += found
            skipped += none
            progress?(.landmarks(done: index + 1, total: dataSet.items.count))
        }

        // 2. Fits and measures.
        let pooling = ActionUnitPooling(model: model)
        let fitter = SequenceFitter(model: model, settings: settings)
        var faces: [RealFaceResult] = []
        var fits: [RealFaceReport.Fit] = []
        var tiles: [RealFaceContactSheet.Tile] = []
        var videoFrames: [(tile: Int, video: String, frame: Int)] = []
        for (index, subject) in subjects.enumerated() {
            defer { progress?(.fitting(done: index + 1, total: subjects.count)) }
            let result: FitResult
            do {
                result = try fitter.fit([ObservedSequence(subject.sequence, dense: options.mediaPipeModels != nil && settings.denseLandmarkWeight > 0)])
            } catch let error as FittingError {
                skipped.append(.init(file: subject.file, reason: "\(subject.name): the fit failed: \(error.description)"))
                continue
            }
            let measured = FittedSubject(subject: subject, result: result, pooling: pooling)
            let identity = IdentityPlausibility(identity: result.identity)
            fits.append(.init(name: subject.name, frames: subject.sequence.frames.count, validFrames: measured.validFrames.count,
                              nme: measured.meanNME(over: measured.validFrames), identity: identity,
                              iterations: result.iterations, seconds: result.seconds))
            let segments: [(span: RealFaceResult.Span?, label: ExpressionLabel?)]
            if subject.isVideo {
                segments = videoSegments(of: subject, labels: labels)
            } else {
                segments = [(nil, labels.first { $0.label.file == subject.file }?.label)]
            }
            for (span, label) in segments {
                var face = measured.result(span: span, identity: identity)
                if let label {
                    face.labelLine = label.line
                    if face.validFrames > 0 { face.label = options.criteria.judge(label, intensities: face.actionUnits) }
                }
                faces.append(face)
                if options.drawsSheet, let t = measured.sheetFrame(span: span) {
                    tiles.append(measured.tile(frame: t, result: face))
                    if subject.isVideo { videoFrames.append((tiles.count - 1, subject.file, t)) }
                }
            }
        }

        // 3. Labels.
        let labelRows = labels.map { judgedRow($0, faces: faces) }

        // 4. The contact sheet.
        var sheet: Image?
        if options.drawsSheet {
            try fillVideoFrames(&tiles, videoFrames, dataSet: dataSet, fps: options.fps)
            sheet = RealFaceContactSheet(model: model, layout: options.sheet)
                .draw(tiles, title: "FaceAtlas bench real - model \(modelID)") { done, total in
                    progress?(.sheet(done: done, total: total))
                }
        }
        let report = RealFaceReport(model: modelID, data: options.data.path, labels: options.labels?.path, fps: options.fps,
                                    criteria: options.criteria, settings: settings, faces: faces, fits: fits, labelRows: labelRows, skipped: skipped)
        return Outcome(report: report, sheet: sheet)
    }

    // MARK: Labels

    /// The labels, checked: the file of each in the data set, a time span only on videos, no file or span
    /// labelled twice, and every label numbered (its line).
    private func checkedLabels(_ file: ExpressionLabelFile?, dataSet: RealFaceDataSet) throws -> [LabelSpan] {
        guard let file else { return [] }
        var stills: Set<String> = [], videos: Set<String> = []
        for item in dataSet.items {
            switch item {
            case .annotatedPhoto(let photo, _), .trackedPhoto(let photo, _): stills.insert(photo)
            case .video(let video): videos.insert(video)
            case .imglab(_, let dataset):
                for image in dataset.images { stills.insert(RealFaceDataSet.relative(dataset.url(of: image), to: dataSet.folder)) }
            }
        }
        var seen: [String: Int] = [:]
        var out: [LabelSpan] = []
        for (index, var label) in file.labels.enumerated() {
            if label.line <= 0 { label.line = index + 1 }  // labels made in code are numbered by position
            func fail(_ problem: String) -> FileError { FileError(file.path, problem, at: "line \(label.line)") }
            let isVideo = videos.contains(label.file)
            guard isVideo || stills.contains(label.file) else {
                throw fail("\(label.file) is not a face photo or video of the data folder \(dataSet.folder.path)")
            }
            if label.hasTimeSpan && !isVideo { throw fail("\(label.file) is a photo: a time span is for videos only") }
            let key = "\(label.file)@\(label.fromSeconds.map { "\($0)" } ?? "")-\(label.toSeconds.map { "\($0)" } ?? "")"
            if let earlier = seen[key] { throw fail("\(label.file) is labelled twice (also on line \(earlier))\(label.hasTimeSpan ? " with the same span" : "")") }
            seen[key] = label.line
            out.append(LabelSpan(label: label))
        }
        return out
    }

    /// The label row's verdict over its faces.
    private func judgedRow(_ entry: LabelSpan, faces: [RealFaceResult]) -> RealFaceReport.LabelRow {
        let label = entry.label
        let covered = faces.filter { $0.labelLine == label.line }
        var failures: [String] = []
        if covered.isEmpty { failures.append("no face found in \(label.file)") }
        for face in covered {
            let prefix = covered.count > 1 ? "\(face.name): " : ""
            guard let verdict = face.label else {
                failures.append("\(prefix)no valid frames")
                continue
            }
            failures += verdict.failures.map { prefix + $0.summary }
        }
        return .init(line: label.line, file: label.file, span: label.hasTimeSpan ? entry.span : nil, expression: label.expression,
                     faces: covered.map(\.name), passed: failures.isEmpty, failures: failures)
    }

    // MARK: Videos

    /// The spans a video is measured over, each with its label: its labels' spans (a label without one
    /// covers the whole video), or the whole video when it has no label.
    private func videoSegments(of subject: RealFaceSubject, labels: [LabelSpan]) -> [(span: RealFaceResult.Span?, label: ExpressionLabel?)] {
        let whole = RealFaceResult.Span(fromSeconds: subject.sequence.frames.first?.time ?? 0,
                                        toSeconds: subject.sequence.frames.last?.time ?? 0)
        let labelled = labels.filter { $0.label.file == subject.file }.map { (span: Optional($0.span ?? whole), label: Optional($0.label)) }
        return labelled.isEmpty ? [(whole, nil)] : labelled
    }

    /// Decodes the video frames the tiles show (in colour, at the tracking frame rate).
    private func fillVideoFrames(_ tiles: inout [RealFaceContactSheet.Tile], _ wanted: [(tile: Int, video: String, frame: Int)],
                                 dataSet: RealFaceDataSet, fps: Double) throws {
        for (video, entries) in Dictionary(grouping: wanted, by: { $0.video }) {
            let decoder = try VideoDecoder(url: dataSet.url(video), options: DecodeOptions(fps: fps, color: true))
            defer { decoder.close() }
            let last = entries.map(\.frame).max() ?? -1
            while let frame = try decoder.next(), frame.index <= last {
                for entry in entries where entry.frame == frame.index { tiles[entry.tile].photo = frame.image }
            }
        }
    }
}

/// A label with its span as a result span.
struct LabelSpan: Sendable {
    var label: ExpressionLabel
    var span: RealFaceResult.Span? {
        guard let from = label.fromSeconds, let to = label.toSeconds else { return nil }
        return RealFaceResult.Span(fromSeconds: from, toSeconds: to)
    }
}
