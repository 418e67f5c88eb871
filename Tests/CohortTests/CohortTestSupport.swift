import Cohort
import FaceAtlasCore
import FaceModel
import Foundation
import ModelAuthoring
import Numerics

/// The project's files and small cohorts for the tests.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templates = root.appendingPathComponent("Templates")

    /// The default face model, read once.
    static let model: Result<(model: FaceModel, meta: FaceModelFile.Meta), Error> = Result {
        try FaceModelFile.read(DefaultModelBuilder.defaultModelURL(templates: templates))
    }

    /// The shipped response model.
    static func responseModel() throws -> SyntheticCohortResponseModel {
        try SyntheticCohortResponseModel.read(SyntheticCohortResponseModel.defaultURL(templates: templates))
    }

    /// A generator for `groups` with `frames` frames per recording and the first `stimuli` stimuli of `response`.
    static func generator(groups: String = "MDD:3,BD:2,HC:1", frames: Int = 30, stimuli: Int = 2, seed: UInt64 = 7,
                          response: SyntheticCohortResponseModel? = nil, threads: Int? = nil) throws -> SyntheticCohortGenerator {
        var response = try response ?? responseModel()
        response.stimuli = Array(response.stimuli.prefix(stimuli))
        var settings = SyntheticCohortSettings()
        settings.groups = try SyntheticCohortGroups.parse(groups)
        settings.frames = frames
        settings.seed = seed
        settings.threads = threads
        let (model, meta) = try Fixture.model.get()
        return try SyntheticCohortGenerator(model: model, modelMeta: meta, response: response, settings: settings)
    }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-cohort-tests-\(UUID().uuidString)")
    }

    /// SHA-256 of every file under `folder`, by relative path.
    static func hashes(_ folder: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        let base = folder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let path = url.standardizedFileURL.path
            out[String(path.dropFirst(base.count + 1))] = try Digest.sha256(file: url)
        }
        return out
    }

    /// Welch's t statistic of a − b.
    static func welch(_ a: [Double], _ b: [Double]) -> Double { HypothesisTests.welch(a, b).t }
}
