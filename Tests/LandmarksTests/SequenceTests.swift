import FaceAtlasCore
import Foundation
import Testing
@testable import Landmarks

/// `LandmarkSequence`: counts, timing and resampling.
struct SequenceTests {
    /// `count` frames at `fps`, frame i shifted i pixels so it can be recognised; times rounded
    /// to `digits` decimals when given (OpenFace writes milliseconds).
    static func sequence(count: Int, fps: Double, digits: Int? = nil) -> LandmarkSequence {
        let frames = (0..<count).map { index -> LandmarkFrame in
            var time = Double(index) / fps
            if let digits { time = (time * pow(10, Double(digits))).rounded() / pow(10, Double(digits)) }
            return LandmarkFrame(time: time, points: SyntheticFace.points(shift: Double(index)))
        }
        var sequence = LandmarkSequence(frames: frames, source: "synthetic")
        sequence.actionUnits["AU12_r"] = (0..<count).map(Double.init)
        return sequence
    }

    /// Which source frame each resampled frame is (by its shift).
    static func indices(_ sequence: LandmarkSequence) -> [Int] {
        sequence.frames.map { Int(($0.points[8].x - 320).rounded()) }
    }

    @Test func resampling30To5FPSPicksEverySixthFrame() {
        let input = Self.sequence(count: 90, fps: 30)  // 3 s
        let output = input.resampled(fps: 5)
        #expect(Self.indices(output) == Array(stride(from: 0, through: 84, by: 6)))
        #expect(output.frames.count == 15)
        #expect(output.actionUnits["AU12_r"] == stride(from: 0, through: 84, by: 6).map(Double.init))
        #expect(output.source == "synthetic")
        #expect(abs(output.estimatedFPS! - 5) < 1e-9)
    }

    @Test func resamplingOpenFaceMillisecondTimesPicksTheSameFrames() {
        // 0.033, 0.067, ...: rounding must not shift the pick to a neighbour.
        let output = Self.sequence(count: 61, fps: 30, digits: 3).resampled(fps: 5)
        #expect(Self.indices(output) == Array(stride(from: 0, through: 60, by: 6)))
    }

    @Test func resamplingAnUnevenSequencePicksTheNearestFrame() {
        // Times 0, 0.09, 0.26, 0.41, 0.55, 0.79, 1.0 at 5 FPS (0, 0.2, 0.4, 0.6, 0.8, 1.0):
        // nearest are 0 (0), 0.26 (2), 0.41 (3), 0.55 (4), 0.79 (5), 1.0 (6).
        let times = [0, 0.09, 0.26, 0.41, 0.55, 0.79, 1.0]
        let frames = times.enumerated().map { LandmarkFrame(time: $1, points: SyntheticFace.points(shift: Double($0))) }
        let output = LandmarkSequence(frames: frames, source: "x").resampled(fps: 5)
        #expect(Self.indices(output) == [0, 2, 3, 4, 5, 6])
    }

    @Test func invalidFramesArePickedAndKeepWeightZero() {
        var input = Self.sequence(count: 30, fps: 30)
        input.frames[12].isValid = false
        input.frames[12].invalidReason = "lost"
        let output = input.resampled(fps: 5)
        #expect(Self.indices(output) == [0, 6, 12, 18, 24])
        #expect(output.frames[2].weights == [Double](repeating: 0, count: 68))
        #expect(output.validCount == 4)
    }

    @Test func upsamplingReturnsEveryFrameOnce() {
        let input = Self.sequence(count: 20, fps: 5)
        #expect(input.resampled(fps: 30) == input)
        #expect(input.resampled(fps: 1e9).frames.count == 20)  // bounded by the frames, not the grid
    }

    @Test func framesWithEqualTimesDoNotStopTheScan() {
        // Two frames at 0.2 s: the first is picked at 0.2, and the scan still reaches 0.4 and 0.6.
        let times = [0, 0.2, 0.2, 0.4, 0.6]
        let frames = times.enumerated().map { LandmarkFrame(time: $1, points: SyntheticFace.points(shift: Double($0))) }
        let output = LandmarkSequence(frames: frames, source: "x").resampled(fps: 5)
        #expect(Self.indices(output) == [0, 1, 3, 4])
    }

    @Test func countsAndTiming() {
        var sequence = Self.sequence(count: 31, fps: 30)
        sequence.frames[3].isValid = false
        #expect(sequence.validCount == 30)
        #expect(abs(sequence.duration - 1) < 1e-12)
        #expect(abs(sequence.estimatedFPS! - 30) < 1e-9)
        #expect(LandmarkSequence(frames: [sequence.frames[0]], source: "one").estimatedFPS == nil)
        #expect(LandmarkSequence(frames: [], source: "none").duration == 0)
        #expect(LandmarkSequence.pointCount == 68)
    }

    @Test func weightsFollowConfidenceValidityAndMissingPoints() {
        var points = SyntheticFace.points()
        points[5] = SIMD2(.nan, .nan)
        let frame = LandmarkFrame(time: 0, points: points, confidence: [Double](repeating: 0.7, count: 68))
        #expect(frame.isValid)  // the initializer does not judge; readers call invalidatingMissingPoints
        let weights = frame.weights
        #expect(weights[5] == 0 && weights[4] == 0.7)
        let checked = frame.invalidatingMissingPoints()
        #expect(!checked.isValid && checked.invalidReason == "missing points (1 of 68)")
        #expect(checked.weights.allSatisfy { $0 == 0 })
        #expect(checked.confidence[5] == 0 && checked.confidence[4] == 0.7)
        #expect(LandmarkFrame(time: 0, points: points).confidence[5] == 0)
    }
}
