import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Mesh

/// Renders faces of a `FaceModel`: standard views with the model's appearance, wrinkle detail
/// from the active action units as a normal map, and optional landmark and region overlays.
public enum FaceRendering {
    /// The display colour of a named part (linear RGB).
    public static func partColor(_ part: String) -> SIMD3<Float> {
        switch part {
        case "eyes": FaceAppearance.sclera
        case "teeth": FaceAppearance.teeth
        case "tongue": FaceAppearance.tongue
        default: FaceAppearance.skin
        }
    }

    /// Sixteen distinct region colours (linear RGB), indexed by region − 1.
    public static let regionPalette: [SIMD3<Float>] = [
        SIMD3(0.90, 0.10, 0.10), SIMD3(0.95, 0.55, 0.05), SIMD3(0.95, 0.85, 0.10), SIMD3(0.55, 0.80, 0.10),
        SIMD3(0.10, 0.70, 0.20), SIMD3(0.10, 0.75, 0.65), SIMD3(0.10, 0.55, 0.90), SIMD3(0.20, 0.25, 0.85),
        SIMD3(0.55, 0.20, 0.85), SIMD3(0.85, 0.20, 0.75), SIMD3(0.95, 0.45, 0.60), SIMD3(0.55, 0.35, 0.15),
        SIMD3(0.45, 0.45, 0.45), SIMD3(0.30, 0.90, 0.50), SIMD3(0.90, 0.30, 0.50), SIMD3(0.60, 0.90, 0.90),
    ]

    /// The combined wrinkle displacement (mm) in UV space for the action-unit intensities of `parameters`:
    /// each map is weighted by the stronger of its action unit's left and right intensities (its jaw angle for none).
    public static func wrinkleDisplacement(model: FaceModel, parameters: FaceParameters) throws -> (values: [Float], size: Int)? {
        var total: [Float]? = nil
        var size = 0
        for map in model.wrinkleMaps {
            var intensity: Float = 0
            for (i, e) in model.expressions.enumerated() where e.actionUnit == map.actionUnit && i < parameters.expression.count {
                intensity = max(intensity, parameters.expression[i])
            }
            guard intensity > 0 else { continue }
            let image = try PNG.decode16(map.png, source: "\(model.name): wrinkle map AU\(map.actionUnit)")
            size = image.width
            if total == nil { total = [Float](repeating: 0, count: image.width * image.height) }
            for i in 0..<(image.width * image.height) {
                total![i] += intensity * map.displacement(sample: image.samples[i * image.channels])
            }
        }
        return total.map { ($0, size) }
    }

    /// A tangent-space normal map (16-bit RGB, +u right, +v up) of the wrinkle displacement, or nil
    /// when no wrinkle-producing action unit is active.
    public static func wrinkleNormalMap(model: FaceModel, parameters: FaceParameters) throws -> Image16? {
        guard let (d, size) = try wrinkleDisplacement(model: model, parameters: parameters), size > 1 else { return nil }
        // Millimetres per texel, from the skin's 3D area over its UV area.
        let mesh = model.mesh
        var area3D: Float = 0, areaUV: Float = 0
        for (t, tri) in mesh.triangles.enumerated() where mesh.hasUVs {
            let a = mesh.positions[Int(tri.x)], b = mesh.positions[Int(tri.y)], c = mesh.positions[Int(tri.z)]
            area3D += simd_length(simd_cross(b - a, c - a)) / 2
            let ut = mesh.uvTriangles[t]
            let p = mesh.uvs[Int(ut.x)], q = mesh.uvs[Int(ut.y)], r = mesh.uvs[Int(ut.z)]
            areaUV += abs((q.x - p.x) * (r.y - p.y) - (r.x - p.x) * (q.y - p.y)) / 2
        }
        let mmPerTexel = (area3D / max(areaUV, 1e-9)).squareRoot() / Float(size)
        var image = Image16(width: size, height: size, channels: 3, fill: 32768)
        for y in 0..<size {
            for x in 0..<size {
                let xl = max(x - 1, 0), xr = min(x + 1, size - 1), yu = max(y - 1, 0), yd = min(y + 1, size - 1)
                let du = (d[y * size + xr] - d[y * size + xl]) / (Float(xr - xl) * mmPerTexel)
                // Image rows run downwards, v runs upwards.
                let dv = (d[yu * size + x] - d[yd * size + x]) / (Float(yd - yu) * mmPerTexel)
                let n = simd_normalize(SIMD3(-du, -dv, 1))
                let i = (y * size + x) * 3
                for c in 0..<3 { image.samples[i + c] = UInt16(((n[c] + 1) / 2 * 65535).rounded()) }
            }
        }
        return image
    }

    /// Renders the face with `parameters` in `view`.
    /// - Parameters:
    ///   - colors: vertex colours (linear RGB) to paint instead of the model's appearance.
    ///   - camera: a camera to use instead of framing the face from `view`.
    public static func render(
        model: FaceModel, parameters: FaceParameters, view: StandardView, size: Int = 512,
        showLandmarks: Bool = false, showRegions: Bool = false, wrinkles: Bool = true, colors customColors: [SIMD3<Float>]? = nil,
        camera customCamera: Camera? = nil
    ) throws -> Image {
        var mesh = model.instance(parameters)
        var colors = customColors ?? FaceAppearance.colors(for: model)
        if showRegions {
            for v in 0..<mesh.vertexCount where model.vertexRegions[v] > 0 {
                colors[v] = 0.35 * colors[v] + 0.65 * regionPalette[Int(model.vertexRegions[v]) - 1]
            }
        }
        mesh.colors = colors
        var settings = RenderSettings(width: size, height: size, supersampling: 2)
        settings.useVertexColors = true
        settings.partMaterials = Dictionary(uniqueKeysWithValues: mesh.partNames.map { ($0, Material(baseColor: .one, specular: $0 == "eyes" ? 0.6 : 0.1, shininess: $0 == "eyes" ? 90 : 18)) })
        if wrinkles { settings.normalMap = try wrinkleNormalMap(model: model, parameters: parameters) }
        let camera = customCamera ?? Camera.framing(mesh, view: view)
        var image = Renderer(settings: settings).render(mesh, camera: camera)
        if showLandmarks {
            let points = model.landmarks.positions(on: mesh.positions, triangles: mesh.triangles)
            for (i, p) in points.enumerated() where !p.x.isNaN {
                guard let q = camera.project(p, width: size, height: size) else { continue }
                let color: [UInt8] = LandmarkEmbedding.contourIndices.contains(i) ? [20, 200, 40] : [230, 30, 30]
                let r = max(1, size / 256)
                for dy in -r...r { for dx in -r...r {
                    let x = Int(q.x) + dx, y = Int(q.y) + dy
                    guard x >= 0, y >= 0, x < image.width, y < image.height else { continue }
                    for c in 0..<3 { image[x, y, c] = color[c] }
                } }
            }
        }
        return image
    }

    /// Renders the three standard views into `folder` as `front.png`, `three-quarter.png`, `profile.png`
    /// and a side-by-side `views.png`; returns the files written.
    public static func renderViews(
        model: FaceModel, parameters: FaceParameters, size: Int, showLandmarks: Bool, showRegions: Bool,
        wrinkles: Bool, folder: URL
    ) throws -> [URL] {
        var written: [URL] = []
        var images: [Image] = []
        for view in StandardView.allCases {
            let image = try render(model: model, parameters: parameters, view: view, size: size,
                                   showLandmarks: showLandmarks, showRegions: showRegions, wrinkles: wrinkles)
            let url = folder.appendingPathComponent("\(view.rawValue).png")
            try PNG.write(image, to: url)
            written.append(url)
            images.append(image)
        }
        let sheet = Image.tiled([images], gap: 8, background: [255, 255, 255])
        let url = folder.appendingPathComponent("views.png")
        try PNG.write(sheet, to: url)
        written.append(url)
        return written
    }
}
