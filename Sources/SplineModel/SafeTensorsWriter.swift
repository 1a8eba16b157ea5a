extension SafeTensors {
    /// A safetensors file from (name, shape, float32 values) in order: contiguous, no gaps,
    /// little-endian. `metadata` goes under `__metadata__` when given. The writer the golden
    /// fixtures' regenerated weights and the tests' model files share (`SplineSegGolden`).
    package static func encode(_ tensors: [(name: String, shape: [Int], values: [Float])],
                               metadata: [String: String]? = nil) -> [UInt8] {
        precondition(1.0.bitPattern.littleEndian == 1.0.bitPattern, "safetensors writer assumes a little-endian host")
        var fields: [String] = []
        if let metadata {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var data = [UInt8]()
        data.reserveCapacity(4 * tensors.reduce(0) { $0 + $1.values.count })
        for t in tensors {
            let begin = data.count
            t.values.withUnsafeBytes { data.append(contentsOf: $0) }
            fields.append("\"\(t.name)\":{\"dtype\":\"F32\",\"shape\":\(t.shape),\"data_offsets\":[\(begin),\(data.count)]}")
        }
        let header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + data.count)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        return out + header + data
    }
}
