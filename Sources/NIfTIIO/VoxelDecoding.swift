/// Linear scaling of stored values: value = raw * slope + inter (NIfTI-1 scl_slope/scl_inter).
struct Scaling {
    let slope: Double
    let inter: Double

    /// nil when the header asks for none: per the standard, scl_slope 0 means "no scaling"; a
    /// non-finite slope is treated the same (nibabel does too). A non-finite inter with a valid
    /// slope is taken as 0.
    init?(_ h: NIfTIHeader) {
        let s = Double(h.sclSlope)
        guard s.isFinite, s != 0 else { return nil }
        let i = Double(h.sclInter)
        slope = s
        inter = i.isFinite ? i : 0
    }
}

/// Converts `count` stored voxels of `type` (file byte order `littleEndian`) starting at
/// `raw.baseAddress` into Floats, applying `scaling` in Double then rounding once.
/// Output order is the file order (x fastest). Shapes: raw holds >= count * type.byteCount bytes;
/// if it holds fewer, only the complete voxels present are converted (callers check sizes first).
func decodeVoxels(
    _ raw: UnsafeRawBufferPointer, count: Int, type: VoxelType, littleEndian: Bool, scaling: Scaling?
) -> [Float] {
    let n = min(count, raw.count / type.byteCount)
    switch type {
    case .uint8: return convertInts(raw, n, UInt8.self, littleEndian, scaling)
    case .int8: return convertInts(raw, n, Int8.self, littleEndian, scaling)
    case .int16: return convertInts(raw, n, Int16.self, littleEndian, scaling)
    case .uint16: return convertInts(raw, n, UInt16.self, littleEndian, scaling)
    case .int32: return convertInts(raw, n, Int32.self, littleEndian, scaling)
    case .uint32: return convertInts(raw, n, UInt32.self, littleEndian, scaling)
    case .float32:
        return fill(n) { i in
            let bits = raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
            let v = Float(bitPattern: littleEndian ? UInt32(littleEndian: bits) : UInt32(bigEndian: bits))
            guard let s = scaling else { return v }
            return Float(Double(v) * s.slope + s.inter)
        }
    case .float64:
        return fill(n) { i in
            let bits = raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)
            let v = Double(bitPattern: littleEndian ? UInt64(littleEndian: bits) : UInt64(bigEndian: bits))
            guard let s = scaling else { return Float(v) }
            return Float(v * s.slope + s.inter)
        }
    }
}

@inline(__always)
private func convertInts<T: FixedWidthInteger>(
    _ raw: UnsafeRawBufferPointer, _ n: Int, _: T.Type, _ little: Bool, _ scaling: Scaling?
) -> [Float] {
    let size = MemoryLayout<T>.size
    // Separate loops so each is a simple vectorisable load-convert-store.
    switch (scaling, little) {
    case (nil, true):
        return fill(n) { i in Float(T(littleEndian: raw.loadUnaligned(fromByteOffset: i &* size, as: T.self))) }
    case (nil, false):
        return fill(n) { i in Float(T(bigEndian: raw.loadUnaligned(fromByteOffset: i &* size, as: T.self))) }
    case (let s?, true):
        return fill(n) { i in
            Float(Double(T(littleEndian: raw.loadUnaligned(fromByteOffset: i &* size, as: T.self))) * s.slope + s.inter)
        }
    case (let s?, false):
        return fill(n) { i in
            Float(Double(T(bigEndian: raw.loadUnaligned(fromByteOffset: i &* size, as: T.self))) * s.slope + s.inter)
        }
    }
}

@inline(__always)
private func fill(_ n: Int, _ f: (Int) -> Float) -> [Float] {
    [Float](unsafeUninitializedCapacity: n) { buf, initialized in
        for i in 0..<n { buf[i] = f(i) }
        initialized = n
    }
}
