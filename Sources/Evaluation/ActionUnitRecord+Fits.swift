import ParameterFiles

extension ActionUnitRecord {
    /// A record from FaceAtlas parameter files (one participant's recordings, pooled): per FACS action
    /// unit the intensity of each valid frame after onset, named as OpenFace names them (`AU01`, `AU12`),
    /// so the two sources compare; a unilateral pair (`AU12L`, `AU12R`) gives the mean of its sides.
    /// With `jawDropRadians` the jaw opening becomes `AU26` (its angle over the model's AU26 angle, at most 1).
    public init(participant: String, group: String?, score: Double?, files: [(file: ParameterFile, onset: Double)],
                jawDropRadians: Double? = nil) {
        var intensities: [String: [Double]] = [:]
        for (file, onset) in files {
            let names = file.meta.expressionNames
            var columns: [String: [Int]] = [:]
            for (k, name) in names.enumerated() { columns[ActionUnitRecord.openFaceName(name), default: []].append(k) }
            let start = (file.time.first ?? 0) + onset
            let frames = (0..<file.frameCount).filter { file.confidence[$0] > 0 && file.time[$0] >= start - 1e-9 }
            for (au, ks) in columns {
                intensities[au, default: []] += frames.map { t in ks.reduce(0.0) { $0 + Double(file.expression[t][$1]) } / Double(ks.count) }
            }
            if let jawDropRadians, jawDropRadians > 0 {
                intensities["AU26", default: []] += frames.map { t in
                    let p = file.pose[t]
                    return min(Double(p[3] * p[3] + p[4] * p[4] + p[5] * p[5]).squareRoot() / jawDropRadians, 1)
                }
            }
        }
        self.init(participant: participant, group: group, score: score, intensities: intensities)
    }

    /// `AU12L` → `AU12`, `AU1R` → `AU01`, `AU45L` → `AU45`: the OpenFace spelling of a component's action unit.
    static func openFaceName(_ component: String) -> String {
        var name = component
        if name.hasSuffix("L") || name.hasSuffix("R") { name.removeLast() }
        guard name.hasPrefix("AU"), let number = Int(name.dropFirst(2)) else { return component }
        return number < 10 ? "AU0\(number)" : "AU\(number)"
    }
}
