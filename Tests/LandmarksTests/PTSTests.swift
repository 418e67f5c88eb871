import FaceAtlasCore
import Foundation
import Testing
@testable import Landmarks

/// iBUG `.pts` files: one image each, 1-based pixels.
struct PTSTests {
    /// A `.pts` file as the 300-W annotations are written, with 1-based coordinates.
    static func ptsText(_ points: [SIMD2<Double>], declared: Int = 68, close: Bool = true) -> String {
        var text = "version: 1\nn_points:  \(declared)\n{\n"
        for point in points { text += String(format: "%.6f %.6f\n", point.x, point.y) }
        if close { text += "}\n" }
        return text
    }

    @Test func readSubtractsOneFromTheOneBasedCoordinates() throws {
        let folder = try TemporaryFolder()
        // Six decimals, as written: what the file holds exactly.
        let oneBased = SyntheticFace.points().map { point in
            SIMD2(Double(String(format: "%.6f", point.x + 1))!, Double(String(format: "%.6f", point.y + 1))!)
        }
        let url = try folder.write("face.pts", Self.ptsText(oneBased))
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.frames.count == 1)
        let frame = try #require(sequence.frames.first)
        #expect(frame.time == 0 && frame.isValid && frame.points.count == 68)
        #expect(close(frame.points, oneBased.map { $0 - 1 }, tolerance: 1e-9))
        #expect(frame.points[36].x < frame.points[45].x)
        #expect(frame.confidence == [Double](repeating: 1, count: 68))
        #expect(sequence.source == url.path)
    }

    @Test func writeAddsOneBackAndRoundTrips() throws {
        let folder = try TemporaryFolder()
        let points = SyntheticFace.points()
        let url = folder.file("out.pts")
        try LandmarkIO.write(LandmarkSequence(frames: [LandmarkFrame(time: 0, points: points)], source: "test"), to: url, format: .pts)

        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "version: 1")
        #expect(lines[1] == "n_points:  68")
        #expect(lines[2] == "{")
        #expect(lines[71] == "}")
        #expect(lines.count == 73 && lines[72].isEmpty)
        let first = lines[3].split(separator: " ").compactMap { Double($0) }
        #expect(first == [points[0].x + 1, points[0].y + 1])

        let back = try LandmarkIO.read(url)
        #expect(close(back.frames[0].points, points, tolerance: 1e-9))
    }

    @Test func aFolderOfPTSFilesIsOneSequenceInNaturalNameOrder() throws {
        let folder = try TemporaryFolder()
        // Names that sort wrongly as plain text: frame_10 would come before frame_2.
        for index in 1...12 {
            let shifted = SyntheticFace.points(shift: Double(index)).map { $0 + 1 }
            try folder.write("clip/frame_\(index).pts", Self.ptsText(shifted))
        }
        try folder.write("clip/notes.txt", "not landmarks")
        let clip = folder.file("clip")
        #expect(try LandmarkFormat.detect(clip) == .pts)
        let sequence = try LandmarkIO.read(clip, fps: 30)
        #expect(sequence.frames.count == 12)
        #expect(sequence.source == clip.path)
        for (index, frame) in sequence.frames.enumerated() {
            #expect(abs(frame.time - Double(index) / 30) < 1e-12)
            // frame_(index+1) was shifted by index+1 pixels.
            #expect(abs(frame.points[8].x - (320 + Double(index + 1))) < 1e-5)
        }
        #expect(abs(try #require(sequence.estimatedFPS) - 30) < 1e-9)
    }

    @Test func wrongPointCountNamesTheNPointsLine() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("nineteen.pts", Self.ptsText(Array(SyntheticFace.points().prefix(19)), declared: 19))
        expectFileError(url, at: "line 2", "expected 68 points") { _ = try LandmarkIO.read(url) }
    }

    @Test func tooFewPointsBeforeTheBraceNamesTheBraceLine() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("short.pts", Self.ptsText(Array(SyntheticFace.points().prefix(60))))
        // Header 3 lines + 60 points: "}" is line 64.
        expectFileError(url, at: "line 64", "found 60") { _ = try LandmarkIO.read(url) }
    }

    @Test func aTruncatedFileNamesItsLastLine() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("cut.pts", Self.ptsText(Array(SyntheticFace.points().prefix(30)), close: false))
        expectFileError(url, at: "line 33", "truncated") { _ = try LandmarkIO.read(url) }
    }

    @Test func aValueThatIsNotANumberNamesItsLine() throws {
        let folder = try TemporaryFolder()
        var lines = Self.ptsText(SyntheticFace.points()).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[8] = "12.5abc 100.0"  // point 5, on line 9
        let url = try folder.write("bad.pts", lines.joined(separator: "\n"))
        expectFileError(url, at: "line 9", "not two numbers") { _ = try LandmarkIO.read(url) }
    }

    @Test func anEmptyFileIsRefused() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("empty.pts", "\n  \n")
        expectFileError(url, at: nil, "empty") { _ = try LandmarkIO.read(url) }
    }

    @Test func writingSeveralFramesToOnePTSFileIsRefused() throws {
        let folder = try TemporaryFolder()
        let frame = LandmarkFrame(time: 0, points: SyntheticFace.points())
        let url = folder.file("two.pts")
        expectFileError(url, at: nil, "one frame") {
            try LandmarkIO.write(LandmarkSequence(frames: [frame, frame], source: "x"), to: url, format: .pts)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
