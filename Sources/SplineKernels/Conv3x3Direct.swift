// 3x3 conv, stride 1, padding 1, direct, padded NCHWc8 -> padded NCHWc8, 6 px x 16
// output-channel register tile, fused bias + activation.
//
// input   [ceil(C/8)][H+2][W+2][8]   (zero halo, zero padding channels)
// output  [ceil(K/8)][H+2][W+2][8]   interior rows `rows` written; halo untouched
// weights packConv3x3(...).weights,  bias packConv3x3(...).bias (K padded to 8)
// rows    output rows to compute (split across threads freely; bitwise identical)

@inlinable @inline(__always)
public func f32_conv3x3_direct_c8_6x16_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convRows(
        Conv3x3C8.self, EpilogueNone.self, input: input, output: output, weights: weights, bias: bias,
        channels: channels, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 4)
}

@inlinable @inline(__always)
public func f32_conv3x3_direct_c8_6x16_relu_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convRows(
        Conv3x3C8.self, EpilogueReLU.self, input: input, output: output, weights: weights, bias: bias,
        channels: channels, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 4)
}

@inlinable @inline(__always)
public func f32_conv3x3_direct_c8_6x16_tanh_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convRows(
        Conv3x3C8.self, EpilogueTanh.self, input: input, output: output, weights: weights, bias: bias,
        channels: channels, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 4)
}
