import FaceAtlasCore
import Foundation
import Landmarks
import Testing
@testable import Tracking

/// Inputs that are not what they should be give a clear `FileError` naming the file, or frames
/// that are all invalid with the reason; never a crash.
@Suite(.enabled(if: trackingToolsInstalled, "ffmpeg or dlib's model is not installed (run scripts/bootstrap)"))
struct BadInputTests {
    @Test func anEmptyFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("empty.mp4")
        try Data().write(to: url)
        expectFileError(url, "the file is empty") { _ = try SequenceTracker.track([url]) }
        let image = folder.file("empty.jpg")
        try Data().write(to: image)
        expectFileError(image, "the file is empty") { _ = try SequenceTracker.track([image]) }
    }

    @Test func aMissingFile() throws {
        let url = URL(fileURLWithPath: "/nonexistent/clip.mp4")
        expectFileError(url, "no such file") { _ = try SequenceTracker.track([url]) }
    }

    @Test func randomBytesAreNotAVideo() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("corrupt.mp4")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: url)
        expectFileError(url, "not a video ffmpeg can read") { _ = try SequenceTracker.track([url]) }
    }

    /// An MP4 cut after its first bytes has no index ("moov atom not found").
    @Test func aTruncatedVideo() throws {
        let folder = try TemporaryFolder()
        let whole = folder.file("whole.mp4")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", whole.path])
        let url = folder.file("truncated.mp4")
        try Data(try Data(contentsOf: whole).prefix(4000)).write(to: url)
        expectFileError(url, "not a video ffmpeg can read") { _ = try SequenceTracker.track([url]) }
    }

    /// A video whose middle is overwritten with garbage: ffmpeg skips what it cannot decode; the
    /// result is frames at true times, or a FileError, never a crash.
    @Test func aVideoDamagedInTheMiddle() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("damaged.avi")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2", "-c:v", "mpeg4", url.path])
        var bytes = [UInt8](try Data(contentsOf: url))
        for i in stride(from: bytes.count / 3, to: 2 * bytes.count / 3, by: 1) { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        try Data(bytes).write(to: url)
        do {
            let sequence = try SequenceTracker.track([url])
            #expect(!sequence.frames.isEmpty)
            #expect(sequence.frames.enumerated().allSatisfy { $0.element.time == Double($0.offset) / 5 })
            #expect(sequence.validCount == 0)  // testsrc has no face
        } catch let error as FileError {
            #expect(error.path == url.path)
        }
    }

    /// ffmpeg's test pattern has no face: every frame is kept, invalid, "no face found".
    @Test func aVideoWithoutAFace() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("testsrc.mp4")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=640x480:rate=30:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", url.path])
        let sequence = try SequenceTracker.track([url])
        #expect(sequence.frames.count == 10)
        #expect(sequence.validCount == 0)
        #expect(sequence.frames.allSatisfy { $0.invalidReason == "no face found" && $0.points.allSatisfy { $0.x.isNaN } })
        #expect(sequence.frames.map(\.time) == (0..<10).map { Double($0) / 5 })
        #expect(sequence.extraColumns["faces"] == [Double](repeating: 0, count: 10))
        #expect(sequence.extraColumns["detection_score"]!.allSatisfy { $0.isNaN })
        // And it still writes and reads back as a landmark CSV.
        let csv = folder.file("testsrc.csv")
        try LandmarkIO.write(sequence, to: csv, format: .csv)
        let back = try LandmarkIO.read(csv)
        #expect(back.frames.count == 10 && back.validCount == 0)
        #expect(back.frames[3].invalidReason == "no face found")
    }

    @Test func anAudioOnlyFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("tone.m4a")
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", url.path])
        expectFileError(url, "no video stream") { _ = try SequenceTracker.track([url]) }
        expectFileError(url, "audio-only") { _ = try VideoInfo.probe(url) }
    }

    @Test func anImageThatIsNot() throws {
        let folder = try TemporaryFolder()
        let png = folder.file("text.png")
        try Data("not a picture".utf8).write(to: png)
        do {
            _ = try SequenceTracker.track([png])
            Issue.record("a text file named .png was tracked")
        } catch let error as FileError {
            #expect(error.path == png.path)
        }
        let jpeg = folder.file("text.jpg")
        try Data("not a picture either".utf8).write(to: jpeg)
        expectFileError(jpeg, "not an image ffmpeg can read") { _ = try SequenceTracker.track([jpeg]) }
    }

    @Test func aVideoAmongImagesIsRefused() throws {
        #expect(throws: UsageError.self) {
            _ = try SequenceTracker.track([URL(fileURLWithPath: "/tmp/a.png"), URL(fileURLWithPath: "/tmp/b.mp4")])
        }
        var options = TrackingOptions()
        options.decode.fps = 0
        #expect(throws: UsageError.self) { _ = try SequenceTracker.track([URL(fileURLWithPath: "/tmp/b.mp4")], options: options) }
    }

    /// A file that is not a shape predictor is refused by name, and nothing crashes in dlib.
    @Test func aWrongModelFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("model.dat")
        try Data((0..<1000).map { UInt8($0 % 251) }).write(to: url)
        expectFileError(url, "not a dlib shape predictor") { _ = try ShapePredictor(url: url) }
    }
}
