import Atlas
import FaceAtlasCore
import FaceModel
import Foundation

/// Opens an atlas and the model it was built with.
func openAtlas(_ path: String, options: ModelOptions) throws -> (atlas: Atlas, model: FaceModel) {
    let atlas = try Atlas.read(URL(fileURLWithPath: path))
    let (model, meta, url) = try options.load()
    guard meta.id == atlas.index.modelID else {
        throw UsageError("the atlas was built with model '\(atlas.index.modelID)', but \(url.path) is '\(meta.id)'; give that model with --model")
    }
    return (atlas, model)
}
