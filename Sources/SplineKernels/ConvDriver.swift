// Row loop shared by the stride-1 conv kernels (3x3, 3x3 with one input channel,
// 1x1). Input and output have the same H x W (padded NCHWc8; the 1-input-channel kernel
// reads the padded input plane, `PlaneShape`).
//
// Loop order: output row y -> chunk of `chunk` input blocks -> pair of output blocks
// (16-channel tile; a trailing odd block uses the 8-channel tile) -> 6-pixel tiles.
// Chunking the reduction over input channels keeps the hardware prefetchers
// effective (a full reduction per tile touches ceil(C/8) planes ~0.5 MB apart at
// once, which they do not follow: the 1x1 head ran at 10% of peak) and keeps one
// chunk's packed weights (3x3: chunk*9*8*16 floats = 18 KiB for 4 blocks) in L1
// across the row. The first chunk starts from the bias, later chunks from the
// partial sums in the output row, the last applies the activation. The summation
// order depends only on the shape, and `rows` splits never split a reduction, so
// results are bitwise identical for any split between threads.
import CSpinHint
import SplineKernelsAVX512

@inlinable @inline(__always)
func convRows<G: ConvGeometry, E: Epilogue>(
    _ g: G.Type, _ e: E.Type,
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>,
    chunk: Int, inputHeight: Int? = nil
) {
    let k = G.kh, icCount = G.icCount
    assert(rows.lowerBound >= 0 && rows.upperBound <= height, "rows outside 0..<height")
    // One input block per 8 channels; the 1-input-channel kernel reads the one input plane.
    let cb = icCount == 1 ? 1 : (channels &+ 7) >> 3
    let kb = (outChannels &+ 7) >> 3
    let rowStride = (width &+ 2) &* 8                          // output
    let blockStride = (height &+ 2) &* rowStride
    let ps = G.pixelStride
    let inRowStride = (width &+ 2) &* ps                       // input: NCHWc8 or the plane
    // inputHeight: the input's own interior rows when it is not an H-row image (a band of the
    // fused first conv's output, Conv3x3C1Conv3x3Direct.swift): only its block stride.
    let inBlockStride = ((inputHeight ?? height) &+ 2) &* inRowStride
    let wPerInBlock = k &* k &* icCount &* 8  // floats per (input block, output block)
    let wPerBlock = cb &* wPerInBlock  // floats per output block
    // 3x3: first tap of interior pixel (0,0) is padded (0,0); 1x1: the pixel itself.
    let inOrigin = k == 3 ? 0 : inRowStride &+ ps
    // The AVX-512 tiles (SplineKernelsAVX512): 8-lane input blocks. Epilogues without an AVX-512
    // form (tanh): the pair and quad tiles store the raw sums and `applyEpilogue` applies the
    // AVX2 form to them (same sums, same function: same bits).
    let avx512 = icCount == 8 && kernelsUseAVX512
    // AVX-512, 3x3, a trailing single 8-channel output block whose reduction is one chunk: its
    // 16-pixel tiles for all rows in one call after the row loop (`directRows16x8AVX512`, weights
    // staged once per call); the row loop does the other blocks and that block's 1...15 pixels left.
    let rows16x8 = avx512 && kb & 1 == 1 && cb <= min(chunk, directRows16x8MaxBlocks) && E.avx512Activation >= 0
        && G.sharesTapBroadcasts && width >= 16
    if icCount == 1 && width >= 16 && E.avx512Activation >= 0 && kernelsUseAVX512 {
        // AVX-512, one input channel: per output block, the 16-pixel two-row tiles of all rows in
        // one call (`directRowsC1x16x8AVX512`, its doubled weights prepared once: a call per row
        // cost 5-8 % of the layer), then the rest of each row (at least its last 8 pixels,
        // recomputed bit for bit where they overlap) with `c1RowSingle`. Same bits; any row split.
        let tiles = width >> 4, x0 = tiles &* 16
        let xs = width &- x0 >= 8 ? x0 : width &- 8
        let inFirst = input &+ rows.lowerBound &* inRowStride
        let outFirst = output &+ ((rows.lowerBound &+ 1) &* rowStride &+ 8)
        for b in 0..<kb {
            let (bw, ts) = c1BlockWeights(weights, block: b, blocks: kb, perBlock: wPerBlock)
            let bo = outFirst &+ b &* blockStride
            directRowsC1x16x8AVX512(
                rows: rows.count, tiles: tiles, input: inFirst, rowStride: inRowStride, weights: bw, tapStride: ts,
                bias: bias &+ b &* 8, output: bo, outRowStride: rowStride, relu: E.avx512Activation == 1)
            if x0 < width {
                for r in 0..<rows.count {
                    c1RowSingle(e, width: width &- xs, input: inFirst &+ (r &* inRowStride &+ xs), rowStride: inRowStride,
                                weights: bw, tapStride: ts, bias: bias &+ b &* 8, output: bo &+ (r &* rowStride &+ xs &* 8))
                }
            }
        }
        return
    }
    for y in rows {
        let outRow = output &+ ((y &+ 1) &* rowStride &+ 8)
        var c0 = 0
        while c0 < cb {
            let blocks = min(chunk, cb &- c0)
            // The 1-input-channel kernel has a single chunk: literal flags keep its
            // fully unrolled 9-tap tiles small enough to stay inlined and in registers
            // (with runtime flags it compiled to spilling 128-bit code, 4x slower).
            let accumulate = icCount == 1 ? false : c0 > 0
            let finish = icCount == 1 ? true : c0 &+ blocks == cb
            let inRow = input &+ (inOrigin &+ y &* inRowStride &+ c0 &* inBlockStride)
            if k == 1 && y &+ 1 < rows.upperBound {
                // 1x1: the next row of this chunk's input blocks, to L2, one row ahead. Each
                // block's row is a 4 KB run (W = 128) that ends before the hardware prefetchers
                // ramp up, so the VGG heads waited on DRAM. 256 -> 16 @128 (`kernel-bench 9
                // conv1x1`, 3 alternating rounds, a noisy host): 1 thread 2.51 / 1.45 / 1.67 ->
                // 1.34 / 2.20 / 1.16 ms, 2 threads 0.68 / 0.60 / 0.56 -> 0.47 / 0.55 / 0.48 ms;
                // VGG-Implicit1's head in the model (2 threads) 1.15-1.24 -> 1.02-1.12 ms, 1 thread
                // 2.44 -> 2.29 ms. prefetcht0 gained less.
                let lines = (width &* 8) >> 4                   // 64-byte lines of W pixels
                for bb in 0..<blocks {
                    let p = UnsafeRawPointer(inRow &+ (inRowStride &+ bb &* inBlockStride))
                    for l in 0..<lines { splineseg_prefetch_l2(p + l &* 64) }
                }
            }
            var b = 0
            if icCount == 1 && width >= 8 {
                // One input channel: each 8-channel block in its own pass over the row
                // (MicroTileC1.swift).
                while b < kb {
                    let (bw, ts) = c1BlockWeights(weights, block: b, blocks: kb, perBlock: wPerBlock)
                    c1RowSingle(e, width: width, input: inRow, rowStride: inRowStride, weights: bw, tapStride: ts,
                                bias: bias &+ b &* 8, output: outRow &+ b &* blockStride)
                    b = b &+ 1
                }
            }
            while avx512 && b &+ 3 < kb && width >= 4 {
                tileRowQuadAVX512(
                    g, e, width: width, input: inRow, inBlockStride: inBlockStride, rowStride: inRowStride,
                    blocks: blocks, weights: weights &+ (b &* wPerBlock &+ c0 &* wPerInBlock &* 2),
                    pairStride: 2 &* wPerBlock, bias: bias &+ b &* 8, output: outRow &+ b &* blockStride,
                    outPixelStride: 8, outBlockStride: blockStride, accumulate: accumulate, finish: finish)
                b = b &+ 4
            }
            while b &+ 1 < kb {
                // Pair weights are [cb][taps][ic][16]: chunk c0 starts at c0*wPerInBlock*2.
                let pw = weights &+ (b &* wPerBlock &+ c0 &* wPerInBlock &* 2)
                tileRowPairAVX512(
                    g, e, avx512: avx512, width: width, input: inRow, inBlockStride: inBlockStride,
                    rowStride: inRowStride, blocks: blocks, weights: pw, bias: bias &+ b &* 8,
                    output: outRow &+ b &* blockStride, outPixelStride: 8, outBlockStride: blockStride,
                    accumulate: accumulate, finish: finish)
                b = b &+ 2
            }
            if b < kb && avx512 && E.avx512Activation >= 0 && G.sharesTapBroadcasts && width >= 16 {
                // AVX-512, 3x3, a trailing single 8-channel block: 16-pixel tiles summing even and
                // odd input channels apart (`directRow16x8AVX512`; not the AVX2 tiles' bits), the
                // 1...15 pixels left with the AVX2 tiles.
                let pw = weights &+ (b &* wPerBlock &+ c0 &* wPerInBlock), po = outRow &+ b &* blockStride
                let tiles = width >> 4, x0 = tiles &* 16
                if !rows16x8 {   // else: all rows' 16-pixel tiles after the row loop
                    directRow16x8AVX512(
                        tiles: tiles, input: inRow, inBlockStride: inBlockStride, rowStride: inRowStride, blocks: blocks,
                        weights: pw, bias: bias &+ b &* 8, output: po, accumulate: accumulate, finish: finish,
                        relu: E.avx512Activation == 1)
                }
                tileRowSingle(
                    g, e, width: width &- x0, input: inRow &+ x0 &* 8, inBlockStride: inBlockStride, rowStride: inRowStride,
                    blocks: blocks, weights: pw, bias: bias &+ b &* 8, output: po &+ x0 &* 8, outPixelStride: 8,
                    outBlockStride: blockStride, accumulate: accumulate, finish: finish)
            } else if b < kb && G.sharesTapBroadcasts && icCount == 8 && !accumulate && finish
                && shared3RowSplit(width: width).count > 0 {
                // One chunk (no partial sums in the output): the whole row in one loop per
                // tile width (MicroTileShared3.swift).
                shared3RowSingle(
                    g, e, width: width, input: inRow, inBlockStride: inBlockStride, rowStride: inRowStride,
                    blocks: blocks, weights: weights &+ b &* wPerBlock, bias: bias &+ b &* 8,
                    output: outRow &+ b &* blockStride)
            } else if b < kb {
                tileRowSingle(
                    g, e, width: width, input: inRow, inBlockStride: inBlockStride, rowStride: inRowStride, blocks: blocks,
                    weights: weights &+ (b &* wPerBlock &+ c0 &* wPerInBlock), bias: bias &+ b &* 8,
                    output: outRow &+ b &* blockStride, outPixelStride: 8, outBlockStride: blockStride,
                    accumulate: accumulate, finish: finish)
            }
            c0 = c0 &+ blocks
        }
    }
    if rows16x8 && !rows.isEmpty {
        let b = kb &- 1
        directRows16x8AVX512(
            rows: rows.count, tiles: width >> 4, input: input &+ (inOrigin &+ rows.lowerBound &* inRowStride),
            inBlockStride: inBlockStride, rowStride: inRowStride, blocks: cb, weights: weights &+ b &* wPerBlock,
            bias: bias &+ b &* 8, output: output &+ ((rows.lowerBound &+ 1) &* rowStride &+ 8 &+ b &* blockStride),
            outRowStride: rowStride, relu: E.avx512Activation == 1)
    }
}

/// Output block b's packed 1-input-channel 3x3 weights and their tap stride: blocks are packed
/// in pairs [taps][16] (block b + 1 in lanes 8...15, tap stride 16), a trailing odd block
/// [taps][8] (tap stride 8); `perBlock` floats per block.
@inlinable @inline(__always)
func c1BlockWeights(
    _ weights: UnsafePointer<Float>, block b: Int, blocks kb: Int, perBlock: Int
) -> (UnsafePointer<Float>, Int) {
    let pair = b & ~1
    return (weights &+ (pair &* perBlock &+ (b & 1) &* 8), pair &+ 1 < kb ? 16 : 8)
}

/// Two 16-channel output pairs (32 channels) of one row segment on AVX-512: the 8- and 6-pixel x
/// 32-channel tiles (`directRowQuad32AVX512`, same bits), then the 1...5 pixels left with the
/// AVX2 tiles of each pair. Pair 0's weights at `weights`, pair 1's at + pairStride, its bias at
/// bias + 16 and its output blocks at output + 2 * outBlockStride; the rest as `tileRowPair`.
/// Only for 8-lane input blocks; an epilogue without an AVX-512 form (`avx512Activation` < 0)
/// is applied afterwards by `applyEpilogue`.
@inlinable @inline(__always)
func tileRowQuadAVX512<G: ConvGeometry, E: Epilogue>(
    _ g: G.Type, _ e: E.Type, width: Int,
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, pairStride: Int, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outPixelStride: Int, outBlockStride: Int,
    accumulate: Bool, finish: Bool
) {
    let x0 = directRowQuad32AVX512(
        kh: G.kh, width: width, input: input, inBlockStride: inBlockStride, rowStride: rowStride,
        blocks: blocks, weights: weights, pairStride: pairStride, bias: bias, output: output,
        outBlockStride: outBlockStride, outPixelStride: outPixelStride, accumulate: accumulate,
        finish: finish && E.avx512Activation >= 0, relu: E.avx512Activation == 1)
    if finish && E.avx512Activation < 0 {
        applyEpilogue(e, output: output, blocks: 4, blockStride: outBlockStride, pixels: x0, pixelStride: outPixelStride)
    }
    for q in 0..<2 {
        tileRowPair(
            g, e, width: width &- x0, input: input &+ x0 &* G.pixelStride, inBlockStride: inBlockStride,
            rowStride: rowStride, blocks: blocks, weights: weights &+ q &* pairStride, bias: bias &+ q &* 16,
            output: output &+ 2 &* q &* outBlockStride &+ x0 &* outPixelStride, outPixelStride: outPixelStride,
            outBlockStride: outBlockStride, accumulate: accumulate, finish: finish)
    }
}

/// One 16-channel output pair of one row segment: on AVX-512 (`avx512`) the 16- and 12-pixel
/// tiles (`directRowPair16AVX512`, same bits) first, then the pixels left with the AVX2 tiles
/// (`tileRowPair`, arguments as there). Only for 8-lane input blocks; an epilogue without an
/// AVX-512 form is applied afterwards by `applyEpilogue`.
@inlinable @inline(__always)
func tileRowPairAVX512<G: ConvGeometry, E: Epilogue>(
    _ g: G.Type, _ e: E.Type, avx512: Bool, width: Int,
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outPixelStride: Int, outBlockStride: Int,
    accumulate: Bool, finish: Bool
) {
    let x0 = avx512 && width >= 12 ? directRowPair16AVX512(
        kh: G.kh, width: width, input: input, inBlockStride: inBlockStride, rowStride: rowStride,
        blocks: blocks, weights: weights, bias: bias, output: output, outBlockStride: outBlockStride,
        outPixelStride: outPixelStride, accumulate: accumulate, finish: finish && E.avx512Activation >= 0,
        relu: E.avx512Activation == 1) : 0
    if finish && E.avx512Activation < 0 {
        applyEpilogue(e, output: output, blocks: 2, blockStride: outBlockStride, pixels: x0, pixelStride: outPixelStride)
    }
    tileRowPair(
        g, e, width: width &- x0, input: input &+ x0 &* G.pixelStride, inBlockStride: inBlockStride,
        rowStride: rowStride, blocks: blocks, weights: weights, bias: bias,
        output: output &+ x0 &* outPixelStride, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
        accumulate: accumulate, finish: finish)
}

/// The epilogue's activation (AVX2 form) applied in place to the first `pixels` pixels of
/// `blocks` 8-channel output blocks: for AVX-512 tiles that stored raw sums because the
/// epilogue has no AVX-512 form (tanh). Why not a SIMD16 tanh: the bits would have to match the
/// SIMD8 one's; applying that one to the same sums gives them. kernel-bench's 1x1 256 -> 64 tanh
/// at 128 x 128: 40 % of the peak on the AVX2 tiles, 63-65 % so.
@inlinable @inline(__always)
func applyEpilogue<E: Epilogue>(_: E.Type, output: UnsafeMutablePointer<Float>, blocks: Int, blockStride: Int,
                                pixels: Int, pixelStride: Int) {
    for j in 0..<blocks {
        var o = output &+ j &* blockStride
        for _ in 0..<pixels {
            st8(o, E.apply(ld8(o)))
            o = o &+ pixelStride
        }
    }
}
