// Packing of PyTorch weights into the order the register tile reads them.
//
// Packed layout for a conv with K output channels, C input channels (CB = ceil(C/8)
// input blocks, or 1 with a single lane for the 1-input-channel kernel), T taps
// (9 for 3x3 row-major ky,kx; 1 for 1x1):
//   output blocks are taken in pairs (16 channels) ->  [CB][T][ic 8][16]
//   a trailing odd output block (8 channels)        ->  [CB][T][ic 8][8]
// so output block kb always starts at kb * CB*T*icCount*8 floats. Padding channels
// (input c >= C, output k >= K) get zero weights and zero bias, which keeps the
// output's padding channels zero. The 2x2 stride-2 transposed conv stores its 4
// taps (dy*2+dx) one after the other, each the 1x1 packing of its paired output blocks;
// a trailing odd block follows all four, per dy its two dx taps side by side
// [dy 2][CB][ic 8][dx 2 x 8]: output pixels (2y+dy, 2x) and (2y+dy, 2x+1) are adjacent in
// NCHWc8, so one 16-lane tile computes and stores both (see ConvTranspose2x2.swift).
// Bias is padded to ceil(K/8)*8 floats.

/// Weights and bias in kernel order (see file comment).
public struct PackedConv: Sendable, Equatable {
    public let weights: [Float]
    public let bias: [Float]
    public let channels: Int
    public let outChannels: Int
}

/// Float index of weight (out k, in c, tap t) in the packed order.
/// `icCount` is 8, or 1 for the 1-input-channel kernel (then c must be 0).
@inlinable
func packedWeightIndex(k: Int, c: Int, tap: Int, outChannels: Int, channels: Int, taps: Int, icCount: Int) -> Int {
    let kb = (outChannels + 7) >> 3
    let cb = icCount == 1 ? 1 : (channels + 7) >> 3
    let block = k >> 3
    let paired = block < kb - (kb & 1)
    let width = paired ? 16 : 8
    let base = (paired ? block & ~1 : block) * cb * taps * icCount * 8
    let lane = (paired ? (block & 1) * 8 : 0) + (k & 7)
    let ic = icCount == 1 ? 0 : c & 7
    return base + (((c >> 3) * taps + tap) * icCount + ic) * width + lane
}

@inlinable
func packedWeightCount(outChannels: Int, channels: Int, taps: Int, icCount: Int) -> Int {
    let cb = icCount == 1 ? 1 : (channels + 7) >> 3
    return ((outChannels + 7) >> 3) * cb * taps * icCount * 8
}

func checkCount(_ what: String, _ array: [Float], _ expected: Int) throws(KernelShapeError) {
    if array.count != expected { throw KernelShapeError(what: what, expected: expected, actual: array.count) }
}

func paddedBias(_ bias: [Float], _ outChannels: Int) -> [Float] {
    bias + [Float](repeating: 0, count: ((outChannels + 7) >> 3) * 8 - outChannels)
}

/// Shared packer: `oihw` is [K][C][kh][kw] with kh*kw = taps.
func packOIHW(
    _ oihw: [Float], bias: [Float], outChannels: Int, channels: Int, taps: Int, icCount: Int, name: String
) throws(KernelShapeError) -> PackedConv {
    try checkCount("\(name) weight [\(outChannels)][\(channels)][\(taps) taps]", oihw, outChannels * channels * taps)
    try checkCount("\(name) bias [\(outChannels)]", bias, outChannels)
    var packed = [Float](
        repeating: 0, count: packedWeightCount(outChannels: outChannels, channels: channels, taps: taps, icCount: icCount))
    for k in 0..<outChannels {
        for c in 0..<channels {
            for t in 0..<taps {
                let i = packedWeightIndex(
                    k: k, c: c, tap: t, outChannels: outChannels, channels: channels, taps: taps, icCount: icCount)
                packed[i] = oihw[(k * channels + c) * taps + t]
            }
        }
    }
    return PackedConv(weights: packed, bias: paddedBias(bias, outChannels), channels: channels, outChannels: outChannels)
}

/// PyTorch Conv2d 3x3 weight [K][C][3][3] + bias [K] -> f32_conv3x3_direct_c8_6x16_*.
public func packConv3x3(weights: [Float], bias: [Float], outChannels: Int, channels: Int) throws(KernelShapeError)
    -> PackedConv
{
    try packOIHW(weights, bias: bias, outChannels: outChannels, channels: channels, taps: 9, icCount: 8, name: "conv3x3")
}

/// PyTorch Conv2d 3x3 weight [K][1][3][3] + bias [K] -> f32_conv3x3c1_direct_p1c8_6x16_*.
public func packConv3x3C1(weights: [Float], bias: [Float], outChannels: Int) throws(KernelShapeError) -> PackedConv {
    try packOIHW(weights, bias: bias, outChannels: outChannels, channels: 1, taps: 9, icCount: 1, name: "conv3x3c1")
}

/// PyTorch Conv2d 1x1 weight [K][C][1][1] + bias [K] -> f32_conv1x1_gemm_c8_6x16_*.
public func packConv1x1(weights: [Float], bias: [Float], outChannels: Int, channels: Int) throws(KernelShapeError)
    -> PackedConv
{
    try packOIHW(weights, bias: bias, outChannels: outChannels, channels: channels, taps: 1, icCount: 8, name: "conv1x1")
}

/// Float index of transposed-conv weight (out k, in c, tap dy*2+dx) in the packed order (file
/// comment): the paired blocks' taps, each [K/16 pairs][CB][ic 8][16], then a trailing odd
/// block's [dy 2][CB][ic 8][dx 2 x 8].
@inlinable
func packedDeconvIndex(k: Int, c: Int, tap: Int, outChannels: Int, channels: Int) -> Int {
    let kb = (outChannels + 7) >> 3, cb = (channels + 7) >> 3
    let paired = kb & ~1
    let perTap = paired * cb * 64
    if k >> 3 < paired {
        return tap * perTap
            + packedWeightIndex(k: k, c: c, tap: 0, outChannels: paired * 8, channels: channels, taps: 1, icCount: 8)
    }
    return 4 * perTap + (((tap >> 1) * cb + (c >> 3)) * 8 + (c & 7)) * 16 + (tap & 1) * 8 + (k & 7)
}

/// PyTorch ConvTranspose2d(C, K, 2, stride 2) weight [C][K][2][2] + bias [K]
/// -> f32_convt2x2s2_gemm_c8_6x16_avx2.
public func packConvTranspose2x2(weights: [Float], bias: [Float], channels: Int, outChannels: Int)
    throws(KernelShapeError) -> PackedConv
{
    try checkCount("convtranspose2x2 weight [\(channels)][\(outChannels)][2][2]", weights, channels * outChannels * 4)
    try checkCount("convtranspose2x2 bias [\(outChannels)]", bias, outChannels)
    var packed = [Float](
        repeating: 0, count: 4 * packedWeightCount(outChannels: outChannels, channels: channels, taps: 1, icCount: 8))
    for c in 0..<channels {
        for k in 0..<outChannels {
            for t in 0..<4 {
                packed[packedDeconvIndex(k: k, c: c, tap: t, outChannels: outChannels, channels: channels)] =
                    weights[(c * outChannels + k) * 4 + t]
            }
        }
    }
    return PackedConv(weights: packed, bias: paddedBias(bias, outChannels), channels: channels, outChannels: outChannels)
}
