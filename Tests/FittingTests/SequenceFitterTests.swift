import FaceModel
import Fitting
import Foundation
import Numerics
import Testing

/// A small analytic model (no files needed): 68 landmarks on an ellipsoid-like face, 6 identity
/// and 4 expression components, a jaw, contour bands. The fitter must recover known parameters.
enum ToyModel {
    static func rows() -> LandmarkRows {
        var rng = SeededGenerator(seed: 3)
        // Landmark layout: a rough frontal face (mm), z from an ellipsoid.
        var means: [SIMD3<Double>] = []
        for i in 0..<68 {
            let a = Double(i) / 68 * 2 * .pi
            let r = 30 + 20 * Double(i % 5) / 4
            let x = r * cos(a), y = r * sin(a) * 1.2
            let z = 80 * (1 - min(1, (x * x + y * y) / (90 * 90))).squareRoot()
            means.append(SIMD3(x, y, z))
        }
        // Eye corners: make 36 and 45 the widest pair on the horizontal line.
        means[36] = SIMD3(-45, 10, 60); means[45] = SIMD3(45, 10, 60)
        func randomBasis(_ scale: Double) -> [SIMD3<Double>] {
            (0..<68).map { _ in SIMD3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()) * scale }
        }
        let identity = (0..<6).map { _ in randomBasis(2.0) }
        let expression = (0..<4).map { _ in randomBasis(3.0) }
        var points: [LandmarkRows.Point] = []
        for i in 0..<68 {
            points.append(LandmarkRows.Point(mean: means[i], identity: identity.map { $0[i] }, expression: expression.map { $0[i] },
                                             jawWeight: (5...11).contains(i) || (55...59).contains(i) ? 1 : 0))
        }
        return LandmarkRows(points: points, contour: [], jawPivot: SIMD3(0, 10, -40),
                            expressionBounds: Array(repeating: 0...1, count: 4), expressionIsActionUnit: Array(repeating: true, count: 4))
    }
}

extension SyntheticSequenceGenerator.Options {
    /// `frames` frames with every landmark present and no noise (`activeActionUnits` at a time, or the default).
    static func exact(frames: Int, activeActionUnits: Int? = nil) -> Self {
        var options = Self()
        options.frames = frames
        options.noisePixels = 0
        options.missingFraction = 0
        if let activeActionUnits { options.activeActionUnits = activeActionUnits }
        return options
    }
}

@Suite struct SequenceFitterTests {
    @Test func recoversPoseIdentityAndExpressionWithoutNoise() throws {
        let rows = ToyModel.rows()
        var options = SyntheticSequenceGenerator.Options.exact(frames: 40, activeActionUnits: 2)
        options.maxYawDegrees = 30
        let (observed, truth) = SyntheticSequenceGenerator(rows: rows, options: options).make(seed: 11)
        var settings = FitSettings()
        settings.expressionSparsity = 0
        settings.expressionPrior = 1e-4
        settings.identityPrior = 1e-4
        settings.expressionSmoothing = 0
        settings.poseSmoothing = 0
        settings.iterations = 40
        settings.tolerance = 1e-12
        let fit = try SequenceFitter(rows: rows, settings: settings).fit([observed])
        let seq = fit.sequences[0]
        let nme = seq.residualNormalized.filter { !$0.isNaN }
        #expect(nme.max()! < 1e-3, "landmark error \(nme.max()!)")
        for k in 0..<6 { #expect(abs(fit.identity[k] - truth.identity[k]) < 0.05, "β\(k): \(fit.identity[k]) vs \(truth.identity[k])") }
        for t in stride(from: 0, to: 40, by: 7) {
            let err = (Rotation3(axisAngle: seq.rotation[t]) * truth.rotation[t].transposed).axisAngle
            #expect((err * err).sum().squareRoot() * 180 / .pi < 0.5)
            for j in 0..<4 { #expect(abs(seq.expression[t][j] - truth.expression[t][j]) < 0.05) }
        }
    }

    @Test func invalidFramesAreKeptAndFilled() throws {
        let rows = ToyModel.rows()
        var options = SyntheticSequenceGenerator.Options()
        options.frames = 30
        options.missingFraction = 0.2
        let (observed, _) = SyntheticSequenceGenerator(rows: rows, options: options).make(seed: 5)
        let fit = try SequenceFitter(rows: rows).fit([observed])
        let seq = fit.sequences[0]
        #expect(seq.expression.count == 30)
        let invalid = (0..<30).filter { !observed.isValid($0) }
        #expect(!invalid.isEmpty)
        for t in invalid {
            #expect(seq.valid[t] == false)
            #expect(seq.residualPixels[t].isNaN)
            #expect(seq.rotation[t].x.isFinite)
        }
    }

    @Test func identityIsSharedAcrossSequences() throws {
        let rows = ToyModel.rows()
        var options = SyntheticSequenceGenerator.Options()
        options.frames = 25
        options.noisePixels = 0.5
        let generator = SyntheticSequenceGenerator(rows: rows, options: options)
        let beta = [1.0, -0.5, 0.8, 0.0, -1.2, 0.3]
        let a = generator.make(seed: 1, identity: beta).0, b = generator.make(seed: 2, identity: beta).0
        let fit = try SequenceFitter(rows: rows).fit([a, b])
        #expect(fit.sequences.count == 2)
        let err = zip(fit.identity, beta).map { abs($0 - $1) }.max()!
        #expect(err < 0.25, "identity error \(err)")
    }
}
