import FaceModel
import Foundation

/// Estimates where annotators and trackers put each landmark relative to a model's anatomy, from
/// real annotated faces: one offset per landmark (mm, model frame, tangent to the skin), shared by
/// every face.
///
/// A model's landmark embedding is authored by hand; real annotations follow conventions (brows on
/// their upper edge, the nostril wings where the alar crease meets the lip, lip contours on the
/// vermilion border) that a template places only roughly. The systematic part of the difference
/// cannot be told from identity or expression on one face, but it is the same on every face; left in,
/// every fit pays for it with identity and action units (a face at rest fitted with raised brows, a
/// nose wrinkle, sucked-in lips). The calibration removes it.
///
/// Block-coordinate descent on the joint objective of all faces: fit every face with the current
/// offsets (the product's own fitter and settings), then, per landmark, solve the small weighted
/// least-squares problem for the offset change that best explains the faces' residuals through each
/// face's fitted camera (Huber-weighted; the component along the surface normal is held near zero,
/// since a landmark lies on the skin), and repeat. Jawline landmarks 0–16 slide over their contour
/// bands and are not calibrated.
public struct LandmarkCalibration: Sendable {
    /// One face (or a few frames of one person) with its weight in the estimate.
    public struct Face: Sendable {
        /// The face's name, for reports.
        public var name: String
        /// Its landmarks (2D image points).
        public var sequence: ObservedSequence
        /// Its weight (a person's frames together should weigh as one face).
        public var weight: Double

        /// Creates a face.
        public init(name: String, sequence: ObservedSequence, weight: Double = 1) {
            self.name = name
            self.sequence = sequence
            self.weight = weight
        }
    }

    /// What one round did.
    public struct Round: Sendable, Codable {
        /// Median NME of the faces' fits at the start of the round.
        public var medianNME: Double
        /// Median identity norm (SD units) of the fits.
        public var medianIdentityNorm: Double
        /// Mean offset length (mm) after the round.
        public var meanOffset: Double
        /// Largest change of an offset in this round (mm).
        public var largestChange: Double
    }

    /// The fitter settings (the product's defaults unless changed).
    public var settings: FitSettings
    /// Rounds of fitting and offset updates.
    public var rounds = 12
    /// Stop when no offset changes by more than this (mm).
    public var tolerance = 0.05
    /// Huber threshold of a landmark's residual, in noise units of its face.
    public var huber = 3.0
    /// Relative strength of the pull back to the skin (the normal component of an offset).
    public var normalStiffness = 50.0
    /// Relative ridge on every offset (keeps points that few faces see in place).
    public var ridge = 1e-3
    /// Which points are calibrated: the 68 iBUG landmarks (`withLandmarks(movedBy:)`) or MediaPipe's dense
    /// points (`withDenseLandmarks(movedBy:)`; the faces then hold dense frames, `ObservedSequence(_:dense:)`).
    public enum Scheme: String, Sendable { case ibug, dense }
    /// The points calibrated.
    public var scheme = Scheme.ibug
    /// The share of each round's solution taken (below 1 damps the jumps of a landmark between triangles
    /// and of jawline correspondences from round to round).
    public var damping = 0.6

    /// Creates an estimator with the given fitter settings.
    public init(settings: FitSettings = FitSettings()) {
        self.settings = settings
    }

    /// Estimates offsets on `faces` for `model`, whose landmark embedding is the uncalibrated one.
    /// Returns the offsets (68, zero for the jawline; or one per dense point) and a report per round.
    public func estimate(model: FaceModel, faces: [Face], progress: ((Int, Round) -> Void)? = nil) throws -> (offsets: [SIMD3<Float>], rounds: [Round]) {
        guard !faces.isEmpty else { throw FittingError.noFrames }
        let dense = scheme == .dense
        guard !dense || model.denseLandmarks != nil else { throw FittingError.denseWithoutEmbedding }
        let count = dense ? model.denseLandmarks!.count : LandmarkRows.ibugCount
        let calibrated = dense ? 0..<count : 17..<count
        // Row index of point i in the observations: the dense points follow the 68 iBUG points.
        let first = dense ? LandmarkRows.ibugCount : 0
        var offsets = [SIMD3<Double>](repeating: .zero, count: count)
        var report: [Round] = []
        let normals = dense
            ? Self.surfaceNormals(model, triangles: model.denseLandmarks!.triangles, barycentric: model.denseLandmarks!.barycentric)
            : Self.surfaceNormals(model, triangles: model.landmarks.triangles, barycentric: model.landmarks.barycentric)
        for round in 0..<rounds {
            let moves = offsets.map(SIMD3<Float>.init)
            let current = dense ? model.withDenseLandmarks(movedBy: moves) : model.withLandmarks(movedBy: moves)
            let fitter = SequenceFitter(model: current, settings: settings)
            let fits = try faces.map { try fitter.fit([$0.sequence]) }
            var h = [[Double]](repeating: [Double](repeating: 0, count: 9), count: count)
            var g = [SIMD3<Double>](repeating: .zero, count: count)
            var nmes: [Double] = [], norms: [Double] = []
            for (face, fit) in zip(faces, fits) {
                let seq = fit.sequences[0], obs = face.sequence
                norms.append(fit.identity.reduce(0) { $0 + $1 * $1 }.squareRoot())
                let validFrames = (0..<obs.count).filter { seq.valid[$0] }
                guard !validFrames.isEmpty else { continue }
                nmes.append(validFrames.map { seq.residualNormalized[$0] }.reduce(0, +) / Double(validFrames.count))
                let frameWeight = face.weight / Double(validFrames.count)
                for t in validFrames {
                    let p = obs.points[t]
                    let eye = ((p[36] - p[45]) * (p[36] - p[45])).sum().squareRoot()
                    let sigma = settings.noiseFraction * eye
                    let r = Rotation3(axisAngle: seq.rotation[t])
                    let s = seq.scale[t]
                    // ∂(image point)/∂(model offset): the scaled first two rows of R, the second negated (image y down).
                    let a0 = s * r.r0, a1 = -s * r.r1
                    for i in calibrated where obs.weights[t][first + i] > 0 {
                        let fitted = dense ? seq.densePoints[t][i] : seq.landmarks[t][i]
                        guard fitted.x.isFinite else { continue }
                        let res = SIMD2(p[first + i].x - fitted.x, p[first + i].y - fitted.y)
                        let e = (res * res).sum().squareRoot() / sigma
                        let w = frameWeight * obs.weights[t][first + i] * (e <= huber ? 1 : huber / e) / (sigma * sigma)
                        for row in 0..<3 { for col in 0..<3 { h[i][row * 3 + col] += w * (a0[row] * a0[col] + a1[row] * a1[col]) } }
                        g[i] += w * (a0 * res.x + a1 * res.y)
                    }
                }
            }
            var largest = 0.0
            for i in calibrated {
                let trace = (h[i][0] + h[i][4] + h[i][8]) / 3
                guard trace > 0 else { continue }
                var m = h[i]
                let n = normals[i]
                // The pull back to the skin acts on the total offset: solve for the new total directly.
                for row in 0..<3 {
                    for col in 0..<3 { m[row * 3 + col] += trace * (normalStiffness * n[row] * n[col] + (row == col ? ridge : 0)) }
                }
                var rhs = g[i]
                for row in 0..<3 { for col in 0..<3 { rhs[row] += h[i][row * 3 + col] * offsets[i][col] } }
                guard let updated = Self.solve3(m, rhs) else { continue }
                let change = damping * (updated - offsets[i])
                largest = max(largest, (change * change).sum().squareRoot())
                offsets[i] += change
            }
            let lengths = calibrated.map { (offsets[$0] * offsets[$0]).sum().squareRoot() }
            let entry = Round(medianNME: Self.median(nmes), medianIdentityNorm: Self.median(norms),
                              meanOffset: lengths.reduce(0, +) / Double(lengths.count), largestChange: largest)
            report.append(entry)
            progress?(round, entry)
            if largest < tolerance { break }
        }
        return (offsets.map(SIMD3<Float>.init), report)
    }

    /// The unit surface normal of the mean face at each point given by `triangles` and `barycentric` (zero where undefined).
    static func surfaceNormals(_ model: FaceModel, triangles: [Int32], barycentric: [SIMD3<Float>]) -> [SIMD3<Double>] {
        let mesh = model.mesh.withNormals()
        return triangles.indices.map { i in
            let t = triangles[i]
            guard t >= 0, !mesh.normals.isEmpty else { return .zero }
            let f = mesh.triangles[Int(t)], b = barycentric[i]
            let n = SIMD3<Double>(mesh.normals[Int(f.x)] * b.x + mesh.normals[Int(f.y)] * b.y + mesh.normals[Int(f.z)] * b.z)
            let length = (n * n).sum().squareRoot()
            return length > 0 ? n / length : .zero
        }
    }

    /// Solves the 3×3 system `m x = b` (row-major) by Cramer's rule; nil when singular.
    static func solve3(_ m: [Double], _ b: SIMD3<Double>) -> SIMD3<Double>? {
        func det(_ a: [Double]) -> Double {
            a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6])
        }
        let d = det(m)
        guard abs(d) > 1e-300, d.isFinite else { return nil }
        var out = SIMD3<Double>.zero
        for c in 0..<3 {
            var a = m
            for r in 0..<3 { a[r * 3 + c] = b[r] }
            out[c] = det(a) / d
        }
        return out
    }

    static func median(_ values: [Double]) -> Double {
        let v = values.filter(\.isFinite).sorted()
        return v.isEmpty ? .nan : v[v.count / 2]
    }
}
