import FaceModel

/// The rows of a `FaceModel` that landmark fitting touches, precomputed once per model:
/// for each of the 68 embedded landmarks, and for each jawline contour candidate vertex,
/// its mean position, its identity and expression basis rows and its jaw weight.
///
/// Fitting never evaluates the full mesh: a 300-frame sequence is fitted on these few hundred
/// points, which is what makes the fitter fast.
public struct LandmarkRows: Sendable {
    /// One model point (a landmark or a contour candidate vertex).
    public struct Point: Sendable {
        /// Mean position, mm.
        public var mean: SIMD3<Double>
        /// Identity basis rows, component-major: `identity[k]` is the displacement per unit β_k.
        public var identity: [SIMD3<Double>]
        /// Expression basis rows: `expression[j]` is the displacement per unit ψ_j.
        public var expression: [SIMD3<Double>]
        /// Jaw skinning weight.
        public var jawWeight: Double

        /// A point from its rows.
        public init(mean: SIMD3<Double>, identity: [SIMD3<Double>], expression: [SIMD3<Double>], jawWeight: Double) {
            self.mean = mean
            self.identity = identity
            self.expression = expression
            self.jawWeight = jawWeight
        }
    }

    /// The number of iBUG landmarks, which come first in `landmarks`.
    public static let ibugCount = 68

    /// The 68 iBUG landmarks, then the dense points when the rows have them (`withDenseLandmarks(of:)`);
    /// undefined ones have `defined[i] == false`.
    public var landmarks: [Point]
    /// Whether each landmark is defined on the model.
    public var defined: [Bool]
    /// For each contour landmark 0–16, its candidate points (front of the face to the side); empty to keep the fixed landmark.
    public var contour: [[Point]]
    /// Identity components used.
    public var identityCount: Int
    /// Expression components.
    public var expressionCount: Int
    /// The jaw pivot (mm), if the model has a jaw.
    public var jawPivot: SIMD3<Double>?
    /// Lower and upper bound of each expression coefficient (0…1 for action units, unbounded for statistical ones).
    public var expressionBounds: [ClosedRange<Double>]
    /// Whether expression coefficients are action-unit intensities (L1 sparsity prior) or statistical (Gaussian prior).
    public var expressionIsActionUnit: [Bool]
    /// The relative weight of each expression component's sparsity prior (the model's; 1 by default).
    public var expressionPriorWeights: [Double]
    /// The relative weight of the jaw opening's sparsity prior, per AU26 unit.
    public var jawPriorWeight: Double = 1
    /// The jaw angle (radians) of one AU26 unit: the sparsity prior on the jaw is in these units.
    public var jawUnitAngle: Double = 12 * .pi / 180
    /// The far-side outline points for turned heads (`withFarSideSilhouette(of:)`); nil keeps the bands on both sides.
    public var farSide: FarSideSilhouette?
    /// The calibration spread (mm) of each dense point (`landmarks[68...]`); empty without dense points.
    public var denseSpread: [Double] = []

    /// The number of dense points after the 68 iBUG landmarks.
    public var denseCount: Int { landmarks.count - Self.ibugCount }

    /// Rows given directly (68 landmark points, optional contour bands).
    public init(points: [Point], contour: [[Point]], jawPivot: SIMD3<Double>?, expressionBounds: [ClosedRange<Double>],
                expressionIsActionUnit: [Bool]) {
        precondition(points.count == 68)
        self.landmarks = points
        self.defined = Array(repeating: true, count: points.count)
        self.contour = contour.isEmpty ? Array(repeating: [], count: 17) : contour
        self.identityCount = points[0].identity.count
        self.expressionCount = points[0].expression.count
        self.jawPivot = jawPivot
        self.expressionBounds = expressionBounds
        self.expressionIsActionUnit = expressionIsActionUnit
        self.expressionPriorWeights = Array(repeating: 1, count: points[0].expression.count)
    }

    /// Precomputes the rows of `model`, using its first `identityCount` identity components (all by default).
    public init(model: FaceModel, identityCount: Int? = nil) {
        let k = min(identityCount ?? model.identityCount, model.identityCount)
        let e = model.expressionCount
        func vertexPoint(_ v: Int) -> Point { LandmarkRows.vertexPoint(v, of: model, identityCount: k) }
        var landmarks: [Point] = []
        var defined: [Bool] = []
        for i in 0..<LandmarkEmbedding.count {
            let t = Int(model.landmarks.triangles[i])
            if t < 0 {
                landmarks.append(Point(mean: .zero, identity: Array(repeating: .zero, count: k), expression: Array(repeating: .zero, count: e), jawWeight: 0))
                defined.append(false)
                continue
            }
            landmarks.append(LandmarkRows.surfacePoint(model.mesh.triangles[t], model.landmarks.barycentric[i], of: model, identityCount: k))
            defined.append(true)
        }
        self.landmarks = landmarks
        self.defined = defined
        self.contour = (0..<17).map { i in
            i < model.landmarks.contourCandidates.count ? model.landmarks.contourCandidates[i].map { vertexPoint(Int($0)) } : []
        }
        self.identityCount = k
        self.expressionCount = e
        self.jawPivot = model.jaw.map { SIMD3<Double>($0.pivot) }
        self.expressionBounds = model.expressions.map { $0.kind == .actionUnit ? 0...1 : -4...4 }
        self.expressionIsActionUnit = model.expressions.map { $0.kind == .actionUnit }
        self.expressionPriorWeights = (0..<e).map { Double(model.expressionPriorWeight($0)) }
        self.jawPriorWeight = Double(model.jawPriorWeight)
        if let jaw = model.jaw { self.jawUnitAngle = Double(jaw.jawDropDegrees) * .pi / 180 }
    }

    /// The fitter point of mesh vertex `v` of `model`, with its first `k` identity components.
    static func vertexPoint(_ v: Int, of model: FaceModel, identityCount k: Int) -> Point {
        let n = model.vertexCount
        let e = model.expressionCount
        let m = model.mesh.positions[v]
        let id = (0..<k).map { c in
            SIMD3<Double>(Double(model.identityBasis[c * 3 * n + 3 * v]), Double(model.identityBasis[c * 3 * n + 3 * v + 1]),
                          Double(model.identityBasis[c * 3 * n + 3 * v + 2]))
        }
        let ex = (0..<e).map { c in
            SIMD3<Double>(Double(model.expressionBasis[c * 3 * n + 3 * v]), Double(model.expressionBasis[c * 3 * n + 3 * v + 1]),
                          Double(model.expressionBasis[c * 3 * n + 3 * v + 2]))
        }
        return Point(mean: SIMD3<Double>(m), identity: id, expression: ex, jawWeight: Double(model.jaw?.weights[v] ?? 0))
    }

    /// These rows with the far-side outline of `model` (the model these rows were made from): the jaw
    /// points of the side turned away from the camera then lie on the cheek's outline
    /// (`FarSideSilhouette`). Unchanged when the model has no contour bands or no usable outline.
    public func withFarSideSilhouette(of model: FaceModel) -> LandmarkRows {
        guard contour.contains(where: { $0.count > 1 }) else { return self }
        var out = self
        out.farSide = FarSideSilhouette(model: model) { LandmarkRows.vertexPoint($0, of: model, identityCount: identityCount) }
        return out
    }

    /// The fitter point at barycentric coordinates `b` on triangle `f` of `model`, with its first `k` identity components.
    static func surfacePoint(_ f: SIMD3<UInt32>, _ b: SIMD3<Float>, of model: FaceModel, identityCount k: Int) -> Point {
        let e = model.expressionCount
        var out = Point(mean: .zero, identity: Array(repeating: .zero, count: k), expression: Array(repeating: .zero, count: e), jawWeight: 0)
        for (v, w) in zip([Int(f.x), Int(f.y), Int(f.z)], [Double(b.x), Double(b.y), Double(b.z)]) {
            let p = vertexPoint(v, of: model, identityCount: k)
            out.mean += w * p.mean
            for c in 0..<k { out.identity[c] += w * p.identity[c] }
            for c in 0..<e { out.expression[c] += w * p.expression[c] }
            out.jawWeight += w * p.jawWeight
        }
        return out
    }

    /// These rows with `model`'s dense landmarks (`FaceModel.denseLandmarks`, MediaPipe Face Mesh's 468
    /// points) after the 68 iBUG landmarks; unchanged when the model has none or the rows have them already.
    public func withDenseLandmarks(of model: FaceModel) -> LandmarkRows {
        guard let dense = model.denseLandmarks, denseCount == 0 else { return self }
        var out = self
        let k = identityCount
        for i in 0..<dense.count {
            let t = Int(dense.triangles[i])
            guard t >= 0 else {
                out.landmarks.append(Point(mean: .zero, identity: Array(repeating: .zero, count: k),
                                           expression: Array(repeating: .zero, count: expressionCount), jawWeight: 0))
                out.defined.append(false)
                out.denseSpread.append(.infinity)
                continue
            }
            let p = LandmarkRows.surfacePoint(model.mesh.triangles[t], dense.barycentric[i], of: model, identityCount: k)
            out.landmarks.append(p)
            out.defined.append(true)
            out.denseSpread.append(Double(dense.spread[i]))
        }
        return out
    }

    /// These rows with identity `beta` folded into the means and no identity components left:
    /// cheaper rows for fitting frames once the identity is known.
    public func withIdentity(_ beta: [Double]) -> LandmarkRows {
        var out = self
        func bake(_ p: Point) -> Point {
            var q = p
            for k in 0..<min(beta.count, p.identity.count) { q.mean += beta[k] * p.identity[k] }
            q.identity = []
            return q
        }
        out.landmarks = landmarks.map(bake)
        out.contour = contour.map { $0.map(bake) }
        out.farSide?.points = farSide?.points.map(bake) ?? []
        out.identityCount = 0
        return out
    }

    /// The model-frame position of `point` with identity β, expression ψ and jaw opening θ (radians).
    @inlinable
    public func position(_ point: Point, identity beta: [Double], expression psi: [Double], jaw theta: Double) -> SIMD3<Double> {
        var x = point.mean
        for c in 0..<min(beta.count, point.identity.count) { x += beta[c] * point.identity[c] }
        for c in 0..<min(psi.count, point.expression.count) { x += psi[c] * point.expression[c] }
        if let pivot = jawPivot, point.jawWeight > 0, theta != 0 {
            let d = x - pivot
            let c = cos(theta), s = sin(theta)
            let rotated = SIMD3(d.x, c * d.y - s * d.z, s * d.y + c * d.z)
            x += point.jawWeight * (rotated - d)
        }
        return x
    }
}

#if canImport(Glibc)
import Glibc
#endif
