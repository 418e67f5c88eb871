import FaceAtlasCore
import Foundation

/// The iBUG / 300-W `.pts` landmark file: one image's points.
///
/// ```
/// version: 1
/// n_points:  68
/// {
/// 123.456 234.567
/// ...
/// }
/// ```
///
/// Coordinates are `x y` in pixels with the **1-based** convention of the 300-W
/// annotations (the centre of the top-left pixel is (1, 1)), as menpo also assumes. Reading
/// subtracts 1 to give FaceAtlas's 0-based pixel coordinates; writing adds 1 back.
///
/// A folder of `.pts` files is read as one sequence: the files in natural name order
/// ("frame2.pts" before "frame10.pts"), frame *i* at time *i* / fps.
enum PTSFormat {
    /// Reads one `.pts` file as a one-frame sequence at time 0.
    static func read(_ url: URL) throws -> LandmarkSequence {
        let frame = try readFrame(url, time: 0)
        return LandmarkSequence(frames: [frame], source: url.path)
    }

    /// Reads every `.pts` file in `folder` as one sequence numbered at `fps`.
    static func readFolder(_ folder: URL, fps: Double) throws -> LandmarkSequence {
        guard fps.isFinite && fps > 0 else { throw FileError(folder, "the frame rate must be positive, not \(fps)") }
        let files = try ptsFiles(in: folder)
        guard !files.isEmpty else { throw FileError(folder, "the folder holds no .pts files") }
        let frames = try files.enumerated().map { index, file in
            try readFrame(file, time: Double(index) / fps)
        }
        return LandmarkSequence(frames: frames, source: folder.path)
    }

    /// The `.pts` files in `folder` (not hidden ones), in natural name order.
    static func ptsFiles(in folder: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw FileError(folder, "cannot list the folder: \(error.localizedDescription)")
        }
        return names
            .filter { !$0.hasPrefix(".") && $0.lowercased().hasSuffix(".pts") }
            .sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
            .map { folder.appendingPathComponent($0) }
    }

    /// Reads the points of one `.pts` file into a frame at `time`.
    static func readFrame(_ url: URL, time: Double) throws -> LandmarkFrame {
        let data = try AtomicFile.read(url)
        guard let text = String(data: data, encoding: .utf8) else { throw FileError(url, "the file is not UTF-8 text") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard lines.contains(where: { !$0.isEmpty }) else { throw FileError(url, "the file is empty") }

        // Header: "key: value" lines up to "{".
        var declaredCount: Int?
        var lineIndex = 0
        var sawBrace = false
        while lineIndex < lines.count {
            let line = lines[lineIndex]
            let number = lineIndex + 1
            lineIndex += 1
            if line.isEmpty { continue }
            if line == "{" { sawBrace = true; break }
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw FileError(url, "expected a header line such as 'n_points: 68' or '{', found '\(line)'", at: "line \(number)")
            }
            switch parts[0] {
            case "version":
                guard parts[1] == "1" else { throw FileError(url, "unsupported .pts version '\(parts[1])' (only 1)", at: "line \(number)") }
            case "n_points":
                guard let count = Int(parts[1]), count >= 0 else {
                    throw FileError(url, "n_points '\(parts[1])' is not a count", at: "line \(number)")
                }
                guard count == LandmarkSequence.pointCount else {
                    throw FileError(url, "expected \(LandmarkSequence.pointCount) points, the file declares n_points: \(count)",
                                    at: "line \(number)")
                }
                declaredCount = count
            default:
                break  // Other header keys (image names, comments) are ignored.
            }
        }
        guard sawBrace else { throw FileError(url, "no '{' opens the points (the file is truncated?)", at: "line \(lines.count)") }
        guard declaredCount != nil else { throw FileError(url, "the header has no 'n_points:' line", at: "line \(lineIndex)") }

        var points: [SIMD2<Double>] = []
        var closed = false
        while lineIndex < lines.count {
            let line = lines[lineIndex]
            let number = lineIndex + 1
            lineIndex += 1
            if line.isEmpty { continue }
            if line == "}" {
                guard points.count == LandmarkSequence.pointCount else {
                    throw FileError(url, "expected \(LandmarkSequence.pointCount) points, found \(points.count)", at: "line \(number)")
                }
                closed = true
                break
            }
            let values = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard values.count == 2 else {
                throw FileError(url, "expected two coordinates 'x y', found \(values.count) values", at: "line \(number)")
            }
            guard let x = CSVNumber.parse(values[0]), let y = CSVNumber.parse(values[1]) else {
                throw FileError(url, "the point '\(line)' is not two numbers", at: "line \(number)")
            }
            guard points.count < LandmarkSequence.pointCount else {
                throw FileError(url, "more than \(LandmarkSequence.pointCount) points before '}'", at: "line \(number)")
            }
            points.append(SIMD2(x - 1, y - 1))
        }
        guard closed else {
            throw FileError(url, "the points end without '}' after \(points.count) of \(LandmarkSequence.pointCount) (the file is truncated?)",
                            at: "line \((lines.lastIndex(where: { !$0.isEmpty }) ?? 0) + 1)")
        }
        if let extra = lines[lineIndex...].firstIndex(where: { !$0.isEmpty }) {
            throw FileError(url, "unexpected text after '}'", at: "line \(extra + 1)")
        }
        return LandmarkFrame(time: time, points: points).invalidatingMissingPoints()
    }

    /// Writes the one frame of `sequence` to `url`, adding 1 to every coordinate.
    /// - Throws: `FileError` if the sequence does not have exactly one frame of 68 points
    ///   or a point is missing (a `.pts` file cannot mark one).
    static func write(_ sequence: LandmarkSequence, to url: URL) throws {
        guard sequence.frames.count == 1, let frame = sequence.frames.first else {
            throw FileError(url, "a .pts file holds one frame, but the sequence has \(sequence.frames.count); write a folder of .pts files or use csv or npz")
        }
        guard frame.points.count == LandmarkSequence.pointCount else {
            throw FileError(url, "cannot write \(frame.points.count) points; a frame has \(LandmarkSequence.pointCount)")
        }
        if let missing = frame.missingPoints.first {
            throw FileError(url, "cannot write a missing point (point \(missing)) to a .pts file")
        }
        var text = "version: 1\nn_points:  \(LandmarkSequence.pointCount)\n{\n"
        for point in frame.points {
            text += "\(CSVNumber.format(point.x + 1)) \(CSVNumber.format(point.y + 1))\n"
        }
        text += "}\n"
        try AtomicFile.write(Data(text.utf8), to: url)
    }
}
