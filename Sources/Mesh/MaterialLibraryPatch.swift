import FaceAtlasCore
import Foundation

/// Completes the `.mtl` file that assimp's OBJ writer produced, before it is moved into place.
///
/// assimp 5.2.5's MTL writer (`ObjExporter::WriteMaterialFile`) writes `Kd`, `map_Kd`, and, for
/// the height map, *else* the normal map, the two lines `bump FILE` and `map_bump FILE`. It
/// cannot write a second bump-like map, nor a displacement map. So, per material (the `n`-th
/// `newmtl` block is material `n`, in the order given):
/// - `map_bump` is spelled `map_Bump`, as Blender's reader (case-sensitive) and most others expect;
/// - `bump`/`map_Bump` name `bumpMap`, else `normalMap` (added if assimp left them out);
/// - `norm FILE` is added for `normalMap` (the MTL PBR extension's normal-map key, read by
///   tinyobjloader and three.js; Blender and MeshLab ignore it);
/// - `disp FILE` is added for `displacementMap`;
/// - `map_Kd FILE` is added for `diffuseMap` if assimp left it out.
enum MaterialLibraryPatch {
    /// Rewrites the MTL file at `url` in place; errors name `reportAs` (the file being exported).
    static func apply(to url: URL, materials: [MeshMaterial], reportAs destination: URL) throws {
        guard !materials.isEmpty else { return }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw FileError(destination, "cannot read the material library assimp wrote: \(error.localizedDescription)")
        }
        let patched = patch(text, materials: materials)
        guard patched != text else { return }
        do {
            try patched.write(to: url, atomically: false, encoding: .utf8)
        } catch {
            throw FileError(destination, "cannot complete the material library: \(error.localizedDescription)")
        }
    }

    /// The lines a material needs in its `newmtl` block.
    static func requiredLines(for m: MeshMaterial) -> [String] {
        var lines: [String] = []
        if let d = m.diffuseMap { lines.append("map_Kd \(d)") }
        if let b = m.bumpMap ?? m.normalMap { lines += ["bump \(b)", "map_Bump \(b)"] }
        if let n = m.normalMap { lines.append("norm \(n)") }
        if let p = m.displacementMap { lines.append("disp \(p)") }
        return lines
    }

    /// `text` with every material block completed (see the type's notes).
    static func patch(_ text: String, materials: [MeshMaterial]) -> String {
        var blocks: [[String]] = [[]]  // blocks[0]: the header before the first newmtl
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if line.hasPrefix("map_bump ") { line = "map_Bump " + line.dropFirst("map_bump ".count) }
            if line.hasPrefix("newmtl ") { blocks.append([]) }
            blocks[blocks.count - 1].append(line)
        }
        for b in 1..<max(blocks.count, 1) where b - 1 < materials.count || materials.count == 1 {
            let material = materials.count == 1 ? materials[0] : materials[b - 1]
            var block = blocks[b]
            // Insert before the block's trailing blank lines.
            var end = block.count
            while end > 1 && block[end - 1].trimmingCharacters(in: .whitespaces).isEmpty { end -= 1 }
            let present = Set(block.map { $0.trimmingCharacters(in: .whitespaces) })
            let missing = requiredLines(for: material).filter { !present.contains($0) }
            block.insert(contentsOf: missing, at: end)
            blocks[b] = block
        }
        return blocks.flatMap { $0 }.joined(separator: "\n")
    }
}
