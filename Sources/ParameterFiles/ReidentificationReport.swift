import Foundation

/// The result of a `ReidentificationAudit`: linkage rates per method with Wilson 95% intervals, the chance
/// rates, the rank of each probe's true identity, and plain-language verdicts.
public struct ReidentificationReport: Codable, Sendable {
    /// A linkage rate: the (expected) number of probes linked, out of the probes scored.
    public struct Rate: Codable, Sendable {
        public var linked: Double
        public var probes: Int
        public var rate: Double
        public var interval: WilsonInterval
        /// The rate a random ranking would give: k / N.
        public var chance: Double

        public init(linked: Double, probes: Int, chance: Double) {
            self.linked = linked
            self.probes = probes
            rate = probes > 0 ? linked / Double(probes) : 0
            interval = WilsonInterval(successes: linked, trials: probes)
            self.chance = chance
        }

        /// Whether the whole interval lies above chance.
        public var aboveChance: Bool { probes > 0 && interval.lower > chance }
        /// Whether the whole interval lies below chance.
        public var belowChance: Bool { probes > 0 && interval.upper < chance }
    }

    /// How a method compares with chance.
    public enum Outcome: String, Codable, Sendable {
        case aboveChance = "above chance"
        case withinChance = "within the chance interval"
        case belowChance = "below chance"
    }

    /// One method's rank-1 and rank-5 rates.
    public struct MethodResult: Codable, Sendable {
        public var method: ReidentificationAudit.Method
        public var rank1: Rate
        public var rank5: Rate

        /// Above chance when either rate's interval lies wholly above its chance rate; below when both lie below.
        public var outcome: Outcome {
            if rank1.aboveChance || rank5.aboveChance { return .aboveChance }
            if rank1.belowChance && rank5.belowChance { return .belowChance }
            return .withinChance
        }
    }

    /// The true identity's rank for one probe under each method (fractional where tied), if it is in the gallery.
    public struct ProbeResult: Codable, Sendable {
        public var probe: String
        public var anonymized: Bool
        public var inGallery: Bool
        public var ranks: [String: Double]
    }

    public var galleryIdentities: Int
    public var galleryFiles: Int
    public var probes: Int
    /// Probes whose person is in the gallery (the denominator of the rates).
    public var probesScored: Int
    public var anonymizedProbes: Int
    /// Dynamics features that vary over the gallery (the ones compared).
    public var dynamicsFeatures: Int
    public var methods: [MethodResult]
    public var perProbe: [ProbeResult]

    /// The result for `method`.
    public func result(_ method: ReidentificationAudit.Method) -> MethodResult? {
        methods.first { $0.method == method }
    }

    static func percent(_ x: Double) -> String { String(format: "%.0f%%", 100 * x) }

    /// The methods whose rank-1 or rank-5 rate lies wholly above chance: the channels through which the files link people.
    public var linkingMethods: [ReidentificationAudit.Method] {
        guard probesScored > 0 else { return [] }
        return methods.filter { $0.outcome == .aboveChance }.map(\.method)
    }

    /// Plain-language verdicts: one for identity geometry, one for dynamics.
    public var verdicts: [String] {
        guard probesScored > 0 else { return ["no probe belongs to a gallery person: nothing could be measured"] }
        var out: [String] = []
        let geometry = [result(.geometryCosine), result(.geometryEuclidean)].compactMap { $0 }
        if let best = geometry.max(by: { ($0.outcome == .aboveChance ? 1 : 0, $0.rank1.rate) < ($1.outcome == .aboveChance ? 1 : 0, $1.rank1.rate) }) {
            let r = best.rank1
            let numbers = "identity geometry links \(Self.percent(r.rate)) of probes at rank 1 (chance \(Self.percent(r.chance)); "
                + "95% CI \(Self.percent(r.interval.lower))–\(Self.percent(r.interval.upper)))"
            switch best.outcome {
            case .aboveChance: out.append(numbers + ": the files identify people.")
            case .withinChance: out.append(numbers + ": within the chance interval.")
            case .belowChance: out.append(numbers + ": below chance; no linkage.")
            }
        }
        if let dynamics = result(.dynamics) {
            let r = dynamics.rank1, r5 = dynamics.rank5
            let numbers = "\(Self.percent(r.rate)) of probes at rank 1 (chance \(Self.percent(r.chance)); 95% CI "
                + "\(Self.percent(r.interval.lower))–\(Self.percent(r.interval.upper))), \(Self.percent(r5.rate)) at rank 5 "
                + "(chance \(Self.percent(r5.chance)))"
            switch dynamics.outcome {
            case .aboveChance:
                out.append("dynamics alone link people above chance: " + numbers + ": "
                           + (anonymizedProbes > 0 ? "anonymized files still carry a behavioural signature."
                                                   : "even with identity removed, these files would carry a behavioural signature."))
            case .withinChance:
                out.append("expression and head-motion dynamics link " + numbers + ": within the chance interval.")
            case .belowChance:
                out.append("expression and head-motion dynamics link " + numbers + ": below chance; no linkage.")
            }
        }
        return out
    }

    /// The report as text: a table of rates and the verdicts.
    public var text: String {
        var lines: [String] = []
        lines.append("re-identification audit: \(probes) probe files (\(anonymizedProbes) anonymized), \(probesScored) of a gallery person; "
                     + "gallery \(galleryIdentities) people in \(galleryFiles) files")
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func cell(_ r: Rate) -> String {
            "\(Self.percent(r.rate)) [\(Self.percent(r.interval.lower))–\(Self.percent(r.interval.upper))] chance \(Self.percent(r.chance))"
        }
        lines.append("  " + pad("method", 38) + pad("rank-1 linkage [95% CI]", 34) + "rank-5 linkage [95% CI]")
        for m in methods {
            lines.append("  " + pad(m.method.rawValue, 38) + pad(cell(m.rank1), 34) + cell(m.rank5))
        }
        lines.append("  (dynamics compare \(dynamicsFeatures) features standardized over the gallery; ties count at their expected rank)")
        lines.append("verdict:")
        for v in verdicts { lines.append("  " + v) }
        return lines.joined(separator: "\n")
    }

    /// The report as JSON (with the verdicts), pretty-printed with sorted keys.
    public func json() throws -> Data {
        struct Document: Encodable {
            var report: ReidentificationReport
            var verdicts: [String]
            func encode(to encoder: Encoder) throws {
                try report.encode(to: encoder)
                var c = encoder.container(keyedBy: Key.self)
                try c.encode(verdicts, forKey: .verdicts)
            }
            enum Key: String, CodingKey { case verdicts }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Document(report: self, verdicts: verdicts))
    }
}
