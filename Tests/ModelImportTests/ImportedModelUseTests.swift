import FaceModel
import Foundation
import Mesh
import Render
import Testing

/// Imported models are usable by the later stages: they export through assimp and render.
@Suite("imported models export and render")
struct ImportedModelUseTests {
    func check(_ model: FaceModel, name: String) throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A face with identity and expression set, exported and re-imported through assimp.
        var p = FaceParameters(identity: [1, -0.5], expression: model.expressionCount > 0 ? [0.5] : [])
        if let jaw = model.jaw { p.jaw = Jaw.opening(degrees: jaw.jawDropDegrees / 2) }
        let mesh = model.instance(p)
        #expect(mesh.positions != model.mesh.positions, "\(name): parameters must change the face")
        for format in [MeshFormat.obj, .ply, .glb] {
            let url = folder.appendingPathComponent("\(name).\(format.fileExtension)")
            try MeshIO.export(mesh, to: url, options: MeshExportOptions(format: format))
            let back = try MeshIO.import(url)
            #expect(back.triangleCount == mesh.triangleCount, "\(name) \(format)")
        }
        // Renders: the face covers part of the image, and not all of it.
        let image = try FaceRendering.render(model: model, parameters: p, view: .front, size: 96, wrinkles: false)
        let background = image.pixels[0..<3]
        var covered = 0
        for i in stride(from: 0, to: image.pixels.count, by: 3) where image.pixels[i..<(i + 3)] != background { covered += 1 }
        let fraction = Double(covered) / Double(image.width * image.height)
        #expect(fraction > 0.01 && fraction < 0.95, "\(name): the render covers \(fraction) of the image")
    }

    @Test func eosModel() throws {
        let folder = try Fixtures.eos()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try SurreyModelImporter.importModel(
            from: folder.appendingPathComponent("model_v4_blendshapes.bin"),
            landmarkMapping: folder.appendingPathComponent("ibug_to_sfm.txt"), contours: folder.appendingPathComponent("contours.json"))
        try check(model, name: "eos")
    }

    @Test func flameModel() throws {
        let folder = try Fixtures.flame()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try FLAMEModelImporter.importModel(from: folder.appendingPathComponent("flame.npz"),
                                                       landmarkEmbedding: folder.appendingPathComponent("embedding_full.npz"), shapeCount: 4)
        try check(model, name: "flame")
    }
}

