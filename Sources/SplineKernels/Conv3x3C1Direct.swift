// 3x3 conv with ONE input channel (the network input), stride 1, padding 1. The input
// is the dense padded plane (`PlaneShape`, layout `p1`): one float per pixel, 1/8 of the
// NCHWc8 tensor it replaced, whose lanes 1...7 were zero and never read. Each tap costs 12
// FMAs instead of 96. 6 px x 16 output-channel register tile (a single 8-channel block:
// 7...10 px with shared broadcasts), fused bias + activation.
//
// input   [H+2][W+2]                (the image; halo zero)
// output  [ceil(K/8)][H+2][W+2][8]   interior rows `rows` written; halo untouched
// weights packConv3x3C1(...).weights,  bias packConv3x3C1(...).bias (K padded to 8)
// rows    output rows to compute (split across threads freely; bitwise identical)

@inlinable @inline(__always)
public func f32_conv3x3c1_direct_p1c8_6x16_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convRows(
        Conv3x3C1.self, EpilogueNone.self, input: input, output: output, weights: weights, bias: bias,
        channels: 1, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 4)
}

@inlinable @inline(__always)
public func f32_conv3x3c1_direct_p1c8_6x16_relu_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convRows(
        Conv3x3C1.self, EpilogueReLU.self, input: input, output: output, weights: weights, bias: bias,
        channels: 1, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 4)
}

@inlinable @inline(__always)
public func f32_conv3x3c1_direct_p1c8_6x16_tanh_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convRows(
        Conv3x3C1.self, EpilogueTanh.self, input: input, output: output, weights: weights, bias: bias,
        channels: 1, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 4)
}
