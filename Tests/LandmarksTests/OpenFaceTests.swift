import FaceAtlasCore
import Foundation
import Testing
@testable import Landmarks

/// OpenFace 2.x FeatureExtraction CSV, written here in OpenFace's own column order and number
/// formats (RecorderCSV: timestamp %.3f, confidence %.2f, landmarks %.1f, AU_r %.2f, AU_c %.1f).
struct OpenFaceTests {
    struct Row {
        var frame: Int
        var time: Double
        var confidence: Double
        var success: Bool
        var points: [SIMD2<Double>]
        var points3D: [SIMD3<Double>]
        var au12: Double = 0
    }

    static let auRegression = ["AU01", "AU02", "AU04", "AU05", "AU06", "AU07", "AU09", "AU10", "AU12", "AU14", "AU15",
                               "AU17", "AU20", "AU23", "AU25", "AU26", "AU45"]
    static let auClass = ["AU01", "AU02", "AU04", "AU05", "AU06", "AU07", "AU09", "AU10", "AU12", "AU14", "AU15",
                          "AU17", "AU20", "AU23", "AU25", "AU26", "AU28", "AU45"]

    /// The header FeatureExtraction writes with all outputs on (56 eye landmarks, 34 shape modes).
    static func header(landmarks2D: Bool = true, landmarks3D: Bool = true, actionUnits: Bool = true) -> [String] {
        var h = ["frame", "face_id", "timestamp", "confidence", "success"]
        h += ["gaze_0_x", "gaze_0_y", "gaze_0_z", "gaze_1_x", "gaze_1_y", "gaze_1_z", "gaze_angle_x", "gaze_angle_y"]
        for axis in ["x", "y", "X", "Y", "Z"] { h += (0..<56).map { "eye_lmk_\(axis)_\($0)" } }
        h += ["pose_Tx", "pose_Ty", "pose_Tz", "pose_Rx", "pose_Ry", "pose_Rz"]
        if landmarks2D { for axis in ["x", "y"] { h += (0..<68).map { "\(axis)_\($0)" } } }
        if landmarks3D { for axis in ["X", "Y", "Z"] { h += (0..<68).map { "\(axis)_\($0)" } } }
        h += ["p_scale", "p_rx", "p_ry", "p_rz", "p_tx", "p_ty"] + (0..<34).map { "p_\($0)" }
        if actionUnits { h += auRegression.map { $0 + "_r" } + auClass.map { $0 + "_c" } }
        return h
    }

    static func f(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func line(_ row: Row, landmarks2D: Bool = true, landmarks3D: Bool = true, actionUnits: Bool = true) -> [String] {
        var v = [String(row.frame), "0", f(row.time, 3), f(row.confidence, 2), row.success ? "1" : "0"]
        v += (0..<6).map { _ in f(0.1, 6) } + [f(0.05, 3), f(-0.1, 3)]
        v += (0..<(56 * 5)).map { f(Double($0 % 50) + 200, 1) }
        v += [f(12.5, 1), f(-3.5, 1), f(610.2, 1), f(0.1, 3), f(-0.05, 3), f(0.02, 3)]
        if landmarks2D { v += row.points.map { f($0.x, 1) } + row.points.map { f($0.y, 1) } }
        if landmarks3D { v += row.points3D.map { f($0.x, 1) } + row.points3D.map { f($0.y, 1) } + row.points3D.map { f($0.z, 1) } }
        v += [f(1.2, 3)] + (0..<5).map { _ in f(0.01, 3) } + (0..<34).map { f(Double($0) * 0.1, 3) }
        if actionUnits {
            v += auRegression.map { $0 == "AU12" ? f(row.au12, 2) : f(0.25, 2) }
            v += auClass.map { $0 == "AU12" ? (row.au12 > 1 ? "1.0" : "0.0") : "0.0" }
        }
        return v
    }

    /// A FeatureExtraction CSV of `rows`, fields separated by `separator` (", " in OpenFace 2.0).
    static func csv(_ rows: [Row], separator: String = ", ", landmarks2D: Bool = true, landmarks3D: Bool = true,
                    actionUnits: Bool = true) -> String {
        var text = header(landmarks2D: landmarks2D, landmarks3D: landmarks3D, actionUnits: actionUnits).joined(separator: separator) + "\n"
        for row in rows {
            text += line(row, landmarks2D: landmarks2D, landmarks3D: landmarks3D, actionUnits: actionUnits).joined(separator: separator) + "\n"
        }
        return text
    }

    /// Four frames at 30 FPS; frame 3 lost the face (OpenFace writes zeros and success 0).
    static func rows() -> [Row] {
        (1...4).map { frame in
            let failed = frame == 3
            let zeros2D = [SIMD2<Double>](repeating: .zero, count: 68)
            let zeros3D = [SIMD3<Double>](repeating: .zero, count: 68)
            return Row(frame: frame, time: Double(frame - 1) / 30, confidence: failed ? 0.03 : 0.98 - 0.01 * Double(frame),
                       success: !failed,
                       points: failed ? zeros2D : SyntheticFace.points(shift: Double(frame)),
                       points3D: failed ? zeros3D : SyntheticFace.points3D(shift: Double(frame)),
                       au12: Double(frame) * 0.75)
        }
    }

    static func rounded(_ value: Double, _ digits: Int) -> Double { Double(f(value, digits))! }

    @Test func readsFeatureExtractionOutput() throws {
        let folder = try TemporaryFolder()
        let rows = Self.rows()
        let url = try folder.write("clip.csv", Self.csv(rows))
        #expect(try LandmarkFormat.detect(url) == .openFace)
        let sequence = try LandmarkIO.read(url)

        #expect(sequence.frames.count == 4)
        #expect(sequence.validCount == 3)
        #expect(sequence.source == url.path)
        for (frame, row) in zip(sequence.frames, rows) {
            #expect(frame.time == Self.rounded(row.time, 3))  // 0, 0.033, 0.067, 0.1
            #expect(frame.confidence == [Double](repeating: Self.rounded(row.confidence, 2), count: 68))
            #expect(close(frame.points, row.points.map { SIMD2(Self.rounded($0.x, 1), Self.rounded($0.y, 1)) }))
            let points3D = try #require(frame.points3D)
            #expect(points3D[30] == SIMD3(Self.rounded(row.points3D[30].x, 1), Self.rounded(row.points3D[30].y, 1),
                                          Self.rounded(row.points3D[30].z, 1)))
        }
        let failed = sequence.frames[2]
        #expect(!failed.isValid)
        #expect(failed.invalidReason == "OpenFace: tracking failed")
        #expect(failed.weights == [Double](repeating: 0, count: 68))
        #expect(sequence.frames[0].weights == [Double](repeating: 0.97, count: 68))

        // Action units are kept by name, one value per frame; head pose goes to extraColumns.
        #expect(sequence.actionUnits.count == 17 + 18)
        #expect(sequence.actionUnits["AU12_r"] == [0.75, 1.5, 2.25, 3.0])
        #expect(sequence.actionUnits["AU12_c"] == [0, 1, 1, 1])
        #expect(sequence.actionUnits["AU28_c"] == [0, 0, 0, 0])
        #expect(sequence.extraColumns["pose_Tz"] == [610.2, 610.2, 610.2, 610.2])
        #expect(sequence.extraColumns["eye_lmk_x_0"] == nil && sequence.extraColumns["p_scale"] == nil)
    }

    @Test func readsCommaOnlySeparatorsAnd2DOnlyFiles() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("new.csv", Self.csv(Self.rows(), separator: ",", landmarks3D: false))
        #expect(try LandmarkFormat.detect(url) == .openFace)
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.frames.count == 4)
        #expect(sequence.frames.allSatisfy { $0.points3D == nil })
        #expect(abs(sequence.frames[1].points[8].x - Self.rounded(320 + 2, 1)) < 1e-9)
    }

    @Test func aFileWithOnlyActionUnitsHasNoLandmarks() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("aus.csv", Self.csv(Self.rows(), landmarks2D: false, landmarks3D: false))
        #expect(try LandmarkFormat.detect(url) == .openFace)
        expectFileError(url, at: "line 1", "no landmark columns") { _ = try LandmarkIO.read(url) }
    }

    @Test func aShortLastLineIsATruncatedFile() throws {
        let folder = try TemporaryFolder()
        var text = Self.csv(Self.rows())
        text = String(text.dropLast(400))  // cut into the last row
        let url = try folder.write("cut.csv", text)
        expectFileError(url, at: "line 5", "truncated") { _ = try LandmarkIO.read(url) }
    }

    @Test func aHeaderWithoutRowsIsRefused() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("header.csv", Self.csv([]))
        expectFileError(url, at: "line 1", "no frames") { _ = try LandmarkIO.read(url) }
    }

    @Test func aValueThatIsNotANumberNamesTheLineAndColumn() throws {
        let folder = try TemporaryFolder()
        var lines = Self.csv(Self.rows()).split(separator: "\n").map(String.init)
        var fields = lines[2].components(separatedBy: ", ")
        let column = Self.header().firstIndex(of: "y_17")!
        fields[column] = "12.O"
        lines[2] = fields.joined(separator: ", ")
        let url = try folder.write("typo.csv", lines.joined(separator: "\n") + "\n")
        expectFileError(url, at: "line 3", "'12.O' in column 'y_17'") { _ = try LandmarkIO.read(url) }
    }

    @Test func severalFacesPerFrameAreRefusedAsRepeatedFrameNumbers() throws {
        let folder = try TemporaryFolder()
        var rows = Self.rows()
        rows.insert(rows[1], at: 2)  // frame 2 twice, as FaceLandmarkVidMulti writes two faces
        let url = try folder.write("multi.csv", Self.csv(rows))
        expectFileError(url, at: "line 4", "frame number 2 appears twice (first at line 3)") { _ = try LandmarkIO.read(url) }
    }

    @Test func timeGoingBackwardsNamesTheLine() throws {
        let folder = try TemporaryFolder()
        var rows = Self.rows()
        rows[3].time = 0.01
        let url = try folder.write("back.csv", Self.csv(rows))
        expectFileError(url, at: "line 5", "time goes backwards") { _ = try LandmarkIO.read(url) }
    }
}
