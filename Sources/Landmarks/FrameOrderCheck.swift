import FaceAtlasCore
import Foundation

/// Checks, frame by frame as a reader meets them, that times never go backwards and that
/// no frame number repeats, failing with a `FileError` that names the file and the place.
struct FrameOrderCheck {
    /// The file, named in errors.
    var path: String
    private var previousTime: Double?
    private var previousLocation: String?
    private var seenFrames: [Int: String] = [:]

    init(path: String) { self.path = path }

    /// Records a frame at `time` with source frame number `frame` (if the format has one)
    /// found at `location` (such as "line 12" or "frame 3").
    mutating func check(time: Double, frame: Int?, at location: String) throws {
        guard time.isFinite else {
            throw FileError(path, "the time \(CSVNumber.format(time)) is not a finite number", at: location)
        }
        if let previousTime, time < previousTime {
            throw FileError(
                path,
                "time goes backwards: \(CSVNumber.format(time)) s comes after \(CSVNumber.format(previousTime)) s"
                    + (previousLocation.map { " (\($0))" } ?? ""),
                at: location)
        }
        if let frame {
            if let first = seenFrames[frame] {
                throw FileError(path, "frame number \(frame) appears twice (first at \(first))", at: location)
            }
            seenFrames[frame] = location
        }
        previousTime = time
        previousLocation = location
    }
}

/// `value` as a whole number (a frame number), or `nil` if it is not one.
func wholeNumber(_ value: Double) -> Int? {
    guard value.isFinite, value == value.rounded(), abs(value) < 1e15 else { return nil }
    return Int(value)
}
