import FaceAtlasTestSupport
import Foundation
import Testing

/// The command-line conventions users rely on, checked through the real executable: exit statuses by kind
/// (64 usage, 65 bad data, 66 missing input, 73 cannot create an output), errors on standard error that name
/// the file or the option (usage banners only for usage errors), nothing on standard output when a command
/// fails, and progress never on standard output.
@Suite("faceatlas command-line conventions", .enabled(if: FaceAtlasCLI.executable != nil))
struct CommandLineConventionTests {
    /// One bad invocation and what it must do.
    struct Case: CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        /// Text standard error must contain (the file, the option, the problem).
        var names: [String]
        var description: String { arguments.joined(separator: " ") }
    }

    /// Files the cases use, in a fresh folder.
    struct Files {
        let folder: URL
        var text: URL { folder.appendingPathComponent("notes.npz") }
        var png: URL { folder.appendingPathComponent("renders/front.png") }
        var emptyFile: URL { folder.appendingPathComponent("empty.csv") }
        var noValidFrames: URL { folder.appendingPathComponent("no-face.csv") }
        var badNumbers: URL { folder.appendingPathComponent("bad-numbers.csv") }
        var fifo: URL { folder.appendingPathComponent("pipe.npz") }
        var userFolder: URL { folder.appendingPathComponent("my-documents") }
        var missing: URL { folder.appendingPathComponent("missing.npz") }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("these are notes, not an archive\n".utf8).write(to: text)
            try Data().write(to: emptyFile)
            let header = (["frame", "time"] + (0..<68).flatMap { ["x\($0)", "y\($0)"] }).joined(separator: ",")
            let blank = (["0", "0"] + Array(repeating: "", count: 136)).joined(separator: ",")
            try Data("\(header)\n\(blank)\n".utf8).write(to: noValidFrames)
            let garbage = (["0", "0"] + Array(repeating: "abc", count: 136)).joined(separator: ",")
            try Data("\(header)\n\(garbage)\n".utf8).write(to: badNumbers)
            #expect(mkfifo(fifo.path, 0o600) == 0)
            try FileManager.default.createDirectory(at: userFolder, withIntermediateDirectories: true)
            try Data("precious\n".utf8).write(to: userFolder.appendingPathComponent("thesis.txt"))
            _ = try FaceAtlasCLI.run(["model", "render", "--size", "64", "--out", folder.appendingPathComponent("renders").path])
        }
    }

    static func cases(_ f: Files) -> [Case] {
        let out = f.folder.appendingPathComponent("out").path
        return [
            // Usage (64): the option is named, with the nearest one for a typo.
            Case(arguments: ["fit", "--grup", "x"], status: 64, names: ["Unknown option '--grup'"]),
            Case(arguments: ["fit", f.noValidFrames.path, "--iteratons", "3", "--out", out], status: 64, names: ["'--iteratons'", "--iterations"]),
            Case(arguments: ["model", "render", "--size", "0", "--out", out], status: 64, names: ["--size"]),
            Case(arguments: ["render", "--size=8", "x"], status: 64, names: ["--size"]),
            Case(arguments: ["synth", "--subjects", "-3", "--out", out], status: 64, names: ["--subjects", "-3"]),
            Case(arguments: ["fit", f.noValidFrames.path, "--out", out, "--fps", "0"], status: 64, names: ["--fps"]),
            Case(arguments: ["fit", f.noValidFrames.path, "--out", out, "--dense-weight", "-1"], status: 64, names: ["--dense-weight"]),
            Case(arguments: ["track", "x.mp4", "--out", out, "--progress", "loud"], status: 64, names: ["--progress", "loud"]),
            Case(arguments: ["help", "nonsense"], status: 64, names: ["'nonsense'"]),
            Case(arguments: ["nonsense"], status: 64, names: ["nonsense"]),
            Case(arguments: ["fit", f.noValidFrames.path], status: 64, names: ["--out"]),
            // Missing input (66).
            Case(arguments: ["inspect", f.missing.path], status: 66, names: [f.missing.path, "no such file"]),
            Case(arguments: ["verify", f.missing.path], status: 66, names: [f.missing.path]),
            Case(arguments: ["fit", f.folder.appendingPathComponent("gone.csv").path, "--out", out], status: 66, names: ["gone.csv"]),
            Case(arguments: ["track", f.folder.appendingPathComponent("gone.mp4").path, "--out", out], status: 66, names: ["gone.mp4"]),
            Case(arguments: ["model", "info", "--model", f.missing.path], status: 66, names: [f.missing.path]),
            Case(arguments: ["anonymize", f.missing.path, "--out", out, "--secret-file", f.folder.appendingPathComponent("secret").path],
                 status: 66, names: ["secret", "no such file"]),
            // Bad input data (65): the file is named and what it is.
            Case(arguments: ["inspect", f.text.path], status: 65, names: [f.text.path, "a text file"]),
            Case(arguments: ["verify", f.png.path], status: 65, names: [f.png.path, "PNG image"]),
            Case(arguments: ["inspect", f.png.path], status: 65, names: ["PNG image"]),
            Case(arguments: ["model", "info", "--model", f.text.path], status: 65, names: [f.text.path]),
            Case(arguments: ["fit", f.noValidFrames.path, "--out", out], status: 65, names: [f.noValidFrames.path, "no frame has the landmarks"]),
            Case(arguments: ["fit", f.badNumbers.path, "--out", out], status: 65, names: [f.badNumbers.path]),
            Case(arguments: ["fit", f.emptyFile.path, "--out", out], status: 65, names: [f.emptyFile.path]),
            Case(arguments: ["track", f.text.path, "--out", out], status: 65, names: [f.text.path]),
            Case(arguments: ["inspect", f.fifo.path], status: 65, names: [f.fifo.path, "FIFO"]),
            Case(arguments: ["fit", f.fifo.path, "--out", out], status: 65, names: [f.fifo.path, "FIFO"]),
            // Cannot create an output (73), and nothing is lost.
            Case(arguments: ["fit", f.folder.appendingPathComponent("renders/front.png/x").path, "--out", out], status: 66, names: ["front.png/x"]),
            Case(arguments: ["model", "render", "--size", "64", "--out", f.text.path + "/views"], status: 73, names: [f.text.path]),
        ]
    }

    @Test("bad invocations and bad files: exit status by kind, the file or option named on stderr, stdout empty")
    func badInvocations() throws {
        let files = try Files()
        defer { try? FileManager.default.removeItem(at: files.folder) }
        let cases = Self.cases(files)
        #expect(cases.count >= 25)
        for c in cases {
            let outcome = try FaceAtlasCLI.invoke(c.arguments, timeout: 60)
            #expect(outcome.status == c.status, "\(c): status \(outcome.status), stderr: \(outcome.error)")
            for name in c.names {
                #expect(outcome.error.contains(name), "\(c): stderr does not name '\(name)': \(outcome.error)")
            }
            // `verify` reports a verdict per file on stdout (its result); every other failing command prints nothing there.
            if c.arguments.first != "verify" {
                #expect(outcome.output.isEmpty, "\(c): stdout is not empty: \(outcome.output)")
            }
            if c.status != 64 {
                #expect(!outcome.error.contains("Usage:"), "\(c): a runtime error shows the usage banner: \(outcome.error)")
                #expect(outcome.error.hasPrefix("Error: "), "\(c): \(outcome.error)")
            }
        }
        // Nothing the user had was touched.
        #expect(try String(contentsOf: files.userFolder.appendingPathComponent("thesis.txt"), encoding: .utf8) == "precious\n")
        #expect(try String(contentsOf: files.text, encoding: .utf8) == "these are notes, not an archive\n")
    }

    @Test("negative numbers are option values; --version prints the release; progress stays off stdout")
    func goodInvocations() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let render = try FaceAtlasCLI.invoke(["model", "render", "--identity", "-2.4,1.5", "--size", "64", "--out", folder.path])
        #expect(render.status == 0, "\(render.error)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("front.png").path))
        let completion = try FaceAtlasCLI.invoke(["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.output.contains("complete") && completion.output.contains("mesh"))
        let version = try FaceAtlasCLI.invoke(["--version"])
        #expect(version.status == 0 && version.output.split(separator: ".").count == 3)
        // A long command with progress, piped: stdout holds only its results; stderr no bar (not a terminal).
        let synth = try FaceAtlasCLI.invoke(["synth", "--subjects", "3", "--frames", "4", "--out", folder.appendingPathComponent("c").path])
        #expect(synth.status == 0, "\(synth.error)")
        #expect(!synth.output.contains("/3") && !synth.output.contains("%"), "\(synth.output)")
        #expect(!synth.error.contains("█"))
        // --json on fit, inspect and verify: standard output is one JSON document.
        let params = folder.appendingPathComponent("p.npz")
        let fit = try FaceAtlasCLI.invoke(["fit", folder.appendingPathComponent("c/landmarks/S0001/happiness.npz").path,
                                           "--out", params.path, "--json"])
        #expect(fit.status == 0, "\(fit.error)")
        let fitted = try JSONSerialization.jsonObject(with: Data(fit.output.utf8)) as? [String: Any]
        #expect((fitted?["files"] as? [[String: Any]])?.first?["frames"] as? Int == 4 && fitted?["identityNorm"] is Double)
        let inspect = try FaceAtlasCLI.invoke(["inspect", params.path, "--json"])
        let inspected = try JSONSerialization.jsonObject(with: Data(inspect.output.utf8)) as? [String: Any]
        #expect(inspected?["valid"] as? Bool == true && (inspected?["summary"] as? [String: Any])?["frames"] as? Int == 4)
        let missing = folder.appendingPathComponent("gone.npz").path
        let verify = try FaceAtlasCLI.invoke(["verify", params.path, missing, "--json"])
        #expect(verify.status == 66 && verify.error.contains(missing))
        let verified = try JSONSerialization.jsonObject(with: Data(verify.output.utf8)) as? [String: Any]
        #expect((verified?["files"] as? [[String: Any]])?.map { $0["valid"] as? Bool } == [true, false] && verified?["failed"] as? Int == 1)
        // --progress plain: a few lines on stderr, none on stdout.
        let plain = try FaceAtlasCLI.invoke(["synth", "--subjects", "3", "--frames", "4", "--progress", "plain",
                                             "--out", folder.appendingPathComponent("d").path])
        #expect(plain.status == 0 && plain.error.contains("synth: 3/3") && !plain.output.contains("3/3"), "\(plain.error)")
    }
}

/// One-call workflows: a video to a parameter file in one command and to the fitted face's mesh in a second;
/// implausible frame times are warned about.
@Suite("faceatlas one-call workflows", .enabled(if: FaceAtlasCLI.executable != nil && RealFaceData.isReachable))
struct OneCallWorkflowTests {
    @Test("a real video → parameter file (fit) → OBJ of the fitted face (mesh) that assimp re-imports")
    func videoToMesh() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-video-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try RealFaceData.folder.get().appendingPathComponent("pyfeat/WolfgangLanger_Pexels.mp4")
        let clip = folder.appendingPathComponent("laugh.mp4")
        _ = try TestProcess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", "12", "-i", source.path, "-t", "2",
                                 "-c:v", "libx264", "-pix_fmt", "yuv420p", clip.path])
        let params = folder.appendingPathComponent("laugh.npz")
        let fit = try FaceAtlasCLI.invoke(["fit", clip.path, "--out", params.path, "--landmarks-out", folder.appendingPathComponent("laugh.csv").path])
        #expect(fit.status == 0, "\(fit.error)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("laugh.csv").path))
        let obj = folder.appendingPathComponent("laugh.obj")
        let mesh = try FaceAtlasCLI.invoke(["mesh", params.path, "--peak", "--out", obj.path])
        #expect(mesh.status == 0, "\(mesh.error)")
        let info = try TestProcess.run(["assimp", "info", obj.path])
        #expect(info.contains("Vertices:") && info.contains("Faces:"), "\(info.prefix(400))")
        // The face laughs: the peak frame's mesh differs from the same identity's neutral face around the mouth.
        let neutral = folder.appendingPathComponent("neutral.obj")
        let frameZero = try FaceAtlasCLI.invoke(["mesh", params.path, "--mean", "--out", neutral.path])
        #expect(frameZero.status == 0)
        let a = try String(contentsOf: obj, encoding: .utf8), b = try String(contentsOf: neutral, encoding: .utf8)
        #expect(a != b)
        // Wrong combinations are usage errors.
        let both = try FaceAtlasCLI.invoke(["mesh", params.path, "--peak", "--mean", "--out", obj.path])
        #expect(both.status == 64 && both.error.contains("--frame, --peak and --mean"))
        let beyond = try FaceAtlasCLI.invoke(["mesh", params.path, "--frame", "9999", "--out", obj.path])
        #expect(beyond.status == 64 && beyond.error.contains("frames"), "\(beyond.error)")
    }

    @Test("frame times stepping by 1 ms are warned about, with the rate and what to do")
    func implausibleTimes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-times-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let synth = try FaceAtlasCLI.invoke(["synth", "--subjects", "3", "--frames", "6", "--out", folder.path])
        #expect(synth.status == 0, "\(synth.error)")
        let landmarks = folder.appendingPathComponent("landmarks/S0001/happiness.npz")
        let csv = folder.appendingPathComponent("fitted.csv")
        let first = try FaceAtlasCLI.invoke(["fit", landmarks.path, "--out", folder.appendingPathComponent("a.npz").path,
                                             "--fitted-landmarks", csv.path])
        #expect(first.status == 0 && !first.error.contains("warning"), "\(first.error)")
        // The same landmarks with times in milliseconds-as-seconds.
        var lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        for i in 1..<lines.count {
            var fields = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[1] = String(Double(i - 1) * 0.001)
            lines[i] = fields.joined(separator: ",")
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: csv)
        let second = try FaceAtlasCLI.invoke(["fit", csv.path, "--out", folder.appendingPathComponent("b.npz").path])
        #expect(second.status == 0)
        #expect(second.error.contains("warning: \(csv.path)") && second.error.contains("1000 frames per second")
                && second.error.contains("--resample"), "\(second.error)")
    }
}

/// Outputs never destroy what they did not create: `atlas build --out` refuses a folder holding other files or
/// its own inputs, and replaces only an atlas it wrote itself.
@Suite("outputs never destroy what they did not create", .enabled(if: FaceAtlasCLI.executable != nil))
struct OutputSafetyTests {
    @Test("atlas build refuses a folder with other files, a file, and the folder of its own inputs; rebuilds its own atlas")
    func atlasBuildLosesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-safety-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cohort = folder.appendingPathComponent("cohort")
        let synth = try FaceAtlasCLI.invoke(["synth", "--subjects", "6", "--frames", "6", "--out", cohort.path])
        #expect(synth.status == 0, "\(synth.error)")
        // The truth parameter files as the cohort's manifest, inside the cohort folder.
        let manifest = cohort.appendingPathComponent("params.csv")
        let text = try String(contentsOf: cohort.appendingPathComponent("manifest.csv"), encoding: .utf8)
        try Data(text.replacingOccurrences(of: "landmarks/", with: "truth/").utf8).write(to: manifest)
        let before = try FileManager.default.subpathsOfDirectory(atPath: cohort.path).sorted()

        // Its own inputs' folder.
        let own = try FaceAtlasCLI.invoke(["atlas", "build", manifest.path, "--out", cohort.path])
        #expect(own.status == 73 && own.error.contains(cohort.path) && own.error.contains("did not write"), "\(own.error)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: cohort.path).sorted() == before)
        // A user's folder.
        let documents = folder.appendingPathComponent("documents")
        try FileManager.default.createDirectory(at: documents, withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: documents.appendingPathComponent("thesis.txt"))
        let user = try FaceAtlasCLI.invoke(["atlas", "build", manifest.path, "--out", documents.path])
        #expect(user.status == 73, "\(user.error)")
        #expect(try String(contentsOf: documents.appendingPathComponent("thesis.txt"), encoding: .utf8) == "precious\n")
        // A regular file.
        let file = folder.appendingPathComponent("notes.txt")
        try Data("notes\n".utf8).write(to: file)
        let onFile = try FaceAtlasCLI.invoke(["atlas", "build", manifest.path, "--out", file.path])
        let notes = try String(contentsOf: file, encoding: .utf8)
        #expect(onFile.status == 73 && notes == "notes\n", "\(onFile.error)")
        // A new folder, then the same again: its own atlas is replaced.
        let atlas = folder.appendingPathComponent("atlas")
        for _ in 0..<2 {
            let built = try FaceAtlasCLI.invoke(["atlas", "build", manifest.path, "--out", atlas.path])
            #expect(built.status == 0, "\(built.error)")
            #expect(FileManager.default.fileExists(atPath: atlas.appendingPathComponent("atlas.json").path))
        }
    }

    @Test("a FIFO given as an input is refused at once, not waited on")
    func fifoIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("params.npz")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for arguments in [["inspect", fifo.path], ["verify", fifo.path], ["model", "info", "--model", fifo.path],
                          ["fit", fifo.path, "--out", folder.appendingPathComponent("x.npz").path],
                          ["track", fifo.path, "--out", folder.appendingPathComponent("x.csv").path]] {
            // With a 5 s limit: a reader that opened the FIFO would block and be killed (status 124).
            let outcome = try FaceAtlasCLI.invoke(arguments, timeout: 5)
            #expect(outcome.status == 65 && outcome.error.contains("FIFO"), "\(arguments[0]): \(outcome.status) \(outcome.error)")
        }
    }
}
