/// The three fields of a `.npy` header.
struct NPYHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    init(descr: String, fortranOrder: Bool, shape: [Int]) {
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    /// Reads the header fields from the header text.
    ///
    /// The dtype string is not checked here; see `NumPyDType(descr:)`.
    init(parsing text: String) throws(HeaderError) {
        guard case .dict(let entries) = try HeaderParser.parse(text) else {
            throw HeaderError("the header is not a dict")
        }
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
        for entry in entries {
            guard case .string(let key) = entry.key else {
                throw HeaderError("the header has a key that is \(entry.key.kind), not a string")
            }
            switch key {
            case "descr":
                guard descr == nil else { throw HeaderError("the header has 'descr' twice") }
                switch entry.value {
                case .string(let value): descr = value
                case .list: throw HeaderError("structured (record) dtypes are not supported")
                default: throw HeaderError("'descr' is \(entry.value.kind), not a string")
                }
            case "fortran_order":
                guard fortranOrder == nil else { throw HeaderError("the header has 'fortran_order' twice") }
                guard case .bool(let value) = entry.value else {
                    throw HeaderError("'fortran_order' is \(entry.value.kind), not True or False")
                }
                fortranOrder = value
            case "shape":
                guard shape == nil else { throw HeaderError("the header has 'shape' twice") }
                guard case .tuple(let items) = entry.value else {
                    throw HeaderError("'shape' is \(entry.value.kind), not a tuple")
                }
                var dimensions: [Int] = []
                for item in items {
                    switch item {
                    case .integer(let value) where value >= 0: dimensions.append(value)
                    case .integer(let value): throw HeaderError("the shape has a negative dimension (\(value))")
                    case .hugeInteger(let text) where text.hasPrefix("-"):
                        throw HeaderError("the shape has a negative dimension")
                    case .hugeInteger: throw HeaderError("the shape has a dimension too large to hold")
                    default: throw HeaderError("the shape holds \(item.kind), not an integer")
                    }
                }
                shape = dimensions
            default:
                throw HeaderError("the header has an unexpected key '\(key.prefix(40))'")
            }
        }
        guard let descr else { throw HeaderError("the header has no 'descr'") }
        guard let fortranOrder else { throw HeaderError("the header has no 'fortran_order'") }
        guard let shape else { throw HeaderError("the header has no 'shape'") }
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    /// The header dict as NumPy writes it (keys sorted, a trailing ", ").
    var text: String {
        "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), "
            + "'shape': \(NumPyArray.describe(shape)), }"
    }
}
