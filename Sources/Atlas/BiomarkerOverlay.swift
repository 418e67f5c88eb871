import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Render

/// A teaching overlay: a biomarker painted onto the reference face as vertex colours, with a legend.
///
/// Names (`--overlay`):
/// - `energy`: the group's motion energy per region for the stimulus (mm RMS, sequential scale);
/// - `difference:BD-MDD` (or `difference`, the first pair of the table): group A − group B motion
///   energy per region (mm, diverging scale: red where A moves more);
/// - `effect:BD-MDD` (or `effect`): the same difference as Hedges' g;
/// - `displacement`: per vertex, how far the peak expression moves the surface from the neutral face (mm);
/// - `region:N`: that displacement inside region N only (1–16), the rest of the face uncoloured.
public struct BiomarkerOverlay: Sendable {
    public enum Kind: Sendable, Equatable {
        case energy
        case difference(String, String)
        case effect(String, String)
        case displacement
        case region(Int)
    }

    public var kind: Kind
    public var title: String
    public var unit: String
    public var range: ColorRange
    /// Per vertex the value shown, NaN where the overlay does not colour.
    public var vertexValues: [Double]

    /// Parses an overlay name (see the type's documentation); a pair left out means the atlas's first pair.
    public static func parse(_ name: String, pairs: [(String, String)]) throws -> Kind {
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        func pair() throws -> (String, String) {
            if parts.count == 2 {
                let groups = parts[1].split(separator: "-", maxSplits: 1).map(String.init)
                guard groups.count == 2 else { throw UsageError("write the pair as A-B, e.g. \(parts[0]):BD-MDD") }
                return (groups[0], groups[1])
            }
            guard let first = pairs.first else { throw UsageError("the atlas has no group pair to compare") }
            return first
        }
        switch parts[0].lowercased() {
        case "energy": return .energy
        case "difference": let p = try pair(); return .difference(p.0, p.1)
        case "effect": let p = try pair(); return .effect(p.0, p.1)
        case "displacement": return .displacement
        case "region":
            guard parts.count == 2, let n = Int(parts[1]), (1...16).contains(n) else { throw UsageError("write region:N with N in 1…16") }
            return .region(n)
        default:
            throw UsageError("unknown overlay '\(name)'; use energy, difference[:A-B], effect[:A-B], displacement or region:N")
        }
    }

    /// The overlay `kind` for `reference` from `atlas`.
    public init(_ kind: Kind, atlas: Atlas, reference: ReferenceFace, model: FaceModel) throws {
        self.kind = kind
        let regions = model.vertexRegions
        func perRegion(_ value: (Int) -> Double?) -> [Double] {
            regions.map { r in r > 0 ? (value(Int(r)) ?? .nan) : .nan }
        }
        switch kind {
        case .energy:
            let features = atlas.index.features
            vertexValues = perRegion { r in
                features.firstIndex { $0.kind == .region && $0.number == r }.map { reference.motionEnergy[$0] }
            }
            title = "\(reference.group) motion energy, \(reference.stimulus)"
            unit = "mm"
            range = ColorRange(scale: .sequential, covering: vertexValues)
        case .difference(let a, let b), .effect(let a, let b):
            let rows = try BiomarkerTables.readDifferences(atlas.folder.appendingPathComponent("biomarkers/differences.csv"))
                .filter { $0.stimulus == reference.stimulus && $0.kind == .region }
            var chosen = rows.filter { $0.groupA == a && $0.groupB == b }
            var sign = 1.0
            if chosen.isEmpty {
                chosen = rows.filter { $0.groupA == b && $0.groupB == a }
                sign = -1
            }
            guard !chosen.isEmpty else {
                throw UsageError("the atlas has no differences between '\(a)' and '\(b)' for '\(reference.stimulus)' (each group needs 2 participants)")
            }
            let isEffect: Bool
            if case .effect = kind { isEffect = true } else { isEffect = false }
            vertexValues = perRegion { r in chosen.first { $0.number == r }.map { sign * (isEffect ? $0.hedgesG : $0.difference) } }
            title = "\(a) - \(b) motion energy\(isEffect ? " (Hedges g)" : ""), \(reference.stimulus)"
            unit = isEffect ? "" : "mm"
            range = ColorRange(scale: .diverging, covering: vertexValues)
        case .displacement, .region:
            let neutral = model.vertices(reference.neutralParameters)
            let peak = model.vertices(reference.peakParameters)
            var values = zip(peak, neutral).map { p, q -> Double in
                let d = p - q
                return Double((d * d).sum().squareRoot())
            }
            if case .region(let n) = kind {
                for v in values.indices where Int(regions[v]) != n { values[v] = .nan }
                title = "region \(n) (\(FaceRegion(rawValue: n)!.name)) displacement, \(reference.group) \(reference.stimulus)"
            } else {
                for v in values.indices where regions[v] == 0 { values[v] = .nan }
                title = "peak displacement, \(reference.group) \(reference.stimulus)"
            }
            vertexValues = values
            unit = "mm"
            range = ColorRange(scale: .sequential, covering: values)
        }
    }

    /// Vertex colours (linear RGB): the overlay's colour where it has a value, `base` elsewhere.
    public func colors(over base: [SIMD3<Float>]) -> [SIMD3<Float>] {
        zip(base, vertexValues).map { b, value in
            guard value.isFinite else { return b }
            let c = range.color(value)
            return SIMD3(ColorSpace.sRGBDecode(c.x), ColorSpace.sRGBDecode(c.y), ColorSpace.sRGBDecode(c.z))
        }
    }

    /// The legend image.
    public func legend(width: Int = 420) -> Image {
        ColorLegend.image(title: title, range: range, unit: unit, width: width)
    }
}
