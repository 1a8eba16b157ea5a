// 2x2 max pool, stride 2 (PyTorch MaxPool2d(2): floor, odd last row/column dropped).
// One SIMD8 = one pixel's 8 channels; memory-bound, so no register tiling.
//
// input   [ceil(C/8)][H+2][W+2][8]
// output  [ceil(C/8)][H/2+2][W/2+2][8]   output rows `rows` (0..<H/2) written
// Padding channels stay zero (max of zeros).

@inlinable @inline(__always)
public func f32_maxpool2x2s2_direct_c8_1x8_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    channels: Int, height: Int, width: Int, rows: Range<Int>
) {
    let oh = height / 2, ow = width / 2
    assert(rows.lowerBound >= 0 && rows.upperBound <= oh, "rows outside 0..<height/2")
    let cb = (channels &+ 7) >> 3
    let inRowStride = (width &+ 2) &* 8
    let inBlockStride = (height &+ 2) &* inRowStride
    let outRowStride = (ow &+ 2) &* 8
    let outBlockStride = (oh &+ 2) &* outRowStride
    for b in 0..<cb {
        for y in rows {
            var ip = input &+ (b &* inBlockStride &+ (2 &* y &+ 1) &* inRowStride &+ 8)
            var op = output &+ (b &* outBlockStride &+ (y &+ 1) &* outRowStride &+ 8)
            for _ in 0..<ow {
                let top = vmax(ld8(ip), ld8(ip &+ 8))
                let bottom = vmax(ld8(ip &+ inRowStride), ld8(ip &+ inRowStride &+ 8))
                st8(op, vmax(top, bottom))
                ip = ip &+ 16
                op = op &+ 8
            }
        }
    }
}

/// Lane-wise max as one vmaxps (stdlib pointwiseMax on SIMD8 is a scalar call).
@inlinable @inline(__always)
func vmax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .> a) }
