import CLAPACKE
import CBLAS
import FaceModel
import Foundation
import Numerics

/// Fits a 3D morphable model to all the landmark sequences of one participant at once.
///
/// Unknowns: one identity β shared by every frame of every sequence (a participant's face does not
/// change between stimuli); per frame the expression ψₜ (action-unit intensities, kept in [0, 1]), the
/// jaw opening, the head rotation and translation and the camera scale; for a pinhole camera one focal
/// length. Objective: robust (Huber or Cauchy), confidence-weighted landmark reprojection error in
/// noise units, a Gaussian prior on β, an L1 sparsity prior and a small Gaussian prior on ψ, and
/// temporal smoothness of ψ, jaw and pose between neighbouring frames. The jawline landmarks slide
/// along the model's contour bands to the silhouette under the current pose.
///
/// Solver: Levenberg–Marquardt with analytic Jacobians over the landmark rows only. The normal
/// equations are accumulated sparsely (a landmark row touches only the action units that move its
/// point, the jaw, pose and camera), and one linearization serves every damping trial of an iteration.
/// The per-frame blocks, over each frame's free parameters only (action units held at a bound leave the
/// system), are block-tridiagonal (temporal smoothness couples only neighbours, and only the same
/// parameter); they are eliminated sequence by sequence by the block Thomas algorithm (`FrameChain`),
/// leaving the small shared block (identity, focal length) to be solved through its Schur complement.
/// Every step is linear in the number of frames. Per-frame normal equations are built in parallel; the
/// dense algebra goes through BLAS and LAPACK. The start is closed-form: an affine camera per frame from
/// the mean face, then one linear solve for identity and expression with the cameras held.
public struct SequenceFitter: Sendable {
    /// The model's landmark rows.
    public let rows: LandmarkRows
    /// The settings.
    public var settings: FitSettings

    /// A fitter for `model`.
    public init(model: FaceModel, settings: FitSettings = FitSettings()) {
        var rows = LandmarkRows(model: model, identityCount: settings.identityComponents)
        let farSide = settings.farSideSilhouette ?? (model.provenance["contours"] != nil)
        if farSide && settings.slideContour { rows = rows.withFarSideSilhouette(of: model) }
        if settings.denseLandmarkWeight > 0 { rows = rows.withDenseLandmarks(of: model) }
        self.rows = rows
        self.settings = settings
    }

    /// A fitter over precomputed rows.
    public init(rows: LandmarkRows, settings: FitSettings = FitSettings()) {
        self.rows = rows
        self.settings = settings
    }

    // MARK: - State

    /// The state of one frame.
    struct FrameState {
        var psi: [Double]
        var theta: Double
        var rotation: Rotation3
        var translation: SIMD3<Double>
        var logScale: Double
        var contourChoice: [Int]
    }

    /// The parameter layout of a frame block and of the shared block.
    struct Layout {
        let expressions: Int
        let hasJaw: Bool
        let camera: CameraModel
        let identity: Int
        let fitIdentity: Bool

        var jaw: Int { expressions }
        var rotation: Int { expressions + (hasJaw ? 1 : 0) }
        var translation: Int { rotation + 3 }
        var translationCount: Int { camera == .scaledOrthographic ? 2 : 3 }
        var scale: Int { translation + translationCount }
        var frameCount: Int { scale + (camera == .scaledOrthographic ? 1 : 0) }
        var sharedIdentity: Int { 0 }
        var focal: Int { fitIdentity ? identity : 0 }
        var sharedCount: Int { (fitIdentity ? identity : 0) + (camera == .pinhole ? 1 : 0) }
    }

    /// Fixed per-sequence quantities.
    struct SequenceContext {
        let observed: ObservedSequence
        /// One noise unit (pixels or mm).
        let sigma: Double
        /// Outer-eye-corner distance (pixels or mm), for NME.
        let eyeDistance: Double
        let principalPoint: SIMD2<Double>
    }

    // MARK: - Fitting

    /// Fits `sequences` (all of one participant) and returns the result.
    ///
    /// With `settings.identityFrames` > 0 and more frames than that, the identity is first fitted
    /// jointly on an evenly spread subset of frames from all sequences, then every frame is fitted
    /// with that identity held, starting from the subset frames around it (interpolated in time):
    /// identity estimation does not need hundreds of nearly identical frames, frames-only steps are
    /// several times cheaper, and a frame that starts next to a fitted one converges in a few steps.
    public func fit(_ sequences: [ObservedSequence], initialIdentity: [Double]? = nil) throws -> FitResult {
        let start = Date()
        let cpuStart = threadCPUSeconds()
        BLASThreads.useSingleThread()
        BLASThreads.keepFreedMemory()
        let total = sequences.reduce(0) { $0 + $1.count }
        let budget = settings.identityFrames
        guard settings.fitIdentity, budget > 0, total > budget else {
            return try fitJoint(sequences, initialIdentity: initialIdentity, start: start).result
        }
        // Stage 1: identity on a subset (every k-th valid frame), without temporal terms.
        var subsets: [ObservedSequence] = []
        var subsetFrames: [Int: [Int]] = [:]      // sequence → its frames in the subset
        for (index, s) in sequences.enumerated() {
            let valid = (0..<s.count).filter { s.isValid($0) }
            let share = max(2, Int((Double(valid.count) / Double(total) * Double(budget)).rounded()))
            let stride = max(1, valid.count / share)
            let picked = Swift.stride(from: 0, to: valid.count, by: stride).map { valid[$0] }
            guard !picked.isEmpty else { continue }
            subsetFrames[index] = picked
            subsets.append(ObservedSequence(times: picked.map { s.times[$0] }, points: picked.map { s.points[$0] },
                                            weights: picked.map { s.weights[$0] }, isMetric3D: s.isMetric3D, imageSize: s.imageSize))
        }
        var identityStage = self
        identityStage.settings.expressionSmoothing = 0
        identityStage.settings.poseSmoothing = 0
        // The identity settles within a few iterations; later ones only reshuffle jawline correspondences
        // (stage 2, which starts from these frames, settles those).
        identityStage.settings.iterations = min(settings.iterations, 6)
        let (first, firstStates) = try identityStage.fitJoint(subsets, initialIdentity: initialIdentity, start: start)
        if ProcessInfo.processInfo.environment["FACEATLAS_FIT_TRACE"] != nil { print("trace: stage 1 \(first.iterations) iterations, \(Date().timeIntervalSince(start)) s, costs \(first.costHistory.map { Int($0) })") }
        // Stage 2: every frame, identity held (folded into the rows).
        var frameStage = SequenceFitter(rows: rows.withIdentity(first.identity), settings: settings)
        frameStage.settings.fitIdentity = false
        let stageOneCPU = threadCPUSeconds()
        // Every frame starts from the stage-1 frames around it (interpolated), not from scratch.
        var starts: [[FrameState]?] = Array(repeating: nil, count: sequences.count)
        var subsetIndex = 0
        for index in sequences.indices {
            guard let picked = subsetFrames[index] else { continue }
            starts[index] = interpolatedStates(firstStates[subsetIndex], at: picked, count: sequences[index].count)
            subsetIndex += 1
        }
        var result = try frameStage.fitJoint(sequences, initialIdentity: [], start: start, focal: first.focalLength, startStates: starts).result
        if ProcessInfo.processInfo.environment["FACEATLAS_FIT_TRACE"] != nil { print("trace: wall \(Date().timeIntervalSince(start)) thread CPU stage 1 \(stageOneCPU - cpuStart) s, stage 2 \(threadCPUSeconds() - stageOneCPU) s, stage 2 \(result.iterations) iterations, costs \(result.costHistory.map { Int($0) })") }
        result.identity = first.identity
        result.iterations += first.iterations
        return result
    }

    /// Fits all `sequences` jointly; `startStates` (per sequence, optional) replaces the closed-form start.
    /// Returns the result and the final frame states.
    func fitJoint(_ sequences: [ObservedSequence], initialIdentity: [Double]?, start: Date, focal initialFocal: Double? = nil,
                  startStates: [[FrameState]?]? = nil) throws -> (result: FitResult, states: [[FrameState]]) {
        guard !sequences.isEmpty else { throw FittingError.noFrames }
        let camera = sequences.contains { $0.isMetric3D } ? CameraModel.metric3D : settings.camera
        let layout = Layout(expressions: rows.expressionCount, hasJaw: rows.jawPivot != nil, camera: camera,
                            identity: rows.identityCount, fitIdentity: settings.fitIdentity)
        var contexts: [SequenceContext] = []
        let pointCount = rows.landmarks.count
        let precision = pointPrecision()
        for var s in sequences {
            // Every frame holds one entry per row point: a 68-point sequence fitted with dense rows leaves the
            // dense points at weight 0; dense observations need dense rows.
            for t in 0..<s.count where s.weights[t].count != pointCount {
                guard s.weights[t].count < pointCount else { throw FittingError.denseWithoutEmbedding }
                let missing = pointCount - s.weights[t].count
                s.weights[t] += Array(repeating: 0, count: missing)
                s.points[t] += Array(repeating: .zero, count: missing)
            }
            for t in 0..<s.count { for i in 0..<pointCount where precision[i] != 1 { s.weights[t][i] *= precision[i] } }
            // The outer eye corners: iBUG 36 and 45, or Face Mesh 33 and 263 when the iBUG inner points are not used.
            let dense = pointCount > LandmarkRows.ibugCount + 263
                && (0..<s.count).contains { s.weights[$0][36] == 0 && s.weights[$0][LandmarkRows.ibugCount + 33] > 0 }
            let (right, left) = dense ? (LandmarkRows.ibugCount + 33, LandmarkRows.ibugCount + 263) : (36, 45)
            var distances: [Double] = []
            for t in 0..<s.count where s.weights[t][right] > 0 && s.weights[t][left] > 0 {
                let d = s.points[t][right] - s.points[t][left]
                distances.append(camera == .metric3D ? (d * d).sum().squareRoot() : (d.x * d.x + d.y * d.y).squareRoot())
            }
            guard !distances.isEmpty else { throw FittingError.noValidFrames }
            distances.sort()
            let eye = distances[distances.count / 2]
            let size = s.imageSize ?? SIMD2(0, 0)
            contexts.append(SequenceContext(observed: s, sigma: settings.noiseFraction * eye, eyeDistance: eye, principalPoint: size / 2))
        }
        var beta = initialIdentity.map { Array($0.prefix(rows.identityCount)) + Array(repeating: 0, count: max(0, rows.identityCount - $0.count)) }
            ?? Array(repeating: 0, count: rows.identityCount)
        var focal = 0.0
        var states = try contexts.indices.map { s in try startStates?[s] ?? initialStates(contexts[s], camera: camera, beta: beta) }
        let closedFormStart = contexts.indices.filter { startStates?[$0] == nil }
        if camera == .pinhole {
            // Focal length from the image size; translations from the orthographic start.
            let size = contexts[0].observed.imageSize ?? SIMD2(1000, 1000)
            focal = initialFocal ?? max(size.x, size.y) * 1.2
            for s in closedFormStart {
                let pp = contexts[s].principalPoint
                for t in states[s].indices {
                    let scale = exp(states[s][t].logScale)
                    let tz = -focal / scale
                    let tr = states[s][t].translation
                    states[s][t].translation = SIMD3((tr.x - pp.x) / scale, -(tr.y - pp.y) / scale, tz)
                }
            }
        }
        let problem = Problem(rows: rows, settings: settings, layout: layout, contexts: contexts, table: PointTable(rows))
        // Closed-form refinement: identity and expression with the cameras held (a linear solve).
        if (settings.fitIdentity || layout.expressions > 0) && !closedFormStart.isEmpty {
            _ = try problem.step(states: &states, beta: &beta, focal: &focal, lambda: 1e-6, lockPose: true, updateIdentity: settings.fitIdentity)
        }
        var lambda = 1e-3
        var cost = problem.cost(states: states, beta: beta, focal: focal)
        var history = [cost]
        var converged = false
        var iterations = 0
        var identityFrozen = !settings.fitIdentity
        while iterations < settings.iterations {
            iterations += 1
            if settings.slideContour { problem.updateContour(states: &states, beta: beta, focal: focal,
                                                                   window: iterations == 1 || iterations % 5 == 0 ? nil : 10, initial: iterations == 1) }
            // The linearization also gives the cost at the current state (correspondences may have changed).
            let linearization = problem.linearize(states: states, beta: beta, focal: focal)
            cost = linearization.cost
            var accepted = false
            for _ in 0..<8 {
                var trialStates = states, trialBeta = beta, trialFocal = focal
                let report = try problem.solve(linearization, states: &trialStates, beta: &trialBeta, focal: &trialFocal, lambda: lambda,
                                               lockPose: false, updateIdentity: !identityFrozen)
                // Even the linear model promises less than the tolerance: converged, no trial needed.
                if report.predictedDecrease < settings.tolerance * cost { break }
                let trialCost = problem.cost(states: trialStates, beta: trialBeta, focal: trialFocal)
                if trialCost < cost {
                    states = trialStates; beta = trialBeta; focal = trialFocal
                    let decrease = (cost - trialCost) / max(cost, 1e-12)
                    cost = trialCost
                    lambda = max(lambda / 3, 1e-7)
                    accepted = true
                    if report.identityStep < settings.identityFreezeThreshold { identityFrozen = true }
                    if decrease < settings.tolerance { converged = true }
                    break
                }
                lambda *= 8
            }
            history.append(cost)
            if !accepted { converged = true }
            if converged { break }
        }
        let result = problem.result(states: states, beta: beta, focal: focal, camera: camera, iterations: iterations,
                                    history: history, converged: converged, seconds: Date().timeIntervalSince(start))
        return (result, states)
    }

    // MARK: - Start

    /// States for all `count` frames of a sequence from the states of its frames `picked` (ascending):
    /// linear in time between them (rotations along the geodesic), held beyond the first and last.
    func interpolatedStates(_ known: [FrameState], at picked: [Int], count: Int) -> [FrameState] {
        var out: [FrameState] = []
        out.reserveCapacity(count)
        var k = 0
        for t in 0..<count {
            while k + 1 < picked.count && picked[k + 1] <= t { k += 1 }
            guard t > picked[k], k + 1 < picked.count else { out.append(known[k]); continue }
            let a = known[k], b = known[k + 1]
            let alpha = Double(t - picked[k]) / Double(picked[k + 1] - picked[k])
            var st = alpha < 0.5 ? a : b
            for j in st.psi.indices {
                let bounds = rows.expressionBounds[j]
                st.psi[j] = min(max(a.psi[j] + alpha * (b.psi[j] - a.psi[j]), bounds.lowerBound), bounds.upperBound)
            }
            st.theta = a.theta + alpha * (b.theta - a.theta)
            st.rotation = Rotation3(axisAngle: alpha * (b.rotation * a.rotation.transposed).axisAngle) * a.rotation
            st.translation = a.translation + alpha * (b.translation - a.translation)
            st.logScale = a.logScale + alpha * (b.logScale - a.logScale)
            out.append(st)
        }
        return out
    }


    /// The least-squares weight of each row point relative to one noise unit: the iBUG landmarks' from
    /// `settings.landmarkNoise`; each dense point's `settings.denseLandmarkWeight` / (1 + (spread / noise)²),
    /// with one noise unit in millimetres on the mean face (`settings.noiseFraction` of its eye-corner distance).
    func pointPrecision() -> [Double] {
        var out = (0..<LandmarkRows.ibugCount).map { settings.landmarkNoise.weight(of: $0) }
        guard rows.denseCount > 0 else { return out }
        let d = rows.landmarks[36].mean - rows.landmarks[45].mean
        let noise = settings.noiseFraction * (d * d).sum().squareRoot()
        for spread in rows.denseSpread {
            let r = spread / noise
            out.append(spread.isFinite ? settings.denseLandmarkWeight / (1 + r * r) : 0)
        }
        return out
    }

    /// Per frame: an affine camera from the mean face's landmarks, turned into a rotation, scale and
    /// translation (Kabsch for 3D input); invalid frames take their nearest valid neighbour's pose.
    func initialStates(_ context: SequenceContext, camera: CameraModel, beta: [Double]) throws -> [FrameState] {
        let s = context.observed
        let e = rows.expressionCount
        let model = rows.landmarks.indices.map { rows.defined[$0] ? rows.position(rows.landmarks[$0], identity: beta, expression: [], jaw: 0) : SIMD3<Double>(repeating: .nan) }
        var states: [FrameState?] = Array(repeating: nil, count: s.count)
        for t in 0..<s.count where s.isValid(t) {
            let ids = (17..<rows.landmarks.count).filter { rows.defined[$0] && s.weights[t][$0] > 0 }
            guard ids.count >= 6 else { continue }
            if camera == .metric3D {
                states[t] = kabsch(model: ids.map { model[$0] }, observed: ids.map { s.points[t][$0] }, expressions: e)
                continue
            }
            // Affine camera: x = A·[X; 1], least squares over the inner landmarks.
            var ata = [Double](repeating: 0, count: 16)
            var atbx = [Double](repeating: 0, count: 4), atby = [Double](repeating: 0, count: 4)
            for i in ids {
                let w = s.weights[t][i]
                let a = [model[i].x, model[i].y, model[i].z, 1]
                for r in 0..<4 {
                    for c in 0..<4 { ata[r * 4 + c] += w * a[r] * a[c] }
                    atbx[r] += w * a[r] * s.points[t][i].x
                    atby[r] += w * a[r] * s.points[t][i].y
                }
            }
            for d in 0..<3 { ata[d * 5] += 1e-6 }
            var rhs = atbx + atby
            var pivots = [Int32](repeating: 0, count: 4)
            var m = ata
            let info = LAPACKE_dgesv(LAPACK_COL_MAJOR, 4, 2, &m, 4, &pivots, &rhs, 4)
            guard info == 0 else { continue }
            let a1 = SIMD3(rhs[0], rhs[1], rhs[2]), a2 = SIMD3(rhs[4], rhs[5], rhs[6])
            let n1 = (a1 * a1).sum().squareRoot(), n2 = (a2 * a2).sum().squareRoot()
            // Image y runs down: the second row is −s·r₂.
            let rotation = Rotation3.orthonormalized(a1, -a2)
            let scale = (n1 + n2) / 2
            states[t] = FrameState(psi: Array(repeating: 0, count: e), theta: 0, rotation: rotation,
                                   translation: SIMD3(rhs[3], rhs[7], 0), logScale: log(scale), contourChoice: [])
        }
        guard let firstValid = states.firstIndex(where: { $0 != nil }) else { throw FittingError.noValidFrames }
        var last = states[firstValid]!
        var out: [FrameState] = []
        for t in 0..<s.count {
            if let st = states[t] { last = st }
            out.append(last)
        }
        for t in out.indices { out[t].contourChoice = rows.contour.map { $0.isEmpty || !settings.slideContour ? -1 : 0 } }
        return out
    }

    func kabsch(model: [SIMD3<Double>], observed: [SIMD3<Double>], expressions: Int) -> FrameState {
        let n = Double(model.count)
        let cm = model.reduce(.zero, +) / n, co = observed.reduce(.zero, +) / n
        var h = [Double](repeating: 0, count: 9)
        for (a, b) in zip(model, observed) {
            let p = a - cm, q = b - co
            for r in 0..<3 { for c in 0..<3 { h[r + 3 * c] += p[r] * q[c] } }
        }
        var s = [Double](repeating: 0, count: 3), u = [Double](repeating: 0, count: 9), vt = [Double](repeating: 0, count: 9)
        var work = h
        _ = LAPACKE_dgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "A")), 3, 3, &work, 3, &s, &u, 3, &vt, 3)
        // R = V·diag(1, 1, det(VUᵀ))·Uᵀ
        func at(_ m: [Double], _ r: Int, _ c: Int) -> Double { m[r + 3 * c] }
        var v = [[Double]](repeating: [0, 0, 0], count: 3)
        for r in 0..<3 { for c in 0..<3 { v[r][c] = at(vt, c, r) } }
        var rot = [[Double]](repeating: [0, 0, 0], count: 3)
        func build(_ d: Double) {
            for r in 0..<3 { for c in 0..<3 {
                rot[r][c] = v[r][0] * at(u, c, 0) + v[r][1] * at(u, c, 1) + d * v[r][2] * at(u, c, 2)
            } }
        }
        build(1)
        let det = rot[0][0] * (rot[1][1] * rot[2][2] - rot[1][2] * rot[2][1]) - rot[0][1] * (rot[1][0] * rot[2][2] - rot[1][2] * rot[2][0]) + rot[0][2] * (rot[1][0] * rot[2][1] - rot[1][1] * rot[2][0])
        if det < 0 { build(-1) }
        let rotation = Rotation3(r0: SIMD3(rot[0][0], rot[0][1], rot[0][2]), r1: SIMD3(rot[1][0], rot[1][1], rot[1][2]), r2: SIMD3(rot[2][0], rot[2][1], rot[2][2]))
        return FrameState(psi: Array(repeating: 0, count: expressions), theta: 0, rotation: rotation,
                          translation: co - rotation.apply(cm), logScale: 0, contourChoice: [])
    }
}

/// Why a fit could not run.
public enum FittingError: Error, CustomStringConvertible, Sendable {
    case noFrames
    case noValidFrames
    case singular(String)
    case denseWithoutEmbedding

    public var description: String {
        switch self {
        case .noFrames: "no landmark sequences to fit"
        case .noValidFrames: "no frame has the landmarks a fit needs (eye corners and at least six inner landmarks)"
        case .singular(let what): "the normal equations are singular (\(what)); too few valid landmarks?"
        case .denseWithoutEmbedding: "the landmarks are MediaPipe's dense points but the model has no dense embedding (faceatlas model calibrate-mediapipe)"
        }
    }
}

/// CPU seconds the calling thread has used (for the trace).
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
