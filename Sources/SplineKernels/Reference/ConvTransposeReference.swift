// Reference twin of f32_convt2x2s2_gemm_c8_6x16_avx2: naive loops, same tensors and
// packed weights (read through packedDeconvIndex). `rows` are input rows.

public func f32_convt2x2s2_naive_c8_1x1_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    let inShape = ActShape(channels: channels, height: height, width: width)
    let outShape = ActShape(channels: outChannels, height: 2 * height, width: 2 * width)
    for o in 0..<(outShape.blocks * 8) {
        for y in rows {
            for x in 0..<width {
                for tap in 0..<4 {
                    var acc: Float = 0
                    if o < outChannels {
                        for c in 0..<channels {
                            let w = weights[
                                packedDeconvIndex(k: o, c: c, tap: tap, outChannels: outChannels, channels: channels)]
                            acc += input[inShape.offset(channel: c, y: y, x: x)] * w
                        }
                        acc += bias[o]
                    }
                    output[outShape.offset(channel: o, y: 2 * y + tap / 2, x: 2 * x + tap % 2)] = acc
                }
            }
        }
    }
}
