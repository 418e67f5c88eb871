import FaceModel

/// A fitted frame's action units by FACS label, left and right pooled, as labels name them.
///
/// Each label's intensity is the larger of its components' (`AU1` = max(`AU1L`, `AU1R`)); a
/// bilateral component is its own label. AU26 (jaw drop) and AU27 (mouth stretch) are not
/// blendshapes but the articulated jaw's opening angle θ: as everywhere in FaceAtlas, the jaw
/// opening in AU26 units is θ over the model's AU26 angle (`Jaw.jawDropDegrees`, 12° in the default
/// model), at most 1; AU27 is θ over the AU27 angle (`Jaw.mouthStretchDegrees`, 24°), at most 1 —
/// the intensity that `FaceParameters(model:settings:)` would turn back into the same angle.
///
/// AU25 (lips part) follows FACS's scoring rule: it is scored whenever the lips are apart, also when a
/// jaw drop parts them (FACS codes a dropped jaw with parted lips as 25 + 26). The model's `AU25`
/// component parts the lips without the jaw, so the pooled AU25 is the larger of that component and the
/// jaw opening in AU26 units.
public struct ActionUnitPooling: Sendable {
    /// The pooled labels in model order (AU26 and AU27 last, when the model has a jaw).
    public let labels: [String]
    private let components: [[Int]]
    private let jaw: (drop: Double, stretch: Double)?

    /// The pooling for `model`'s expression components.
    public init(model: FaceModel) {
        var labels: [String] = []
        var components: [[Int]] = []
        for (index, component) in model.expressions.enumerated() {
            let label = component.facsLabel
            if let k = labels.firstIndex(of: label) {
                components[k].append(index)
            } else {
                labels.append(label)
                components.append([index])
            }
        }
        if let jaw = model.jaw {
            for label in ["AU26", "AU27"] where !labels.contains(label) { labels.append(label) }
            self.jaw = (Double(jaw.jawDropDegrees), Double(jaw.mouthStretchDegrees))
        } else {
            self.jaw = nil
        }
        self.labels = labels
        self.components = components
    }

    /// The jaw opening of `jaw` (axis-angle, radians) in degrees.
    public static func jawDegrees(_ jaw: SIMD3<Double>) -> Double {
        (jaw * jaw).sum().squareRoot() * 180 / .pi
    }

    /// The pooled intensities of one frame: `expression` (the model's components) and `jaw`.
    public func pool(expression: [Double], jaw: SIMD3<Double>) -> [String: Double] {
        var out: [String: Double] = [:]
        for (label, indices) in zip(labels, components) {
            out[label] = indices.map { $0 < expression.count ? expression[$0] : .nan }.max() ?? .nan
        }
        if let (drop, stretch) = self.jaw {
            let degrees = Self.jawDegrees(jaw)
            if drop > 0 { out["AU26"] = min(degrees / drop, 1) }
            if stretch > 0 { out["AU27"] = min(degrees / stretch, 1) }
            if let parted = out["AU26"], let lips = out["AU25"] { out["AU25"] = max(lips, parted) }
        }
        return out
    }
}
