// Winograd F(6x6, 3x3) convolution: same contract, layout and structure as
// WinogradF43.swift (read its header) with 8x8 input tiles, 6x6 output tiles and 64 batched
// GEMMs (interpolation points 0, +-1, +-2, +-1/2, inf). About 1.27x fewer multiplies than
// F(4x4,3x3) (64/36 vs 36/16 per output) at the cost of larger transforms and lower accuracy
// (see Tests/SplineKernelsTests/WinogradTests.swift for the measured error).
//
// Tile t = ty * tilesW + tx (tilesW = ceil(W / 6)) reads the 8x8 patch at padded (6ty, 6tx).
// Weights: `winogradF63PackWeights` -> [p = 64][panel][c = Cp][w = 16 | 8] then bias [Kp].
import SplineKernelsAVX512

// MARK: - Shape helpers

/// The F(6x6) blocking of an H x W output (`_WBlocking`, WinogradF43.swift).
@inlinable @inline(__always)
func _wF63Blocking(inChannels: Int, outChannels: Int, height: Int, width: Int) -> _WBlocking {
    _WBlocking(positions: 64, cp: (inChannels &+ 7) & ~7, kp: (outChannels &+ 7) & ~7,
               tiles: ((height &+ 5) / 6) &* ((width &+ 5) / 6))
}

/// Output tiles of the largest block, rounded up to even (`_WBlocking`; sizes the scratch).
@inlinable @inline(__always)
public func winogradF63TilesPerBlock(inChannels: Int, outChannels: Int, height: Int, width: Int) -> Int {
    _wF63Blocking(inChannels: inChannels, outChannels: outChannels, height: height, width: width).nT
}

/// Heuristic choice between F(6x6,3x3) and F(4x4,3x3) for one layer: F63 when its GEMM work
/// (tiles x 64 positions, partial tiles counted whole) is below 0.9x that of F43 (tiles x 36).
/// Measured on the 2-core Zen box (wino-bench): F63 is 10-20% faster at 16..128 channels on
/// 128..256-pixel planes, on par at 256 channels, slower on small planes where its 6x6 tiles
/// are mostly partial. F63 is ~2x less accurate (still ~2e-5 relative, see KERNELS.md).
@inlinable @inline(__always)
public func winogradPrefersF63(inChannels: Int, outChannels: Int, height: Int, width: Int) -> Bool {
    let t63: Int = ((height &+ 5) / 6) &* ((width &+ 5) / 6) &* 64
    let t43: Int = ((height &+ 3) >> 2) &* ((width &+ 3) >> 2) &* 36
    return t63 &* 10 < t43 &* 9
}

/// Number of work units (tile blocks of two halves; 2 output-channel halves when one block
/// holds every tile, `_WBlocking` in WinogradF43.swift); the kernel's `blocks` range is a
/// sub-range of 0..<this.
@inlinable @inline(__always)
public func winogradF63BlockCount(inChannels: Int, outChannels: Int, height: Int, width: Int) -> Int {
    _wF63Blocking(inChannels: inChannels, outChannels: outChannels, height: height, width: width).units
}

/// Floats of scratch ONE thread needs (each concurrently running call needs its own).
@inlinable @inline(__always)
public func winogradF63ScratchCount(inChannels: Int, outChannels: Int, height: Int, width: Int) -> Int {
    _wScratchCount(positions: 64, cp: (inChannels &+ 7) & ~7, kp: (outChannels &+ 7) & ~7,
                   tiles: ((height &+ 5) / 6) &* ((width &+ 5) / 6))
}

/// Floats of the packed weights (transformed weights + padded bias).
@inlinable @inline(__always)
public func winogradF63PackedWeightCount(inChannels: Int, outChannels: Int) -> Int {
    let cp = (inChannels &+ 7) & ~7
    let kp = (outChannels &+ 7) & ~7
    return 64 &* cp &* kp &+ kp
}

// MARK: - Weight packing

/// Transforms OIHW weights [K][C][3][3] + bias [K] (BatchNorm folded) for the F(6x6,3x3)
/// kernels: U = G g G^T in Double, layout [p][panel][c][w], then the bias padded to Kp.
public func winogradF63PackWeights(weights oihw: [Float], bias: [Float],
                                   inChannels c: Int, outChannels k: Int) -> [Float] {
    precondition(c > 0 && k > 0 && oihw.count == k * c * 9 && bias.count == k,
                 "winogradF63PackWeights: bad weight / bias count")
    let cp = (c + 7) & ~7
    let kp = (k + 7) & ~7
    var out = [Float](repeating: 0, count: winogradF63PackedWeightCount(inChannels: c, outChannels: k))
    let g = WinogradF63Matrices.g
    for ko in 0..<k {
        let panel = ko / 16
        let w = min(16, kp - panel * 16)
        let kk = ko - panel * 16
        for ci in 0..<c {
            var tmp = [Double](repeating: 0, count: 24)   // G g (8x3)
            for i in 0..<8 {
                for j in 0..<3 {
                    var s = 0.0
                    for l in 0..<3 { s += g[i][l] * Double(oihw[((ko * c + ci) * 3 + l) * 3 + j]) }
                    tmp[i * 3 + j] = s
                }
            }
            for i in 0..<8 {
                for j in 0..<8 {
                    var s = 0.0
                    for l in 0..<3 { s += tmp[i * 3 + l] * g[j][l] }
                    out[(i * 8 + j) * cp * kp + panel * 16 * cp + ci * w + kk] = Float(s)
                }
            }
        }
    }
    for ko in 0..<k { out[64 * cp * kp + ko] = bias[ko] }
    return out
}

// MARK: - Kernels

/// F(6x6,3x3) conv, bias, no activation. Contract as `f32_conv3x3_winograd4x4_c8_6x16_avx2`
/// with the F63 helpers (`winogradF63PackWeights`, `winogradF63ScratchCount`, `winogradF63BlockCount`).
@inlinable
public func f32_conv3x3_winograd6x6_c8_6x16_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    inChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>
) {
    _winogradF63Conv(input: input, output: output, weights: weights, scratch: scratch,
                     inChannels: inChannels, outChannels: outChannels,
                     height: height, width: width, blocks: blocks, relu: false)
}

/// F(6x6,3x3) conv, bias, ReLU.
@inlinable
public func f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    inChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>
) {
    _winogradF63Conv(input: input, output: output, weights: weights, scratch: scratch,
                     inChannels: inChannels, outChannels: outChannels,
                     height: height, width: width, blocks: blocks, relu: true)
}

/// F(6x6,3x3) conv, bias, ReLU, fused 2x2 stride-2 pooling of the ReLU output (H, W even):
/// `maxPooled` / `avgPooled` (each optional; padded NCHWc8 K x H/2 x W/2, interior written)
/// get every 2x2 window's max / mean (bitwise what `f32_maxpool2x2s2_direct_c8_1x8_avx2` /
/// `f32_avgpool_direct_c8_1x8_avx2` with kernel 2 compute from the full output); `output`
/// (optional) the full result. The rest of the contract as `f32_conv3x3_winograd6x6_c8_6x16_relu_avx2`.
@inlinable
public func f32_conv3x3_winograd6x6_c8_6x16_relu_pool2x2s2_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>?,
    maxPooled: UnsafeMutablePointer<Float>?, avgPooled: UnsafeMutablePointer<Float>?,
    weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    inChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>
) {
    precondition(height & 1 == 0 && width & 1 == 0, "winograd pool2x2s2: odd height or width")
    _winogradF63Conv(input: input, output: output, weights: weights, scratch: scratch,
                     inChannels: inChannels, outChannels: outChannels,
                     height: height, width: width, blocks: blocks, relu: true,
                     maxPooled: maxPooled, avgPooled: avgPooled)
}

// MARK: - Implementation

/// One row / column of B^T d B for F(6,3): 8 in, 8 out at out, out+s, ..., out+7s.
@inlinable @inline(__always)
func _wInputTransform8(_ d0: SIMD8<Float>, _ d1: SIMD8<Float>, _ d2: SIMD8<Float>, _ d3: SIMD8<Float>,
                       _ d4: SIMD8<Float>, _ d5: SIMD8<Float>, _ d6: SIMD8<Float>, _ d7: SIMD8<Float>,
                       _ out: UnsafeMutablePointer<Float>, _ s: Int) {
    let c525 = SIMD8<Float>(repeating: 5.25), cm425 = SIMD8<Float>(repeating: -4.25)
    let c025 = SIMD8<Float>(repeating: 0.25), cm125 = SIMD8<Float>(repeating: -1.25)
    let c05 = SIMD8<Float>(repeating: 0.5), cm25 = SIMD8<Float>(repeating: -2.5)
    let c2 = SIMD8<Float>(repeating: 2), c4 = SIMD8<Float>(repeating: 4)
    let r0 = (d0 - d6).addingProduct(d4 - d2, c525)
    let r7 = (d7 - d1).addingProduct(d3 - d5, c525)
    let t1 = (d2 + d6).addingProduct(d4, cm425)
    let t2 = (d1 + d5).addingProduct(d3, cm425)
    let t3 = d6.addingProduct(d2, c025).addingProduct(d4, cm125)
    let t4 = (d1 * c05).addingProduct(d3, cm25).addingProduct(d5, c2)
    let t5 = d6.addingProduct(d2.addingProduct(d4, cm125), c4)
    let t6 = (d1 * c2).addingProduct(d3, cm25).addingProduct(d5, c05)
    _wStore(out, r0)
    _wStore(out + s, t1 + t2)
    _wStore(out + 2 &* s, t1 - t2)
    _wStore(out + 3 &* s, t3 + t4)
    _wStore(out + 4 &* s, t3 - t4)
    _wStore(out + 5 &* s, t5 + t6)
    _wStore(out + 6 &* s, t5 - t6)
    _wStore(out + 7 &* s, r7)
}

/// Row pass of the F(6,3) input transform of the 8x8 patch at padded (y0, x0) of one channel
/// block (`src`: its padded H x W plane) into `tmp` (row r at tmp + 64 r). A partial tile reads
/// zeros beyond the halo (rows, cols >= 3).
@inlinable @inline(__always)
func _wInputRows8(_ src: UnsafePointer<Float>, _ tmp: UnsafeMutablePointer<Float>,
                  y0: Int, x0: Int, height: Int, width: Int) {
    let rs = (width &+ 2) &* 8
    let p = src + y0 &* rs + x0 &* 8
    let zero = SIMD8<Float>()
    if y0 &+ 8 <= height &+ 2 && x0 &+ 8 <= width &+ 2 {
        for r in 0..<8 {
            let s = p + r &* rs
            _wInputTransform8(_wLoad(s), _wLoad(s + 8), _wLoad(s + 16), _wLoad(s + 24),
                              _wLoad(s + 32), _wLoad(s + 40), _wLoad(s + 48), _wLoad(s + 56),
                              tmp + r &* 64, 8)
        }
        return
    }
    let rows = min(8, height &+ 2 &- y0), cols = min(8, width &+ 2 &- x0)
    for r in 0..<8 {
        let s = p + r &* rs
        if r >= rows {
            _wInputTransform8(zero, zero, zero, zero, zero, zero, zero, zero, tmp + r &* 64, 8)
        } else {
            _wInputTransform8(_wLoad(s), _wLoad(s + 8), _wLoad(s + 16),
                              cols > 3 ? _wLoad(s + 24) : zero,
                              cols > 4 ? _wLoad(s + 32) : zero,
                              cols > 5 ? _wLoad(s + 40) : zero,
                              cols > 6 ? _wLoad(s + 48) : zero,
                              cols > 7 ? _wLoad(s + 56) : zero, tmp + r &* 64, 8)
        }
    }
}

/// Column pass of the F(6,3) input transform: the 8 columns of `tmp` (row-pass results, row r
/// at tmp + 64 r) to the tile's 64 positions in V (position p = 8 r + j at dst + p * vP).
@inlinable @inline(__always)
func _wInputColumns8(_ tmp: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ vP: Int) {
    for j in 0..<8 {
        let q = tmp + j &* 8
        _wInputTransform8(_wLoad(q), _wLoad(q + 64), _wLoad(q + 128), _wLoad(q + 192),
                          _wLoad(q + 256), _wLoad(q + 320), _wLoad(q + 384), _wLoad(q + 448),
                          dst + j &* vP, 8 &* vP)
    }
}

@inlinable @inline(__always)
func _winogradF63Conv(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>?,
    weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    inChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>, relu: Bool,
    maxPooled: UnsafeMutablePointer<Float>? = nil, avgPooled: UnsafeMutablePointer<Float>? = nil,
    c1Weights: UnsafePointer<Float>? = nil
) {
    let cb = (inChannels &+ 7) >> 3, kb = (outChannels &+ 7) >> 3
    let cp = cb &* 8, kp = kb &* 8
    let tilesW = (width &+ 5) / 6
    let blocking = _wF63Blocking(inChannels: inChannels, outChannels: outChannels, height: height, width: width)
    let nT = blocking.nT
    let rs = (width &+ 2) &* 8
    let bs = (height &+ 2) &* rs
    let kParts = blocking.kParts
    let layout = _wScratchLayout(blocking, positions: 64, cp: cp, kp: kp)
    let vP = layout.vP, mP = layout.mP        // V and M strides between positions p
    let V = scratch + layout.v
    let M = scratch + layout.m
    let tmp = scratch + layout.tmp            // 64 SIMD16 transform temporaries (`_wTmpCount`)
    let uP = cp &* kp
    let bias = weights + 64 &* uP
    let zero = SIMD8<Float>()
    let pooling = maxPooled != nil || avgPooled != nil
    precondition(pooling || output != nil, "winograd: no output")
    let prs = (width / 2 &+ 2) &* 8               // pooled outputs: row and channel-block strides
    let pbs = (height / 2 &+ 2) &* prs
    let panels = (kp &+ 15) >> 4               // 16-channel output panels (the last may be 8 wide)
    let panelsPerPart = (panels &+ kParts &- 1) / kParts
    precondition(blocks.lowerBound >= 0 && blocks.upperBound <= blocking.units,
                 "winograd: block range out of bounds")

    var transformed = -1                       // the tile block whose V is in scratch
    for unit in blocks {
        let blk = kParts == 1 ? unit : unit >> 1
        let pan0 = kParts == 1 ? 0 : (unit & 1) &* panelsPerPart
        let pan1 = min(panels, pan0 &+ panelsPerPart)
        let (t0, n) = blocking.block(blk)
        if n == 0 { continue }                 // an empty unit at the end of the shorter half
        let np: Int = (n &+ 1) & ~1            // GEMM rows: 6-row micro-tiles and a 2/4-row tail
        // The next block's input patches, prefetched during this block's GEMMs
        // (WinogradPrefetch.swift): only while transforming a new block, and not for the fused
        // first conv (its input is the small 1-channel image). Prefetching the next block's
        // output rows for writing as well measured no better.
        var inputPrefetch = _WPatchPrefetch()
        if blk != transformed {                // consecutive units of one block share its V
            transformed = blk
            // With kParts 2 there is one block; the next unit may be an empty one.
            if c1Weights == nil && kParts == 1 && unit &+ 1 < blocks.upperBound {
                let (nt0, nn) = blocking.block(blk &+ 1)
                if nn > 0 {
                    inputPrefetch = _WPatchPrefetch(
                        input: input, cb: cb, height: height, width: width, t0: nt0,
                        n: nn, tilesW: tilesW, step: 6, patch: 8)
                }
            }

            // 1. Input transform V = B^T d B (8x8 per tile and channel block).
            for i in n..<np {
                for p in 0..<64 {
                    for c in 0..<cb { _wStore(V + p &* vP + _wVOffset(c, i, cb: cb), zero) }
                }
            }
            var c = 0
            while c < cb {
                // Fused first layer (WinogradC1Prologue.swift): the 8x8 patches are computed
                // from the 1-channel image instead of read from a stored C-channel input. On
                // AVX-512, two channel blocks at once for interior tiles (`wF63C1InputPairAVX512`,
                // same bits; its row pass in tmp).
                let c1 = c1Weights.map { _WC1Block($0 + c &* 80) }
                let pairC1 = c1 != nil && c &+ 1 < cb && kernelsUseAVX512
                let c1Next = pairC1 ? c1Weights.map { _WC1Block($0 + (c &+ 1) &* 80) } : nil
                // AVX-512, two stored channel blocks at once for interior tiles
                // (`wF63InputPairAVX512`, same bits); the other tiles both blocks on AVX2.
                let pair = c1 == nil && c &+ 1 < cb && kernelsUseAVX512
                var ty = t0 / tilesW
                var tx = t0 &- ty &* tilesW
                for i in 0..<n {
                    let y0 = ty &* 6, x0 = tx &* 6      // padded coordinates of the 8x8 patch
                    if pairC1 && y0 >= 1 && y0 &+ 7 <= height && x0 >= 1 && x0 &+ 7 <= width {
                        wF63C1InputPairAVX512(c1Weights! + c &* 80, input + ((y0 &- 1) &* (width &+ 2) &+ x0 &- 1),
                                              width &+ 2, tmp, V + _wVOffset(c, i, cb: cb),
                                              V + _wVOffset(c &+ 1, i, cb: cb), vP)
                    } else if let wb = c1 {
                        _wC1InputRows8(wb, input, tmp, y0: y0, x0: x0, height: height, width: width)
                        _wInputColumns8(tmp, V + _wVOffset(c, i, cb: cb), vP)
                        if let wn = c1Next {
                            _wC1InputRows8(wn, input, tmp, y0: y0, x0: x0, height: height, width: width)
                            _wInputColumns8(tmp, V + _wVOffset(c &+ 1, i, cb: cb), vP)
                        }
                    } else if pair && y0 &+ 8 <= height &+ 2 && x0 &+ 8 <= width &+ 2 {
                        wF63InputPairAVX512(input + (c &* bs &+ y0 &* rs &+ x0 &* 8), bs, rs, tmp,
                                            V + _wVOffset(c, i, cb: cb), V + _wVOffset(c &+ 1, i, cb: cb), vP)
                    } else {
                        _wInputRows8(input + c &* bs, tmp, y0: y0, x0: x0, height: height, width: width)
                        _wInputColumns8(tmp, V + _wVOffset(c, i, cb: cb), vP)
                        if pair {
                            _wInputRows8(input + (c &+ 1) &* bs, tmp, y0: y0, x0: x0, height: height, width: width)
                            _wInputColumns8(tmp, V + _wVOffset(c &+ 1, i, cb: cb), vP)
                        }
                    }
                    tx &+= 1
                    if tx == tilesW { tx = 0; ty &+= 1 }
                }
                c &+= pairC1 || pair ? 2 : 1
            }
        }

        // 2. 64 GEMMs.
        _wBatchedGemm(positions: 64, V, vP, weights, uP, M, mP, cb: cb, kp: kp, nT: nT, np: np,
                      panels: pan0..<pan1, inputPrefetch: &inputPrefetch)

        // 3. Output transform Y = A^T M A + bias (+ ReLU), clipped to H x W.
        let c2 = SIMD8<Float>(repeating: 2), c4 = SIMD8<Float>(repeating: 4)
        let c8 = SIMD8<Float>(repeating: 8), c16 = SIMD8<Float>(repeating: 16)
        let c32 = SIMD8<Float>(repeating: 32), h2 = SIMD8<Float>(repeating: 0.5)
        let h4 = SIMD8<Float>(repeating: 0.25), h8 = SIMD8<Float>(repeating: 0.125)
        let h16 = SIMD8<Float>(repeating: 0.0625), h32 = SIMD8<Float>(repeating: 0.03125)
        let quarter = SIMD8<Float>(repeating: 0.25)
        let avx512 = kernelsUseAVX512
        for k in (pan0 &* 2)..<min(kb, pan1 &* 2) {
            let bk = _wLoad(bias + k &* 8)
            let dstK = output.map { $0 + k &* bs }
            var ty = t0 / tilesW
            var tx = t0 &- ty &* tilesW
            var i = 0
            while i < n {
                let oy = ty &* 6, ox = tx &* 6
                let m = M + (k &- pan0 &* 2) &* (nT &* 8) + i &* 8
                // AVX-512: tiles i and i + 1 in one pass when both are whole (same bits).
                if avx512 && i &+ 1 < n && _wOutputPair(
                    wF63OutputPairAVX512, step: 6, ty: &ty, tx: &tx, tilesW: tilesW, height: height, width: width,
                    m: m, mP: mP, tmp: tmp, bias: bias + k &* 8, relu: relu, dst: dstK, rs: rs,
                    maxPooled: maxPooled.map { $0 + k &* pbs }, avgPooled: avgPooled.map { $0 + k &* pbs }, prs: prs) {
                    i &+= 2
                    continue
                }
                // columns: T = A^T M (6x8) into tmp[r*8 + j]
                for j in 0..<8 {
                    let q = m + j &* mP
                    let s8 = 8 &* mP
                    let m0 = _wLoad(q), m1 = _wLoad(q + s8), m2 = _wLoad(q + 2 &* s8)
                    let m3 = _wLoad(q + 3 &* s8), m4 = _wLoad(q + 4 &* s8), m5 = _wLoad(q + 5 &* s8)
                    let m6 = _wLoad(q + 6 &* s8), m7 = _wLoad(q + 7 &* s8)
                    let a1 = m1 + m2, b1 = m1 - m2, a2 = m3 + m4, b2 = m3 - m4, a3 = m5 + m6, b3 = m5 - m6
                    let o = tmp + j &* 8
                    _wStore(o, m0 + a1 + a2 + a3)
                    _wStore(o + 64, b1.addingProduct(b2, c2).addingProduct(b3, h2))
                    _wStore(o + 128, a1.addingProduct(a2, c4).addingProduct(a3, h4))
                    _wStore(o + 192, b1.addingProduct(b2, c8).addingProduct(b3, h8))
                    _wStore(o + 256, a1.addingProduct(a2, c16).addingProduct(a3, h16))
                    _wStore(o + 320, (b1 + m7).addingProduct(b2, c32).addingProduct(b3, h32))
                }
                let orows = min(6, height &- oy), ocols = min(6, width &- ox)
                if !pooling {
                    let dstBase = dstK! + (oy &+ 1) &* rs + (ox &+ 1) &* 8
                    for r in 0..<orows {
                        let q = tmp + r &* 64
                        let m0 = _wLoad(q), m1 = _wLoad(q + 8), m2 = _wLoad(q + 16), m3 = _wLoad(q + 24)
                        let m4 = _wLoad(q + 32), m5 = _wLoad(q + 40), m6 = _wLoad(q + 48), m7 = _wLoad(q + 56)
                        let a1 = m1 + m2, b1 = m1 - m2, a2 = m3 + m4, b2 = m3 - m4, a3 = m5 + m6, b3 = m5 - m6
                        var y0 = (m0 + a1 + a2 + a3) + bk
                        var y1 = b1.addingProduct(b2, c2).addingProduct(b3, h2) + bk
                        var y2 = a1.addingProduct(a2, c4).addingProduct(a3, h4) + bk
                        var y3 = b1.addingProduct(b2, c8).addingProduct(b3, h8) + bk
                        var y4 = a1.addingProduct(a2, c16).addingProduct(a3, h16) + bk
                        var y5 = (b1 + m7).addingProduct(b2, c32).addingProduct(b3, h32) + bk
                        if relu {
                            y0 = _wRelu(y0); y1 = _wRelu(y1); y2 = _wRelu(y2)
                            y3 = _wRelu(y3); y4 = _wRelu(y4); y5 = _wRelu(y5)
                        }
                        let dst = dstBase + r &* rs
                        if ocols == 6 {
                            _wStore(dst, y0); _wStore(dst + 8, y1); _wStore(dst + 16, y2)
                            _wStore(dst + 24, y3); _wStore(dst + 32, y4); _wStore(dst + 40, y5)
                        } else {
                            _wStore(dst, y0)
                            if ocols > 1 { _wStore(dst + 8, y1) }
                            if ocols > 2 { _wStore(dst + 16, y2) }
                            if ocols > 3 { _wStore(dst + 24, y3) }
                            if ocols > 4 { _wStore(dst + 32, y4) }
                        }
                    }
                } else {
                    @inline(__always) func row(_ r: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                                                             SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
                        let q = tmp + r &* 64
                        let m0 = _wLoad(q), m1 = _wLoad(q + 8), m2 = _wLoad(q + 16), m3 = _wLoad(q + 24)
                        let m4 = _wLoad(q + 32), m5 = _wLoad(q + 40), m6 = _wLoad(q + 48), m7 = _wLoad(q + 56)
                        let a1 = m1 + m2, b1 = m1 - m2, a2 = m3 + m4, b2 = m3 - m4, a3 = m5 + m6, b3 = m5 - m6
                        var y0 = (m0 + a1 + a2 + a3) + bk
                        var y1 = b1.addingProduct(b2, c2).addingProduct(b3, h2) + bk
                        var y2 = a1.addingProduct(a2, c4).addingProduct(a3, h4) + bk
                        var y3 = b1.addingProduct(b2, c8).addingProduct(b3, h8) + bk
                        var y4 = a1.addingProduct(a2, c16).addingProduct(a3, h16) + bk
                        var y5 = (b1 + m7).addingProduct(b2, c32).addingProduct(b3, h32) + bk
                        if relu {
                            y0 = _wRelu(y0); y1 = _wRelu(y1); y2 = _wRelu(y2)
                            y3 = _wRelu(y3); y4 = _wRelu(y4); y5 = _wRelu(y5)
                        }
                        return (y0, y1, y2, y3, y4, y5)
                    }
                    @inline(__always) func store(_ dst: UnsafeMutablePointer<Float>, _ y: (SIMD8<Float>, SIMD8<Float>,
                                                 SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)) {
                        if ocols == 6 {
                            _wStore(dst, y.0); _wStore(dst + 8, y.1); _wStore(dst + 16, y.2)
                            _wStore(dst + 24, y.3); _wStore(dst + 32, y.4); _wStore(dst + 40, y.5)
                        } else {
                            _wStore(dst, y.0)
                            if ocols > 1 { _wStore(dst + 8, y.1) }
                            if ocols > 2 { _wStore(dst + 16, y.2) }
                            if ocols > 3 { _wStore(dst + 24, y.3) }
                            if ocols > 4 { _wStore(dst + 32, y.4) }
                        }
                    }
                    // Row pairs (orows and ocols are even): full rows if wanted, then the 2x2
                    // windows' max and mean in the pool kernels' operation order (max of the
                    // two row maxima; ((a + b) + c) + d, times 1/4).
                    let pOff = k &* pbs + (oy / 2 &+ 1) &* prs + (ox / 2 &+ 1) &* 8
                    var r = 0
                    while r < orows {
                        let y = row(r)
                        if let d = dstK { store(d + (oy &+ 1 &+ r) &* rs + (ox &+ 1) &* 8, y) }
                        // Top row of each 2x2 window reduced at once (fewer live registers).
                        let m0 = vmax(y.0, y.1), m1 = vmax(y.2, y.3), m2 = vmax(y.4, y.5)
                        let s0 = y.0 + y.1, s1 = y.2 + y.3, s2 = y.4 + y.5
                        let z = row(r &+ 1)
                        if let d = dstK { store(d + (oy &+ 2 &+ r) &* rs + (ox &+ 1) &* 8, z) }
                        let pr = pOff + (r >> 1) &* prs
                        if let mp = maxPooled {
                            _wStore(mp + pr, vmax(m0, vmax(z.0, z.1)))
                            if ocols > 2 { _wStore(mp + pr + 8, vmax(m1, vmax(z.2, z.3))) }
                            if ocols > 4 { _wStore(mp + pr + 16, vmax(m2, vmax(z.4, z.5))) }
                        }
                        if let ap = avgPooled {
                            _wStore(ap + pr, ((s0 + z.0) + z.1) * quarter)
                            if ocols > 2 { _wStore(ap + pr + 8, ((s1 + z.2) + z.3) * quarter) }
                            if ocols > 4 { _wStore(ap + pr + 16, ((s2 + z.4) + z.5) * quarter) }
                        }
                        r &+= 2
                    }
                }
                tx &+= 1
                if tx == tilesW { tx = 0; ty &+= 1 }
                i &+= 1
            }
        }
    }
}
