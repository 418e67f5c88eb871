import CBLAS
import CLAPACKE
import FaceAtlasCore
import Foundation

extension SequenceFitter {
    /// The least-squares problem of one participant: residuals, normal equations, and the
    /// block-tridiagonal/Schur solve of one Levenberg–Marquardt step.
    struct Problem {
        let rows: LandmarkRows
        let settings: FitSettings
        let layout: Layout
        let contexts: [SequenceContext]
        let table: PointTable
        /// The identity prior's weight for this fit: the settings' weight times 1 + (n − 1)ρ for n valid frames
        /// (ρ = `identityFrameCorrelation`). A person's landmarks differ from any model face by a part that is the
        /// same in every frame (how the model's anatomy and the annotator's conventions differ for this face), so
        /// n frames carry the evidence of only n / (1 + (n − 1)ρ) independent ones about the identity: pooling many
        /// frames sharpens the identity, but never lets it run beyond what a few independent views would support.
        let identityPriorWeight: Double
        /// Per sequence and frame t ≥ 1, the scale of the temporal-smoothness weights between frames t − 1 and t
        /// (`FitSettings.smoothingInterval` over the frames' time step; index 0 unused).
        let smoothingScales: [[Double]]

        init(rows: LandmarkRows, settings: FitSettings, layout: Layout, contexts: [SequenceContext], table: PointTable) {
            self.rows = rows
            self.settings = settings
            self.layout = layout
            self.contexts = contexts
            self.table = table
            let n = Double(contexts.reduce(0) { total, c in total + (0..<c.observed.count).filter { c.observed.isValid($0) }.count })
            identityPriorWeight = settings.identityPrior * (1 + max(0, n - 1) * settings.identityFrameCorrelation)
            smoothingScales = contexts.map { c in
                let times = c.observed.times
                return times.indices.map { t in t == 0 ? 1 : settings.smoothingScale(timeStep: times[t] - times[t - 1]) }
            }
        }

        /// Pose smoothness scale: noise units per radian (or per unit log-scale) at the eye distance.
        var kappa: Double { 1 / settings.noiseFraction }

        /// Frame indices (sequence, frame) in one flat list, for parallel loops.
        var allFrames: [(Int, Int)] {
            contexts.indices.flatMap { s in (0..<contexts[s].observed.count).map { (s, $0) } }
        }

        /// The table index of the model point landmark `i` uses in this frame (nil when undefined).
        func point(_ i: Int, _ st: FrameState) -> Int? {
            if i < 17, i < st.contourChoice.count, st.contourChoice[i] >= 0 { return contourPoint(i, st.contourChoice[i]) }
            let p = table.landmark[i]
            return p >= 0 ? p : nil
        }

        /// The table index of jawline landmark `i`'s candidate `choice`: its band's points first, then the
        /// far-side outline points (`choice − band.count` indexes `PointTable.farSidePoints`).
        @inline(__always)
        func contourPoint(_ i: Int, _ choice: Int) -> Int {
            let band = table.contour[i]
            return choice < band.count ? band[choice] : table.farSidePoints[choice - band.count]
        }

        func position(_ p: Int, _ beta: [Double], _ st: FrameState) -> SIMD3<Double> {
            table.position(p, identity: beta, expression: st.psi, jaw: st.theta)
        }

        /// One frame's projection, with its scale exponentiated once.
        struct FrameProjection {
            let camera: CameraModel
            let rotation: Rotation3
            let scale: Double
            let translation: SIMD3<Double>
            let focal: Double
            let principalPoint: SIMD2<Double>

            /// The observation-space position of model point `x` (pixels, or mm for 3D).
            @inline(__always)
            func callAsFunction(_ x: SIMD3<Double>) -> SIMD3<Double> {
                let y = rotation.apply(x)
                switch camera {
                case .scaledOrthographic:
                    return SIMD3(scale * y.x + translation.x, -scale * y.y + translation.y, 0)
                case .pinhole:
                    let c = y + translation
                    return SIMD3(principalPoint.x - focal * c.x / c.z, principalPoint.y + focal * c.y / c.z, 0)
                case .metric3D:
                    return y + translation
                }
            }
        }

        func projection(_ st: FrameState, focal: Double, _ ctx: SequenceContext) -> FrameProjection {
            FrameProjection(camera: layout.camera, rotation: st.rotation, scale: exp(st.logScale), translation: st.translation,
                            focal: focal, principalPoint: ctx.principalPoint)
        }

        /// The observation-space position of model point `x` (pixels, or mm for 3D).
        func project(_ x: SIMD3<Double>, _ st: FrameState, focal: Double, _ ctx: SequenceContext) -> SIMD3<Double> {
            projection(st, focal: focal, ctx)(x)
        }

        func difference(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
            layout.camera == .metric3D ? a - b : SIMD3(a.x - b.x, a.y - b.y, 0)
        }

        /// Translation smoothness scale (noise units per unit translation).
        func translationScale(_ st: FrameState, focal: Double, _ ctx: SequenceContext) -> Double {
            switch layout.camera {
            case .scaledOrthographic, .metric3D: return 1 / ctx.sigma
            case .pinhole: return focal / max(abs(st.translation.z), 1) / ctx.sigma
            }
        }

        func robustCost(_ r: Double) -> Double {
            switch settings.robustLoss {
            case .none: return r * r / 2
            case .huber(let c): return r <= c ? r * r / 2 : c * (r - c / 2)
            case .cauchy(let c): return c * c / 2 * log(1 + (r / c) * (r / c))
            }
        }

        // MARK: Cost

        func cost(states: [[FrameState]], beta: [Double], focal: Double) -> Double {
            let problem = self
            let frames = allFrames
            let perFrame = Parallel.map(frames.count, threads: settings.threads) { i in
                let (s, t) = frames[i]
                let ctx = problem.contexts[s]
                var c = problem.frameCost(states[s][t], t, ctx, beta: beta, focal: focal)
                if t > 0 { c += problem.temporalCost(states[s][t - 1], states[s][t], focal: focal, ctx, scale: problem.smoothingScales[s][t]) }
                return c
            }
            var total = perFrame.reduce(0, +)
            if layout.fitIdentity { total += identityPriorWeight * beta.reduce(0) { $0 + $1 * $1 } / 2 }
            return total
        }

        /// The data and prior cost of one frame (temporal terms left out).
        func frameCost(_ st: FrameState, _ t: Int, _ ctx: SequenceContext, beta: [Double], focal: Double) -> Double {
            let obs = ctx.observed
            var total = 0.0
            let project = projection(st, focal: focal, ctx)
            let jc = cos(st.theta), js = sin(st.theta)
            for i in 0..<obs.weights[t].count where obs.weights[t][i] > 0 {
                guard let p = point(i, st) else { continue }
                let x = project(table.position(p, identity: beta, expression: st.psi, jawCos: jc, jawSin: js))
                let d = difference(x, obs.points[t][i]) / ctx.sigma
                total += obs.weights[t][i] * robustCost((d * d).sum().squareRoot())
            }
            return total + priorCost(st)
        }

        /// The temporal-smoothness cost between consecutive frames `a` and `b`, its weights times `scale`.
        func temporalCost(_ a: FrameState, _ b: FrameState, focal: Double, _ ctx: SequenceContext, scale: Double) -> Double {
            var c = 0.0
            let mu = settings.expressionSmoothing * scale
            if mu > 0 {
                for j in 0..<layout.expressions { c += mu * (b.psi[j] - a.psi[j]) * (b.psi[j] - a.psi[j]) / 2 }
                c += mu * (b.theta - a.theta) * (b.theta - a.theta) / 2
            }
            let mp = settings.poseSmoothing * scale
            if mp > 0 {
                // Chordal distance ½·μ/2·‖R_t − R_{t−1}‖²_F (≈ ½μθ² for small angles θ), exact at any speed.
                let d0 = b.rotation.r0 - a.rotation.r0, d1 = b.rotation.r1 - a.rotation.r1, d2 = b.rotation.r2 - a.rotation.r2
                c += mp * kappa * kappa / 2 * ((d0 * d0).sum() + (d1 * d1).sum() + (d2 * d2).sum()) / 2
                let ts = translationScale(b, focal: focal, ctx)
                let dt = (b.translation - a.translation) * ts
                c += mp * (dt * dt).sum() / 2
                if layout.camera == .scaledOrthographic {
                    c += mp * kappa * kappa * (b.logScale - a.logScale) * (b.logScale - a.logScale) / 2
                }
            }
            return c
        }

        // MARK: Contour

        /// Candidates of a band whose cheap score is checked exactly.
        static let exactContourCandidates = 6

        /// The position of every model point with the identity applied but no expression and the jaw
        /// closed: the cheap first pass of the contour search (with the identity folded into the rows,
        /// simply the means).
        func neutralPositions(beta: [Double]) -> [SIMD3<Double>] {
            let d = table.raw.data
            let count = table.activeStart.count - 1
            var out = [SIMD3<Double>](repeating: .zero, count: count)
            let k = min(beta.count, table.identityCount)
            for p in 0..<count {
                let base = p * table.stride
                var x = SIMD3(d[base], d[base + 1], d[base + 2])
                var o = base + 3
                for c in 0..<k {
                    let b = beta[c]
                    if b != 0 { x += b * SIMD3(d[o], d[o + 1], d[o + 2]) }
                    o += 3
                }
                out[p] = x
            }
            return out
        }

        /// `x` (a position of point `p`) with the jaw opened by the angle of cosine `c` and sine `s`.
        @inline(__always)
        func jawOpened(_ x: SIMD3<Double>, _ p: Int, _ c: Double, _ s: Double) -> SIMD3<Double> {
            let w = table.raw.data[p * table.stride + table.stride - 1]
            guard let pivot = table.jawPivot, w > 0, s != 0 else { return x }
            let v = x - pivot
            return x + w * (SIMD3(v.x, c * v.y - s * v.z, s * v.y + c * v.z) - v)
        }

        /// The exact position of point `p` from its neutral position: expression added, jaw opened.
        @inline(__always)
        func position(_ p: Int, neutral: SIMD3<Double>, expression psi: UnsafeBufferPointer<Double>, _ c: Double, _ s: Double) -> SIMD3<Double> {
            let d = table.raw.data, act = table.raw.active
            var x = neutral
            let e0 = p * table.stride + 3 + 3 * table.identityCount
            for a in Int(table.raw.activeStart[p])..<Int(table.raw.activeStart[p + 1]) {
                let j = Int(act[a])
                let v = psi[j]
                if v != 0 { let q = e0 + 3 * j; x += v * SIMD3(d[q], d[q + 1], d[q + 2]) }
            }
            return jawOpened(x, p, c, s)
        }

        /// Slides each jawline landmark to its candidate vertex: the outermost projection of its band
        /// (silhouette rule) or the projection nearest its observation (nearest rule). Each band is searched
        /// in two passes: every candidate in range scored at its neutral position with the jaw opened (cheap),
        /// then the best few, and the current choice, scored exactly.
        func updateContour(states: inout [[FrameState]], beta: [Double], focal: Double, window: Int? = nil, initial: Bool = false) {
            let problem = self
            let frames = allFrames
            let snapshot = states
            let neutralBuffer = neutralPositions(beta: beta)
            let choices = Parallel.map(frames.count, threads: settings.threads) { index -> [Int] in
                let (s, t) = frames[index]
                let ctx = problem.contexts[s]
                let obs = ctx.observed
                let st = snapshot[s][t]
                var choice = st.contourChoice
                let jc = cos(st.theta), js = sin(st.theta)
                let project = problem.projection(st, focal: focal, ctx)
                let silhouette = problem.settings.contourRule == .silhouette
                let topCount = Problem.exactContourCandidates
                // Under the scaled-orthographic camera the projection is affine and the jaw rotation linear, so a
                // candidate's cheap score is a few dot products: a0, a1 project, c0, c1 add the jaw's motion.
                let orthographic = problem.layout.camera == .scaledOrthographic
                var a0 = SIMD3<Double>.zero, a1 = SIMD3<Double>.zero, c0 = SIMD3<Double>.zero, c1 = SIMD3<Double>.zero
                var pivot = SIMD3<Double>.zero
                if orthographic {
                    a0 = project.scale * st.rotation.r0; a1 = -project.scale * st.rotation.r1
                    if let jawPivot = problem.table.jawPivot {
                        // (R_jaw − I)ᵀ a: the change of a·X per unit of (X − pivot) moved by the jaw.
                        c0 = SIMD3(0, (jc - 1) * a0.y + js * a0.z, -js * a0.y + (jc - 1) * a0.z)
                        c1 = SIMD3(0, (jc - 1) * a1.y + js * a1.z, -js * a1.y + (jc - 1) * a1.z)
                        pivot = jawPivot
                    }
                }
                let offset = SIMD2(project.translation.x, project.translation.y)
                withUnsafeTemporaryAllocation(of: Double.self, capacity: topCount) { topScoreBuffer in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: topCount) { topIndexBuffer in
                let topScore = topScoreBuffer.baseAddress!, topIndex = topIndexBuffer.baseAddress!
                st.psi.withUnsafeBufferPointer { psi in problem.table.jawWeights.withUnsafeBufferPointer { jawWeights in
                neutralBuffer.withUnsafeBufferPointer { neutral in
                    // The silhouette direction starts at the nose bridge (landmark 29).
                    let centre = problem.point(29, st).map { project(problem.position($0, neutral: neutral[$0], expression: psi, jc, js)) }
                    let weights = obs.weights[t]
                    // The far side's outline view (FarSideSilhouette): the viewer direction is R's third row.
                    let farSide = problem.table.farSide
                    let view = farSide.map { $0.views[$0.nearestView(st.rotation.r2)] }
                    for i in 0..<17 where !problem.table.contour[i].isEmpty && weights[i] > 0 {
                        let band = problem.table.contour[i]
                        if let view, i != 8, (i < 8 ? -st.rotation.r2.x : st.rotation.r2.x) < -FarSideSilhouette.farSideThreshold {
                            // The side turned away: the outline point nearest the observation (averaged over ±2 frames
                            // when smoothed), with the nearest rule's hysteresis.
                            let members = i < 8 ? view.right : view.left
                            if !members.isEmpty {
                                var target = obs.points[t][i]
                                if problem.settings.expressionSmoothing > 0 || problem.settings.poseSmoothing > 0 {
                                    var sum = SIMD3<Double>.zero, n = 0.0
                                    for u in max(0, t - 2)...min(obs.count - 1, t + 2) where obs.weights[u][i] > 0 {
                                        sum += obs.points[u][i]; n += 1
                                    }
                                    if n > 0 { target = sum / n }
                                }
                                var best = -1, bestDistance = Double.infinity, currentDistance = Double.infinity
                                for m in members {
                                    let p = problem.table.farSidePoints[m]
                                    let d = problem.difference(project(problem.position(p, neutral: neutral[p], expression: psi, jc, js)), target)
                                    let distance = (d * d).sum().squareRoot()
                                    if distance < bestDistance { bestDistance = distance; best = m }
                                    if band.count + m == choice[i] { currentDistance = distance }
                                }
                                if initial || bestDistance < currentDistance - 0.3 * ctx.sigma { choice[i] = band.count + best }
                                continue
                            }
                        }
                        var range = 0..<band.count
                        if let window, choice[i] >= 0, choice[i] < band.count {
                            range = max(0, choice[i] - window)..<min(band.count, choice[i] + window + 1)
                        }
                        // Silhouette: the score is the projection along the direction from the nose bridge (landmark 29)
                        // to the band's frontal point. Nearest: the score is minus the distance to the observation,
                        // averaged over ±2 frames when the fit is temporally smoothed.
                        var outward = SIMD3<Double>.zero, target = obs.points[t][i]
                        if silhouette {
                            guard let centre, problem.table.landmark[i] >= 0 else { continue }
                            let f = problem.table.landmark[i]
                            let frontal = project(problem.position(f, neutral: neutral[f], expression: psi, jc, js))
                            outward = problem.difference(frontal, centre)
                            outward /= max((outward * outward).sum().squareRoot(), 1e-9)
                        } else if problem.settings.expressionSmoothing > 0 || problem.settings.poseSmoothing > 0 {
                            var sum = SIMD3<Double>.zero, n = 0.0
                            for u in max(0, t - 2)...min(obs.count - 1, t + 2) where obs.weights[u][i] > 0 {
                                sum += obs.points[u][i]; n += 1
                            }
                            if n > 0 { target = sum / n }
                        }
                        func score(_ model: SIMD3<Double>) -> Double {
                            let x = project(model)
                            if silhouette { return (problem.difference(x, centre!) * outward).sum() }
                            let d = problem.difference(x, target)
                            return -(d * d).sum().squareRoot()
                        }
                        // Cheap pass: keep the best few.
                        let centreXY = SIMD2(centre?.x ?? 0, centre?.y ?? 0), outwardXY = SIMD2(outward.x, outward.y)
                        let targetXY = SIMD2(target.x, target.y)
                        func cheapScore(_ p: Int) -> Double {
                            guard orthographic else { return score(problem.jawOpened(neutral[p], p, jc, js)) }
                            let x = neutral[p], w = jawWeights[p], d = x - pivot
                            let u = SIMD2((a0 * x).sum() + w * (c0 * d).sum(), (a1 * x).sum() + w * (c1 * d).sum()) + offset
                            if silhouette { return ((u - centreXY) * outwardXY).sum() }
                            let e = u - targetXY
                            return -(e * e).sum()
                        }
                        // The kept candidates are unordered; `weakest` is the slot with the lowest score once all are filled.
                        var kept = 0, weakest = 0
                        band.withUnsafeBufferPointer { candidates in
                        for k in range {
                            let v = cheapScore(candidates[k])
                            if kept < topCount {
                                topScore[kept] = v; topIndex[kept] = k; kept += 1
                                if kept < topCount { continue }
                            } else {
                                if v <= topScore[weakest] { continue }
                                topScore[weakest] = v; topIndex[weakest] = k
                            }
                            weakest = 0
                            for slot in 1..<topCount where topScore[slot] < topScore[weakest] { weakest = slot }
                        }
                        }
                        // Exact pass.
                        func exact(_ k: Int) -> Double { score(problem.position(band[k], neutral: neutral[band[k]], expression: psi, jc, js)) }
                        let current = choice[i]
                        var best = topIndex[0], bestScore = -Double.infinity, currentScore = -Double.infinity
                        for slot in 0..<kept {
                            let v = exact(topIndex[slot])
                            if topIndex[slot] == current { currentScore = v }
                            if v > bestScore { bestScore = v; best = topIndex[slot] }
                        }
                        if range.contains(current) && currentScore == -.infinity {
                            currentScore = exact(current)
                            if currentScore > bestScore { bestScore = currentScore; best = current }
                        }
                        // Hysteresis (nearest rule): keep the current candidate unless another is nearer by 0.3 noise
                        // units, so that landmark noise does not make the jawline flicker between neighbours.
                        if !silhouette && !initial && range.contains(current) && bestScore < currentScore + 0.3 * ctx.sigma { best = current }
                        choice[i] = best
                    }
                } } }
                } }
                return choice
            }
            for (index, (s, t)) in frames.enumerated() { states[s][t].contourChoice = choices[index] }
        }


        // MARK: Normal equations of one frame

        /// Adds one frame's landmark rows to its normal matrix `normal` (n×n, column-major, upper triangle,
        /// n = frame + shared parameters; zero on entry) and gradient `gradient` (n), and returns the frame's
        /// data and prior cost. The Jacobian is never stored: a landmark row touches only the action units
        /// that move its point, the jaw, the pose and the camera, so its outer product is accumulated
        /// sparsely; the dense shared columns (identity, focal length) go through one BLAS rank-k update.
        func assemble(_ st: FrameState, _ t: Int, _ ctx: SequenceContext, beta: [Double], focal: Double,
                      normal H: UnsafeMutablePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
            let obs = ctx.observed
            let P = layout.frameCount, Q = layout.sharedCount, n = P + Q
            let dim = layout.camera == .metric3D ? 3 : 2
            let maxRows = obs.weights[t].count * dim
            let s = exp(st.logScale)
            let rot = st.rotation
            let K = layout.fitIdentity ? rows.identityCount : 0
            let c = cos(st.theta), sn = sin(st.theta)
            let d = table.raw.data, act = table.raw.active, starts = table.raw.activeStart
            let tableStride = table.stride, identityStride = 3 * table.identityCount
            let weights = obs.weights[t], points = obs.points[t]
            var cost = 0.0
            withUnsafeTemporaryAllocation(of: Double.self, capacity: Q > 0 ? maxRows * (Q + P) : 1) { shared in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * P) { columnBuffer in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * P) { valueBuffer in
            beta.withUnsafeBufferPointer { b in st.psi.withUnsafeBufferPointer { e in
            table.data.withUnsafeBufferPointer { data in table.active.withUnsafeBufferPointer { activeList in
                let sharedRows = shared.baseAddress!, frameRows = sharedRows + maxRows * Q
                if Q > 0 { frameRows.initialize(repeating: 0, count: maxRows * P) }
                let cols = columnBuffer.baseAddress!, offsets = cols + P, vals = valueBuffer.baseAddress!
                var m = 0
                for i in 0..<weights.count where weights[i] > 0 {
                    guard let p = point(i, st) else { continue }
                    let base = p * tableStride
                    let idBase = base + 3, exBase = base + 3 + identityStride
                    let xPre = table.preJaw(p, identity: b, expression: e, data, activeList)
                    let jawWeight = d[base + tableStride - 1]
                    // Jaw: X = Xpre + w (Rj d − d), M = ∂X/∂Xpre = (1 − w) I + w Rj.
                    var x = xPre
                    var m1 = SIMD3<Double>(0, 1, 0), m2 = SIMD3<Double>(0, 0, 1)
                    var dXdTheta = SIMD3<Double>.zero
                    let jawMoves = rows.jawPivot != nil && jawWeight > 0
                    if let pivot = rows.jawPivot, jawWeight > 0 {
                        let w = jawWeight
                        let dd = xPre - pivot
                        let rd = SIMD3(dd.x, c * dd.y - sn * dd.z, sn * dd.y + c * dd.z)
                        x = xPre + w * (rd - dd)
                        m1 = SIMD3(0, (1 - w) + w * c, -w * sn)
                        m2 = SIMD3(0, w * sn, (1 - w) + w * c)
                        dXdTheta = w * SIMD3(0, -sn * dd.y - c * dd.z, c * dd.y - sn * dd.z)
                    }
                    let y = rot.apply(x)
                    // G: ∂obs/∂Y (Y in the camera frame, before translation), dim × 3 rows.
                    var g0 = SIMD3<Double>.zero, g1 = SIMD3<Double>.zero, g2 = SIMD3<Double>.zero
                    var projected = SIMD3<Double>.zero
                    switch layout.camera {
                    case .scaledOrthographic:
                        g0 = SIMD3(s, 0, 0); g1 = SIMD3(0, -s, 0)
                        projected = SIMD3(s * y.x + st.translation.x, -s * y.y + st.translation.y, 0)
                    case .pinhole:
                        let cc = y + st.translation
                        let iz = 1 / cc.z
                        g0 = SIMD3(-focal * iz, 0, focal * cc.x * iz * iz)
                        g1 = SIMD3(0, focal * iz, -focal * cc.y * iz * iz)
                        projected = SIMD3(ctx.principalPoint.x - focal * cc.x * iz, ctx.principalPoint.y + focal * cc.y * iz, 0)
                    case .metric3D:
                        g0 = SIMD3(1, 0, 0); g1 = SIMD3(0, 1, 0); g2 = SIMD3(0, 0, 1)
                        projected = y + st.translation
                    }
                    let diff = difference(projected, points[i]) / ctx.sigma
                    let r = (diff * diff).sum().squareRoot()
                    cost += weights[i] * robustCost(r)
                    let weight = weights[i] * settings.robustLoss.weight(r)
                    let sw = weight.squareRoot() / ctx.sigma
                    // The columns this landmark's rows touch (the same for its two or three rows; a row's value is 0
                    // where it does not depend on a column): its action units, the jaw, rotation, translation, scale.
                    var count = 0
                    for a in Int(starts[p])..<Int(starts[p + 1]) { cols[count] = Int(act[a]); count += 1 }
                    let expressionCount = count
                    if layout.hasJaw && jawMoves { cols[count] = layout.jaw; count += 1 }
                    for q in 0..<3 { cols[count] = layout.rotation + q; count += 1 }
                    for q in 0..<layout.translationCount { cols[count] = layout.translation + q; count += 1 }
                    if layout.camera == .scaledOrthographic { cols[count] = layout.scale; count += 1 }
                    for a in 0..<count { offsets[a] = cols[a] &* n }
                    var residual = SIMD3<Double>.zero
                    for rr in 0..<dim {
                        let gr = rr == 0 ? g0 : (rr == 1 ? g1 : g2)
                        // A = G·R (∂obs/∂X), then AM = A·M (∂obs/∂Xpre).
                        let ax = rot.applyTransposed(gr)
                        let am = SIMD3(ax.x, (ax * SIMD3(0, m1.y, m2.y)).sum(), (ax * SIMD3(0, m1.z, m2.z)).sum())
                        residual[rr] = sw * ctx.sigma * diff[rr]
                        let v = vals + rr &* P
                        for a in 0..<expressionCount {
                            let q = exBase &+ 3 &* cols[a]
                            v[a] = sw * (am.x * d[q] + am.y * d[q &+ 1] + am.z * d[q &+ 2])
                        }
                        var c = expressionCount
                        if layout.hasJaw && jawMoves { v[c] = sw * (ax * dXdTheta).sum(); c += 1 }
                        // ∂/∂ω_a = G (e_a × Y)
                        v[c] = sw * (gr * SIMD3(0, -y.z, y.y)).sum()
                        v[c + 1] = sw * (gr * SIMD3(y.z, 0, -y.x)).sum()
                        v[c + 2] = sw * (gr * SIMD3(-y.y, y.x, 0)).sum()
                        c += 3
                        switch layout.camera {
                        case .scaledOrthographic:
                            v[c] = rr == 0 ? sw : 0
                            v[c + 1] = rr == 1 ? sw : 0
                            v[c + 2] = sw * (projected[rr] - st.translation[rr])
                        case .pinhole, .metric3D:
                            for q in 0..<3 { v[c + q] = sw * gr[q] }
                        }
                        if Q > 0 {
                            let row = sharedRows + m
                            for k in 0..<K {
                                let q = idBase + 3 * k
                                row[k * maxRows] = sw * (am.x * d[q] + am.y * d[q + 1] + am.z * d[q + 2])
                            }
                            if layout.camera == .pinhole {
                                let pp = rr == 0 ? ctx.principalPoint.x : ctx.principalPoint.y
                                row[layout.focal * maxRows] = sw * (projected[rr] - pp)
                            }
                            for q in 0..<Q { g[P + q] += row[q * maxRows] * residual[rr] }
                            // The frame columns of the row, dense, for the frame × shared block.
                            let frameRow = frameRows + m
                            for a in 0..<count { frameRow[cols[a] &* maxRows] = v[a] }
                        }
                        m += 1
                    }
                    // JᵀJ and Jᵀr of the landmark's rows, upper triangle.
                    if dim == 2 {
                        let v0 = vals, v1 = vals + P, r0 = residual.x, r1 = residual.y
                        for a in 0..<count {
                            let x0 = v0[a], x1 = v1[a]
                            let h = H + cols[a]
                            g[cols[a]] += x0 * r0 + x1 * r1
                            for b in a..<count { h[offsets[b]] += x0 * v0[b] + x1 * v1[b] }
                        }
                    } else {
                        for rr in 0..<dim {
                            let v = vals + rr &* P, r = residual[rr]
                            for a in 0..<count {
                                let x = v[a]
                                let h = H + cols[a]
                                g[cols[a]] += x * r
                                for b in a..<count { h[offsets[b]] += x * v[b] }
                            }
                        }
                    }
                }
                if Q > 0 && m > 0 {
                    // Frame × shared block JfᵀJs and shared block JsᵀJs.
                    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(P), Int32(Q), Int32(m), 1, frameRows, Int32(maxRows),
                                sharedRows, Int32(maxRows), 1, H + P * n, Int32(n))
                    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(Q), Int32(m), 1, sharedRows, Int32(maxRows), 1, H + P + P * n, Int32(n))
                }
            } } } }
            } } }
            return cost + priorCost(st)
        }

        /// The prior cost of one frame's expression and jaw.
        func priorCost(_ st: FrameState) -> Double {
            var total = 0.0
            for j in 0..<layout.expressions {
                let v = st.psi[j]
                total += rows.expressionIsActionUnit[j] ? sparsity(j) * abs(v) + settings.expressionPrior * v * v / 2
                                                         : settings.expressionPrior * v * v / 2
            }
            return total + jawSparsity * st.theta + settings.expressionPrior * st.theta * st.theta / 2
        }

        /// The L1 weight of action unit `j`: the base sparsity times the model's weight for it.
        @inline(__always)
        func sparsity(_ j: Int) -> Double { settings.expressionSparsity * rows.expressionPriorWeights[j] }

        /// The L1 weight of the jaw opening per radian (the base sparsity per AU26 unit, times the model's jaw weight);
        /// zero for models without action units.
        var jawSparsity: Double {
            guard layout.hasJaw, rows.expressionIsActionUnit.contains(true) else { return 0 }
            return settings.expressionSparsity * rows.jawPriorWeight / rows.jawUnitAngle
        }

        // MARK: One step

        /// The normal equations of every frame at one state, and the cost there.
        struct Linearization {
            /// Per frame (in `allFrames` order) the n×n normal matrix (upper triangle) of its landmark rows.
            var normals: [Double]
            /// Per frame the gradient (n) of its landmark rows.
            var gradients: [Double]
            /// The total cost at the state.
            var cost: Double
        }

        /// A pointer that parallel workers write disjoint parts of.
        struct SharedPointer: @unchecked Sendable {
            let base: UnsafeMutablePointer<Double>
        }

        /// The frames' normal equations and the total cost at the given state (frames in parallel).
        func linearize(states: [[FrameState]], beta: [Double], focal: Double) -> Linearization {
            let n = layout.frameCount + layout.sharedCount
            let frames = allFrames
            let problem = self
            var normals = [Double](repeating: 0, count: frames.count * n * n)
            var gradients = [Double](repeating: 0, count: frames.count * n)
            var costs = [Double](repeating: 0, count: frames.count)
            normals.withUnsafeMutableBufferPointer { h in gradients.withUnsafeMutableBufferPointer { g in costs.withUnsafeMutableBufferPointer { c in
                let hp = SharedPointer(base: h.baseAddress!), gp = SharedPointer(base: g.baseAddress!), cp = SharedPointer(base: c.baseAddress!)
                _ = Parallel.map(frames.count, threads: settings.threads) { index in
                    let (s, t) = frames[index]
                    let ctx = problem.contexts[s]
                    var cost = problem.assemble(states[s][t], t, ctx, beta: beta, focal: focal,
                                                normal: hp.base + index * n * n, gradient: gp.base + index * n)
                    if t > 0 { cost += problem.temporalCost(states[s][t - 1], states[s][t], focal: focal, ctx, scale: problem.smoothingScales[s][t]) }
                    cp.base[index] = cost
                }
            } } }
            var total = costs.reduce(0, +)
            if layout.fitIdentity { total += identityPriorWeight * beta.reduce(0) { $0 + $1 * $1 } / 2 }
            return Linearization(normals: normals, gradients: gradients, cost: total)
        }

        /// What a step did.
        struct StepReport {
            /// The norm of the identity update (SD units).
            var identityStep: Double
            /// The cost decrease the quadratic model predicts for the (unbounded) step.
            var predictedDecrease: Double
        }

        /// Linearizes at the current state and applies one damped step (see `solve`).
        func step(states: inout [[FrameState]], beta: inout [Double], focal: inout Double, lambda: Double,
                  lockPose: Bool, updateIdentity: Bool) throws -> StepReport {
            let linearization = linearize(states: states, beta: beta, focal: focal)
            return try solve(linearization, states: &states, beta: &beta, focal: &focal, lambda: lambda, lockPose: lockPose, updateIdentity: updateIdentity)
        }

        /// Solves one damped step from the normal equations at `states` (adding priors, temporal smoothness and
        /// Marquardt damping), applies it (with bounds) and reports the identity update and the predicted decrease.
        /// Action units at a bound whose gradient points out of range are held for the step, and with
        /// `lockPose` the pose and camera are; held parameters leave the frame blocks.
        func solve(_ lin: Linearization, states: inout [[FrameState]], beta: inout [Double], focal: inout Double, lambda: Double,
                   lockPose: Bool, updateIdentity: Bool) throws -> StepReport {
            let P = layout.frameCount, Q = layout.sharedCount, n = P + Q, cols = Q + 1
            let frames = allFrames
            // Shared block: accumulated from all frames; priors and temporal terms go into the frame blocks.
            var D = [Double](repeating: 0, count: Q * Q)
            var gs = [Double](repeating: 0, count: Q)
            if Q > 0 {
                for index in frames.indices {
                    let h = index * n * n, g = index * n
                    for c in 0..<Q {
                        for r in 0...c { D[r + c * Q] += lin.normals[h + (P + r) + (P + c) * n] }
                        gs[c] += lin.gradients[g + P + c]
                    }
                }
            }
            if layout.fitIdentity {
                for k in 0..<rows.identityCount {
                    D[k + k * Q] += identityPriorWeight
                    gs[k] += identityPriorWeight * beta[k]
                }
            }
            let lockShared = !updateIdentity
            let sharedGradient = gs
            var chains: [FrameChain] = []
            var gradientsAll: [[Double]] = []
            var dampingAll: [[Double]] = []
            var compactAll: [[Int32]] = []
            var base = 0
            for (s, ctx) in contexts.enumerated() {
                let T = ctx.observed.count
                // Per frame: the gradient with the priors, the prior curvature, and the free parameters.
                var gf = [Double](repeating: 0, count: T * P), hp = [Double](repeating: 0, count: T * P)
                var compact = [Int32](repeating: -1, count: T * P)
                var freeList = [Int32](repeating: 0, count: T * P)
                var sizes = [Int](repeating: 0, count: T)
                for t in 0..<T {
                    let st = states[s][t]
                    let g = (base + t) * n, o = t * P
                    for p in 0..<P { gf[o + p] = lin.gradients[g + p] }
                    for j in 0..<layout.expressions {
                        let v = st.psi[j]
                        var hj = settings.expressionPrior, gj = settings.expressionPrior * v
                        if rows.expressionIsActionUnit[j] {
                            let a = sparsity(j) / (abs(v) + 0.01)
                            hj += a; gj += a * v
                        }
                        hp[o + j] = hj; gf[o + j] += gj
                    }
                    if layout.hasJaw {
                        // The jaw's L1 prior as the same reweighted quadratic, at the scale of one AU26 unit.
                        let a = jawSparsity / (st.theta + 0.01 * rows.jawUnitAngle)
                        hp[o + layout.jaw] = settings.expressionPrior + a
                        gf[o + layout.jaw] += (settings.expressionPrior + a) * st.theta
                    }
                }
                // Whether a coefficient at a bound is held depends on its whole gradient, temporal smoothness included.
                var heldGradient = gf
                let smoothing = settings.expressionSmoothing
                if smoothing > 0 && T > 1 {
                    for t in 1..<T {
                        let a = states[s][t - 1], b = states[s][t]
                        let mu = smoothing * smoothingScales[s][t]
                        for j in 0..<layout.expressions {
                            let d = mu * (b.psi[j] - a.psi[j])
                            heldGradient[t * P + j] += d; heldGradient[(t - 1) * P + j] -= d
                        }
                        if layout.hasJaw {
                            let d = mu * (b.theta - a.theta)
                            heldGradient[t * P + layout.jaw] += d; heldGradient[(t - 1) * P + layout.jaw] -= d
                        }
                    }
                }
                for t in 0..<T {
                    let st = states[s][t], o = t * P
                    var size = 0
                    for p in 0..<P {
                        var held = false
                        if p < layout.expressions {
                            let bounds = rows.expressionBounds[p]
                            held = (st.psi[p] <= bounds.lowerBound + 1e-9 && heldGradient[o + p] > 0)
                                || (st.psi[p] >= bounds.upperBound - 1e-9 && heldGradient[o + p] < 0)
                        } else if layout.hasJaw && p == layout.jaw {
                            held = st.theta <= 1e-9 && heldGradient[o + p] > 0
                        } else {
                            held = lockPose
                        }
                        if !held { compact[o + p] = Int32(size); freeList[o + size] = Int32(p); size += 1 }
                    }
                    sizes[t] = size
                }
                var chain = FrameChain(sizes: sizes, columns: cols)
                let blockOffsets = chain.blockOffsets, rhsOffsets = chain.rhsOffsets
                // Filled in local buffers (the chain's own arrays are moved out and back, never copied).
                var blocks = chain.blocks, values = chain.rhs
                chain.blocks = []; chain.rhs = []
                blocks.withUnsafeMutableBufferPointer { F in values.withUnsafeMutableBufferPointer { R in
                lin.normals.withUnsafeBufferPointer { normals in
                    for t in 0..<T {
                        let h = normals.baseAddress! + (base + t) * n * n
                        let size = sizes[t], o = t * P
                        let f = F.baseAddress! + blockOffsets[t], r = R.baseAddress! + rhsOffsets[t]
                        for bb in 0..<size {
                            let pb = Int(freeList[o + bb])
                            for a in 0...bb {
                                let v = h[Int(freeList[o + a]) + pb * n]
                                f[a + bb * size] = v; f[bb + a * size] = v
                            }
                            f[bb + bb * size] += hp[o + pb]
                            for q in 0..<Q { r[bb + q * size] = h[pb + (P + q) * n] }
                            r[bb + Q * size] = gf[o + pb]
                        }
                    }
                } } }
                // Temporal smoothness between t − 1 and t: diagonal couplings, and the rotations' 3×3 block.
                if T > 1 {
                    for t in 1..<T {
                        let a = states[s][t - 1], b = states[s][t]
                        let mu = settings.expressionSmoothing * smoothingScales[s][t], mp = settings.poseSmoothing * smoothingScales[s][t]
                        let ot = t * P, op = (t - 1) * P
                        let nt = sizes[t], np = sizes[t - 1]
                        var list: [FrameChain.Coupling] = []
                        list.reserveCapacity(P + 9)
                        func couple(_ p: Int, _ w: Double, _ diff: Double) {
                            // A held side is fixed for this step: the free side still feels the term.
                            let i = Int(compact[ot + p]), k = Int(compact[op + p])
                            guard w > 0 else { return }
                            if i >= 0 {
                                blocks[blockOffsets[t] + i + i * nt] += w
                                values[rhsOffsets[t] + i + Q * nt] += w * diff
                            }
                            if k >= 0 {
                                blocks[blockOffsets[t - 1] + k + k * np] += w
                                values[rhsOffsets[t - 1] + k + Q * np] -= w * diff
                            }
                            if i >= 0 && k >= 0 { list.append(FrameChain.Coupling(row: Int32(i), column: Int32(k), value: -w)) }
                        }
                        for j in 0..<layout.expressions { couple(j, mu, b.psi[j] - a.psi[j]) }
                        if layout.hasJaw { couple(layout.jaw, mu, b.theta - a.theta) }
                        if !lockPose {
                            let ts = translationScale(b, focal: focal, ctx)
                            for q in 0..<layout.translationCount { couple(layout.translation + q, mp * ts * ts, b.translation[q] - a.translation[q]) }
                            if layout.camera == .scaledOrthographic { couple(layout.scale, mp * kappa * kappa, b.logScale - a.logScale) }
                        }
                        if mp > 0 && !lockPose {
                            // ½·μr·‖R_t − R_{t−1}‖²_F with R ← exp([ω]ₓ)R: ∂R/∂ω_a = [e_a]ₓR.
                            let mr = mp * kappa * kappa / 2
                            let jb = RotationDerivatives(b.rotation, sign: 1), ja = RotationDerivatives(a.rotation, sign: -1)
                            let residual = RotationDerivatives.flat(b.rotation.r0 - a.rotation.r0, b.rotation.r1 - a.rotation.r1, b.rotation.r2 - a.rotation.r2)
                            func dot(_ x: SIMD16<Double>, _ y: SIMD16<Double>) -> Double { (x * y).sum() }
                            let rt = Int(compact[ot + layout.rotation]), rp = Int(compact[op + layout.rotation])
                            for p in 0..<3 {
                                for q in 0..<3 {
                                    blocks[blockOffsets[t] + (rt + p) + (rt + q) * nt] += mr * dot(jb[p], jb[q])
                                    blocks[blockOffsets[t - 1] + (rp + p) + (rp + q) * np] += mr * dot(ja[p], ja[q])
                                    list.append(FrameChain.Coupling(row: Int32(rt + p), column: Int32(rp + q), value: mr * dot(jb[p], ja[q])))
                                }
                                values[rhsOffsets[t] + rt + p + Q * nt] += mr * dot(jb[p], residual)
                                values[rhsOffsets[t - 1] + rp + p + Q * np] += mr * dot(ja[p], residual)
                            }
                        }
                        chain.couplings[t] = list
                    }
                }
                // Marquardt damping.
                var damping = [Double](repeating: 0, count: values.count / cols)
                for t in 0..<T {
                    let size = sizes[t], o = blockOffsets[t], od = rhsOffsets[t] / cols
                    for a in 0..<size {
                        let d = blocks[o + a + a * size] * lambda + 1e-9
                        blocks[o + a + a * size] += d
                        damping[od + a] = d
                    }
                }
                chain.blocks = blocks; chain.rhs = values
                let original = chain.rhs
                guard chain.solve() else { throw FittingError.singular("frame blocks of sequence \(s)") }
                // Schur complement contributions: D −= Cᵀ F⁻¹ C, and the right-hand side.
                if Q > 0 {
                    var prod = [Double](repeating: 0, count: Q * cols)
                    for t in 0..<T where sizes[t] > 0 {
                        let size = sizes[t], o = chain.rhsOffsets[t]
                        original.withUnsafeBufferPointer { r in chain.rhs.withUnsafeBufferPointer { x in
                            cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(Q), Int32(cols), Int32(size), 1,
                                        r.baseAddress! + o, Int32(size), x.baseAddress! + o, Int32(size), 0, &prod, Int32(Q))
                        } }
                        for c in 0..<Q { for rr in 0...c { D[rr + c * Q] -= prod[rr + c * Q] } }
                        for c in 0..<Q { gs[c] -= prod[c + Q * Q] }
                    }
                }
                chains.append(chain)
                compactAll.append(compact)
                dampingAll.append(damping)
                gradientsAll.append(original)
                base += T
            }
            // Shared step: S δs = −(g_s − Cᵀ F⁻¹ g_f).
            var deltaShared = [Double](repeating: 0, count: Q)
            var sharedDamping = [Double](repeating: 0, count: Q)
            if Q > 0 && !lockShared {
                for q in 0..<Q { sharedDamping[q] = D[q + q * Q] * lambda + 1e-9; D[q + q * Q] += sharedDamping[q] }
                var rhs = gs.map { -$0 }
                var S = D
                let info = LAPACKE_dposv(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(Q), 1, &S, Int32(Q), &rhs, Int32(Q))
                guard info == 0 else { throw FittingError.singular("identity block") }
                deltaShared = rhs
            }
            // Frame steps: δf = −Xg − XC δs (zero for held parameters); apply with bounds.
            var delta = [Double](repeating: 0, count: P)
            var predicted = 0.0, dampedSquare = 0.0
            for q in 0..<Q { predicted -= sharedGradient[q] * deltaShared[q]; dampedSquare += sharedDamping[q] * deltaShared[q] * deltaShared[q] }
            for (s, chain) in chains.enumerated() {
                let compact = compactAll[s], gradient = gradientsAll[s], damping = dampingAll[s]
                for t in 0..<chain.count {
                    let size = chain.sizes[t], o = chain.rhsOffsets[t]
                    for p in 0..<P {
                        let a = Int(compact[t * P + p])
                        guard a >= 0 else { delta[p] = 0; continue }
                        var v = -chain.rhs[o + a + Q * size]
                        for q in 0..<Q { v -= chain.rhs[o + a + q * size] * deltaShared[q] }
                        delta[p] = v
                        predicted -= gradient[o + a + Q * size] * v
                        dampedSquare += damping[o / cols + a] * v * v
                    }
                    var st = states[s][t]
                    for j in 0..<layout.expressions where delta[j] != 0 {
                        let bounds = rows.expressionBounds[j]
                        st.psi[j] = min(max(st.psi[j] + delta[j], bounds.lowerBound), bounds.upperBound)
                    }
                    if layout.hasJaw { st.theta = min(max(st.theta + delta[layout.jaw], 0), 0.7) }
                    if !lockPose {
                        let w = SIMD3(delta[layout.rotation], delta[layout.rotation + 1], delta[layout.rotation + 2])
                        st.rotation = Rotation3(axisAngle: w) * st.rotation
                        for q in 0..<layout.translationCount { st.translation[q] += delta[layout.translation + q] }
                        if layout.camera == .scaledOrthographic { st.logScale += delta[layout.scale] }
                    }
                    states[s][t] = st
                }
            }
            var betaNorm = 0.0
            if layout.fitIdentity && !lockShared {
                for k in 0..<rows.identityCount { beta[k] += deltaShared[k]; betaNorm += deltaShared[k] * deltaShared[k] }
            }
            if layout.camera == .pinhole && !lockShared { focal *= exp(deltaShared[layout.focal]) }
            // The damped quadratic model's decrease: −gᵀδ − ½δᵀHδ = ½(−gᵀδ + δᵀDδ) with (H + D)δ = −g.
            return StepReport(identityStep: betaNorm.squareRoot(), predictedDecrease: (predicted + dampedSquare) / 2)
        }

        /// ±[e_a]ₓR for a = 0, 1, 2 (the derivatives of R under R ← exp([ω]ₓ)R), each flattened row by row.
        struct RotationDerivatives {
            let x, y, z: SIMD16<Double>

            init(_ r: Rotation3, sign: Double) {
                let zero = SIMD3<Double>.zero
                x = sign * Self.flat(zero, -r.r2, r.r1)
                y = sign * Self.flat(r.r2, zero, -r.r0)
                z = sign * Self.flat(-r.r1, r.r0, zero)
            }

            subscript(_ axis: Int) -> SIMD16<Double> { axis == 0 ? x : (axis == 1 ? y : z) }

            /// A 3×3 matrix from its rows, flattened (padded with zeros).
            static func flat(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> SIMD16<Double> {
                SIMD16(a.x, a.y, a.z, b.x, b.y, b.z, c.x, c.y, c.z, 0, 0, 0, 0, 0, 0, 0)
            }
        }


        // MARK: Result

        func result(states: [[FrameState]], beta: [Double], focal: Double, camera: CameraModel, iterations: Int,
                    history: [Double], converged: Bool, seconds: Double) -> FitResult {
            var sequences: [FitResult.Sequence] = []
            for (s, ctx) in contexts.enumerated() {
                let obs = ctx.observed
                var seq = FitResult.Sequence(time: obs.times, expression: [], jaw: [], rotation: [], translation: [], scale: [],
                                             residualPixels: [], residualNormalized: [], valid: [], landmarks: [])
                let usesDense = (0..<obs.count).contains { t in obs.weights[t].dropFirst(LandmarkRows.ibugCount).contains { $0 > 0 } }
                for t in 0..<obs.count {
                    let st = states[s][t]
                    var lm: [SIMD3<Double>] = []
                    var err = 0.0, count = 0.0
                    var dense: [SIMD3<Double>] = []
                    for i in 0..<obs.weights[t].count {
                        guard let p = point(i, st) else {
                            if i < LandmarkRows.ibugCount { lm.append(SIMD3(repeating: .nan)) } else { dense.append(SIMD3(repeating: .nan)) }
                            continue
                        }
                        let x = project(position(p, beta, st), st, focal: focal, ctx)
                        if i < LandmarkRows.ibugCount { lm.append(x) } else { dense.append(x) }
                        if obs.weights[t][i] > 0 {
                            let d = difference(x, obs.points[t][i])
                            err += (d * d).sum().squareRoot(); count += 1
                        }
                    }
                    let valid = obs.isValid(t)
                    seq.expression.append(st.psi)
                    seq.jaw.append(SIMD3(st.theta, 0, 0))
                    seq.rotation.append(st.rotation.axisAngle)
                    seq.translation.append(st.translation)
                    seq.scale.append(camera == .scaledOrthographic ? exp(st.logScale) : 1)
                    seq.residualPixels.append(valid && count > 0 ? err / count : .nan)
                    seq.residualNormalized.append(valid && count > 0 ? err / count / ctx.eyeDistance : .nan)
                    seq.valid.append(valid)
                    seq.landmarks.append(lm)
                    if usesDense { seq.densePoints.append(dense) }
                }
                sequences.append(seq)
            }
            return FitResult(camera: camera, identity: beta, focalLength: camera == .pinhole ? focal : nil, sequences: sequences,
                             iterations: iterations, costHistory: history, converged: converged, seconds: seconds)
        }
    }
}
