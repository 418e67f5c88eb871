import FaceAtlasCore
import FaceModel
import Foundation
import Testing

@Suite("eos blendshapes file (--blendshapes)")
final class EosBlendshapesTests {
    let folder: URL
    let expected: [String: Any]

    deinit { try? FileManager.default.removeItem(at: folder) }

    init() throws {
        folder = try Fixtures.eos()
        expected = try Fixtures.expected(folder)
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    func importShape(blendshapes: String?, model: String = "sfm_shape_v1.bin") throws -> FaceModel {
        try SurreyModelImporter.importModel(
            from: url(model), landmarkMapping: url("ibug_to_sfm.txt"), contours: url("contours.json"),
            blendshapes: blendshapes.map(url))
    }

    @Test("the file is read exactly (names, values) and attached to a shape-only model")
    func readsExactly() throws {
        let model = try importShape(blendshapes: "blendshapes.bin")
        let names = expected["blendshape_names"] as! [String]
        let values = (expected["blendshapes"] as! [[Double]]).map { $0.map { Float($0) } }
        #expect(model.expressions.map(\.name) == names)
        #expect(model.expressions.allSatisfy { $0.kind == .statistical && $0.summary == "eos blendshape" })
        #expect(model.expressionBasis == values.flatMap { $0 })  // bit for bit, component-major
        #expect(model.identityCount == 2)

        let sha = Digest.sha256(try Data(contentsOf: url("blendshapes.bin")))
        #expect(model.provenance["blendshapes"] == "blendshapes.bin")
        #expect(model.provenance["blendshapes_sha256"] == sha)
        #expect(model.provenance["expression_model"] == "2 blendshapes from blendshapes.bin")
        #expect(model.provenance["source"] == "sfm_shape_v1.bin")
    }

    @Test("shape model + blendshapes file equals eos-py's save_model of MorphableModel(shape, blendshapes)")
    func equalsCombinedModel() throws {
        // model_v4_combined.bin is byte for byte what eos-py 1.5.0 writes (version 4) for the same arrays.
        let combined = try importShape(blendshapes: nil, model: "model_v4_combined.bin")
        #expect(combined.provenance["format"]?.contains("class version 4") == true)
        #expect(combined.expressionCount == 2)
        for name in ["blendshapes.bin", "blendshapes_opencv.bin"] {
            var separate = try importShape(blendshapes: name)
            separate.name = combined.name
            separate.provenance = combined.provenance
            expectSame(separate, combined)
        }
    }

    @Test("a model that already has an expression model is refused with --blendshapes, naming the model")
    func refusesSecondExpressionModel() throws {
        for model in ["model_v4_blendshapes.bin", "model_v3_pca.bin", "model_v4_combined.bin"] {
            let error = #expect(throws: FileError.self, "\(model)") {
                try self.importShape(blendshapes: "blendshapes.bin", model: model)
            }
            #expect(error?.path == url(model).path)
            #expect(error?.problem.contains("already has an expression model") == true, "\(error?.description ?? "")")
            #expect(error?.problem.contains("shape-only model") == true)
        }
    }

    @Test("blendshapes of another vertex count are refused naming the file and the blendshape")
    func refusesWrongSize() throws {
        let error = #expect(throws: FileError.self) {
            try self.importShape(blendshapes: "blendshapes_wrong_size.bin")
        }
        #expect(error?.path == url("blendshapes_wrong_size.bin").path)
        #expect(error?.location == "blendshape 1 (smile)")
        #expect(error?.problem.contains("blendshape 1, 'smile', has 15 values (5 vertices)") == true, "\(error?.description ?? "")")
        #expect(error?.problem.contains("sfm_shape_v1.bin has 6 vertices") == true)
    }

    @Test("a truncated, empty, oversized, trailing or garbage file throws FileError naming it")
    func refusesDamagedFiles() throws {
        let data = try Data(contentsOf: url("blendshapes.bin"))
        let file = url("damaged.bin")
        func refused(_ bytes: Data, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) -> FileError? {
            try? bytes.write(to: file)
            let error = #expect(throws: FileError.self, "\(what)", sourceLocation: sourceLocation) {
                try self.importShape(blendshapes: "damaged.bin")
            }
            #expect(error?.path == file.path, "\(what): \(error?.description ?? "")", sourceLocation: sourceLocation)
            return error
        }
        for length in 0..<data.count { _ = refused(data.prefix(length), "cut at \(length)") }
        #expect(refused(try Data(contentsOf: url("blendshapes_empty.bin")), "empty")?.problem.contains("no blendshapes") == true)
        #expect(refused(data + Data([0]), "trailing byte")?.problem.contains("follow the last of the 2 blendshapes") == true)
        // A count of 2^60 and a deformation of 2^30 rows: refused before anything is allocated.
        var huge = data
        withUnsafeBytes(of: (UInt64(1) << 60).littleEndian) { huge.replaceSubrange(0..<8, with: $0) }
        #expect(refused(huge, "count 2^60")?.problem.contains("impossible size") == true)
        var rows = data
        let rowsAt = 8 + 8 + "happiness".utf8.count
        withUnsafeBytes(of: Int32(1 << 30).littleEndian) { rows.replaceSubrange(rowsAt..<(rowsAt + 4), with: $0) }
        #expect(refused(rows, "rows 2^30")?.problem.contains("impossible size") == true)
        // Not-a-number values.
        var nan = data
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { nan.replaceSubrange((rowsAt + 8)..<(rowsAt + 12), with: $0) }
        #expect(refused(nan, "NaN")?.problem.contains("not a finite number") == true)
        // Random bytes.
        var rng = SplitMix64(seed: 99)
        for trial in 0..<20 {
            let garbage = Data((0..<(Int(rng.next() % 300) + 1)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            _ = refused(garbage, "garbage \(trial)")
        }
    }

    @Test("random corruption of a blendshapes file never crashes")
    func fuzz() throws {
        let data = try Data(contentsOf: url("blendshapes.bin"))
        let file = url("fuzz.bin")
        var rng = SplitMix64(seed: 2024)
        for _ in 0..<300 {
            var d = data
            for _ in 0..<Int(rng.next() % 3 + 1) { d[Int(rng.next() % UInt64(d.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            try d.write(to: file)
            do {
                try importShape(blendshapes: "fuzz.bin").validate()
            } catch let error as FileError {
                #expect(error.path == file.path)
            }
        }
    }
}
