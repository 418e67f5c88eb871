import FaceAtlasCore
import FaceModel
import Foundation
import Testing

@Suite("eos files given in the wrong place are named for what they are")
final class MisplacedEosFileTests {
    let folder: URL

    deinit { try? FileManager.default.removeItem(at: folder) }

    init() throws { folder = try Fixtures.eos() }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    @Test("each eos file is identified by its contents")
    func identifies() {
        let kinds: [(String, EosFileKind?)] = [
            ("model_v4_blendshapes.bin", .morphableModel), ("sfm_shape_v1.bin", .morphableModel),
            ("model_v0_opencv.bin", .morphableModel), ("pyramid_v4.bin", .morphableModel),
            ("blendshapes.bin", .blendshapes), ("blendshapes_opencv.bin", .blendshapes),
            ("pyramid_edge_topology.json", .edgeTopology), ("pyramid_edge_topology_arrays.json", .edgeTopology),
            ("contours.json", .modelContour),
            ("ibug_to_sfm.txt", .landmarkMapping), ("ibug_to_sfm_info.txt", .landmarkMapping),
            ("expected.json", nil), ("make.py", nil), ("missing.bin", nil),
        ]
        for (name, kind) in kinds { #expect(EosFileKind.identify(contentsOf: url(name)) == kind, "\(name)") }
    }

    @Test("the blendshapes file as the model: says what it is and to use --blendshapes")
    func blendshapesAsModel() throws {
        let error = #expect(throws: FileError.self) {
            try SurreyModelImporter.importModel(from: self.url("blendshapes.bin"), landmarkMapping: nil, contours: nil)
        }
        #expect(error?.path == url("blendshapes.bin").path)
        let problem = error?.problem ?? ""
        #expect(problem.contains("this is an eos blendshapes file"), "\(problem)")
        #expect(problem.contains("2 blendshapes of 6 vertices: happiness, surprise"), "\(problem)")
        #expect(problem.contains("not an eos morphable model"))
        #expect(problem.contains("--blendshapes"))
        #expect(!problem.contains("class version"))
    }

    @Test("side files as the model, and in each other's places, name the option that takes them")
    func sideFilesMisplaced() throws {
        func problem(model: String = "sfm_shape_v1.bin", mapping: String? = nil, contours: String? = nil,
                     blendshapes: String? = nil, edgeTopology: String? = nil, at path: String) -> String {
            let error = #expect(throws: FileError.self) {
                try SurreyModelImporter.importModel(
                    from: self.url(model), landmarkMapping: mapping.map(self.url), contours: contours.map(self.url),
                    blendshapes: blendshapes.map(self.url), edgeTopology: edgeTopology.map(self.url))
            }
            #expect(error?.path == url(path).path, "\(error?.description ?? "")")
            return error?.problem ?? ""
        }
        let asModel: [(String, String)] = [
            ("pyramid_edge_topology.json", "--edge-topology"), ("contours.json", "--contour"), ("ibug_to_sfm.txt", "--landmark-mapping"),
        ]
        for (file, option) in asModel {
            let p = problem(model: file, at: file)
            #expect(p.contains("not an eos morphable model") && p.contains(option), "\(file): \(p)")
        }
        var p = problem(blendshapes: "model_v4_combined.bin", at: "model_v4_combined.bin")
        #expect(p.contains("this is an eos morphable model (MorphableModel class version 4, 6 vertices), not an eos blendshapes file"), "\(p)")
        p = problem(contours: "pyramid_edge_topology.json", at: "pyramid_edge_topology.json")
        #expect(p.contains("this is an eos edge topology file") && p.contains("not an eos model contour file") && p.contains("--edge-topology"), "\(p)")
        p = problem(mapping: "contours.json", at: "contours.json")
        #expect(p.contains("this is an eos model contour file") && p.contains("--contour"), "\(p)")
        p = problem(mapping: "blendshapes.bin", at: "blendshapes.bin")
        #expect(p.contains("this is an eos blendshapes file") && p.contains("not an eos landmark mapping file"), "\(p)")
        p = problem(edgeTopology: "contours.json", at: "contours.json")
        #expect(p.contains("this is an eos model contour file") && p.contains("not an eos edge topology file"), "\(p)")
        p = problem(blendshapes: "ibug_to_sfm.txt", at: "ibug_to_sfm.txt")
        #expect(p.contains("this is an eos landmark mapping file") && p.contains("--landmark-mapping"), "\(p)")
    }

    @Test("the version eos-py 1.5.0's save_model writes (MorphableModel class version 4) imports")
    func currentEosVersionImports() throws {
        // model_v4_combined.bin and pyramid_v4.bin are byte for byte what eos-py 1.5.0 writes.
        let data = try Data(contentsOf: url("model_v4_combined.bin"))
        #expect(data.prefix(4) == Data([4, 0, 0, 0]))
        for name in ["model_v4_combined.bin", "pyramid_v4.bin"] {
            let model = try SurreyModelImporter.importModel(from: url(name), landmarkMapping: nil, contours: nil)
            #expect(model.provenance["format"] == "eos MorphableModel (cereal binary), class version 4", "\(name)")
        }
    }
}
