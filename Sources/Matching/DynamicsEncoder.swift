import Atlas
import FaceModel
import Numerics
import ParameterFiles

/// The dynamics encoder: a participant's facial behaviour from parameter files alone, so it works on
/// anonymized files. Identity-free by construction: no identity coefficient, vertex or head pose enters.
///
/// Per stimulus (in `stimuli` order), per channel — every action unit, and the jaw opening angle in
/// units of the model's AU26 angle — over the valid frames after stimulus onset:
/// the mean, the standard deviation, the 90th percentile, and the onset latency (seconds from stimulus
/// onset until the channel first reaches half its 90th percentile; the recording's length when the
/// 90th percentile is below 0.05, i.e. no response); then the 16 regional and 9 organ motion energies
/// (mm, `MotionEnergy`). A stimulus the participant lacks gives NaN features, which the matcher
/// replaces with the population mean.
public struct DynamicsEncoder: EmbeddingEncoder {
    public typealias Input = ParticipantRecordings

    public let name = "dynamics"
    /// The stimuli, in embedding order.
    public let stimuli: [String]
    /// The names of the features, in embedding order (`stimulus/channel/statistic`).
    public let featureNames: [String]
    let energy: MotionEnergy
    let expressionCount: Int
    let jawUnit: Double?

    /// The statistics per channel.
    static let statistics = ["mean", "sd", "p90", "latency"]
    /// A channel that never reaches this 90th percentile has not responded.
    static let responseLevel = 0.05

    public init(model: FaceModel, stimuli: [String]) {
        self.stimuli = stimuli
        energy = MotionEnergy(model: model)
        expressionCount = model.expressionCount
        jawUnit = model.jaw.map { Double($0.jawDropDegrees) * .pi / 180 }
        let channels = model.expressions.map(\.name) + (jawUnit != nil ? ["jaw_opening"] : [])
        var names: [String] = []
        for s in stimuli {
            for c in channels { for st in DynamicsEncoder.statistics { names.append("\(s)/\(c)/\(st)") } }
            for f in BiomarkerFeature.all { names.append("\(s)/\(f.column)") }
        }
        featureNames = names
    }

    public var dimension: Int { featureNames.count }

    public func embedding(of input: ParticipantRecordings) throws -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(dimension)
        let perStimulus = dimension / max(stimuli.count, 1)
        for stimulus in stimuli {
            guard let recording = input.recordings[stimulus] else {
                out += [Double](repeating: .nan, count: perStimulus)
                continue
            }
            out += features(recording)
            precondition(out.count % perStimulus == 0)
        }
        return out
    }

    /// The features of one recording.
    func features(_ recording: ParticipantRecordings.Recording) -> [Double] {
        let file = recording.file
        let start = (file.time.first ?? 0) + recording.onset
        let frames = (0..<file.frameCount).filter { file.confidence[$0] > 0 && file.time[$0] >= start - 1e-9 }
        let channelCount = expressionCount + (jawUnit != nil ? 1 : 0)
        guard !frames.isEmpty else {
            return [Double](repeating: .nan, count: channelCount * DynamicsEncoder.statistics.count + BiomarkerFeature.all.count)
        }
        var out: [Double] = []
        let duration = (file.time.last ?? start) - start
        for c in 0..<channelCount {
            let series: [Double] = frames.map { t in
                if c < expressionCount { return Double(file.expression[t][c]) }
                let p = file.pose[t]
                return Double(p[3] * p[3] + p[4] * p[4] + p[5] * p[5]).squareRoot() / jawUnit!
            }
            let p90 = Statistics.quantile(series, 0.9)
            var latency = duration
            if p90 >= DynamicsEncoder.responseLevel, let first = zip(frames, series).first(where: { $0.1 >= p90 / 2 }) {
                latency = file.time[first.0] - start
            }
            out += [Statistics.mean(series), Statistics.standardDeviation(series), p90, latency]
        }
        let jaw = file.pose.map { Array($0[3..<6]) }
        let used = Set(frames)
        let confidence = (0..<file.frameCount).map { used.contains($0) ? file.confidence[$0] : 0 }
        let moment = energy.secondMoment(expression: file.expression, jaw: jaw, confidence: confidence)!
        return out + energy.energies(secondMoment: moment)
    }
}
