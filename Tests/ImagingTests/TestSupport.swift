import Foundation
@testable import Imaging

/// Deterministic pseudo-random bytes for test images (a 64-bit LCG).
struct TestNoise {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 6364136223846793005 &+ 1442695040888963407 }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 16
    }
}

func noiseImage(width: Int, height: Int, channels: Int, seed: UInt64) -> Image {
    var noise = TestNoise(seed: seed)
    var image = Image(width: width, height: height, channels: channels)
    for i in image.pixels.indices { image.pixels[i] = UInt8(truncatingIfNeeded: noise.next()) }
    return image
}

func noiseImage16(width: Int, height: Int, channels: Int, seed: UInt64) -> Image16 {
    var noise = TestNoise(seed: seed)
    var image = Image16(width: width, height: height, channels: channels)
    for i in image.samples.indices { image.samples[i] = UInt16(truncatingIfNeeded: noise.next()) }
    // Include the extremes, where rounding bugs show.
    image.samples[0] = 0
    image.samples[image.samples.count - 1] = 65535
    return image
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("faceatlas-imaging-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
