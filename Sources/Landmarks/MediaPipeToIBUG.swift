import Foundation

/// Which MediaPipe Face Mesh landmark stands for each iBUG 300-W landmark.
///
/// MediaPipe's Face Landmarker returns 478 points (468 mesh vertices plus 10 iris points,
/// 468...477); the 68-point iBUG markup is read off 68 of the mesh vertices.
///
/// Source of the correspondence: the table published in PeizhiYan/Mediapipe_2_Dlib_Landmarks
/// (`mediapipe2dlib/mp2dlib.py`, 2024), which gives one or two MediaPipe vertices per dlib/iBUG
/// landmark. Where it averages two vertices, one is used here, chosen so that the table stays
/// mirror-symmetric: iBUG 3 → 132 (of 132, 58), 4 → 58 (of 58, 172), 12 → 288 (of 397, 288),
/// 27 → 168 (of 168, 6), 28 → 197 (of 197, 195). This is also the common single-index form of
/// that table used in other public code.
///
/// Checked against MediaPipe's canonical face model
/// (`mediapipe/modules/face_geometry/data/canonical_face_model.obj`): every iBUG mirror pair
/// (0↔16, 17↔26, 36↔45, 48↔54, 60↔64, ...) maps to a pair of vertices that are mirror images
/// (x → −x), the midline points (8, 27...30, 33, 51, 57, 62, 66) map to vertices with x = 0,
/// and the subject's right side (iBUG 0...7, 17...21, 36...41: the image *left*) maps to the
/// model's right side: iBUG 36 is vertex 33, the right eye's outer corner, and iBUG 45 is
/// vertex 263, the left eye's outer corner.
///
/// | iBUG | part | MediaPipe |
/// |------|------|-----------|
/// | 0...16 | jaw, from the subject's right ear to the left | 127 234 93 132 58 136 150 176 152 400 379 365 288 361 323 454 356 |
/// | 17...21 | right brow, outer to inner | 70 63 105 66 107 |
/// | 22...26 | left brow, inner to outer | 336 296 334 293 300 |
/// | 27...30 | nose bridge, top to tip | 168 197 5 4 |
/// | 31...35 | nose base, right to left | 75 97 2 326 305 |
/// | 36...41 | right eye: outer corner, upper lid, inner corner, lower lid | 33 160 158 133 153 144 |
/// | 42...47 | left eye: inner corner, upper lid, outer corner, lower lid | 362 385 387 263 373 380 |
/// | 48...59 | outer lips from the right corner, over the top and back under | 61 39 37 0 267 269 291 321 314 17 84 91 |
/// | 60...67 | inner lips from the right corner, over the top and back under | 78 82 13 312 308 317 14 87 |
public enum MediaPipeToIBUG {
    /// For each of the 68 iBUG landmarks, the MediaPipe Face Mesh landmark index used.
    public static let indices: [Int] = [
        // Jaw 0...16
        127, 234, 93, 132, 58, 136, 150, 176, 152, 400, 379, 365, 288, 361, 323, 454, 356,
        // Right brow 17...21, left brow 22...26
        70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
        // Nose bridge 27...30, nose base 31...35
        168, 197, 5, 4, 75, 97, 2, 326, 305,
        // Right eye 36...41, left eye 42...47
        33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
        // Outer lips 48...59
        61, 39, 37, 0, 267, 269, 291, 321, 314, 17, 84, 91,
        // Inner lips 60...67
        78, 82, 13, 312, 308, 317, 14, 87,
    ]

    /// The face mesh's outline (MediaPipe's `FACEMESH_FACE_OVAL`, from the forehead's top clockwise in the
    /// image): points on the silhouette or the hairline, which slide over the skin as the head turns. The jaw
    /// of the iBUG table (0...16) is read off these. A dense fit leaves them to the sliding jawline.
    public static let faceOval: [Int] = [
        10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
        152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
    ]

    /// The fewest MediaPipe landmarks a frame must have for the table: the 468 mesh vertices
    /// (the 478-point Face Landmarker output adds iris points the table does not use).
    public static let minimumLandmarkCount = 468

    /// The 68 iBUG points picked out of `mesh`, MediaPipe's landmarks for one face.
    /// - Precondition: `mesh` has at least `minimumLandmarkCount` points.
    public static func ibugPoints<Point>(from mesh: [Point]) -> [Point] {
        precondition(mesh.count >= minimumLandmarkCount, "MediaPipeToIBUG: \(mesh.count) landmarks, need \(minimumLandmarkCount)")
        return indices.map { mesh[$0] }
    }
}
