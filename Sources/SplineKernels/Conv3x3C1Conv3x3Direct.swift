// The first conv (1 input channel, + ReLU) fused into a direct 3x3 conv + ReLU that reads it,
// optionally with the 2x2 stride-2 pools of that conv's output: one step instead of two to four.
//
// Why: on 2 threads every step is a pool call, and in a pool call each thread runs a short
// kernel 10-20 % slower than alone (KERNELS.md "Threads"); the built-in model's first conv
// (1 -> 8 @128, ~5 us) stayed at 65-84 % of the 2-thread peak as its own step, and its two pools
// cost two more calls. Fused, each part computes the first conv for its own rows (plus one halo
// row on each side) into a per-part band of scratch, then the direct conv on that band, then the
// pools of the rows it just wrote, while they are in cache.
//
// Same bits as the unfused steps: the first conv's rows come from the same kernel
// (`f32_conv3x3c1_direct_p1c8_6x16_relu_avx2`, whose bits do not depend on the rows asked for),
// the conv from the same direct kernel (its bits depend on neither the row split nor the input's
// block stride), the pools from the pool kernels. Tested bitwise against them
// (Conv3x3C1Conv3x3DirectTests).
//
// input      the network input plane, padded (`PlaneShape`)
// output     [ceil(K/8)][H+2][W+2][8]: the conv's output, always stored (the pools read it back)
// maxPooled, avgPooled  [ceil(K/8)][H/2+2][W/2+2][8], each optional (pool variant)
// c1Weights  `packConv3x3C1` weights of the first conv (72 * ceil(C/8) floats), then its bias
//            (8 * ceil(C/8) floats): `packConv3x3C1Direct`
// weights, bias  `packConv3x3` of the second conv (C -> K)
// scratch    `c1DirectScratchCount(midChannels:width:)` floats for this part alone
// rows       output rows (plain variant), pooled rows (pool variant); any split, same bits

/// Output rows per band: the first conv's band (these rows + 2 halo rows) stays in L2 (8 channels,
/// W = 128: 83 KB) between being written and read, and the rows two bands share are copied, not
/// recomputed.
public let c1DirectBandRows = 16

/// Scratch floats one part of the fused first conv + direct conv needs: a band of the first
/// conv's C-channel output, `c1DirectBandRows` + 2 interior rows, padded.
public func c1DirectScratchCount(midChannels: Int, width: Int) -> Int {
    (c1DirectBandRows + 4) * (width + 2) * 8 * ((midChannels + 7) >> 3)
}

/// Floats of `packConv3x3C1Direct`: 72 weights and 8 biases per 8-channel block.
public func c1DirectWeightCount(midChannels: Int) -> Int { (midChannels + 7) / 8 * 80 }

/// The fused kernels' first-conv weights: `packConv3x3C1`'s weights, then its bias.
public func packConv3x3C1Direct(weights: [Float], bias: [Float], midChannels: Int) throws(KernelShapeError) -> [Float] {
    let p = try packConv3x3C1(weights: weights, bias: bias, outChannels: midChannels)
    return p.weights + p.bias
}

/// conv3x3c1 + ReLU, then a direct 3x3 conv + bias + ReLU (`rows`: output rows).
@inlinable
public func f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    c1Weights: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, midChannels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    _c1DirectConv(input: input, output: output, maxPooled: nil, avgPooled: nil, c1Weights: c1Weights,
                  weights: weights, bias: bias, scratch: scratch, midChannels: midChannels, outChannels: outChannels,
                  height: height, width: width, rows: rows)
}

/// As `f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_avx2`, then the 2x2 stride-2 max and mean
/// pools of the rows written (H, W even; each pooled output optional). `rows`: pooled rows.
@inlinable
public func f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_pool2x2s2_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    maxPooled: UnsafeMutablePointer<Float>?, avgPooled: UnsafeMutablePointer<Float>?,
    c1Weights: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, midChannels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    precondition(height & 1 == 0 && width & 1 == 0, "direct pool2x2s2: odd height or width")
    _c1DirectConv(input: input, output: output, maxPooled: maxPooled, avgPooled: avgPooled, c1Weights: c1Weights,
                  weights: weights, bias: bias, scratch: scratch, midChannels: midChannels, outChannels: outChannels,
                  height: height, width: width, rows: 2 &* rows.lowerBound..<2 &* rows.upperBound)
}

/// Output rows `rows` (even bounds when pooling) in bands of `c1DirectBandRows`. Scratch: an
/// image of `c1DirectBandRows` + 2 interior rows; for the band [a, b) interior row j holds the
/// first conv's image row a - 1 + j (zero outside the image), j = 0 ..< b - a + 2.
@inlinable
func _c1DirectConv(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    maxPooled: UnsafeMutablePointer<Float>?, avgPooled: UnsafeMutablePointer<Float>?,
    c1Weights: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, midChannels c: Int, outChannels k: Int, height h: Int, width w: Int,
    rows: Range<Int>
) {
    precondition(rows.lowerBound >= 0 && rows.upperBound <= h, "c1 + direct conv: rows outside the image")
    if rows.isEmpty { return }
    let kbMid = (c &+ 7) >> 3
    let c1Bias = c1Weights &+ 72 &* kbMid
    let rowStride = (w &+ 2) &* 8
    let bandInterior = c1DirectBandRows &+ 2
    let bandBlockStride = (bandInterior &+ 2) &* rowStride
    let planeRowStride = w &+ 2
    // Interior row j of the band is padded row j + 1. The first conv writes interior pixels
    // only: its halo columns are zeroed once here (the row copies below carry them along).
    for b in 0..<kbMid {
        let base = scratch &+ b &* bandBlockStride
        for j in 0..<bandInterior {
            let row = base &+ (j &+ 1) &* rowStride
            row.update(repeating: 0, count: 8)
            (row &+ (w &+ 1) &* 8).update(repeating: 0, count: 8)
        }
    }
    @inline(__always) func zeroRow(_ j: Int) {
        for b in 0..<kbMid { (scratch &+ (b &* bandBlockStride &+ (j &+ 1) &* rowStride)).update(repeating: 0, count: rowStride) }
    }
    var a = rows.lowerBound
    var previous = 0                                   // rows of the band before (0: none)
    while a < rows.upperBound {
        let n = min(c1DirectBandRows, rows.upperBound &- a)
        var j0 = 0
        if previous > 0 {
            // Image rows a - 1 and a were the previous band's interior rows previous, previous + 1.
            for b in 0..<kbMid {
                let base = scratch &+ b &* bandBlockStride
                (base &+ rowStride).update(from: base &+ (previous &+ 1) &* rowStride, count: 2 &* rowStride)
            }
            j0 = 2
        }
        // Interior j <-> image row a - 1 + j: inside the image for j in [1 - a, h - a + 1).
        let jLo = max(j0, 1 &- a), jHi = min(n &+ 2, h &- a &+ 1)
        for j in j0..<max(j0, jLo) { zeroRow(j) }
        if jLo < jHi {
            f32_conv3x3c1_direct_p1c8_6x16_relu_avx2(
                input &+ (a &- 1) &* planeRowStride, scratch, weights: c1Weights, bias: c1Bias, outChannels: c,
                height: bandInterior, width: w, rows: jLo..<jHi)
        }
        for j in max(jHi, j0)..<(n &+ 2) { zeroRow(j) }
        // Output row y reads the band's padded rows y - a + 1 ... y - a + 3.
        convRows(
            Conv3x3C8.self, EpilogueReLU.self, input: scratch &+ (1 &- a) &* rowStride, output: output,
            weights: weights, bias: bias, channels: c, outChannels: k, height: h, width: w, rows: a..<(a &+ n),
            chunk: 4, inputHeight: bandInterior)
        if maxPooled != nil || avgPooled != nil {
            _pool2x2s2MaxMean(output, maxPooled: maxPooled, avgPooled: avgPooled, channels: k, height: h, width: w,
                              rows: (a >> 1)..<((a &+ n) >> 1))
        }
        previous = n
        a = a &+ n
    }
}

/// Both 2x2 stride-2 pools of `rows` (pooled rows) in one pass over the input, each output
/// optional: bit for bit `f32_maxpool2x2s2_direct_c8_1x8_avx2` and `f32_avgpool_direct_c8_1x8_avx2`
/// with kernel 2 (the same operations in the same order), reading each input pixel once instead
/// of twice (the built-in model's first step, 1 thread: about 2 of its 8 us of pooling).
@inlinable @inline(__always)
func _pool2x2s2MaxMean(
    _ input: UnsafePointer<Float>, maxPooled: UnsafeMutablePointer<Float>?, avgPooled: UnsafeMutablePointer<Float>?,
    channels: Int, height: Int, width: Int, rows: Range<Int>
) {
    guard let mp = maxPooled, let ap = avgPooled else {
        if let m = maxPooled { f32_maxpool2x2s2_direct_c8_1x8_avx2(input, m, channels: channels, height: height, width: width, rows: rows) }
        if let v = avgPooled {
            f32_avgpool_direct_c8_1x8_avx2(input, v, channels: channels, height: height, width: width, kernel: 2, rows: rows)
        }
        return
    }
    let oh = height / 2, ow = width / 2
    let cb = (channels &+ 7) >> 3
    let inRowStride = (width &+ 2) &* 8
    let inBlockStride = (height &+ 2) &* inRowStride
    let outRowStride = (ow &+ 2) &* 8
    let outBlockStride = (oh &+ 2) &* outRowStride
    let quarter = SIMD8<Float>(repeating: 1 / Float(4))
    for b in 0..<cb {
        for y in rows {
            var ip = input &+ (b &* inBlockStride &+ (2 &* y &+ 1) &* inRowStride &+ 8)
            let o = b &* outBlockStride &+ (y &+ 1) &* outRowStride &+ 8
            var mo = mp &+ o, ao = ap &+ o
            for _ in 0..<ow {
                let p00 = ld8(ip), p01 = ld8(ip &+ 8), p10 = ld8(ip &+ inRowStride), p11 = ld8(ip &+ inRowStride &+ 8)
                st8(mo, vmax(vmax(p00, p01), vmax(p10, p11)))
                var sum = SIMD8<Float>()
                sum += p00; sum += p01; sum += p10; sum += p11
                st8(ao, sum * quarter)
                ip = ip &+ 16
                mo = mo &+ 8
                ao = ao &+ 8
            }
        }
    }
}
