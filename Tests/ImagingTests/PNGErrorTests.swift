import FaceAtlasCore
import Foundation
import Testing
@testable import Imaging

@Suite("PNG errors")
struct PNGErrorTests {
    @Test("garbage data is a FileError naming the source")
    func garbage() throws {
        let error = #expect(throws: FileError.self) {
            try PNG.decode(Data("this is not a picture at all".utf8), source: "faces/garbage.png")
        }
        #expect(error?.path == "faces/garbage.png")
        #expect(error?.problem.contains("libpng") == true)
    }

    @Test("a truncated PNG is a FileError naming the source", arguments: [8, 30, 60, 200])
    func truncated(length: Int) throws {
        let data = try PNG.encode(noiseImage(width: 40, height: 40, channels: 3, seed: 1))
        #expect(data.count > 200)
        let error = #expect(throws: FileError.self) {
            try PNG.decode(data.prefix(length), source: "cut.png")
        }
        #expect(error?.path == "cut.png")
        #expect(error?.problem.contains("truncated") == true)
        #expect(throws: FileError.self) { try PNG.decode16(data.prefix(length), source: "cut.png") }
    }

    @Test("empty data is a FileError")
    func empty() {
        let error = #expect(throws: FileError.self) { try PNG.decode(Data(), source: "empty.png") }
        #expect(error?.path == "empty.png")
    }

    @Test("a corrupted chunk is a FileError")
    func corrupted() throws {
        var data = try PNG.encode(noiseImage(width: 40, height: 40, channels: 1, seed: 2))
        // Flip bytes inside the IDAT payload: the CRC no longer matches.
        for i in 60..<80 { data[i] ^= 0x5A }
        #expect(throws: FileError.self) { try PNG.decode(data, source: "bad.png") }
    }

    @Test("reading a missing file names it")
    func missingFile() {
        let error = #expect(throws: FileError.self) {
            try PNG.read(URL(fileURLWithPath: "/nonexistent/face.png"))
        }
        #expect(error?.path == "/nonexistent/face.png")
    }

    @Test("writing an empty image names the destination")
    func emptyImage() {
        let url = URL(fileURLWithPath: "/tmp/faceatlas-never-written.png")
        let error = #expect(throws: FileError.self) {
            try PNG.write(Image(width: 0, height: 3, channels: 3), to: url)
        }
        #expect(error?.path == url.path)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
