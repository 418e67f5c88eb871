import Foundation

/// A value of a PyTorch checkpoint's pickle, as far as FaceAtlas accepts them: plain containers,
/// numbers, strings, and tensors rebuilt from storages. Lists and dicts are shared references,
/// as in Python, because the pickle fills them after memoizing them.
public indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDictionary)
    case global(AllowedGlobal)
    case storage(TorchStorage)
    case tensor(StateTensor)

    /// A short description for error messages.
    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "a bool"
        case .int: "an int"
        case .float: "a float"
        case .string: "a str"
        case .bytes: "bytes"
        case .tuple: "a tuple"
        case .list: "a list"
        case .dict: "a dict"
        case .global(let g): g.qualifiedName
        case .storage: "a storage"
        case .tensor: "a tensor"
        }
    }
}

/// A Python list under construction or finished.
public final class PickleList {
    public var items: [PickleValue] = []
}

/// A Python dict (or OrderedDict), keeping insertion order.
public final class PickleDictionary {
    public var entries: [(key: PickleValue, value: PickleValue)] = []

    /// The value under the string key `key`, if any.
    public subscript(key: String) -> PickleValue? {
        entries.last { if case .string(let k) = $0.key { k == key } else { false } }?.value
    }
}

/// The only Python globals a weight file may name.
public enum AllowedGlobal: Equatable {
    case orderedDict
    case rebuildTensor
    case rebuildParameter
    /// A typed storage class (`torch.FloatStorage`, …), with its element type in safetensors naming.
    case storageType(String)

    /// The global's Python name.
    public var qualifiedName: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensor: "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .storageType(let dtype): "torch." + (Self.storageTypes.first { $0.value == dtype }?.key ?? "?")
        }
    }

    /// torch storage class names and their element types.
    static let storageTypes: [String: String] = [
        "FloatStorage": "F32", "DoubleStorage": "F64", "HalfStorage": "F16", "BFloat16Storage": "BF16",
        "LongStorage": "I64", "IntStorage": "I32", "ShortStorage": "I16", "CharStorage": "I8",
        "ByteStorage": "U8", "BoolStorage": "BOOL",
    ]

    /// The allowed global `module.name`, or `nil` if it is not allowed.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch", _):
            guard let dtype = Self.storageTypes[name] else { return nil }
            self = .storageType(dtype)
        default: return nil
        }
    }
}

/// The bytes of one storage of a checkpoint and their element type (safetensors naming).
public struct TorchStorage {
    public var dtype: String
    public var bytes: Data
    /// Bytes per element.
    public var elementSize: Int { Safetensors.elementSize[dtype] ?? 1 }
    /// Elements held.
    public var count: Int { bytes.count / elementSize }
}

/// An error found while unpickling; the reader adds the file name.
struct PickleError: Error {
    var message: String
}

/// A pickle reader that implements only the opcodes PyTorch's `torch.save` emits for tensors and
/// plain containers (protocols 2 to 5) and accepts only the globals of `AllowedGlobal`.
///
/// Nothing from the data is ever called or imported: a global outside the list is refused as soon
/// as it is read, before any REDUCE, and REDUCE works only on `OrderedDict` and the tensor
/// rebuilders, which are interpreted here, not run.
struct RestrictedUnpickler {
    /// Loads a storage named by a persistent id: its key, element type and element count.
    var loadStorage: (_ key: String, _ dtype: String, _ count: Int) throws -> TorchStorage
    /// Whether storage bytes are big-endian (the checkpoint's `byteorder` record).
    var bigEndian = false
    /// The most memo entries and stack values accepted.
    var maxItems = 10_000_000

    private var bytes: [UInt8] = []
    private var position = 0

    init(loadStorage: @escaping (_ key: String, _ dtype: String, _ count: Int) throws -> TorchStorage) {
        self.loadStorage = loadStorage
    }

    /// The object the pickle `data` describes.
    mutating func load(_ data: Data) throws -> PickleValue {
        bytes = [UInt8](data)
        position = 0
        var stack: [PickleValue] = []
        var marks: [Int] = []
        var memo: [Int: PickleValue] = [:]
        var storages: [String: TorchStorage] = [:]

        func pop() throws -> PickleValue {
            guard let value = stack.popLast() else { throw PickleError(message: "the pickle is corrupt: it pops an empty stack") }
            return value
        }
        func popMark() throws -> [PickleValue] {
            guard let mark = marks.popLast(), mark <= stack.count else { throw PickleError(message: "the pickle is corrupt: a MARK is missing") }
            let items = Array(stack[mark...])
            stack.removeSubrange(mark...)
            return items
        }
        func top() throws -> PickleValue {
            guard let value = stack.last else { throw PickleError(message: "the pickle is corrupt: it reads an empty stack") }
            return value
        }
        func push(_ value: PickleValue) throws {
            guard stack.count < maxItems else { throw PickleError(message: "the pickle holds more than \(maxItems) values") }
            stack.append(value)
        }
        func put(_ index: Int) throws {
            guard memo.count < maxItems else { throw PickleError(message: "the pickle memoizes more than \(maxItems) values") }
            memo[index] = try top()
        }
        func get(_ index: Int) throws -> PickleValue {
            guard let value = memo[index] else { throw PickleError(message: "the pickle is corrupt: it refers to memo entry \(index), which does not exist") }
            return value
        }
        func setItems(_ items: [PickleValue]) throws {
            guard case .dict(let dict) = try top() else { throw PickleError(message: "the pickle sets items on \(try top().kind), not a dict") }
            guard items.count % 2 == 0 else { throw PickleError(message: "the pickle is corrupt: SETITEMS has an odd number of values") }
            for i in stride(from: 0, to: items.count, by: 2) { dict.entries.append((items[i], items[i + 1])) }
        }
        func appendItems(_ items: [PickleValue]) throws {
            guard case .list(let list) = try top() else { throw PickleError(message: "the pickle appends to \(try top().kind), not a list") }
            list.items += items
        }

        while true {
            let offset = position
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()                                   // PROTO
            case 0x95: _ = try take(8)                                  // FRAME
            case 0x2E: return try pop()                                 // STOP
            case 0x28: marks.append(stack.count)                        // MARK
            case 0x29: try push(.tuple([]))                             // EMPTY_TUPLE
            case 0x74: try push(.tuple(try popMark()))                  // TUPLE
            case 0x85: try push(.tuple([try pop()]))                    // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); try push(.tuple([a, b]))              // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); try push(.tuple([a, b, c]))  // TUPLE3
            case 0x5D: try push(.list(PickleList()))                    // EMPTY_LIST
            case 0x6C: let list = PickleList(); list.items = try popMark(); try push(.list(list))  // LIST
            case 0x61: try appendItems([try pop()])                     // APPEND
            case 0x65: try appendItems(try popMark())                   // APPENDS
            case 0x7D: try push(.dict(PickleDictionary()))              // EMPTY_DICT
            case 0x64:                                                  // DICT
                let items = try popMark()
                try push(.dict(PickleDictionary()))
                try setItems(items)
            case 0x73: let value = try pop(), key = try pop(); try setItems([key, value])  // SETITEM
            case 0x75: try setItems(try popMark())                      // SETITEMS
            case 0x4E: try push(.none)                                  // NONE
            case 0x88: try push(.bool(true))                            // NEWTRUE
            case 0x89: try push(.bool(false))                           // NEWFALSE
            case 0x4A: try push(.int(Int(Int32(bitPattern: UInt32(truncatingIfNeeded: try uint(4))))))  // BININT
            case 0x4B: try push(.int(Int(try byte())))                  // BININT1
            case 0x4D: try push(.int(Int(try uint(2))))                 // BININT2
            case 0x8A: try push(.int(try long(Int(try byte()))))        // LONG1
            case 0x8B: try push(.int(try long(Int(try uint(4)))))       // LONG4
            case 0x47:                                                  // BINFLOAT (big-endian)
                var bits: UInt64 = 0
                for b in try take(8) { bits = bits << 8 | UInt64(b) }
                try push(.float(Double(bitPattern: bits)))
            case 0x58: try push(.string(try text(Int(try uint(4)))))    // BINUNICODE
            case 0x8C: try push(.string(try text(Int(try byte()))))     // SHORT_BINUNICODE
            case 0x8D: try push(.string(try text(try length(try uint(8)))))  // BINUNICODE8
            case 0x55: try push(.string(latin1(try take(Int(try byte())))))  // SHORT_BINSTRING
            case 0x54: try push(.string(latin1(try take(Int(try uint(4))))))  // BINSTRING
            case 0x43: try push(.bytes(try take(Int(try byte()))))      // SHORT_BINBYTES
            case 0x42: try push(.bytes(try take(Int(try uint(4)))))     // BINBYTES
            case 0x63:                                                  // GLOBAL
                let module = try line(), name = try line()
                try push(.global(try allow(module: module, name: name)))
            case 0x93:                                                  // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                    throw PickleError(message: "the pickle is corrupt: STACK_GLOBAL needs two strings")
                }
                try push(.global(try allow(module: module, name: name)))
            case 0x52:                                                  // REDUCE
                let arguments = try pop(), callable = try pop()
                try push(try reduce(callable, arguments))
            case 0x62:                                                  // BUILD
                let state = try pop()
                // Only OrderedDict state (PyTorch's `_metadata` of a state dict) is accepted, and ignored.
                guard case .dict = try top(), case .dict = state else {
                    throw PickleError(message: "the pickle sets the state of \(try top().kind), which FaceAtlas does not allow")
                }
            case 0x51:                                                  // BINPERSID
                let id = try pop()
                try push(.storage(try persistentStorage(id, cache: &storages)))
            case 0x71: try put(Int(try byte()))                         // BINPUT
            case 0x72: try put(Int(try uint(4)))                        // LONG_BINPUT
            case 0x94: try put(memo.count)                              // MEMOIZE
            case 0x68: try push(try get(Int(try byte())))               // BINGET
            case 0x6A: try push(try get(Int(try uint(4))))              // LONG_BINGET
            case 0x30: _ = try pop()                                    // POP
            case 0x31: _ = try popMark()                                // POP_MARK
            case 0x32: try push(try top())                              // DUP
            default:
                throw PickleError(message: "the pickle uses opcode 0x\(String(opcode, radix: 16)) at byte \(offset), which FaceAtlas does not accept in weight files (only tensors and plain containers are read)")
            }
        }
    }

    private func allow(module: String, name: String) throws -> AllowedGlobal {
        guard let global = AllowedGlobal(module: module, name: name) else {
            throw PickleError(message: "refused the global '\(module).\(name)': weight files may only rebuild tensors and plain containers (nothing in the file was run)")
        }
        return global
    }

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
        guard case .global(let global) = callable, case .tuple(let args) = arguments else {
            throw PickleError(message: "refused a call (REDUCE) of \(callable.kind): only OrderedDict and tensor rebuilding may be called")
        }
        switch global {
        case .orderedDict:
            guard args.isEmpty else { throw PickleError(message: "OrderedDict is called with arguments, which FaceAtlas does not accept") }
            return .dict(PickleDictionary())
        case .rebuildParameter:
            guard let first = args.first, case .tensor = first else {
                throw PickleError(message: "_rebuild_parameter needs a tensor")
            }
            return first
        case .rebuildTensor:
            return .tensor(try rebuildTensor(args))
        case .storageType:
            throw PickleError(message: "refused a call (REDUCE) of \(global.qualifiedName): only OrderedDict and tensor rebuilding may be called")
        }
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`.
    private func rebuildTensor(_ args: [PickleValue]) throws -> StateTensor {
        guard args.count >= 4, case .storage(let storage) = args[0], case .int(let offset) = args[1],
              case .tuple(let sizeValues) = args[2], case .tuple(let strideValues) = args[3] else {
            throw PickleError(message: "_rebuild_tensor_v2 is called with arguments that are not (storage, offset, size, stride, …)")
        }
        let shape = try sizeValues.map { value -> Int in
            guard case .int(let v) = value, v >= 0 else { throw PickleError(message: "a tensor size is not a non-negative int") }
            return v
        }
        let strides = try strideValues.map { value -> Int in
            guard case .int(let v) = value, v >= 0 else { throw PickleError(message: "a tensor stride is not a non-negative int") }
            return v
        }
        guard shape.count == strides.count, offset >= 0 else {
            throw PickleError(message: "a tensor's size \(shape) and stride \(strides) do not match")
        }
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= 1 << 40 else { throw PickleError(message: "a tensor's size \(shape) is too large") }
            count = p
        }
        let size = storage.elementSize
        var gathered = Data(count: count * size)
        if count > 0 {
            // The furthest element must lie inside the storage.
            let last = offset + zip(shape, strides).reduce(0) { $0 + ($1.0 - 1) * $1.1 }
            guard last < storage.count else {
                throw PickleError(message: "a tensor (size \(shape), stride \(strides), offset \(offset)) reaches past its storage of \(storage.count) elements")
            }
            storage.bytes.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
                gathered.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) in
                    var index = [Int](repeating: 0, count: shape.count)
                    for element in 0..<count {
                        var at = offset
                        for (i, s) in strides.enumerated() { at += index[i] * s }
                        for b in 0..<size {
                            // Big-endian storages are reversed per element into little-endian order.
                            dst[element * size + b] = src[at * size + (bigEndian ? size - 1 - b : b)]
                        }
                        var axis = shape.count - 1
                        while axis >= 0 {
                            index[axis] += 1
                            if index[axis] < shape[axis] { break }
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
        }
        return gathered.withUnsafeBytes { ElementDecoding.tensor($0, dtype: storage.dtype, shape: shape) }
    }

    /// The storage of a persistent id `('storage', StorageType, key, location, count)`.
    private func persistentStorage(_ id: PickleValue, cache: inout [String: TorchStorage]) throws -> TorchStorage {
        guard case .tuple(let parts) = id, parts.count >= 5, case .string("storage") = parts[0],
              case .global(.storageType(let dtype)) = parts[1], case .string(let key) = parts[2],
              case .int(let count) = parts[4], count >= 0 else {
            throw PickleError(message: "the pickle has a persistent id that is not a PyTorch storage ('storage', type, key, location, size)")
        }
        if let cached = cache[key] { return cached }
        let storage = try loadStorage(key, dtype, count)
        cache[key] = storage
        return storage
    }

    // MARK: - Bytes

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw PickleError(message: "the pickle is truncated") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= bytes.count - position else { throw PickleError(message: "the pickle is truncated") }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    private mutating func uint(_ count: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for (i, b) in try take(count).enumerated() { value |= UInt64(b) << (8 * i) }
        return value
    }

    private func length(_ value: UInt64) throws -> Int {
        guard let n = Int(exactly: value) else { throw PickleError(message: "the pickle is truncated") }
        return n
    }

    /// A little-endian two's-complement integer of `count` bytes (LONG1/LONG4), at most 64 bits.
    private mutating func long(_ count: Int) throws -> Int {
        let digits = try take(count)
        guard digits.count <= 8 else { throw PickleError(message: "the pickle holds an integer wider than 64 bits") }
        guard !digits.isEmpty else { return 0 }
        var value: UInt64 = 0
        for (i, b) in digits.enumerated() { value |= UInt64(b) << (8 * i) }
        if digits.count < 8 && digits.last! & 0x80 != 0 { value |= ~0 << (8 * UInt64(digits.count)) }
        return Int(Int64(bitPattern: value))
    }

    private mutating func text(_ count: Int) throws -> String {
        guard let s = String(validating: try take(count), as: UTF8.self) else {
            throw PickleError(message: "the pickle holds a string that is not UTF-8")
        }
        return s
    }

    private func latin1(_ bytes: [UInt8]) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// A newline-terminated ASCII line (GLOBAL's module and name), at most 256 bytes.
    private mutating func line() throws -> String {
        var out: [UInt8] = []
        while true {
            let b = try byte()
            if b == 0x0A { break }
            out.append(b)
            guard out.count <= 256 else { throw PickleError(message: "the pickle names a global longer than 256 bytes") }
        }
        return latin1(out)
    }
}
