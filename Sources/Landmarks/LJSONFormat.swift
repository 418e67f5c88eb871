import FaceAtlasCore
import Foundation

/// menpo's landmark JSON (`.ljson`): one image's points, stored in menpo's image axis
/// order **(y, x)**, 0-based pixels. `null` marks a missing coordinate (read as NaN).
///
/// The three layouts menpo has written (see menpo's `menpo/io/input/landmark.py`):
/// - version 1: `{"version": 1, "groups": [{"label": ..., "landmarks": [{"point": [y, x]}, ...]}, ...]}`;
///   the groups' points are joined in order.
/// - version 2: `{"version": 2, "landmarks": {"points": [[y, x], ...], "connectivity": ...}, "labels": [...]}`.
/// - version 3: `{"version": 3, "groups": {"NAME": {"landmarks": {"points": [[y, x], ...]}, "labels": [...]}, ...}}`;
///   the group with 68 points is used (the first by name if several have 68).
///
/// Labels and connectivity are not needed for the iBUG 68 order and are ignored.
enum LJSONFormat {
    /// Reads one `.ljson` file as a one-frame sequence at time 0.
    static func read(_ url: URL) throws -> LandmarkSequence {
        let json = try JSONValue.parse(try AtomicFile.read(url), path: url.path)
        guard json.object != nil else { throw FileError(url, "the file holds \(json.kind), not a menpo landmark object") }
        let pairs: [JSONValue]
        switch json["version"]?.number {
        case 1:
            guard let groups = json["groups"]?.array else { throw FileError(url, "version 1 ljson needs a 'groups' list") }
            var all: [JSONValue] = []
            for (groupIndex, group) in groups.enumerated() {
                guard let landmarks = group["landmarks"]?.array else {
                    throw FileError(url, "group \(groupIndex) has no 'landmarks' list", at: "groups[\(groupIndex)]")
                }
                for (index, landmark) in landmarks.enumerated() {
                    guard let point = landmark["point"] else {
                        throw FileError(url, "landmark \(index) has no 'point'", at: "groups[\(groupIndex)].landmarks[\(index)]")
                    }
                    all.append(point)
                }
            }
            pairs = all
        case 2:
            guard let points = json["landmarks"]?["points"]?.array else {
                throw FileError(url, "version 2 ljson needs 'landmarks': {'points': [...]}")
            }
            pairs = points
        case 3:
            guard let groups = json["groups"]?.object, !groups.isEmpty else {
                throw FileError(url, "version 3 ljson needs a 'groups' object")
            }
            let candidates = groups.keys.sorted().compactMap { name -> (String, [JSONValue])? in
                guard let points = groups[name]?["landmarks"]?["points"]?.array else { return nil }
                return (name, points)
            }
            guard let chosen = candidates.first(where: { $0.1.count == LandmarkSequence.pointCount }) ?? candidates.first else {
                throw FileError(url, "no group in 'groups' has 'landmarks': {'points': [...]}")
            }
            pairs = chosen.1
        case let version?:
            throw FileError(url, "unsupported ljson version \(CSVNumber.format(version)) (menpo writes 1, 2 or 3)", at: "version")
        case nil:
            throw FileError(url, "the file has no numeric 'version' (menpo ljson has 1, 2 or 3)")
        }

        guard pairs.count == LandmarkSequence.pointCount else {
            throw FileError(url, "expected \(LandmarkSequence.pointCount) points, found \(pairs.count)")
        }
        var points: [SIMD2<Double>] = []
        for (index, pair) in pairs.enumerated() {
            guard let values = pair.array else {
                throw FileError(url, "point \(index) is \(pair.kind), not [y, x]", at: "point \(index)")
            }
            guard values.count == 2 else {
                throw FileError(url, "point \(index) has \(values.count) coordinates; image landmarks have 2, [y, x]", at: "point \(index)")
            }
            guard let y = values[0].numberOrNaN, let x = values[1].numberOrNaN else {
                throw FileError(url, "point \(index) holds a value that is not a number", at: "point \(index)")
            }
            points.append(SIMD2(x, y))  // menpo stores (y, x)
        }
        let frame = LandmarkFrame(time: 0, points: points).invalidatingMissingPoints()
        return LandmarkSequence(frames: [frame], source: url.path)
    }

    /// Writes the one frame of `sequence` as version 2 ljson, in (y, x) order, with the iBUG
    /// 68 labels; a missing coordinate is written as `null`.
    static func write(_ sequence: LandmarkSequence, to url: URL) throws {
        guard sequence.frames.count == 1, let frame = sequence.frames.first else {
            throw FileError(url, "an ljson file holds one frame, but the sequence has \(sequence.frames.count)")
        }
        guard frame.points.count == LandmarkSequence.pointCount else {
            throw FileError(url, "cannot write \(frame.points.count) points; a frame has \(LandmarkSequence.pointCount)")
        }
        func number(_ value: Double) -> String { value.isNaN ? "null" : CSVNumber.format(value) }
        let points = frame.points.map { "[\(number($0.y)), \(number($0.x))]" }.joined(separator: ", ")
        let labels = iBUGGroups.map { name, range in
            "{\"label\": \"\(name)\", \"mask\": [\(range.map(String.init).joined(separator: ", "))]}"
        }.joined(separator: ", ")
        let text = "{\"version\": 2, \"labels\": [\(labels)], \"landmarks\": {\"points\": [\(points)]}}\n"
        try AtomicFile.write(Data(text.utf8), to: url)
    }

    /// The parts of the iBUG 68 markup, with menpo's label names.
    static let iBUGGroups: [(String, Range<Int>)] = [
        ("jaw", 0..<17), ("left_eyebrow", 17..<22), ("right_eyebrow", 22..<27), ("nose", 27..<36),
        ("left_eye", 36..<42), ("right_eye", 42..<48), ("mouth", 48..<68),
    ]
}
