import FaceAtlasCore
import Foundation
import Mesh
import Testing

/// Round trips through assimp's exporters and importers, the files' text, and the `assimp` CLI.
@Suite struct MeshIOTests {
    static let materials = [
        MeshMaterial(
            name: "skin_material", diffuseColor: SIMD3(0.9, 0.7, 0.6), diffuseMap: "face_albedo.png",
            normalMap: "face_normal.png", displacementMap: "face_disp.png"),
        MeshMaterial(name: "eye_material", diffuseColor: SIMD3(1, 1, 1), diffuseMap: "eye_albedo.png", bumpMap: "eye_bump.png"),
    ]

    /// For each imported vertex, the original vertex at the same position (within `tolerance`).
    func correspondence(_ imported: TriangleMesh, _ original: TriangleMesh, tolerance: Float = 1e-4) -> [Int]? {
        var map: [Int] = []
        for p in imported.positions {
            var best = -1, bestDistance = Float.infinity
            for (i, q) in original.positions.enumerated() {
                let d = simd_length(p - q)
                if d < bestDistance { bestDistance = d; best = i }
            }
            guard bestDistance <= tolerance else { return nil }
            map.append(best)
        }
        return Set(map).count == map.count ? map : nil
    }

    /// A triangle's corners rotated so the smallest comes first (keeps orientation).
    func canonical(_ t: SIMD3<Int>) -> [Int] {
        let c = [t.x, t.y, t.z]
        let k = c.firstIndex(of: c.min()!)!
        return [c[k], c[(k + 1) % 3], c[(k + 2) % 3]]
    }

    @Test func availableFormatsIncludeEveryMeshFormat() {
        let available = MeshIO.availableExportFormats
        #expect(available.contains("obj"))
        for format in MeshFormat.allCases {
            #expect(format.isAvailable, "assimp has no exporter for \(format)")
        }
        #expect(MeshFormat(fileExtension: ".OBJ") == .obj)
        #expect(MeshFormat(fileExtension: "glb") == .glb)
        #expect(MeshFormat(fileExtension: "dae") == nil)
    }

    @Test(arguments: MeshFormat.allCases)
    func roundTrip(format: MeshFormat) throws {
        let mesh = TestMeshes.sphere()
        let folder = try makeScratchFolder("roundtrip-\(format.rawValue)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("face.\(format.fileExtension)")
        try MeshIO.export(mesh, to: url, options: MeshExportOptions(format: format, materials: Self.materials))

        // Exactly the main file and its sidecars: no temporary files.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == (["face.\(format.fileExtension)"] + format.sidecarExtensions.map { "face.\($0)" }).sorted())

        let back = try MeshIO.import(url)
        #expect(back.vertexCount == mesh.vertexCount, "\(format): \(back.vertexCount) vertices, expected \(mesh.vertexCount)")
        #expect(back.triangleCount == mesh.triangleCount)
        let map = try #require(correspondence(back, mesh), "\(format): positions differ")

        // The same triangles, with the same orientation.
        let original = Set(mesh.triangles.map { canonical(SIMD3(Int($0.x), Int($0.y), Int($0.z))) })
        let mapped = Set(back.triangles.map { canonical(SIMD3(map[Int($0.x)], map[Int($0.y)], map[Int($0.z)])) })
        #expect(mapped == original)

        // Look up each original triangle by its canonical corners.
        var originalIndex: [[Int]: Int] = [:]
        for (i, t) in mesh.triangles.enumerated() { originalIndex[canonical(SIMD3(Int(t.x), Int(t.y), Int(t.z)))] = i }

        if format.carriesUVs {
            #expect(back.hasUVs)
            var worst: Float = 0
            for (i, t) in back.triangles.enumerated() {
                let corners = [map[Int(t.x)], map[Int(t.y)], map[Int(t.z)]]
                guard let j = originalIndex[canonical(SIMD3(corners[0], corners[1], corners[2]))] else { continue }
                let ot = mesh.triangles[j], ouv = mesh.uvTriangles[j], buv = back.uvTriangles[i]
                let originalCorners = [Int(ot.x), Int(ot.y), Int(ot.z)]
                for (c, v) in corners.enumerated() {
                    let k = originalCorners.firstIndex(of: v)!
                    let a = back.uvs[Int(buv[c])], b = mesh.uvs[Int(ouv[k])]
                    worst = max(worst, max(abs(a.x - b.x), abs(a.y - b.y)))
                }
            }
            #expect(worst < 1e-5, "\(format): UVs differ by \(worst)")
        }
        if format.carriesColors {
            #expect(back.colors.count == back.vertexCount)
            let tolerance: Float = format == .ply ? 1.0 / 255 + 1e-4 : 1e-5  // PLY stores 8-bit colours
            let worst = back.colors.indices.map { i -> Float in
                let d = back.colors[i] - mesh.colors[map[i]]
                return max(abs(d.x), abs(d.y), abs(d.z))
            }.max() ?? 0
            #expect(worst <= tolerance, "\(format): colours differ by \(worst)")
        }
        if format.carriesVertexNormals {
            #expect(back.normals.count == back.vertexCount)
            let worst = back.normals.indices.map { simd_length(back.normals[$0] - mesh.normals[map[$0]]) }.max() ?? 0
            #expect(worst < 1e-4, "\(format): normals differ by \(worst)")
        }
        if format.carriesParts {
            #expect(back.partNames == ["skin", "eyes"])
            for (i, t) in back.triangles.enumerated() {
                let j = originalIndex[canonical(SIMD3(map[Int(t.x)], map[Int(t.y)], map[Int(t.z)]))]!
                #expect(back.partNames[Int(back.triangleParts[i])] == mesh.partNames[Int(mesh.triangleParts[j])])
            }
        } else {
            #expect(back.partNames.isEmpty && back.triangleParts.isEmpty)
        }
    }

    /// Runs `assimp info FILE` (assimp-utils) and returns its vertex and face counts.
    func assimpInfo(_ url: URL) throws -> (vertices: Int, faces: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["assimp", "info", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw FileError(url, "assimp info failed (\(process.terminationStatus)): \(text.suffix(400))")
        }
        func count(_ key: String) -> Int? {
            for line in text.split(separator: "\n") where line.hasPrefix(key) {
                return Int(line.dropFirst(key.count).trimmingCharacters(in: .whitespaces))
            }
            return nil
        }
        guard let v = count("Vertices:"), let f = count("Faces:") else {
            throw FileError(url, "assimp info printed no counts: \(text.suffix(400))")
        }
        return (v, f)
    }

    @Test(arguments: MeshFormat.allCases)
    func assimpCommandLineReadsExport(format: MeshFormat) throws {
        let mesh = TestMeshes.sphere()
        let folder = try makeScratchFolder("cli-\(format.rawValue)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("face.\(format.fileExtension)")
        try MeshIO.export(mesh, to: url, options: MeshExportOptions(format: format, materials: Self.materials))
        let info = try assimpInfo(url)
        #expect(info.faces == mesh.triangleCount)
        // assimp counts vertices split at UV seams (and per corner for STL).
        #expect(info.vertices >= mesh.vertexCount && info.vertices <= 3 * mesh.triangleCount)
    }

    @Test func objTextIsWhatBlenderAndMeshLabRead() throws {
        let mesh = TestMeshes.sphere()
        let folder = try makeScratchFolder("objtext")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("head.obj")
        try MeshIO.export(mesh, to: url, options: MeshExportOptions(format: .obj, materials: Self.materials))
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("mtllib head.mtl"))
        #expect(lines.contains("usemtl skin_material") && lines.contains("usemtl eye_material"))
        let vCount = lines.filter { $0.hasPrefix("v ") }.count
        let vtCount = lines.filter { $0.hasPrefix("vt ") }.count
        let vnCount = lines.filter { $0.hasPrefix("vn ") }.count
        #expect(vCount == mesh.vertexCount)
        // Vertex colours as "v x y z r g b".
        #expect(lines.first { $0.hasPrefix("v ") }!.split(separator: " ").count == 7)
        let faces = lines.filter { $0.hasPrefix("f ") }
        #expect(faces.count == mesh.triangleCount)
        for face in faces {
            let corners = face.dropFirst(2).split(separator: " ")
            #expect(corners.count == 3)
            for corner in corners {
                let fields = corner.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
                #expect(fields.count == 3, "not v/vt/vn: \(face)")
                guard fields.count == 3, let v = fields[0], let vt = fields[1], let vn = fields[2] else { continue }
                #expect((1...vCount).contains(v) && (1...vtCount).contains(vt) && (1...vnCount).contains(vn))
            }
        }

        let mtl = try String(contentsOf: folder.appendingPathComponent("head.mtl"), encoding: .utf8)
        let blocks = mtl.components(separatedBy: "newmtl ").dropFirst().map { $0.split(separator: "\n").map(String.init) }
        let skin = try #require(blocks.first { $0.first == "skin_material" })
        let eye = try #require(blocks.first { $0.first == "eye_material" })
        for line in ["map_Kd face_albedo.png", "bump face_normal.png", "map_Bump face_normal.png", "norm face_normal.png", "disp face_disp.png"] {
            #expect(skin.contains(line), "skin material lacks \(line)")
        }
        for line in ["map_Kd eye_albedo.png", "bump eye_bump.png", "map_Bump eye_bump.png"] {
            #expect(eye.contains(line), "eye material lacks \(line)")
        }
        #expect(!mtl.contains("map_bump "))
    }

    @Test func gltfMorphTargets() throws {
        let mesh = TestMeshes.sphere()
        let raised = mesh.positions.map { $0 + SIMD3(0, 0, 5) }
        let widened = mesh.positions.map { $0 * SIMD3(1.1, 1, 1) }
        let folder = try makeScratchFolder("morph")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("expressions.gltf")
        try MeshIO.export(mesh, to: url, options: MeshExportOptions(
            format: .gltf, materials: Self.materials, morphTargets: [("raise", raised), ("widen", widened)]))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let accessors = try #require(json["accessors"] as? [[String: Any]])
        let meshes = try #require(json["meshes"] as? [[String: Any]])
        #expect(meshes.count == 2)
        for m in meshes {
            let extras = m["extras"] as? [String: Any]
            #expect(extras?["targetNames"] as? [String] == ["raise", "widen"])
            for primitive in try #require(m["primitives"] as? [[String: Any]]) {
                let attributes = try #require(primitive["attributes"] as? [String: Int])
                let positionAccessor = try #require(attributes["POSITION"])
                let count = try #require(accessors[positionAccessor]["count"] as? Int)
                let targets = try #require(primitive["targets"] as? [[String: Int]])
                #expect(targets.count == 2)
                for target in targets {
                    let index = try #require(target["POSITION"])
                    #expect(accessors[index]["count"] as? Int == count)
                }
                // Targets are stored as offsets: "raise" moves every vertex by +5 mm in z.
                let raiseIndex = try #require(targets[0]["POSITION"])
                let raise = accessors[raiseIndex]
                #expect((raise["min"] as? [Double])?.map { Float($0) } == [0, 0, 5])
                #expect((raise["max"] as? [Double])?.map { Float($0) } == [0, 0, 5])
            }
        }
        // The base mesh still reads back whole.
        #expect(try MeshIO.import(url).vertexCount == mesh.vertexCount)
    }

    @Test func importingAMissingFileNamesIt() throws {
        let folder = try makeScratchFolder("missing")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("nothing-here.obj")
        let error = #expect(throws: FileError.self) { try MeshIO.import(url) }
        #expect(error?.path == url.path)
    }

    @Test(arguments: ["garbage.ply", "garbage.glb", "garbage.obj", "garbage.fbx", "garbage.xyz"])
    func importingGarbageThrowsNamingTheFile(name: String) throws {
        let folder = try makeScratchFolder("garbage")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: url)
        let error = #expect(throws: FileError.self) { try MeshIO.import(url) }
        #expect(error?.path == url.path)
        #expect(error.map { !$0.problem.isEmpty } ?? false)
    }

    @Test func failedExportLeavesNoTemporaryFiles() throws {
        let mesh = TestMeshes.sphere()
        let folder = try makeScratchFolder("failure")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A folder where the main file should go: the final rename must fail.
        let url = folder.appendingPathComponent("blocked.obj")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        try "keep".write(to: url.appendingPathComponent("inside.txt"), atomically: true, encoding: .utf8)
        let error = #expect(throws: FileError.self) {
            try MeshIO.export(mesh, to: url, options: MeshExportOptions(format: .obj, materials: Self.materials))
        }
        #expect(error?.path == url.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["blocked.obj"])

        // A bad mesh fails before assimp runs, and leaves nothing either.
        var bad = mesh
        bad.triangles[0] = SIMD3(0, 1, 9999)
        let good = folder.appendingPathComponent("bad.gltf")
        #expect(throws: FileError.self) { try MeshIO.export(bad, to: good, options: MeshExportOptions(format: .gltf)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["blocked.obj"])
    }

    @Test func exportReplacesAnExistingFile() throws {
        let folder = try makeScratchFolder("replace")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("mesh.glb")
        try MeshIO.export(TestMeshes.sphere(rings: 4, segments: 4), to: url, options: MeshExportOptions(format: .glb))
        try MeshIO.export(TestMeshes.sphere(), to: url, options: MeshExportOptions(format: .glb))
        #expect(try MeshIO.import(url).vertexCount == TestMeshes.sphere().vertexCount)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["mesh.glb"])
    }

    @Test func meshWithoutPartsOrUVsRoundTrips() throws {
        let mesh = TestMeshes.grid(columns: 4, rows: 3)
        let folder = try makeScratchFolder("plain")
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in MeshFormat.allCases {
            let url = folder.appendingPathComponent("plain.\(format.fileExtension)")
            try MeshIO.export(mesh, to: url, options: MeshExportOptions(format: format, materials: [MeshMaterial(name: "grey")]))
            let back = try MeshIO.import(url)
            #expect(back.vertexCount == mesh.vertexCount, "\(format)")
            #expect(back.triangleCount == mesh.triangleCount, "\(format)")
            #expect(back.partNames.isEmpty, "\(format): \(back.partNames)")
        }
    }
}
