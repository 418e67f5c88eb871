import FaceAtlasCore
import Foundation

/// FaceAtlas's own landmark CSV, also written by the tracker: one frame a line.
///
/// ```
/// frame,time,x0,y0,x1,y1,...,x67,y67[,valid,confidence,reason][,c0,...,c67][,X0,Y0,Z0,...][,image_width,image_height][,AU..][,quality columns]
/// ```
///
/// - `time` is in seconds and never decreases; `frame` numbers, when present, never repeat.
/// - `x_i, y_i` are 0-based pixels. An empty or NaN coordinate marks a missing point, which
///   makes the frame invalid with the reason "missing points (k of 68)".
/// - `valid` is 1 or 0; 0 makes the frame invalid with the text of `reason` (quoted when it
///   holds a comma).
/// - `confidence` is one value per frame, copied to all points; `c0...c67`, when present, are
///   per-point values and win over it.
/// - `X_i, Y_i, Z_i` (capitals) are 3-D points in millimetres; `image_width` and `image_height`
///   give the image size (from the first frame).
/// - OpenFace-style action-unit columns (`AU12_r`) go to `actionUnits`; any other column must be
///   numeric and goes to `extraColumns` (detection score, blur, ...).
enum PlainCSVFormat {
    static func read(_ url: URL) throws -> LandmarkSequence {
        let table = try CSVTable(try AtomicFile.read(url), path: url.path)
        let columns = try table.columnIndex()
        let path = url.path
        let count = LandmarkSequence.pointCount

        var found = 0
        while columns["x\(found)"] != nil && columns["y\(found)"] != nil { found += 1 }
        guard found == count, columns["x\(count)"] == nil else {
            let declared = columns["x\(found)"] == nil ? found : found + 1
            throw FileError(path, "expected \(count) points (columns x0,y0 ... x67,y67), found \(declared)", at: "line 1")
        }
        guard let timeColumn = columns["time"] else { throw FileError(path, "the header has no 'time' column", at: "line 1") }
        let xColumns = (0..<count).map { columns["x\($0)"]! }
        let yColumns = (0..<count).map { columns["y\($0)"]! }
        let perPoint = (0..<count).map { columns["c\($0)"] }
        let hasPerPoint = perPoint.allSatisfy { $0 != nil }
        let xyz = ["X", "Y", "Z"].map { axis in (0..<count).map { columns["\(axis)\($0)"] } }
        let has3D = xyz.allSatisfy { $0.allSatisfy { $0 != nil } }
        let frameColumn = columns["frame"]
        let validColumn = columns["valid"]
        let confidenceColumn = columns["confidence"]
        let reasonColumn = columns["reason"]

        var known: Set<String> = ["frame", "time", "valid", "confidence", "reason", "image_width", "image_height"]
        for index in 0..<count {
            known.formUnion(["x\(index)", "y\(index)"])
            if hasPerPoint { known.insert("c\(index)") }
            if has3D { known.formUnion(["X\(index)", "Y\(index)", "Z\(index)"]) }
        }
        let others = table.header.enumerated().filter { !known.contains($0.element) }

        try table.requireRows(named: "frames")
        var order = FrameOrderCheck(path: path)
        var frames: [LandmarkFrame] = []
        var columnsOut = [String: [Double]](uniqueKeysWithValues: others.map { ($0.element, []) })
        var imageSize: SIMD2<Int>?
        for row in table.rows {
            try table.requireWidth(row)
            let location = "line \(row.line)"
            var frameNumber: Int?
            if let frameColumn {
                guard let number = wholeNumber(try table.number(row, frameColumn, "frame")) else {
                    throw FileError(path, "the frame number '\(row.fields[frameColumn])' is not a whole number", at: location)
                }
                frameNumber = number
            }
            let time = try table.number(row, timeColumn, "time")
            try order.check(time: time, frame: frameNumber, at: location)
            if imageSize == nil, let widthColumn = columns["image_width"], let heightColumn = columns["image_height"] {
                let width = try table.number(row, widthColumn, "image_width")
                let height = try table.number(row, heightColumn, "image_height")
                if let w = wholeNumber(width), let h = wholeNumber(height), w > 0, h > 0 {
                    imageSize = SIMD2(w, h)
                } else if !(width.isNaN && height.isNaN) {
                    throw FileError(path, "the image size is not two positive whole numbers", at: location)
                }
            }

            var points: [SIMD2<Double>] = []
            points.reserveCapacity(count)
            for index in 0..<count {
                points.append(SIMD2(try table.number(row, xColumns[index], "x\(index)"),
                                    try table.number(row, yColumns[index], "y\(index)")))
            }
            var points3D: [SIMD3<Double>]?
            if has3D {
                points3D = try (0..<count).map { index in
                    SIMD3(try table.number(row, xyz[0][index]!, "X\(index)"),
                          try table.number(row, xyz[1][index]!, "Y\(index)"),
                          try table.number(row, xyz[2][index]!, "Z\(index)"))
                }
            }
            var confidence: [Double]?
            if hasPerPoint {
                confidence = try (0..<count).map { index in
                    try checkedConfidence(try table.number(row, perPoint[index]!, "c\(index)"), table: table, row: row, column: "c\(index)")
                }
            } else if let confidenceColumn {
                let value = try checkedConfidence(try table.number(row, confidenceColumn, "confidence"),
                                                  table: table, row: row, column: "confidence")
                confidence = [Double](repeating: value, count: count)
            }
            var isValid = true
            if let validColumn {
                let value = try table.number(row, validColumn, "valid")
                guard value == 0 || value == 1 else {
                    throw FileError(path, "'valid' is '\(row.fields[validColumn])', not 0 or 1", at: location)
                }
                isValid = value == 1
            }
            var reason = reasonColumn.map { row.fields[$0] }
            if reason?.isEmpty == true { reason = nil }
            if !isValid && reason == nil { reason = "marked invalid" }
            let frame = LandmarkFrame(time: time, points: points, points3D: points3D, confidence: confidence,
                                      isValid: isValid, invalidReason: reason)
            frames.append(frame.invalidatingMissingPoints())
            for (column, name) in others { columnsOut[name]!.append(try table.number(row, column, name)) }
        }
        var sequence = LandmarkSequence(frames: frames, source: path, imageSize: imageSize)
        for (name, values) in columnsOut {
            if OpenFaceCSV.isActionUnit(name) {
                sequence.actionUnits[name] = values
            } else {
                sequence.extraColumns[name] = values
            }
        }
        return sequence
    }

    /// A confidence read from `column`: NaN (empty) or a value in 0...1.
    private static func checkedConfidence(_ value: Double, table: CSVTable, row: CSVTable.Row, column: String) throws -> Double {
        guard value.isNaN || (0...1).contains(value) else {
            throw FileError(table.path, "the confidence \(CSVNumber.format(value)) in column '\(column)' is outside 0...1", at: "line \(row.line)")
        }
        return value.isNaN ? 0 : value
    }

    /// Writes `sequence` to `url` atomically, with every column the sequence has.
    ///
    /// A frame's per-point confidences are written as `c0...c67` when they differ within any
    /// frame; otherwise one `confidence` column is enough.
    static func write(_ sequence: LandmarkSequence, to url: URL) throws {
        let count = LandmarkSequence.pointCount
        for (index, frame) in sequence.frames.enumerated() where frame.points.count != count {
            throw FileError(url, "cannot write frame \(index): it has \(frame.points.count) points, not \(count)")
        }
        for (name, values) in sequence.actionUnits.merging(sequence.extraColumns, uniquingKeysWith: { first, _ in first })
        where values.count != sequence.frames.count {
            throw FileError(url, "cannot write column '\(name)': it has \(values.count) values for \(sequence.frames.count) frames")
        }
        let perPoint = sequence.frames.contains { frame in frame.confidence.contains { !$0.sameValue(as: frame.confidence[0]) } }
        let has3D = !sequence.frames.isEmpty && sequence.frames.allSatisfy { $0.points3D != nil }
        let reserved: Set<String> = ["frame", "time", "valid", "confidence", "reason", "image_width", "image_height"]
        let auNames = sequence.actionUnits.keys.sorted()
        let extraNames = sequence.extraColumns.keys.filter { sequence.actionUnits[$0] == nil }.sorted()
        for name in auNames + extraNames where reserved.contains(name) || isPointColumn(name) {
            throw FileError(url, "cannot write the column '\(name)': the name is one of the format's own columns")
        }

        var header = ["frame", "time"]
        for index in 0..<count { header += ["x\(index)", "y\(index)"] }
        header += ["valid", "confidence", "reason"]
        if perPoint { header += (0..<count).map { "c\($0)" } }
        if has3D { for index in 0..<count { header += ["X\(index)", "Y\(index)", "Z\(index)"] } }
        if sequence.imageSize != nil { header += ["image_width", "image_height"] }
        header += auNames + extraNames

        var text = header.joined(separator: ",") + "\n"
        for (index, frame) in sequence.frames.enumerated() {
            var fields = [String(index), CSVNumber.format(frame.time)]
            for point in frame.points { fields += [CSVNumber.format(point.x), CSVNumber.format(point.y)] }
            fields += [frame.isValid ? "1" : "0", CSVNumber.format(frame.confidence.first ?? 1),
                       CSVNumber.field(frame.invalidReason ?? "")]
            if perPoint { fields += frame.confidence.map(CSVNumber.format) }
            if has3D, let points3D = frame.points3D {
                for point in points3D { fields += [CSVNumber.format(point.x), CSVNumber.format(point.y), CSVNumber.format(point.z)] }
            }
            if let size = sequence.imageSize { fields += [String(size.x), String(size.y)] }
            fields += auNames.map { CSVNumber.format(sequence.actionUnits[$0]![index]) }
            fields += extraNames.map { CSVNumber.format(sequence.extraColumns[$0]![index]) }
            text += fields.joined(separator: ",") + "\n"
        }
        try AtomicFile.write(Data(text.utf8), to: url)
    }

    /// Whether `name` is one of the point columns (x0, y12, c3, X5, ...).
    private static func isPointColumn(_ name: String) -> Bool {
        guard let first = name.first, "xycXYZ".contains(first) else { return false }
        return !name.dropFirst().isEmpty && name.dropFirst().allSatisfy(\.isNumber)
    }

    /// Whether a CSV header (trimmed fields) is this format's: 2-D points `x0, y0` without `z0`.
    static func matches(header: [String]) -> Bool {
        let names = Set(header)
        return names.contains("x0") && names.contains("y0") && !names.contains("z0")
    }
}
