import FaceAtlasCore
import Foundation
import Testing
@testable import Landmarks

/// menpo `.ljson` files in the three layouts menpo has written, points in (y, x) order.
struct LJSONTests {
    /// "[y, x]" pairs for `points`, with `null` for NaN.
    static func yxPairs(_ points: [SIMD2<Double>]) -> [String] {
        points.map { "[\($0.y.isNaN ? "null" : repr($0.y)), \($0.x.isNaN ? "null" : repr($0.x))]" }
    }

    static func version2(_ points: [SIMD2<Double>]) -> String {
        """
        {"labels": [{"label": "jaw", "mask": [0, 1, 2]}], "landmarks": {"connectivity": [[0, 1], [1, 2]], \
        "points": [\(yxPairs(points).joined(separator: ", "))]}, "version": 2}
        """
    }

    @Test func version1JoinsTheGroupsAndSwapsYX() throws {
        let folder = try TemporaryFolder()
        let points = SyntheticFace.points()
        let pairs = Self.yxPairs(points)
        // Groups of 17 + 51 points, each landmark {"point": [y, x]}.
        let groups = [(label: "chin", range: 0..<17), (label: "rest", range: 17..<68)].map { group in
            "{\"label\": \"\(group.label)\", \"connectivity\": [], \"landmarks\": ["
                + group.range.map { "{\"point\": \(pairs[$0])}" }.joined(separator: ", ") + "]}"
        }
        let url = try folder.write("v1.ljson", "{\"version\": 1, \"groups\": [\(groups.joined(separator: ", "))]}")
        let frame = try #require(try LandmarkIO.read(url).frames.first)
        #expect(close(frame.points, points))
        #expect(frame.isValid)
    }

    @Test func version2SwapsYX() throws {
        let folder = try TemporaryFolder()
        let points = SyntheticFace.points()
        let url = try folder.write("v2.ljson", Self.version2(points))
        let frame = try #require(try LandmarkIO.read(url).frames.first)
        #expect(close(frame.points, points))
        // Without the swap both eye corners would get x = their shared y, and this would fail.
        #expect(frame.points[36].x < frame.points[45].x)
        #expect(abs(frame.points[36].y - frame.points[45].y) < 1e-9)
    }

    @Test func version3PicksThe68PointGroup() throws {
        let folder = try TemporaryFolder()
        let points = SyntheticFace.points()
        let pairs = Self.yxPairs(points).joined(separator: ", ")
        let eyes = Self.yxPairs(Array(points[36..<48])).joined(separator: ", ")
        let json = """
        {"version": 3, "groups": {
          "a_eyes": {"landmarks": {"points": [\(eyes)], "connectivity": []}, "labels": []},
          "face_ibug_68": {"landmarks": {"points": [\(pairs)], "connectivity": [[0, 1]]},
                           "labels": [{"label": "jaw", "mask": [0, 1]}]}
        }}
        """
        let url = try folder.write("v3.ljson", json)
        let frame = try #require(try LandmarkIO.read(url).frames.first)
        #expect(close(frame.points, points))
    }

    @Test func nullCoordinatesMakeTheFrameInvalidWithWeightZero() throws {
        let folder = try TemporaryFolder()
        var points = SyntheticFace.points()
        points[20] = SIMD2(.nan, .nan)
        points[21] = SIMD2(.nan, .nan)
        let url = try folder.write("missing.ljson", Self.version2(points))
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.frames.count == 1)
        let frame = sequence.frames[0]
        #expect(!frame.isValid)
        #expect(frame.invalidReason == "missing points (2 of 68)")
        #expect(frame.missingPoints == [20, 21])
        #expect(frame.weights.allSatisfy { $0 == 0 })
        #expect(sequence.validCount == 0)
    }

    @Test func writeIsVersion2InYXOrderAndMenpoReadable() throws {
        let folder = try TemporaryFolder()
        let points = SyntheticFace.points()
        let url = folder.file("out.ljson")
        try LandmarkIO.write(LandmarkSequence(frames: [LandmarkFrame(time: 0, points: points)], source: "t"), to: url, format: .ljson)
        // Read with Python's json as menpo does: version 2, points[i] == [y, x].
        let check = try Python.run("""
        import json, sys
        d = json.load(open(sys.argv[1]))
        assert d["version"] == 2, d["version"]
        p = d["landmarks"]["points"]
        assert len(p) == 68
        masks = sorted(i for label in d["labels"] for i in label["mask"])
        assert masks == list(range(68)), masks
        print(p[36][0], p[36][1])
        """, [url.path])
        let values = check.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(values == [points[36].y, points[36].x])
        #expect(close(try LandmarkIO.read(url).frames[0].points, points))
    }

    @Test func wrongPointCountIsRefused() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("short.ljson", Self.version2(Array(SyntheticFace.points().prefix(67))))
        expectFileError(url, at: nil, "expected 68 points, found 67") { _ = try LandmarkIO.read(url) }
    }

    @Test func threeDimensionalPointsAreRefusedNamingThePoint() throws {
        let folder = try TemporaryFolder()
        var pairs = Self.yxPairs(SyntheticFace.points())
        pairs[4] = "[1.0, 2.0, 3.0]"
        let url = try folder.write("mesh.ljson", "{\"version\": 2, \"labels\": [], \"landmarks\": {\"points\": [\(pairs.joined(separator: ","))]}}")
        expectFileError(url, at: "point 4", "3 coordinates") { _ = try LandmarkIO.read(url) }
    }

    @Test func unknownVersionAndBrokenJSONAreRefused() throws {
        let folder = try TemporaryFolder()
        let v9 = try folder.write("v9.ljson", "{\"version\": 9, \"landmarks\": {\"points\": []}}")
        expectFileError(v9, at: "version", "unsupported ljson version 9") { _ = try LandmarkIO.read(v9) }
        let cut = try folder.write("cut.ljson", String(Self.version2(SyntheticFace.points()).prefix(200)))
        expectFileError(cut, at: nil, "not valid JSON") { _ = try LandmarkIO.read(cut) }
        let empty = try folder.write("empty.ljson", "")
        expectFileError(empty, at: nil, "empty") { _ = try LandmarkIO.read(empty) }
    }
}
