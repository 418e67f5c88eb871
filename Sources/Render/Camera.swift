import Mesh

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pinhole camera with a perspective projection, in the millimetre units of the mesh.
///
/// The image's vertical field of view is `verticalFieldOfView`; the horizontal one follows
/// from the image's aspect ratio. Geometry nearer than `near` is clipped and geometry
/// farther than `far` is not drawn.
public struct Camera: Sendable, Equatable {
    /// Where the camera is.
    public var eye: SIMD3<Float>
    /// The point the camera looks at (it appears at the image centre).
    public var target: SIMD3<Float>
    /// The direction that appears upwards in the image (need not be exactly perpendicular to the view).
    public var up: SIMD3<Float>
    /// Vertical field of view in degrees.
    public var verticalFieldOfView: Float
    /// Distance to the near clipping plane (> 0).
    public var near: Float
    /// Distance beyond which nothing is drawn.
    public var far: Float

    /// Creates a camera at `eye` looking at `target`.
    public init(
        eye: SIMD3<Float>, target: SIMD3<Float>, up: SIMD3<Float> = SIMD3(0, 1, 0),
        verticalFieldOfView: Float = 20, near: Float = 1, far: Float = 100_000
    ) {
        self.eye = eye
        self.target = target
        self.up = up
        self.verticalFieldOfView = verticalFieldOfView
        self.near = near
        self.far = far
    }

    /// A camera at `eye` looking at `target`, with `up` towards the top of the image.
    public static func lookAt(
        eye: SIMD3<Float>, target: SIMD3<Float>, up: SIMD3<Float> = SIMD3(0, 1, 0),
        verticalFieldOfView: Float = 20, near: Float = 1, far: Float = 100_000
    ) -> Camera {
        Camera(eye: eye, target: target, up: up, verticalFieldOfView: verticalFieldOfView, near: near, far: far)
    }

    /// A camera that shows the whole of `mesh` from a standard viewpoint.
    ///
    /// The camera looks at the centre of the mesh's bounding box along
    /// `view.directionToCamera`, with y up, and stands just far enough away that every
    /// vertex, scaled about that centre by `margin`, lies inside the field of view.
    /// - Parameters:
    ///   - fieldOfView: vertical field of view in degrees (a long lens flattens the face less).
    ///   - margin: room around the mesh; 1.15 leaves about 7% of the frame on each side.
    ///   - aspectRatio: width / height of the image the camera will render.
    public static func framing(
        _ mesh: TriangleMesh, view: StandardView, fieldOfView: Float = 20, margin: Float = 1.15,
        aspectRatio: Float = 1
    ) -> Camera {
        let toCamera = view.directionToCamera
        let up = SIMD3<Float>(0, 1, 0)
        guard !mesh.positions.isEmpty else {
            return Camera(eye: toCamera * 500, target: .zero, up: up, verticalFieldOfView: fieldOfView)
        }
        let (lo, hi) = mesh.bounds
        let centre = (lo + hi) / 2
        let right = simd_normalize(simd_cross(up, toCamera))
        let tanV = tan(fieldOfView * .pi / 360), tanH = tanV * aspectRatio
        var distance: Float = 0, radius: Float = 0
        for p in mesh.positions {
            let q = p - centre
            let x = simd_dot(q, right), y = simd_dot(q, up), z = simd_dot(q, toCamera)
            distance = max(distance, z + margin * abs(x) / tanH, z + margin * abs(y) / tanV)
            radius = max(radius, simd_length(q))
        }
        distance = max(distance, radius * 0.01 + 1e-3)
        let near = max(distance - radius * 1.5, distance * 0.01)
        let far = distance + radius * 2 + 1
        return Camera(eye: centre + toCamera * distance, target: centre, up: up,
                      verticalFieldOfView: fieldOfView, near: near, far: far)
    }

    /// The camera's orthonormal frame: `right` and `up` span the image plane (x right, y up),
    /// `back` points from the scene towards the camera.
    public var frame: (right: SIMD3<Float>, up: SIMD3<Float>, back: SIMD3<Float>) {
        var back = simd_normalize(eye - target)
        if simd_length(back) == 0 { back = SIMD3(0, 0, 1) }
        var right = simd_cross(up, back)
        if simd_length(right) < 1e-6 * max(simd_length(up), 1) {
            // `up` is parallel to the view: pick any perpendicular.
            right = simd_cross(abs(back.y) < 0.9 ? SIMD3(0, 1, 0) : SIMD3(1, 0, 0), back)
        }
        right = simd_normalize(right)
        return (right, simd_cross(back, right), back)
    }

    /// Where `point` appears in a `width` × `height` image: x right and y down in pixels
    /// (pixel centres at +0.5), and the depth in front of the camera; nil when the point
    /// is not in front of the near plane.
    public func project(_ point: SIMD3<Float>, width: Int, height: Int) -> (x: Float, y: Float, depth: Float)? {
        let projection = Projection(camera: self, width: width, height: height)
        let v = projection.toView(point)
        guard -v.z >= near else { return nil }
        let s = projection.toScreen(v)
        return (s.x, s.y, -v.z)
    }
}

/// The camera transform and perspective projection for one image size.
///
/// View space is right-handed: x right, y up, z towards the viewer (so visible points have
/// negative z and depth `-z`). Screen space is in pixels, x right, y down.
struct Projection {
    let eye: SIMD3<Float>
    let right: SIMD3<Float>, up: SIMD3<Float>, back: SIMD3<Float>
    let scaleX: Float, scaleY: Float, centreX: Float, centreY: Float

    init(camera: Camera, width: Int, height: Int) {
        eye = camera.eye
        (right, up, back) = camera.frame
        let focal = 1 / tan(camera.verticalFieldOfView * .pi / 360)
        let aspect = Float(width) / Float(max(height, 1))
        scaleX = focal / aspect * Float(width) / 2
        scaleY = focal * Float(height) / 2
        centreX = Float(width) / 2
        centreY = Float(height) / 2
    }

    /// A point in view space.
    @inline(__always)
    func toView(_ p: SIMD3<Float>) -> SIMD3<Float> {
        let q = p - eye
        return SIMD3(simd_dot(q, right), simd_dot(q, up), simd_dot(q, back))
    }

    /// A direction in view space.
    @inline(__always)
    func directionToView(_ d: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(simd_dot(d, right), simd_dot(d, up), simd_dot(d, back))
    }

    /// The screen position of a view-space point in front of the camera.
    @inline(__always)
    func toScreen(_ v: SIMD3<Float>) -> SIMD2<Float> {
        let inverseDepth = -1 / v.z
        return SIMD2(centreX + scaleX * v.x * inverseDepth, centreY - scaleY * v.y * inverseDepth)
    }
}
