import FaceModel
import Fitting
import Foundation
import Numerics
import NumPyFormat
import Testing

/// The fitter works with a model that came in through the FLAME importer: the default model is written
/// in FLAME's layout (metres, shapedirs, J_regressor, LBS weights, DECA-style 68-point embedding),
/// imported back, and fitted.
@Suite struct ImportedFLAMELayoutFitTests {
    func writeFLAMELayout(_ model: FaceModel, to folder: URL) throws -> (model: URL, embedding: URL) {
        let n = model.vertexCount
        let k = model.identityCount, e = model.expressionCount
        var template: [Double] = [], shapedirs = [Double](repeating: 0, count: n * 3 * (k + e))
        for p in model.mesh.positions { template += [Double(p.x), Double(p.y), Double(p.z)].map { $0 / 1000 } }
        for v in 0..<n {
            for c in 0..<3 {
                for j in 0..<k { shapedirs[(v * 3 + c) * (k + e) + j] = Double(model.identityBasis[j * 3 * n + 3 * v + c]) / 1000 }
                for j in 0..<e { shapedirs[(v * 3 + c) * (k + e) + k + j] = Double(model.expressionBasis[j * 3 * n + 3 * v + c]) / 1000 }
            }
        }
        // J_regressor row 2 (the jaw): an affine combination of four vertices that reproduces the pivot.
        let jaw = model.jaw!
        let pivot = SIMD3<Double>(jaw.pivot)
        func nearest(_ q: SIMD3<Double>) -> Int {
            (0..<n).min { ((SIMD3<Double>(model.mesh.positions[$0]) - q) * (SIMD3<Double>(model.mesh.positions[$0]) - q)).sum()
                        < ((SIMD3<Double>(model.mesh.positions[$1]) - q) * (SIMD3<Double>(model.mesh.positions[$1]) - q)).sum() }!
        }
        let chosen = [SIMD3<Double>(40, 0, 0), SIMD3(-40, 0, 0), SIMD3(0, 40, 30), SIMD3(0, -30, 60)].map { nearest(pivot + $0) }
        var a = Matrix(rows: 4, columns: 4)
        for (c, i) in chosen.enumerated() { let p = model.mesh.positions[i]; a[0, c] = Double(p.x); a[1, c] = Double(p.y); a[2, c] = Double(p.z); a[3, c] = 1 }
        let w = try a.solve(Matrix([[pivot.x], [pivot.y], [pivot.z], [1]]))
        var regressor = [Double](repeating: 0, count: 5 * n)
        for (c, i) in chosen.enumerated() { regressor[2 * n + i] = w[c, 0] }
        var weights = [Double](repeating: 0, count: n * 5)
        for v in 0..<n { weights[v * 5 + 2] = Double(jaw.weights[v]); weights[v * 5] = 1 - Double(jaw.weights[v]) }
        let url = folder.appendingPathComponent("flame_layout.npz")
        try NPZArchive.write([
            ("v_template", NumPyArray(float64: template, shape: [n, 3])),
            ("shapedirs", NumPyArray(float64: shapedirs, shape: [n, 3, k + e])),
            ("f", NumPyArray(int32: model.mesh.triangles.flatMap { [Int32($0.x), Int32($0.y), Int32($0.z)] }, shape: [model.mesh.triangleCount, 3])),
            ("J_regressor", NumPyArray(float64: regressor, shape: [5, n])),
            ("weights", NumPyArray(float64: weights, shape: [n, 5])),
            ("kintree_table", NumPyArray(int64: [-1, 0, 1, 1, 1, 0, 1, 2, 3, 4], shape: [2, 5])),
        ], to: url)
        let embedding = folder.appendingPathComponent("embedding.npz")
        try NPZArchive.write([
            ("full_lmk_faces_idx", NumPyArray(int32: model.landmarks.triangles, shape: [68])),
            ("full_lmk_b_coords", NumPyArray(float64: model.landmarks.barycentric.flatMap { [Double($0.x), Double($0.y), Double($0.z)] }, shape: [68, 3])),
        ], to: embedding)
        return (url, embedding)
    }

    @Test func fitsAModelImportedThroughTheFLAMELayout() throws {
        let original = try FitFixture.model.get()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-flame-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, embedding) = try writeFLAMELayout(original, to: folder)
        let model = try FLAMEModelImporter.importModel(from: url, landmarkEmbedding: embedding, shapeCount: original.identityCount)
        #expect(model.vertexCount == original.vertexCount && model.identityCount == 40 && model.expressionCount == 36)
        #expect(distance(model.jaw!.pivot, original.jaw!.pivot) < 0.01)
        let rows = LandmarkRows(model: model)
        var options = SyntheticSequenceGenerator.Options()
        options.frames = 60
        options.noisePixels = 1
        options.maxYawDegrees = 25
        let (observed, truth) = SyntheticSequenceGenerator(rows: rows, options: options).make(seed: 12)
        var settings = FitSettings()
        settings.slideContour = false      // the DECA-style embedding has no contour bands here
        settings.identityFrameCorrelation = 0 // landmarks drawn from the model itself: every frame is independent evidence
        let fit = try SequenceFitter(rows: rows, settings: settings).fit([observed])
        let nme = fit.sequences[0].residualNormalized.filter { !$0.isNaN }
        #expect(nme.reduce(0, +) / Double(nme.count) < 0.015)
        let area = original.vertexRegions.indices.filter { original.vertexRegions[$0] > 0 }
        let reference = model.vertices(FaceParameters(identity: truth.identity.map(Float.init)))
        let fitted = model.vertices(FaceParameters(identity: fit.identity.map(Float.init)))
        let mean = model.vertices()
        let rmse = FitEvaluation.alignedRMSE(area.map { fitted[$0] }, area.map { reference[$0] })
        let baseline = FitEvaluation.alignedRMSE(area.map { mean[$0] }, area.map { reference[$0] })
        #expect(rmse < baseline / 2, "identity RMSE \(rmse) mm vs mean face \(baseline) mm")
    }
}

func distance(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { ((a - b) * (a - b)).sum().squareRoot() }
