/// A failure of the tracking machinery itself rather than of an input file: a missing
/// program (ffmpeg, ffprobe), the dlib model not installed, or dlib reporting an error.
///
/// Problems with a video, an image or a model *file* are `FileError`s naming the file.
public struct TrackingError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and, where there is one, what to do about it.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// The NUL-terminated text in a C error buffer.
    static func text(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
