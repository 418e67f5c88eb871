/// One named tensor of a network's state: a trainable parameter or a batch-norm buffer.
///
/// Networks list their slots in PyTorch's `state_dict()` order under PyTorch's names, so that
/// saving and loading map one to one onto torchvision checkpoints.
public enum StateSlot {
    case parameter(Parameter)
    case runningMean(BatchNorm2d)
    case runningVariance(BatchNorm2d)
    case batchesTracked(BatchNorm2d)

    /// The current value.
    public var value: StateTensor {
        switch self {
        case .parameter(let p): StateTensor(shape: p.value.shape, floats: p.value.data)
        case .runningMean(let bn): StateTensor(shape: [bn.channels], floats: bn.runningMean)
        case .runningVariance(let bn): StateTensor(shape: [bn.channels], floats: bn.runningVariance)
        case .batchesTracked(let bn): StateTensor(shape: [], int64: [bn.batchesTracked])
        }
    }

    /// The shape the slot holds.
    public var shape: [Int] {
        switch self {
        case .parameter(let p): p.value.shape
        case .runningMean(let bn), .runningVariance(let bn): [bn.channels]
        case .batchesTracked: []
        }
    }

    /// Replaces the value; the caller has checked that `tensor.shape` equals `shape`.
    func assign(_ tensor: StateTensor) {
        switch self {
        case .parameter(let p): p.value = Tensor(shape: p.value.shape, data: tensor.floatValues)
        case .runningMean(let bn): bn.runningMean = tensor.floatValues
        case .runningVariance(let bn): bn.runningVariance = tensor.floatValues
        case .batchesTracked(let bn): bn.batchesTracked = tensor.int64Values.first ?? 0
        }
    }
}

/// A module whose state is a list of named slots (see `StateSlot`).
public protocol StatefulModule: AnyObject {
    /// The slots in PyTorch `state_dict()` order, named with `prefix` (e.g. "layer1.0.").
    func stateSlots(prefix: String) -> [(name: String, slot: StateSlot)]
}

extension Conv2d: StatefulModule {
    public func stateSlots(prefix: String) -> [(name: String, slot: StateSlot)] {
        [(prefix + "weight", .parameter(weight))]
    }
}

extension Linear: StatefulModule {
    public func stateSlots(prefix: String) -> [(name: String, slot: StateSlot)] {
        [(prefix + "weight", .parameter(weight)), (prefix + "bias", .parameter(bias))]
    }
}

extension BatchNorm2d: StatefulModule {
    public func stateSlots(prefix: String) -> [(name: String, slot: StateSlot)] {
        [(prefix + "weight", .parameter(weight)), (prefix + "bias", .parameter(bias)),
         (prefix + "running_mean", .runningMean(self)), (prefix + "running_var", .runningVariance(self)),
         (prefix + "num_batches_tracked", .batchesTracked(self))]
    }
}
