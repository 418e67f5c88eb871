import Foundation

extension RealFaceReport {
    /// The report as a readable table, one row per face or video span, then the label rows that failed,
    /// what was skipped, and the summary.
    public var text: String {
        var lines: [String] = []
        lines.append("model \(model); data \(data); labels \(labels ?? "none"); videos at \(String(format: "%g", fps)) FPS")
        let width = min(max(faces.map(\.name.count).max() ?? 4, 4), 48)
        func pad(_ text: String, _ n: Int, right: Bool = false) -> String {
            let shown = text.count > n ? String(text.prefix(n - 1)) + "…" : text
            let fill = String(repeating: " ", count: max(0, n - shown.count))
            return right ? fill + shown : shown + fill
        }
        lines.append(pad("face", width) + "  " + pad("NME", 6, right: true) + "  " + pad("‖β‖", 6, right: true) + "  "
                     + pad("max|β|", 6, right: true) + "  " + pad(">3SD", 4, right: true) + "  " + pad("label", 5) + "  failing")
        for face in faces {
            let verdict: String
            if let label = face.label { verdict = label.passed ? "pass" : "FAIL" } else { verdict = face.labelLine != nil ? "FAIL" : "-" }
            let failing = face.label.map { $0.failures.map(\.summary).joined(separator: ", ") }
                ?? (face.labelLine != nil ? "no valid frames" : "")
            lines.append(pad(face.name, width) + "  " + pad(face.nme.map { String(format: "%.4f", $0) } ?? "-", 6, right: true) + "  "
                         + pad(String(format: "%.2f", face.identity.norm), 6, right: true) + "  "
                         + pad(String(format: "%.2f", face.identity.maximumAbsolute), 6, right: true) + "  "
                         + pad(String(face.identity.beyond3SD), 4, right: true) + "  " + pad(verdict, 5) + "  " + failing)
        }
        let failedRows = labelRows.filter { !$0.passed }
        if !failedRows.isEmpty {
            lines.append("")
            lines.append("label rows that failed:")
            for row in failedRows {
                lines.append("  line \(row.line) \(row.file)\(row.span.map { String(format: " %g-%g s", $0.fromSeconds, $0.toSeconds) } ?? "") (\(row.expression)): "
                             + row.failures.joined(separator: ", "))
            }
        }
        if !skipped.isEmpty {
            lines.append("")
            lines.append("skipped:")
            for entry in skipped { lines.append("  \(entry.file): \(entry.reason)") }
        }
        lines.append("")
        lines.append(contentsOf: summaryLines)
        return lines.joined(separator: "\n")
    }

    /// The summary in words.
    public var summaryLines: [String] {
        let s = summary
        func nme(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }
        var lines = [
            "faces: \(s.faces) (\(s.fits) fits)",
            "labels: \(s.labelRowsPassed) of \(s.labelRows) rows passed (active ≥ \(String(format: "%.2f", criteria.activeMinimum)), quiet ≤ \(String(format: "%.2f", criteria.quietMaximum)))",
            "median NME: imglab faces (given landmarks) \(nme(s.medianNMEImglab)), annotated \(nme(s.medianNMEAnnotated)), tracked \(nme(s.medianNMETracked))",
        ]
        if let worst = s.worstIdentity {
            lines.append("worst identity: \(worst.name) (" + String(format: "‖β‖ %.2f, max |β| %.2f", worst.norm, worst.maximumAbsolute) + ")")
        }
        let bound = fits.first.map { String(format: "%.2f", $0.identity.normBound) } ?? "1.5·√K"
        lines.append(s.allIdentitiesPlausible
            ? "identities: all plausible (every |β_k| ≤ 4 and ‖β‖ ≤ \(bound))"
            : "identities: \(s.implausibleIdentities) of \(s.fits) implausible (need every |β_k| ≤ 4 and ‖β‖ ≤ \(bound))")
        return lines
    }
}
