import FaceAtlasCore
import Foundation
import Testing
@testable import Landmarks

/// MediaPipe Face Landmarker output (478 normalized points) and the table that maps it to iBUG 68.
struct MediaPipeTests {
    /// 478 normalized landmarks for a synthetic face: the 68 mapped vertices hold the known face
    /// (divided by the image size), every other vertex a decoy far from any of them.
    static func mesh(_ face: [SIMD2<Double>], size: SIMD2<Int> = SyntheticFace.imageSize) -> [SIMD3<Double>] {
        var mesh: [SIMD3<Double>] = []
        for index in 0..<478 {
            let step = 0.0001 * Double(index)
            mesh.append(SIMD3<Double>(0.01 + step, 0.99 - step, -0.05))
        }
        let scale = SIMD2<Double>(Double(size.x), Double(size.y))
        for (ibug, vertex) in MediaPipeToIBUG.indices.enumerated() {
            let point = face[ibug] / scale
            mesh[vertex] = SIMD3<Double>(point.x, point.y, 0.01 * Double(ibug))
        }
        return mesh
    }

    static func csv(frames: [[SIMD3<Double>]?], fps: Double = 30, imageSizeColumns: Bool) -> String {
        var header = ["frame", "time"]
        for index in 0..<478 { header += ["x\(index)", "y\(index)", "z\(index)"] }
        if imageSizeColumns { header += ["image_width", "image_height"] }
        var text = header.joined(separator: ",") + "\n"
        for (index, mesh) in frames.enumerated() {
            var fields = [String(index), repr(Double(index) / fps)]
            if let mesh {
                for point in mesh { fields += [repr(point.x), repr(point.y), repr(point.z)] }
            } else {
                fields += [String](repeating: "", count: 478 * 3)  // no face found
            }
            if imageSizeColumns { fields += ["640", "480"] }
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    static func json(_ mesh: [SIMD3<Double>]) -> String {
        "[" + mesh.map { "{\"x\": \(repr($0.x)), \"y\": \(repr($0.y)), \"z\": \(repr($0.z))}" }.joined(separator: ", ") + "]"
    }

    @Test func csvWithImageSizeColumnsGivesTheKnownPixels() throws {
        let folder = try TemporaryFolder()
        let faces = (0..<3).map { SyntheticFace.points(shift: Double($0) * 4) }
        let url = try folder.write("mp.csv", Self.csv(frames: [Self.mesh(faces[0]), Self.mesh(faces[1]), nil, Self.mesh(faces[2])],
                                                      imageSizeColumns: true))
        #expect(try LandmarkFormat.detect(url) == .mediaPipe)
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.imageSize == SIMD2(640, 480))
        #expect(sequence.frames.count == 4)
        #expect(close(sequence.frames[0].points, faces[0], tolerance: 1e-9))
        #expect(close(sequence.frames[1].points, faces[1], tolerance: 1e-9))
        #expect(close(sequence.frames[3].points, faces[2], tolerance: 1e-9))
        #expect(abs(sequence.frames[3].time - 0.1) < 1e-12)
        let lost = sequence.frames[2]
        #expect(!lost.isValid && lost.invalidReason == "MediaPipe: no face detected")
        #expect(lost.weights.allSatisfy { $0 == 0 })
        #expect(sequence.frames[0].points3D == nil)
    }

    @Test func jsonWithTopLevelImageSizeAndAFrameWithoutAFace() throws {
        let folder = try TemporaryFolder()
        let face = SyntheticFace.points()
        let url = try folder.write("mp.json", """
        {"image_width": 640, "image_height": 480, "frames": [
          {"time": 0.0, "landmarks": \(Self.json(Self.mesh(face)))},
          {"time": 0.2, "landmarks": []},
          {"timestamp_ms": 400, "face_landmarks": [\(Self.json(Self.mesh(face)))]}
        ]}
        """)
        #expect(try LandmarkFormat.detect(url) == .mediaPipe)
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.frames.map(\.time) == [0, 0.2, 0.4])
        #expect(sequence.frames.map(\.isValid) == [true, false, true])
        #expect(close(sequence.frames[0].points, face, tolerance: 1e-9))
        #expect(close(sequence.frames[2].points, face, tolerance: 1e-9))
        #expect(sequence.frames[1].invalidReason == "MediaPipe: no face detected")
    }

    @Test func theImageSizeMayComeFromASidecarOrTheCaller() throws {
        let folder = try TemporaryFolder()
        let face = SyntheticFace.points()
        let csv = try folder.write("side.csv", Self.csv(frames: [Self.mesh(face)], imageSizeColumns: false))
        try folder.write("side.meta.json", "{\"image_width\": 640, \"image_height\": 480}")
        #expect(close(try LandmarkIO.read(csv).frames[0].points, face, tolerance: 1e-9))

        let bare = try folder.write("bare.json", "[{\"landmarks\": \(Self.json(Self.mesh(face)))}]")
        let sequence = try LandmarkIO.read(bare, imageSize: SIMD2(640, 480))
        #expect(close(sequence.frames[0].points, face, tolerance: 1e-9))
        #expect(sequence.imageSize == SIMD2(640, 480))
    }

    @Test func normalizedCoordinatesWithoutAnImageSizeAreRefused() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("nosize.csv", Self.csv(frames: [Self.mesh(SyntheticFace.points())], imageSizeColumns: false))
        expectFileError(url, at: nil, "image size is unknown") { _ = try LandmarkIO.read(url) }
    }

    @Test func tooFewLandmarksAreRefused() throws {
        let folder = try TemporaryFolder()
        let short = Array(Self.mesh(SyntheticFace.points()).prefix(400))
        let url = try folder.write("short.json", "{\"image_width\": 640, \"image_height\": 480, \"frames\": [{\"landmarks\": \(Self.json(short))}]}")
        expectFileError(url, at: "frame 0", "found 400") { _ = try LandmarkIO.read(url) }
    }

    // MARK: The table

    /// MediaPipe vertex pairs that are mirror images in the canonical face model (x → −x).
    static let mirrorVertices: [Int: Int] = {
        let pairs = [
            (127, 356), (234, 454), (93, 323), (132, 361), (58, 288), (136, 365), (150, 379), (176, 400),
            (70, 300), (63, 293), (105, 334), (66, 296), (107, 336), (75, 305), (97, 326),
            (33, 263), (160, 387), (158, 385), (133, 362), (153, 380), (144, 373),
            (61, 291), (39, 269), (37, 267), (91, 321), (84, 314), (78, 308), (82, 312), (87, 317),
        ]
        var mirror: [Int: Int] = [:]
        for (a, b) in pairs { mirror[a] = b; mirror[b] = a }
        for midline in [152, 168, 197, 5, 4, 2, 0, 17, 13, 14] { mirror[midline] = midline }
        return mirror
    }()

    /// The iBUG 68 left–right mirror of each landmark (0↔16, 36↔45, 48↔54, ...).
    static let mirrorIBUG: [Int] = {
        var m = Array(0..<68)
        func pair(_ a: Int, _ b: Int) { m[a] = b; m[b] = a }
        for i in 0...7 { pair(i, 16 - i) }
        for i in 17...21 { pair(i, 43 - i) }
        pair(31, 35); pair(32, 34)
        pair(36, 45); pair(37, 44); pair(38, 43); pair(39, 42); pair(40, 47); pair(41, 46)
        pair(48, 54); pair(49, 53); pair(50, 52); pair(55, 59); pair(56, 58)
        pair(60, 64); pair(61, 63); pair(65, 67)
        return m
    }()

    @Test func theTableHas68DistinctMeshVertices() {
        #expect(MediaPipeToIBUG.indices.count == 68)
        #expect(Set(MediaPipeToIBUG.indices).count == 68)
        #expect(MediaPipeToIBUG.indices.allSatisfy { (0..<468).contains($0) })
    }

    @Test func theTableIsLeftRightConsistent() {
        let table = MediaPipeToIBUG.indices
        // Anchors: MediaPipe 33 / 263 are the right / left eye's outer corners, 61 / 291 the
        // right / left mouth corners, 152 the chin, 4 the nose tip.
        #expect(table[36] == 33 && table[45] == 263)
        #expect(table[48] == 61 && table[54] == 291)
        #expect(table[8] == 152 && table[30] == 4)
        for ibug in 0..<68 {
            let vertex = table[ibug]
            let mirrored = table[Self.mirrorIBUG[ibug]]
            #expect(Self.mirrorVertices[vertex] == mirrored, "iBUG \(ibug) → \(vertex), its mirror iBUG \(Self.mirrorIBUG[ibug]) → \(mirrored)")
        }
    }

    @Test func mirroringTheFaceSwapsTheSymmetricPairs() throws {
        // A face and its mirror image read through the table: iBUG i of one is iBUG mirror(i) of the other.
        let folder = try TemporaryFolder()
        let face = SyntheticFace.points()
        let url = try folder.write("face.json", "{\"image_width\": 640, \"image_height\": 480, \"frames\": [{\"landmarks\": \(Self.json(Self.mesh(face)))}]}")
        var mirroredMesh = Self.mesh(face)
        for (vertex, partner) in Self.mirrorVertices where vertex < partner {
            let a = mirroredMesh[vertex], b = mirroredMesh[partner]
            mirroredMesh[vertex] = SIMD3(1 - b.x, b.y, b.z)
            mirroredMesh[partner] = SIMD3(1 - a.x, a.y, a.z)
        }
        for (vertex, partner) in Self.mirrorVertices where vertex == partner {
            mirroredMesh[vertex].x = 1 - mirroredMesh[vertex].x
        }
        let mirroredURL = try folder.write("mirror.json", "{\"image_width\": 640, \"image_height\": 480, \"frames\": [{\"landmarks\": \(Self.json(mirroredMesh))}]}")
        let original = try LandmarkIO.read(url).frames[0].points
        let mirrored = try LandmarkIO.read(mirroredURL).frames[0].points
        for ibug in 0..<68 {
            let partner = mirrored[Self.mirrorIBUG[ibug]]
            #expect(abs(partner.x - (640 - original[ibug].x)) < 1e-9 && abs(partner.y - original[ibug].y) < 1e-9, "iBUG \(ibug)")
        }
        // The subject's right eye (36) stays on the image left in both.
        #expect(original[36].x < original[45].x && mirrored[36].x < mirrored[45].x)
    }
}
