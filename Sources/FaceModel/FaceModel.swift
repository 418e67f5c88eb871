import Mesh

/// A 3D morphable face model: a mean face, an identity basis, an expression basis,
/// an articulated jaw, and the semantics (landmarks, regions, organs, symmetry, wrinkle
/// maps) that the rest of FaceAtlas fits, averages, renders and exports.
///
/// A face instance is
///
///     v = mean + Σₖ βₖ · identityₖ + Σⱼ ψⱼ · expressionⱼ,   then the jaw rotation,
///
/// with β in standard-deviation units and ψ as action-unit intensities (0…1) for
/// action-unit models, or standard-deviation units for statistical expression models.
/// All lengths are in millimetres, in the head frame: x towards the subject's left,
/// y up, z out of the face.
public struct FaceModel: Sendable {
    /// A short identifier, e.g. `faceatlas-default`, `sfm`, `flame`.
    public var name: String
    /// The neutral mean face with its UVs and named parts (skin, eyes, teeth, ...).
    public var mesh: TriangleMesh
    /// Identity basis, component-major: component k, vertex v, axis c at `[k·3N + 3v + c]`,
    /// in mm per standard deviation.
    public var identityBasis: [Float]
    /// The standard deviation (mm, as a norm over the whole surface) of each identity component.
    public var identityStandardDeviations: [Float]
    /// Expression basis, component-major like `identityBasis`, in mm per unit coefficient.
    public var expressionBasis: [Float]
    /// What each expression column means.
    public var expressions: [ExpressionComponent]
    /// The articulated jaw, if the model has one.
    public var jaw: Jaw?
    /// The 68 iBUG landmarks on the surface.
    public var landmarks: LandmarkEmbedding
    /// The face region (1–16, 0 = none) of each vertex.
    public var vertexRegions: [UInt8]
    /// The facial organ (1–9, 0 = none) of each vertex.
    public var vertexOrgans: [UInt8]
    /// The mirror image of each vertex (itself on the midline; −1 where unknown).
    public var symmetry: [Int32]
    /// UV-space wrinkle displacement maps for wrinkle-producing action units.
    public var wrinkleMaps: [WrinkleMap]
    /// Where the model came from (source files, versions, hashes), as free-form key–value text.
    public var provenance: [String: String]
    /// The relative strength of a fitter's sparsity prior on each expression component (1 = the fitter's
    /// base weight; larger for actions that are rare or that a still face cannot tell from identity).
    /// Empty: 1 for every component.
    public var expressionPriorWeights: [Float] = []
    /// The relative strength of the sparsity prior on the jaw opening, in AU26 units (1 = the base weight).
    public var jawPriorWeight: Float = 1
    /// MediaPipe Face Mesh's 468 points on the surface, when the model has been calibrated for them
    /// (`faceatlas model calibrate-mediapipe`); nil otherwise.
    public var denseLandmarks: SurfacePointEmbedding?

    /// The prior weight of expression component `j` (1 when the model gives none).
    public func expressionPriorWeight(_ j: Int) -> Float {
        j < expressionPriorWeights.count ? expressionPriorWeights[j] : 1
    }

    /// Creates a model; the array sizes must agree with the mesh (checked by `validate()`).
    public init(
        name: String, mesh: TriangleMesh, identityBasis: [Float], identityStandardDeviations: [Float],
        expressionBasis: [Float], expressions: [ExpressionComponent], jaw: Jaw?, landmarks: LandmarkEmbedding,
        vertexRegions: [UInt8], vertexOrgans: [UInt8], symmetry: [Int32], wrinkleMaps: [WrinkleMap] = [],
        provenance: [String: String] = [:]
    ) {
        self.name = name
        self.mesh = mesh
        self.identityBasis = identityBasis
        self.identityStandardDeviations = identityStandardDeviations
        self.expressionBasis = expressionBasis
        self.expressions = expressions
        self.jaw = jaw
        self.landmarks = landmarks
        self.vertexRegions = vertexRegions
        self.vertexOrgans = vertexOrgans
        self.symmetry = symmetry
        self.wrinkleMaps = wrinkleMaps
        self.provenance = provenance
    }

    /// Number of vertices.
    public var vertexCount: Int { mesh.vertexCount }
    /// Number of identity components.
    public var identityCount: Int { identityStandardDeviations.count }
    /// Number of expression components.
    public var expressionCount: Int { expressions.count }

    /// The index of the expression component called `name`, or reached by the alias `name`.
    public func expressionIndex(named name: String) -> Int? {
        let key = name.lowercased()
        return expressions.firstIndex { $0.name.lowercased() == key }
            ?? expressions.firstIndex { $0.aliases.contains { $0.lowercased() == key } }
    }

    /// Every expression component called `name`, or carrying `name` among its aliases
    /// (an ARKit name such as `browInnerUp` may drive both the left and right components).
    public func expressionIndices(named name: String) -> [Int] {
        let key = name.lowercased()
        if let exact = expressions.firstIndex(where: { $0.name.lowercased() == key }) { return [exact] }
        return expressions.indices.filter { expressions[$0].aliases.contains { $0.lowercased() == key } }
    }

    /// Checks that every array agrees with the mesh; throws a description of the first mismatch.
    public func validate() throws {
        let n = vertexCount
        func check(_ ok: Bool, _ what: String) throws {
            if !ok { throw FaceModelError.inconsistent(what) }
        }
        try check(n > 0, "the model has no vertices")
        try check(identityBasis.count == identityCount * 3 * n, "identity basis holds \(identityBasis.count) values, not \(identityCount)×\(n)×3")
        try check(expressionBasis.count == expressionCount * 3 * n, "expression basis holds \(expressionBasis.count) values, not \(expressionCount)×\(n)×3")
        try check(vertexRegions.count == n, "vertex regions: \(vertexRegions.count) entries for \(n) vertices")
        try check(vertexOrgans.count == n, "vertex organs: \(vertexOrgans.count) entries for \(n) vertices")
        try check(symmetry.count == n, "symmetry map: \(symmetry.count) entries for \(n) vertices")
        try check(landmarks.triangles.count == LandmarkEmbedding.count, "\(landmarks.triangles.count) landmarks, not 68")
        try check(landmarks.triangles.allSatisfy { $0 < mesh.triangleCount }, "a landmark names a triangle beyond the mesh")
        try check(mesh.triangles.allSatisfy { $0.max() < UInt32(n) }, "a triangle names a vertex beyond the mesh")
        try check(symmetry.allSatisfy { $0 < n }, "the symmetry map names a vertex beyond the mesh")
        if let jaw { try check(jaw.weights.count == n, "jaw weights: \(jaw.weights.count) entries for \(n) vertices") }
        for c in landmarks.contourCandidates { try check(c.allSatisfy { $0 < n }, "a contour candidate names a vertex beyond the mesh") }
        try check(expressionPriorWeights.isEmpty || expressionPriorWeights.count == expressionCount,
                  "expression prior weights: \(expressionPriorWeights.count) entries for \(expressionCount) components")
        try check((expressionPriorWeights + [jawPriorWeight]).allSatisfy { $0.isFinite && $0 >= 0 }, "a prior weight is negative or not finite")
        if let dense = denseLandmarks {
            try check(dense.triangles.allSatisfy { $0 >= -1 && $0 < mesh.triangleCount }, "a dense landmark names a triangle beyond the mesh")
            try check(dense.spread.allSatisfy { $0.isFinite && $0 >= 0 }, "a dense landmark's spread is negative or not finite")
        }
    }
}

/// A model that does not hold together.
public enum FaceModelError: Error, CustomStringConvertible, Sendable {
    /// Arrays that should agree in size or range do not.
    case inconsistent(String)
    /// A coefficient name that the model does not know.
    case unknownComponent(String)

    public var description: String {
        switch self {
        case .inconsistent(let what): "inconsistent model: \(what)"
        case .unknownComponent(let name): "the model has no expression component or alias called \(name)"
        }
    }
}
