import CBLAS
import Mesh

extension FaceModel {
    /// The vertex positions of the face with `parameters` (model frame, before head pose).
    public func vertices(_ parameters: FaceParameters = FaceParameters()) -> [SIMD3<Float>] {
        let n = vertexCount
        var flat = [Float](repeating: 0, count: 3 * n)
        for (v, p) in mesh.positions.enumerated() {
            flat[3 * v] = p.x; flat[3 * v + 1] = p.y; flat[3 * v + 2] = p.z
        }
        FaceModel.accumulate(basis: identityBasis, coefficients: parameters.identity, components: identityCount, into: &flat)
        FaceModel.accumulate(basis: expressionBasis, coefficients: parameters.expression, components: expressionCount, into: &flat)
        var out = [SIMD3<Float>](repeating: .zero, count: n)
        for v in 0..<n { out[v] = SIMD3(flat[3 * v], flat[3 * v + 1], flat[3 * v + 2]) }
        if let jaw, parameters.jaw != .zero {
            let r = Rotation(axisAngle: parameters.jaw)
            for v in 0..<n where jaw.weights[v] > 0 {
                let w = jaw.weights[v]
                let rotated = r.apply(out[v] - jaw.pivot) + jaw.pivot
                out[v] = w * rotated + (1 - w) * out[v]
            }
        }
        return out
    }

    /// The face with `parameters` as a mesh (mean mesh topology, UVs and parts; normals recomputed).
    public func instance(_ parameters: FaceParameters = FaceParameters()) -> TriangleMesh {
        var m = mesh
        m.positions = vertices(parameters)
        m.normals = m.vertexNormals()
        return m
    }

    /// The 68 landmark positions on the face with `parameters` (NaN for landmarks the model lacks).
    public func landmarkPositions(_ parameters: FaceParameters = FaceParameters()) -> [SIMD3<Float>] {
        landmarks.positions(on: vertices(parameters), triangles: mesh.triangles)
    }

    /// `flat += basis · coefficients` for a component-major basis of `components` columns (BLAS `sgemv`).
    static func accumulate(basis: [Float], coefficients: [Float], components: Int, into flat: inout [Float]) {
        let k = min(coefficients.count, components)
        guard k > 0, !flat.isEmpty else { return }
        let rows = flat.count
        basis.withUnsafeBufferPointer { b in
            coefficients.withUnsafeBufferPointer { c in
                flat.withUnsafeMutableBufferPointer { y in
                    cblas_sgemv(CblasColMajor, CblasNoTrans, Int32(rows), Int32(k), 1, b.baseAddress, Int32(rows),
                                c.baseAddress, 1, 1, y.baseAddress, 1)
                }
            }
        }
    }
}
