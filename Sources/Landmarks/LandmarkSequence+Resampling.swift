import Foundation

extension LandmarkSequence {
    /// The frames nearest to a regular grid of times `fps` apart, starting at the first frame:
    /// for instance every sixth frame of a 30 FPS video for the 5 FPS used in fitting.
    ///
    /// For each grid time t₀ + k / fps up to the last frame's time, the frame whose time is
    /// nearest is picked (the earlier one on a tie). Picked frames keep their own times,
    /// validity and columns; a source frame is never picked twice, so asking for a rate at
    /// or above the source's returns every frame. Invalid frames are picked like any other
    /// (they carry weight 0), so the result stays evenly spaced.
    /// - Precondition: `fps` is finite and positive.
    public func resampled(fps: Double) -> LandmarkSequence {
        precondition(fps.isFinite && fps > 0, "LandmarkSequence.resampled: fps must be positive, not \(fps)")
        guard let first = frames.first, let last = frames.last else { return self }
        var picked: [Int] = []
        var cursor = 0
        var step = 0
        // A small tolerance keeps a grid time that lands on the last frame (up to rounding).
        let end = last.time + 1e-9 * max(1, abs(last.time))
        while true {
            let target = first.time + Double(step) / fps
            if target > end { break }
            // Times never decrease (readers check), so the nearest frame moves forward only.
            while cursor + 1 < frames.count && abs(frames[cursor + 1].time - target) < abs(frames[cursor].time - target) {
                cursor += 1
            }
            if picked.last != cursor { picked.append(cursor) }
            // Skip the grid times that would pick `cursor` again: all those before the
            // midpoint to the next frame. This bounds the loop by the frame count, however high `fps`.
            var next = step + 1
            if cursor + 1 < frames.count {
                let midpoint = (frames[cursor].time + frames[cursor + 1].time) / 2
                let candidate = ((midpoint - first.time) * fps).rounded(.down)
                if candidate.isFinite, candidate > Double(next), candidate < Double(Int.max / 2) { next = Int(candidate) }
            }
            step = next
        }
        var result = self
        result.frames = picked.map { frames[$0] }
        result.actionUnits = actionUnits.mapValues { values in picked.map { $0 < values.count ? values[$0] : .nan } }
        result.extraColumns = extraColumns.mapValues { values in picked.map { $0 < values.count ? values[$0] : .nan } }
        return result
    }
}
