import Diagnosis
import Foundation
import Imaging
import Numerics

/// Small labelled image folders made for the tests.
enum SyntheticFrames {
    /// A fresh temporary folder.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-dx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// An image whose class shows as the dominant colour channel, with noise.
    static func image(label: Int, size: Int, generator: inout SeededGenerator) -> Image {
        var image = Image(width: size, height: size, channels: 3)
        for y in 0..<size {
            for x in 0..<size {
                for c in 0..<3 {
                    let base = c == label ? 190.0 : 70.0
                    image[x, y, c] = UInt8(max(0, min(255, base + 40 * generator.nextGaussian())))
                }
            }
        }
        return image
    }

    /// Writes `root/<class>/<participant>/<frame>.png` with `participants` per class and `frames` each.
    static func frameFolder(_ root: URL, classes: [String], participants: Int, frames: Int, size: Int = 40, seed: UInt64 = 1) throws {
        var generator = SeededGenerator(seed: seed)
        for (label, name) in classes.enumerated() {
            for p in 0..<participants {
                let folder = root.appendingPathComponent("\(name)/\(name.lowercased())-\(p)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for f in 0..<frames {
                    try PNG.write(image(label: label, size: size, generator: &generator),
                                  to: folder.appendingPathComponent(String(format: "frame%03d.png", f)))
                }
            }
        }
    }
}
