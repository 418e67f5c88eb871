import FaceAtlasCore
import Foundation
import Testing
@testable import Landmarks

/// dlib imglab XML datasets: images, face boxes and their 68 parts.
struct ImglabDatasetTests {
    /// The 68 parts of `points` as imglab writes them (two-digit names), one per line.
    static func parts(_ points: [SIMD2<Double>], names: [String]? = nil) -> String {
        points.enumerated().map { index, p in
            "      <part name='\(names?[index] ?? String(format: "%02d", index))' x='\(Int(p.x.rounded()))' y='\(Int(p.y.rounded()))'/>"
        }.joined(separator: "\n")
    }

    /// A dataset as dlib's examples are written: two images, one of them with an annotated face, a box
    /// without parts and an ignored face.
    static func goodText() -> String {
        let face = SyntheticFace.points()
        return """
        <?xml version='1.0' encoding='ISO-8859-1'?>
        <?xml-stylesheet type='text/xsl' href='image_metadata_stylesheet.xsl'?>
        <dataset>
        <name>Training faces</name>
        <comment>Faces &amp; landmarks.</comment>
        <images>
          <image file='photos/a.jpg' width='640' height='480'>
            <box top='100' left='200' width='240' height='300'>
        \(parts(face))
            </box>
            <box top='10' left='20' width='30' height='30'/>
            <box top='5' left='5' width='40' height='40' ignore='1'>
        \(parts(face.map { $0 + 1 }))
            </box>
          </image>
          <image file='b.png'>
            <box top='1' left='2' width='3' height='4'>
              <label>child</label>
        \(parts(face.reversed(), names: (0..<68).map { String(67 - $0) }))
            </box>
          </image>
        </images>
        </dataset>
        """
    }

    @Test func readsImagesBoxesAndParts() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("faces/training.xml", Self.goodText())
        let dataset = try ImglabDataset.read(url)
        #expect(dataset.name == "Training faces")
        #expect(dataset.comment == "Faces & landmarks.")
        #expect(dataset.images.count == 2)
        let a = dataset.images[0]
        #expect(a.file == "photos/a.jpg" && a.size == SIMD2(640, 480) && a.boxes.count == 3)
        #expect(a.boxes[0].left == 200 && a.boxes[0].top == 100 && a.boxes[0].width == 240 && a.boxes[0].height == 300)
        #expect(a.boxes[0].line == 8)
        #expect(a.boxes[1].landmarks == nil && !a.boxes[1].isIgnored)
        #expect(a.boxes[2].isIgnored)
        #expect(dataset.images[1].size == nil && dataset.images[1].boxes[0].label == "child")
        #expect(dataset.url(of: a).path == folder.file("faces/photos/a.jpg").path)

        // The annotated faces: not the box without parts, not the ignored one; parts in index order.
        let faces = dataset.faces
        #expect(faces.count == 2)
        let expected = SyntheticFace.points().map { SIMD2($0.x.rounded(), $0.y.rounded()) }
        #expect(faces[0].box.landmarks == expected)
        #expect(faces[1].box.landmarks == expected, "parts named 67...0 in file order are put back in index order")
        #expect(faces[0].index == 0 && faces[1].index == 0)

        let sequence = dataset.landmarkSequence(of: faces[0])
        #expect(sequence.frames.count == 1 && sequence.frames[0].isValid && sequence.imageSize == SIMD2(640, 480))
        #expect(sequence.frames[0].points[36].x < sequence.frames[0].points[45].x)
    }

    /// A bad file and the line and words its error must have.
    struct BadCase: Sendable, CustomStringConvertible {
        var name: String
        var text: String
        var line: Int?
        var fragment: String
        var description: String { name }
    }

    static func box(_ parts: String, attributes: String = "top='1' left='2' width='3' height='4'") -> String {
        "<dataset>\n<images>\n<image file='a.jpg'>\n<box \(attributes)>\n\(parts)\n</box>\n</image>\n</images>\n</dataset>\n"
    }

    static let face = SyntheticFace.points()

    static let badCases: [BadCase] = [
        BadCase(name: "image without file", text: "<dataset>\n<images>\n<image width='3' height='4'/>\n</images>\n</dataset>",
                line: 3, fragment: "<image> has no 'file' attribute"),
        BadCase(name: "box without top", text: box(parts(face), attributes: "left='2' width='3' height='4'"),
                line: 4, fragment: "<box> has no 'top' attribute"),
        BadCase(name: "part without x", text: box("<part name='00' y='3'/>"), line: 5, fragment: "<part> has no 'x' attribute"),
        BadCase(name: "part without name", text: box("<part x='1' y='3'/>"), line: 5, fragment: "<part> has no 'name' attribute"),
        BadCase(name: "67 parts", text: box(parts(Array(face.prefix(67)))), line: 72, fragment: "has 67 parts; a face needs all 68"),
        BadCase(name: "part 68", text: box(parts(face, names: (1...68).map { String($0) })), line: 72,
                fragment: "name='68' is not an iBUG point number"),
        BadCase(name: "repeated part", text: box(parts(face, names: ["00"] + (0..<67).map { String($0) })), line: 6,
                fragment: "part 0 appears twice"),
        BadCase(name: "non-numeric x", text: box("<part name='00' x='ten' y='3'/>"), line: 5, fragment: "x='ten' is not a number"),
        BadCase(name: "infinite y", text: box("<part name='00' x='1' y='inf'/>"), line: 5, fragment: "y='inf' is not a number"),
        BadCase(name: "non-numeric box", text: box("", attributes: "top='1' left='2px' width='3' height='4'"), line: 4,
                fragment: "left='2px' is not a number"),
        BadCase(name: "negative size", text: box("", attributes: "top='1' left='2' width='-3' height='4'"), line: 4,
                fragment: "negative size"),
        BadCase(name: "bad width", text: "<dataset><images><image file='a.jpg' width='wide' height='4'/></images></dataset>", line: 1,
                fragment: "width='wide' is not a positive whole number"),
        BadCase(name: "bad ignore", text: box("", attributes: "top='1' left='2' width='3' height='4' ignore='yes'"), line: 4,
                fragment: "ignore='yes' is not 0 or 1"),
        BadCase(name: "part outside a box", text: "<dataset>\n<images>\n<image file='a.jpg'>\n<part name='00' x='1' y='2'/>\n</image>\n</images>\n</dataset>",
                line: 4, fragment: "<part> outside <box>"),
        BadCase(name: "not XML", text: "file,x,y\na.jpg,1,2\n", line: 1, fragment: "not well-formed XML"),
        BadCase(name: "truncated", text: box(parts(face)).split(separator: "\n").prefix(20).joined(separator: "\n") + "\n", line: nil,
                fragment: "the file ends inside <box> (truncated?)"),
        BadCase(name: "no dataset", text: "<images><image file='a.jpg'/></images>", line: 1, fragment: "<images> outside <dataset>"),
        BadCase(name: "other XML", text: "<html><body>hello</body></html>", line: nil, fragment: "no <dataset> element"),
        BadCase(name: "entities", text: "<!DOCTYPE d [<!ENTITY a 'aaaa'>]>\n<dataset/>", line: nil, fragment: "document type declaration"),
        BadCase(name: "empty", text: "  \n", line: nil, fragment: "the file is empty"),
    ]

    @Test(arguments: badCases)
    func badFilesNameTheFileAndTheProblem(_ bad: BadCase) throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("bad.xml", bad.text)
        do {
            _ = try ImglabDataset.read(url)
            Issue.record("\(bad.name): expected a FileError containing '\(bad.fragment)'")
        } catch let error as FileError {
            #expect(error.path == url.path, "\(bad.name): \(error)")
            #expect(error.problem.contains(bad.fragment), "\(bad.name): \(error)")
            if let line = bad.line { #expect(error.location == "line \(line)", "\(bad.name): \(error)") } else { #expect(error.location == nil || error.location!.hasPrefix("line ")) }
            #expect(error.description.hasPrefix(url.path))
        }
    }

    @Test func aMissingFileIsNamed() throws {
        let folder = try TemporaryFolder()
        expectFileError(folder.file("none.xml"), at: nil, "no such file") { _ = try ImglabDataset.read(folder.file("none.xml")) }
    }
}
