import FaceModel
@testable import Fitting
import Foundation
import Testing

/// The far-side outline: where the jaw points of a turned head lie on the cheek's silhouette.
@Suite struct FarSideSilhouetteTests {
    /// The default model's outlines, built once.
    static let rows: Result<LandmarkRows, Error> = Result { try FitFixture.rows.get().withFarSideSilhouette(of: try FitFixture.model.get()) }

    func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }

    func view(_ far: FarSideSilhouette, yaw: Double) -> FarSideSilhouette.View {
        let a = yaw * .pi / 180
        return far.views[far.nearestView(SIMD3(sin(a), 0, cos(a)))]
    }

    @Test func outlinesLieOnTheirSideBetweenChinAndEyes() throws {
        let far = try #require(try Self.rows.get().farSide)
        let model = try FitFixture.model.get()
        let landmarks = model.landmarkPositions()
        #expect(far.views.count == 71 * 5)
        #expect(far.points.count == far.vertices.count && !far.vertices.isEmpty)
        let boundary = Set(model.openBoundaryVertices())
        for view in far.views {
            for (list, sign) in [(view.right, -1.0), (view.left, 1.0)] {
                for m in list {
                    let x = SIMD3<Double>(model.mesh.positions[far.vertices[m]])
                    #expect(sign * x.x > 0)
                    #expect(x.y >= Double(landmarks[8].y) - 5 - 1e-6 && x.y <= Double(landmarks[36].y + landmarks[45].y) / 2 + 1e-6)
                    #expect(!boundary.contains(far.vertices[m]))
                }
            }
        }
        // Each point's rows are its vertex's: the mean is the vertex position.
        for (p, v) in zip(far.points, far.vertices) {
            #expect(length(p.mean - SIMD3<Double>(model.mesh.positions[v])) < 1e-4)
        }
    }

    /// Turning the head away moves a side's outline forward on the cheek (a cylinder seen from 30° shows its
    /// far edge 60° from the front, not 90°), and the outline is the extreme of the side in the image.
    @Test func theFarOutlineMovesForwardAsTheHeadTurnsAway() throws {
        let far = try #require(try Self.rows.get().farSide)
        func meanZ(_ list: [Int]) -> Double { list.map { far.points[$0].mean.z }.reduce(0, +) / Double(max(list.count, 1)) }
        let front = view(far, yaw: 0), turned = view(far, yaw: 30)
        #expect(!front.right.isEmpty && !turned.right.isEmpty && !turned.left.isEmpty)
        #expect(meanZ(turned.right) > meanZ(front.right) + 5, "right outline z: \(meanZ(front.right)) at 0°, \(meanZ(turned.right)) at 30°")
        // Seen from 30° towards the subject's left, the right outline lies outside the right jawline band in the
        // image (the cheek bulges beyond the jaw's front edge): along the view's horizontal it is further out.
        let a = 30 * Double.pi / 180
        let across = SIMD3(cos(a), 0, -sin(a))
        let rows = try Self.rows.get()
        let band = (0..<8).flatMap { rows.contour[$0] }
        let bandOut = band.map { -($0.mean * across).sum() }.max()!
        let outlineOut = turned.right.map { -(far.points[$0].mean * across).sum() }.max()!
        #expect(outlineOut >= bandOut - 1, "outermost right outline \(outlineOut) mm vs band \(bandOut) mm")
    }

    @Test func theFitterUsesTheOutlineForImportedContoursOnly() throws {
        let model = try FitFixture.model.get()
        #expect(SequenceFitter(model: model).rows.farSide == nil)        // FaceAtlas's own bands: nearest rule on both sides
        var on = FitSettings()
        on.farSideSilhouette = true
        #expect(SequenceFitter(model: model, settings: on).rows.farSide != nil)
        var imported = model
        imported.provenance["contours"] = "sfm_model_contours.json"
        #expect(SequenceFitter(model: imported).rows.farSide != nil)
        var off = on
        off.slideContour = false
        #expect(SequenceFitter(model: imported, settings: off).rows.farSide == nil)
        // Baking an identity keeps the outline, with the identity folded into its points.
        let rows = try Self.rows.get()
        let beta = (0..<rows.identityCount).map { Double($0 % 3) - 1 }
        let baked = rows.withIdentity(beta)
        let far = try #require(rows.farSide), bakedFar = try #require(baked.farSide)
        let p = far.points[0], q = bakedFar.points[0]
        let expected = rows.position(p, identity: beta, expression: [], jaw: 0)
        #expect(length(q.mean - expected) < 1e-9)
    }

    /// A turned head fitted with the far-side outline: the fit is at least as close to the landmarks on the
    /// far side as with the bands, when the far-side points are where an outline puts them.
    @Test func aTurnedHeadFitsItsOutline() throws {
        let model = try FitFixture.model.get()
        let rows = try Self.rows.get()
        let far = try #require(rows.farSide)
        // The mean face turned 35° to its left; its right jaw points on the outline of that view.
        let yaw = 35 * Double.pi / 180
        let r = Rotation3(axisAngle: SIMD3(0, -yaw, 0))   // its third row, the viewer direction, is (sin 35°, 0, cos 35°)
        let outline = view(far, yaw: 35).right.map { far.points[$0].mean }.sorted { $0.y > $1.y }
        try #require(outline.count >= 8)
        var points = rows.landmarks.map { $0.mean }
        for (m, i) in (0..<8).enumerated() { points[i] = outline[min(outline.count - 1, m * (outline.count - 1) / 7)] }
        let image = points.map { x -> SIMD3<Double> in let y = r.apply(x); return SIMD3(320 + 3 * y.x, 240 - 3 * y.y, 0) }
        let observed = ObservedSequence(times: [0], points: [image], weights: [Array(repeating: 1, count: 68)], imageSize: SIMD2(640, 480))
        var bands = FitSettings()
        bands.farSideSilhouette = false
        var outlineSettings = FitSettings()
        outlineSettings.farSideSilhouette = true
        let withBands = try SequenceFitter(model: model, settings: bands).fit([observed])
        let withOutline = try SequenceFitter(model: model, settings: outlineSettings).fit([observed])
        func norm(_ v: [Double]) -> Double { v.map { $0 * $0 }.reduce(0, +).squareRoot() }
        let e = (withBands.sequences[0].residualPixels[0], withOutline.sequences[0].residualPixels[0])
        #expect(e.1 < e.0, "mean residual \(e.0) px with the bands, \(e.1) px with the outline")
        #expect(norm(withOutline.identity) < norm(withBands.identity),
                "identity norm \(norm(withBands.identity)) with the bands, \(norm(withOutline.identity)) with the outline, for the mean face")
    }
}
