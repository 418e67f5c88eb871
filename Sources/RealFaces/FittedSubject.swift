import FaceModel
import Fitting
import Foundation
import Numerics

/// A subject's fit measured frame by frame: landmark NME against the input, pooled action units and
/// jaw opening; and what a face (or a video span) reports from them.
struct FittedSubject {
    let subject: RealFaceSubject
    let result: FitResult
    /// Per frame: NME (NaN for a frame without landmarks), pooled action units, jaw opening in degrees.
    let nme: [Double]
    let actionUnits: [[String: Double]]
    let jawDegrees: [Double]
    /// The frames with landmarks.
    let validFrames: [Int]

    init(subject: RealFaceSubject, result: FitResult, pooling: ActionUnitPooling) {
        self.subject = subject
        self.result = result
        let fit = result.sequences[0]
        let frames = subject.sequence.frames
        let nme = frames.indices.map { t in
            guard frames[t].isValid else { return Double.nan }
            return LandmarkNME.of(fitted: fit.landmarks[t].map { SIMD2($0.x, $0.y) }, input: frames[t].points, weights: frames[t].weights)
        }
        self.nme = nme
        actionUnits = frames.indices.map { pooling.pool(expression: fit.expression[$0], jaw: fit.jaw[$0]) }
        jawDegrees = fit.jaw.map(ActionUnitPooling.jawDegrees)
        validFrames = frames.indices.filter { !nme[$0].isNaN }
    }

    /// The frames in `span` (all frames without one).
    func frames(in span: RealFaceResult.Span?) -> [Int] {
        let times = subject.sequence.frames.map(\.time)
        guard let span else { return Array(times.indices) }
        return times.indices.filter { times[$0] >= span.fromSeconds - 1e-9 && times[$0] <= span.toSeconds + 1e-9 }
    }

    /// The mean NME over `frames`' valid ones; nil without any.
    func meanNME(over frames: [Int]) -> Double? {
        let values = frames.map { nme[$0] }.filter { !$0.isNaN }
        return values.isEmpty ? nil : Statistics.mean(values)
    }

    /// The frame the contact sheet shows for `span`: its middle valid frame.
    func sheetFrame(span: RealFaceResult.Span?) -> Int? {
        let valid = frames(in: span).filter { !nme[$0].isNaN }
        return valid.isEmpty ? nil : valid[valid.count / 2]
    }

    /// The face's (or span's) measures, with `identity` the fit's.
    func result(span: RealFaceResult.Span?, identity: IdentityPlausibility) -> RealFaceResult {
        let all = frames(in: span)
        let valid = all.filter { !nme[$0].isNaN }
        var pooled: [String: Double] = [:]
        if !valid.isEmpty {
            for label in actionUnits[valid[0]].keys {
                let values = valid.compactMap { actionUnits[$0][label] }.filter { !$0.isNaN }
                if !values.isEmpty { pooled[label] = Statistics.median(values) }
            }
        }
        let jaw = valid.isEmpty ? nil : Statistics.median(valid.map { jawDegrees[$0] })
        let name = span.map { "\(subject.name)@\(Self.seconds($0.fromSeconds))-\(Self.seconds($0.toSeconds))s" } ?? subject.name
        return RealFaceResult(
            name: name, file: subject.file, origin: subject.origin, landmarks: subject.landmarks, fit: subject.name, span: span,
            frames: all.count, validFrames: valid.count,
            sheetFrameTime: subject.isVideo ? sheetFrame(span: span).map { subject.sequence.frames[$0].time } : nil,
            nme: meanNME(over: all), identity: identity, actionUnits: pooled, jawDegrees: jaw, notes: subject.notes)
    }

    /// The contact-sheet tile of `frame`, captioned from `result` (a video's frame image is filled in later).
    func tile(frame t: Int, result face: RealFaceResult) -> RealFaceContactSheet.Tile {
        let fit = result.sequences[0]
        let parameters = FaceParameters(identity: result.identity.map(Float.init), expression: fit.expression[t].map(Float.init),
                                        jaw: SIMD3<Float>(fit.jaw[t]))
        return RealFaceContactSheet.Tile(photo: subject.photo, input: subject.sequence.frames[t].points,
                                         fitted: fit.landmarks[t].map { SIMD2($0.x, $0.y) }, parameters: parameters,
                                         caption: RealFaceContactSheet.caption(for: face))
    }

    /// "0", "1.6", "19.6": seconds for names.
    private static func seconds(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%g", rounded)
    }
}
