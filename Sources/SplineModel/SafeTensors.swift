import Foundation

/// A parsed safetensors container: 8-byte little-endian header length N, N bytes of JSON
/// {name: {dtype, shape, data_offsets: [begin, end]}} (plus an ignored `__metadata__`), then the
/// data section; offsets are relative to the data section.
///
/// Parsing is bounds- and overflow-checked and never traps: the header length is limited, every
/// shape product is checked, and each tensor's byte range must lie inside the data section, match
/// product(shape) * element size, and not overlap another tensor.
package struct SafeTensors {
    /// Header JSON larger than this is refused (real headers are a few KB).
    package static let maxHeaderBytes = 100 << 20
    /// Element types the reader decodes; models use F32 only (checked by the model loader).
    package enum DType: String { case f32 = "F32", u8 = "U8" }

    package struct Entry {
        package let dtype: DType
        package let shape: [Int]
        package let count: Int
        /// Absolute byte range in the file.
        package let range: Range<Int>
    }

    package let bytes: [UInt8]
    package let entries: [String: Entry]

    package init(bytes: [UInt8]) throws(ModelError) {
        func bad(_ m: String) -> ModelError { .safetensors(m) }
        guard bytes.count >= 8 else { throw bad("file is \(bytes.count) bytes, shorter than the 8-byte header length (truncated)") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << UInt64(8 * i) }
        guard n <= UInt64(SafeTensors.maxHeaderBytes) else {
            throw bad("header length \(n) exceeds the \(SafeTensors.maxHeaderBytes)-byte limit")
        }
        let headerEnd = 8 + Int(n)
        guard headerEnd <= bytes.count else {
            throw bad("header length \(n) runs past the end of the \(bytes.count)-byte file (truncated)")
        }
        let json: [String: JSONValue]
        do {
            json = try JSONDecoder().decode([String: JSONValue].self, from: Data(bytes[8..<headerEnd]))
        } catch {
            throw bad("header is not a JSON object")
        }
        let dataSize = bytes.count - headerEnd
        var entries: [String: Entry] = [:]
        for (name, value) in json where name != "__metadata__" {
            guard case .object(let o) = value else { throw bad("tensor '\(name)': entry is not an object") }
            guard case .string(let dt)? = o["dtype"] else { throw bad("tensor '\(name)': dtype missing or not a string") }
            guard let dtype = DType(rawValue: dt) else {
                throw bad("tensor '\(name)': dtype \(dt) is not supported (export float32 weights: F32)")
            }
            guard let shape = SafeTensors.integers(o["shape"]), shape.count <= 8 else {
                throw bad("tensor '\(name)': shape must be a list of at most 8 non-negative integers")
            }
            guard let off = SafeTensors.integers(o["data_offsets"]), off.count == 2, off[0] <= off[1] else {
                throw bad("tensor '\(name)': data_offsets must be [begin, end] with begin <= end")
            }
            guard off[1] <= dataSize else {
                throw bad("tensor '\(name)': data_offsets \(off) run past the \(dataSize)-byte data section (truncated file?)")
            }
            var count = 1
            for d in shape {
                let (c, o) = count.multipliedReportingOverflow(by: d)
                guard !o, c <= Int(Int32.max) else { throw bad("tensor '\(name)': shape \(shape) is too large") }
                count = c
            }
            let size = dtype == .f32 ? 4 : 1
            guard off[1] - off[0] == count * size else {
                throw bad("tensor '\(name)': \(off[1] - off[0]) bytes for shape \(shape) of \(dt), expected \(count * size)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, count: count, range: (headerEnd + off[0])..<(headerEnd + off[1]))
        }
        let sorted = entries.sorted { $0.value.range.lowerBound < $1.value.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.value.range.upperBound > b.value.range.lowerBound {
            throw bad("tensors '\(a.key)' and '\(b.key)' overlap")
        }
        self.bytes = bytes
        self.entries = entries
    }

    /// Float32 values (row-major), nil if absent or not F32.
    package func floats(_ name: String) -> [Float]? {
        guard let e = entries[name], e.dtype == .f32 else { return nil }
        var out = [Float](repeating: 0, count: e.count)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBytes { dst in
                // Little-endian file; copy then fix the byte order on big-endian hosts.
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[e.range]))
            }
        }
        #if _endian(big)
        for i in out.indices { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
        #endif
        return out
    }

    /// UInt8 values, nil if absent or not U8.
    package func uint8s(_ name: String) -> [UInt8]? {
        guard let e = entries[name], e.dtype == .u8 else { return nil }
        return Array(bytes[e.range])
    }

    /// A JSON list of non-negative integers (exact in Double, below 2^53).
    private static func integers(_ v: JSONValue?) -> [Int]? {
        guard case .array(let a)? = v else { return nil }
        var out: [Int] = []
        for x in a {
            guard case .number(let d) = x, d >= 0, d < 9.0e15, d == d.rounded() else { return nil }
            out.append(Int(d))
        }
        return out
    }
}
