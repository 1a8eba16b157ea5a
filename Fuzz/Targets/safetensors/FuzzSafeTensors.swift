// libFuzzer target: the two weight containers' parsers on their own (the fast half of the `model`
// target): `SafeTensors(bytes:)` with its accessors, and `SSPack.header` (the code generator's
// .sspack). Both run on every input (no selector byte, so real files are seeds and reproducers
// as they are): a safetensors file starts with an 8-byte length, an .sspack with "SSPACK\r\n",
// which as a length is far over the safetensors limit, so each refuses the other's files at once.
@testable import SplineModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))

    // safetensors: every tensor's byte range lies in the data section, matches its shape and
    // dtype, and no two overlap; the accessors return exactly `count` values of the right dtype.
    do {
        let st = try SafeTensors(bytes: bytes)
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << UInt64(8 * i) }
        let headerEnd = 8 + Int(n)
        var ranges: [Range<Int>] = []
        for (name, e) in st.entries {
            precondition(name != "__metadata__")
            precondition(e.range.lowerBound >= headerEnd && e.range.upperBound <= bytes.count, "tensor outside the data section")
            precondition(e.shape.count <= 8 && e.shape.allSatisfy { $0 >= 0 })
            precondition(e.shape.reduce(1, *) == e.count && e.count <= Int(Int32.max))
            precondition(e.range.count == e.count * (e.dtype == .f32 ? 4 : 1), "byte range vs shape")
            let f = st.floats(name), u = st.uint8s(name)
            switch e.dtype {
            case .f32:
                precondition(u == nil && f?.count == e.count)
                // Little-endian bit patterns, as stored.
                if let f, let x = f.first {
                    let b = e.range.lowerBound
                    let bits = UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24
                    precondition(x.bitPattern == bits)
                }
            case .u8:
                precondition(f == nil && u.map { $0[...] == bytes[e.range] } == true)
            }
            if !e.range.isEmpty { ranges.append(e.range) }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(ranges, ranges.dropFirst()) { precondition(a.upperBound <= b.lowerBound, "tensors overlap") }
        precondition(st.floats("\u{0}missing") == nil && st.uint8s("\u{0}missing") == nil)
    } catch {
        _ = error.description
    }

    // .sspack header: accepted iff the size is exact; re-encoding the parsed header and floats
    // gives the input back (except the 40 reserved bytes, which the parser does not read).
    do {
        let h = try bytes.withUnsafeBytes { p in Result { () throws(ModelError) in try SSPack.header(p) } }.get()
        precondition(bytes.count == SSPack.headerBytes + 4 * h.floatCount, "pack size vs float count")
        let hexDigits = Set("0123456789abcdef".utf8)
        precondition(h.weightsSHA256.utf8.count == 64 && h.weightsSHA256.utf8.allSatisfy(hexDigits.contains))
        precondition(h.planHash.utf8.count == 64 && h.planHash.utf8.allSatisfy(hexDigits.contains))
        var floats = [Float](repeating: 0, count: h.floatCount)
        floats.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[SSPack.headerBytes...])) }
        }
        let again = SSPack.encode(weights: floats, weightsSHA256: h.weightsSHA256, planHash: h.planHash)
        precondition(again.count == bytes.count && again[..<88] == bytes[..<88]
            && again[SSPack.headerBytes...] == bytes[SSPack.headerBytes...], "SSPack encode(header(x)) != x")
    } catch {
        _ = error.description
    }
    return 0
}
