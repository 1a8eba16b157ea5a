// 1x1 conv (a GEMM: pixels x C times C x K), padded NCHWc8 -> padded NCHWc8,
// 6 px x 16 output-channel register tile, fused bias + activation. Used by the
// heads (256->16 + tanh, 16->1) and the UNet's final 1x1.
//
// input   [ceil(C/8)][H+2][W+2][8]   (zero halo, zero padding channels)
// output  [ceil(K/8)][H+2][W+2][8]   interior rows `rows` written; halo untouched
// weights packConv1x1(...).weights,  bias packConv1x1(...).bias (K padded to 8)
// rows    output rows to compute (split across threads freely; bitwise identical)

@inlinable @inline(__always)
public func f32_conv1x1_gemm_c8_6x16_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convRows(
        Conv1x1C8.self, EpilogueNone.self, input: input, output: output, weights: weights, bias: bias,
        channels: channels, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 8)
}

@inlinable @inline(__always)
public func f32_conv1x1_gemm_c8_6x16_relu_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convRows(
        Conv1x1C8.self, EpilogueReLU.self, input: input, output: output, weights: weights, bias: bias,
        channels: channels, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 8)
}

@inlinable @inline(__always)
public func f32_conv1x1_gemm_c8_6x16_tanh_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convRows(
        Conv1x1C8.self, EpilogueTanh.self, input: input, output: output, weights: weights, bias: bias,
        channels: channels, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 8)
}
