import FaceAtlasCore
import Foundation
import NumPyFormat
import Testing
@testable import Landmarks

/// FaceAtlas's landmark `.npz`, checked against NumPy itself.
struct NPZTests {
    @Test func numpyLoadsTheArchiveWithoutPickle() throws {
        let folder = try TemporaryFolder()
        let sequence = PlainCSVTests.richSequence()
        let url = folder.file("rich.npz")
        try LandmarkIO.write(sequence, to: url, format: .npz)

        struct Report: Decodable {
            var names: [String]
            var shapes: [String: [Int]]
            var dtypes: [String: String]
            var meta: Meta
            var point: [Double]
            var valid: [Bool]
            var missing: [Bool]
            var au: [Double]
        }
        struct Meta: Decodable {
            var format: String
            var version: Int
            var source: String
            var image_size: [Int]
            var invalid_reasons: [String?]
            var action_units: [String]
            var extra_columns: [String]
        }
        let report = try Python.json(Report.self, """
        import json, sys, numpy
        with numpy.load(sys.argv[1], allow_pickle=False) as z:
            names = sorted(z.files)
            a = {n: z[n] for n in names}
        meta = json.loads(str(a["meta"][()]))
        print(json.dumps({
            "names": names,
            "shapes": {n: list(a[n].shape) for n in names},
            "dtypes": {n: a[n].dtype.str for n in names},
            "meta": meta,
            "point": [float(v) for v in a["points"][1, 36]],
            "valid": [bool(v) for v in a["valid"]],
            "missing": [bool(numpy.isnan(a["points"][3, 40]).all()), bool(numpy.isnan(a["points"]).sum() == 2)],
            "au": [float(v) for v in a["action_units"][:, meta["action_units"].index("AU12_r")]],
        }))
        """, [url.path])

        #expect(report.names == ["action_units", "confidence", "extra_columns", "meta", "points", "points3d", "time", "valid"])
        #expect(report.shapes["time"] == [5] && report.shapes["points"] == [5, 68, 2] && report.shapes["confidence"] == [5, 68])
        #expect(report.shapes["points3d"] == [5, 68, 3] && report.shapes["valid"] == [5] && report.shapes["meta"] == [])
        #expect(report.shapes["extra_columns"] == [5, 2] && report.shapes["action_units"] == [5, 1])
        #expect(report.dtypes["points"] == "<f8" && report.dtypes["valid"] == "|b1" && report.dtypes["meta"]?.hasPrefix("<U") == true)
        #expect(report.meta.format == "faceatlas-landmarks" && report.meta.version == 1)
        #expect(report.meta.source == "tracker" && report.meta.image_size == [640, 480])
        #expect(report.meta.invalid_reasons == [nil, nil, "blink, \"eyes closed\"", "missing points (1 of 68)", nil])
        #expect(report.meta.extra_columns == ["blur", "detection_score"])
        let expected = sequence.frames[1].points[36]
        #expect(report.point == [expected.x, expected.y])
        #expect(report.valid == [true, true, false, false, true])
        #expect(report.missing == [true, true])
        #expect(report.au == [0, 0.5, 1, 1.5, 2])
    }

    @Test func roundTripKeepsEverything() throws {
        let folder = try TemporaryFolder()
        let sequence = PlainCSVTests.richSequence()
        let url = folder.file("rich.npz")
        try LandmarkIO.write(sequence, to: url, format: .npz)
        #expect(try LandmarkFormat.detect(url) == .npz)
        var back = try LandmarkIO.read(url)
        #expect(back.source == url.path)
        back.source = sequence.source
        #expect(back == sequence)
    }

    @Test func readsAnArchiveWrittenByNumPy() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("numpy.npz")
        // Float32 points and an int valid flag: the reader converts, as NumPy would.
        _ = try Python.run("""
        import json, sys, numpy as np
        t = np.arange(4) / 5.0
        pts = np.stack([np.stack([np.arange(68) + k, 100 + np.arange(68) * 2.0], axis=1) for k in range(4)]).astype(np.float32)
        meta = json.dumps({"format": "faceatlas-landmarks", "version": 1, "source": "np", "image_size": [320, 240],
                           "invalid_reasons": [None, "lost", None, None]})
        np.savez_compressed(sys.argv[1], time=t, points=pts, confidence=np.full((4, 68), 0.5), valid=np.array([1, 0, 1, 1], dtype=np.int8),
                            meta=np.array(meta))
        """, [url.path])
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.frames.count == 4 && sequence.imageSize == SIMD2(320, 240))
        #expect(sequence.frames.map(\.isValid) == [true, false, true, true])
        #expect(sequence.frames[1].invalidReason == "lost")
        #expect(sequence.frames[2].points[10] == SIMD2(12, 120))
        #expect(sequence.frames[3].time == 0.6000000000000001 || abs(sequence.frames[3].time - 0.6) < 1e-12)
        #expect(sequence.frames.allSatisfy { $0.points3D == nil })
    }

    @Test func badArchivesNameTheArray() throws {
        let folder = try TemporaryFolder()
        let good = PlainCSVTests.richSequence()

        let noPoints = folder.file("nopoints.npz")
        try NPZArchive.write([("time", NumPyArray(float64: [0], shape: [1])), ("meta", NumPyArray(string: "{\"format\": \"faceatlas-landmarks\", \"version\": 1}"))], to: noPoints)
        expectFileError(noPoints, at: "points", "no 'points' array") { _ = try LandmarkIO.read(noPoints) }

        let wrongShape = folder.file("shape.npz")
        try LandmarkIO.write(good, to: wrongShape, format: .npz)
        var arrays = try NPZArchive.read(wrongShape)
        let index = arrays.firstIndex { $0.name == "points" }!
        arrays[index].array = NumPyArray(float64: [Double](repeating: 1, count: 5 * 67 * 2), shape: [5, 67, 2])
        try NPZArchive.write(arrays, to: wrongShape)
        expectFileError(wrongShape, at: "points", "shape (5, 67, 2), expected (5, 68, 2)") { _ = try LandmarkIO.read(wrongShape) }

        let backwards = folder.file("time.npz")
        arrays = try NPZArchive.read(folder.file("shape.npz"))
        arrays[index].array = NumPyArray(float64: [Double](repeating: 1, count: 5 * 68 * 2), shape: [5, 68, 2])
        let timeIndex = arrays.firstIndex { $0.name == "time" }!
        arrays[timeIndex].array = NumPyArray(float64: [0, 0.1, 0.2, 0.15, 0.3], shape: [5])
        try NPZArchive.write(arrays, to: backwards)
        expectFileError(backwards, at: "frame 3", "time goes backwards") { _ = try LandmarkIO.read(backwards) }

        let foreign = folder.file("foreign.npz")
        try NPZArchive.write([("meta", NumPyArray(string: "{\"format\": \"something-else\", \"version\": 1}"))], to: foreign)
        expectFileError(foreign, at: "meta", "not a FaceAtlas landmark archive") { _ = try LandmarkIO.read(foreign) }
    }
}
