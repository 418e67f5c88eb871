/// Linear (midpoint) subdivision, the base for baking displacement into geometry.
extension TriangleMesh {
    /// The mesh with every triangle split into four at its edge midpoints, `levels` times.
    ///
    /// The surface keeps its shape exactly (new vertices lie on the old edges); positions and UVs
    /// are split along their own edges, so UV seams stay seams; colours are averaged onto the
    /// midpoints; each new triangle keeps its parent's part; normals are recomputed.
    public func subdivided(levels: Int = 1) -> TriangleMesh {
        var mesh = self
        for _ in 0..<max(levels, 0) { mesh = mesh.subdividedOnce() }
        return mesh
    }

    private func subdividedOnce() -> TriangleMesh {
        var positions = self.positions
        var colors = self.colors
        var uvs = self.uvs
        var edgeVertex: [UInt64: UInt32] = [:]
        var edgeUV: [UInt64: UInt32] = [:]
        func key(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(min(a, b)) << 32 | UInt64(max(a, b)) }
        func midpoint(_ a: UInt32, _ b: UInt32) -> UInt32 {
            if let m = edgeVertex[key(a, b)] { return m }
            let m = UInt32(positions.count)
            positions.append((positions[Int(a)] + positions[Int(b)]) / 2)
            if !colors.isEmpty { colors.append((colors[Int(a)] + colors[Int(b)]) / 2) }
            edgeVertex[key(a, b)] = m
            return m
        }
        func uvMidpoint(_ a: UInt32, _ b: UInt32) -> UInt32 {
            if let m = edgeUV[key(a, b)] { return m }
            let m = UInt32(uvs.count)
            uvs.append((uvs[Int(a)] + uvs[Int(b)]) / 2)
            edgeUV[key(a, b)] = m
            return m
        }
        func split(_ t: SIMD3<UInt32>, _ mid: (UInt32, UInt32) -> UInt32) -> [SIMD3<UInt32>] {
            let ab = mid(t.x, t.y), bc = mid(t.y, t.z), ca = mid(t.z, t.x)
            return [SIMD3(t.x, ab, ca), SIMD3(ab, t.y, bc), SIMD3(ca, bc, t.z), SIMD3(ab, bc, ca)]
        }
        var triangles: [SIMD3<UInt32>] = []
        triangles.reserveCapacity(4 * self.triangles.count)
        for t in self.triangles { triangles += split(t, midpoint) }
        var uvTriangles: [SIMD3<UInt32>] = []
        for t in self.uvTriangles { uvTriangles += split(t, uvMidpoint) }
        var mesh = self
        mesh.positions = positions
        mesh.colors = colors
        mesh.uvs = uvs
        mesh.triangles = triangles
        mesh.uvTriangles = uvTriangles
        mesh.triangleParts = triangleParts.flatMap { [$0, $0, $0, $0] }
        mesh.normals = mesh.vertexNormals()
        return mesh
    }
}
