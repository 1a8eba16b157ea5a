/// Coefficient grid files (docs/cli.md). Two formats, chosen by the file name:
/// - `.npy`: NumPy v1.0, dtype '<f4', shape (O, O), C order: `np.load` reads it directly.
/// - anything else (`.ssc` by convention): "SSC1" | rows u32 | columns u32 | degree u32 |
///   rows*columns f32, all little-endian, row-major, C[k, l] = (row, column) as in DESIGN.md.
func encodeCoefficients(_ c: [Float], size: Int, degree: Int, npy: Bool) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(128 + 4 * c.count)
    if npy {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(size), \(size)), }"
        // Magic (6) + version (2) + length (2) + header + "\n" must be a multiple of 64.
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        out += [0x93] + Array("NUMPY".utf8) + [1, 0]
        appendLE(&out, UInt16(header.utf8.count))
        out += Array(header.utf8)
    } else {
        out += Array("SSC1".utf8)
        appendLE(&out, UInt32(size))
        appendLE(&out, UInt32(size))
        appendLE(&out, UInt32(degree))
    }
    for v in c { appendLE(&out, v.bitPattern) }
    return out
}

func appendLE<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
    for i in 0..<MemoryLayout<T>.size { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
}
