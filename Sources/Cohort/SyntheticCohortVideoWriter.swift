import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Mesh
import Render
import Tracking
#if canImport(Glibc)
import Glibc
#endif

/// Renders a synthetic recording as a face video: each frame is the model face of the recording's truth
/// (identity, action units, jaw, head pose) drawn by the software renderer through a long-lens camera that
/// matches the recording's scaled orthographic camera, scaled to the video size; frames in which the tracker
/// loses the face show the empty background. Raw RGB frames are piped into ffmpeg.
///
/// Videos are deterministic: ffmpeg runs single-threaded with bit-exact flags and no metadata.
public struct SyntheticCohortVideoWriter: Sendable {
    /// The video encoder and container.
    public enum Codec: String, Sendable, CaseIterable {
        /// H.264 (libx264) in MP4.
        case h264 = "libx264"
        /// Motion JPEG in AVI.
        case mjpeg

        /// The file extension.
        public var fileExtension: String { self == .h264 ? "mp4" : "avi" }

        /// The best encoder the installed ffmpeg has (H.264 when it has libx264).
        /// - Throws: `TrackingError` when ffmpeg is not installed.
        public static func best() throws -> Codec {
            let process = Process()
            process.executableURL = try ExternalTool.ffmpeg.executable()
            process.arguments = ["-hide_banner", "-encoders"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return listing.contains(" libx264 ") ? .h264 : .mjpeg
        }
    }

    /// The vertical field of view of the long-lens camera, degrees: small, so the view is nearly orthographic.
    static let fieldOfView: Float = 5

    /// The face model rendered.
    public let model: FaceModel
    /// Video size and codec.
    public let settings: SyntheticCohortVideoSettings
    /// The size of the landmark images the recordings' cameras refer to.
    public let imageSize: SIMD2<Int>
    private let colors: [SIMD3<Float>]

    /// A writer for faces of `model`, from recordings whose cameras refer to `imageSize` pixels.
    public init(model: FaceModel, settings: SyntheticCohortVideoSettings, imageSize: SIMD2<Int>) {
        self.model = model
        self.settings = settings
        self.imageSize = imageSize
        colors = FaceAppearance.colors(for: model)
    }

    /// The video's width and height: `settings.size` wide, the landmark image's aspect ratio, even sizes.
    public var videoSize: SIMD2<Int> {
        let width = settings.size - settings.size % 2
        let height = Int((Double(width) * Double(imageSize.y) / Double(imageSize.x) / 2).rounded()) * 2
        return SIMD2(width, max(2, height))
    }

    /// Frame `f` of `recording` for a participant with `identity`.
    public func frame(_ f: Int, of recording: SyntheticCohortRecording, identity: [Double]) -> Image {
        let size = videoSize
        var settings = RenderSettings(width: size.x, height: size.y, supersampling: 2)
        settings.useVertexColors = true
        settings.partMaterials = Dictionary(uniqueKeysWithValues: model.mesh.partNames.map {
            ($0, Material(baseColor: .one, specular: $0 == "eyes" ? 0.6 : 0.1, shininess: $0 == "eyes" ? 90 : 18))
        })
        let renderer = Renderer(settings: settings)
        let k = Double(size.x) / Double(imageSize.x)
        let s = recording.scale[f] * k
        // The image point (pixel centres at +0.5 for the renderer) that the camera looks at, in the model's units.
        let tx = (recording.translation[f].x + 0.5) * k - 0.5, ty = (recording.translation[f].y + 0.5) * k - 0.5
        let centre = SIMD2((Double(size.x) / 2 - 0.5 - tx) / s, (ty - Double(size.y) / 2 + 0.5) / s)
        let focal = 1 / tan(Double(Self.fieldOfView) * .pi / 360)
        let distance = focal * Double(size.y) / 2 / s
        let camera = Camera(eye: SIMD3<Float>(Float(centre.x), Float(centre.y), Float(distance)),
                            target: SIMD3<Float>(Float(centre.x), Float(centre.y), 0), verticalFieldOfView: Self.fieldOfView,
                            near: Float(distance / 2), far: Float(distance * 2))
        guard !recording.dropped[f] else { return renderer.render(TriangleMesh(positions: [], triangles: []), camera: camera) }
        let parameters = FaceParameters(identity: identity.map(Float.init), expression: recording.expression[f].map(Float.init),
                                        jaw: SIMD3(Float(recording.jaw[f]), 0, 0))
        var mesh = model.instance(parameters)
        mesh.colors = colors
        let r = recording.rotation[f]
        let rows = (SIMD3<Float>(r.r0), SIMD3<Float>(r.r1), SIMD3<Float>(r.r2))
        func rotate(_ v: SIMD3<Float>) -> SIMD3<Float> {
            SIMD3((rows.0 * v).sum(), (rows.1 * v).sum(), (rows.2 * v).sum())
        }
        mesh.positions = mesh.positions.map(rotate)
        mesh.normals = mesh.normals.map(rotate)
        return renderer.render(mesh, camera: camera)
    }

    /// Renders `recording` into a video at `url` (atomically) at `fps` frames per second.
    /// - Throws: `FileError` naming `url` when ffmpeg fails; `TrackingError` when it is not installed.
    public func write(_ recording: SyntheticCohortRecording, identity: [Double], fps: Double, to url: URL) throws {
        let size = videoSize
        let executable = try ExternalTool.ffmpeg.executable()
        // A failing ffmpeg closes the pipe: writing to it must fail with an error, not end this process.
        signal(SIGPIPE, SIG_IGN)
        try AtomicFile.write(to: url) { temporary in
            let messages = FileManager.default.temporaryDirectory
                .appendingPathComponent("faceatlas-synth-ffmpeg-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).log")
            guard FileManager.default.createFile(atPath: messages.path, contents: nil) else {
                throw FileError(messages, "cannot create a file for ffmpeg's messages")
            }
            defer { try? FileManager.default.removeItem(at: messages) }
            let process = Process()
            process.executableURL = executable
            var arguments = ["-nostdin", "-hide_banner", "-v", "error", "-y",
                             "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(size.x)x\(size.y)", "-r", String(fps), "-i", "-",
                             "-threads", "1", "-c:v", settings.codec.rawValue]
            switch settings.codec {
            case .h264: arguments += ["-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-f", "mp4"]
            case .mjpeg: arguments += ["-q:v", "3", "-pix_fmt", "yuvj420p", "-f", "avi"]
            }
            arguments += ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", temporary.path]
            process.arguments = arguments
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: messages)
            do { try process.run() } catch { throw FileError(url, "cannot start ffmpeg: \(error.localizedDescription)") }
            var writeFailed = false
            for f in 0..<recording.frameCount where !writeFailed {
                let image = frame(f, of: recording, identity: identity)
                do { try input.fileHandleForWriting.write(contentsOf: Data(image.pixels)) } catch { writeFailed = true }
            }
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            guard process.terminationReason == .exit, process.terminationStatus == 0, !writeFailed else {
                let text = (try? String(contentsOf: messages, encoding: .utf8)) ?? ""
                let last = text.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
                throw FileError(url, "ffmpeg could not encode the video: \(last)")
            }
        }
    }
}
