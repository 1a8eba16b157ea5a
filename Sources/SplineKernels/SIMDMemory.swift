// Unaligned SIMD8<Float> load/store helpers used inside the kernels only.
// Swift's `load(as:)` demands natural (32-byte) alignment, which Swift arrays do
// not guarantee; unaligned loads cost nothing extra on AVX2 hardware.

@inlinable @inline(__always)
func ld8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inlinable @inline(__always)
func ld8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inlinable @inline(__always)
func st8(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

// `&+` on pointers: the kernels write all index math with wrapping operators (no
// overflow checks in the hot loops); this lets pointer offsets read the same way.
extension UnsafePointer {
    @inlinable @inline(__always)
    static func &+ (p: Self, n: Int) -> Self { p.advanced(by: n) }
}

extension UnsafeMutablePointer {
    @inlinable @inline(__always)
    static func &+ (p: Self, n: Int) -> Self { p.advanced(by: n) }
}
