import FaceModel
import Foundation
import Imaging
import Mesh
import Render

/// Where MediaPipe Face Mesh puts its 468 points on a FaceAtlas model's surface, measured by
/// running the landmarker on renders of the model itself.
///
/// The model is rendered with several identities and head poses, at rest and with a set of expressions
/// (so that a point is embedded where the landmarker puts it as the face moves, not only at rest: a
/// mouth corner that MediaPipe places on the lip at rest but beside it in a smile would otherwise make a
/// smile look smaller than it is); every render is tracked with
/// `MediaPipeFaceTracker`, and each of the 468 image points is traced back into the render's
/// visibility buffer to the surface point it lies on. A point that lands on a surface facing the camera
/// (within `maximumObliquity`) gives one observation, carried over to the mean face through its
/// triangle and barycentric coordinates. Per point, the coordinate-wise median of its observations is
/// projected onto the nearest skin triangle of the mean face: that is the embedding. The scatter of the
/// observations about it (robust: from their median distance) is the point's spread — small where the landmarker locks onto a
/// feature (eye and lip corners), large on smooth skin and on points that slide with the silhouette
/// (the face oval), so a fitter can weigh every point by how well it is pinned down.
///
/// The embedding is written to `Templates/mediapipe-embedding.csv` by `faceatlas model
/// calibrate-mediapipe` and applied by the model builder. It needs no data beyond the model and
/// MediaPipe's own model files: the calibration is a measurement of the landmarker on the model.
public struct MediaPipeEmbedding: Sendable {
    /// One head pose: yaw (towards the subject's left) and pitch (camera above) in degrees.
    public struct View: Sendable, Equatable {
        public var yaw: Float
        public var pitch: Float
        public init(yaw: Float, pitch: Float) { self.yaw = yaw; self.pitch = pitch }
    }

    /// The number of Face Mesh points.
    public static let pointCount = 468

    /// The poses rendered.
    public var views: [View] = [-30, -15, 0, 15, 30].flatMap { yaw in [-10, 0, 10].map { View(yaw: Float(yaw), pitch: Float($0)) } }
    /// The identities rendered, as coefficient vectors in SD units (the mean face and ±1 SD on the first components).
    public var identities: [[Float]] = [[], [1], [-1], [0, 1], [0, -1]]
    /// Expressions rendered besides the rest face (named settings as `FaceParameters(model:settings:)` takes
    /// them), each at `expressionViews`: a smile with raised cheeks, raised brows and widened eyes, a frown with
    /// tightened lids, a dropped jaw, the chin raised under depressed lip corners, a nose wrinkle with a raised
    /// upper lip, stretched and tightened lips, closed eyes.
    public var expressions: [[String: Float]] = [
        ["AU6": 0.7, "AU12": 0.8], ["AU1": 0.8, "AU2": 0.8, "AU5": 0.6], ["AU4": 0.8, "AU7": 0.6], ["AU26": 0.6, "AU25": 0.6],
        ["AU15": 0.7, "AU17": 0.6], ["AU9": 0.7, "AU10": 0.6], ["AU20": 0.6, "AU23": 0.5], ["AU45": 0.8],
    ]
    /// The poses each expression is rendered in.
    public var expressionViews: [View] = [-15, 0, 15].map { View(yaw: Float($0), pitch: 0) }
    /// Render size (pixels).
    public var size = 512
    /// Largest angle (degrees) between a surface's normal and the direction to the camera for an observation to count.
    public var maximumObliquity: Float = 70
    /// Fewest observations for a point to be embedded.
    public var minimumObservations = 3

    /// The result for one point.
    public struct Point: Sendable {
        /// The triangle of the mean face (−1: too few observations).
        public var triangle: Int32
        /// Barycentric coordinates on it.
        public var barycentric: SIMD3<Float>
        /// Robust scatter (mm, RMS-equivalent: 1.126 × the median distance) of the observations from the embedded point.
        public var spread: Float
        /// Observations used.
        public var observations: Int
    }

    /// A calibration with the default renders.
    public init() {}

    /// The number of renders a calibration tracks.
    public var renderCount: Int { identities.count * (views.count + expressions.count * expressionViews.count) }

    /// Measures the embedding of the 468 points on `model` with `tracker`; `progress` gets (done, total).
    /// - Throws: `FaceModelError` when the model lacks an expression named in `expressions`.
    public func calibrate(model: FaceModel, tracker: MediaPipeFaceTracker,
                          progress: (Int, Int) -> Void = { _, _ in }) throws -> [Point] {
        let mean = model.mesh
        var observations = [[SIMD3<Float>]](repeating: [], count: Self.pointCount)
        var settings = RenderSettings(width: size, height: size, supersampling: 2)
        settings.useVertexColors = true
        let renderer = Renderer(settings: settings)
        let faces = try [(FaceParameters(), views)] + expressions.map { (try FaceParameters(model: model, settings: $0), expressionViews) }
        let total = identities.count * faces.reduce(0) { $0 + $1.1.count }
        var done = 0
        let cosLimit = cos(maximumObliquity * .pi / 180)
        for identity in identities {
            let front = Camera.framing(model.instance(FaceParameters(identity: identity)), view: .front)
            let distance = simd_length(front.eye - front.target)
            for (expression, faceViews) in faces {
            var parameters = expression
            parameters.identity = identity
            let mesh = model.instance(parameters)
            for view in faceViews {
                let yaw = view.yaw * .pi / 180, pitch = view.pitch * .pi / 180
                let direction = SIMD3<Float>(sin(yaw) * cos(pitch), sin(pitch), cos(yaw) * cos(pitch))
                let camera = Camera(eye: front.target + distance * direction, target: front.target,
                                    verticalFieldOfView: front.verticalFieldOfView, near: front.near, far: front.far)
                let image = try FaceRendering.render(model: model, parameters: parameters, view: .front, size: size,
                                                     wrinkles: false, camera: camera)
                tracker.reset()
                _ = try tracker.track(image)
                let frame = try tracker.track(image)  // followed from its own region, as in video
                done += 1
                progress(done, total)
                guard let all = frame.points, all.count >= Self.pointCount else { continue }
                let points = all.prefix(Self.pointCount)
                let hits = renderer.surfaceHits(mesh, camera: camera, at: points.map { SIMD2(Float($0.x), Float($0.y)) })
                for (i, hit) in hits.enumerated() {
                    guard let hit else { continue }
                    let f = mesh.triangles[hit.triangle]
                    let a = mesh.positions[Int(f.x)], b = mesh.positions[Int(f.y)], c = mesh.positions[Int(f.z)]
                    let normal = simd_normalize(simd_cross(b - a, c - a))
                    let onSurface = a * hit.barycentric.x + b * hit.barycentric.y + c * hit.barycentric.z
                    let toCamera = simd_normalize(camera.eye - onSurface)
                    guard simd_dot(normal, toCamera) >= cosLimit else { continue }
                    let m = mean.positions
                    observations[i].append(m[Int(f.x)] * hit.barycentric.x + m[Int(f.y)] * hit.barycentric.y + m[Int(f.z)] * hit.barycentric.z)
                }
            }
            }
        }
        let skin = model.skinTriangles
        return observations.map { list in
            guard list.count >= minimumObservations else {
                return Point(triangle: -1, barycentric: .zero, spread: .nan, observations: list.count)
            }
            let centre = SIMD3<Float>(Self.median(list.map(\.x)), Self.median(list.map(\.y)), Self.median(list.map(\.z)))
            guard let (triangle, barycentric) = FaceModel.nearestPoint(to: centre, on: mean, among: skin) else {
                return Point(triangle: -1, barycentric: .zero, spread: .nan, observations: list.count)
            }
            let f = mean.triangles[triangle]
            let embedded = mean.positions[Int(f.x)] * barycentric.x + mean.positions[Int(f.y)] * barycentric.y
                + mean.positions[Int(f.z)] * barycentric.z
            // Robust: the median distance, scaled to the RMS of an isotropic 3D Gaussian (1.126 = √3 / 1.538),
            // so that the few renders where the landmarker loses a point do not decide its weight.
            let spread = 1.126 * Self.median(list.map { Self.lengthSquared($0 - embedded).squareRoot() })
            return Point(triangle: Int32(triangle), barycentric: barycentric, spread: spread, observations: list.count)
        }
    }

    static func lengthSquared(_ v: SIMD3<Float>) -> Float { (v * v).sum() }

    static func median(_ values: [Float]) -> Float {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
