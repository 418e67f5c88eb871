import Fitting
import Numerics

/// What `faceatlas bench real` found: every face and video span with its measures and label verdict,
/// every fit's identity, every label row's verdict, and a summary.
public struct RealFaceReport: Sendable, Codable {
    /// One fit: a still face alone, or a whole video as one sequence.
    public struct Fit: Sendable, Codable {
        /// The face's name (a still) or the video's file.
        public var name: String
        /// Frames fitted.
        public var frames: Int
        /// Frames with landmarks.
        public var validFrames: Int
        /// Mean landmark NME over the valid frames; nil without any.
        public var nme: Double?
        /// The fitted identity's plausibility.
        public var identity: IdentityPlausibility
        /// Levenberg–Marquardt iterations.
        public var iterations: Int
        /// Seconds the fit took.
        public var seconds: Double
    }

    /// The verdict of one row of the labels file, over every face or span it covers.
    public struct LabelRow: Sendable, Codable {
        /// The row's line in the labels file.
        public var line: Int
        /// The file it labels.
        public var file: String
        /// Its span, for a video.
        public var span: RealFaceResult.Span?
        /// What it says the face shows.
        public var expression: String
        /// The faces (or spans) it was judged on.
        public var faces: [String]
        /// Whether every one of them passed (false when there was none).
        public var passed: Bool
        /// What failed: "AU12 0.080 < 0.35" (prefixed by the face's name when the row covers several),
        /// or why nothing could be judged.
        public var failures: [String]
    }

    /// The summary lines.
    public struct Summary: Sendable, Codable {
        /// The face with the largest ‖β‖.
        public struct WorstIdentity: Sendable, Codable {
            /// The fit's name.
            public var name: String
            /// ‖β‖.
            public var norm: Double
            /// The largest |β_k|.
            public var maximumAbsolute: Double
        }

        /// Faces and spans measured.
        public var faces: Int
        /// Fits run.
        public var fits: Int
        /// Label rows judged.
        public var labelRows: Int
        /// Label rows that passed.
        public var labelRowsPassed: Int
        /// The median NME over the faces of imglab files (given landmarks: dlib's examples).
        public var medianNMEImglab: Double?
        /// The median NME over the human-annotated faces.
        public var medianNMEAnnotated: Double?
        /// The median NME over the tracked faces (stills and video spans).
        public var medianNMETracked: Double?
        /// The fit with the largest ‖β‖.
        public var worstIdentity: WorstIdentity?
        /// Fits whose identity is not plausible (`IdentityPlausibility.isPlausible`).
        public var implausibleIdentities: Int
        /// Whether every fit's identity is plausible: every |β_k| ≤ 4 and ‖β‖ ≤ 1.5 · √K.
        public var allIdentitiesPlausible: Bool
        /// Whether every label row passed and every identity is plausible (what `--strict` requires).
        public var passed: Bool
    }

    /// The model's id.
    public var model: String
    /// The data folder.
    public var data: String
    /// The labels file, if any.
    public var labels: String?
    /// The frame rate videos were tracked at.
    public var fps: Double
    /// The bounds labels are judged by.
    public var criteria: ActionUnitCriteria
    /// The fitter's settings (the defaults of `faceatlas fit` unless tuned).
    public var settings: FitSettings
    /// Every face and video span, in data-set order.
    public var faces: [RealFaceResult]
    /// Every fit.
    public var fits: [Fit]
    /// Every label row's verdict, in file order.
    public var labelRows: [LabelRow]
    /// Photos and videos that gave no face, with the reason.
    public var skipped: [RealFaceDataSet.Skipped]
    /// The summary.
    public var summary: Summary

    /// Creates a report and computes its summary.
    public init(model: String, data: String, labels: String?, fps: Double, criteria: ActionUnitCriteria,
                settings: FitSettings = FitSettings(), faces: [RealFaceResult], fits: [Fit], labelRows: [LabelRow], skipped: [RealFaceDataSet.Skipped]) {
        self.model = model
        self.data = data
        self.labels = labels
        self.fps = fps
        self.criteria = criteria
        self.settings = settings
        self.faces = faces
        self.fits = fits
        self.labelRows = labelRows
        self.skipped = skipped
        func median(_ origin: RealFaceResult.Origin) -> Double? {
            let values = faces.filter { $0.origin == origin }.compactMap(\.nme)
            return values.isEmpty ? nil : Statistics.median(values)
        }
        let worst = fits.max { $0.identity.norm < $1.identity.norm }
        let implausible = fits.filter { !$0.identity.isPlausible }.count
        let passedRows = labelRows.filter(\.passed).count
        summary = Summary(
            faces: faces.count, fits: fits.count, labelRows: labelRows.count, labelRowsPassed: passedRows,
            medianNMEImglab: median(.imglab), medianNMEAnnotated: median(.annotation), medianNMETracked: median(.tracker),
            worstIdentity: worst.map { .init(name: $0.name, norm: $0.identity.norm, maximumAbsolute: $0.identity.maximumAbsolute) },
            implausibleIdentities: implausible, allIdentitiesPlausible: implausible == 0,
            passed: implausible == 0 && passedRows == labelRows.count)
    }
}
