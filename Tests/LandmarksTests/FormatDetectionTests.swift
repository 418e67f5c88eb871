import FaceAtlasCore
import Foundation
import Testing
@testable import Landmarks

/// `LandmarkFormat.detect` and the dispatch in `LandmarkIO`.
struct FormatDetectionTests {
    @Test func csvFlavoursAreToldApartByTheirHeaders() throws {
        let folder = try TemporaryFolder()
        let openFace2 = try folder.write("a.csv", "frame, face_id, timestamp, confidence, success, x_0\n")
        let openFaceImage = try folder.write("b.csv", "face,confidence,AU01_r\n")
        let mediaPipe = try folder.write("c.csv", "frame,time,x0,y0,z0,x1,y1,z1\n")
        let plain = try folder.write("d.csv", "\u{FEFF}frame,time,x0,y0,x1,y1\n")
        #expect(try LandmarkFormat.detect(openFace2) == .openFace)
        #expect(try LandmarkFormat.detect(openFaceImage) == .openFace)
        #expect(try LandmarkFormat.detect(mediaPipe) == .mediaPipe)
        #expect(try LandmarkFormat.detect(plain) == .csv)
        let other = try folder.write("e.csv", "a,b,c\n1,2,3\n")
        expectFileError(other, at: "line 1", "CSV header is not") { _ = try LandmarkFormat.detect(other) }
    }

    @Test func jsonIsMenpoOrMediaPipeByContent() throws {
        let folder = try TemporaryFolder()
        let menpo = try folder.write("a.json", "{\"version\": 2, \"labels\": [], \"landmarks\": {\"points\": []}}")
        let mediaPipe = try folder.write("b.json", "[{\"landmarks\": []}]")
        #expect(try LandmarkFormat.detect(menpo) == .ljson)
        #expect(try LandmarkFormat.detect(mediaPipe) == .mediaPipe)
    }

    @Test func extensionsAndFolders() throws {
        let folder = try TemporaryFolder()
        #expect(try LandmarkFormat.detect(try folder.write("a.pts", "")) == .pts)
        #expect(try LandmarkFormat.detect(try folder.write("a.ljson", "")) == .ljson)
        #expect(try LandmarkFormat.detect(try folder.write("a.npz", "")) == .npz)
        let unknown = try folder.write("a.xyz", "")
        expectFileError(unknown, at: nil, "cannot tell the landmark format") { _ = try LandmarkFormat.detect(unknown) }
        let emptyFolder = folder.file("nothing")
        try FileManager.default.createDirectory(at: emptyFolder, withIntermediateDirectories: true)
        expectFileError(emptyFolder, at: nil, "no .pts files") { _ = try LandmarkFormat.detect(emptyFolder) }
        let missing = folder.file("missing.csv")
        expectFileError(missing, at: nil, "no such file") { _ = try LandmarkIO.read(missing) }
    }

    @Test func rawValuesAreTheCommandLineNames() {
        #expect(LandmarkFormat.allCases.map(\.rawValue) == ["pts", "ljson", "openface", "mediapipe", "csv", "npz"])
    }

    @Test func otherProgramsFormatsAreNotWritten() throws {
        let folder = try TemporaryFolder()
        let sequence = LandmarkSequence(frames: [LandmarkFrame(time: 0, points: SyntheticFace.points())], source: "x")
        let url = folder.file("x.csv")
        expectFileError(url, at: nil, "not supported") { try LandmarkIO.write(sequence, to: url, format: .openFace) }
        let empty = folder.file("empty.csv")
        expectFileError(empty, at: nil, "no frames") { try LandmarkIO.write(LandmarkSequence(frames: [], source: "x"), to: empty, format: .csv) }
    }
}
