import FaceAtlasCore
import Fitting
import Foundation
import ParameterFiles
import Testing

/// The re-identification audit on a synthetic cohort of 12 participants × 2 recordings: the first recording of
/// each person is the gallery, the second the probe, raw and anonymized.
///
/// Two cohorts:
/// - `knownParameterCohort` (always runs) writes parameter files made from the known parameters plus the
///   scatter a fit adds (identity ±0.5 SD per coefficient, AU intensities ±0.03). Fitting the 24 recordings with
///   the real model takes about 10 s each in a debug build on one core (measured: 4 fits of 30 frames in 20 s
///   on 2 cores), about 2 minutes in all, too slow for the debug suite.
/// - `fittedCohort` fits the landmark sequences of the same cohort with the real default model, one recording
///   at a time (24 fits in 4.3 s in a release build). It runs in release builds
///   (`swift test -c release -Xswiftc -enable-testing --filter fittedCohort`) or when FACEATLAS_SLOW_TESTS=1.
///   Measured: raw probes link by cosine geometry at rank 1 in 10 of 12 (83%, 95% CI 55–95%); anonymized probes
///   exactly at chance; dynamics link 8 of 12 at rank 1 (67%, CI 39–86%) and 12 of 12 at rank 5.
@Suite("Re-identification audit")
struct PrivacyAuditTests {
    static let participants = 12
    static var fittedCohortEnabled: Bool {
        #if DEBUG
        return ProcessInfo.processInfo.environment["FACEATLAS_SLOW_TESTS"] == "1"
        #else
        return true
        #endif
    }

    /// Gallery, raw probe and anonymized probe folders of a cohort.
    struct Folders {
        let root: TemporaryFolder
        let gallery: URL, probe: URL, anonymized: URL, cohortMean: URL, secretFile: URL
    }

    static func writeCohort(fitted: Bool, personalGains: Bool = true, seed: UInt64 = 2024) throws -> Folders {
        let cohort = try SyntheticCohort(frames: 30)
        var people = cohort.participants(participants, seed: seed)
        let root = try TemporaryFolder()
        let gallery = try root.folder("gallery"), probe = try root.folder("probe")
        let jobs = (0..<(2 * participants)).map { (person: $0 / 2, recording: $0 % 2) }
        var drawn = cohort.participants(2 * participants, seed: seed ^ 0xABCD)
        if !personalGains {
            // Same identities, but AU gains drawn anew for every recording: no behavioural signature.
            for p in people.indices { people[p].gains = [:] }
            for i in drawn.indices { drawn[i].identity = people[i / 2].identity; drawn[i].subject = people[i / 2].subject }
        }
        let make: @Sendable (Int) -> Result<ParameterFile, Error> = { [people, drawn] i in
            let job = jobs[i]
            let participant = personalGains ? people[job.person] : drawn[i]
            let stimulus = job.recording == 0 ? "happiness" : "sadness"
            let seed = UInt64(1000 * job.person + job.recording + 1)
            let trajectory = cohort.trajectory(participant, seed: seed)
            return Result {
                if fitted {
                    var settings = FitSettings()
                    settings.threads = 1
                    return try cohort.fit(cohort.landmarks(participant, trajectory, seed: seed), subject: participant.subject,
                                          stimulus: stimulus, settings: settings)
                }
                return cohort.knownParameters(participant, trajectory, subject: participant.subject, stimulus: stimulus, seed: seed)
            }
        }
        let started = Date()
        let files = Parallel.map(jobs.count, threads: fitted ? 2 : 1, make)
        if fitted { print("fitted cohort: \(jobs.count) recordings of 30 frames in \(String(format: "%.1f", Date().timeIntervalSince(started))) s") }
        for (i, result) in files.enumerated() {
            let file = try result.get()
            let folder = jobs[i].recording == 0 ? gallery : probe
            try file.write(to: folder.appendingPathComponent("\(file.meta.subject)_\(file.meta.stimulus).npz"))
        }
        let secretFile = root.file("site-secret.txt")
        try Data("cohort-site-secret-7f3a9c2e51".utf8).write(to: secretFile)
        let probes = try FileManager.default.contentsOfDirectory(at: probe, includingPropertiesForKeys: nil)
        let anonymizer = Anonymizer(identity: .mean, pseudonymizer: Pseudonymizer(secret: try SiteSecret.load(secretFile)))
        let anonymized = try root.folder("anonymized"), cohortMean = try root.folder("cohort-mean")
        _ = try AnonymizationBatch.run(inputs: probes, to: anonymized, anonymizer: anonymizer)
        var meanAnonymizer = anonymizer
        meanAnonymizer.identity = .cohortMean
        _ = try AnonymizationBatch.run(inputs: probes, to: cohortMean, anonymizer: meanAnonymizer)
        return Folders(root: root, gallery: gallery, probe: probe, anonymized: anonymized, cohortMean: cohortMean, secretFile: secretFile)
    }

    static func audit(_ gallery: URL, _ probe: URL, secret: URL? = nil, key: [String: String] = [:]) throws -> ReidentificationReport {
        let pseudonymizer = try secret.map { Pseudonymizer(secret: try SiteSecret.load($0)) }
        return try ReidentificationAudit(gallery: try ReidentificationAudit.load(folder: gallery),
                                         probes: try ReidentificationAudit.load(folder: probe),
                                         key: key, pseudonymizer: pseudonymizer).run()
    }

    static func describe(_ label: String, _ report: ReidentificationReport) -> String {
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        var lines = ["\(label):"]
        for m in report.methods {
            lines.append("  \(m.method.rawValue): rank-1 \(f(m.rank1.rate)) [\(f(m.rank1.interval.lower)), \(f(m.rank1.interval.upper))] "
                         + "rank-5 \(f(m.rank5.rate)) [\(f(m.rank5.interval.lower)), \(f(m.rank5.interval.upper))] -> \(m.outcome.rawValue)")
        }
        lines += report.verdicts.map { "  verdict: " + $0 }
        return lines.joined(separator: "\n")
    }

    /// The assertions of the issue, for either cohort.
    static func checkCohort(_ folders: Folders, label: String) throws {
        let raw = try audit(folders.gallery, folders.probe)
        let anonymized = try audit(folders.gallery, folders.anonymized, secret: folders.secretFile)
        let cohortMean = try audit(folders.gallery, folders.cohortMean, secret: folders.secretFile)
        print(describe("\(label), raw probes", raw))
        print(describe("\(label), anonymized probes (identity → model mean)", anonymized))
        print(describe("\(label), anonymized probes (identity → cohort mean)", cohortMean))

        #expect(raw.probesScored == participants && anonymized.probesScored == participants && cohortMean.probesScored == participants)
        #expect(anonymized.anonymizedProbes == participants)
        #expect(raw.result(.geometryCosine)!.rank1.chance == 1.0 / Double(participants))
        #expect(raw.result(.geometryCosine)!.rank5.chance == 5.0 / Double(participants))

        // Raw files: identity geometry links far above chance.
        let rawGeometry = raw.result(.geometryCosine)!
        #expect(rawGeometry.rank1.rate >= 0.8, "raw rank-1 linkage \(rawGeometry.rank1.rate)")
        #expect(rawGeometry.outcome == .aboveChance)
        #expect(raw.verdicts.contains { $0.hasPrefix("identity geometry links") && $0.hasSuffix("the files identify people.") })

        // Anonymized files: identity geometry within the chance interval, by both distances and at both ranks.
        for report in [anonymized, cohortMean] {
            for method in [ReidentificationAudit.Method.geometryCosine, .geometryEuclidean] {
                let r = report.result(method)!
                #expect(r.rank1.interval.contains(r.rank1.chance), "\(method) rank-1 \(r.rank1.rate) \(r.rank1.interval)")
                #expect(r.rank5.interval.contains(r.rank5.chance), "\(method) rank-5 \(r.rank5.rate) \(r.rank5.interval)")
                #expect(r.outcome == .withinChance)
            }
            #expect(report.verdicts.contains { $0.hasPrefix("identity geometry links") && $0.hasSuffix("within the chance interval.") })
        }

        // Person-specific AU gains: dynamics alone still link people, and the report says so plainly.
        let dynamics = anonymized.result(.dynamics)!
        #expect(dynamics.outcome == .aboveChance, "dynamics rank-1 \(dynamics.rank1.rate) rank-5 \(dynamics.rank5.rate)")
        #expect(anonymized.verdicts.contains {
            $0.hasPrefix("dynamics alone link people above chance") && $0.hasSuffix("anonymized files still carry a behavioural signature.")
        })
        #expect(anonymized.text.contains("dynamics alone link people above chance"))
    }

    @Test("Known-parameter cohort: raw files link by geometry, anonymized ones only by dynamics")
    func knownParameterCohort() throws {
        let folders = try Self.writeCohort(fitted: false)
        try Self.checkCohort(folders, label: "known-parameter cohort")

        // The same answer with a key file instead of the secret.
        let secret = try SiteSecret.load(folders.secretFile)
        let pseudonymizer = Pseudonymizer(secret: secret)
        let subjects = try ReidentificationAudit.load(folder: folders.gallery).map(\.file.meta.subject)
        let keyFile = folders.root.file("key.csv")
        try ("pseudonym,subject\n" + subjects.map { "\(pseudonymizer.pseudonym(for: $0)),\($0)" }.joined(separator: "\n") + "\n")
            .write(to: keyFile, atomically: true, encoding: .utf8)
        let withKey = try Self.audit(folders.gallery, folders.anonymized, key: try PseudonymKey.read(keyFile))
        let withSecret = try Self.audit(folders.gallery, folders.anonymized, secret: folders.secretFile)
        #expect(withKey.verdicts == withSecret.verdicts)
        #expect(withKey.result(.dynamics)!.rank1.linked == withSecret.result(.dynamics)!.rank1.linked)

        // Anonymized probes without a key or secret cannot be scored: the audit says what it needs.
        #expect(throws: UsageError.self) { try Self.audit(folders.gallery, folders.anonymized) }

        // The command line gives the same verdicts, as text and as JSON.
        if Project.executable != nil {
            // The exit status follows the verdict: these files link people, so the audit fails unless told to accept it.
            let text = try Project.faceatlas(["privacy-audit", "--gallery", folders.gallery.path, "--probe", folders.anonymized.path,
                                              "--secret-file", folders.secretFile.path])
            #expect(text.status == 1 && text.error.contains("link people above chance by") && text.error.contains("dynamics"), "\(text.error)")
            #expect(text.output.contains("dynamics alone link people above chance"))
            let json = try Project.faceatlas(["privacy-audit", "--gallery", folders.gallery.path, "--probe", folders.anonymized.path,
                                              "--key", keyFile.path, "--json", "--allow-linkage"])
            #expect(json.status == 0, "\(json.error)")
            let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            #expect((object?["verdicts"] as? [String])?.count == 2)
            #expect((object?["probesScored"] as? Int) == Self.participants)
        }
    }

    @Test("Without person-specific dynamics the dynamics verdict does not fire")
    func noBehaviouralSignature() throws {
        let folders = try Self.writeCohort(fitted: false, personalGains: false)
        let report = try Self.audit(folders.gallery, folders.anonymized, secret: folders.secretFile)
        print(Self.describe("cohort without personal AU gains, anonymized probes", report))
        #expect(report.result(.dynamics)!.outcome != .aboveChance)
        #expect(!report.verdicts.contains { $0.hasPrefix("dynamics alone link people above chance") })
    }

    @Test("Fitted cohort (real default model): the same conclusions", .enabled(if: PrivacyAuditTests.fittedCohortEnabled))
    func fittedCohort() throws {
        let folders = try Self.writeCohort(fitted: true)
        try Self.checkCohort(folders, label: "fitted cohort")
    }

    @Test("Wilson intervals match known values")
    func wilson() {
        let half = WilsonInterval(successes: 5, trials: 10)
        #expect(abs(half.lower - 0.2366) < 1e-4 && abs(half.upper - 0.7634) < 1e-4)
        let none = WilsonInterval(successes: 0, trials: 12)
        #expect(none.lower == 0 && abs(none.upper - 0.2425) < 1e-4)
        let all = WilsonInterval(successes: 12, trials: 12)
        #expect(abs(all.lower - 0.7575) < 1e-4 && all.upper == 1)
    }

    @Test("Ties count at their expected rank")
    func ties() throws {
        // Every probe identical to the gallery mean: every identity tied, so the expected linkage is exactly k/N.
        let root = try TemporaryFolder()
        let gallery = try root.folder("g"), probe = try root.folder("p")
        for i in 0..<8 {
            try sampleFile(subject: "S\(i)", frames: 5, seed: UInt64(i)).write(to: gallery.appendingPathComponent("S\(i).npz"))
            var p = sampleFile(subject: "S\(i)", frames: 5, seed: 99)
            p.shape = [Float](repeating: 0, count: p.shape.count)
            try p.write(to: probe.appendingPathComponent("S\(i).npz"))
        }
        let report = try Self.audit(gallery, probe)
        let cosine = report.result(.geometryCosine)!
        #expect(abs(cosine.rank1.rate - 1.0 / 8) < 1e-12 && abs(cosine.rank5.rate - 5.0 / 8) < 1e-12)
        let dynamics = report.result(.dynamics)!
        #expect(abs(dynamics.rank1.rate - 1.0 / 8) < 1e-12, "identical probes tie on dynamics too")
    }
}
