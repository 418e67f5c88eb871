import Atlas
import Evaluation
import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Matching
import Numerics
import NumPyFormat

/// The cohort report: one self-contained HTML file (images inline as PNG data URLs, no scripts)
/// with the cohort summary, the evaluation headline, the reference faces, region and organ heatmaps,
/// action-unit profiles over time per group, ROC curves and confusion matrices, a 2D map of the
/// participants' dynamics embeddings, and the largest biomarker differences.
public struct CohortReport: Sendable {
    public let atlas: Atlas
    public let model: FaceModel
    public let recordings: [AtlasBuilder.Recording]
    public let evaluations: [String: EvaluationSummary]
    public let renders: [URL]
    public let failed: [(String, String)]
    /// Parts of the analysis that could not be computed on this cohort (a pilot, a partial cohort), with why.
    public let notComputed: [(String, String)]
    let atlasResult: AtlasBuilder.Result?

    public init(atlas: Atlas, model: FaceModel, recordings: [AtlasBuilder.Recording], evaluations: [String: EvaluationSummary],
                renders: [URL], failed: [(String, String)], notComputed: [(String, String)] = [], atlasResult: AtlasBuilder.Result? = nil) {
        self.notComputed = notComputed
        self.atlas = atlas
        self.model = model
        self.recordings = recordings
        self.evaluations = evaluations
        self.renders = renders
        self.failed = failed
        self.atlasResult = atlasResult
    }

    /// The report as HTML text.
    public func html() throws -> String {
        let index = atlas.index
        let groups = index.groups.map(\.name)
        var body: [String] = []
        body.append("<h1>FaceAtlas cohort report</h1>")
        body.append("<p class=meta>Atlas <code>\(escape(atlas.folder.path))</code> · model <code>\(escape(index.modelID))</code> · \(escape(index.createdBy)) · \(escape(ISO8601DateFormatter().string(from: Date())))</p>")

        // Cohort summary.
        var rows = "<tr><th>group</th><th>participants</th><th>recordings</th><th>frames</th><th>valid frames</th><th>mean NME</th><th>mean fit quality</th></tr>"
        for g in groups {
            let own = recordings.filter { $0.entry.group == g }
            let frames = own.reduce(0) { $0 + $1.file.frameCount }
            let valid = own.reduce(0) { $0 + $1.file.confidence.filter { $0 > 0 }.count }
            let nmes = own.flatMap { r in (0..<r.file.frameCount).filter { r.file.confidence[$0] > 0 }.map { Double(r.file.residualNME[$0]) } }.filter(\.isFinite)
            let participants = Set(own.map(\.entry.subject)).count
            rows += "<tr><td>\(escape(g))</td><td>\(participants)</td><td>\(own.count)</td><td>\(frames)</td><td>\(valid)</td>"
                + "<td>\(format(Statistics.mean(nmes), 4))</td><td>\(format(Statistics.mean(own.map(\.quality)), 3))</td></tr>"
        }
        body.append("<h2>Cohort</h2><p>\(index.stimuli.count) stimuli: \(escape(index.stimuli.joined(separator: ", "))).</p><table>\(rows)</table>")
        if !failed.isEmpty || !index.excluded.isEmpty {
            let items = failed.map { "<li><b>\(escape($0.0))</b>: \(escape($0.1))</li>" } + index.excluded.map { "<li>\(escape($0))</li>" }
            body.append("<h3>Left out</h3><ul>\(items.joined())</ul>")
        }
        if !notComputed.isEmpty {
            let items = notComputed.map { "<li><b>\(escape($0.0))</b>: \(escape($0.1))</li>" }
            body.append("<h3>Not computed on this cohort</h3><p>The rest of the report stands; these parts need a larger or more balanced cohort:</p><ul>\(items.joined())</ul>")
        }

        // Headline.
        if !evaluations.isEmpty {
            var t = "<tr><th>method</th><th>design</th><th>accuracy [95% CI]</th><th>macro F1</th><th>macro AUC [95% CI]</th><th>chance</th><th>permutation p</th></tr>"
            for (name, s) in evaluations.sorted(by: { $0.key > $1.key }) {
                t += "<tr><td>\(escape(name))</td><td>\(escape(s.design))</td><td>\(estimate(s.accuracy))</td><td>\(estimate(s.macroF1))</td>"
                    + "<td>\(s.macroAUC.map(estimate) ?? "n/a")</td><td>\(format(s.chanceAccuracy, 3))</td>"
                    + "<td>\(s.permutationTest.map { format($0.pValue, 4) + " (\($0.shuffles) shuffles)" } ?? "not run")</td></tr>"
            }
            body.append("<h2>Classification (held-out participants)</h2><table>\(t)</table>")
        }

        // Reference faces and heatmaps.
        body.append("<h2>Reference faces</h2><p>Each group's standard digital face at its characteristic peak expression per stimulus (weighted means of the fitted parameters, wrinkles from the active action units).</p>")
        for url in renders where url.lastPathComponent == "comparison.png" { body.append(try image(url, alt: "reference faces")) }
        body.append("<h2>Region heatmaps</h2><p>Difference of regional motion energy (RMS displacement from each participant's own neutral face, mm) between groups; red where the first group moves more.</p>")
        for url in renders where url.lastPathComponent.hasPrefix("heatmap-") { body.append(try image(url, alt: url.lastPathComponent)) }
        body.append("<h2>Organ motion energy</h2>" + organTable())

        // Profiles.
        body.append("<h2>Action-unit profiles over time</h2><p>Group means (solid) ± one SD (dashed) after stimulus onset, for the three most active action units of each stimulus.</p><div class=grid>")
        for chart in try profileCharts() { body.append(try inline(chart, alt: "profile")) }
        body.append("</div>")

        // Evaluation charts.
        for (name, s) in evaluations.sorted(by: { $0.key > $1.key }) {
            body.append("<h2>ROC and confusion matrix: \(escape(name))</h2><div class=grid>")
            body.append(try inline(s.rocChart(), alt: "ROC \(name)"))
            body.append(try inline(s.confusionChart(), alt: "confusion \(name)"))
            body.append("</div>")
        }

        // Embedding map.
        if let scatter = try embeddingScatter() {
            body.append("<h2>Participants in dynamics-embedding space</h2><p>First two principal components of the standardized dynamics embeddings (identity-free: action-unit statistics and motion energies).</p>")
            body.append(try inline(scatter, alt: "embedding PCA"))
        }

        body.append("<h2>Largest biomarker differences</h2>" + (try differenceTable()))
        let style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
        h1{font-size:1.8em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
        table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
        th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}img{max-width:100%;height:auto;margin:.3em}
        .grid{display:flex;flex-wrap:wrap;gap:.5em}.grid img{max-width:380px}.meta{color:#666;font-size:.9em}
        """
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>FaceAtlas cohort report</title><style>\(style)</style></head><body>\n"
            + body.joined(separator: "\n") + "\n</body></html>\n"
    }

    // MARK: Sections

    func organTable() -> String {
        let organs = atlas.index.features.enumerated().filter { $0.element.kind == .organ }
        let values = atlas.index.references.flatMap { r in organs.map { r.motionEnergy[$0.offset] } }
        let range = ColorRange(scale: .sequential, covering: values)
        var t = "<table><tr><th>group</th><th>stimulus</th>" + organs.map { "<th>\(escape($0.element.name))</th>" }.joined() + "</tr>"
        for r in atlas.index.references {
            t += "<tr><td>\(escape(r.group))</td><td>\(escape(r.stimulus))</td>"
            for (i, _) in organs {
                let v = r.motionEnergy[i]
                let c = range.scale.bytes(range.position(v))
                let ink = range.position(v) > 0.55 ? "#000" : "#fff"
                t += "<td style=\"background:rgb(\(c[0]),\(c[1]),\(c[2]));color:\(ink)\">\(format(v, 2))</td>"
            }
            t += "</tr>"
        }
        return t + "</table><p class=meta>mm RMS over the frames after onset; colour scale from \(format(range.minimum, 2)) to \(format(range.maximum, 2)) mm.</p>"
    }

    func profileCharts() throws -> [Image] {
        let groups = atlas.index.groups.map(\.name)
        var charts: [Image] = []
        for stimulus in atlas.index.stimuli {
            let refs = try groups.compactMap { g -> ReferenceFace? in
                atlas.index.references.contains { $0.group == g && $0.stimulus == stimulus } ? try atlas.reference(group: g, stimulus: stimulus) : nil
            }
            guard let first = refs.first else { continue }
            let e = first.peakExpression.count
            let top = (0..<e).sorted { a, b in
                refs.map { Double($0.peakExpression[a]) }.max()! > refs.map { Double($0.peakExpression[b]) }.max()!
            }.prefix(3)
            for k in top {
                var series: [LineChart.Series] = []
                var ymax = 0.1
                for (gi, r) in refs.enumerated() {
                    let color = LineChart.palette[groups.firstIndex(of: r.group)! % LineChart.palette.count]
                    let spread = try NPZArchive.read(atlas.folder.appendingPathComponent(atlas.entry(group: r.group, stimulus: stimulus).spreadFile))
                    let sd = try spread.first { $0.name == "exp_sd" }?.array.floats() ?? []
                    let t = r.profile.time
                    let mean = t.indices.map { Double(r.profile.expression[$0][k]) }
                    let band = t.indices.map { sd.count == t.count * e ? Double(sd[$0 * e + k]) : 0 }
                    ymax = max(ymax, zip(mean, band).map { $0 + $1 }.max() ?? 0)
                    series.append(.init(name: r.group, points: t.indices.map { (t[$0], mean[$0]) }, color: color, width: 2.5))
                    series.append(.init(name: "", points: t.indices.map { (t[$0], mean[$0] + band[$0]) }, color: color, width: 1, dashed: true))
                    series.append(.init(name: "", points: t.indices.map { (t[$0], max(mean[$0] - band[$0], 0)) }, color: color, width: 1, dashed: true))
                    _ = gi
                }
                let tmax = max(refs.map { $0.profile.time.last ?? 1 }.max() ?? 1, 0.2)
                var chart = LineChart(title: "\(stimulus): \(model.expressions[k].name)", xLabel: "seconds after onset", yLabel: "intensity",
                                      xRange: 0...tmax, yRange: 0...min(1, ymax * 1.1), series: series)
                chart.width = 420
                chart.height = 320
                chart.textScale = 1
                charts.append(chart.render())
            }
        }
        return charts
    }

    func embeddingScatter() throws -> Image? {
        let url = atlas.folder.appendingPathComponent(DynamicsMatcher.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let matcher = try DynamicsMatcher.read(url)
        let encoder = DynamicsEncoder(model: model, stimuli: matcher.stimuli)
        let participants = ParticipantRecordings.grouped(recordings)
        guard participants.count >= 3 else { return nil }
        let z = try participants.map { try matcher.standardizedEmbedding($0, encoder: encoder) }
        let pca = try PrincipalComponents(samples: Matrix(z), count: 2)
        guard pca.axes.columns == 2 else { return nil }
        let points = z.map { row -> (Double, Double) in
            let c = zip(row, pca.mean).map { $0 - $1 }
            return ((0..<c.count).reduce(0) { $0 + c[$1] * pca.axes[$1, 0] }, (0..<c.count).reduce(0) { $0 + c[$1] * pca.axes[$1, 1] })
        }
        let groups = atlas.index.groups.map(\.name)
        let series = groups.enumerated().map { gi, g in
            LineChart.Series(name: g, points: zip(participants, points).filter { $0.0.group == g }.map { (x: $0.1.0, y: $0.1.1) },
                             color: LineChart.palette[gi % LineChart.palette.count], width: 0, markerRadius: 4)
        }
        func padded(_ v: [Double]) -> ClosedRange<Double> {
            let lo = v.min() ?? -1, hi = v.max() ?? 1, pad = max((hi - lo) * 0.08, 1e-6)
            return (lo - pad)...(hi + pad)
        }
        var chart = LineChart(title: "Dynamics embeddings (PCA)",
                              xLabel: String(format: "PC1 (%.0f%% of variance)", 100 * pca.explainedVarianceRatio[0]),
                              yLabel: String(format: "PC2 (%.0f%%)", 100 * pca.explainedVarianceRatio[1]),
                              xRange: padded(points.map(\.0)), yRange: padded(points.map(\.1)), series: series)
        chart.width = 640
        chart.height = 520
        return chart.render()
    }

    func differenceTable(top: Int = 15) throws -> String {
        let rows = try BiomarkerTables.readDifferences(atlas.folder.appendingPathComponent("biomarkers/differences.csv"))
            .sorted { abs($0.hedgesG) > abs($1.hedgesG) }.prefix(top)
        var t = "<table><tr><th>stimulus</th><th>feature</th><th>groups</th><th>difference (mm)</th><th>Hedges' g</th><th>q (BH)</th></tr>"
        for r in rows {
            let feature = atlas.index.features.first { $0.kind == r.kind && $0.number == r.number }?.column ?? "\(r.kind.rawValue) \(r.number)"
            t += "<tr><td>\(escape(r.stimulus))</td><td>\(escape(feature))</td><td>\(escape(r.groupA)) − \(escape(r.groupB))</td>"
                + "<td>\(format(r.difference, 3))</td><td>\(format(r.hedgesG, 2))</td><td>\(r.q.isFinite ? format(r.q, 4) : "n/a")</td></tr>"
        }
        return t + "</table><p class=meta>All differences: <code>atlas/biomarkers/differences.csv</code>.</p>"
    }

    // MARK: HTML helpers

    func inline(_ image: Image, alt: String) throws -> String {
        "<img alt=\"\(escape(alt))\" src=\"data:image/png;base64,\(try PNG.encode(image).base64EncodedString())\">"
    }

    func image(_ url: URL, alt: String) throws -> String {
        "<img alt=\"\(escape(alt))\" src=\"data:image/png;base64,\(try AtomicFile.read(url).base64EncodedString())\">"
    }

    func estimate(_ e: Estimate) -> String { e.formatted() }

    func format(_ x: Double, _ digits: Int) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "n/a" }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
