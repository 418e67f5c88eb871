import FaceModel
import ParameterFiles

/// A standard digital face: one group's neutral reference shape with its characteristic expression
/// for a stimulus, and the mean expression over time.
public struct ReferenceFace: Sendable {
    public var group: String
    public var stimulus: String
    /// The group's mean identity (SD units).
    public var identity: [Float]
    /// The characteristic peak expression (AU intensities).
    public var peakExpression: [Float]
    /// The peak's jaw rotation (axis-angle, radians).
    public var peakJaw: SIMD3<Float>
    /// The mean expression over time (a parameter file on the atlas's time grid).
    public var profile: ParameterFile
    /// The group's mean motion energy per feature (mm), in `BiomarkerFeature.all` order.
    public var motionEnergy: [Double]

    public init(group: String, stimulus: String, identity: [Float], peakExpression: [Float], peakJaw: SIMD3<Float>,
                profile: ParameterFile, motionEnergy: [Double]) {
        self.group = group
        self.stimulus = stimulus
        self.identity = identity
        self.peakExpression = peakExpression
        self.peakJaw = peakJaw
        self.profile = profile
        self.motionEnergy = motionEnergy
    }

    /// The face at its characteristic peak.
    public var peakParameters: FaceParameters {
        FaceParameters(identity: identity, expression: peakExpression, jaw: peakJaw)
    }

    /// The group's neutral reference shape (no expression).
    public var neutralParameters: FaceParameters {
        FaceParameters(identity: identity)
    }

    /// The face at frame `t` of the mean profile.
    public func parameters(atFrame t: Int) -> FaceParameters {
        let pose = profile.pose[t]
        return FaceParameters(identity: identity, expression: profile.expression[t], jaw: SIMD3(pose[3], pose[4], pose[5]))
    }
}
