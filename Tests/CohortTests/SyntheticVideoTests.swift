import Cohort
import Foundation
import Landmarks
import Testing
import Tracking

@Suite("Synthetic cohort videos")
struct SyntheticVideoTests {
    @Test("rendered videos hold the recording's frames, and dlib finds the face where the tracker did not lose it")
    func videosAreTracked() throws {
        let folder = Fixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = try Fixture.generator(groups: "BD:1", frames: 10, stimuli: 1)
        var settings = generator.settings
        var video = SyntheticCohortVideoSettings()
        video.codec = try SyntheticCohortVideoWriter.Codec.best()
        settings.videos = video
        settings.droppedFraction = 0.1
        generator = try SyntheticCohortGenerator(model: generator.model, modelMeta: generator.modelMeta, response: generator.response,
                                                 settings: settings)
        let summary = try generator.write(to: folder, quiet: true)
        let lines = try String(contentsOf: try #require(summary.videoManifest), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines[1].hasPrefix("S0001,BD,happiness,videos/S0001/happiness.\(video.codec.fileExtension),1,"))
        let url = folder.appendingPathComponent("videos/S0001/happiness.\(video.codec.fileExtension)")
        let tracked = try SequenceTracker.trackVideo(url)
        let truth = try LandmarkIO.read(folder.appendingPathComponent("landmarks/S0001/happiness.npz"))
        #expect(tracked.frames.count == 10)
        // The lost frame is an empty picture; every other frame has the face, near the truth (256 of 512 pixels).
        #expect(tracked.frames.map(\.isValid) == truth.frames.map(\.isValid))
        for (found, known) in zip(tracked.frames, truth.frames) where found.isValid {
            let inner = (17..<68).map { i -> Double in
                let d = found.points[i] - ((known.points[i] + 0.5) * 0.5 - 0.5)
                return (d * d).sum().squareRoot()
            }
            #expect(inner.reduce(0, +) / Double(inner.count) < 6)
        }
    }
}
