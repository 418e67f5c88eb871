import FaceAtlasCore
import Foundation

/// eos's blendshapes file (`share/expression_blendshapes_3448.bin`, read by
/// `eos::morphablemodel::load_blendshapes`): a cereal `BinaryOutputArchive` holding nothing but
/// a `std::vector<eos::morphablemodel::Blendshape>`.
///
/// The layout, from eos's `Blendshape.hpp` and cereal's binary archive:
///
/// - a `uint64` count, then each blendshape's fields in order: `name`, a `std::string`
///   (`uint64` length and the bytes), and `deformation`, a 3N×1 vector (xyzxyz…, like a PCA
///   model's mean);
/// - `Blendshape`'s `serialize` takes no version and eos declares no `CEREAL_CLASS_VERSION`
///   for it, so there is no class-version word, neither at the start nor per item;
/// - the deformation is an `Eigen::VectorXf` (eos 0.12 and later: `int32` rows, `int32`
///   cols = 1, the floats) or, in files of the OpenCV era, a `cv::Mat` (`int32` rows, cols and
///   type, a `bool` "continuous", the elements), both read as `EosMorphableModel` reads its matrices;
/// - nothing follows the last blendshape.
///
/// These are the same records a `MorphableModel` file holds as its expression model when that
/// is a set of blendshapes (variant index 1).
enum EosBlendshapesFile {
    /// The blendshapes in `data`; `path` is named in errors.
    ///
    /// - Throws: `FileError` for a truncated or damaged file, impossible sizes, a deformation
    ///   that is not a vector, bytes after the last blendshape, or a file without blendshapes.
    static func parse(_ data: Data, path: String) throws -> [EosMorphableModel.Blendshape] {
        do {
            return try parse(data, path: path, encoding: .eigen)
        } catch let eigenError {
            // A file of the OpenCV era reads only that way; anything else keeps the Eigen reading's error.
            if let openCV = try? parse(data, path: path, encoding: .openCV) { return openCV }
            throw eigenError
        }
    }

    private static func parse(_ data: Data, path: String, encoding: EosMorphableModel.MatrixEncoding) throws -> [EosMorphableModel.Blendshape] {
        var r = CerealBinaryReader(data: data, path: path)
        let shapes = try EosMorphableModel.blendshapes(&r, encoding)
        guard r.remaining == 0 else {
            throw r.error("\(r.remaining) bytes follow the last of the \(shapes.count) blendshapes: the file is not an eos blendshapes file (std::vector<Blendshape>), or is damaged",
                          reading: "end of blendshapes")
        }
        guard !shapes.isEmpty else {
            throw FileError(path, "the file holds no blendshapes (a count of 0)", at: "byte 0 (blendshapes: count)")
        }
        return shapes
    }
}
