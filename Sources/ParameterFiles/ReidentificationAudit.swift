import FaceAtlasCore
import Foundation

/// A re-identification audit: can parameter files be linked back to named people?
///
/// The gallery holds named fits (one or more files per person); the probes are other recordings of some of
/// the same people, possibly anonymized. Each probe is compared with every gallery identity in three ways,
/// and the gallery identities are ranked by distance:
/// - identity geometry, cosine: 1 − cos(probe `shape`, identity's mean `shape`);
/// - identity geometry, Euclidean: ‖probe `shape` − identity's mean `shape`‖;
/// - dynamics: `DynamicsFeatures` standardized with the gallery files' mean and SD (features constant over
///   the gallery are left out), the identity's mean z-vector, and 1 − Pearson correlation.
///
/// A probe is linked at rank k when its true identity is among the k nearest. Ties are counted as the
/// probability that a random order of the tied identities puts the true one within the first k (so a probe
/// whose `shape` is all zeros, equally far from everyone by cosine, scores exactly chance).
///
/// Ground truth: a probe's `subject` is a gallery subject; for anonymized probes the subject is a pseudonym,
/// resolved with a key (pseudonym → subject) or by computing the gallery subjects' pseudonyms with the site
/// secret. Probes whose person is not in the gallery are counted but not scored.
public struct ReidentificationAudit {
    /// A parameter file and the name it is reported under.
    public struct Entry: Sendable {
        public var name: String
        public var file: ParameterFile
        public init(name: String, file: ParameterFile) {
            self.name = name
            self.file = file
        }
    }

    /// The ways of linking a probe to a gallery identity.
    public enum Method: String, CaseIterable, Sendable, Codable {
        case geometryCosine = "identity geometry (cosine)"
        case geometryEuclidean = "identity geometry (Euclidean)"
        case dynamics = "expression and head-motion dynamics"
    }

    public var gallery: [Entry]
    public var probes: [Entry]
    /// Pseudonym → subject, for anonymized probes.
    public var key: [String: String]
    /// Computes gallery subjects' pseudonyms, for anonymized probes when no key is given.
    public var pseudonymizer: Pseudonymizer?

    public init(gallery: [Entry], probes: [Entry], key: [String: String] = [:], pseudonymizer: Pseudonymizer? = nil) {
        self.gallery = gallery
        self.probes = probes
        self.key = key
        self.pseudonymizer = pseudonymizer
    }

    /// Reads and verifies every `.npz` parameter file in `folder` and its sub-folders, in name order.
    /// - Throws: `FileError` for a folder that cannot be listed or a file that fails verification.
    public static func load(folder: URL) throws -> [Entry] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            throw FileError(folder, "cannot list the folder")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw FileError(folder, "no such folder")
        }
        var urls: [URL] = []
        for case let url as URL in enumerator where url.pathExtension.lowercased() == "npz" && !url.lastPathComponent.hasPrefix(".") {
            urls.append(url)
        }
        let base = folder.standardizedFileURL.path
        return try urls.sorted { $0.path < $1.path }.map { url in
            var name = url.standardizedFileURL.path
            if name.hasPrefix(base + "/") { name.removeFirst(base.count + 1) }
            return Entry(name: name, file: try ParameterFile.read(url))
        }
    }

    /// Runs the audit.
    /// - Throws: `UsageError` for an empty gallery, files of different models, or anonymized probes without a way to
    ///   resolve their pseudonyms.
    public func run() throws -> ReidentificationReport {
        let subjects = Array(Set(gallery.map(\.file.meta.subject))).sorted()
        guard !subjects.isEmpty else { throw UsageError("the gallery holds no parameter files") }
        guard !probes.isEmpty else { throw UsageError("the probe folder holds no parameter files") }
        let all = gallery + probes
        let k = all[0].file.shape.count, e = all[0].file.meta.expressionNames.count
        if let odd = all.first(where: { $0.file.shape.count != k || $0.file.meta.expressionNames.count != e }) {
            throw UsageError("\(odd.name) has \(odd.file.shape.count) identity and \(odd.file.meta.expressionNames.count) expression "
                             + "coefficients, \(all[0].name) \(k) and \(e): gallery and probes must come from one model")
        }
        let anonymizedProbes = probes.filter(\.file.meta.anonymized).count
        if anonymizedProbes > 0 && key.isEmpty && pseudonymizer == nil {
            throw UsageError("\(anonymizedProbes) probe files are anonymized: give --key (pseudonym,subject CSV) or --secret-file "
                             + "so the audit knows who they are")
        }
        let pseudonyms = Dictionary(subjects.map { (pseudonymizer?.pseudonym(for: $0) ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        func truth(_ probe: ParameterFile) -> String? {
            let s = probe.meta.subject
            if let mapped = key[s], subjects.contains(mapped) { return mapped }
            if !probe.meta.anonymized, subjects.contains(s) { return s }
            if pseudonymizer != nil, let mapped = pseudonyms[s] { return mapped }
            return nil
        }

        // Identity templates.
        let members = subjects.map { s in gallery.filter { $0.file.meta.subject == s } }
        let shapeTemplates = members.map { files in (0..<k).map { j in files.reduce(0.0) { $0 + Double($1.file.shape[j]) } / Double(files.count) } }
        let galleryFeatures = gallery.map { DynamicsFeatures.vector($0.file) }
        let standardizer = Standardizer(galleryFeatures)
        let dynamicsTemplates = members.map { files -> [Double] in
            let z = files.map { standardizer.z(DynamicsFeatures.vector($0.file)) }
            return (0..<standardizer.count).map { j in z.reduce(0.0) { $0 + $1[j] } / Double(z.count) }
        }

        var results: [ReidentificationReport.ProbeResult] = []
        var credits: [Method: (rank1: Double, rank5: Double)] = [:]
        var scored = 0
        let n = subjects.count
        for probe in probes {
            guard let person = truth(probe.file), let target = subjects.firstIndex(of: person) else {
                results.append(.init(probe: probe.name, anonymized: probe.file.meta.anonymized, inGallery: false, ranks: [:]))
                continue
            }
            scored += 1
            let shape = probe.file.shape.map(Double.init)
            let z = standardizer.z(DynamicsFeatures.vector(probe.file))
            var ranks: [String: Double] = [:]
            for method in Method.allCases {
                let distances: [Double]
                switch method {
                case .geometryCosine: distances = shapeTemplates.map { cosineDistance(shape, $0) }
                case .geometryEuclidean: distances = shapeTemplates.map { euclideanDistance(shape, $0) }
                case .dynamics: distances = dynamicsTemplates.map { correlationDistance(z, $0) }
                }
                let (better, tied) = standing(of: target, in: distances)
                ranks[method.rawValue] = Double(better) + Double(tied) / 2 + 1
                let c1 = linkProbability(better: better, tied: tied, within: 1)
                let c5 = linkProbability(better: better, tied: tied, within: min(5, n))
                let old = credits[method] ?? (0, 0)
                credits[method] = (old.rank1 + c1, old.rank5 + c5)
            }
            results.append(.init(probe: probe.name, anonymized: probe.file.meta.anonymized, inGallery: true, ranks: ranks))
        }
        let methods = Method.allCases.map { method -> ReidentificationReport.MethodResult in
            let c = credits[method] ?? (0, 0)
            return .init(method: method,
                         rank1: .init(linked: c.rank1, probes: scored, chance: 1 / Double(n)),
                         rank5: .init(linked: c.rank5, probes: scored, chance: Double(min(5, n)) / Double(n)))
        }
        return ReidentificationReport(galleryIdentities: n, galleryFiles: gallery.count, probes: probes.count, probesScored: scored,
                                      anonymizedProbes: anonymizedProbes, dynamicsFeatures: standardizer.count,
                                      methods: methods, perProbe: results)
    }

    // MARK: Ranking

    /// How many identities are strictly nearer than `target`, and how many others are exactly as near.
    /// Distances that are not finite count as farther than every finite one and tie with each other.
    func standing(of target: Int, in distances: [Double]) -> (better: Int, tied: Int) {
        func key(_ d: Double) -> Double { d.isFinite ? d : .infinity }
        let mine = key(distances[target])
        var better = 0, tied = 0
        for (i, d) in distances.enumerated() where i != target {
            let other = key(d)
            if other < mine { better += 1 } else if other == mine { tied += 1 }
        }
        return (better, tied)
    }

    /// The probability that a random order of the tied identities puts the target within the first `k`.
    func linkProbability(better: Int, tied: Int, within k: Int) -> Double {
        min(1, max(0, Double(k - better) / Double(tied + 1)))
    }

    func cosineDistance(_ a: [Double], _ b: [Double]) -> Double {
        let na = (a.reduce(0) { $0 + $1 * $1 }).squareRoot(), nb = (b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        guard na > 1e-12, nb > 1e-12 else { return 1 }  // the mean face is equally far from everyone
        return 1 - zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (na * nb)
    }

    func euclideanDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    func correlationDistance(_ a: [Double], _ b: [Double]) -> Double {
        let pairs = zip(a, b).filter { $0.0.isFinite && $0.1.isFinite }
        guard pairs.count > 2 else { return 1 }
        let ma = pairs.reduce(0) { $0 + $1.0 } / Double(pairs.count), mb = pairs.reduce(0) { $0 + $1.1 } / Double(pairs.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in pairs { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        guard saa > 1e-24, sbb > 1e-24 else { return 1 }
        return 1 - sab / (saa * sbb).squareRoot()
    }
}

/// Standardization of feature vectors with the mean and SD of a reference set (the gallery files);
/// features that are constant or not finite over the reference set are dropped.
struct Standardizer {
    var kept: [Int] = []
    var mean: [Double] = []
    var sd: [Double] = []
    var count: Int { kept.count }

    init(_ vectors: [[Double]]) {
        guard let width = vectors.first?.count else { return }
        for j in 0..<width {
            let values = vectors.map { $0[j] }
            guard values.allSatisfy(\.isFinite) else { continue }
            let m = DynamicsFeatures.mean(values), s = DynamicsFeatures.standardDeviation(values)
            guard s > 1e-9 else { continue }
            kept.append(j); mean.append(m); sd.append(s)
        }
    }

    func z(_ v: [Double]) -> [Double] {
        kept.indices.map { i in (v[kept[i]] - mean[i]) / sd[i] }
    }
}
