// 2x2 stride-2 transposed conv (PyTorch ConvTranspose2d(C, K, 2, stride 2)), bias, no
// activation. Each output pixel (2y+dy, 2x+dx) receives exactly one input pixel (y, x)
// through tap (dy, dx), so the op is four independent 1x1 convs whose outputs are
// interleaved: the register tile runs with an output pixel stride of 16 floats.
//
// input   [ceil(C/8)][H+2][W+2][8]
// output  [ceil(K/8)][2H+2][2W+2][8]   output rows 2y, 2y+1 for y in `rows` written
// weights packConvTranspose2x2(...).weights, bias packConvTranspose2x2(...).bias
// rows    INPUT rows (0..<H); each produces two output rows. Split freely.
//
// Writing into a concat buffer: pass `output` = start of the channel range (see
// KERNELS.md, "Concatenation").
//
// A trailing odd output block (K = 8, 24, ...) would leave half of a 16-lane tile idle; its two dx
// taps run as one pair instead: lanes 0...7 tap (dy, 0), lanes 8...15 tap (dy, 1), stored at
// output pixel 2x with block stride 8, i.e. pixels 2x and 2x+1 side by side (weights packed so by
// packConvTranspose2x2, the bias doubled on the stack). Same terms in the same order per output.

@inlinable @inline(__always)
public func f32_convt2x2s2_gemm_c8_6x16_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    assert(rows.lowerBound >= 0 && rows.upperBound <= height, "rows outside 0..<height")
    let cb = (channels &+ 7) >> 3
    let kb = (outChannels &+ 7) >> 3
    let inRowStride = (width &+ 2) &* 8
    let inBlockStride = (height &+ 2) &* inRowStride
    let outRowStride = (2 &* width &+ 2) &* 8
    let outBlockStride = (2 &* height &+ 2) &* outRowStride
    let wPerBlock = cb &* 64
    let paired = kb & ~1
    let wPerTap = paired &* wPerBlock
    let avx512 = kernelsUseAVX512
    var trailingBias = SIMD16<Float>(repeating: 0)
    if paired < kb {
        for i in 0..<8 {
            trailingBias[i] = bias[paired &* 8 &+ i]
            trailingBias[8 &+ i] = bias[paired &* 8 &+ i]
        }
    }
    withUnsafePointer(to: &trailingBias) { tb in
        let bias2 = UnsafeRawPointer(tb).assumingMemoryBound(to: Float.self)
        for y in rows {
            let inRow = input &+ ((y &+ 1) &* inRowStride &+ 8)
            for tap in 0..<4 {
                let dy = tap >> 1, dx = tap & 1
                let outRow = output &+ ((2 &* y &+ dy &+ 1) &* outRowStride &+ (dx &+ 1) &* 8)
                let wTap = weights &+ tap &* wPerTap
                var b = 0
                while avx512 && b &+ 3 < paired && width >= 4 {
                    tileRowQuadAVX512(
                        Conv1x1C8.self, EpilogueNone.self, width: width, input: inRow, inBlockStride: inBlockStride,
                        rowStride: inRowStride, blocks: cb, weights: wTap &+ b &* wPerBlock, pairStride: 2 &* wPerBlock,
                        bias: bias &+ b &* 8, output: outRow &+ b &* outBlockStride, outPixelStride: 16,
                        outBlockStride: outBlockStride, accumulate: false, finish: true)
                    b = b &+ 4
                }
                while b < paired {
                    tileRowPairAVX512(
                        Conv1x1C8.self, EpilogueNone.self, avx512: avx512, width: width, input: inRow,
                        inBlockStride: inBlockStride, rowStride: inRowStride, blocks: cb, weights: wTap &+ b &* wPerBlock,
                        bias: bias &+ b &* 8, output: outRow &+ b &* outBlockStride, outPixelStride: 16,
                        outBlockStride: outBlockStride, accumulate: false, finish: true)
                    b = b &+ 2
                }
            }
            if paired < kb {
                for dy in 0..<2 {
                    tileRowPairAVX512(
                        Conv1x1C8.self, EpilogueNone.self, avx512: avx512, width: width, input: inRow,
                        inBlockStride: inBlockStride, rowStride: inRowStride, blocks: cb,
                        weights: weights &+ (4 &* wPerTap &+ dy &* 2 &* wPerBlock), bias: bias2,
                        output: output &+ ((2 &* y &+ dy &+ 1) &* outRowStride &+ 8 &+ paired &* outBlockStride),
                        outPixelStride: 16, outBlockStride: 8, accumulate: false, finish: true)
                }
            }
        }
    }
}
