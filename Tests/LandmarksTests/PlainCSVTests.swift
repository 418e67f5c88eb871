import FaceAtlasCore
import Foundation
import Testing
@testable import Landmarks

/// FaceAtlas's own CSV: `frame,time,x0,y0,...,x67,y67[,valid,confidence,reason,...]`.
struct PlainCSVTests {
    static func header(extra: [String] = []) -> String {
        (["frame", "time"] + (0..<68).flatMap { ["x\($0)", "y\($0)"] } + extra).joined(separator: ",")
    }

    static func row(_ frame: Int, _ time: Double, _ points: [SIMD2<Double>], extra: [String] = []) -> String {
        ([String(frame), repr(time)] + points.flatMap { [repr($0.x), repr($0.y)] } + extra).joined(separator: ",")
    }

    /// A sequence with everything the format carries: invalid frames, per-point confidence,
    /// a reason with a comma and quotes, 3-D points, an image size, AUs and quality columns.
    static func richSequence() -> LandmarkSequence {
        var frames = (0..<5).map { index in
            LandmarkFrame(time: Double(index) / 30, points: SyntheticFace.points(shift: Double(index) + 0.123456789),
                          points3D: SyntheticFace.points3D(shift: Double(index)),
                          confidence: (0..<68).map { 0.5 + 0.005 * Double($0) })
        }
        frames[2].isValid = false
        frames[2].invalidReason = "blink, \"eyes closed\""
        frames[3].points[40] = SIMD2(.nan, .nan)
        frames[3] = frames[3].invalidatingMissingPoints()
        var sequence = LandmarkSequence(frames: frames, source: "tracker", imageSize: SIMD2(640, 480))
        sequence.actionUnits = ["AU12_r": [0, 0.5, 1, 1.5, 2]]
        sequence.extraColumns = ["detection_score": [0.9, 0.95, 0.1, 0.8, 0.85], "blur": [1, 2, 3, 4, .nan]]
        return sequence
    }

    @Test func readsTheMinimalLayout() throws {
        let folder = try TemporaryFolder()
        let text = [Self.header(), Self.row(0, 0, SyntheticFace.points()), Self.row(1, 0.2, SyntheticFace.points(shift: 2))]
            .joined(separator: "\n") + "\n"
        let url = try folder.write("plain.csv", text)
        #expect(try LandmarkFormat.detect(url) == .csv)
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.frames.count == 2 && sequence.validCount == 2)
        #expect(close(sequence.frames[1].points, SyntheticFace.points(shift: 2)))
        #expect(sequence.frames[1].time == 0.2)
        #expect(sequence.frames[0].confidence == [Double](repeating: 1, count: 68))
        #expect(sequence.actionUnits.isEmpty && sequence.extraColumns.isEmpty && sequence.imageSize == nil)
    }

    @Test func validConfidenceReasonAndQualityColumns() throws {
        let folder = try TemporaryFolder()
        let face = SyntheticFace.points()
        var missing = face
        missing[10] = SIMD2(.nan, 3)
        let text = [
            Self.header(extra: ["valid", "confidence", "reason", "detection_score", "AU06_r"]),
            Self.row(0, 0.0, face, extra: ["1", "0.9", "", "0.99", "0.5"]),
            Self.row(1, 0.2, face, extra: ["0", "0.1", "\"occluded, hand\"", "0.4", "0"]),
            Self.row(2, 0.4, missing, extra: ["1", "0.8", "", "0.7", "1.25"]),
        ].joined(separator: "\r\n")  // Windows line ends, no final one
        let url = try folder.write("quality.csv", text)
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.frames.count == 3)
        #expect(sequence.frames.map(\.isValid) == [true, false, false])
        #expect(sequence.frames[1].invalidReason == "occluded, hand")
        #expect(sequence.frames[2].invalidReason == "missing points (1 of 68)")
        #expect(sequence.frames[0].confidence == [Double](repeating: 0.9, count: 68))
        #expect(sequence.frames[0].weights == [Double](repeating: 0.9, count: 68))
        #expect(sequence.frames[1].weights == [Double](repeating: 0, count: 68))
        #expect(sequence.frames[2].weights == [Double](repeating: 0, count: 68))
        #expect(sequence.frames[2].confidence[10] == 0 && sequence.frames[2].confidence[11] == 0.8)
        #expect(sequence.extraColumns == ["detection_score": [0.99, 0.4, 0.7]])
        #expect(sequence.actionUnits == ["AU06_r": [0.5, 0, 1.25]])
    }

    @Test func roundTripKeepsEverything() throws {
        let folder = try TemporaryFolder()
        let sequence = Self.richSequence()
        let url = folder.file("rich.csv")
        try LandmarkIO.write(sequence, to: url, format: .csv)

        let header = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")[0]
        #expect(header.hasPrefix("frame,time,x0,y0,x1,y1,"))
        #expect(header.contains(",x67,y67,valid,confidence,reason,c0,"))
        #expect(header.hasSuffix(",image_width,image_height,AU12_r,blur,detection_score"))

        var back = try LandmarkIO.read(url)
        #expect(back.source == url.path)
        back.source = sequence.source
        #expect(back == sequence)
        #expect(back.frames.count == 5 && back.validCount == 3)
        #expect(back.frames[2].invalidReason == "blink, \"eyes closed\"")
    }

    @Test func timeGoingBackwardsNamesTheLine() throws {
        let folder = try TemporaryFolder()
        let face = SyntheticFace.points()
        let text = [Self.header(), Self.row(0, 0, face), Self.row(1, 0.2, face), Self.row(2, 0.1, face)].joined(separator: "\n")
        let url = try folder.write("back.csv", text)
        expectFileError(url, at: "line 4", "time goes backwards: 0.1 s comes after 0.2 s (line 3)") { _ = try LandmarkIO.read(url) }
    }

    @Test func duplicateFrameNumbersNameTheLine() throws {
        let folder = try TemporaryFolder()
        let face = SyntheticFace.points()
        let text = [Self.header(), Self.row(0, 0, face), Self.row(1, 0.2, face), Self.row(1, 0.4, face)].joined(separator: "\n")
        let url = try folder.write("dup.csv", text)
        expectFileError(url, at: "line 4", "frame number 1 appears twice (first at line 3)") { _ = try LandmarkIO.read(url) }
    }

    @Test func wrongPointCountIsNamedInTheHeader() throws {
        let folder = try TemporaryFolder()
        let header = (["frame", "time"] + (0..<67).flatMap { ["x\($0)", "y\($0)"] }).joined(separator: ",")
        let url = try folder.write("67.csv", header + "\n" + Self.row(0, 0, Array(SyntheticFace.points().prefix(67))) + "\n")
        expectFileError(url, at: "line 1", "expected 68 points (columns x0,y0 ... x67,y67), found 67") { _ = try LandmarkIO.read(url) }
    }

    @Test func nonNumericQualityValueNamesLineAndColumn() throws {
        let folder = try TemporaryFolder()
        let face = SyntheticFace.points()
        let text = [Self.header(extra: ["blur"]), Self.row(0, 0, face, extra: ["1.5"]), Self.row(1, 0.2, face, extra: ["sharp"])]
            .joined(separator: "\n")
        let url = try folder.write("blur.csv", text)
        expectFileError(url, at: "line 3", "'sharp' in column 'blur' is not a number") { _ = try LandmarkIO.read(url) }
    }

    @Test func emptyHeaderOnlyAndTruncatedFiles() throws {
        let folder = try TemporaryFolder()
        let empty = try folder.write("empty.csv", "")
        expectFileError(empty, at: nil, "empty") { _ = try LandmarkIO.read(empty, format: .csv) }
        let headerOnly = try folder.write("header.csv", Self.header() + "\n")
        expectFileError(headerOnly, at: "line 1", "no frames") { _ = try LandmarkIO.read(headerOnly) }
        let full = Self.row(1, 0.2, SyntheticFace.points())
        let cut = try folder.write("cut.csv", [Self.header(), Self.row(0, 0, SyntheticFace.points()), String(full.prefix(full.count / 2))]
            .joined(separator: "\n"))
        expectFileError(cut, at: "line 3", "truncated") { _ = try LandmarkIO.read(cut) }
    }

    @Test func aValidColumnOtherThanZeroOrOneIsRefused() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("valid.csv", [Self.header(extra: ["valid"]), Self.row(0, 0, SyntheticFace.points(), extra: ["2"])]
            .joined(separator: "\n"))
        expectFileError(url, at: "line 2", "not 0 or 1") { _ = try LandmarkIO.read(url) }
    }
}
