import Testing
@testable import Imaging

@Suite("Image operations")
struct ImageOperationsTests {
    @Test("subscript addresses row-major interleaved samples")
    func subscripting() {
        var image = Image(width: 4, height: 3, channels: 3, fill: 7)
        image[2, 1, 0] = 200
        #expect(image.pixels[(1 * 4 + 2) * 3] == 200)
        #expect(image[2, 1, 0] == 200)
        #expect(image[0, 0, 2] == 7)
        var map = Image16(width: 2, height: 2, channels: 1, fill: 9)
        map[1, 1, 0] = 65535
        #expect(map.samples == [9, 9, 9, 65535])
    }

    @Test("tiling places images in cells with gaps and background")
    func tiling() {
        let red = Image(width: 10, height: 6, channels: 3, pixels: [UInt8](repeating: 0, count: 180).enumerated().map { $0.offset % 3 == 0 ? 255 : 0 })
        let gray = Image(width: 4, height: 4, channels: 1, fill: 100)
        let sheet = Image.tiled([[red, gray], [gray]], gap: 2, background: [0, 0, 255])
        #expect(sheet.channels == 3)
        #expect(sheet.width == 2 + 10 + 2 + 4 + 2)
        #expect(sheet.height == 2 + 6 + 2 + 4 + 2)
        #expect([sheet[0, 0, 0], sheet[0, 0, 1], sheet[0, 0, 2]] == [0, 0, 255])
        #expect([sheet[2, 2, 0], sheet[2, 2, 1], sheet[2, 2, 2]] == [255, 0, 0])
        // The gray image in the first row is centred vertically in its 6-pixel cell.
        #expect([sheet[14, 3, 0], sheet[14, 3, 1]] == [100, 100])
        #expect(sheet[14, 2, 2] == 255)
        // Second row, first column: the 4-pixel image is centred in a 10-pixel column.
        #expect(sheet[2 + 3, 10, 0] == 100)
        #expect(sheet[2 + 2, 10, 2] == 255)
    }

    @Test("bilinear resize keeps constant images and interpolates gradients")
    func resizing() {
        let flat = Image(width: 7, height: 5, channels: 4, fill: 123)
        #expect(flat.resized(width: 13, height: 2) == Image(width: 13, height: 2, channels: 4, fill: 123))
        var ramp = Image(width: 2, height: 1, channels: 1)
        ramp[0, 0, 0] = 0
        ramp[1, 0, 0] = 200
        let wide = ramp.resized(width: 4, height: 1)
        #expect(wide.pixels == [0, 50, 150, 200])
        let same = noiseImage(width: 9, height: 9, channels: 3, seed: 5)
        #expect(same.resized(width: 9, height: 9) == same)
    }

    @Test("text is drawn with the bitmap font and clipped at the edges")
    func text() {
        var image = Image(width: 40, height: 12, channels: 3, fill: 255)
        image.drawText("Hi!", x: 1, y: 1, scale: 1, color: [255, 0, 0])
        // 'H' has a full-height left stem.
        for row in 1..<8 { #expect([image[1, row, 0], image[1, row, 1]] == [255, 0]) }
        #expect(image[2, 1, 1] == 255)
        #expect(Image.textSize("Hi!") == (17, 7))
        #expect(Image.textSize("ab\nc", scale: 2) == (22, 32))
        var scaled = Image(width: 8, height: 8, channels: 1)
        scaled.drawText("|", x: -4, y: 0, scale: 2, color: [255])
        #expect(scaled[0, 0, 0] == 255 && scaled[1, 13 / 2, 0] == 255 && scaled[2, 0, 0] == 0)
        var clipped = Image(width: 3, height: 3, channels: 1)
        clipped.drawText("W\u{1F600}", x: -100, y: -100, scale: 3)
        #expect(clipped.pixels.allSatisfy { $0 == 0 })
        #expect(BitmapFont.isInk("?", column: 0, row: 1))
        #expect(BitmapFont.isInk("é", column: 0, row: 1))
    }

    @Test("channel conversion replicates gray and adds opaque alpha")
    func channelConversion() {
        let gray = Image(width: 1, height: 1, channels: 1, fill: 80)
        #expect(gray.converted(toChannels: 4).pixels == [80, 80, 80, 255])
        let rgb = Image(width: 1, height: 1, channels: 3, pixels: [255, 255, 255])
        #expect(rgb.converted(toChannels: 1).pixels == [255])
    }
}
