import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Mesh
import Render

/// Exports a reference face for teaching: the mesh through assimp, with wrinkle detail as PNG maps
/// or baked into a subdivided mesh, an optional biomarker overlay (vertex colours, and a colour
/// texture for OBJ) with its legend, and optionally the expression over time (glTF morph targets,
/// or an OBJ per frame).
public struct ReferenceExport: Sendable {
    /// How wrinkle detail is carried.
    public enum Detail: String, Sendable, CaseIterable {
        /// Displacement moved into a twice-subdivided mesh (for formats without maps: STL, PLY).
        case baked
        /// A 16-bit displacement map, a normal map and a colour map referenced by the material (OBJ/MTL, glTF).
        case maps
        /// The mesh alone.
        case none
    }

    /// Which face is exported.
    public enum Expression: String, Sendable, CaseIterable {
        case peak, neutral
    }

    public var format: MeshFormat
    public var detail: Detail = .maps
    public var expression: Expression = .peak
    public var overlay: BiomarkerOverlay.Kind?
    /// Export the mean expression over time as well (glTF/GLB morph targets; an OBJ per frame otherwise).
    public var sequence = false
    /// Side of the colour map baked for OBJ (the detail maps keep the model's wrinkle-map size).
    public var textureSize = 1024

    public init(format: MeshFormat) {
        self.format = format
    }

    /// Writes the export to `url` (plus its maps and sidecars beside it); returns every file written.
    public func write(_ reference: ReferenceFace, atlas: Atlas, model: FaceModel, to url: URL) throws -> [URL] {
        let parameters = expression == .peak ? reference.peakParameters : reference.neutralParameters
        let stem = url.deletingPathExtension().lastPathComponent
        let folder = url.deletingLastPathComponent()
        var written: [URL] = []
        func sibling(_ suffix: String) -> URL { folder.appendingPathComponent("\(stem)_\(suffix)") }

        var mesh = model.instance(parameters)
        var colors = FaceAppearance.colors(for: model)
        if let overlay {
            let o = try BiomarkerOverlay(overlay, atlas: atlas, reference: reference, model: model)
            colors = o.colors(over: colors)
            let legend = sibling("legend.png")
            try PNG.write(o.legend(), to: legend)
            written.append(legend)
        }
        mesh.colors = colors
        let wrinkles = detail == .none ? nil : try WrinkleDetail(model: model, parameters: parameters)

        var materials = mesh.partNames.map { MeshMaterial(name: $0, diffuseColor: FaceRendering.partColor($0)) }
        let skin = mesh.partNames.firstIndex(of: "skin")
        if detail == .baked, let wrinkles {
            mesh = wrinkles.baked(into: mesh, levels: 2)
        }
        if format == .obj || (format.carriesParts && detail == .maps) {
            // OBJ readers ignore vertex colours, so the colours also go into a texture (map_Kd).
            let diffuse = sibling("diffuse.png")
            try PNG.write(TextureBaker.bake(mesh, colors: mesh.colors, size: textureSize), to: diffuse)
            written.append(diffuse)
            for i in materials.indices { materials[i].diffuseMap = diffuse.lastPathComponent; materials[i].diffuseColor = .one }
        }
        if detail == .maps, let wrinkles, let skin {
            let displacement = sibling("displacement.png")
            try PNG.write(wrinkles.displacementMap(), to: displacement)
            written.append(displacement)
            materials[skin].bumpMap = displacement.lastPathComponent
            materials[skin].displacementMap = displacement.lastPathComponent
            if let normals = try wrinkles.normalMap() {
                let normal = sibling("normal.png")
                try PNG.write(normals, to: normal)
                written.append(normal)
                materials[skin].normalMap = normal.lastPathComponent
            }
        }

        var options = MeshExportOptions(format: format, materials: materials)
        if sequence && format.carriesMorphTargets {
            options.morphTargets = (0..<reference.profile.frameCount).map { t in
                (name: String(format: "t=%.2fs", reference.profile.time[t]), positions: model.vertices(reference.parameters(atFrame: t)))
            }
            if detail == .baked { throw UsageError("morph targets need the model's topology: use --detail maps or none with --sequence") }
        }
        try MeshIO.export(mesh, to: url, options: options)
        written.append(url)
        if format == .obj { written.append(url.deletingPathExtension().appendingPathExtension("mtl")) }
        if format == .gltf { written.append(url.deletingPathExtension().appendingPathExtension("bin")) }

        if sequence && !format.carriesMorphTargets {
            // One file per frame of the mean profile, sharing the colour map.
            for t in 0..<reference.profile.frameCount {
                var frame = model.instance(reference.parameters(atFrame: t))
                frame.colors = colors
                let frameURL = folder.appendingPathComponent(String(format: "%@_frame%04d.%@", stem, t + 1, url.pathExtension))
                var frameOptions = MeshExportOptions(format: format, materials: materials.map { m in
                    var m = m
                    m.normalMap = nil; m.bumpMap = nil; m.displacementMap = nil
                    return m
                })
                frameOptions.includeColors = true
                try MeshIO.export(frame, to: frameURL, options: frameOptions)
                written.append(frameURL)
            }
        }
        return written
    }
}
