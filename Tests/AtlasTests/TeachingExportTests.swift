import Atlas
import FaceAtlasTestSupport
import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Mesh
import Render
import Testing

/// Exported teaching faces re-import through assimp, carry their maps, and render as faces.
@Suite struct TeachingExportTests {
    /// One small atlas shared by the tests of this suite.
    static let built: Result<(folder: URL, atlas: Atlas), Error> = Result {
        let folder = AtlasFixture.temporaryFolder()
        let (model, meta) = try AtlasFixture.loaded.get()
        let manifest = try CohortManifest.read(try AtlasFixture.cohort(in: folder, perGroup: 3))
        let result = try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256).build(manifest)
        try Atlas.write(result, to: folder.appendingPathComponent("atlas"))
        return (folder, try Atlas.read(folder.appendingPathComponent("atlas")))
    }

    @Test func objWithMapsReimportsWithTheSameCountsAndVisibleWrinkles() throws {
        let (folder, atlas) = try Self.built.get()
        let model = try AtlasFixture.model
        var export = ReferenceExport(format: .obj)
        export.overlay = .difference("BD", "MDD")
        export.textureSize = 256
        let url = folder.appendingPathComponent("out/bd.obj")
        let written = try export.write(try atlas.reference(group: "BD", stimulus: "happiness"), atlas: atlas, model: model, to: url)
        #expect(Set(written.map(\.lastPathComponent)) == ["bd.obj", "bd.mtl", "bd_diffuse.png", "bd_displacement.png", "bd_normal.png", "bd_legend.png"])
        let mesh = try MeshIO.import(url)
        #expect(mesh.vertexCount == model.vertexCount && mesh.triangleCount == model.mesh.triangleCount)
        let mtl = try String(contentsOf: folder.appendingPathComponent("out/bd.mtl"), encoding: .utf8)
        for line in ["map_Kd bd_diffuse.png", "map_Bump bd_displacement.png", "norm bd_normal.png", "disp bd_displacement.png"] {
            #expect(mtl.contains(line), "\(line)")
        }
        let obj = try String(contentsOf: url, encoding: .utf8)
        #expect(obj.contains("\nvt ") && obj.contains("\nvn "))
        let firstFace = try #require(obj.split(separator: "\n").first { $0.hasPrefix("f ") })
        #expect(firstFace.split(separator: " ").first { !$0.isEmpty && $0 != "f" } == "1/1/1", "1-based v/vt/vn indices")
        // AU6 and AU7 are active for BD: the displacement map has furrows (values away from 32768).
        let displacement = try PNG.read16(folder.appendingPathComponent("out/bd_displacement.png"))
        let moved = displacement.samples.filter { abs(Int($0) - 32768) > 100 }.count
        #expect(displacement.channels == 1 && moved > 100)
        // The overlay coloured the texture with both ends of the diverging scale.
        let diffuse = try PNG.read(folder.appendingPathComponent("out/bd_diffuse.png"))
        var reddish = 0, bluish = 0
        for i in stride(from: 0, to: diffuse.pixels.count, by: 3) {
            let r = Int(diffuse.pixels[i]), b = Int(diffuse.pixels[i + 2])
            if r > b + 80 { reddish += 1 }
            if b > r + 40 { bluish += 1 }
        }
        #expect(reddish > 200 && bluish > 200)
    }

    @Test func bakedDetailSubdividesAndMovesTheSurface() throws {
        let (folder, atlas) = try Self.built.get()
        let model = try AtlasFixture.model
        let reference = try atlas.reference(group: "MDD", stimulus: "happiness")
        var export = ReferenceExport(format: .ply)
        export.detail = .baked
        let url = folder.appendingPathComponent("out/mdd.ply")
        _ = try export.write(reference, atlas: atlas, model: model, to: url)
        let mesh = try MeshIO.import(url)
        #expect(mesh.triangleCount == 16 * model.mesh.triangleCount)
        // The wrinkles moved some vertices off the smooth subdivided surface, by at most the map's depth.
        let detail = try #require(try WrinkleDetail(model: model, parameters: reference.peakParameters))
        let smooth = model.instance(reference.peakParameters).subdivided(levels: 2)
        let baked = detail.baked(into: model.instance(reference.peakParameters), levels: 2)
        let offsets = zip(baked.positions, smooth.positions).map { simd_length($0 - $1) }
        let deepest = max(abs(detail.range.min), abs(detail.range.max))
        #expect(offsets.max()! > 0.05 && offsets.max()! <= deepest + 1e-4)
    }

    @Test func sequencesExportAsMorphTargetsOrOneFilePerFrame() throws {
        let (folder, atlas) = try Self.built.get()
        let model = try AtlasFixture.model
        let reference = try atlas.reference(group: "HC", stimulus: "sadness")
        var glb = ReferenceExport(format: .glb)
        glb.sequence = true
        glb.detail = .none
        let url = folder.appendingPathComponent("out/hc.glb")
        _ = try glb.write(reference, atlas: atlas, model: model, to: url)
        let mesh = try MeshIO.import(url)
        #expect(mesh.vertexCount == model.vertexCount)
        // The GLB's JSON chunk lists one morph target per frame of the mean profile.
        let data = try Data(contentsOf: url)
        let length = Int(data[12]) | Int(data[13]) << 8 | Int(data[14]) << 16 | Int(data[15]) << 24
        let json = try JSONSerialization.jsonObject(with: data.subdata(in: 20..<(20 + length))) as! [String: Any]
        let primitive = ((json["meshes"] as! [[String: Any]])[0]["primitives"] as! [[String: Any]])[0]
        #expect((primitive["targets"] as? [Any])?.count == reference.profile.frameCount)

        var obj = ReferenceExport(format: .obj)
        obj.sequence = true
        obj.detail = .none
        obj.textureSize = 64
        let written = try obj.write(reference, atlas: atlas, model: model, to: folder.appendingPathComponent("seq/hc.obj"))
        let frames = written.filter { $0.lastPathComponent.contains("_frame") }
        #expect(frames.count == reference.profile.frameCount)
        #expect(try MeshIO.import(frames.last!).triangleCount == model.mesh.triangleCount)
    }

    @Test func rendersShowFacesAndTheRegionHeatmapShowsTheDifferences() throws {
        let (_, atlas) = try Self.built.get()
        let model = try AtlasFixture.model
        let rendering = ReferenceRendering(atlas: atlas, model: model, size: 128)
        let sheet = try rendering.comparisonSheet()
        // Three faces across, two stimuli down, with labels.
        #expect(sheet.width > 3 * 64 && sheet.height > 2 * 64)
        let heatmap = try rendering.regionHeatmap("BD", "MDD")
        var red = 0, blue = 0
        for i in stride(from: 0, to: heatmap.pixels.count, by: heatmap.channels) {
            let r = Int(heatmap.pixels[i]), b = Int(heatmap.pixels[i + 2])
            if r > b + 80 { red += 1 }
            if b > r + 40 { blue += 1 }
        }
        // BD moves the cheeks and outer eye corners more (red), MDD the forehead (blue).
        #expect(red > 300 && blue > 300)
        #expect(throws: UsageError.self) { try BiomarkerOverlay.parse("sparkle", pairs: []) }
        #expect(try BiomarkerOverlay.parse("effect", pairs: [("BD", "MDD")]) == .effect("BD", "MDD"))
        #expect(try BiomarkerOverlay.parse("region:5", pairs: []) == .region(5))
    }
}
