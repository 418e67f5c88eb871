import Foundation

extension LandmarkSequence {
    /// The frames nearest to a regular grid of times `fps` apart, starting at the first frame:
    /// for instance every sixth frame of a 30 FPS video for the 5 FPS used in fitting.
    ///
    /// For each grid time t₀ + k / fps up to the last frame's time, the frame whose time is
    /// nearest is picked (the earlier one on a tie, and the first of frames with equal times).
    /// Picked frames keep their own times, validity and columns. A source frame is never
    /// picked twice, so a grid finer than every gap between frames (upsampling) returns every
    /// frame once. Invalid frames are picked like any other (they carry weight 0), so the
    /// result stays evenly spaced.
    /// - Precondition: `fps` is finite and positive.
    public func resampled(fps: Double) -> LandmarkSequence {
        precondition(fps.isFinite && fps > 0, "LandmarkSequence.resampled: fps must be positive, not \(fps)")
        guard let first = frames.first, let last = frames.last else { return self }
        // A grid finer than any frame gap picks every frame; past about 10^12 grid times the
        // step count below could no longer be counted exactly, so answer directly.
        if (last.time - first.time) * fps > 1e12 { return self }
        var picked: [Int] = []
        var position = 0  // the last frame at or before the grid time (or 0)
        var step = 0
        // A small tolerance keeps a grid time that lands on the last frame (up to rounding).
        let end = last.time + 1e-9 * max(1, abs(last.time))
        while true {
            let target = first.time + Double(step) / fps
            if target > end { break }
            // Times never decrease (readers check), so the scan moves forward only.
            while position + 1 < frames.count && frames[position + 1].time <= target { position += 1 }
            var choice = position
            var boundary = Double.infinity  // the grid time at which the choice can next change
            if position + 1 < frames.count {
                let before = frames[position].time, after = frames[position + 1].time
                if after - target < target - before {
                    choice = position + 1
                    boundary = after
                } else {
                    boundary = (before + after) / 2
                }
            }
            // Of frames with equal times, the earliest not yet picked.
            while choice > 0 && frames[choice - 1].time == frames[choice].time && choice - 1 > (picked.last ?? -1) { choice -= 1 }
            if choice > (picked.last ?? -1) { picked.append(choice) }
            if position + 1 >= frames.count { break }  // every later grid time picks the last frame again
            // Skip the grid times before `boundary`: they all make the same choice. This bounds
            // the loop by the frame count, however high `fps`.
            let skip = ((boundary - first.time) * fps).rounded(.down)
            step = skip > Double(step + 1) ? Int(skip) : step + 1
        }
        var result = self
        result.frames = picked.map { frames[$0] }
        result.actionUnits = actionUnits.mapValues { values in picked.map { $0 < values.count ? values[$0] : .nan } }
        result.extraColumns = extraColumns.mapValues { values in picked.map { $0 < values.count ? values[$0] : .nan } }
        return result
    }
}
