import FaceAtlasCore
import Foundation
import Testing
@testable import Landmarks

@Suite struct OpenFaceActionUnitTableTests {
    private func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("openface-au-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func readsActionUnitOnlyFiles() throws {
        // FeatureExtraction -aus output (OpenFace 2.0 separates fields with ", ").
        let url = try write("""
            frame, face_id, timestamp, confidence, success, AU01_r, AU05_r, AU01_c, AU05_c
            1, 0, 0.000, 0.98, 1, 0.52, 1.30, 0, 1
            2, 0, 0.200, 0.10, 0, 0.00, 0.00, 0, 0
            3, 0, 0.400, 0.97, 1, 1.75, 0.20, 1, 0

            """)
        defer { try? FileManager.default.removeItem(at: url) }
        let table = try OpenFaceActionUnitTable.read(url)
        #expect(table.frameCount == 3)
        #expect(table.columns["AU01_r"] == [0.52, 0, 1.75] && table.columns["AU05_c"] == [1, 0, 0])
        #expect(table.usable == [true, false, true])
        #expect(table.times == [0, 0.2, 0.4])
        #expect(Set(table.columns.keys) == ["AU01_r", "AU05_r", "AU01_c", "AU05_c"])
    }

    @Test func rejectsFilesWithoutActionUnitsOrWithBadValues() throws {
        let none = try write("frame,timestamp,x_0\n1,0,5\n")
        defer { try? FileManager.default.removeItem(at: none) }
        #expect(throws: FileError.self) { try OpenFaceActionUnitTable.read(none) }
        let bad = try write("frame,success,AU01_r\n1,1,abc\n")
        defer { try? FileManager.default.removeItem(at: bad) }
        do {
            _ = try OpenFaceActionUnitTable.read(bad)
            Issue.record("a non-number was accepted")
        } catch let error as FileError {
            #expect(error.location == "line 2" && error.problem.contains("AU01_r"))
        }
    }
}
