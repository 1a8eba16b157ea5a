// Average pool, kernel = stride = k (PyTorch AvgPool2d(k), floor; equal to
// AdaptiveAvgPool2d when the sizes divide evenly, which is the only case SplineSeg
// uses). Sums the k*k pixels in row-major order, then multiplies by 1/(k*k).
//
// input   [ceil(C/8)][H+2][W+2][8]
// output  [ceil(C/8)][H/k+2][W/k+2][8]   output rows `rows` (0..<H/k) written
// Writing into a concat buffer: pass `output` = start of the channel range.

@inlinable @inline(__always)
public func f32_avgpool_direct_c8_1x8_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    channels: Int, height: Int, width: Int, kernel k: Int, rows: Range<Int>
) {
    let oh = height / k, ow = width / k
    assert(k >= 1 && rows.lowerBound >= 0 && rows.upperBound <= oh, "rows outside 0..<height/k")
    let cb = (channels &+ 7) >> 3
    let inRowStride = (width &+ 2) &* 8
    let inBlockStride = (height &+ 2) &* inRowStride
    let outRowStride = (ow &+ 2) &* 8
    let outBlockStride = (oh &+ 2) &* outRowStride
    let scale = SIMD8<Float>(repeating: 1 / Float(k &* k))
    for b in 0..<cb {
        for y in rows {
            var ip = input &+ (b &* inBlockStride &+ (k &* y &+ 1) &* inRowStride &+ 8)
            var op = output &+ (b &* outBlockStride &+ (y &+ 1) &* outRowStride &+ 8)
            for _ in 0..<ow {
                var sum = SIMD8<Float>()
                var rp = ip
                for _ in 0..<k {
                    for dx in 0..<k { sum += ld8(rp &+ dx &* 8) }
                    rp = rp &+ inRowStride
                }
                st8(op, sum * scale)
                ip = ip &+ k &* 8
                op = op &+ 8
            }
        }
    }
}
