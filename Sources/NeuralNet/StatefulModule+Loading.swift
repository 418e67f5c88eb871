import FaceAtlasCore

extension StatefulModule {
    /// The state as named tensors, in PyTorch `state_dict()` order.
    public func stateDictionary(prefix: String = "") -> StateDictionary {
        stateSlots(prefix: prefix).map { ($0.name, $0.slot.value) }
    }

    /// Replaces the state with `state`, matched by name.
    ///
    /// - Parameters:
    ///   - source: the file the state came from, named in errors.
    ///   - strict: refuse names the module lacks (missing names are always refused).
    /// - Throws: `FileError` naming `source` and the tensor for a missing name, an unknown name (if
    ///   strict), or a shape that differs from the module's.
    public func load(_ state: StateDictionary, source: String, strict: Bool = true) throws {
        let slots = stateSlots(prefix: "")
        var byName: [String: StateTensor] = [:]
        for (name, tensor) in state { byName[name] = tensor }
        var problems: [String] = []
        for (name, slot) in slots {
            guard let tensor = byName[name] else {
                problems.append("'\(name)' is missing")
                continue
            }
            if tensor.shape != slot.shape && !(slot.shape.isEmpty && tensor.count == 1) {
                problems.append("'\(name)' has shape \(tensor.shape), the network expects \(slot.shape)")
            }
        }
        if strict {
            let known = Set(slots.map(\.name))
            for (name, _) in state where !known.contains(name) { problems.append("'\(name)' is not part of the network") }
        }
        guard problems.isEmpty else {
            let shown = problems.prefix(8).joined(separator: "; ")
            let more = problems.count > 8 ? " (and \(problems.count - 8) more)" : ""
            throw FileError(source, "the weights do not fit the network: \(shown)\(more)")
        }
        for (name, slot) in slots { slot.assign(byName[name]!) }
    }
}
