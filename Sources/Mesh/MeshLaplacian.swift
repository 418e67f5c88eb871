import EigenBridge

/// The Laplace–Beltrami operator of a triangle mesh, for smoothing fields over the surface
/// and for harmonic interpolation (wrinkle falloff, skinning weights), solved with Eigen's
/// sparse LDLT factorisation.
///
/// The Laplacian `L` is positive semi-definite (`L_ij = -w_ij` on each edge, `L_ii = Σ_j w_ij`).
/// With `.uniform` weighting every edge weighs 1 and the mass matrix `M` is the identity; with
/// `.cotangent` weighting `w_ij = (cot α + cot β) / 2` over the two angles opposite the edge,
/// each negative cotangent (obtuse angle) clamped to 0, and `M` is the lumped (barycentric)
/// mass: a third of the area of the triangles around each vertex. Degenerate triangles add
/// nothing, and every edge keeps a tiny positive weight so that connectivity is kept.
public struct MeshLaplacian: Sendable {
    /// How edges are weighted.
    public enum Weighting: Sendable, CaseIterable {
        /// Every edge weighs 1 (the graph Laplacian); the mass matrix is the identity.
        case uniform
        /// Cotangent weights (negative cotangents clamped to 0) with the lumped mass matrix.
        case cotangent
    }

    /// A failure to set up or solve a system: bad input (an index out of range, a length that
    /// does not match the vertex count, a value that is not finite) or a failed factorisation.
    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        /// What went wrong.
        public var message: String
        /// Creates a failure with `message`.
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// The edge weighting.
    public let weighting: Weighting
    /// The number of vertices (the mesh's).
    public let vertexCount: Int
    private let triangles: [UInt32]
    private let vertices: [Double]

    /// Prepares the Laplacian of `mesh` (its triangles and positions are copied; the system
    /// is assembled and factorised at each solve).
    public init(mesh: TriangleMesh, weighting: Weighting = .cotangent) {
        self.weighting = weighting
        vertexCount = mesh.vertexCount
        var t = [UInt32]()
        t.reserveCapacity(mesh.triangleCount * 3)
        for tri in mesh.triangles { t += [tri.x, tri.y, tri.z] }
        triangles = t
        var v = [Double]()
        v.reserveCapacity(mesh.vertexCount * 3)
        for p in mesh.positions { v += [Double(p.x), Double(p.y), Double(p.z)] }
        vertices = v
    }

    private var cWeighting: Int32 {
        switch weighting {
        case .uniform: Int32(FA_WEIGHTING_UNIFORM)
        case .cotangent: Int32(FA_WEIGHTING_COTANGENT)
        }
    }

    /// Implicit (backward Euler) smoothing: solves `(M + λ L) x = M b` for each field `b`.
    ///
    /// - Parameters:
    ///   - values: one column per field, each `vertexCount` long (e.g. `[xs, ys, zs]` to smooth positions).
    ///   - lambda: the strength, ≥ 0; 0 returns the values unchanged. With cotangent weighting it is a
    ///     diffusion time in mm² (features much smaller than √λ mm are smoothed away); with uniform
    ///     weighting it is a number of neighbour-averaging steps, roughly.
    /// - Returns: the smoothed fields, in the same layout. Vertices in no triangle keep their values.
    ///   The `M`-weighted mean of each field is kept (the plain mean for uniform weighting).
    /// - Throws: `MeshLaplacian.Failure` for a column of the wrong length, a non-finite value, a
    ///   triangle index out of range, or a failed factorisation.
    public func smooth(_ values: [[Double]], strength lambda: Double) throws -> [[Double]] {
        for (k, column) in values.enumerated() where column.count != vertexCount {
            throw Failure("field \(k) has \(column.count) values for \(vertexCount) vertices")
        }
        guard !values.isEmpty, vertexCount > 0 else { return values }
        var flat = [Double]()
        flat.reserveCapacity(values.count * vertexCount)
        for column in values { flat += column }
        var error = [CChar](repeating: 0, count: 512)
        let status = fa_laplacian_smooth(
            triangles, Int32(triangles.count / 3), vertices, Int32(vertexCount), cWeighting, lambda,
            &flat, Int32(values.count), &error, Int32(error.count))
        guard status == 0 else { throw Failure(Self.message(error)) }
        return (0..<values.count).map { k in Array(flat[(k * vertexCount)..<((k + 1) * vertexCount)]) }
    }

    /// The harmonic field with the given fixed values: solves `L x = 0` at the free vertices.
    ///
    /// The result interpolates smoothly between the fixed values and stays within their range
    /// (always for uniform weighting; for cotangent weighting on meshes without obtuse angles,
    /// which the clamping makes nearly so), e.g. 1 at a wrinkle's line and 0 at its border for a
    /// falloff, or 1 on a bone's vertices and 0 on the others' for a skinning weight.
    ///
    /// - Parameters:
    ///   - fixed: values at constrained vertices (at least one).
    ///   - vertexCount: the length of the result; defaults to the mesh's vertex count. A larger
    ///     count adds vertices in no triangle (they take their fixed value, or 0).
    /// - Returns: one value per vertex. A fixed vertex in no triangle takes its value; a free vertex
    ///   whose connected part of the mesh has no fixed vertex (or that is in no triangle) gets 0.
    /// - Throws: `MeshLaplacian.Failure` when nothing is fixed, an index is out of range, a value is
    ///   not finite, or the solve fails.
    public func harmonicField(fixed: [Int: Double], vertexCount: Int? = nil) throws -> [Double] {
        let n = vertexCount ?? self.vertexCount
        guard n >= 0 else { throw Failure("negative vertex count \(n)") }
        guard n <= Int(Int32.max) else { throw Failure("too many vertices (\(n))") }
        var verts = Array(vertices.prefix(3 * n))
        if verts.count < 3 * n { verts += [Double](repeating: 0, count: 3 * n - verts.count) }
        let entries = fixed.sorted { $0.key < $1.key }
        for (i, _) in entries where i < 0 || i >= n {
            throw Failure("fixed vertex \(i) is out of range (there are \(n) vertices)")
        }
        let indices = entries.map { Int32($0.key) }
        let values = entries.map(\.value)
        var out = [Double](repeating: 0, count: n)
        var error = [CChar](repeating: 0, count: 512)
        let status = fa_harmonic_field(
            triangles, Int32(triangles.count / 3), verts, Int32(n), cWeighting, indices, values, Int32(entries.count),
            &out, &error, Int32(error.count))
        guard status == 0 else { throw Failure(Self.message(error)) }
        return out
    }

    private static func message(_ buffer: [CChar]) -> String {
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "unknown error in the Laplacian solver" : text
    }
}
