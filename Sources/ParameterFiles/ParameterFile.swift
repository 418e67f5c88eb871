import FaceAtlasCore
import Foundation
import NumPyFormat

/// A FaceAtlas parameter file: the fitted parameters of one sequence (one stimulus video of one
/// participant) as a NumPy `.npz` — faces shared as numbers instead of video.
///
/// Schema version 1 (`numpy.load(path, allow_pickle=False)` reads it):
///
/// | array | shape, dtype | holds |
/// | --- | --- | --- |
/// | `shape` | K f4 | identity coefficients (SD units) |
/// | `exp` | T×E f4 | expression coefficients per frame (action-unit intensities 0–1 for action-unit models) |
/// | `pose` | T×6 f4 | global rotation axis-angle, jaw axis-angle (radians), as FLAME/DECA |
/// | `cam` | T×3 f4 | scaled orthographic: scale (px/mm), tx, ty (px); pinhole and 3D: translation (mm) |
/// | `time` | T f8 | seconds from the start of the sequence |
/// | `confidence` | T f4 | mean landmark confidence (0 for frames without landmarks) |
/// | `residual` | T f4 | mean landmark error, pixels (mm for 3D); NaN where the frame had no landmarks |
/// | `residual_nme` | T f4 | the same over the outer-eye-corner distance |
/// | `vertices` | T×N×3 f4 | optional: the fitted mesh per frame, mm |
/// | `meta` | 0-d unicode | JSON: `ParameterFile.Meta`, with the SHA-256 of every other array |
///
/// An array's SHA-256 is that of its canonical `.npy` encoding (C order, little-endian, version 1.0 header
/// padded to 64 bytes), which is exactly what `numpy.save` writes: NumPy alone can verify a file with
/// `hashlib.sha256(buffer_of(np.save(array))).hexdigest() == meta["arrays"][name]`.
///
/// Reading verifies the header, every hash and the shapes; `ParameterFileCheck` reports every fault of a file
/// without stopping at the first, `ParameterFileSummary` describes one, `FLAMEImport` brings in FLAME codes of
/// other tools, `Anonymizer` makes files shareable, and `ReidentificationAudit` measures what they still reveal.
public struct ParameterFile: Sendable {
    /// The JSON header.
    public struct Meta: Codable, Sendable, Equatable {
        /// The camera of the fit.
        public struct Camera: Codable, Sendable, Equatable {
            public var model: String
            public var focalLength: Double?
            public var principalPoint: [Double]?
            public init(model: String, focalLength: Double? = nil, principalPoint: [Double]? = nil) {
                self.model = model; self.focalLength = focalLength; self.principalPoint = principalPoint
            }
        }
        public var schema: String = ParameterFile.schemaName
        public var version: Int = ParameterFile.schemaVersion
        /// The model id (name + hash prefix) and its full SHA-256.
        public var modelID: String
        public var modelSHA256: String
        /// Names of the expression columns of `exp`.
        public var expressionNames: [String]
        public var units: [String: String]
        public var camera: Camera
        /// The participant's pseudonym (or id when not anonymized).
        public var subject: String
        public var stimulus: String
        public var fps: Double?
        /// Where the landmarks came from (file name, detector).
        public var source: String
        public var detector: String
        public var fitterVersion: String
        public var fitterSettings: [String: String]
        public var anonymized: Bool
        /// What anonymization removed, when anonymized.
        public var removed: [String]
        /// SHA-256 of each array's `.npy` encoding.
        public var arrays: [String: String]

        public init(modelID: String, modelSHA256: String, expressionNames: [String], camera: Camera, subject: String, stimulus: String,
                    fps: Double?, source: String, detector: String, fitterVersion: String, fitterSettings: [String: String]) {
            self.modelID = modelID
            self.modelSHA256 = modelSHA256
            self.expressionNames = expressionNames
            self.units = ["shape": "standard deviations", "exp": "intensity", "pose": "radians, axis-angle",
                          "cam": camera.model == "scaled-orthographic" ? "scale px/mm, translation px" : "mm",
                          "time": "s", "residual": camera.model == "metric-3d" ? "mm" : "px", "vertices": "mm"]
            self.camera = camera
            self.subject = subject
            self.stimulus = stimulus
            self.fps = fps
            self.source = source
            self.detector = detector
            self.fitterVersion = fitterVersion
            self.fitterSettings = fitterSettings
            self.anonymized = false
            self.removed = []
            self.arrays = [:]
        }
    }

    /// The schema name written in `meta`.
    public static let schemaName = "faceatlas-parameters"
    /// The schema version this code writes and reads.
    public static let schemaVersion = 1

    public var meta: Meta
    public var shape: [Float]
    /// T × E, row per frame.
    public var expression: [[Float]]
    /// T × 6.
    public var pose: [[Float]]
    /// T × 3.
    public var camera: [[Float]]
    public var time: [Double]
    public var confidence: [Float]
    public var residual: [Float]
    public var residualNME: [Float]
    /// Optional T × N × 3 vertices, flattened per frame.
    public var vertices: [[Float]]?

    /// Creates a file's content; all per-frame arrays must have the same length.
    public init(meta: Meta, shape: [Float], expression: [[Float]], pose: [[Float]], camera: [[Float]], time: [Double],
                confidence: [Float], residual: [Float], residualNME: [Float], vertices: [[Float]]? = nil) {
        self.meta = meta
        self.shape = shape
        self.expression = expression
        self.pose = pose
        self.camera = camera
        self.time = time
        self.confidence = confidence
        self.residual = residual
        self.residualNME = residualNME
        self.vertices = vertices
    }

    /// Number of frames.
    public var frameCount: Int { time.count }

    // MARK: Writing

    /// The arrays of this file (without `meta`), in writing order.
    public func arrays() throws -> [(name: String, array: NumPyArray)] {
        let t = frameCount
        guard expression.count == t, pose.count == t, camera.count == t, confidence.count == t, residual.count == t, residualNME.count == t else {
            throw UsageError("parameter file: per-frame arrays disagree in length (\(t) frames)")
        }
        let e = meta.expressionNames.count
        guard expression.allSatisfy({ $0.count == e }) else {
            throw UsageError("parameter file: every row of 'exp' must have \(e) values, one per expression name")
        }
        guard pose.allSatisfy({ $0.count == 6 }), camera.allSatisfy({ $0.count == 3 }) else {
            throw UsageError("parameter file: every row of 'pose' must have 6 values and every row of 'cam' 3")
        }
        if let vertices {
            let width = vertices.first?.count ?? 0
            guard vertices.count == t, width % 3 == 0, vertices.allSatisfy({ $0.count == width }) else {
                throw UsageError("parameter file: 'vertices' must have one row of N×3 values per frame")
            }
        }
        var list: [(name: String, array: NumPyArray)] = [
            ("shape", NumPyArray(float32: shape, shape: [shape.count])),
            ("exp", NumPyArray(float32: expression.flatMap { $0 }, shape: [t, e])),
            ("pose", NumPyArray(float32: pose.flatMap { $0 }, shape: [t, 6])),
            ("cam", NumPyArray(float32: camera.flatMap { $0 }, shape: [t, 3])),
            ("time", NumPyArray(float64: time, shape: [t])),
            ("confidence", NumPyArray(float32: confidence, shape: [t])),
            ("residual", NumPyArray(float32: residual, shape: [t])),
            ("residual_nme", NumPyArray(float32: residualNME, shape: [t])),
        ]
        if let vertices {
            let n = (vertices.first?.count ?? 0) / 3
            list.append(("vertices", NumPyArray(float32: vertices.flatMap { $0 }, shape: [t, n, 3])))
        }
        return list
    }

    /// Writes the file atomically, filling in the array hashes; returns the header written.
    @discardableResult
    public func write(to url: URL, compressed: Bool = true) throws -> Meta {
        let list = try arrays()
        var meta = self.meta
        meta.arrays = Dictionary(uniqueKeysWithValues: list.map { ($0.name, Digest.sha256(NPYFormat.encode($0.array))) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(meta), as: UTF8.self)
        try NPZArchive.write(list + [(name: "meta", array: NumPyArray(string: json))], to: url, compressed: compressed)
        return meta
    }

    // MARK: Reading

    /// Reads and verifies a parameter file: schema, shapes, and every array against its SHA-256.
    /// - Throws: `FileError` naming the file, and the array at fault where there is one.
    public static func read(_ url: URL, limits: NPZLimits = .default) throws -> ParameterFile {
        try decode(try NPZArchive.read(url, limits: limits), path: url.path)
    }

    /// Reads and verifies a parameter file held in memory.
    /// - Parameter source: the file the bytes came from, named in errors.
    /// - Throws: `FileError` naming `source`, and the array at fault where there is one.
    public static func read(data: Data, source: String, limits: NPZLimits = .default) throws -> ParameterFile {
        try decode(try NPZArchive.read(data: data, source: source, limits: limits), path: source)
    }

    /// Verifies and decodes arrays already read from an archive (`NPZArchive.read`), with the same checks as `read`.
    /// - Parameter source: the file the arrays came from, named in errors.
    /// - Throws: `FileError` naming `source`, and the array at fault where there is one.
    public static func read(arrays: [(name: String, array: NumPyArray)], source: String) throws -> ParameterFile {
        try decode(arrays, path: source)
    }
}
