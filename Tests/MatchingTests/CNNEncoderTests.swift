import Atlas
import Diagnosis
import FaceAtlasTestSupport
import Foundation
import Imaging
import Matching
import Testing

/// The CNN encoder over face crops, and aligned crops of reference-face renders.
@Suite struct CNNEncoderTests {

    func image(_ seed: Int) -> Image {
        var image = Image(width: 48, height: 40, channels: 3)
        for i in image.pixels.indices { image.pixels[i] = UInt8((i * (seed + 7) + seed * 31) % 251) }
        return image
    }

    @Test func theEmbeddingIsTheMeanOfTheFramesFeatures() throws {
        let encoder = CNNEncoder(diagnoser: Diagnoser(DiagnoserConfiguration(baseWidth: 4, inputSize: 32), seed: 3))
        #expect(encoder.dimension == 32)
        let a = try encoder.embedding(of: [image(1)]), b = try encoder.embedding(of: [image(2)])
        let both = try encoder.embedding(of: [image(1), image(2)])
        #expect(a.count == 32 && a != b)
        for j in 0..<32 { #expect(abs(both[j] - (a[j] + b[j]) / 2) < 1e-5 * (1 + abs(both[j]))) }
        #expect(try encoder.embedding(of: [image(1), image(1)]).enumerated().allSatisfy { abs($0.element - a[$0.offset]) < 1e-5 * (1 + abs(a[$0.offset])) })
        #expect(throws: (any Error).self) { try encoder.embedding(of: []) }
    }

    @Test func referenceCropsPutTheEyesWhereTrackingPutsThem() throws {
        let folder = AtlasFixture.temporaryFolder()
        let (model, meta) = try AtlasFixture.loaded.get()
        let manifest = try CohortManifest.read(try AtlasFixture.cohort(in: folder, perGroup: 2))
        try Atlas.write(try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256).build(manifest), to: folder.appendingPathComponent("atlas"))
        let atlas = try Atlas.read(folder.appendingPathComponent("atlas"))
        let crops = try ReferenceFaceCrops.crops(try atlas.reference(group: "BD", stimulus: "happiness"), model: model, renderSize: 256, size: 112)
        #expect(crops.count == 2 && crops.allSatisfy { $0.width == 112 && $0.height == 112 })
        // Skin fills the centre of the front crop (not background, not empty).
        let front = crops[0]
        let centre = (56 * 112 + 56) * front.channels
        let (r, g, b) = (Int(front.pixels[centre]), Int(front.pixels[centre + 1]), Int(front.pixels[centre + 2]))
        #expect(r > g && g > b - 10 && r > 120, "skin-coloured centre: \(r) \(g) \(b)")
    }
}
