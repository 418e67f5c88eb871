import Atlas
import FaceModel

/// The explicit digital biomarkers of a participant: per stimulus (in `stimuli` order) the motion
/// energy of the 16 regions and 9 organs (mm RMS over the valid frames after onset, `MotionEnergy`);
/// NaN for a stimulus the participant lacks.
public struct BiomarkerEncoder: EmbeddingEncoder {
    public typealias Input = ParticipantRecordings
    public let name = "biomarker"
    public let stimuli: [String]
    let energy: MotionEnergy

    public init(model: FaceModel, stimuli: [String]) {
        self.stimuli = stimuli
        energy = MotionEnergy(model: model)
    }

    public var dimension: Int { stimuli.count * BiomarkerFeature.all.count }

    /// `stimulus/feature` names, in embedding order.
    public var featureNames: [String] { stimuli.flatMap { s in BiomarkerFeature.all.map { "\(s)/\($0.column)" } } }

    public func embedding(of input: ParticipantRecordings) throws -> [Double] {
        stimuli.flatMap { stimulus -> [Double] in
            guard let r = input.recordings[stimulus] else { return [Double](repeating: .nan, count: BiomarkerFeature.all.count) }
            let file = r.file
            let start = (file.time.first ?? 0) + r.onset
            let confidence = (0..<file.frameCount).map { file.time[$0] >= start - 1e-9 ? file.confidence[$0] : 0 }
            let jaw = file.pose.map { Array($0[3..<6]) }
            guard let moment = energy.secondMoment(expression: file.expression, jaw: jaw, confidence: confidence) else {
                return [Double](repeating: .nan, count: BiomarkerFeature.all.count)
            }
            return energy.energies(secondMoment: moment)
        }
    }
}
