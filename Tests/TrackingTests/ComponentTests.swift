import FaceAtlasCore
import Foundation
import Imaging
import Testing
@testable import Tracking

/// The parts that need neither ffmpeg nor dlib's model.
struct ComponentTests {
    @Test func pnmStreamsCarryTheirOwnSizes() throws {
        var bytes = Array("P5\n# a comment\n3 2\n255\n".utf8) + [1, 2, 3, 4, 5, 6]
        bytes += Array("P6 1 1 255\n".utf8) + [10, 20, 30]
        var offset = 0
        var reader = PNMReader { buffer in
            let n = min(buffer.count, bytes.count - offset)
            for i in 0..<n { buffer[i] = bytes[offset + i] }
            offset += n
            return n
        }
        let gray = try #require(try reader.next())
        #expect(gray.width == 3 && gray.height == 2 && gray.channels == 1 && gray.pixels == [1, 2, 3, 4, 5, 6])
        let rgb = try #require(try reader.next())
        #expect(rgb.width == 1 && rgb.height == 1 && rgb.channels == 3 && rgb.pixels == [10, 20, 30])
        #expect(try reader.next() == nil)
    }

    @Test func aCutPNMStreamIsAnError() throws {
        let bytes = Array("P5 4 4 255\n".utf8) + [1, 2, 3]
        var offset = 0
        var reader = PNMReader { buffer in
            let n = min(buffer.count, bytes.count - offset)
            for i in 0..<n { buffer[i] = bytes[offset + i] }
            offset += n
            return n
        }
        #expect(throws: PNMReader.Failure.self) { _ = try reader.next() }
        var other = PNMReader { _ in 0 }
        #expect(try other.next() == nil)
        let sixteen = Array("P5 1 1 65535\n".utf8) + [0, 0]
        var index = 0
        var wide = PNMReader { buffer in
            let n = min(buffer.count, sixteen.count - index)
            for i in 0..<n { buffer[i] = sixteen[index + i] }
            index += n
            return n
        }
        #expect(throws: PNMReader.Failure.self) { _ = try wide.next() }
    }

    @Test func boxesOverlapAndDistance() {
        let a = FaceBox(left: 0, top: 0, right: 9, bottom: 9, score: 1)
        let b = FaceBox(left: 5, top: 0, right: 14, bottom: 9, score: 1)
        let c = FaceBox(left: 100, top: 100, right: 109, bottom: 109, score: 1)
        #expect(a.width == 10 && a.area == 100)
        #expect(a.overlap(a) == 1)
        #expect(abs(a.overlap(b) - 50.0 / 150.0) < 1e-12)
        #expect(a.overlap(c) == 0)
        #expect(a.distance(to: b) == 0.5)
    }

    @Test func sharpnessFallsWithBlur() {
        var sharp = Image(width: 200, height: 200, channels: 1)
        for y in 0..<200 { for x in 0..<200 { sharp[x, y, 0] = ((x / 8 + y / 8) % 2 == 0) ? 220 : 30 } }
        // A box blur of radius 6.
        var blurred = sharp
        for y in 0..<200 {
            for x in 0..<200 {
                var sum = 0, count = 0
                for dy in -6...6 { for dx in -6...6 {
                    let xx = x + dx, yy = y + dy
                    if xx >= 0, yy >= 0, xx < 200, yy < 200 { sum += Int(sharp[xx, yy, 0]); count += 1 }
                } }
                blurred[x, y, 0] = UInt8(sum / count)
            }
        }
        let flat = Image(width: 200, height: 200, channels: 1, fill: 128)
        let box = FaceBox(left: 20, top: 20, right: 179, bottom: 179, score: 1)
        let s = Sharpness.measure(sharp, box: box), b = Sharpness.measure(blurred, box: box)
        #expect(Sharpness.measure(flat, box: box) == 0)
        #expect(s > 1000, "\(s)")
        #expect(b < s / 10, "\(b) vs \(s)")
        #expect(b < QualityThresholds().minimumSharpness, "\(b)")
        #expect(Sharpness.measure(sharp, box: FaceBox(left: 5, top: 5, right: 6, bottom: 6, score: 0)).isNaN)
    }

    /// The crop's eye positions sample the image at the eye centres: a horizontal ramp whose
    /// value is the x coordinate reads back as the eyes' x.
    @Test func cropsPlaceTheEyesByASimilarity() {
        var ramp = Image(width: 250, height: 250, channels: 1)
        for y in 0..<250 { for x in 0..<250 { ramp[x, y, 0] = UInt8(x) } }
        var points = [SIMD2<Double>](repeating: SIMD2(125, 150), count: 68)
        for i in 36...41 { points[i] = SIMD2(100, 110) + (i == 36 ? SIMD2(-4, 0) : i == 39 ? SIMD2(4, 0) : .zero) }
        for i in 42...47 { points[i] = SIMD2(150, 110) + (i == 42 ? SIMD2(-4, 0) : i == 45 ? SIMD2(4, 0) : .zero) }
        let crop = FaceCrop.aligned(ramp, points: points, size: 100)
        #expect(crop.width == 100 && crop.height == 100 && crop.channels == 1)
        // Eyes at (36, 40) and (64, 40) in the crop: 28 px apart for 50 px in the image.
        #expect(abs(Int(crop[36, 40, 0]) - 100) <= 1)
        #expect(abs(Int(crop[64, 40, 0]) - 150) <= 1)
        #expect(abs(Int(crop[50, 40, 0]) - 125) <= 1)
        // Rows are level (no rotation for level eyes): the same value down a column.
        #expect(crop[50, 10, 0] == crop[50, 90, 0])
        // Outside the image is black.
        let far = FaceCrop.aligned(ramp, points: points.map { $0 - SIMD2(90, 0) }, size: 100)
        #expect(far[0, 40, 0] == 0)
    }

    /// The alignment maps image points into the crop and back, and puts the eye centres where the crop has them.
    @Test func cropAlignmentMapsPointsBothWays() {
        // 68 points on a rough face: eyes at 36...41 (image left) and 42...47.
        var points = (0..<68).map { (i: Int) -> SIMD2<Double> in SIMD2(250 + Double(i % 17) * 6, 150 + Double(i / 17) * 25) }
        for i in 36...41 { points[i] = SIMD2(270 + Double(i - 36) * 3, 160) }
        for i in 42...47 { points[i] = SIMD2(320 + Double(i - 42) * 3, 162) }
        // Tilt the face by 20° about (300, 200) so the similarity has a rotation.
        let angle = 20.0 * .pi / 180
        let c = cos(angle), s = sin(angle), centre = SIMD2<Double>(300, 200)
        points = points.map { (p: SIMD2<Double>) -> SIMD2<Double> in
            let d = p - centre
            let x: Double = c * d.x - s * d.y, y: Double = s * d.x + c * d.y
            return centre + SIMD2(x, y)
        }
        let alignment = FaceCrop.Alignment(points: points, size: 160)
        let (eyeL, eyeR) = FaceCrop.eyeCentres(points)
        let l = alignment.cropPoint(eyeL), r = alignment.cropPoint(eyeR)
        #expect(abs(l.x - 0.36 * 160) < 1e-9 && abs(l.y - 0.40 * 160) < 1e-9)
        #expect(abs(r.x - 0.64 * 160) < 1e-9 && abs(r.y - 0.40 * 160) < 1e-9)
        for p in points {
            let back = alignment.imagePoint(alignment.cropPoint(p))
            #expect(abs(back.x - p.x) < 1e-9 && abs(back.y - p.y) < 1e-9)
        }
    }

    @Test func sizesAndRates() throws {
        #expect(try DecodeOptions.parseSize("512") == SIMD2(512, 512))
        #expect(try DecodeOptions.parseSize("640x480") == SIMD2(640, 480))
        #expect(throws: UsageError.self) { _ = try DecodeOptions.parseSize("big") }
        #expect(throws: UsageError.self) { try DecodeOptions(fps: -1).validate() }
        #expect(throws: UsageError.self) { try DecodeOptions(fps: 5, resize: SIMD2(8, 8)).validate() }
        try DecodeOptions(fps: 15).validate()
    }
}
