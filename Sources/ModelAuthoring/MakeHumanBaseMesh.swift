import FaceAtlasCore

/// The MakeHuman hm08 base mesh as written in `base.obj`: quads with UVs, in groups
/// (`body`, `helper-l-eye`, `helper-upper-teeth`, ...). Units are decimetres, y up,
/// the figure facing +z, +x on its left.
struct MakeHumanBaseMesh {
    /// A face: vertex and UV indices (0-based) of its corners, and its group.
    struct Face {
        var vertices: [Int]
        var uvs: [Int]
        var group: String
    }

    var positions: [SIMD3<Double>] = []
    var uvs: [SIMD2<Double>] = []
    var faces: [Face] = []

    /// Parses the OBJ text of the base mesh; `source` names it in errors.
    init(objText: String, source: String) throws {
        var group = ""
        var lineNumber = 0
        for line in objText.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let tag = parts.first else { continue }
            switch tag {
            case "v":
                guard parts.count >= 4, let x = Double(parts[1]), let y = Double(parts[2]), let z = Double(parts[3]) else {
                    throw FileError(source, "bad vertex line", at: "line \(lineNumber)")
                }
                positions.append(SIMD3(x, y, z))
            case "vt":
                guard parts.count >= 3, let u = Double(parts[1]), let v = Double(parts[2]) else {
                    throw FileError(source, "bad texture-coordinate line", at: "line \(lineNumber)")
                }
                uvs.append(SIMD2(u, v))
            case "g":
                group = parts.count > 1 ? String(parts[1]) : ""
            case "f":
                var vs: [Int] = [], ts: [Int] = []
                for corner in parts.dropFirst() {
                    let fields = corner.split(separator: "/", omittingEmptySubsequences: false)
                    guard let v = Int(fields[0]), v >= 1, v <= positions.count else {
                        throw FileError(source, "face names a vertex that does not exist", at: "line \(lineNumber)")
                    }
                    vs.append(v - 1)
                    if fields.count > 1, let t = Int(fields[1]) { ts.append(t - 1) }
                }
                guard vs.count >= 3 else { throw FileError(source, "face with fewer than 3 corners", at: "line \(lineNumber)") }
                faces.append(Face(vertices: vs, uvs: ts.count == vs.count ? ts : [], group: group))
            default:
                continue
            }
        }
        guard !positions.isEmpty, !faces.isEmpty else { throw FileError(source, "no vertices or faces") }
    }
}

/// A MakeHuman morph target: a sparse list of vertex displacements (decimetres).
struct MorphTarget {
    var indices: [Int32] = []
    var deltas: [SIMD3<Double>] = []

    /// Parses target text (`index dx dy dz` per line, `#` comments).
    init(text: String, source: String, vertexCount: Int) throws {
        var lineNumber = 0
        for line in text.split(separator: "\n") {
            lineNumber += 1
            if line.hasPrefix("#") { continue }
            let p = line.split(separator: " ", omittingEmptySubsequences: true)
            if p.isEmpty { continue }
            guard p.count == 4, let i = Int32(p[0]), let dx = Double(p[1]), let dy = Double(p[2]), let dz = Double(p[3]),
                  i >= 0, Int(i) < vertexCount else {
                throw FileError(source, "bad target line '\(line.prefix(60))'", at: "line \(lineNumber)")
            }
            indices.append(i)
            deltas.append(SIMD3(dx, dy, dz))
        }
    }
}
