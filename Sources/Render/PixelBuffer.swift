/// A fixed-size, manually allocated array for the renderer's inner loops: no bounds checks,
/// no copy-on-write, no per-pixel allocation. Internal to Render; indices are validated
/// before they reach it.
final class PixelBuffer<Element> {
    let pointer: UnsafeMutablePointer<Element>
    let count: Int

    init(repeating value: Element, count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: value, count: count)
    }

    init(_ array: [Element]) {
        count = array.count
        pointer = .allocate(capacity: max(count, 1))
        _ = UnsafeMutableBufferPointer(start: pointer, count: count).initialize(from: array)
    }

    deinit {
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }
}
