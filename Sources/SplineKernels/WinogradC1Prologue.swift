// A network's first two 3x3 convs as ONE step: conv3x3c1 (1 input channel, bias, ReLU) feeding
// a Winograd F(6x6,3x3) conv. The first conv's C-channel output is never stored: the second
// conv's input transform computes each 8x8 input patch it needs from the 1-channel image.
//
// Why: at I = 512 with C = 64 that output is 67 MB, written by the first conv and read back by
// the second (the largest activation of VGG-Implicit1/2 and UNet f = 64, and their arena peak).
// Recomputing the patches costs (8/6)^2 = 1.78x the first conv's 9 FMAs per value, ~2.4 ms at
// I = 512, C = 64 on 2 cores, against ~4 ms for the stored conv and its 134 MB of DRAM traffic.
//
// Patch values are bitwise those of `f32_conv3x3c1_direct_p1c8_6x16_relu_avx2` (same FMA order:
// bias, then taps dy-major; same ReLU), so the fused step equals the two unfused kernels bitwise.
//
// input      [H+2][W+2]   the network input plane (`PlaneShape`; halo zero)
// c1Weights  winogradC1PackPrologue(...): [Cb][10][8] = 9 taps (dy * 3 + dx), then the bias
// weights    winogradF63PackWeights(...) of the second conv (C = the first conv's outputs)
// The rest of the contract as `f32_conv3x3_winograd6x6_c8_6x16_relu_avx2`.

/// Floats of `winogradC1PackPrologue`'s result for a first conv with `channels` outputs.
@inlinable @inline(__always)
public func winogradC1PrologueWeightCount(channels: Int) -> Int { (channels &+ 7) / 8 &* 80 }

/// Packs the first conv (PyTorch weight [C][1][3][3], bias [C], BatchNorm folded) for the fused
/// kernels: per block of 8 channels, the 9 taps' SIMD8 weights, then the SIMD8 bias; channels
/// beyond C are zero (their ReLU output is 0, like the zero padding lanes of a stored tensor).
public func winogradC1PackPrologue(weights: [Float], bias: [Float], channels c: Int) -> [Float] {
    precondition(c > 0 && weights.count == c * 9 && bias.count == c, "winogradC1PackPrologue: bad weight / bias count")
    var out = [Float](repeating: 0, count: winogradC1PrologueWeightCount(channels: c))
    for k in 0..<c {
        let base = (k / 8) * 80 + k % 8
        for t in 0..<9 { out[base + t * 8] = weights[k * 9 + t] }
        out[base + 72] = bias[k]
    }
    return out
}

/// conv3x3c1 + ReLU, then F(6x6,3x3) conv + bias + ReLU (the first conv's output not stored).
/// `midChannels`: the first conv's outputs = the second's inputs.
@inlinable
public func f32_conv3x3c1conv3x3_winograd6x6_p1c8_6x16_relu_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    c1Weights: UnsafePointer<Float>, weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    midChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>
) {
    _winogradF63Conv(input: input, output: output, weights: weights, scratch: scratch,
                     inChannels: midChannels, outChannels: outChannels,
                     height: height, width: width, blocks: blocks, relu: true, c1Weights: c1Weights)
}

/// As `f32_conv3x3c1conv3x3_winograd6x6_p1c8_6x16_relu_avx2`, with the 2x2 stride-2 pools of
/// `f32_conv3x3_winograd6x6_c8_6x16_relu_pool2x2s2_avx2` (H, W even; each output optional).
@inlinable
public func f32_conv3x3c1conv3x3_winograd6x6_p1c8_6x16_relu_pool2x2s2_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>?,
    maxPooled: UnsafeMutablePointer<Float>?, avgPooled: UnsafeMutablePointer<Float>?,
    c1Weights: UnsafePointer<Float>, weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    midChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>
) {
    precondition(height & 1 == 0 && width & 1 == 0, "winograd pool2x2s2: odd height or width")
    _winogradF63Conv(input: input, output: output, weights: weights, scratch: scratch,
                     inChannels: midChannels, outChannels: outChannels,
                     height: height, width: width, blocks: blocks, relu: true,
                     maxPooled: maxPooled, avgPooled: avgPooled, c1Weights: c1Weights)
}

/// The 9 tap weights and the bias of one 8-channel block of the first conv.
@usableFromInline
struct _WC1Block {
    @usableFromInline let w0, w1, w2, w3, w4, w5, w6, w7, w8, b: SIMD8<Float>
    @inlinable @inline(__always)
    init(_ p: UnsafePointer<Float>) {
        w0 = _wLoad(p); w1 = _wLoad(p + 8); w2 = _wLoad(p + 16); w3 = _wLoad(p + 24); w4 = _wLoad(p + 32)
        w5 = _wLoad(p + 40); w6 = _wLoad(p + 48); w7 = _wLoad(p + 56); w8 = _wLoad(p + 64); b = _wLoad(p + 72)
    }

    /// ReLU(bias + sum of the 3x3 window at `s` (its top-left pixel in the input plane, row
    /// stride `rs`) times the taps), in the order of the conv3x3c1 micro-tile.
    @inlinable @inline(__always)
    func value(_ s: UnsafePointer<Float>, _ rs: Int) -> SIMD8<Float> {
        var a = b
        a = a.addingProduct(SIMD8(repeating: s[0]), w0)
        a = a.addingProduct(SIMD8(repeating: s[1]), w1)
        a = a.addingProduct(SIMD8(repeating: s[2]), w2)
        let s1 = s + rs
        a = a.addingProduct(SIMD8(repeating: s1[0]), w3)
        a = a.addingProduct(SIMD8(repeating: s1[1]), w4)
        a = a.addingProduct(SIMD8(repeating: s1[2]), w5)
        let s2 = s1 + rs
        a = a.addingProduct(SIMD8(repeating: s2[0]), w6)
        a = a.addingProduct(SIMD8(repeating: s2[1]), w7)
        a = a.addingProduct(SIMD8(repeating: s2[2]), w8)
        return a.replacing(with: 0, where: a .< 0)
    }
}

/// Row pass of the F(6,3) input transform of one 8x8 patch at padded (y0, x0) of the first
/// conv's output, computed from the 1-channel `input` (`wb`: one 8-channel block of the first
/// conv) into `tmp` (row r at tmp + 64 r). Patch value (Y, X) is 0 on the halo and beyond it
/// (Y, X outside 1...H, 1...W), else `wb.value` of the input window at padded (Y - 1, X - 1).
@inlinable @inline(__always)
func _wC1InputRows8(_ wb: _WC1Block, _ input: UnsafePointer<Float>, _ tmp: UnsafeMutablePointer<Float>,
                    y0: Int, x0: Int, height: Int, width: Int) {
    let rs = width &+ 2                     // the input plane's row stride
    if y0 >= 1 && y0 &+ 7 <= height && x0 >= 1 && x0 &+ 7 <= width {
        // Every patch value is an image pixel: window of (Y, X) starts at (Y - 1, X - 1).
        for r in 0..<8 {
            let s = input + (y0 &+ r &- 1) &* rs + (x0 &- 1)
            _wInputTransform8(wb.value(s, rs), wb.value(s + 1, rs), wb.value(s + 2, rs),
                              wb.value(s + 3, rs), wb.value(s + 4, rs), wb.value(s + 5, rs),
                              wb.value(s + 6, rs), wb.value(s + 7, rs), tmp + r &* 64, 8)
        }
        return
    }
    let zero = SIMD8<Float>()
    @inline(__always) func at(_ y: Int, _ x: Int) -> SIMD8<Float> {
        y >= 1 && y <= height && x >= 1 && x <= width ? wb.value(input + (y &- 1) &* rs + (x &- 1), rs) : zero
    }
    for r in 0..<8 {
        let y = y0 &+ r
        _wInputTransform8(at(y, x0), at(y, x0 &+ 1), at(y, x0 &+ 2), at(y, x0 &+ 3),
                          at(y, x0 &+ 4), at(y, x0 &+ 5), at(y, x0 &+ 6), at(y, x0 &+ 7), tmp + r &* 64, 8)
    }
}
