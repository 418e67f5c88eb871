import FaceAtlasCore
import Foundation
import Imaging
import TFLiteFormat
import TFLiteInference

/// One eye as MediaPipe's iris model sees it: 71 eye-contour points (the lids, four halos around them and the
/// brow's lower edge) and 5 iris points (the centre, then four points on the iris edge), in image pixels.
public struct EyeLandmarks: Sendable {
    /// The 71 contour points, in the order of ``IrisLandmarker/contourMeshIndices``.
    public var contour: [SIMD3<Double>]
    /// The iris centre and four points on its edge.
    public var iris: [SIMD3<Double>]
    /// The region the eye was seen in.
    public var region: FaceRegion
}

/// MediaPipe's iris model (`iris_landmark.tflite`, MediaPipe Iris) refining the face mesh's eyes to 478 points,
/// as `mp.solutions.face_mesh` with `refine_landmarks` does in MediaPipe's iris-tracking graph
/// (IrisLandmarkLeftAndRightFromFaceLandmarks).
///
/// Per eye, the region is the box of its two corners (mesh 33 and 133 for the eye on the image's left, the
/// subject's right; 362 and 263 for the other), turned level with the corner line, its longer side scaled by
/// 2.3 and made square; it is warped into 64×64 RGB in 0…1 (edge pixels replicated). The model was trained on
/// one eye only, so the second eye's crop is mirrored and its points mirrored back. The 71 contour points then
/// replace the mesh points they refine (``contourMeshIndices``) and the 10 iris points are appended: 468…472
/// for the first eye, 473…477 for the second. The next frame's face region still comes from the mesh's own
/// points, as in MediaPipe.
public final class IrisLandmarker {
    let interpreter: TFLiteInterpreter
    let contourOutput: Int, irisOutput: Int
    static let side = 64
    /// Eye corners of the two eyes, in the order MediaPipe refines them (start, end of the corner line).
    public static let eyeCorners = [(33, 133), (362, 263)]
    /// The mesh points each of the 71 contour points replaces, per eye (MediaPipe's
    /// UpdateFaceLandmarksCalculator): the lower lid from the outer to the inner corner, the upper lid, the
    /// halos around the eye (2×, 3×), the brow's lower edge, the 5× halo below and the brow's upper edge.
    public static let contourMeshIndices: [[Int]] = [
        [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
         130, 25, 110, 24, 23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56, 190,
         226, 31, 228, 229, 230, 231, 232, 233, 244, 113, 225, 224, 223, 222, 221, 189,
         35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120, 121, 128, 245,
         156, 70, 63, 105, 66, 107, 55, 193],
        [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
         359, 255, 339, 254, 253, 252, 256, 341, 463, 467, 260, 259, 257, 258, 286, 414,
         446, 261, 448, 449, 450, 451, 452, 453, 464, 342, 445, 444, 443, 442, 441, 413,
         265, 353, 276, 283, 282, 295, 372, 340, 346, 347, 348, 349, 350, 357, 465,
         383, 300, 293, 334, 296, 336, 285, 417],
    ]
    /// Points after refinement.
    public static let refinedPointCount = 478

    /// Loads the iris model.
    /// - Throws: `FileError` naming the file when it is not MediaPipe's iris model.
    public init(model url: URL) throws {
        interpreter = try TFLiteInterpreter(model: try TFLiteModel(contentsOf: url))
        let shapes = interpreter.outputShapes
        guard interpreter.inputShapes == [[1, 64, 64, 3]], shapes.count == 2,
              let contour = shapes.firstIndex(of: [1, 213]), let iris = shapes.firstIndex(of: [1, 15]) else {
            throw FileError(url, "is not MediaPipe's iris model: inputs \(interpreter.inputShapes), outputs \(shapes)")
        }
        contourOutput = contour
        irisOutput = iris
    }

    /// The eye whose corners are `start` and `end` (image pixels); `mirrored` for the eye the model sees mirrored.
    public func eye(in image: Image, start: SIMD2<Double>, end: SIMD2<Double>, mirrored: Bool) throws -> EyeLandmarks {
        let region = FaceRegion.around(minimum: pointwiseMin(start, end), maximum: pointwiseMax(start, end),
                                       start: start, end: end, scale: 2.3)
        var input = region.tensor(from: image, side: Self.side, range: 0...1, replicate: true)
        if mirrored {
            for row in 0..<Self.side {
                for i in 0..<Self.side / 2 {
                    let a = (row * Self.side + i) * 3, b = (row * Self.side + Self.side - 1 - i) * 3
                    for c in 0..<3 { input.swapAt(a + c, b + c) }
                }
            }
        }
        let outputs = try interpreter.run([input])
        func points(_ raw: [Float]) -> [SIMD3<Double>] {
            (0..<raw.count / 3).map { k in
                var x = Double(raw[3 * k])
                if mirrored { x = Double(Self.side) - x }
                let p = region.imagePoint(SIMD2(x, Double(raw[3 * k + 1])) / Double(Self.side))
                return SIMD3(p.x, p.y, Double(raw[3 * k + 2]) / Double(Self.side) * region.size.x)
            }
        }
        return EyeLandmarks(contour: points(outputs[contourOutput]), iris: points(outputs[irisOutput]), region: region)
    }

    /// The 468 mesh points with both eyes refined and the 10 iris points appended (478).
    public func refine(_ mesh: [SIMD3<Double>], in image: Image) throws -> [SIMD3<Double>] {
        precondition(mesh.count == 468, "IrisLandmarker.refine: \(mesh.count) points, not 468")
        var out = mesh
        var irises: [SIMD3<Double>] = []
        for (k, corners) in Self.eyeCorners.enumerated() {
            let start = SIMD2(mesh[corners.0].x, mesh[corners.0].y), end = SIMD2(mesh[corners.1].x, mesh[corners.1].y)
            let eye = try eye(in: image, start: start, end: end, mirrored: k == 1)
            for (i, index) in Self.contourMeshIndices[k].enumerated() { out[index] = eye.contour[i] }
            irises += eye.iris
        }
        return out + irises
    }
}
