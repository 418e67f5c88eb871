import FaceAtlasCore
import FaceAtlasTestSupport
import FaceModel
import Foundation
import Imaging
import Landmarks
import Render
import Testing
@testable import DenseLandmarks

func distance<V: SIMD>(_ a: V, _ b: V) -> Double where V.Scalar == Double { ((a - b) * (a - b)).sum().squareRoot() }

let mediaPipeFolder = MediaPipeData.folder

@Suite struct DenseLandmarksTests {
    @Test func regionMapsItsCornersAndTurnsClockwise() {
        let region = FaceRegion(center: SIMD2(100, 50), size: SIMD2(40, 40), rotation: .pi / 2)
        // A quarter turn clockwise on screen (y down): the region's right edge points down.
        let right = region.imagePoint(SIMD2(1, 0.5))
        #expect(abs(right.x - 100) < 1e-9 && abs(right.y - 70) < 1e-9)
        // Level eyes give no rotation; the right eye lower on screen than the left turns the region clockwise.
        let level = FaceRegion.around(minimum: SIMD2(0, 0), maximum: SIMD2(10, 20), start: SIMD2(2, 5), end: SIMD2(8, 5))
        #expect(level.rotation == 0 && level.size == SIMD2(30, 30) && level.center == SIMD2(5, 10))
        let tilted = FaceRegion.around(minimum: SIMD2(0, 0), maximum: SIMD2(10, 10), start: SIMD2(0, 0), end: SIMD2(10, 10))
        #expect(abs(tilted.rotation - .pi / 4) < 1e-12)
    }

    @Test func warpSamplesBilinearlyAtPixelCentres() {
        // A horizontal ramp 0, 10, 20, ...: an upright region of the whole image reproduces it at its pixel positions.
        let image = Image(width: 8, height: 2, channels: 1, pixels: (0..<16).map { UInt8(($0 % 8) * 10) })
        let region = FaceRegion(center: SIMD2(4, 1), size: SIMD2(8, 2), rotation: 0)
        let t = region.tensor(from: image, side: 4, range: 0...255, replicate: true)
        // Output pixel i samples x = 2i (corners map to 0 and 8): values 0, 20, 40, 60, in every channel.
        #expect(stride(from: 0, to: 12, by: 3).map { t[$0] } == [0, 20, 40, 60])
        let zero = region.tensor(from: image, side: 4, range: 0...255, replicate: false)
        // The last row samples y = 1.5: half of it lies outside the image, which counts as zero without replication.
        #expect(zero[(3 * 4 + 1) * 3] == 10 && t[(3 * 4 + 1) * 3] == 20)
    }

    @Test func weightedSuppressionMergesOverlapsAndKeepsSeparateFaces() {
        func det(_ x: Double, _ score: Double) -> FaceDetection {
            FaceDetection(minimum: SIMD2(x, 0), maximum: SIMD2(x + 10, 10), keypoints: Array(repeating: SIMD2(x, 5), count: 6), score: score)
        }
        let kept = BlazeFaceDetector.weightedSuppression([det(0, 0.6), det(1, 0.9), det(100, 0.7)], threshold: 0.3)
        #expect(kept.count == 2)
        #expect(kept[0].score == 0.9 && abs(kept[0].minimum.x - 0.6) < 1e-12)  // (1·0.9 + 0·0.6) / 1.5
        #expect(kept[1].minimum.x == 100)
    }

    /// On a render of the default face model, MediaPipe's points land on the model's own landmarks: the outer eye
    /// corners (mesh 33, 263 = iBUG 36, 45), the nose tip (mesh 1 = iBUG 30) and the mouth corners (61, 291 = 48, 54).
    @Test func meshPointsLandOnARenderedFacesLandmarks() throws {
        let model = try AtlasFixture.model
        let size = 512
        let image = try FaceRendering.render(model: model, parameters: FaceParameters(), view: .front, size: size, wrinkles: false)
        let mesh = model.instance(FaceParameters())
        let camera = Camera.framing(mesh, view: .front)
        let truth = model.landmarks.positions(on: mesh.positions, triangles: mesh.triangles).map { p -> SIMD2<Double> in
            let q = camera.project(p, width: size, height: size)!
            return SIMD2(Double(q.x), Double(q.y))
        }
        let tracker = try MediaPipeFaceTracker(models: mediaPipeFolder)
        let frame = try tracker.track(image)
        let points = try #require(frame.points)
        #expect(frame.faceScore > 0.9 && (frame.detectionScore ?? 0) > 0.5)
        let iod = distance(truth[36], truth[45])
        for (meshIndex, ibug) in [(33, 36), (263, 45), (1, 30), (61, 48), (291, 54)] {
            let error = distance(SIMD2(points[meshIndex].x, points[meshIndex].y), truth[ibug]) / iod
            #expect(error < 0.08, "mesh point \(meshIndex) is \(error) eye distances from iBUG \(ibug)")
        }
        // Followed into the next frame (the region from these points instead of the detection), the same image gives
        // nearly the same points.
        let again = try #require(try tracker.track(image).points)
        #expect(zip(points, again).map { distance(SIMD2($0.x, $0.y), SIMD2($1.x, $1.y)) }.max()! < 0.03 * iod)
        #expect(try tracker.track(Image(width: 320, height: 240, channels: 3, fill: 128)).points == nil)
    }

    @Test func csvIsReadBackByTheMediaPipeReader() throws {
        let model = try AtlasFixture.model
        let image = try FaceRendering.render(model: model, parameters: FaceParameters(), view: .front, size: 256, wrinkles: false)
        let tracker = try MediaPipeFaceTracker(models: mediaPipeFolder)
        let rows = [MediaPipeCSV.Row(frame: 0, time: 0, result: try tracker.track(image), imageSize: SIMD2(256, 256)),
                    MediaPipeCSV.Row(frame: 1, time: 0.2, result: .init(points: nil, faceScore: 0, detectionScore: nil), imageSize: SIMD2(256, 256))]
        let url = AtlasFixture.temporaryFolder().appendingPathComponent("mesh.csv")
        try MediaPipeCSV.write(rows, to: url)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("frame,time,x0,y0,z0,x1") && lines[0].hasSuffix("image_width,image_height,valid,face_score,detection_score"))
        // FaceAtlas's MediaPipe reader takes it: 468 points mapped to the 68 iBUG points, in pixels; no face, no points.
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.frames.count == 2 && sequence.frames[0].isValid && !sequence.frames[1].isValid)
        let p = try #require(rows[0].result.points)
        let outerCorner = sequence.frames[0].points[36]
        #expect(distance(outerCorner, SIMD2(p[33].x, p[33].y)) < 2, "iBUG 36 read back at \(outerCorner), mesh 33 at \(p[33])")
    }

    /// Still photographs are each detected afresh: a photo's points never depend on the photo before it.
    @Test func stillImagesAreEachDetectedAfresh() throws {
        let model = try AtlasFixture.model
        let folder = AtlasFixture.temporaryFolder()
        let face = folder.appendingPathComponent("face.png"), blank = folder.appendingPathComponent("blank.png")
        try PNG.write(try FaceRendering.render(model: model, parameters: FaceParameters(), view: .front, size: 256, wrinkles: false), to: face)
        try PNG.write(Image(width: 256, height: 256, channels: 3, fill: 90), to: blank)
        let rows = try DenseSequenceTracker.track([face, blank, face], fps: 5, models: mediaPipeFolder)
        #expect(rows.map(\.frame) == [0, 1, 2] && rows.map(\.time) == [0, 0.2, 0.4])
        #expect(rows[0].result.detectionScore != nil && rows[1].result.points == nil && rows[2].result.detectionScore != nil)
        #expect(rows[0].result.points! == rows[2].result.points!)
        #expect(throws: UsageError.self) { _ = try DenseSequenceTracker.track([], fps: 5, models: mediaPipeFolder) }
    }
}

/// `track --landmarker mediapipe` then `fit`, as a user runs them: the MediaPipe CSV is fitted with every
/// point through the default model's embedding (the parameter file says so), and `--dense-weight 0` fits the
/// 68 points read off them.
@Suite struct DenseTrackAndFitCommandTests {
    @Test func trackedMeshPointsAreFittedDensely() throws {
        let model = try AtlasFixture.model
        let folder = AtlasFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let face = folder.appendingPathComponent("smile.png")
        let smile = try FaceParameters(model: model, settings: ["AU6": 0.7, "AU12": 0.8])
        try PNG.write(try FaceRendering.render(model: model, parameters: smile, view: .front, size: 384, wrinkles: false), to: face)
        let csv = folder.appendingPathComponent("smile.csv").path
        _ = try FaceAtlasCLI.run(["track", face.path, "--landmarker", "mediapipe", "--mediapipe-models", mediaPipeFolder.path, "--out", csv, "--quiet"])
        let dense = folder.appendingPathComponent("dense.npz").path, sparse = folder.appendingPathComponent("sparse.npz").path
        _ = try FaceAtlasCLI.run(["fit", csv, "--out", dense])
        _ = try FaceAtlasCLI.run(["fit", csv, "--dense-weight", "0", "--out", sparse])
        #expect(throws: TestProcess.Failure.self) { try FaceAtlasCLI.run(["fit", csv, "--dense-weight", "-1", "--out", sparse]) }
        let script = """
        import json, sys, numpy as np
        for path in sys.argv[1:]:
            z = np.load(path, allow_pickle=False)
            meta = json.loads(str(z['meta']))
            names = meta['expressionNames']
            def au(label):
                return max(float(z['exp'][0, i]) for i, n in enumerate(names) if n.upper().rstrip('LR') == label)
            print(meta['detector'] + '|' + repr(au('AU12')) + '|' + repr(au('AU6')))
        """
        let lines = try TestProcess.run(["python3", "-c", script, dense, sparse], timeout: 60).split(separator: "\n").map(String.init)
        print("track + fit of a rendered smile (AU6 0.7, AU12 0.8): " + lines.joined(separator: "; "))
        let fields = lines.map { $0.split(separator: "|").map(String.init) }
        #expect(fields[0][0].contains("fitted densely") && fields[1][0].contains("iBUG 68"))
        // The render's smile is read back from the landmarker's points, smaller than rendered: on an untextured
        // render Face Mesh moves its cheek and lip points less than the surface moves (measured AU12 0.30, AU6 0.13;
        // the same fit of the model's own dense points recovers 0.67 and 0.57, DenseLandmarkFitTests).
        #expect(Double(fields[0][1])! > 0.2, "dense AU12 \(fields[0][1])")
    }
}

/// The eyes refined by MediaPipe's iris model: 478 points, the irises where the render's eyes are, the mirrored
/// eye mirrored back.
@Suite struct IrisRefinementTests {
    @Test func irisesSitInTheEyesOfAFrontalRender() throws {
        let model = try AtlasFixture.model
        let size = 512
        let image = try FaceRendering.render(model: model, parameters: FaceParameters(), view: .front, size: size, wrinkles: false)
        let tracker = try MediaPipeFaceTracker(models: mediaPipeFolder)
        tracker.refinesEyes = true
        let refined = try #require(try tracker.track(image).points)
        tracker.reset()
        tracker.refinesEyes = false
        let mesh = try #require(try tracker.track(image).points)
        #expect(refined.count == IrisLandmarker.refinedPointCount && mesh.count == 468)
        let iod = distance(SIMD2(mesh[33].x, mesh[33].y), SIMD2(mesh[263].x, mesh[263].y))
        // Points the iris model does not refine are the mesh's own; the refined eye contours stay near the mesh's.
        let eyes = Set(IrisLandmarker.contourMeshIndices.flatMap { $0 })
        #expect(eyes.count == 142)
        for i in 0..<468 where !eyes.contains(i) { #expect(refined[i] == mesh[i]) }
        let moved = eyes.map { distance(SIMD2(refined[$0].x, refined[$0].y), SIMD2(mesh[$0].x, mesh[$0].y)) / iod }
        #expect(moved.sorted()[moved.count / 2] < 0.03, "refined eye contours moved a median \(moved.sorted()[moved.count / 2]) eye distances")
        // Each iris centre lies between its eye's corners, and the two are mirror images about the face's midline
        // (the render is symmetric): a mirroring error would put the second iris off its eye.
        let right = SIMD2(refined[468].x, refined[468].y), left = SIMD2(refined[473].x, refined[473].y)
        for (centre, (a, b)) in [(right, (33, 133)), (left, (362, 263))] {
            let mid = (SIMD2(mesh[a].x, mesh[a].y) + SIMD2(mesh[b].x, mesh[b].y)) / 2
            #expect(distance(centre, mid) < 0.08 * iod, "iris centre \(centre) vs eye centre \(mid)")
        }
        let midline = (mesh[33].x + mesh[263].x) / 2
        #expect(abs((right.x + left.x) / 2 - midline) < 0.02 * iod && abs(right.y - left.y) < 0.02 * iod)
        // Four iris-edge points around each centre, at a plausible iris radius (an iris is about 11.7 mm, the eye
        // corners about 90 mm apart: 0.065 eye distances).
        for c in [468, 473] {
            let centre = SIMD2(refined[c].x, refined[c].y)
            let radii = (1...4).map { distance(SIMD2(refined[c + $0].x, refined[c + $0].y), centre) / iod }
            #expect(radii.allSatisfy { $0 > 0.03 && $0 < 0.12 }, "iris radii \(radii)")
        }
        // The CSV holds the 478 points, and the reader gives the 468 mesh points to the fitter.
        let rows = [MediaPipeCSV.Row(frame: 0, time: 0, result: .init(points: refined, faceScore: 1, detectionScore: 1), imageSize: SIMD2(size, size))]
        #expect(MediaPipeCSV.text(rows).split(separator: "\n")[0].split(separator: ",").count == 2 + 3 * 478 + 5)
        let folder = AtlasFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("refined.csv")
        try MediaPipeCSV.write(rows, to: url)
        let back = try LandmarkIO.read(url)
        #expect(back.frames[0].densePoints?.count == 468)
    }
}

/// `model calibrate-mediapipe --model F --out G.npz` embeds Face Mesh's points on any model file: on the default
/// model's own file it reproduces the embedding the model was built with (the calibration is a deterministic
/// measurement), and the written model fits MediaPipe points densely.
@Suite struct CalibrateModelFileCommandTests {
    @Test func calibratingTheDefaultModelFileReproducesItsEmbedding() throws {
        let model = try AtlasFixture.model
        let folder = AtlasFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("default.npz"), output = folder.appendingPathComponent("dense.npz")
        _ = try FaceModelFile.write(model, to: input)
        _ = try FaceAtlasCLI.run(["model", "calibrate-mediapipe", "--model", input.path, "--mediapipe-models", mediaPipeFolder.path,
                                  "--out", output.path], timeout: 1200)
        let (calibrated, meta) = try FaceModelFile.read(output)
        // The same triangles; coordinates and spreads as the table rounds them (5 and 3 decimals).
        let mine = try #require(calibrated.denseLandmarks), built = try #require(model.denseLandmarks)
        #expect(mine.triangles == built.triangles)
        #expect(zip(mine.barycentric, built.barycentric).allSatisfy { a, b in let d = a - b; return max(abs(d.x), abs(d.y), abs(d.z)) < 2e-5 })
        #expect(zip(mine.spread, built.spread).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(meta.provenance["dense_landmarks"]?.contains("Face Mesh") == true)
        #expect(throws: TestProcess.Failure.self) {
            try FaceAtlasCLI.run(["model", "calibrate-mediapipe", "--model", input.path, "--out", folder.appendingPathComponent("t.csv").path])
        }
    }
}
