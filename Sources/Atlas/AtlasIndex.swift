import Foundation

/// `atlas.json`: the index of an atlas folder.
///
/// ```
/// ATLAS/atlas.json                           this index
/// ATLAS/references/<group>/<stimulus>.npz     the reference face over time (a parameter file: group-mean
///                                             identity, mean AU and jaw profile aligned to onset)
/// ATLAS/references/<group>/<stimulus>-spread.npz  time, exp_sd, jaw_sd, coverage, peak_exp, peak_jaw
/// ATLAS/biomarkers/participants.csv           per participant × stimulus: weight, quality, 25 motion energies
/// ATLAS/biomarkers/groups.csv                 per group × stimulus × feature: weighted mean, SD, n
/// ATLAS/biomarkers/differences.csv            per stimulus × feature × pair: difference, Hedges' g, Welch t, p, q
/// ```
public struct AtlasIndex: Codable, Sendable, Equatable {
    public static let formatName = "faceatlas-atlas"
    public static let formatVersion = 1

    /// One group's neutral reference shape.
    public struct Group: Codable, Sendable, Equatable {
        public var name: String
        public var subjects: Int
        /// Sum of the participants' weights (manifest weight × fit quality).
        public var totalWeight: Double
        /// Weighted mean identity coefficients (SD units).
        public var identity: [Double]
        /// Weighted per-component standard deviation of the identity coefficients.
        public var identitySpread: [Double]
    }

    /// One group × stimulus reference face.
    public struct Reference: Codable, Sendable, Equatable {
        public var group: String
        public var stimulus: String
        public var subjects: Int
        /// The reference parameter file, relative to the atlas folder.
        public var file: String
        /// The spread arrays, relative to the atlas folder.
        public var spreadFile: String
        /// The characteristic peak expression: weighted mean of the subjects' peaks (`PeakExpression`).
        public var peakExpression: [Double]
        /// The peak's jaw rotation (axis-angle, radians).
        public var peakJaw: [Double]
        /// Weighted mean motion energy (mm RMS) per feature, in `AtlasIndex.features` order.
        public var motionEnergy: [Double]
    }

    public var format = AtlasIndex.formatName
    public var version = AtlasIndex.formatVersion
    public var createdBy: String
    public var modelID: String
    public var modelSHA256: String
    public var expressionNames: [String]
    /// The manifest the atlas was built from, and its SHA-256.
    public var manifest: String
    public var manifestSHA256: String
    /// Profile grid step (s).
    public var timeStep: Double
    /// How participants were weighted (human-readable).
    public var weighting: String
    public var groups: [Group]
    public var stimuli: [String]
    public var references: [Reference]
    /// The biomarker features, in table order.
    public var features: [BiomarkerFeature]
    /// Recordings left out, with the reason (no valid frames, zero weight).
    public var excluded: [String]
}
