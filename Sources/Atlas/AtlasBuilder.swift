import FaceAtlasCore
import FaceModel
import Foundation
import Numerics
import NumPyFormat
import ParameterFiles

/// Builds an atlas — per group the neutral reference shape, per group and stimulus the expression
/// profile, peak expression and surface motion energies, and the table of group differences — from
/// the parameter files a cohort manifest lists.
///
/// Weighting: a participant's recording counts with its manifest weight times its fit quality
/// (`FitQuality`); the identity of a participant is the quality-weighted mean of its recordings'
/// identities (one value when they were fitted jointly), weighted in the group by the manifest weight
/// times the participant's mean quality. Profiles weight every sampled frame by the manifest weight
/// times that frame's weight. Recordings without a valid frame are left out and listed in the index.
public struct AtlasBuilder: Sendable {
    public let model: FaceModel
    public let modelID: String
    public let modelSHA256: String
    /// Threads for reading and measuring recordings.
    public var threads: Int?

    public init(model: FaceModel, modelID: String, modelSHA256: String, threads: Int? = nil) {
        self.model = model
        self.modelID = modelID
        self.modelSHA256 = modelSHA256
        self.threads = threads
    }

    /// One manifest entry, read and measured.
    public struct Recording: Sendable {
        public var entry: CohortManifest.Entry
        public var file: ParameterFile
        /// `FitQuality.quality(of:)`.
        public var quality: Double
        /// Peak coefficients (expression, then jaw), nil without valid frames.
        public var peak: [Double]?
        /// Motion energy per feature (mm RMS), nil without valid frames.
        public var energies: [Double]?
    }

    /// The built atlas in memory, before it is written.
    public struct Result: Sendable {
        public var index: AtlasIndex
        public var recordings: [Recording]
        /// Reference parameter files and spread arrays, keyed like `index.references`.
        public var referenceFiles: [ParameterFile]
        public var spreads: [[(name: String, array: NumPyArray)]]
        public var groupTable: [(group: String, stimulus: String, feature: BiomarkerFeature, mean: Double, sd: Double, n: Int)]
        public var comparisons: [GroupComparison]
    }

    /// Reads every file of `manifest` and measures it (parallel); errors name the file.
    public func readRecordings(_ manifest: CohortManifest, progress: ProgressReporter? = nil) throws -> [Recording] {
        let energy = MotionEnergy(model: model)
        let jawDrop = model.jaw.map { Double($0.jawDropDegrees) * .pi / 180 }
        let expressionNames = model.expressions.map(\.name)
        let entries = manifest.entries
        let outcomes: [Swift.Result<Recording, Error>] = Parallel.map(entries.count, threads: threads) { i in
            let entry = entries[i]
            let outcome = Swift.Result<Recording, Error> {
                let file = try ParameterFile.read(entry.file)
                guard file.meta.modelID == modelID else {
                    throw FileError(entry.file, "was fitted with model '\(file.meta.modelID)', but the atlas uses '\(modelID)'")
                }
                guard file.meta.expressionNames == expressionNames, file.shape.count <= model.identityCount else {
                    throw FileError(entry.file, "its expression components or identity size do not match the model '\(modelID)'")
                }
                let jaw = file.pose.map { Array($0[3..<6]) }
                let moment = energy.secondMoment(expression: file.expression, jaw: jaw, confidence: file.confidence)
                return Recording(entry: entry, file: file, quality: FitQuality.quality(of: file),
                                 peak: PeakExpression.of(file, jawDropRadians: jawDrop),
                                 energies: moment.map { energy.energies(secondMoment: $0) })
            }
            progress?.advance()
            return outcome
        }
        return try outcomes.map { try $0.get() }
    }

    /// Builds the atlas of `manifest` (whose source file is recorded in the index).
    public func build(_ manifest: CohortManifest, progress: ProgressReporter? = nil) throws -> Result {
        let recordings = try readRecordings(manifest, progress: progress)
        return try build(manifest, recordings: recordings)
    }

    /// Builds the atlas from recordings already read.
    public func build(_ manifest: CohortManifest, recordings: [Recording]) throws -> Result {
        let e = model.expressionCount, k = model.identityCount
        var excluded: [String] = []
        let usable = recordings.filter { r in
            let ok = r.peak != nil && r.entry.weight > 0 && r.quality > 0
            if !ok { excluded.append("\(r.entry.subject)/\(r.entry.stimulus): " + (r.peak == nil ? "no valid frame" : "zero weight")) }
            return ok
        }
        guard !usable.isEmpty else { throw UsageError("no recording in the manifest has a valid frame and a positive weight") }

        // Identity per subject: quality-weighted mean over its recordings.
        var subjectIdentity: [String: [Double]] = [:]
        var subjectWeight: [String: Double] = [:]
        for subject in manifest.subjects {
            let own = usable.filter { $0.entry.subject == subject }
            guard !own.isEmpty else { continue }
            let q = own.reduce(0) { $0 + $1.quality }
            var beta = [Double](repeating: 0, count: k)
            for r in own { for i in r.file.shape.indices { beta[i] += r.quality / q * Double(r.file.shape[i]) } }
            subjectIdentity[subject] = beta
            subjectWeight[subject] = own[0].entry.weight * q / Double(own.count)
        }

        let groupOf = manifest.groupOfSubject
        var groups: [AtlasIndex.Group] = []
        for group in manifest.groups {
            let members = manifest.subjects.filter { groupOf[$0] == group && subjectIdentity[$0] != nil }
            guard !members.isEmpty else { continue }
            let (mean, spread, total) = AtlasBuilder.weightedMoments(members.map { (subjectIdentity[$0]!, subjectWeight[$0]!) }, dimension: k)
            groups.append(AtlasIndex.Group(name: group, subjects: members.count, totalWeight: total, identity: mean, identitySpread: spread))
        }

        let step = AtlasBuilder.commonTimeStep(usable.map(\.file))
        let features = BiomarkerFeature.all
        var references: [AtlasIndex.Reference] = []
        var referenceFiles: [ParameterFile] = []
        var spreads: [[(name: String, array: NumPyArray)]] = []
        var groupTable: [(group: String, stimulus: String, feature: BiomarkerFeature, mean: Double, sd: Double, n: Int)] = []
        for group in groups {
            for stimulus in manifest.stimuli {
                let members = usable.filter { groupOf[$0.entry.subject] == group.name && $0.entry.stimulus == stimulus }
                guard !members.isEmpty else { continue }
                let weights = members.map { $0.entry.weight * $0.quality }
                let peakMoments = AtlasBuilder.weightedMoments(zip(members, weights).map { ($0.peak!, $1) }, dimension: e + 3)
                let energyMoments = AtlasBuilder.weightedMoments(zip(members, weights).map { ($0.energies!, $1) }, dimension: features.count)
                for (i, feature) in features.enumerated() {
                    groupTable.append((group.name, stimulus, feature, energyMoments.mean[i], energyMoments.spread[i], members.count))
                }
                let profile = ExpressionProfile(
                    samples: members.map { ExpressionProfile.Sample(file: $0.file, onset: $0.entry.onset, weight: $0.entry.weight) },
                    step: step)
                let name = "references/\(AtlasBuilder.fileSafe(group.name))/\(AtlasBuilder.fileSafe(stimulus))"
                referenceFiles.append(referenceFile(group: group, stimulus: stimulus, profile: profile, members: members.count,
                                                    manifestSHA: manifest.source.flatMap { try? Digest.sha256(file: $0) } ?? ""))
                spreads.append(AtlasBuilder.spreadArrays(profile: profile, peak: peakMoments.mean, expressionCount: e))
                references.append(AtlasIndex.Reference(
                    group: group.name, stimulus: stimulus, subjects: members.count, file: name + ".npz", spreadFile: name + "-spread.npz",
                    peakExpression: Array(peakMoments.mean[0..<e]), peakJaw: Array(peakMoments.mean[e..<(e + 3)]),
                    motionEnergy: energyMoments.mean))
            }
        }

        // Group differences per stimulus and feature, BH-adjusted over the whole table.
        var comparisons: [GroupComparison] = []
        let names = groups.map(\.name)
        for stimulus in manifest.stimuli {
            for (a, b) in GroupComparison.pairs(of: names) {
                let ra = usable.filter { groupOf[$0.entry.subject] == a && $0.entry.stimulus == stimulus }
                let rb = usable.filter { groupOf[$0.entry.subject] == b && $0.entry.stimulus == stimulus }
                for (i, feature) in features.enumerated() {
                    if let c = GroupComparison(stimulus: stimulus, feature: feature, groupA: a, a: ra.map { $0.energies![i] },
                                               groupB: b, b: rb.map { $0.energies![i] }) {
                        comparisons.append(c)
                    }
                }
            }
        }

        let index = AtlasIndex(
            createdBy: "faceatlas \(FaceAtlasVersion.current)", modelID: modelID, modelSHA256: modelSHA256,
            expressionNames: model.expressions.map(\.name),
            manifest: manifest.source?.path ?? "", manifestSHA256: manifest.source.flatMap { try? Digest.sha256(file: $0) } ?? "",
            timeStep: step,
            weighting: "recording: manifest weight × fit quality (mean over frames of confidence / (1 + (NME / \(FitQuality.halfWeightNME))²)); "
                + "identity: quality-weighted per subject, subjects weighted by manifest weight × mean quality; "
                + "profiles: manifest weight × frame weight; peak: mean of the top \(Int(PeakExpression.fraction * 100)) % most expressive valid frames",
            groups: groups, stimuli: manifest.stimuli, references: references, features: features, excluded: excluded)
        return Result(index: index, recordings: recordings, referenceFiles: referenceFiles, spreads: spreads,
                      groupTable: groupTable, comparisons: GroupComparison.adjusted(comparisons))
    }

    /// The reference face of one group and stimulus as a parameter file: group-mean identity, the mean
    /// profile over time, no head motion, a unit camera, coverage as confidence.
    func referenceFile(group: AtlasIndex.Group, stimulus: String, profile: ExpressionProfile, members: Int, manifestSHA: String) -> ParameterFile {
        let e = model.expressionCount
        var meta = ParameterFile.Meta(
            modelID: modelID, modelSHA256: modelSHA256, expressionNames: model.expressions.map(\.name),
            camera: .init(model: "scaled-orthographic"), subject: group.name, stimulus: stimulus, fps: 1 / timeStepOf(profile),
            source: "faceatlas atlas: weighted mean of \(members) participants", detector: "none",
            fitterVersion: FaceAtlasVersion.current, fitterSettings: ["atlas.members": "\(members)", "atlas.manifest_sha256": manifestSHA])
        meta.units["confidence"] = "share of the group's weight"
        let t = profile.time.count
        return ParameterFile(
            meta: meta, shape: group.identity.map(Float.init),
            expression: profile.mean.map { $0[0..<e].map(Float.init) },
            pose: profile.mean.map { [0, 0, 0] + $0[e..<(e + 3)].map(Float.init) },
            camera: [[Float]](repeating: [1, 0, 0], count: t), time: profile.time,
            confidence: profile.coverage.map(Float.init), residual: [Float](repeating: 0, count: t),
            residualNME: profile.residualNME.map(Float.init))
    }

    func timeStepOf(_ profile: ExpressionProfile) -> Double {
        profile.time.count > 1 ? profile.time[1] - profile.time[0] : 1
    }

    /// The spread arrays of a reference (`-spread.npz`).
    static func spreadArrays(profile: ExpressionProfile, peak: [Double], expressionCount e: Int) -> [(name: String, array: NumPyArray)] {
        let t = profile.time.count
        return [
            ("time", NumPyArray(float64: profile.time, shape: [t])),
            ("exp_mean", NumPyArray(float32: profile.mean.flatMap { $0[0..<e].map(Float.init) }, shape: [t, e])),
            ("exp_sd", NumPyArray(float32: profile.standardDeviation.flatMap { $0[0..<e].map(Float.init) }, shape: [t, e])),
            ("jaw_sd", NumPyArray(float32: profile.standardDeviation.flatMap { $0[e..<(e + 3)].map(Float.init) }, shape: [t, 3])),
            ("coverage", NumPyArray(float32: profile.coverage.map(Float.init), shape: [t])),
            ("peak_exp", NumPyArray(float32: peak[0..<e].map(Float.init), shape: [e])),
            ("peak_jaw", NumPyArray(float32: peak[e..<(e + 3)].map(Float.init), shape: [3])),
        ]
    }

    /// Weighted mean, reliability-weighted SD and total weight of vectors.
    static func weightedMoments(_ items: [([Double], Double)], dimension d: Int) -> (mean: [Double], spread: [Double], total: Double) {
        var mean = [Double](repeating: 0, count: d), sq = mean
        let total = items.reduce(0) { $0 + $1.1 }
        let total2 = items.reduce(0) { $0 + $1.1 * $1.1 }
        guard total > 0 else { return (mean, mean, 0) }
        for (x, w) in items { for i in 0..<min(d, x.count) { mean[i] += w * x[i] } }
        for i in 0..<d { mean[i] /= total }
        for (x, w) in items { for i in 0..<min(d, x.count) { sq[i] += w * (x[i] - mean[i]) * (x[i] - mean[i]) } }
        let denominator = total - total2 / total
        return (mean, sq.map { denominator > 0 ? ($0 / denominator).squareRoot() : 0 }, total)
    }

    /// The profile grid step: the median frame interval of the recordings (0.2 s, 5 FPS, when unknown).
    static func commonTimeStep(_ files: [ParameterFile]) -> Double {
        let intervals = files.compactMap { f -> Double? in
            guard f.frameCount > 1 else { return f.meta.fps.map { 1 / $0 } }
            let d = zip(f.time.dropFirst(), f.time).map { $0 - $1 }.filter { $0 > 0 }
            return d.isEmpty ? nil : Statistics.median(d)
        }
        let step = intervals.isEmpty ? 0.2 : Statistics.median(intervals)
        return step > 0 && step.isFinite ? step : 0.2
    }

    /// A label as a file-name component: letters, digits, `-` and `_` kept, anything else `_`.
    public static func fileSafe(_ label: String) -> String {
        let mapped = label.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" ? Character($0) : "_" }
        let s = String(mapped)
        return s.isEmpty ? "_" : s
    }
}
