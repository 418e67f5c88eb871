import FaceAtlasCore
import Foundation

/// A plain-text summary of an atlas: groups, references, and the largest group differences.
public struct AtlasSummary: Sendable {
    public var text: String

    /// Summarises `atlas`, listing the `top` largest differences (by |Hedges' g|) per group pair.
    public init(atlas: Atlas, top: Int = 5) throws {
        let index = atlas.index
        var lines = ["atlas       \(atlas.folder.path)",
                     "model       \(index.modelID)",
                     "manifest    \(index.manifest)",
                     "time step   \(String(format: "%.3f", index.timeStep)) s"]
        for g in index.groups {
            lines.append("group       \(g.name): \(g.subjects) subjects, total weight \(String(format: "%.2f", g.totalWeight))")
        }
        lines.append("stimuli     \(index.stimuli.joined(separator: ", "))")
        lines.append("references  \(index.references.count) (group × stimulus)")
        for line in index.excluded { lines.append("left out    \(line)") }
        let differences = atlas.folder.appendingPathComponent("biomarkers/differences.csv")
        if FileManager.default.fileExists(atPath: differences.path) {
            let table = try CSVTable(try AtomicFile.read(differences), path: differences.path)
            let column = try table.columnIndex()
            guard let a = column["group_a"], let b = column["group_b"], let g = column["hedges_g"], let f = column["feature"],
                  let s = column["stimulus"], let d = column["difference_mm"], let q = column["q_bh"] else {
                throw FileError(differences, "lacks the columns of a differences table", at: "line 1")
            }
            var pairs: [String] = []
            for row in table.rows where !pairs.contains(row.fields[a] + " − " + row.fields[b]) { pairs.append(row.fields[a] + " − " + row.fields[b]) }
            for pair in pairs {
                lines.append("largest differences, \(pair) (motion energy, mm RMS):")
                let rows = table.rows.filter { $0.fields[a] + " − " + $0.fields[b] == pair }
                let ranked = rows.sorted { abs(Double($0.fields[g]) ?? 0) > abs(Double($1.fields[g]) ?? 0) }
                for row in ranked.prefix(top) {
                    let qText = row.fields[q].isEmpty ? "" : "  q \(row.fields[q])"
                    lines.append("  \(row.fields[s].padding(toLength: 10, withPad: " ", startingAt: 0)) "
                                 + "\(row.fields[f].padding(toLength: 34, withPad: " ", startingAt: 0)) "
                                 + "Δ \(row.fields[d].padding(toLength: 10, withPad: " ", startingAt: 0)) g \(row.fields[g])\(qText)")
                }
            }
        }
        text = lines.joined(separator: "\n")
    }
}
