/// A tensor as weight files store it: a shape and float32 or int64 values.
public struct StateTensor: Sendable, Equatable {
    /// The element types weight files hold here.
    public enum Values: Sendable, Equatable {
        case float32([Float])
        case int64([Int64])
    }

    /// The size of each dimension (empty for a scalar).
    public var shape: [Int]
    /// The values in row-major order.
    public var values: Values

    /// A float32 tensor.
    public init(shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count, "\(floats.count) values do not fit shape \(shape)")
        self.shape = shape
        self.values = .float32(floats)
    }

    /// An int64 tensor.
    public init(shape: [Int], int64: [Int64]) {
        precondition(shape.reduce(1, *) == int64.count, "\(int64.count) values do not fit shape \(shape)")
        self.shape = shape
        self.values = .int64(int64)
    }

    /// The number of values.
    public var count: Int {
        switch values {
        case .float32(let v): v.count
        case .int64(let v): v.count
        }
    }

    /// The values as floats (int64 values converted).
    public var floatValues: [Float] {
        switch values {
        case .float32(let v): v
        case .int64(let v): v.map { Float($0) }
        }
    }

    /// The values as int64 (floats rounded towards zero).
    public var int64Values: [Int64] {
        switch values {
        case .float32(let v): v.map { Int64($0) }
        case .int64(let v): v
        }
    }
}

/// Named tensors in order: a network's state as weight files hold it.
public typealias StateDictionary = [(name: String, tensor: StateTensor)]
