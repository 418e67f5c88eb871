import FaceAtlasCore
import FaceModel
import Foundation

/// How synthetic participants respond to the stimuli: the response model of `SyntheticCohortGenerator`,
/// read from JSON (`Templates/response-model.json` is the default; the README documents every field).
///
/// A participant's peak intensity of action unit *a* under stimulus *s* is
///
///     gain(s, a) · groupExpressivity · groupModifier(a) · subjectExpressivity · subjectGain(a) · side(a) · exp(effect(a) · z)
///
/// clipped to 1, where the subject terms are log-normal draws (`variability`), `side` a small left/right
/// asymmetry and z the participant's standardized score (`score`). Each recording has a neutral baseline, then
/// response episodes (rise, plateau, decay, then a gap) from the stimulus onset plus the latency to the end,
/// each weaker than the one before (`habituation`); blinks and head motion run throughout.
///
/// Action units are named by FACS label (`AU6`: both sides) or by model component (`AU6L`: one side);
/// `AU26` and `AU27` open the articulated jaw.
public struct SyntheticCohortResponseModel: Codable, Sendable, Equatable {
    /// When responses happen, in seconds.
    public struct Timing: Codable, Sendable, Equatable {
        /// The neutral baseline before the stimulus starts.
        public var baselineSeconds: Double
        /// The baseline is at most this fraction of the recording (for short recordings).
        public var baselineMaxFraction: Double
        /// Mean time from the stimulus onset to the first response (a group adds its own latency).
        public var latencySeconds: Double
        /// Time from no response to the episode's peak.
        public var riseSeconds: Double
        /// Time at the peak.
        public var plateauSeconds: Double
        /// Time from the peak back to neutral.
        public var decaySeconds: Double
        /// Mean pause between episodes (exponentially distributed).
        public var gapSeconds: Double
        /// Each episode's amplitude relative to the previous one.
        public var habituation: Double
        /// SD of each action unit's own onset around its episode's onset.
        public var actionUnitOnsetJitterSeconds: Double
    }

    /// How participants and recordings vary (SDs of log-normal factors unless stated).
    public struct Variability: Codable, Sendable, Equatable {
        /// Identity coefficients are standard normal, redrawn beyond this many SDs.
        public var identityTruncation: Double
        /// A participant's overall expressivity.
        public var expressivitySD: Double
        /// A participant's gain of each action unit (one draw per FACS label, shared by all stimuli).
        public var gainSD: Double
        /// The left/right ratio of a participant's unilateral action units.
        public var asymmetrySD: Double
        /// A participant's extra latency, seconds (normal).
        public var latencySD: Double
        /// A recording's extra latency, seconds (normal).
        public var latencyJitterSD: Double
        /// Each episode's rise, plateau and decay durations.
        public var durationSD: Double
        /// Each episode's amplitude.
        public var episodeSD: Double
        /// SD of the slow fluctuation of an active action unit's intensity (intensity units).
        public var intensityNoise: Double
    }

    /// Spontaneous blinks (AU45 on both eyes).
    public struct Blinks: Codable, Sendable, Equatable {
        /// Mean blinks per minute.
        public var ratePerMinute: Double
        /// Log-normal SD of a participant's rate.
        public var rateSD: Double
        /// Duration of one blink (a raised cosine), seconds.
        public var durationSeconds: Double
        /// Peak AU45 intensity.
        public var intensity: Double
    }

    /// Head pose and position over a recording: a constant offset plus slow drift
    /// (Ornstein–Uhlenbeck processes with the given SDs and time constants).
    public struct HeadMotion: Codable, Sendable, Equatable {
        /// SD of the drift of the head's yaw (about the vertical axis), degrees.
        public var yawDegrees: Double
        /// SD of the drift of the head's pitch (nodding), degrees.
        public var pitchDegrees: Double
        /// SD of the drift of the head's roll (tilt), degrees.
        public var rollDegrees: Double
        /// Time constant of the pose drift, seconds.
        public var timeConstantSeconds: Double
        /// SD of the recording's constant yaw, degrees.
        public var offsetYawDegrees: Double
        /// SD of the recording's constant pitch, degrees.
        public var offsetPitchDegrees: Double
        /// SD of the recording's constant roll, degrees.
        public var offsetRollDegrees: Double
        /// SD of the drift of the head's image position, pixels.
        public var translationPixels: Double
        /// Time constant of the position drift, seconds.
        public var translationTimeConstantSeconds: Double
        /// Relative SD of the camera scale between a participant's recordings (distance to the camera).
        public var scaleSD: Double
    }

    /// One stimulus: the action units it elicits at expressivity 1.
    public struct Stimulus: Codable, Sendable, Equatable {
        /// The stimulus name written to the manifest (happiness, anger, sadness, fear, neutral).
        public var name: String
        /// Multiplies every episode duration (slower sadness, faster fear).
        public var timeScale: Double
        /// Peak intensity per action unit (FACS label or component name).
        public var gains: [String: Double]
    }

    /// One diagnostic group's response profile.
    public struct Group: Codable, Sendable, Equatable {
        /// The group name written to the manifest (MDD, BD, HC).
        public var name: String
        /// Multiplies every gain.
        public var expressivity: Double
        /// Added to the response latency, seconds.
        public var latencySeconds: Double
        /// Multiplies the gain of the named action units.
        public var gainModifiers: [String: Double]
        /// Mean of the group's score (normal, clipped to the score's range, rounded).
        public var scoreMean: Double
        /// SD of the group's score.
        public var scoreSD: Double

        /// A group with no modifiers: expressivity 1, no extra latency.
        public init(name: String, expressivity: Double = 1, latencySeconds: Double = 0, gainModifiers: [String: Double] = [:],
                    scoreMean: Double, scoreSD: Double) {
            self.name = name
            self.expressivity = expressivity
            self.latencySeconds = latencySeconds
            self.gainModifiers = gainModifiers
            self.scoreMean = scoreMean
            self.scoreSD = scoreSD
        }
    }

    /// The participant-level clinical score written as a manifest column.
    public struct Score: Codable, Sendable, Equatable {
        /// The column name (HAMD).
        /// The manifest column's name (HAMD).
        public var name: String
        /// The lowest and highest score (HAMD: 0 and 52).
        public var minimum: Double
        public var maximum: Double
        /// The standardized score that drives the action-unit effects is z = (score − reference) / scale.
        public var reference: Double
        /// See `reference`.
        public var scale: Double
        /// Per action unit, the log gain change per unit of z.
        public var actionUnitEffects: [String: Double]
    }

    /// The model's name (`default`, `null`, or a user's), written to `cohort.json`.
    public var name: String
    /// What the model is, in words.
    public var description: String
    /// When responses happen.
    public var timing: Timing
    /// How participants and recordings vary.
    public var variability: Variability
    /// Spontaneous blinks.
    public var blinks: Blinks
    /// Head pose and position over a recording.
    public var headMotion: HeadMotion
    /// The stimuli, in recording order.
    public var stimuli: [Stimulus]
    /// The diagnostic groups' profiles.
    public var groups: [Group]
    /// The clinical score.
    public var score: Score

    /// The profile of the group called `name`.
    public func group(named name: String) -> Group? {
        groups.first { $0.name == name }
    }

    /// The same model with no group differences: every group responds like a group without modifiers
    /// (expressivity 1, no extra latency) and the score has no effect on any action unit. The groups keep
    /// their score distributions, so scores still differ by group but say nothing about the face.
    public func withoutGroupDifferences() -> SyntheticCohortResponseModel {
        var model = self
        model.name = "null"
        model.description = "The '\(name)' response model with identical responses in every group and no score effects."
        model.groups = groups.map { Group(name: $0.name, scoreMean: $0.scoreMean, scoreSD: $0.scoreSD) }
        model.score.actionUnitEffects = [:]
        return model
    }

    // MARK: Reading

    /// The default model's file in a `Templates/` folder.
    public static func defaultURL(templates: URL) -> URL {
        templates.appendingPathComponent("response-model.json")
    }

    /// Reads and checks a response model.
    /// - Throws: `FileError` naming the file and what is wrong.
    public static func read(_ url: URL) throws -> SyntheticCohortResponseModel {
        let data = try AtomicFile.read(url)
        let model: SyntheticCohortResponseModel
        do {
            model = try JSONDecoder().decode(SyntheticCohortResponseModel.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw FileError(url, "missing field '\(key.stringValue)'", at: path(context.codingPath))
        } catch let DecodingError.typeMismatch(_, context) {
            throw FileError(url, "wrong type: \(context.debugDescription)", at: path(context.codingPath))
        } catch let DecodingError.valueNotFound(_, context) {
            throw FileError(url, "missing value: \(context.debugDescription)", at: path(context.codingPath))
        } catch {
            throw FileError(url, "not a response model (JSON): \(error.localizedDescription)")
        }
        if let problem = model.problem() { throw FileError(url, problem) }
        return model
    }

    /// The JSON text of this model (sorted keys, pretty-printed).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// The first thing wrong with the values, if any.
    public func problem() -> String? {
        func positive(_ values: [(String, Double)]) -> String? {
            values.first { !($0.1.isFinite && $0.1 > 0) }.map { "\($0.0) must be positive, not \($0.1)" }
        }
        func nonNegative(_ values: [(String, Double)]) -> String? {
            values.first { !($0.1.isFinite && $0.1 >= 0) }.map { "\($0.0) must be zero or positive, not \($0.1)" }
        }
        let t = timing, v = variability, b = blinks, h = headMotion
        if let p = positive([("timing.riseSeconds", t.riseSeconds), ("timing.plateauSeconds", t.plateauSeconds),
                             ("timing.decaySeconds", t.decaySeconds), ("timing.gapSeconds", t.gapSeconds),
                             ("variability.identityTruncation", v.identityTruncation), ("blinks.durationSeconds", b.durationSeconds),
                             ("headMotion.timeConstantSeconds", h.timeConstantSeconds),
                             ("headMotion.translationTimeConstantSeconds", h.translationTimeConstantSeconds), ("score.scale", score.scale)]) {
            return p
        }
        if let p = nonNegative([("timing.baselineSeconds", t.baselineSeconds), ("timing.latencySeconds", t.latencySeconds),
                                ("timing.actionUnitOnsetJitterSeconds", t.actionUnitOnsetJitterSeconds),
                                ("variability.expressivitySD", v.expressivitySD), ("variability.gainSD", v.gainSD),
                                ("variability.asymmetrySD", v.asymmetrySD), ("variability.latencySD", v.latencySD),
                                ("variability.latencyJitterSD", v.latencyJitterSD), ("variability.durationSD", v.durationSD),
                                ("variability.episodeSD", v.episodeSD), ("variability.intensityNoise", v.intensityNoise),
                                ("blinks.ratePerMinute", b.ratePerMinute), ("blinks.rateSD", b.rateSD), ("blinks.intensity", b.intensity),
                                ("headMotion.yawDegrees", h.yawDegrees), ("headMotion.pitchDegrees", h.pitchDegrees),
                                ("headMotion.rollDegrees", h.rollDegrees), ("headMotion.offsetYawDegrees", h.offsetYawDegrees),
                                ("headMotion.offsetPitchDegrees", h.offsetPitchDegrees), ("headMotion.offsetRollDegrees", h.offsetRollDegrees),
                                ("headMotion.translationPixels", h.translationPixels), ("headMotion.scaleSD", h.scaleSD)]) {
            return p
        }
        guard (0...1).contains(t.baselineMaxFraction) else { return "timing.baselineMaxFraction must be within 0...1" }
        guard t.habituation > 0 && t.habituation <= 1 else { return "timing.habituation must be within 0 (exclusive) ... 1" }
        guard score.maximum > score.minimum else { return "score.maximum must exceed score.minimum" }
        guard !stimuli.isEmpty else { return "no stimuli" }
        guard !groups.isEmpty else { return "no groups" }
        for (kind, names) in [("stimulus", stimuli.map(\.name)), ("group", groups.map(\.name))] {
            if let bad = names.first(where: { $0.isEmpty || $0.contains(where: { ",\"\n/\\".contains($0) }) }) {
                return "the \(kind) name '\(bad)' is empty or holds a comma, quote, slash or line break"
            }
            if Set(names).count != names.count { return "\(kind) names repeat" }
        }
        for s in stimuli {
            guard s.timeScale.isFinite && s.timeScale > 0 else { return "stimulus \(s.name): timeScale must be positive" }
            if let (au, g) = s.gains.first(where: { !($0.value.isFinite && $0.value >= 0) }) { return "stimulus \(s.name): gain of \(au) is \(g)" }
        }
        for g in groups {
            guard g.expressivity.isFinite && g.expressivity > 0 else { return "group \(g.name): expressivity must be positive" }
            guard g.latencySeconds.isFinite, g.scoreMean.isFinite, g.scoreSD.isFinite && g.scoreSD >= 0 else {
                return "group \(g.name): latencySeconds, scoreMean and scoreSD must be numbers (scoreSD ≥ 0)"
            }
            if let (au, m) = g.gainModifiers.first(where: { !($0.value.isFinite && $0.value >= 0) }) { return "group \(g.name): modifier of \(au) is \(m)" }
        }
        if let (au, e) = score.actionUnitEffects.first(where: { !$0.value.isFinite }) { return "score: effect of \(au) is \(e)" }
        return nil
    }

    /// Every action-unit name the model uses (gains, modifiers, score effects), sorted.
    public var actionUnitNames: [String] {
        var names = Set(score.actionUnitEffects.keys)
        for s in stimuli { names.formUnion(s.gains.keys) }
        for g in groups { names.formUnion(g.gainModifiers.keys) }
        return names.sorted()
    }
}
