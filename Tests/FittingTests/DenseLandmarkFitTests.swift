import FaceModel
import Fitting
import Foundation
import Landmarks
import Testing

/// Fitting MediaPipe Face Mesh's dense points through the default model's embedding
/// (`FaceModel.denseLandmarks`): weights, the fit itself, and the errors.
@Suite struct DenseLandmarkFitTests {
    /// One frame of the default model posed with `settings`, turned 12° to its left and seen by a
    /// scaled-orthographic camera (4 px/mm, y down): the 68 iBUG points and the 468 mesh points.
    static func frame(_ model: FaceModel, _ settings: [String: Float]) throws -> LandmarkFrame {
        let embedding = try #require(model.denseLandmarks)
        let mesh = model.instance(try FaceParameters(model: model, settings: settings))
        let yaw = 12 * Double.pi / 180
        func project(_ p: SIMD3<Float>) -> SIMD2<Double> {
            let x = Double(p.x) * cos(yaw) + Double(p.z) * sin(yaw)
            return SIMD2(320 + 4 * x, 240 - 4 * Double(p.y))
        }
        var frame = LandmarkFrame(time: 0, points: model.landmarks.positions(on: mesh.positions, triangles: mesh.triangles).map(project))
        frame.densePoints = embedding.positions(on: mesh.positions, triangles: mesh.triangles).map(project)
        return frame
    }

    /// The strongest fitted intensity among the components with FACS label `label` (left or right).
    static func intensity(_ label: String, _ expression: [Double], _ model: FaceModel) -> Double {
        model.expressions.indices.filter { model.expressions[$0].facsLabel == label }.map { expression[$0] }.max() ?? 0
    }

    /// The fitter's view of a dense frame: 68 + 468 entries; the jawline (iBUG 0–16) keeps its weight, the inner
    /// iBUG points and the face oval get 0 (the mesh points and the sliding jawline stand for them).
    @Test func denseObservationWeighsMeshPointsNotTheirIBUGCopies() throws {
        let model = try FitFixture.model.get()
        let frame = try Self.frame(model, [:])
        let observed = ObservedSequence(LandmarkSequence(frames: [frame], source: "synthetic"), dense: true)
        let w = observed.weights[0]
        #expect(w.count == 68 + ObservedSequence.densePointCount && observed.points[0].count == w.count)
        #expect(w[0..<17].allSatisfy { $0 == 1 } && w[17..<68].allSatisfy { $0 == 0 })
        let oval = Set(MediaPipeToIBUG.faceOval)
        for i in 0..<468 { #expect(w[68 + i] == (oval.contains(i) ? 0 : 1), "mesh point \(i)") }
        // Without `dense`, or when a valid frame lacks the mesh points, the sequence stays the 68 points.
        #expect(ObservedSequence(LandmarkSequence(frames: [frame], source: "synthetic")).weights[0].count == 68)
        var sparse = frame
        sparse.densePoints = nil
        let mixed = ObservedSequence(LandmarkSequence(frames: [frame, sparse], source: "synthetic"), dense: true)
        #expect(mixed.weights.allSatisfy { $0.count == 68 })
    }

    /// A smile with raised cheeks (AU6 0.6, AU12 0.7) seen through the mesh points is fitted back: the two AUs
    /// near their values, the brows and the mouth's other actions quiet, and the fitted mesh points on the
    /// observed ones. The 68 points alone (same face, same settings) see the cheek raise less well.
    @Test func denseFitRecoversCheekRaiseAndSmile() throws {
        let model = try FitFixture.model.get()
        let frame = try Self.frame(model, ["AU6": 0.6, "AU12": 0.7])
        let sequence = LandmarkSequence(frames: [frame], source: "synthetic", imageSize: SIMD2(640, 480))
        let fit = try SequenceFitter(model: model).fit([ObservedSequence(sequence, dense: true)])
        let e = fit.sequences[0].expression[0]
        let au6 = Self.intensity("AU6", e, model), au12 = Self.intensity("AU12", e, model)
        #expect(abs(au6 - 0.6) < 0.2, "AU6 \(au6)")
        #expect(abs(au12 - 0.7) < 0.15, "AU12 \(au12)")
        for quiet in ["AU1", "AU2", "AU4", "AU15", "AU20"] {
            #expect(Self.intensity(quiet, e, model) < 0.15, "\(quiet) \(Self.intensity(quiet, e, model))")
        }
        let fitted = try #require(fit.sequences[0].densePoints.first)
        #expect(fitted.count == 468)
        let observed = try #require(frame.densePoints)
        let errors = (0..<468).map { i in ((SIMD2(fitted[i].x, fitted[i].y) - observed[i]) * (SIMD2(fitted[i].x, fitted[i].y) - observed[i])).sum().squareRoot() }
        let median = errors.sorted()[234]
        #expect(median < 1.5, "median dense residual \(median) px (eye distance ≈ 360 px)")

        let sparse = try SequenceFitter(model: model).fit([ObservedSequence(sequence)])
        let sparseAU6 = Self.intensity("AU6", sparse.sequences[0].expression[0], model)
        print("dense fit: AU6 \(au6) (68 points: \(sparseAU6)), AU12 \(au12), median dense residual \(median) px")
        #expect(abs(au6 - 0.6) <= abs(sparseAU6 - 0.6) + 0.02)
    }

    /// Dense observations need a model with a dense embedding, and say so.
    @Test func denseObservationsWithoutEmbeddingAreRefused() throws {
        let model = try FitFixture.model.get()
        let frame = try Self.frame(model, [:])
        var bare = model
        bare.denseLandmarks = nil
        let observed = ObservedSequence(LandmarkSequence(frames: [frame], source: "synthetic"), dense: true)
        #expect(throws: FittingError.self) { try SequenceFitter(model: bare).fit([observed]) }
        do { _ = try SequenceFitter(model: bare).fit([observed]) } catch {
            #expect("\(error)".contains("calibrate-mediapipe"))
        }
        // The dense-weight switch off: the mesh points cannot be fitted either.
        var settings = FitSettings()
        settings.denseLandmarkWeight = 0
        #expect(throws: FittingError.self) { try SequenceFitter(model: model, settings: settings).fit([observed]) }
    }

    /// The synthetic generator's dense sequences are weighted as `ObservedSequence(_:dense:)` weighs tracked
    /// ones, and a dense fit of one at 1 px follows the true action units.
    @Test func syntheticDenseSequencesFitBack() throws {
        let model = try FitFixture.model.get()
        let rows = LandmarkRows(model: model).withDenseLandmarks(of: model)
        var options = SyntheticSequenceGenerator.Options()
        options.frames = 60
        options.dense = true
        let (observed, truth) = SyntheticSequenceGenerator(rows: rows, options: options).make(seed: 7)
        let valid = try #require((0..<observed.count).first { observed.isValid($0) })
        let w = observed.weights[valid]
        let oval = Set(MediaPipeToIBUG.faceOval)
        #expect(w.count == 68 + 468 && truth.cleanLandmarks[valid].count == w.count)
        #expect(w[0..<17].allSatisfy { $0 == 1 } && w[17..<68].allSatisfy { $0 == 0 })
        #expect((0..<468).allSatisfy { w[68 + $0] == (oval.contains($0) ? 0 : 1) })
        let fit = try SequenceFitter(rows: rows).fit([observed])
        let evaluation = FitEvaluation(model: model, result: fit, observed: observed, truth: truth, noisePixels: 1)
        #expect(evaluation.actionUnitCorrelation > 0.9, "AU r \(evaluation.actionUnitCorrelation)")
        #expect(evaluation.identityRMSE < 0.5 * evaluation.meanFaceRMSE)
        #expect(evaluation.activeSeries.count == truth.activeComponents.count)
    }
}
