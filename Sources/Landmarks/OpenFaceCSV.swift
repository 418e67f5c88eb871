import FaceAtlasCore
import Foundation

/// The CSV written by OpenFace 2.x `FeatureExtraction` (and `FaceLandmarkVid`,
/// `FaceLandmarkImg`).
///
/// The header, in OpenFace's order, is `frame, face_id, timestamp, confidence, success`,
/// then optional blocks: gaze (`gaze_0_x`, ..., `eye_lmk_x_0`, ...), pose (`pose_Tx` ...
/// `pose_Rz`), 2-D landmarks (`x_0..x_67`, `y_0..y_67`, pixels), 3-D landmarks (`X_0..X_67`,
/// `Y_0..Y_67`, `Z_0..Z_67`, millimetres), shape parameters (`p_scale`, ..., `p_0`, ...) and
/// action units (`AU01_r`..`AU45_r` intensities, `AU01_c`..`AU45_c` presence). OpenFace 2.0
/// separates fields with ", " and later versions with ","; both are read (fields are trimmed).
/// The image tool writes `face, confidence` instead of the first five columns.
///
/// Read:
/// - `x_i`, `y_i` give the points (OpenFace's pixels are already 0-based); `X_i`, `Y_i`, `Z_i`,
///   when all are present, give `points3D`.
/// - `timestamp` gives the time (seconds); without it, frame *i* is at *i* / fps.
/// - `confidence` is copied to all 68 points.
/// - `success` = 0 makes the frame invalid ("OpenFace: tracking failed"); its points (OpenFace
///   writes zeros) are kept as they are, with weight 0.
/// - Every `AUxx_r` / `AUxx_c` column goes to `actionUnits`; the head pose `pose_*` columns go
///   to `extraColumns`. Gaze, eye landmarks and shape parameters are not kept.
///
/// A file from `FaceLandmarkVidMulti` holds several faces per frame; its repeated frame numbers
/// are refused (keep one `face_id` first).
enum OpenFaceCSV {
    static func read(_ url: URL, fps: Double) throws -> LandmarkSequence {
        let table = try CSVTable(try AtomicFile.read(url), path: url.path)
        let columns = try table.columnIndex()
        let path = url.path

        let count = LandmarkSequence.pointCount
        let xColumns = (0..<count).map { columns["x_\($0)"] }
        let yColumns = (0..<count).map { columns["y_\($0)"] }
        if xColumns.allSatisfy({ $0 == nil }) && yColumns.allSatisfy({ $0 == nil }) {
            let holds = table.header.contains(where: isActionUnit) ? " (it holds action units only; run FeatureExtraction with -2Dfp)" : ""
            throw FileError(path, "the OpenFace file has no landmark columns x_0..x_67, y_0..y_67\(holds)", at: "line 1")
        }
        if let missing = (0..<count).first(where: { xColumns[$0] == nil || yColumns[$0] == nil }) {
            let name = xColumns[missing] == nil ? "x_\(missing)" : "y_\(missing)"
            throw FileError(path, "the landmark column '\(name)' is missing (OpenFace writes \(count) points)", at: "line 1")
        }
        if columns["x_\(count)"] != nil {
            throw FileError(path, "the file has more than \(count) landmarks per frame (x_\(count) exists)", at: "line 1")
        }
        let xyz = ["X", "Y", "Z"].map { axis in (0..<count).map { columns["\(axis)_\($0)"] } }
        let has3D = xyz.allSatisfy { $0.allSatisfy { $0 != nil } }

        let frameColumn = columns["frame"]
        let timeColumn = columns["timestamp"]
        let confidenceColumn = columns["confidence"]
        let successColumn = columns["success"]
        let auColumns = table.header.enumerated().filter { isActionUnit($0.element) }
        let poseColumns = table.header.enumerated().filter { $0.element.hasPrefix("pose_") }

        try table.requireRows(named: "frames")
        guard fps.isFinite && fps > 0 || timeColumn != nil else {
            throw FileError(path, "the frame rate must be positive, not \(fps)")
        }
        var order = FrameOrderCheck(path: path)
        var frames: [LandmarkFrame] = []
        var actionUnits = [String: [Double]](uniqueKeysWithValues: auColumns.map { ($0.element, []) })
        var extra = [String: [Double]](uniqueKeysWithValues: poseColumns.map { ($0.element, []) })
        frames.reserveCapacity(table.rows.count)

        for (rowIndex, row) in table.rows.enumerated() {
            try table.requireWidth(row)
            let location = "line \(row.line)"
            var frameNumber: Int?
            if let frameColumn {
                let value = try table.number(row, frameColumn, "frame")
                guard let number = wholeNumber(value) else {
                    throw FileError(path, "the frame number '\(row.fields[frameColumn])' is not a whole number", at: location)
                }
                frameNumber = number
            }
            let time = try timeColumn.map { try table.number(row, $0, "timestamp") } ?? Double(rowIndex) / fps
            try order.check(time: time, frame: frameNumber, at: location)

            var points: [SIMD2<Double>] = []
            points.reserveCapacity(count)
            for index in 0..<count {
                points.append(SIMD2(try table.number(row, xColumns[index]!, "x_\(index)"),
                                    try table.number(row, yColumns[index]!, "y_\(index)")))
            }
            var points3D: [SIMD3<Double>]?
            if has3D {
                points3D = try (0..<count).map { index in
                    SIMD3(try table.number(row, xyz[0][index]!, "X_\(index)"),
                          try table.number(row, xyz[1][index]!, "Y_\(index)"),
                          try table.number(row, xyz[2][index]!, "Z_\(index)"))
                }
            }
            var confidence: [Double]?
            if let confidenceColumn {
                let value = try table.number(row, confidenceColumn, "confidence")
                guard value.isNaN || (0...1).contains(value) else {
                    throw FileError(path, "the confidence \(row.fields[confidenceColumn]) is outside 0...1", at: location)
                }
                confidence = [Double](repeating: value.isNaN ? 0 : value, count: count)
            }
            var isValid = true
            var reason: String?
            if let successColumn {
                let success = try table.number(row, successColumn, "success")
                guard success == 0 || success == 1 else {
                    throw FileError(path, "success is '\(row.fields[successColumn])', not 0 or 1", at: location)
                }
                if success == 0 {
                    isValid = false
                    reason = "OpenFace: tracking failed"
                }
            }
            let frame = LandmarkFrame(time: time, points: points, points3D: points3D, confidence: confidence,
                                      isValid: isValid, invalidReason: reason)
            frames.append(frame.invalidatingMissingPoints())
            for (column, name) in auColumns { actionUnits[name]!.append(try table.number(row, column, name)) }
            for (column, name) in poseColumns { extra[name]!.append(try table.number(row, column, name)) }
        }
        var sequence = LandmarkSequence(frames: frames, source: path)
        sequence.actionUnits = actionUnits
        sequence.extraColumns = extra
        return sequence
    }

    /// Whether `name` is an OpenFace action-unit column: "AU" + two digits + "_r" or "_c".
    static func isActionUnit(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 6, name.hasPrefix("AU"), name.hasSuffix("_r") || name.hasSuffix("_c") else { return false }
        return bytes[2...3].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Whether a CSV header (trimmed fields) is OpenFace's.
    static func matches(header: [String]) -> Bool {
        let names = Set(header)
        return names.contains("x_0") || names.contains("success") || names.contains("face_id")
            || (names.contains("face") && names.contains("confidence")) || header.contains(where: isActionUnit)
    }
}
