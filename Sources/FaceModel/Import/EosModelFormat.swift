import FaceAtlasCore
import Foundation

/// The contents of an eos `MorphableModel` file (`eos::morphablemodel::save_model`): a cereal
/// `BinaryOutputArchive` of the model, as read by `SurreyModelImporter`.
///
/// The layout, from eos's `serialize()` functions and cereal's binary archive:
///
/// - `MorphableModel` has a versioned `serialize`, so the archive starts with its class
///   version, a `uint32` (cereal writes a type's version once, the first time the type is
///   serialised; no other eos type here is versioned). The fields per version
///   (`CEREAL_CLASS_VERSION(eos::morphablemodel::MorphableModel, 4)` in current eos):
///   - 0: shape `PcaModel`, colour `PcaModel`, texture coordinates as `vector<cv::Vec2f>`;
///        matrices are OpenCV `cv::Mat`s (the eos 0.x releases);
///   - 1: shape, colour, texture coordinates as `vector<array<double, 2>>`; Eigen matrices;
///   - 2: shape, colour, `optional<ExpressionModel>`, texture coordinates;
///   - 3: shape, colour, expression model, `optional<unordered_map<string, int>>` landmark
///        definitions, texture coordinates;
///   - 4: as 3, then `vector<array<int, 3>>` texture triangle indices.
///   Files from before class versioning (the first eos releases) have no version word and
///   the version-0 layout; they are recognised by their first matrix header.
/// - `PcaModel` (unversioned): mean, orthonormal basis, eigenvalues, triangle list. Older
///   releases wrote five fields, mean, rescaled basis, orthonormal basis, eigenvalues, triangle
///   list; the reader tells the two apart by the shape of the third matrix (eigenvalues are a
///   K×1 vector, a basis is 3N×K).
/// - Eigen matrix (eos `eigen_cerealisation.hpp`): `int32` rows, `int32` cols, then
///   rows·cols `float`s in column-major order.
/// - `cv::Mat` (eos `mat_cerealisation.hpp`): `int32` rows, cols and type, a `bool`
///   "continuous", then the elements row by row.
/// - `std::optional` (cereal `optional.hpp`, eos's C++14 fallback alike): a `bool` *nullopt*
///   (1 = empty), then the value if there is one.
/// - `ExpressionModel = variant<PcaModel, Blendshapes>`: an `int32` index (0 = PCA model,
///   1 = blendshapes), then the alternative.
/// - `Blendshapes = vector<Blendshape>`; a `Blendshape` is a `std::string` name and an Eigen
///   vector deformation (3N×1).
/// - `std::vector`, `std::string` and maps: a `uint64` size, then the items (for a map, key
///   then value); `std::array<T, n>` of arithmetic `T`: its n values, no size.
struct EosMorphableModel {
    /// A matrix in column-major order.
    struct Matrix {
        var rows: Int
        var cols: Int
        var values: [Float]

        /// Column `k` as a slice.
        func column(_ k: Int) -> ArraySlice<Float> { values[(k * rows)..<((k + 1) * rows)] }
    }

    /// A PCA model: `mean + orthonormalBasis · diag(sqrt(eigenvalues)) · α`.
    struct PcaModel {
        var mean: [Float]
        var orthonormalBasis: Matrix
        var eigenvalues: [Float]
        var triangles: [SIMD3<Int32>]
        /// Whether the file held the older five-field layout (with a rescaled basis too).
        var hadRescaledBasis: Bool
        var components: Int { eigenvalues.count }
        var isEmpty: Bool { mean.isEmpty }
    }

    /// A named deformation (3N values).
    struct Blendshape {
        var name: String
        var deformation: [Float]
    }

    /// The expression model of versions 2–4.
    enum ExpressionModel {
        case pca(PcaModel)
        case blendshapes([Blendshape])
    }

    /// The class version of `MorphableModel` in the file (`nil` for the unversioned early format).
    var version: UInt32?
    var shape: PcaModel
    var color: PcaModel
    var expression: ExpressionModel?
    var landmarkDefinitions: [String: Int]?
    /// Texture coordinates as stored by eos (v downwards, origin at the top left).
    var textureCoordinates: [SIMD2<Double>]
    var textureTriangles: [SIMD3<Int32>]

    /// The newest `MorphableModel` class version this reader knows.
    static let newestVersion: UInt32 = 4

    /// How a file stores its matrices: Eigen (eos 0.12 and later) or OpenCV `cv::Mat` (earlier).
    enum MatrixEncoding { case eigen, openCV }

    /// Parses an eos model file held in `data`; `path` is named in errors.
    static func parse(_ data: Data, path: String) throws -> EosMorphableModel {
        var r = CerealBinaryReader(data: data, path: path)
        let version: UInt32?
        if try looksUnversioned(r) {
            version = nil
        } else {
            let v = try r.uint32("MorphableModel class version")
            guard v <= newestVersion else {
                throw FileError(path, "not an eos model this FaceAtlas reads: MorphableModel class version \(v) (known: 0–\(newestVersion)); "
                                + "is it a cereal binary archive written by eos::morphablemodel::save_model?", at: "byte 0")
            }
            version = v
        }
        let encoding: MatrixEncoding = (version ?? 0) == 0 ? .openCV : .eigen
        let shape = try pcaModel(&r, encoding, "shape model")
        let color = try pcaModel(&r, encoding, "colour model")
        var expression: ExpressionModel?
        if let v = version, v >= 2, try !r.bool("expression model: nullopt flag") {
            let index = try r.int32("expression model: variant index")
            switch index {
            case 0: expression = .pca(try pcaModel(&r, encoding, "expression PCA model"))
            case 1: expression = .blendshapes(try blendshapes(&r))
            default:
                throw r.error("the expression model's variant index is \(index); eos knows 0 (PcaModel) and 1 (Blendshapes)", reading: "expression model")
            }
        }
        var definitions: [String: Int]?
        if let v = version, v >= 3, try !r.bool("landmark definitions: nullopt flag") {
            let n = try r.size("landmark definitions: count", minimumItemSize: 12)
            var map: [String: Int] = [:]
            for i in 0..<n {
                let key = try r.string("landmark definition \(i): name")
                map[key] = Int(try r.int32("landmark definition \(i): vertex"))
            }
            definitions = map
        }
        var uv: [SIMD2<Double>] = []
        if encoding == .openCV {
            let n = try r.size("texture coordinates: count", minimumItemSize: 8)
            let f = try r.floats(2 * n, "texture coordinates")
            uv = (0..<n).map { SIMD2(Double(f[2 * $0]), Double(f[2 * $0 + 1])) }
        } else {
            let n = try r.size("texture coordinates: count", minimumItemSize: 16)
            let d = try r.doubles(2 * n, "texture coordinates")
            uv = (0..<n).map { SIMD2(d[2 * $0], d[2 * $0 + 1]) }
        }
        var uvTriangles: [SIMD3<Int32>] = []
        if let v = version, v >= 4 {
            uvTriangles = try triangles(&r, "texture triangle indices")
        }
        guard r.remaining == 0 else {
            throw r.error("\(r.remaining) bytes follow the end of the model: the file is not an eos MorphableModel of version \(version.map(String.init) ?? "unversioned"), or is damaged",
                          reading: "end of model")
        }
        return EosMorphableModel(version: version, shape: shape, color: color, expression: expression,
                                 landmarkDefinitions: definitions, textureCoordinates: uv, textureTriangles: uvTriangles)
    }

    /// Whether the file starts with a `cv::Mat` header (the unversioned early format) rather
    /// than a class version: a first word beyond the known versions, followed by a column
    /// count of 1 and a float matrix type.
    private static func looksUnversioned(_ reader: CerealBinaryReader) throws -> Bool {
        var r = reader
        guard r.remaining >= 13 else { return false }
        let first = try r.int32("")
        let cols = try r.int32("")
        let type = try r.int32("")
        return first > Int32(newestVersion) && first % 3 == 0 && cols == 1 && (type == 5 || type == 6)
    }

    static func matrix(_ r: inout CerealBinaryReader, _ encoding: MatrixEncoding, _ what: String) throws -> Matrix {
        let rows = Int(try r.int32("\(what): rows"))
        let cols = Int(try r.int32("\(what): columns"))
        guard rows >= 0, cols >= 0 else {
            throw r.error("impossible matrix size \(rows)×\(cols)", reading: what)
        }
        let count = rows * cols  // both below 2³¹: no overflow
        switch encoding {
        case .eigen:
            return Matrix(rows: rows, cols: cols, values: try r.floats(count, what))
        case .openCV:
            let type = try r.int32("\(what): type")
            _ = try r.bool("\(what): continuous flag")
            let depth = type & 7, channels = (type >> 3) + 1
            if count == 0 { return Matrix(rows: rows, cols: cols, values: []) }
            guard channels == 1, depth == 5 || depth == 6 else {
                throw r.error("unsupported OpenCV matrix type \(type) (expected CV_32FC1 or CV_64FC1)", reading: what)
            }
            let rowMajor = depth == 5 ? try r.floats(count, what) : try r.doubles(count, what).map { Float($0) }
            var values = [Float](repeating: 0, count: count)
            for i in 0..<rows { for j in 0..<cols { values[j * rows + i] = rowMajor[i * cols + j] } }
            return Matrix(rows: rows, cols: cols, values: values)
        }
    }

    /// A matrix that must be a vector (one column, or one row for OpenCV-era eigenvalues).
    static func vector(_ m: Matrix, _ what: String, _ r: CerealBinaryReader) throws -> [Float] {
        guard m.cols == 1 || m.rows == 1 || m.values.isEmpty else {
            throw r.error("\(what) is a \(m.rows)×\(m.cols) matrix, not a vector", reading: what)
        }
        return m.values
    }

    private static func triangles(_ r: inout CerealBinaryReader, _ what: String) throws -> [SIMD3<Int32>] {
        let n = try r.size("\(what): count", minimumItemSize: 12)
        let flat = try r.int32s(3 * n, what)
        return (0..<n).map { SIMD3(flat[3 * $0], flat[3 * $0 + 1], flat[3 * $0 + 2]) }
    }

    private static func pcaModel(_ r: inout CerealBinaryReader, _ encoding: MatrixEncoding, _ what: String) throws -> PcaModel {
        let mean = try vector(try matrix(&r, encoding, "\(what): mean"), "\(what): mean", r)
        let first = try matrix(&r, encoding, "\(what): basis")
        let second = try matrix(&r, encoding, "\(what): eigenvalues or second basis")
        let basis: Matrix
        let eigenvalueMatrix: Matrix
        let fiveFields = encoding == .openCV || !(second.cols == 1 && second.rows == first.cols)
        if fiveFields {
            // mean, rescaled basis, orthonormal basis, eigenvalues, triangles.
            guard second.rows == first.rows, second.cols == first.cols else {
                throw r.error("the \(what)'s two bases differ in size (\(first.rows)×\(first.cols) and \(second.rows)×\(second.cols))", reading: what)
            }
            basis = second
            eigenvalueMatrix = try matrix(&r, encoding, "\(what): eigenvalues")
        } else {
            basis = first
            eigenvalueMatrix = second
        }
        let eigenvalues = try vector(eigenvalueMatrix, "\(what): eigenvalues", r)
        let tris = try triangles(&r, "\(what): triangle list")
        guard basis.rows == mean.count || basis.values.isEmpty && eigenvalues.isEmpty else {
            throw r.error("the \(what)'s basis has \(basis.rows) rows for a mean of \(mean.count) values", reading: what)
        }
        guard eigenvalues.count == basis.cols || basis.values.isEmpty && eigenvalues.isEmpty else {
            throw r.error("the \(what) has \(eigenvalues.count) eigenvalues for \(basis.cols) basis vectors", reading: what)
        }
        return PcaModel(mean: mean, orthonormalBasis: basis.values.isEmpty ? Matrix(rows: mean.count, cols: 0, values: []) : basis,
                        eigenvalues: eigenvalues, triangles: tris, hadRescaledBasis: fiveFields)
    }

    /// A `std::vector<Blendshape>`: a `uint64` count, then each blendshape's name and deformation
    /// (an Eigen vector, or a `cv::Mat` in files of the OpenCV era).
    static func blendshapes(_ r: inout CerealBinaryReader, _ encoding: MatrixEncoding = .eigen) throws -> [Blendshape] {
        // A name's size tag and a matrix header take at least 16 bytes.
        let n = try r.size("blendshapes: count", minimumItemSize: 16)
        var out: [Blendshape] = []
        for i in 0..<n {
            let name = try r.string("blendshape \(i): name")
            let m = try matrix(&r, encoding, "blendshape \(i) (\(name)): deformation")
            out.append(Blendshape(name: name, deformation: try vector(m, "blendshape \(i) (\(name)): deformation", r)))
        }
        return out
    }
}
