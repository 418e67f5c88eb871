import FaceAtlasCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A dlib imglab dataset: the XML file that dlib's `imglab` annotation tool writes and its
/// `train_shape_predictor` reads, listing images, the face boxes in each, and each box's landmarks.
///
/// ```xml
/// <dataset>
/// <name>Training faces</name>
/// <images>
///   <image file='2007_007763.jpg' width='500' height='375'>
///     <box top='90' left='194' width='37' height='37'>
///       <part name='00' x='201' y='107'/>
///       ...
///       <part name='67' x='210' y='120'/>
///     </box>
///   </image>
/// </images>
/// </dataset>
/// ```
///
/// Image files are relative to the XML file's folder. Coordinates are dlib's 0-based pixels, as
/// FaceAtlas's. A box either has no parts (a detection box only) or the 68 iBUG points, each part
/// named by its index (`00`…`67`, or `0`…`67`); a box may be marked `ignore='1'`.
///
/// The file is untrusted input: anything else (not XML, a document type declaration, a missing or
/// non-numeric attribute, a wrong number of parts, a repeated part, an element out of place) is a
/// `FileError` naming the file, the line and the problem.
public struct ImglabDataset: Sendable {
    /// One `<box>`: a face's rectangle and, when annotated, its 68 points.
    public struct Box: Sendable, Equatable {
        /// The first column inside the box.
        public var left: Double
        /// The first row inside the box.
        public var top: Double
        /// The width in pixels.
        public var width: Double
        /// The height in pixels.
        public var height: Double
        /// Whether the box is marked `ignore='1'` (imglab: not to be used for training or testing).
        public var isIgnored: Bool
        /// The box's `<label>`, if it has one.
        public var label: String?
        /// The 68 iBUG points in index order (part `00` first), or nil when the box has no parts.
        public var landmarks: [SIMD2<Double>]?
        /// The line of the file the box starts on (for messages).
        public var line: Int

        /// Creates a box.
        public init(left: Double, top: Double, width: Double, height: Double, isIgnored: Bool = false, label: String? = nil,
                    landmarks: [SIMD2<Double>]? = nil, line: Int = 0) {
            self.left = left
            self.top = top
            self.width = width
            self.height = height
            self.isIgnored = isIgnored
            self.label = label
            self.landmarks = landmarks
            self.line = line
        }
    }

    /// One `<image>` and its boxes.
    public struct ImageEntry: Sendable {
        /// The image file as written, relative to the XML file's folder unless absolute.
        public var file: String
        /// The image size (width, height) when the file records it.
        public var size: SIMD2<Int>?
        /// The boxes, in file order.
        public var boxes: [Box]
        /// The line of the file the image starts on (for messages).
        public var line: Int
    }

    /// One annotated face: a box with landmarks that is not ignored, and its image.
    public struct Face: Sendable {
        /// The image the face is in.
        public var image: ImageEntry
        /// The face's box and points (`box.landmarks` is never nil here).
        public var box: Box
        /// The face's 0-based number among the annotated faces of its image.
        public var index: Int
    }

    /// The XML file.
    public var url: URL
    /// The dataset's `<name>`, if given.
    public var name: String?
    /// The dataset's `<comment>`, if given.
    public var comment: String?
    /// The images, in file order.
    public var images: [ImageEntry]

    /// Creates a dataset in memory.
    public init(url: URL, name: String? = nil, comment: String? = nil, images: [ImageEntry]) {
        self.url = url
        self.name = name
        self.comment = comment
        self.images = images
    }

    /// The annotated faces: every box with landmarks that is not ignored, image by image.
    public var faces: [Face] {
        images.flatMap { image in
            image.boxes.filter { $0.landmarks != nil && !$0.isIgnored }.enumerated().map { Face(image: image, box: $1, index: $0) }
        }
    }

    /// The file of `image`, resolved against the XML file's folder.
    public func url(of image: ImageEntry) -> URL {
        if image.file.hasPrefix("/") { return URL(fileURLWithPath: image.file) }
        return url.deletingLastPathComponent().appendingPathComponent(image.file)
    }

    /// `face` as a one-frame landmark sequence (time 0), with the image size when the file gives it,
    /// ready for `ObservedSequence`.
    public func landmarkSequence(of face: Face) -> LandmarkSequence {
        let frame = LandmarkFrame(time: 0, points: face.box.landmarks ?? []).invalidatingMissingPoints()
        return LandmarkSequence(frames: [frame], source: "\(url.path):\(face.box.line)", imageSize: face.image.size)
    }

    /// Reads the imglab XML file at `url`.
    /// - Throws: `FileError` naming the file, the line and the problem.
    public static func read(_ url: URL) throws -> ImglabDataset {
        try parse(try AtomicFile.read(url), url: url)
    }

    /// Parses imglab XML `data` read from `url` (named in errors).
    /// - Throws: `FileError` naming the file, the line and the problem.
    public static func parse(_ data: Data, url: URL) throws -> ImglabDataset {
        guard data.contains(where: { !$0.isXMLWhitespace }) else { throw FileError(url, "the file is empty") }
        // imglab files never declare a document type; refusing one keeps entity expansion out.
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil {
            throw FileError(url, "the file has a document type declaration (<!DOCTYPE or <!ENTITY), which imglab files do not have")
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let reader = Reader(url: url)
        parser.delegate = reader
        let ok = parser.parse()
        if let error = reader.error { throw error }
        guard ok else {
            let code = (parser.parserError as NSError?)?.code ?? 0
            throw FileError(url, "not well-formed XML (XML parser error \(code)); is it an imglab file?", at: "line \(max(parser.lineNumber, 1))")
        }
        // The XML parser does not always report a document that stops inside an element.
        if let open = reader.openElements.last {
            throw FileError(url, "the file ends inside <\(open)> (truncated?)", at: "line \(max(parser.lineNumber, 1))")
        }
        guard reader.sawDataset else { throw FileError(url, "no <dataset> element: not an imglab file") }
        return ImglabDataset(url: url, name: reader.name, comment: reader.comment, images: reader.images)
    }
}

extension UInt8 {
    fileprivate var isXMLWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}

/// The XML parser's delegate: builds the images and boxes, and stops at the first problem.
private final class Reader: NSObject, XMLParserDelegate {
    let url: URL
    var error: FileError?
    var sawDataset = false
    var name: String?
    var comment: String?
    var images: [ImglabDataset.ImageEntry] = []
    /// Open elements, outermost first.
    private var path: [String] = []
    /// The elements not closed yet, outermost first.
    var openElements: [String] { path }
    private var image: ImglabDataset.ImageEntry?
    private var box: ImglabDataset.Box?
    private var parts: [Int: SIMD2<Double>] = [:]
    private var partCount = 0
    private var text = ""

    init(url: URL) { self.url = url }

    private func fail(_ parser: XMLParser, _ problem: String) {
        guard error == nil else { return }
        error = FileError(url, problem, at: "line \(max(parser.lineNumber, 1))")
        parser.abortParsing()
    }

    /// The attribute `key` of `element`, which must be there.
    private func required(_ key: String, of element: String, in attributes: [String: String], _ parser: XMLParser) -> String? {
        guard let value = attributes[key] else {
            fail(parser, "<\(element)> has no '\(key)' attribute")
            return nil
        }
        return value
    }

    /// The attribute `key` of `element` as a finite number.
    private func number(_ key: String, of element: String, in attributes: [String: String], _ parser: XMLParser) -> Double? {
        guard let text = required(key, of: element, in: attributes, parser) else { return nil }
        guard let value = CSVNumber.parse(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            fail(parser, "<\(element)> \(key)='\(text)' is not a number")
            return nil
        }
        return value
    }

    /// The optional attribute `key` of `element` as a positive whole number of pixels; nil when it is
    /// absent or bad (a bad one is recorded in `error`).
    private func pixels(_ key: String, of element: String, in attributes: [String: String], _ parser: XMLParser) -> Int? {
        guard let text = attributes[key] else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
            fail(parser, "<\(element)> \(key)='\(text)' is not a positive whole number of pixels")
            return nil
        }
        return value
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        guard error == nil else { return }
        let parent = path.last
        path.append(element)
        text = ""
        switch element {
        case "dataset":
            guard parent == nil else { return fail(parser, "<dataset> inside <\(parent!)>") }
            sawDataset = true
        case "images":
            guard parent == "dataset" else { return fail(parser, "<images> outside <dataset>") }
        case "image":
            guard parent == "images" else { return fail(parser, "<image> outside <images>") }
            guard let file = required("file", of: "image", in: attributes, parser) else { return }
            guard !file.isEmpty else { return fail(parser, "<image> has an empty 'file' attribute") }
            let width = pixels("width", of: "image", in: attributes, parser)
            let height = pixels("height", of: "image", in: attributes, parser)
            guard error == nil else { return }
            if (width == nil) != (height == nil) { return fail(parser, "<image> gives only one of 'width' and 'height'") }
            let size = width.flatMap { w in height.map { SIMD2(w, $0) } }
            image = ImglabDataset.ImageEntry(file: file, size: size, boxes: [], line: parser.lineNumber)
        case "box":
            guard parent == "image" else { return fail(parser, "<box> outside <image>") }
            guard let top = number("top", of: "box", in: attributes, parser),
                  let left = number("left", of: "box", in: attributes, parser),
                  let width = number("width", of: "box", in: attributes, parser),
                  let height = number("height", of: "box", in: attributes, parser) else { return }
            guard width >= 0, height >= 0 else { return fail(parser, "<box> has a negative size (\(width) × \(height))") }
            let ignore = attributes["ignore"].map { $0.trimmingCharacters(in: .whitespaces) }
            if let ignore, ignore != "0", ignore != "1" { return fail(parser, "<box> ignore='\(ignore)' is not 0 or 1") }
            box = ImglabDataset.Box(left: left, top: top, width: width, height: height, isIgnored: ignore == "1", line: parser.lineNumber)
            parts = [:]
            partCount = 0
        case "part":
            guard parent == "box" else { return fail(parser, "<part> outside <box>") }
            guard let label = required("name", of: "part", in: attributes, parser) else { return }
            guard let index = Int(label.trimmingCharacters(in: .whitespaces)), (0..<LandmarkSequence.pointCount).contains(index) else {
                return fail(parser, "<part> name='\(label)' is not an iBUG point number 00...\(LandmarkSequence.pointCount - 1)")
            }
            guard let x = number("x", of: "part", in: attributes, parser), let y = number("y", of: "part", in: attributes, parser) else { return }
            guard parts[index] == nil else { return fail(parser, "part \(label) appears twice in the box") }
            parts[index] = SIMD2(x, y)
            partCount += 1
        case "label":
            guard parent == "box" else { return fail(parser, "<label> outside <box>") }
        default:
            break  // <name>, <comment> and elements imglab does not know are kept out of the way.
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        guard error == nil else { return }
        path.removeLast()
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch element {
        case "name" where path.last == "dataset": name = trimmed
        case "comment" where path.last == "dataset": comment = trimmed
        case "label": box?.label = trimmed
        case "box":
            guard var finished = box else { return }
            if partCount > 0 {
                let expected = LandmarkSequence.pointCount
                guard partCount == expected else {
                    return fail(parser, "the box on line \(finished.line) has \(partCount) parts; a face needs all \(expected) iBUG points (00...\(expected - 1))")
                }
                finished.landmarks = (0..<expected).map { parts[$0]! }
            }
            image?.boxes.append(finished)
            box = nil
        case "image":
            if let image { images.append(image) }
            image = nil
        default:
            break
        }
        text = ""
    }
}
