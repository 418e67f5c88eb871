import CBLAS
import CLAPACKE
import FaceAtlasCore
import Foundation

extension SequenceFitter {
    /// The least-squares problem of one participant: residuals, normal equations, and the
    /// block-tridiagonal/Schur solve of one Levenberg–Marquardt step.
    struct Problem {
        let fitter: SequenceFitter
        let layout: Layout
        let contexts: [SequenceContext]
        let table: PointTable
        var rows: LandmarkRows { fitter.rows }
        var settings: FitSettings { fitter.settings }
        /// Pose smoothness scale: noise units per radian (or per unit log-scale) at the eye distance.
        var kappa: Double { 1 / settings.noiseFraction }

        /// Frame indices (sequence, frame) in one flat list, for parallel loops.
        var allFrames: [(Int, Int)] {
            contexts.indices.flatMap { s in (0..<contexts[s].observed.count).map { (s, $0) } }
        }

        /// The table index of the model point landmark `i` uses in this frame (nil when undefined).
        func point(_ i: Int, _ st: FrameState) -> Int? {
            if i < 17, i < st.contourChoice.count, st.contourChoice[i] >= 0 { return table.contour[i][st.contourChoice[i]] }
            let p = table.landmark[i]
            return p >= 0 ? p : nil
        }

        func position(_ p: Int, _ beta: [Double], _ st: FrameState) -> SIMD3<Double> {
            table.position(p, identity: beta, expression: st.psi, jaw: st.theta)
        }

        /// The observation-space position of model point `x` (pixels, or mm for 3D).
        func project(_ x: SIMD3<Double>, _ st: FrameState, focal: Double, _ ctx: SequenceContext) -> SIMD3<Double> {
            let y = st.rotation.apply(x)
            switch layout.camera {
            case .scaledOrthographic:
                let s = exp(st.logScale)
                return SIMD3(s * y.x + st.translation.x, -s * y.y + st.translation.y, 0)
            case .pinhole:
                let c = y + st.translation
                return SIMD3(ctx.principalPoint.x - focal * c.x / c.z, ctx.principalPoint.y + focal * c.y / c.z, 0)
            case .metric3D:
                return y + st.translation
            }
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
                if t > 0 { c += problem.temporalCost(states[s][t - 1], states[s][t], focal: focal, ctx) }
                return c
            }
            var total = perFrame.reduce(0, +)
            if layout.fitIdentity { total += settings.identityPrior * beta.reduce(0) { $0 + $1 * $1 } / 2 }
            return total
        }

        /// The data and prior cost of one frame (temporal terms left out).
        func frameCost(_ st: FrameState, _ t: Int, _ ctx: SequenceContext, beta: [Double], focal: Double) -> Double {
            let obs = ctx.observed
            var total = 0.0
            for i in 0..<68 where obs.weights[t][i] > 0 {
                guard let p = point(i, st) else { continue }
                let x = project(position(p, beta, st), st, focal: focal, ctx)
                let d = difference(x, obs.points[t][i]) / ctx.sigma
                total += obs.weights[t][i] * robustCost((d * d).sum().squareRoot())
            }
            for j in 0..<layout.expressions {
                let v = st.psi[j]
                total += rows.expressionIsActionUnit[j] ? settings.expressionSparsity * abs(v) + settings.expressionPrior * v * v / 2
                                                         : settings.expressionPrior * v * v / 2
            }
            return total + settings.expressionPrior * st.theta * st.theta / 2
        }

        func temporalCost(_ a: FrameState, _ b: FrameState, focal: Double, _ ctx: SequenceContext) -> Double {
            var c = 0.0
            let mu = settings.expressionSmoothing
            if mu > 0 {
                for j in 0..<layout.expressions { c += mu * (b.psi[j] - a.psi[j]) * (b.psi[j] - a.psi[j]) / 2 }
                c += mu * (b.theta - a.theta) * (b.theta - a.theta) / 2
            }
            let mp = settings.poseSmoothing
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

        /// Slides each jawline landmark to the candidate vertex whose projection is nearest its observation.
        func updateContour(states: inout [[FrameState]], beta: [Double], focal: Double, window: Int? = nil, initial: Bool = false) {
            let problem = self
            let frames = allFrames
            let snapshot = states
            let choices = Parallel.map(frames.count, threads: settings.threads) { index -> [Int] in
                let (s, t) = frames[index]
                let ctx = problem.contexts[s]
                let obs = ctx.observed
                let st = snapshot[s][t]
                var choice = st.contourChoice
                let jc = cos(st.theta), js = sin(st.theta)
                for i in 0..<17 where !problem.rows.contour[i].isEmpty && obs.weights[t][i] > 0 {
                    let band = problem.table.contour[i]
                    var range = 0..<band.count
                    if let window, choice[i] >= 0 {
                        range = max(0, choice[i] - window)..<min(band.count, choice[i] + window + 1)
                    }
                    if problem.settings.contourRule == .silhouette {
                        // The outermost projected band point along the direction from the nose bridge
                        // (landmark 29) to the band's frontal point.
                        guard let bridge = problem.point(29, st), problem.table.landmark[i] >= 0 else { continue }
                        let centre = problem.project(problem.position(bridge, beta, st), st, focal: focal, ctx)
                        let frontal = problem.project(problem.position(problem.table.landmark[i], beta, st), st, focal: focal, ctx)
                        var outward = problem.difference(frontal, centre)
                        outward /= max((outward * outward).sum().squareRoot(), 1e-9)
                        var best = 0, bestDot = -Double.infinity
                        for k in range {
                            let x = problem.project(problem.table.position(band[k], identity: beta, expression: st.psi, jawCos: jc, jawSin: js), st, focal: focal, ctx)
                            let dot = (problem.difference(x, centre) * outward).sum()
                            if dot > bestDot { bestDot = dot; best = k }
                        }
                        choice[i] = best
                        continue
                    }
                    // The observation to match: averaged over ±2 frames when the fit is temporally smoothed.
                    var target = obs.points[t][i]
                    if problem.settings.expressionSmoothing > 0 || problem.settings.poseSmoothing > 0 {
                        var sum = SIMD3<Double>.zero, n = 0.0
                        for u in max(0, t - 2)...min(obs.count - 1, t + 2) where obs.weights[u][i] > 0 {
                            sum += obs.points[u][i]; n += 1
                        }
                        if n > 0 { target = sum / n }
                    }
                    var best = choice[i], bestD = Double.infinity, currentD = Double.infinity
                    // The first sweep of a fit picks correspondences on the neutral band (cheap; jawlines
                    // hardly move with action units); later sweeps use the exact positions.
                    let neutral = initial && problem.table.identityCount == 0
                    func distance(_ k: Int) -> Double {
                        let model = neutral ? problem.table.neutralPosition(band[k])
                                            : problem.table.position(band[k], identity: beta, expression: st.psi, jawCos: jc, jawSin: js)
                        let x = problem.project(model, st, focal: focal, ctx)
                        let d = problem.difference(x, target)
                        return (d * d).sum().squareRoot()
                    }
                    // Coarse to fine: every third candidate of the range (the band runs from the front of the
                    // face round to the side), then every candidate within three of the best.
                    let coarse = range.count > 12 ? 3 : 1
                    for k in Swift.stride(from: range.lowerBound, to: range.upperBound, by: coarse) {
                        let dd = distance(k)
                        if dd < bestD { bestD = dd; best = k }
                    }
                    if coarse > 1 {
                        for k in max(range.lowerBound, best - coarse)..<min(range.upperBound, best + coarse + 1) where (k - range.lowerBound) % coarse != 0 {
                            let dd = distance(k)
                            if dd < bestD { bestD = dd; best = k }
                        }
                    }
                    if range.contains(choice[i]) { currentD = choice[i] == best ? bestD : distance(choice[i]) }
                    // Hysteresis: keep the current candidate unless another is nearer by 0.3 noise units,
                    // so that landmark noise does not make the jawline flicker between neighbours.
                    if !(initial || bestD < currentD - 0.3 * ctx.sigma) { best = choice[i] }
                    choice[i] = best
                }
                return choice
            }
            for (index, (s, t)) in frames.enumerated() { states[s][t].contourChoice = choices[index] }
        }

        // MARK: Normal equations of one frame

        /// The frame's normal matrix (n×n, upper triangle, n = frame + shared parameters) and gradient.
        func assemble(_ st: FrameState, _ t: Int, _ ctx: SequenceContext, beta: [Double], focal: Double,
                      jacobian: inout [Double], normal: inout [Double], gradient: inout [Double]) {
            let obs = ctx.observed
            let P = layout.frameCount, Q = layout.sharedCount, n = P + Q
            let dim = layout.camera == .metric3D ? 3 : 2
            let active = (0..<68).filter { obs.weights[t][$0] > 0 && point($0, st) != nil }
            let m = active.count * dim
            if jacobian.count < m * n { jacobian = [Double](repeating: 0, count: m * n) }
            for i in 0..<(m * n) { jacobian[i] = 0 }
            var residual = [Double](repeating: 0, count: m)
            let s = exp(st.logScale)
            let rot = st.rotation
            let K = layout.fitIdentity ? rows.identityCount : 0
            let c = cos(st.theta), sn = sin(st.theta)
            jacobian.withUnsafeMutableBufferPointer { J in
                for (a, i) in active.enumerated() {
                    let p = point(i, st)!
                    let base = p * table.stride
                    let idBase = base + 3, exBase = base + 3 + 3 * table.identityCount
                    let xPre = beta.withUnsafeBufferPointer { b in st.psi.withUnsafeBufferPointer { e in
                        table.data.withUnsafeBufferPointer { d in table.active.withUnsafeBufferPointer { act in
                            table.preJaw(p, identity: b, expression: e, d, act) } } } }
                    let jawWeight = table.jawWeight(p)
                    // Jaw: X = Xpre + w (Rj d − d), M = ∂X/∂Xpre = (1 − w) I + w Rj.
                    var x = xPre
                    var m0 = SIMD3<Double>(1, 0, 0), m1 = SIMD3<Double>(0, 1, 0), m2 = SIMD3<Double>(0, 0, 1)
                    var dXdTheta = SIMD3<Double>.zero
                    if let pivot = rows.jawPivot, jawWeight > 0 {
                        let w = jawWeight
                        let d = xPre - pivot
                        let rd = SIMD3(d.x, c * d.y - sn * d.z, sn * d.y + c * d.z)
                        x = xPre + w * (rd - d)
                        m0 = SIMD3(1, 0, 0)
                        m1 = SIMD3(0, (1 - w) + w * c, -w * sn)
                        m2 = SIMD3(0, w * sn, (1 - w) + w * c)
                        dXdTheta = w * SIMD3(0, -sn * d.y - c * d.z, c * d.y - sn * d.z)
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
                    let diff = difference(projected, obs.points[t][i]) / ctx.sigma
                    let r = (diff * diff).sum().squareRoot()
                    let weight = obs.weights[t][i] * settings.robustLoss.weight(r)
                    let sw = weight.squareRoot() / ctx.sigma
                    // A = G·R (∂obs/∂X), then AM = A·M (∂obs/∂Xpre).
                    let gRows = [g0, g1, g2]
                    for rr in 0..<dim {
                        let row = a * dim + rr
                        let gr = gRows[rr]
                        let ax = rot.applyTransposed(gr)                  // row of G·R
                        let am = SIMD3((ax * SIMD3(m0.x, m1.x, m2.x)).sum(), (ax * SIMD3(m0.y, m1.y, m2.y)).sum(), (ax * SIMD3(m0.z, m1.z, m2.z)).sum())
                        residual[row] = sw * ctx.sigma * diff[rr]
                        table.data.withUnsafeBufferPointer { d in
                            for a in Int(table.activeStart[p])..<Int(table.activeStart[p + 1]) {
                                let j = Int(table.active[a])
                                let q = exBase + 3 * j
                                J[row + j * m] = sw * (am.x * d[q] + am.y * d[q + 1] + am.z * d[q + 2])
                            }
                        }
                        if layout.hasJaw { J[row + layout.jaw * m] = sw * (ax * dXdTheta).sum() }
                        // ∂/∂ω_a = G (e_a × Y)
                        J[row + (layout.rotation) * m] = sw * (gr * SIMD3(0, -y.z, y.y)).sum()
                        J[row + (layout.rotation + 1) * m] = sw * (gr * SIMD3(y.z, 0, -y.x)).sum()
                        J[row + (layout.rotation + 2) * m] = sw * (gr * SIMD3(-y.y, y.x, 0)).sum()
                        switch layout.camera {
                        case .scaledOrthographic:
                            J[row + (layout.translation + rr) * m] = sw
                            J[row + layout.scale * m] = sw * (projected[rr] - st.translation[rr])
                        case .pinhole, .metric3D:
                            for q in 0..<3 { J[row + (layout.translation + q) * m] = sw * gr[q] }
                        }
                        if K > 0 {
                            table.data.withUnsafeBufferPointer { d in
                                for k in 0..<K {
                                    let q = idBase + 3 * k
                                    J[row + (P + k) * m] = sw * (am.x * d[q] + am.y * d[q + 1] + am.z * d[q + 2])
                                }
                            }
                        }
                        if layout.camera == .pinhole {
                            let pp = rr == 0 ? ctx.principalPoint.x : ctx.principalPoint.y
                            J[row + (P + layout.focal) * m] = sw * (projected[rr] - pp)
                        }
                    }
                }
                if normal.count < n * n { normal = [Double](repeating: 0, count: n * n) }
                if gradient.count < n { gradient = [Double](repeating: 0, count: n) }
                normal.withUnsafeMutableBufferPointer { H in
                    if m > 0 {
                        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(n), Int32(m), 1, J.baseAddress, Int32(m), 0, H.baseAddress, Int32(n))
                    } else {
                        for i in 0..<(n * n) { H[i] = 0 }
                    }
                }
                gradient.withUnsafeMutableBufferPointer { g in
                    if m > 0 {
                        cblas_dgemv(CblasColMajor, CblasTrans, Int32(m), Int32(n), 1, J.baseAddress, Int32(m), residual, 1, 0, g.baseAddress, 1)
                    } else {
                        for i in 0..<n { g[i] = 0 }
                    }
                }
            }
        }

        // MARK: One step

        /// Builds the normal equations at the current state, solves one damped step, applies it
        /// (with bounds) and returns the norm of the identity update.
        func step(states: inout [[FrameState]], beta: inout [Double], focal: inout Double, lambda: Double,
                  lockPose: Bool, updateIdentity: Bool) throws -> Double {
            let P = layout.frameCount, Q = layout.sharedCount, n = P + Q
            let frames = allFrames
            let snapshot = states, b = beta, f = focal
            let problem = self
            let assembled: [(normal: [Double], gradient: [Double])] = Parallel.map(frames.count, threads: settings.threads) { index in
                var jac: [Double] = [], h: [Double] = [], g: [Double] = []
                let (s, t) = frames[index]
                problem.assemble(snapshot[s][t], t, problem.contexts[s], beta: b, focal: f, jacobian: &jac, normal: &h, gradient: &g)
                return (Array(h[0..<(n * n)]), Array(g[0..<n]))
            }
            let normals = assembled.map(\.normal), gradients = assembled.map(\.gradient)
            // Shared block.
            var D = [Double](repeating: 0, count: Q * Q)
            var gs = [Double](repeating: 0, count: Q)
            var flat = 0
            var sequenceOffsets: [Int] = []
            for ctx in contexts { sequenceOffsets.append(flat); flat += ctx.observed.count }
            // Accumulate D and gs from all frames; priors and temporal terms go into the frame blocks.
            for index in frames.indices {
                let h = normals[index], g = gradients[index]
                for c in 0..<Q { for r in 0...c { D[r + c * Q] += h[(P + r) + (P + c) * n] } ; gs[c] += g[P + c] }
            }
            if layout.fitIdentity {
                for k in 0..<rows.identityCount {
                    D[k + k * Q] += settings.identityPrior
                    gs[k] += settings.identityPrior * beta[k]
                }
            }
            let lockShared = !updateIdentity
            var xcAll: [[Double]] = Array(repeating: [], count: frames.count)   // F⁻¹[C | g] per frame, P × (Q + 1)
            for (s, ctx) in contexts.enumerated() {
                let T = ctx.observed.count
                let base = sequenceOffsets[s]
                // Frame blocks with priors, damping and temporal coupling.
                var F = [[Double]](repeating: [], count: T)
                var rhs = [[Double]](repeating: [], count: T)
                var coupling = [[Double]](repeating: [], count: T)   // F_{t,t−1}, P × P (empty: none)
                var heldAll = [[Bool]](repeating: [], count: T)
                for t in 0..<T {
                    let h = normals[base + t], g = gradients[base + t]
                    var block = [Double](repeating: 0, count: P * P)
                    for c in 0..<P { for r in 0...c { block[r + c * P] = h[r + c * n] } }
                    var gf = Array(g[0..<P])
                    let st = states[s][t]
                    for j in 0..<layout.expressions {
                        let v = st.psi[j]
                        var hj = settings.expressionPrior, gj = settings.expressionPrior * v
                        if rows.expressionIsActionUnit[j] {
                            let a = settings.expressionSparsity / (abs(v) + 0.01)
                            hj += a; gj += a * v
                        }
                        block[j + j * P] += hj; gf[j] += gj
                    }
                    if layout.hasJaw { block[layout.jaw * (P + 1)] += settings.expressionPrior; gf[layout.jaw] += settings.expressionPrior * st.theta }
                    var rhsBlock = [Double](repeating: 0, count: P * (Q + 1))
                    for c in 0..<Q { for r in 0..<P { rhsBlock[r + c * P] = h[r + (P + c) * n] } }
                    for r in 0..<P { rhsBlock[r + Q * P] = gf[r] }
                    // Active set: a bounded coefficient at its bound whose gradient points out of the feasible
                    // range is held for this step (row and column of its block cleared).
                    var held = [Bool](repeating: false, count: P)
                    for j in 0..<layout.expressions {
                        let bounds = rows.expressionBounds[j]
                        if (st.psi[j] <= bounds.lowerBound + 1e-9 && gf[j] > 0) || (st.psi[j] >= bounds.upperBound - 1e-9 && gf[j] < 0) { held[j] = true }
                    }
                    if layout.hasJaw && st.theta <= 1e-9 && gf[layout.jaw] > 0 { held[layout.jaw] = true }
                    for j in 0..<P where held[j] {
                        for k in 0..<P {
                            block[min(j, k) + max(j, k) * P] = 0
                        }
                        block[j + j * P] = 1
                        for c in 0...Q { rhsBlock[j + c * P] = 0 }
                    }
                    heldAll[t] = held
                    F[t] = block
                    rhs[t] = rhsBlock
                }
                // Temporal smoothness between t − 1 and t.
                for t in 1..<max(T, 1) {
                    let a = states[s][t - 1], b = states[s][t]
                    var weights = [Double](repeating: 0, count: P)
                    var diffs = [Double](repeating: 0, count: P)
                    let mu = settings.expressionSmoothing
                    for j in 0..<layout.expressions { weights[j] = mu; diffs[j] = b.psi[j] - a.psi[j] }
                    if layout.hasJaw { weights[layout.jaw] = mu; diffs[layout.jaw] = b.theta - a.theta }
                    let mp = settings.poseSmoothing
                    var block = [Double](repeating: 0, count: P * P)
                    if mp > 0 && !lockPose {
                        // ½·μr·‖R_t − R_{t−1}‖²_F with R ← exp([ω]ₓ)R: ∂R/∂ω_a = [e_a]ₓR.
                        let mr = mp * kappa * kappa / 2
                        func dR(_ r: Rotation3, _ axis: Int) -> [Double] {
                            // [e_a]ₓ R, row-major 9 entries: row i of [e]ₓR = e × (column-wise) ... computed from rows.
                            let rows = [r.r0, r.r1, r.r2]
                            var m = [Double](repeating: 0, count: 9)
                            for i in 0..<3 {
                                for j in 0..<3 {
                                    // ([e]ₓ)_{ik} R_{kj}
                                    var v = 0.0
                                    for k in 0..<3 {
                                        let skew: Double
                                        switch (axis, i, k) {
                                        case (0, 1, 2): skew = -1
                                        case (0, 2, 1): skew = 1
                                        case (1, 0, 2): skew = 1
                                        case (1, 2, 0): skew = -1
                                        case (2, 0, 1): skew = -1
                                        case (2, 1, 0): skew = 1
                                        default: skew = 0
                                        }
                                        v += skew * rows[k][j]
                                    }
                                    m[i * 3 + j] = v
                                }
                            }
                            return m
                        }
                        let ra = [a.rotation.r0, a.rotation.r1, a.rotation.r2], rb = [b.rotation.r0, b.rotation.r1, b.rotation.r2]
                        var residual = [Double](repeating: 0, count: 9)
                        for i in 0..<3 { for j in 0..<3 { residual[i * 3 + j] = rb[i][j] - ra[i][j] } }
                        let jb = (0..<3).map { dR(b.rotation, $0) }, ja = (0..<3).map { q in dR(a.rotation, q).map { -$0 } }
                        func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
                        let r0 = layout.rotation
                        for p in 0..<3 {
                            for q in 0..<3 {
                                F[t][min(r0 + p, r0 + q) + max(r0 + p, r0 + q) * P] += p <= q ? mr * dot(jb[p], jb[q]) : 0
                                F[t - 1][min(r0 + p, r0 + q) + max(r0 + p, r0 + q) * P] += p <= q ? mr * dot(ja[p], ja[q]) : 0
                                block[(r0 + p) + (r0 + q) * P] = mr * dot(jb[p], ja[q])     // F_{t,t−1}: row t, column t−1
                            }
                            rhs[t][r0 + p + Q * P] += mr * dot(jb[p], residual)
                            rhs[t - 1][r0 + p + Q * P] += mr * dot(ja[p], residual)
                        }
                    }
                    let ts = translationScale(b, focal: focal, ctx)
                    for q in 0..<layout.translationCount {
                        weights[layout.translation + q] = mp * ts * ts
                        diffs[layout.translation + q] = b.translation[q] - a.translation[q]
                    }
                    if layout.camera == .scaledOrthographic {
                        weights[layout.scale] = mp * kappa * kappa; diffs[layout.scale] = b.logScale - a.logScale
                    }
                    for p in 0..<P where weights[p] > 0 && !heldAll[t][p] && !heldAll[t - 1][p] {
                        F[t][p + p * P] += weights[p]
                        F[t - 1][p + p * P] += weights[p]
                        block[p + p * P] = -weights[p]
                        rhs[t][p + Q * P] += weights[p] * diffs[p]
                        rhs[t - 1][p + Q * P] -= weights[p] * diffs[p]
                    }
                    if block.contains(where: { $0 != 0 }) { coupling[t] = block }
                }
                // Damping (Marquardt) and pose locks.
                for t in 0..<T {
                    for p in 0..<P {
                        let isPose = p >= layout.rotation
                        F[t][p + p * P] = F[t][p + p * P] * (1 + lambda) + 1e-9 + (lockPose && isPose ? 1e12 : 0)
                    }
                }
                // Block Cholesky: F = Uᵀ U, block-upper-bidiagonal U with K_t = B_t U_{t−1}⁻¹.
                var U = F
                var Kt = [[Double]](repeating: [], count: T)
                for t in 0..<T {
                    if t > 0, !coupling[t].isEmpty {
                        var k = coupling[t]
                        U[t - 1].withUnsafeBufferPointer { u in
                            cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(P), Int32(P), 1, u.baseAddress, Int32(P), &k, Int32(P))
                        }
                        // F'_t = F_t − K Kᵀ
                        cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, Int32(P), Int32(P), -1, k, Int32(P), 1, &U[t], Int32(P))
                        Kt[t] = k
                    }
                    let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(P), &U[t], Int32(P))
                    guard info == 0 else { throw FittingError.singular("frame block \(t) of sequence \(s)") }
                }
                // Forward: Z_t = U_tᵀ⁻¹ (R_t − K_t Z_{t−1}); backward: X_t = U_t⁻¹ (Z_t − K_{t+1}ᵀ X_{t+1}).
                let cols = Q + 1
                var Z = rhs
                for t in 0..<T {
                    if t > 0, !Kt[t].isEmpty {
                        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(P), Int32(cols), Int32(P), -1, Kt[t], Int32(P), Z[t - 1], Int32(P), 1, &Z[t], Int32(P))
                    }
                    U[t].withUnsafeBufferPointer { u in
                        cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, Int32(P), Int32(cols), 1, u.baseAddress, Int32(P), &Z[t], Int32(P))
                    }
                }
                for t in stride(from: T - 1, through: 0, by: -1) {
                    if t + 1 < T, !Kt[t + 1].isEmpty {
                        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(P), Int32(cols), Int32(P), -1, Kt[t + 1], Int32(P), Z[t + 1], Int32(P), 1, &Z[t], Int32(P))
                    }
                    U[t].withUnsafeBufferPointer { u in
                        cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(P), Int32(cols), 1, u.baseAddress, Int32(P), &Z[t], Int32(P))
                    }
                }
                for t in 0..<T { xcAll[base + t] = Z[t] }
                // Schur complement contributions: D −= Cᵀ XC, and the right-hand side.
                if Q > 0 {
                    for t in 0..<T {
                        let r = rhs[t], x = Z[t]
                        // Cᵀ · [XC | Xg]: Q × (Q + 1)
                        var prod = [Double](repeating: 0, count: Q * cols)
                        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(Q), Int32(cols), Int32(P), 1, r, Int32(P), x, Int32(P), 0, &prod, Int32(Q))
                        for c in 0..<Q { for rr in 0...c { D[rr + c * Q] -= prod[rr + c * Q] } }
                        for c in 0..<Q { gs[c] -= prod[c + Q * Q] }
                    }
                }
            }
            // Shared step: S δs = −(g_s − Cᵀ F⁻¹ g_f).
            var deltaShared = [Double](repeating: 0, count: Q)
            if Q > 0 && !lockShared {
                for q in 0..<Q { D[q + q * Q] = D[q + q * Q] * (1 + lambda) + 1e-9 }
                var rhs = gs.map { -$0 }
                var S = D
                let info = LAPACKE_dposv(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(Q), 1, &S, Int32(Q), &rhs, Int32(Q))
                guard info == 0 else { throw FittingError.singular("identity block") }
                deltaShared = rhs
            }
            // Frame steps: δf = −Xg − XC δs; apply with bounds.
            for (index, (s, t)) in frames.enumerated() {
                let x = xcAll[index]
                var delta = [Double](repeating: 0, count: P)
                for p in 0..<P {
                    var v = -x[p + Q * P]
                    for q in 0..<Q { v -= x[p + q * P] * deltaShared[q] }
                    delta[p] = v
                }
                var st = states[s][t]
                for j in 0..<layout.expressions {
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
            var betaNorm = 0.0
            if layout.fitIdentity && !lockShared {
                for k in 0..<rows.identityCount { beta[k] += deltaShared[k]; betaNorm += deltaShared[k] * deltaShared[k] }
            }
            if layout.camera == .pinhole && !lockShared { focal *= exp(deltaShared[layout.focal]) }
            return betaNorm.squareRoot()
        }

        // MARK: Result

        func result(states: [[FrameState]], beta: [Double], focal: Double, camera: CameraModel, iterations: Int,
                    history: [Double], converged: Bool, seconds: Double) -> FitResult {
            var sequences: [FitResult.Sequence] = []
            for (s, ctx) in contexts.enumerated() {
                let obs = ctx.observed
                var seq = FitResult.Sequence(time: obs.times, expression: [], jaw: [], rotation: [], translation: [], scale: [],
                                             residualPixels: [], residualNormalized: [], valid: [], landmarks: [])
                for t in 0..<obs.count {
                    let st = states[s][t]
                    var lm: [SIMD3<Double>] = []
                    var err = 0.0, count = 0.0
                    for i in 0..<68 {
                        guard let p = point(i, st) else { lm.append(SIMD3(repeating: .nan)); continue }
                        let x = project(position(p, beta, st), st, focal: focal, ctx)
                        lm.append(x)
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
                }
                sequences.append(seq)
            }
            return FitResult(camera: camera, identity: beta, focalLength: camera == .pinhole ? focal : nil, sequences: sequences,
                             iterations: iterations, costHistory: history, converged: converged, seconds: seconds)
        }
    }
}
