import Diagnosis
import FaceAtlasCore
import FaceAtlasTestSupport
import Foundation
import Imaging
import Numerics
import Testing

@Suite("Datasets, participant split, images")
struct DatasetTests {
    @Test("a frame folder splits 7:2:1 by participant within each class, with no participant on two sides")
    func participantSplit() throws {
        let root = try SyntheticFrames.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try SyntheticFrames.frameFolder(root, classes: ["MDD", "BD", "HC"], participants: 10, frames: 2, size: 8)
        let dataset = try FrameDataset.folder(root, classes: ["MDD", "BD", "HC"])
        #expect(dataset.frames.count == 60 && dataset.participants.count == 30)
        let split = try ParticipantSplit(dataset, seed: 4)
        #expect(split.train.participants.count == 21 && split.validation.participants.count == 6 && split.test.participants.count == 3)
        for label in 0..<3 {
            #expect(Set(split.train.frames.filter { $0.label == label }.map(\.participant)).count == 7)
        }
        let sides = [split.train, split.validation, split.test].map { Set($0.participants) }
        #expect(sides[0].isDisjoint(with: sides[1]) && sides[0].isDisjoint(with: sides[2]) && sides[1].isDisjoint(with: sides[2]))
        #expect(split.train.frames.count + split.validation.frames.count + split.test.frames.count == 60)
        // Another seed gives another split, still disjoint.
        let other = try ParticipantSplit(dataset, seed: 5)
        #expect(Set(other.train.participants) != sides[0])
    }

    @Test("a participant under two classes is refused, by the folder reader and by the split")
    func participantOnTwoClasses() throws {
        let root = try SyntheticFrames.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try SyntheticFrames.frameFolder(root, classes: ["A", "B"], participants: 2, frames: 1, size: 8)
        try FileManager.default.copyItem(at: root.appendingPathComponent("A/a-0"), to: root.appendingPathComponent("B/a-0"))
        #expect { try FrameDataset.folder(root) } throws: { "\($0)".contains("a-0") && "\($0)".contains("both") }
        let frame = { (label: Int) in LabelledFrame(url: root, label: label, participant: "p1") }
        #expect { try ParticipantSplit(FrameDataset(classes: ["A", "B"], frames: [frame(0), frame(1)])) } throws: { "\($0)".contains("p1") }
        #expect(throws: UsageError.self) {
            try ParticipantSplit.checkDisjoint(FrameDataset(classes: ["A"], frames: [frame(0)]), FrameDataset(classes: ["A"], frames: [frame(0)]))
        }
    }

    @Test("a RAF-DB folder: list_label.txt and Image/aligned, train and test by name, labels from 1")
    func rafDB() throws {
        let root = try SyntheticFrames.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Image/aligned"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("EmoLabel"), withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: 1)
        for name in ["train_00001", "train_00002", "test_0001"] {
            try PNG.write(SyntheticFrames.image(label: 0, size: 8, generator: &generator),
                          to: root.appendingPathComponent("Image/aligned/\(name)_aligned.png"))
        }
        try "train_00001.png 5\ntrain_00002.png 7\ntest_0001.png 1\n".write(to: root.appendingPathComponent("EmoLabel/list_label.txt"),
                                                                        atomically: true, encoding: .utf8)
        #expect(FrameDataset.isRAFDB(root))
        let (train, test) = try FrameDataset.rafDB(root)
        #expect(train.frames.map(\.label) == [4, 6] && test.frames.map(\.label) == [0])
        #expect(train.classes[4] == "Sadness")
        try "train_00001.png 9\n".write(to: root.appendingPathComponent("EmoLabel/list_label.txt"), atomically: true, encoding: .utf8)
        #expect { try FrameDataset.rafDB(root) } throws: { "\($0)".contains("list_label.txt") && "\($0)".contains("line 1") }
    }

    @Test("JPEG through libjpeg matches the PNG it was made from; damaged files name the file")
    func jpeg() throws {
        let root = try SyntheticFrames.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        var image = Image(width: 48, height: 32, channels: 3)
        for y in 0..<32 { for x in 0..<48 { image[x, y, 0] = UInt8(x * 5); image[x, y, 1] = UInt8(y * 7); image[x, y, 2] = 128 } }
        let png = root.appendingPathComponent("a.png"), jpg = root.appendingPathComponent("a.jpg")
        try PNG.write(image, to: png)
        _ = try TestProcess.run(["ffmpeg", "-v", "error", "-i", png.path, "-q:v", "2", jpg.path])
        let decoded = try FrameImages.read(jpg)
        #expect(decoded.width == 48 && decoded.height == 32 && decoded.channels == 3)
        let error = zip(decoded.pixels, image.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(image.pixels.count)
        #expect(error < 4, "mean absolute difference \(error)")
        let broken = root.appendingPathComponent("broken.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3]).write(to: broken)
        #expect { try FrameImages.read(broken) } throws: { "\($0)".contains(broken.path) && "\($0)".contains("JPEG") }
    }
}
