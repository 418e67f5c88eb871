import FaceModel
import Foundation

/// What `faceatlas model info` prints: the model's size and meaning, as text or JSON.
struct ModelSummary: Codable {
    struct Component: Codable { var name: String; var actionUnit: Int?; var side: String; var summary: String; var aliases: [String] }
    struct Jaw: Codable { var pivot: [Float]; var jawDropDegrees: Float; var mouthStretchDegrees: Float; var weightedVertices: Int }
    struct Region: Codable { var number: Int; var name: String; var vertices: Int }
    struct Organ: Codable { var number: Int; var name: String; var landmarks: [Int]; var vertices: Int }
    struct Wrinkle: Codable { var actionUnit: Int; var summary: String; var millimetresPerUnit: Float; var pngBytes: Int }

    var path: String
    var id: String
    var name: String
    var units: String
    var vertices: Int
    var triangles: Int
    var uvs: Int
    var parts: [String: Int]
    var boundingBoxMillimetres: [Float]
    var identityComponents: Int
    var identityStandardDeviations: [Float]
    var expressionComponents: Int
    var actionUnits: [String]
    var expressions: [Component]
    var jaw: Jaw?
    var landmarks: Int
    var landmarksDefined: Int
    var contourCandidates: [Int]
    /// MediaPipe Face Mesh points embedded on the surface (0: none; `faceatlas model calibrate-mediapipe`).
    var denseLandmarks: Int
    var regions: [Region]
    var organs: [Organ]
    var symmetricVertices: Int
    var wrinkleMaps: [Wrinkle]
    var provenance: [String: String]

    init(model: FaceModel, meta: FaceModelFile.Meta, path: String) {
        let mesh = model.mesh
        self.path = path
        id = meta.id
        name = model.name
        units = meta.units
        vertices = model.vertexCount
        triangles = mesh.triangleCount
        uvs = mesh.uvs.count
        var parts: [String: Int] = [:]
        for p in mesh.triangleParts { parts[mesh.partNames[Int(p)], default: 0] += 1 }
        self.parts = parts
        let b = mesh.bounds
        boundingBoxMillimetres = [b.max.x - b.min.x, b.max.y - b.min.y, b.max.z - b.min.z]
        identityComponents = model.identityCount
        identityStandardDeviations = model.identityStandardDeviations
        expressionComponents = model.expressionCount
        var labels: [String] = []
        for e in model.expressions where !labels.contains(e.facsLabel) { labels.append(e.facsLabel) }
        if model.jaw != nil { labels += ["AU26", "AU27"] }
        actionUnits = labels.sorted { (Int($0.dropFirst(2)) ?? 999, $0) < (Int($1.dropFirst(2)) ?? 999, $1) }
        expressions = model.expressions.map { Component(name: $0.name, actionUnit: $0.actionUnit, side: $0.side.rawValue, summary: $0.summary, aliases: $0.aliases) }
        jaw = model.jaw.map { Jaw(pivot: [$0.pivot.x, $0.pivot.y, $0.pivot.z], jawDropDegrees: $0.jawDropDegrees,
                                  mouthStretchDegrees: $0.mouthStretchDegrees, weightedVertices: $0.weights.filter { $0 > 0 }.count) }
        landmarks = LandmarkEmbedding.count
        landmarksDefined = (0..<LandmarkEmbedding.count).filter { model.landmarks.isDefined($0) }.count
        contourCandidates = model.landmarks.contourCandidates.map(\.count)
        denseLandmarks = model.denseLandmarks.map { e in (0..<e.count).filter(e.isDefined).count } ?? 0
        regions = FaceRegion.allCases.map { r in Region(number: r.rawValue, name: r.name, vertices: model.vertexRegions.filter { Int($0) == r.rawValue }.count) }
        organs = FacialOrgan.allCases.map { o in Organ(number: o.rawValue, name: o.name, landmarks: Array(o.landmarks), vertices: model.vertexOrgans.filter { Int($0) == o.rawValue }.count) }
        symmetricVertices = model.symmetry.filter { $0 >= 0 }.count
        wrinkleMaps = model.wrinkleMaps.map { Wrinkle(actionUnit: $0.actionUnit, summary: $0.summary, millimetresPerUnit: $0.millimetresPerUnit, pngBytes: $0.png.count) }
        provenance = meta.provenance
    }

    var text: String {
        var lines: [String] = []
        lines.append("\(name)  (\(id))")
        lines.append("  file        \(path)")
        lines.append("  mesh        \(vertices) vertices, \(triangles) triangles, \(uvs) UVs; parts: " + parts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("  size        " + boundingBoxMillimetres.map { String(format: "%.0f", $0) }.joined(separator: " × ") + " \(units)")
        let rms = identityStandardDeviations.prefix(5).map { $0 / Float(max(vertices, 1)).squareRoot() }
        lines.append("  identity    \(identityComponents) components; one SD moves a vertex by (RMS) " + rms.map { String(format: "%.1f", $0) }.joined(separator: ", ") + " mm for the first five")
        lines.append("  expression  \(expressionComponents) components: " + expressions.map(\.name).joined(separator: " "))
        lines.append("  action units " + actionUnits.joined(separator: " "))
        if let jaw {
            lines.append("  jaw         pivot (" + jaw.pivot.map { String(format: "%.1f", $0) }.joined(separator: ", ") + ") mm; AU26 \(jaw.jawDropDegrees)°, AU27 \(jaw.mouthStretchDegrees)°; \(jaw.weightedVertices) weighted vertices")
        } else {
            lines.append("  jaw         none")
        }
        lines.append("  landmarks   \(landmarksDefined) of \(landmarks) iBUG points; jawline candidates per contour point: " + contourCandidates.map(String.init).joined(separator: " "))
        lines.append("  dense       " + (denseLandmarks > 0 ? "\(denseLandmarks) of 468 MediaPipe Face Mesh points embedded (MediaPipe landmarks are fitted densely)"
                                                             : "no MediaPipe Face Mesh embedding (faceatlas model calibrate-mediapipe)"))
        lines.append("  regions     " + regions.map { "\($0.number) \($0.name) (\($0.vertices))" }.joined(separator: ", "))
        lines.append("  organs      " + organs.map { "\($0.number) \($0.name) [\($0.landmarks.first!)–\($0.landmarks.last!)] (\($0.vertices))" }.joined(separator: ", "))
        lines.append("  symmetry    \(symmetricVertices) of \(vertices) vertices have a mirror")
        lines.append("  wrinkles    " + (wrinkleMaps.isEmpty ? "none" : wrinkleMaps.map { "AU\($0.actionUnit) \($0.summary)" }.joined(separator: "; ")))
        for (k, v) in provenance.sorted(by: { $0.key < $1.key }) { lines.append("  \(k.padding(toLength: max(11, k.count), withPad: " ", startingAt: 0)) \(v)") }
        return lines.joined(separator: "\n")
    }
}
