import AssimpBridge
import FaceAtlasCore
import Foundation

/// Reads and writes triangle meshes in common 3D formats through assimp (Open Asset Import Library).
///
/// **Export** builds an assimp scene (one mesh and one node per part, named after the part, with
/// its material) and hands it to `Assimp::Exporter`. assimp stores one UV per vertex, so a vertex
/// with different UVs in different triangles (a UV seam) is duplicated, as is a vertex on the
/// border of two parts. Formats with a separate UV index (OBJ, FBX) share positions again in the file.
///
/// **Import** reads any file assimp understands (`aiProcess_Triangulate |
/// aiProcess_JoinIdenticalVertices`, no reordering), merges all meshes (applying node
/// transforms), names parts after the meshes (or their nodes, or materials), and re-joins
/// vertices that have the same position, normal and colour: those that were split only for
/// UV seams or part borders. Importing an exported mesh gives back its vertex and triangle
/// counts in every format (the vertex order may differ: OBJ orders positions as it meets
/// them). UVs come back de-duplicated by value. A file with a single part gives a mesh
/// without parts. STL is joined by position alone, and gives no normals (STL's are per facet).
/// Distinct vertices that coincide exactly (same position, normal and colour) are joined too;
/// assimp's OBJ writer already merges vertices with the same position and colour.
public enum MeshIO {
    /// Writes `mesh` to `url` in `options.format`, atomically.
    ///
    /// assimp writes the files itself (OBJ also writes a `.mtl` named after the `.obj`, glTF a
    /// `.bin` named after the `.gltf`), so they are written into a fresh hidden folder beside
    /// `url` under their final names, then each is renamed into place (the main file last), and
    /// the folder removed. A failure leaves no temporary files behind and the destination as it was.
    ///
    /// - Throws: `FileError` naming `url`, with assimp's message when assimp fails.
    public static func export(_ mesh: TriangleMesh, to url: URL, options: MeshExportOptions) throws {
        try validate(mesh, options: options, url: url)
        let format = options.format
        let withColors = options.includeColors && format.carriesColors && !mesh.colors.isEmpty
        let formatID = format.assimpFormatID(withColors: withColors)
        guard availableExportFormats.contains(formatID) else {
            throw FileError(url, "this assimp cannot write \(format.rawValue) (no \"\(formatID)\" exporter; it has \(availableExportFormats.joined(separator: ", ")))")
        }

        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        try AtomicFile.createFolder(folder)
        let staging = folder.appendingPathComponent(
            ".\(url.lastPathComponent).export-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))",
            isDirectory: true)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw FileError(url, "cannot create a temporary folder beside it: \(error.localizedDescription)")
        }
        defer { try? fm.removeItem(at: staging) }

        let stagedFile = staging.appendingPathComponent(url.lastPathComponent)
        try runExporter(mesh, formatID: formatID, to: stagedFile, options: options, withColors: withColors, reportAs: url)

        if format == .obj {
            let library = stagedFile.deletingPathExtension().appendingPathExtension("mtl")
            if fm.fileExists(atPath: library.path) {
                try MaterialLibraryPatch.apply(to: library, materials: options.materials, reportAs: url)
            }
        }

        // Sidecars first, the main file last: a reader that sees the main file finds its sidecars.
        let produced: [String]
        do {
            produced = try fm.contentsOfDirectory(atPath: staging.path)
        } catch {
            throw FileError(url, "cannot list the exported files: \(error.localizedDescription)")
        }
        guard produced.contains(url.lastPathComponent) else {
            throw FileError(url, "assimp reported success but wrote no \(url.lastPathComponent)")
        }
        let ordered = produced.filter { $0 != url.lastPathComponent }.sorted() + [url.lastPathComponent]
        // rename(2) cannot replace a folder: find that out before moving anything.
        for name in ordered {
            var isDirectory: ObjCBool = false
            let to = folder.appendingPathComponent(name)
            if fm.fileExists(atPath: to.path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw FileError(to, "cannot replace it with the exported file: it is a folder")
            }
        }
        for name in ordered {
            let from = staging.appendingPathComponent(name), to = folder.appendingPathComponent(name)
            if rename(from.path, to.path) != 0 {
                let reason = String(cString: strerror(errno))
                throw FileError(to, "cannot move the exported file into place: \(reason)")
            }
        }
    }

    /// Reads the mesh in the file at `url` (any format assimp reads; see the type's notes).
    ///
    /// - Throws: `FileError` naming the file when it is missing, unreadable, not a format assimp
    ///   knows, corrupt, or holds no triangles.
    public static func `import`(_ url: URL) throws -> TriangleMesh {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw FileError.missing(url)
        }
        guard !isDirectory.boolValue else { throw FileError(url, "is a folder, not a mesh file") }
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw FileError(url, "cannot read: permission denied") }

        let joinByNormal = MeshFormat(fileExtension: url.pathExtension)?.carriesVertexNormals ?? true
        var error = [CChar](repeating: 0, count: 1024)
        let result = url.path.withCString { path in
            fa_assimp_import(path, joinByNormal ? 1 : 0, &error, Int32(error.count))
        }
        guard let result else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FileError(url, "cannot read a mesh from it (assimp): \(message.isEmpty ? "unknown error" : message)")
        }
        defer { fa_import_result_free(result) }
        return makeMesh(result.pointee)
    }

    /// The ids of the export formats this assimp offers (e.g. `"obj"`, `"plyb"`, `"gltf2"`).
    public static var availableExportFormats: [String] {
        (0..<fa_assimp_export_format_count()).compactMap { i in
            fa_assimp_export_format_id(i).map { String(cString: $0) }
        }
    }

    // MARK: - Export internals

    private static func validate(_ mesh: TriangleMesh, options: MeshExportOptions, url: URL) throws {
        let nv = mesh.vertexCount, nt = mesh.triangleCount
        func fail(_ problem: String) -> FileError { FileError(url, "cannot export: \(problem)") }
        if nt == 0 { throw fail("the mesh has no triangles") }
        if !mesh.uvTriangles.isEmpty && mesh.uvTriangles.count != nt {
            throw fail("\(mesh.uvTriangles.count) UV triangles for \(nt) triangles")
        }
        if !mesh.normals.isEmpty && mesh.normals.count != nv { throw fail("\(mesh.normals.count) normals for \(nv) vertices") }
        if !mesh.colors.isEmpty && mesh.colors.count != nv { throw fail("\(mesh.colors.count) colours for \(nv) vertices") }
        if !mesh.triangleParts.isEmpty {
            if mesh.triangleParts.count != nt { throw fail("\(mesh.triangleParts.count) part indices for \(nt) triangles") }
            let parts = mesh.partNames.count
            let materials = options.materials.count
            if materials > 1 && materials != parts {
                throw fail("\(materials) materials for \(parts) parts: give one material per part, or one for all")
            }
        } else if options.materials.count > 1 {
            throw fail("\(options.materials.count) materials for a mesh without parts: give one")
        }
        for (name, positions) in options.morphTargets where positions.count != nv {
            throw fail("morph target \"\(name)\" has \(positions.count) positions for \(nv) vertices")
        }
    }

    private static func runExporter(
        _ mesh: TriangleMesh, formatID: String, to file: URL, options: MeshExportOptions, withColors: Bool, reportAs url: URL
    ) throws {
        let positions = flatten(mesh.positions)
        let triangles = flatten(mesh.triangles)
        let uvs = mesh.uvs.flatMap { [$0.x, $0.y] }
        let uvTriangles = flatten(mesh.uvTriangles)
        let normalsSource = options.includeNormals ? (mesh.normals.isEmpty ? mesh.vertexNormals() : mesh.normals) : []
        let normals = flatten(normalsSource)
        let colors = withColors ? flatten(mesh.colors) : []
        let hasParts = !mesh.triangleParts.isEmpty
        let partNames = hasParts ? mesh.partNames : []
        let targets = options.format.carriesMorphTargets ? options.morphTargets : []
        let targetPositions = targets.map { flatten($0.positions) }
        let materials = options.materials
        var error = [CChar](repeating: 0, count: 1024)

        let status: Int32 = withCStrings(partNames) { partNamePointers in
            withCStrings(targets.map(\.name)) { targetNamePointers in
                withCMaterials(materials) { cMaterials in
                    positions.withUnsafeBufferPointer { p in
                    triangles.withUnsafeBufferPointer { t in
                    uvs.withUnsafeBufferPointer { uv in
                    uvTriangles.withUnsafeBufferPointer { ut in
                    normals.withUnsafeBufferPointer { n in
                    colors.withUnsafeBufferPointer { c in
                    mesh.triangleParts.withUnsafeBufferPointer { parts in
                        withPointers(targetPositions) { targetPointers in
                            var cMesh = fa_export_mesh(
                                positions: p.baseAddress, vertex_count: Int32(mesh.vertexCount),
                                triangles: t.baseAddress, triangle_count: Int32(mesh.triangleCount),
                                uvs: mesh.hasUVs ? uv.baseAddress : nil, uv_count: Int32(mesh.uvs.count),
                                uv_triangles: mesh.hasUVs ? ut.baseAddress : nil,
                                normals: normals.isEmpty ? nil : n.baseAddress,
                                colors: colors.isEmpty ? nil : c.baseAddress,
                                triangle_parts: hasParts ? parts.baseAddress : nil,
                                part_names: partNamePointers.baseAddress, part_count: Int32(partNames.count))
                            var cTargets = zip(targetNamePointers, targetPointers).map { name, positions in
                                fa_morph_target(name: name, positions: positions)
                            }
                            return cTargets.withUnsafeMutableBufferPointer { tg in
                                formatID.withCString { id in
                                    file.path.withCString { path in
                                        fa_assimp_export(
                                            &cMesh, cMaterials.baseAddress, Int32(cMaterials.count),
                                            tg.baseAddress, Int32(tg.count), id, path,
                                            options.includeNormals ? 1 : 0, withColors ? 1 : 0,
                                            &error, Int32(error.count))
                                    }
                                }
                            }
                        }
                    }}}}}}}
                }
            }
        }
        if status != 0 {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FileError(url, "assimp cannot write it as \(formatID): \(message.isEmpty ? "unknown error" : message)")
        }
    }

    // MARK: - Import internals

    private static func makeMesh(_ r: fa_import_result) -> TriangleMesh {
        let nv = Int(r.vertex_count), nt = Int(r.triangle_count), nuv = Int(r.uv_count)
        func vec3<T>(_ p: UnsafeMutablePointer<T>?, _ n: Int) -> [SIMD3<T>] {
            guard let p else { return [] }
            return (0..<n).map { SIMD3(p[3 * $0], p[3 * $0 + 1], p[3 * $0 + 2]) }
        }
        var mesh = TriangleMesh(positions: vec3(r.positions, nv), triangles: vec3(r.triangles, nt))
        mesh.normals = vec3(r.normals, nv)
        mesh.colors = vec3(r.colors, nv)
        if let uvs = r.uvs, r.uv_triangles != nil {
            mesh.uvs = (0..<nuv).map { SIMD2(uvs[2 * $0], uvs[2 * $0 + 1]) }
            mesh.uvTriangles = vec3(r.uv_triangles, nt)
        }
        if r.part_count > 1, let parts = r.triangle_parts, let names = r.part_names {
            mesh.triangleParts = Array(UnsafeBufferPointer(start: parts, count: nt))
            mesh.partNames = (0..<Int(r.part_count)).map { i in
                let name = names[i].map { String(cString: $0) } ?? ""
                return name.isEmpty ? "part\(i)" : name
            }
        }
        return mesh
    }

    // MARK: - C interop helpers

    private static func flatten<T>(_ v: [SIMD3<T>]) -> [T] {
        var out = [T]()
        out.reserveCapacity(v.count * 3)
        for e in v { out.append(e.x); out.append(e.y); out.append(e.z) }
        return out
    }

    /// Calls `body` with NUL-terminated copies of `strings` that live for the call.
    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafeBufferPointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the base addresses of `arrays`, valid for the call.
    private static func withPointers<R>(_ arrays: [[Float]], _ body: ([UnsafePointer<Float>?]) -> R) -> R {
        func recurse(_ index: Int, _ acc: [UnsafePointer<Float>?]) -> R {
            if index == arrays.count { return body(acc) }
            return arrays[index].withUnsafeBufferPointer { recurse(index + 1, acc + [$0.baseAddress]) }
        }
        return recurse(0, [])
    }

    private static func withCMaterials<R>(_ materials: [MeshMaterial], _ body: (UnsafeBufferPointer<fa_export_material>) -> R) -> R {
        var allocated: [UnsafeMutablePointer<CChar>?] = []
        defer { allocated.forEach { free($0) } }
        func c(_ s: String?) -> UnsafePointer<CChar>? {
            guard let s else { return nil }
            let p = strdup(s)
            allocated.append(p)
            return UnsafePointer(p)
        }
        let cMaterials = materials.map { m in
            fa_export_material(
                name: c(m.name), diffuse: (m.diffuseColor.x, m.diffuseColor.y, m.diffuseColor.z),
                diffuse_map: c(m.diffuseMap), normal_map: c(m.normalMap), bump_map: c(m.bumpMap),
                displacement_map: c(m.displacementMap))
        }
        return cMaterials.withUnsafeBufferPointer(body)
    }
}
