// Channel-range copy for the one concatenation case that cannot be done in place:
// a part that starts at a channel offset that is not a multiple of 8 (see
// KERNELS.md, "Concatenation"). Copies channels 0..<channels of `source` to channels
// dstOffset..<dstOffset+channels of `destination`; both tensors have H x W pixels.
// Scalar: SplineSeg's networks never need it (all channel counts are multiples of
// 8), it exists so the code generator has a correct fallback.
//
// source       [ceil(channels/8)][H+2][W+2][8]
// destination  [>= ceil((dstOffset+channels)/8)][H+2][W+2][8]

@inlinable @inline(__always)
public func f32_chcopy_direct_c8_1x1_scalar(
    _ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>,
    channels: Int, dstOffset: Int, height: Int, width: Int, rows: Range<Int>
) {
    assert(rows.lowerBound >= 0 && rows.upperBound <= height && dstOffset >= 0, "bad channel copy range")
    let rowStride = (width &+ 2) &* 8
    let blockStride = (height &+ 2) &* rowStride
    for c in 0..<channels {
        let d = dstOffset &+ c
        let src = source &+ ((c >> 3) &* blockStride &+ (c & 7))
        let dst = destination &+ ((d >> 3) &* blockStride &+ (d & 7))
        for y in rows {
            let rowOffset = (y &+ 1) &* rowStride
            for x in 0..<width {
                let o = rowOffset &+ (x &+ 1) &* 8
                dst[o] = src[o]
            }
        }
    }
}
