import Foundation

/// A readable summary of one parameter file, as `faceatlas inspect` prints it: who and what it is,
/// how long, how well fitted, which expression components were most active, and each array with
/// its shape and hash status.
public struct ParameterFileSummary: Sendable {
    /// An expression component's activity over the valid frames.
    public struct Activity: Sendable, Equatable {
        public var name: String
        /// Mean value over valid frames.
        public var mean: Double
        /// The value of largest magnitude over valid frames.
        public var peak: Double
    }

    public var path: String
    public var schema: String
    public var modelID: String
    public var modelSHA256: String
    public var subject: String
    public var stimulus: String
    public var frames: Int
    public var fps: Double?
    /// Seconds covered: frames ÷ fps when the rate is known, else the span of `time`.
    public var duration: Double
    /// Frames that had landmarks (confidence above 0).
    public var validFrames: Int
    /// Mean of the finite residuals (pixels, or mm for 3D fits); NaN when there are none.
    public var meanResidual: Double
    public var residualUnit: String
    /// The five expression components with the largest mean absolute value.
    public var mostActive: [Activity]
    /// Whether the components are FACS action units (else statistical components, e.g. FLAME's).
    public var actionUnits: Bool
    public var anonymized: Bool
    public var removed: [String]
    public var detector: String
    public var arrays: [ParameterFileCheck.ArrayReport]

    /// Summarizes a checked file; nil when its content could not be decoded.
    public init?(_ check: ParameterFileCheck) {
        guard let file = check.content else { return nil }
        self.init(file, path: check.path, arrays: check.arrays)
    }

    /// Summarizes `file`, with `arrays` as the hash report.
    public init(_ file: ParameterFile, path: String, arrays: [ParameterFileCheck.ArrayReport]) {
        let meta = file.meta
        self.path = path
        schema = "\(meta.schema) v\(meta.version)"
        modelID = meta.modelID
        modelSHA256 = meta.modelSHA256
        subject = meta.subject
        stimulus = meta.stimulus
        frames = file.frameCount
        fps = meta.fps
        if let fps { duration = Double(frames) / fps } else { duration = (file.time.last ?? 0) - (file.time.first ?? 0) }
        let valid = (0..<file.frameCount).filter { file.confidence[$0] > 0 }
        validFrames = valid.count
        let residuals = file.residual.filter(\.isFinite).map(Double.init)
        meanResidual = residuals.isEmpty ? .nan : residuals.reduce(0, +) / Double(residuals.count)
        residualUnit = meta.units["residual"] ?? "px"
        let names = meta.expressionNames
        actionUnits = names.contains { $0.uppercased().hasPrefix("AU") }
        var activities: [(Activity, Double)] = []
        for (c, name) in names.enumerated() {
            let values = valid.map { Double(file.expression[$0][c]) }.filter(\.isFinite)
            guard !values.isEmpty else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            let meanAbs = values.map(abs).reduce(0, +) / Double(values.count)
            let peak = values.max { abs($0) < abs($1) } ?? 0
            activities.append((Activity(name: name, mean: mean, peak: peak), meanAbs))
        }
        mostActive = activities.sorted { $0.1 > $1.1 }.prefix(5).map(\.0)
        anonymized = meta.anonymized
        removed = meta.removed
        detector = meta.detector
        self.arrays = arrays
    }

    /// The summary as lines of text.
    public var text: String {
        func number(_ x: Double, _ digits: Int = 3) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "n/a" }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var lines: [String] = []
        lines.append(path)
        lines.append("  schema:        \(schema)")
        lines.append("  model:         \(modelID)" + (modelSHA256.isEmpty ? " (SHA-256 not recorded)" : " (SHA-256 \(modelSHA256.prefix(16))…)"))
        lines.append("  subject:       \(subject)")
        lines.append("  stimulus:      \(stimulus)")
        lines.append("  detector:      \(detector)")
        lines.append("  frames:        \(frames)")
        lines.append("  fps:           \(fps.map { number($0, 2) } ?? "not recorded")")
        lines.append("  duration:      \(number(duration, 2)) s")
        lines.append("  valid frames:  \(validFrames) of \(frames)")
        lines.append("  mean residual: " + (meanResidual.isFinite ? "\(number(meanResidual)) \(residualUnit)" : "n/a"))
        lines.append("  anonymized:    \(anonymized ? "yes" : "no")" + (removed.isEmpty ? "" : " (removed: \(removed.joined(separator: "; ")))"))
        lines.append("  most active \(actionUnits ? "action units" : "expression components") (mean / peak over valid frames):")
        if mostActive.isEmpty { lines.append("    none") }
        for a in mostActive {
            lines.append("    \(pad(a.name, 12))  \(number(a.mean)) / \(number(a.peak))")
        }
        lines.append("  arrays:")
        for a in arrays {
            let shape = a.shape.map { "(" + $0.map(String.init).joined(separator: ", ") + ($0.count == 1 ? ",)" : ")") } ?? "—"
            let status: String
            switch a.status {
            case .verified: status = "SHA-256 ok"
            case .mismatch: status = "SHA-256 MISMATCH"
            case .unlisted: status = "NOT IN HEADER"
            case .missing: status = "MISSING"
            case .unverifiable: status = "unverifiable"
            }
            lines.append("    \(pad(a.name, 13)) \(pad(shape, 16)) \(pad(a.dtype ?? "", 5)) \(status)")
        }
        return lines.joined(separator: "\n")
    }
}
