import Atlas
import FaceModel
import Imaging
import Render
import Tracking

/// Face crops of a reference face's renders, aligned as `faceatlas track --crops` aligns video frames
/// (`FaceCrop`: the eye centres at fixed places), so the CNN sees standard faces as it sees patients.
public enum ReferenceFaceCrops {
    /// Crops of `reference` at its peak expression in each of `views`, `size` pixels square.
    public static func crops(_ reference: ReferenceFace, model: FaceModel, views: [StandardView] = [.front, .threeQuarter],
                             renderSize: Int = 512, size: Int = 224) throws -> [Image] {
        let parameters = reference.peakParameters
        let mesh = model.instance(parameters)
        return try views.map { view in
            let image = try FaceRendering.render(model: model, parameters: parameters, view: view, size: renderSize)
            let camera = Camera.framing(mesh, view: view)
            let points = model.landmarks.positions(on: mesh.positions, triangles: mesh.triangles).map { p -> SIMD2<Double> in
                guard !p.x.isNaN, let q = camera.project(p, width: renderSize, height: renderSize) else { return SIMD2(.nan, .nan) }
                return SIMD2(Double(q.x), Double(q.y))
            }
            return FaceCrop.aligned(image, points: points, size: size)
        }
    }
}
