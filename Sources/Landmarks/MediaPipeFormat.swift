import FaceAtlasCore
import Foundation

/// MediaPipe Face Landmarker output, saved as CSV or JSON, mapped to the iBUG 68 points with
/// `MediaPipeToIBUG.indices`.
///
/// - CSV: a header `frame,time,x0,y0,z0,x1,y1,z1,...,x477,y477,z477` (468 mesh points are
///   enough), optionally with `image_width,image_height` columns. `time` is in seconds
///   (`timestamp_ms` in milliseconds is accepted instead); without either, frame *i* is at
///   *i* / fps. A row whose coordinates are all empty or NaN is a frame where no face was found.
/// - JSON: a list of frames, or `{"image_width": W, "image_height": H, "frames": [...]}`. A
///   frame is `{"time": s, "landmarks": [{"x": .., "y": .., "z": ..}, ...]}` (or
///   `"face_landmarks": [[...], ...]`, the Tasks API's list of faces, of which the first is
///   used); an empty list means no face was found. `timestamp_ms` and `frame` are read too.
///
/// Coordinates are normalized to 0...1 by the image width and height, as MediaPipe returns
/// them; they become pixels as `x · width`, `y · height`, so the image size must be known:
/// from the `image_width`/`image_height` columns or keys, from a sidecar file beside the
/// landmarks named like it with the extension `.meta.json` (`clip.csv` → `clip.meta.json`,
/// holding `{"image_width": W, "image_height": H}`), or given to `LandmarkIO.read`. Coordinates
/// are taken as normalized when every one of them lies in −1...2 (a face that runs off the
/// image goes a little past 0...1); larger values are taken as pixels already and kept.
/// MediaPipe's `z` (relative depth in units of the image width) is not kept: `points3D` is for
/// millimetres. The 468 mesh points are kept in pixels as `LandmarkFrame.densePoints`.
enum MediaPipeFormat {
    /// One frame as read, before scaling: the mesh in file units (empty when no face was found).
    private struct RawFrame {
        var time: Double
        var mesh: [SIMD2<Double>]
    }

    // MARK: CSV

    static func readCSV(_ url: URL, fps: Double, imageSize: SIMD2<Int>?) throws -> LandmarkSequence {
        let table = try CSVTable(try AtomicFile.read(url), path: url.path)
        let columns = try table.columnIndex()
        let path = url.path

        var meshCount = 0
        while columns["x\(meshCount)"] != nil { meshCount += 1 }
        guard meshCount >= MediaPipeToIBUG.minimumLandmarkCount else {
            throw FileError(path, "expected \(MediaPipeToIBUG.minimumLandmarkCount) or 478 MediaPipe landmarks (x0...x477), found \(meshCount)",
                            at: "line 1")
        }
        let xColumns = (0..<meshCount).map { columns["x\($0)"]! }
        var yColumns: [Int] = []
        for index in 0..<meshCount {
            guard let column = columns["y\(index)"] else {
                throw FileError(path, "the column 'y\(index)' is missing", at: "line 1")
            }
            yColumns.append(column)
        }
        let frameColumn = columns["frame"]
        let timeColumn = columns["time"]
        let millisecondsColumn = columns["timestamp_ms"]
        var size = imageSize
        if size == nil, let widthColumn = columns["image_width"], let heightColumn = columns["image_height"], let first = table.rows.first {
            try table.requireWidth(first)
            size = try imageSizeValue(width: try table.number(first, widthColumn, "image_width"),
                                      height: try table.number(first, heightColumn, "image_height"),
                                      path: path, at: "line \(first.line)")
        }

        try table.requireRows(named: "frames")
        var order = FrameOrderCheck(path: path)
        var raw: [RawFrame] = []
        raw.reserveCapacity(table.rows.count)
        for (rowIndex, row) in table.rows.enumerated() {
            try table.requireWidth(row)
            let location = "line \(row.line)"
            var frameNumber: Int?
            if let frameColumn {
                guard let number = wholeNumber(try table.number(row, frameColumn, "frame")) else {
                    throw FileError(path, "the frame number '\(row.fields[frameColumn])' is not a whole number", at: location)
                }
                frameNumber = number
            }
            let time: Double
            if let timeColumn {
                time = try table.number(row, timeColumn, "time")
            } else if let millisecondsColumn {
                time = try table.number(row, millisecondsColumn, "timestamp_ms") / 1000
            } else {
                time = Double(frameNumber ?? rowIndex) / fps
            }
            try order.check(time: time, frame: frameNumber, at: location)
            var mesh: [SIMD2<Double>] = []
            mesh.reserveCapacity(meshCount)
            for index in 0..<meshCount {
                mesh.append(SIMD2(try table.number(row, xColumns[index], "x\(index)"),
                                  try table.number(row, yColumns[index], "y\(index)")))
            }
            if mesh.allSatisfy(\.isMissing) { mesh = [] }
            raw.append(RawFrame(time: time, mesh: mesh))
        }
        if size == nil { size = try sidecarImageSize(for: url) }
        return try assemble(raw, path: path, imageSize: size)
    }

    // MARK: JSON

    static func readJSON(_ url: URL, fps: Double, imageSize: SIMD2<Int>?) throws -> LandmarkSequence {
        let path = url.path
        let json = try JSONValue.parse(try AtomicFile.read(url), path: path)
        var size = imageSize
        let list: [JSONValue]
        if let frames = json.array {
            list = frames
        } else if let frames = json["frames"]?.array {
            list = frames
            if size == nil, let width = json["image_width"]?.number, let height = json["image_height"]?.number {
                size = try imageSizeValue(width: width, height: height, path: path, at: "image_width")
            }
        } else {
            throw FileError(path, "expected a list of frames or an object with 'frames', found \(json.kind)")
        }
        guard !list.isEmpty else { throw FileError(path, "the file holds no frames") }

        var order = FrameOrderCheck(path: path)
        var raw: [RawFrame] = []
        for (index, item) in list.enumerated() {
            let location = "frame \(index)"
            guard item.object != nil else { throw FileError(path, "the frame is \(item.kind), not an object", at: location) }
            var frameNumber: Int?
            if let value = item["frame"] {
                guard let number = value.number.flatMap(wholeNumber) else {
                    throw FileError(path, "'frame' is not a whole number", at: location)
                }
                frameNumber = number
            }
            let time: Double
            if let value = item["time"] {
                guard let seconds = value.number else { throw FileError(path, "'time' is \(value.kind), not a number", at: location) }
                time = seconds
            } else if let value = item["timestamp_ms"] {
                guard let milliseconds = value.number else {
                    throw FileError(path, "'timestamp_ms' is \(value.kind), not a number", at: location)
                }
                time = milliseconds / 1000
            } else {
                time = Double(frameNumber ?? index) / fps
            }
            try order.check(time: time, frame: frameNumber, at: location)

            let landmarks: [JSONValue]
            if let points = item["landmarks"]?.array {
                landmarks = points
            } else if let faces = item["face_landmarks"]?.array {
                landmarks = faces.first?.array ?? []
            } else {
                throw FileError(path, "the frame has no 'landmarks' list", at: location)
            }
            var mesh: [SIMD2<Double>] = []
            if !landmarks.isEmpty {
                guard landmarks.count >= MediaPipeToIBUG.minimumLandmarkCount else {
                    throw FileError(path, "expected \(MediaPipeToIBUG.minimumLandmarkCount) or 478 MediaPipe landmarks, found \(landmarks.count)",
                                    at: location)
                }
                mesh.reserveCapacity(landmarks.count)
                for (pointIndex, landmark) in landmarks.enumerated() {
                    guard let x = landmark["x"]?.numberOrNaN, let y = landmark["y"]?.numberOrNaN else {
                        throw FileError(path, "landmark \(pointIndex) has no numeric 'x' and 'y'", at: location)
                    }
                    mesh.append(SIMD2(x, y))
                }
            }
            raw.append(RawFrame(time: time, mesh: mesh))
        }
        if size == nil { size = try sidecarImageSize(for: url) }
        return try assemble(raw, path: path, imageSize: size)
    }

    // MARK: Shared

    /// Scales the frames to pixels, picks the iBUG points and marks frames without a face.
    private static func assemble(_ raw: [RawFrame], path: String, imageSize: SIMD2<Int>?) throws -> LandmarkSequence {
        let normalized = raw.allSatisfy { frame in
            frame.mesh.allSatisfy { point in point.isMissing || ((-1...2).contains(point.x) && (-1...2).contains(point.y)) }
        }
        var scale = SIMD2<Double>(1, 1)
        if normalized {
            guard let imageSize else {
                throw FileError(path, "the MediaPipe coordinates are normalized to 0...1 and the image size is unknown: "
                                + "add image_width and image_height (columns or keys), or a sidecar '\(sidecarName(for: path))' "
                                + "holding {\"image_width\": W, \"image_height\": H}")
            }
            scale = SIMD2(Double(imageSize.x), Double(imageSize.y))
        }
        let frames = raw.map { frame -> LandmarkFrame in
            guard !frame.mesh.isEmpty else {
                let missing = [SIMD2<Double>](repeating: SIMD2(.nan, .nan), count: LandmarkSequence.pointCount)
                return LandmarkFrame(time: frame.time, points: missing, isValid: false, invalidReason: "MediaPipe: no face detected")
            }
            let points = MediaPipeToIBUG.ibugPoints(from: frame.mesh).map { $0 * scale }
            var out = LandmarkFrame(time: frame.time, points: points).invalidatingMissingPoints()
            out.densePoints = frame.mesh.prefix(MediaPipeToIBUG.minimumLandmarkCount).map { $0 * scale }
            return out
        }
        return LandmarkSequence(frames: frames, source: path, imageSize: imageSize)
    }

    private static func imageSizeValue(width: Double, height: Double, path: String, at location: String) throws -> SIMD2<Int> {
        guard let w = wholeNumber(width), let h = wholeNumber(height), w > 0, h > 0 else {
            throw FileError(path, "the image size \(CSVNumber.format(width)) × \(CSVNumber.format(height)) is not two positive whole numbers",
                            at: location)
        }
        return SIMD2(w, h)
    }

    /// The sidecar's name: the landmark file's name with its extension replaced by ".meta.json".
    static func sidecarName(for path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".meta.json"
    }

    /// The image size from the sidecar beside `url`, or `nil` if there is none.
    private static func sidecarImageSize(for url: URL) throws -> SIMD2<Int>? {
        let sidecar = url.deletingPathExtension().appendingPathExtension("meta.json")
        guard FileManager.default.fileExists(atPath: sidecar.path) else { return nil }
        let json = try JSONValue.parse(try AtomicFile.read(sidecar), path: sidecar.path)
        guard let width = (json["image_width"] ?? json["width"])?.number,
              let height = (json["image_height"] ?? json["height"])?.number else {
            throw FileError(sidecar, "the sidecar needs numeric 'image_width' and 'image_height'")
        }
        return try imageSizeValue(width: width, height: height, path: sidecar.path, at: "image_width")
    }

    /// Whether a CSV header (trimmed fields) is MediaPipe's: 3-D points `x0, y0, z0, ...`.
    static func matches(header: [String]) -> Bool {
        let names = Set(header)
        return names.contains("x0") && names.contains("z0")
    }
}
