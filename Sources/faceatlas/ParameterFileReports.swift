import FaceAtlasCore
import Foundation
import ParameterFiles

/// The `--json` output of `inspect` and `verify`: one record per file (numbers that are not finite are null).
struct ParameterFileReport: Encodable {
    struct Problem: Encodable {
        var location: String?
        var problem: String
    }
    struct ArrayStatus: Encodable {
        var name: String
        var shape: [Int]?
        var dtype: String?
        var status: String
    }
    struct Activity: Encodable {
        var name: String
        var mean: Double?
        var peak: Double?
    }
    struct Summary: Encodable {
        var schema: String
        var modelID: String
        var subject: String
        var stimulus: String
        var frames: Int
        var validFrames: Int
        var fps: Double?
        var durationSeconds: Double?
        var meanResidual: Double?
        var residualUnit: String
        var mostActive: [Activity]
        var actionUnits: Bool
        var anonymized: Bool
        var removed: [String]
        var detector: String
    }

    var path: String
    var valid: Bool
    var failingArrays: [String]
    var problems: [Problem]
    var arrays: [ArrayStatus]
    var summary: Summary?

    init(_ check: ParameterFileCheck, summarize: Bool) {
        path = check.path
        valid = check.isValid
        failingArrays = check.failingArrays
        problems = check.problems.map { Problem(location: $0.location, problem: $0.problem) }
        arrays = check.arrays.map { ArrayStatus(name: $0.name, shape: $0.shape, dtype: $0.dtype, status: "\($0.status)") }
        if summarize, let s = ParameterFileSummary(check) {
            summary = Summary(schema: s.schema, modelID: s.modelID, subject: s.subject, stimulus: s.stimulus, frames: s.frames,
                              validFrames: s.validFrames, fps: s.fps.finite, durationSeconds: s.duration.finite,
                              meanResidual: s.meanResidual.finite, residualUnit: s.residualUnit,
                              mostActive: s.mostActive.map { Activity(name: $0.name, mean: $0.mean.finite, peak: $0.peak.finite) },
                              actionUnits: s.actionUnits, anonymized: s.anonymized, removed: s.removed, detector: s.detector)
        }
    }
}

extension Double {
    /// The value, or nil when it is NaN or infinite (JSON has no such numbers).
    var finite: Double? { isFinite ? self : nil }
}

extension Optional where Wrapped == Double {
    /// The value, or nil when it is missing, NaN or infinite.
    var finite: Double? { self.flatMap { $0.isFinite ? $0 : nil } }
}
