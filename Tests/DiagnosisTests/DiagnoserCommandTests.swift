import FaceAtlasTestSupport
import Foundation
import Imaging
import Testing

/// `faceatlas train-diagnoser`, `diagnose` and `explain` end to end on a tiny network and frames folder.
@Suite struct DiagnoserCommandTests {
    /// Frames `<class>/<participant>/<n>.png`, each class tinted its own colour.
    func frames(in folder: URL) throws {
        let tints: [String: [Double]] = ["MDD": [1, 0.3, 0.3], "BD": [0.3, 1, 0.3], "HC": [0.3, 0.3, 1]]
        for (cls, tint) in tints {
            for p in 0..<4 {
                for f in 0..<3 {
                    var image = Image(width: 40, height: 40, channels: 3)
                    for y in 0..<40 {
                        for x in 0..<40 {
                            let v = 0.5 + 0.5 * sin(Double(x * (f + 1) + y * (p + 2)) / 7)
                            for c in 0..<3 { image[x, y, c] = UInt8(min(255, 40 + 200 * v * tint[c])) }
                        }
                    }
                    try PNG.write(image, to: folder.appendingPathComponent("\(cls)/\(cls)\(p)/\(f).png"))
                }
            }
        }
    }

    @Test func trainsResumesDiagnosesAndExplains() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dx-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("frames")
        try frames(in: data)
        let weights = folder.appendingPathComponent("dx.npz").path
        let common = ["--data", data.path, "--out", weights, "--width", "4", "--input-size", "32", "--batch", "8",
                      "--classes", "MDD,BD,HC", "--quiet"]
        let trained = try FaceAtlasCLI.run(["train-diagnoser", "--epochs", "2"] + common)
        #expect(trained.contains("epoch 2"), "\(trained)")
        let resumed = try FaceAtlasCLI.run(["train-diagnoser", "--epochs", "3", "--resume"] + common)
        #expect(resumed.contains("epoch 3") && !resumed.contains("epoch 1 "), "\(resumed)")

        let participant = data.appendingPathComponent("BD/BD1")
        let out = folder.appendingPathComponent("dx-out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let diagnosed = try FaceAtlasCLI.run(["diagnose", "--weights", weights, participant.path, "--out", out.appendingPathComponent("diagnosis.json").path])
        #expect(diagnosed.contains("BD1"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("diagnosis.json")))
        #expect("\(json)".contains("probabilities"))

        // Landmarks for the three frames: a plausible face layout inside the 40 × 40 frame.
        var csv = "frame,time," + (0..<68).map { "x\($0),y\($0)" }.joined(separator: ",") + "\n"
        for f in 0..<3 {
            let points = (0..<68).map { i -> String in
                let a = Double(i) / 68 * 2 * .pi
                return "\(20 + 12 * cos(a) + Double(f) * 0.1),\(20 + 14 * sin(a))"
            }
            csv += "\(f + 1),\(Double(f) / 5)," + points.joined(separator: ",") + "\n"
        }
        let landmarks = folder.appendingPathComponent("landmarks.csv")
        try Data(csv.utf8).write(to: landmarks)
        // Two participants, each with its landmarks: frame rows, a mean per participant and the mean of the means.
        let explainOut = folder.appendingPathComponent("explain")
        let other = data.appendingPathComponent("MDD/MDD2")
        _ = try FaceAtlasCLI.run(["explain", "--weights", weights, participant.path, other.path, "--landmarks", landmarks.path,
                                  "--landmarks", landmarks.path, "--out", explainOut.path])
        let table = try String(contentsOf: explainOut.appendingPathComponent("attention.csv"), encoding: .utf8)
        let lines = table.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        #expect(header.starts(with: ["participant", "frame", "class"]) && header.contains("organ_jaw") && header.contains("organ_outer_lip"), "\(header)")
        #expect(lines.count == 1 + 2 * (3 + 1) + 1, "\(table)")
        let means = lines.filter { $0[1] == "mean" }
        #expect(means.map { $0[0] } == ["BD1", "MDD2", "all"])
        let jaw = header.firstIndex(of: "organ_jaw")!
        let (a, b, all) = (Double(means[0][jaw])!, Double(means[1][jaw])!, Double(means[2][jaw])!)
        #expect(abs(all - (a + b) / 2) < 2e-3, "the 'all' row is the mean of the participants' means")
        let overlays = try FileManager.default.contentsOfDirectory(atPath: explainOut.path).filter { $0.hasSuffix(".png") }
        #expect(overlays.count == 6 && overlays.contains("overlay-MDD2-0.png"), "\(overlays)")
        #expect(throws: (any Error).self) {
            try FaceAtlasCLI.run(["explain", "--weights", weights, participant.path, other.path, "--landmarks", landmarks.path,
                                  "--out", explainOut.path])
        }
    }
}
