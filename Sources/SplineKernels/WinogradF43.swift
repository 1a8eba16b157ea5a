// Winograd F(4x4, 3x3) convolution: 3x3, stride 1, padding 1, NCHWc8 in and out
// (padded layout of Layout.swift), bias + optional ReLU fused into the output transform.
//
// Algorithm (Lavin & Gray): the output is cut into 4x4 tiles; tile t reads the 6x6 input
// patch starting one pixel up-left of its first output pixel (padded coordinates
// (4*ty, 4*tx)). Per tile-block of `winogradF43TilesPerBlock` tiles (linear tile index
// t = ty * tilesW + tx, blocks may span tile rows):
//   1. input transform  V[p][cb][i][8] = (B^T d B)[p]           (p = 0..<36, SIMD8 over c)
//   2. 36 GEMMs         M[p][kb][i][8] = sum_c V[p][c][i] * U[p][c][k]   (6 tiles x 16 k
//                       register tile, 12 ymm accumulators, reduction over c in order)
//   3. output transform Y = A^T M A + bias, ReLU, written to the output interior (clipped
//                       to H x W for partial tiles).
// Scratch (V, M, 36 SIMD16 temporaries) is caller-allocated, per thread: `winogradF43ScratchCount`.
// Input pixels beyond the one-pixel halo (right/bottom partial tiles) are read as zeros.
// Bitwise determinism: every output value is computed by the same sequence of
// operations whatever the block range, so any split of the block range across threads
// gives identical results.
//
// Weights: `winogradF43PackWeights` turns OIHW [K][C][3][3] + bias [K] into
//   [p = 36][panel = ceil(Kp / 16)][c = Cp][w] with w = 16 (w = 8 for a last half panel),
//   U = G g G^T computed in Double; followed by the bias padded to Kp = 8 * ceil(K / 8).
// Padding channels (c >= C, k >= K) are zero so they contribute nothing / produce zeros.

import CSpinHint
import SplineKernelsAVX512

// MARK: - Shape helpers (all pure functions of the shape: constants for literal shapes)

/// Tiles per block for `positions` (36 or 64) batched GEMMs, Cp x Kp (padded) channels and
/// `tiles` output tiles. Always even (GEMM register tiles are 6 rows, with a 2- or 4-row
/// tail) and >= 6.
/// - Transformed weights U (positions*Cp*Kp floats) up to 24 MB (fit the L3): blocks of V + M
///   scratch ~256 KB (half a Zen 3 L2): 6..24 tiles for 16..256 channels. Tuned on the 2-core
///   Zen box: 6..12 tiles are best for 64..256 channels (U streams from L3 fine). Session 17
///   (Zen 5, 1 MB L2, GEMMs at twice the FMA rate): for a U of 512 KB or more, blocks of ~1 MB,
///   so each block's pass over U serves 4x the tiles (2 threads, alternating binaries: UNet f16
///   @256 2.59 -> 2.38 ms, its 32..128-channel layers at 64x64 and 32x32 15-25 % faster; f16
///   @512 9.6 -> 9.1; VGG-Implicit1 68.4 -> 66.8; VGG-Implicit2 -1.5 %). A smaller U keeps
///   256 KB: the built-in model's layers (U <= 1.2 MB, <= 121 tiles) measured 1-5 % slower with
///   1 MB blocks everywhere, and their output-channel split (`_WBlocking`) keeps its old bound.
/// - Larger U (e.g. 512 or 1024 channels): U comes from DRAM once per block, so blocks are as
///   large as possible (up to 256 tiles, a whole number of them per half of the tiles, see
///   `_WBlocking`) (512->512 @ 64x64: 1.8x faster than 6-tile blocks). Up to 128 tiles until
///   session 27, when M came to share V's slots (`_wScratchLayout`): 256 tiles now take the
///   scratch 128 took.
/// - U of 12..24 MB (256 channels in F(6x6)) over more than 64 tiles: large blocks as for the
///   streamed U. Such a U stays in the L3 only while the host is quiet; when other tenants
///   contend for the L3 (this machine's usual state), 6-tile blocks re-read it from DRAM for every
///   block: 256->256 @ 128x128 F63 ran at 1.8x its quiet time (84 against 47 ms, 1 thread).
///   Same-run, contended, 2 threads: 6 tiles 49-57 ms, 42 tiles 38-44 ms, 122 tiles 36-39 ms.
///   Session 27 (Zen 5, `wino-bench 3 F63 vgg`, 3 alternating pairs): 242-tile blocks (one per
///   half, U read once per thread) against 121: 2 threads 13.30 / 13.77 / 13.42 against
///   15.20 / 14.21 / 13.82 ms, 1 thread 26.0 / 25.7 / 26.5 against 28.2 / 27.5 / 27.4 ms.
///   At 64 and 128 channels (U <= 4.2 MB) large blocks are slower (128 @ 256: 6 tiles 37-51 ms,
///   122 tiles 49 ms), so the rule is by U's size.
/// - U over 12 MB and at most 64 tiles (the deep 16x16 and 32x32 levels of UNet f = 32 / 64): one
///   block of all tiles, so the layer is split by output channels (`_WBlocking`): each thread
///   streams half of U and uses it for every tile, instead of all of U for half the tiles
///   (same-run pairs, 2 threads: 1024->512 @ 16x16 F43 7.7 -> 5.9 ms, 512->512 @ 16x16
///   3.9 -> 2.7 ms, 512->1024 @ 32x32 16.1 -> 13.9 ms, 1024->1024 @ 32x32 min 29.5 -> 27.1 ms;
///   at 121 tiles, 512->512 @ 64x64 F63, it is slower: 25 -> 32 ms). Up to session 8 this was
///   for a streamed U (> 24 MB) only, and a U of 12..24 MB over <= 64 tiles took 6-tile blocks,
///   each re-reading all of U from the contended L3 / DRAM (11 x 18.9 MB for 512 -> 256 @ 32x32
///   F43): UNet f64 decoder.1.conv1 (512 -> 256 @ 32x32) 8.4-11.2 -> 4.6-6.2 ms, UNet f32
///   encoder.4.conv1 (256 -> 512 @ 32x32) 7.4-10.3 -> 4.3-5.3 ms, decoder.0.conv1 (512 -> 256
///   @ 16x16) 1.8-2.0 -> 1.5-1.7 ms (`model-bench --profile`, 2 threads, alternating runs).
@inlinable @inline(__always)
func _wTilesPerBlock(positions: Int, cp: Int, kp: Int, tiles: Int) -> Int {
    let uBytes = _wUBytes(positions: positions, cp: cp, kp: kp)
    if uBytes > 12 &* 1024 &* 1024 {
        if tiles <= 64 { return max(6, (tiles &+ 1) & ~1) }
        // Near-equal blocks of at most 256 tiles: `pairs` blocks per half of the tiles
        // (`_WBlocking`; 121 tiles: 61 + 60, 484 tiles: 2 x 242). ceil(tiles / (2 pairs)) <= 256
        // holds exactly when tiles <= 512 pairs.
        let pairs: Int = max(1, (tiles &+ 511) >> 9)
        let n: Int = (tiles &+ 2 &* pairs &- 1) / (2 &* pairs)
        return max(6, (n &+ 1) & ~1)
    }
    return _wTilesFitting(positions: positions, cp: cp, kp: kp,
                          budget: uBytes >= 512 &* 1024 ? 1024 &* 1024 : 256 &* 1024)
}

/// Bytes of the transformed weights U (positions x Cp x Kp floats).
@inlinable @inline(__always)
func _wUBytes(positions: Int, cp: Int, kp: Int) -> Int { positions &* cp &* kp &* 4 }

/// Tiles whose V + M scratch fit `budget` bytes: a multiple of 6 in 6...120.
@inlinable @inline(__always)
func _wTilesFitting(positions: Int, cp: Int, kp: Int, budget: Int) -> Int {
    let bytesPerTile: Int = positions &* (cp &+ kp) &* 4
    let n: Int = ((budget / bytesPerTile) / 6) &* 6
    return min(max(n, 6), 120)
}

/// Whether the transformed weights U (positions x Cp x Kp floats) exceed 24 MB, i.e. do not
/// stay in the 32 MB L3 between tile blocks: they are then streamed from DRAM once per block.
@inlinable @inline(__always)
func _wUStreams(positions: Int, cp: Int, kp: Int) -> Bool {
    _wUBytes(positions: positions, cp: cp, kp: kp) > 24 &* 1024 &* 1024
}

/// How one layer's tiles are cut into work units (both algorithms).
/// - Tiles of at most one block (`_wTilesPerBlock` n0), or at most 64 tiles and U over 4 MB,
///   and Kp >= 32 (deep levels of small models, e.g. 128 channels at 8x8; 256 channels at 16x16
///   or 32x32): one block, split by output channels (`kParts` 2). The U rule is session 15's
///   (Zen 5, AVX-512 GEMMs at twice the FMA rate, so reading U matters twice as much): UNet f16
///   @256 on 2 threads 3.49-3.58 -> 3.05-3.12 ms (encoder.4, 256 -> 256 F43 @16x16 and 128 ->
///   256, in one block of 8 tiles per thread, each reading all 9.4 MB of U, before). Work
///   unit u is then the 16-channel output panels of half u % 2; both halves transform the whole
///   input block (small next to the GEMMs) and each streams half of U.
/// - Otherwise the tiles are cut into two halves of near-equal counts (`rowRange`), and each half
///   into `perHalf` = ceil(first half / n0) blocks of near-equal counts (at most n0); when that
///   is at most 3 blocks, round(first half / n0) instead (blocks of up to 1.5 n0: each block
///   reads all of U, and small layers are U-bound; UNet f16 @256, 16 tiles of 256 -> 256 F43 in
///   one block of 8 per thread rather than two of 4: encoder.4.conv2 1.07-1.61 -> 0.96-1.16 ms,
///   encoder.4.conv1 0.51-0.72 -> 0.46-0.60 ms, 4 pairs in both orders). Units
///   0..<perHalf are the first half's blocks, perHalf..<2 perHalf the second's (a block of the
///   shorter half can be empty, e.g. with 1 tile). The runtime splits the unit range between
///   threads in contiguous parts, so 2 threads get one half each: with whole blocks of n0 the
///   split was off by up to a block, and by up to half the work for the small layers (16 tiles
///   in blocks of 6: 12 + 4 tiles rather than 8 + 8; 121 tiles: 66 + 55 rather than 61 + 60).
///   A block one tile short of a multiple of 6 costs the GEMM the same as the full one (its rows
///   are padded to even, then cut into 6-row micro-tiles). With more than 3 blocks per half
///   nT <= n0 (n0 is even), so the scratch grows only for the small layers.
/// `nT`, the largest block rounded up to even (the GEMM's rows are even), sizes the scratch.
@usableFromInline
struct _WBlocking {
    @usableFromInline let tiles: Int, kParts: Int, perHalf: Int, nT: Int
    /// M stored over V's dead positions (`_wScratchLayout`): blocks of tiles (kParts 1). Not with
    /// output-channel halves: both halves of the one block read the same V.
    @inlinable var aliasM: Bool { kParts == 1 }

    @inlinable @inline(__always)
    init(positions: Int, cp: Int, kp: Int, tiles: Int) {
        self.tiles = tiles
        let n0 = _wTilesPerBlock(positions: positions, cp: cp, kp: kp, tiles: tiles)
        // Splitting by output channels doubles the input transform; measured worth it up to the
        // tiles of a 256 KB block (the 1 MB blocks of a U >= 512 KB only cut U's re-reads).
        let uBytes = _wUBytes(positions: positions, cp: cp, kp: kp)
        let nSplit = uBytes > 12 &* 1024 &* 1024 ? n0 : _wTilesFitting(positions: positions, cp: cp, kp: kp, budget: 256 &* 1024)
        if tiles <= nSplit && kp >= 32 {
            kParts = 2; perHalf = 1; nT = min(n0, max(6, (tiles &+ 1) & ~1))
            return
        }
        // U over 4 MB, at most 64 tiles: also one block split by output channels, so each
        // thread reads half of U, not all of it (see above).
        if tiles <= 64 && kp >= 32 && uBytes > 4 &* 1024 &* 1024 {
            kParts = 2; perHalf = 1; nT = (tiles &+ 1) & ~1
            return
        }
        kParts = 1
        let first = (tiles &+ 1) >> 1            // the longer half (`rowRange` part 0)
        let ceilBlocks = max(1, (first &+ n0 &- 1) / n0)
        let blocks = ceilBlocks <= 3 ? max(1, (first &+ n0 / 2) / n0) : ceilBlocks
        perHalf = blocks
        nT = max(2, ((first &+ blocks &- 1) / blocks &+ 1) & ~1)
    }

    /// Work units: the kernel's `blocks` range is a sub-range of 0..<units.
    @inlinable var units: Int { kParts == 2 ? 2 : 2 &* perHalf }

    /// First tile and tile count of block `blk` (a unit with `kParts` 1, unit / 2 with 2);
    /// count 0 for an empty unit.
    @inlinable @inline(__always)
    func block(_ blk: Int) -> (t0: Int, n: Int) {
        if kParts == 2 { return (0, tiles) }
        let h = blk >= perHalf ? 1 : 0
        let half = rowRange(rows: tiles, part: h, of: 2)
        let r = rowRange(rows: half.count, part: blk &- h &* perHalf, of: perHalf)
        return (half.lowerBound &+ r.lowerBound, r.count)
    }
}

/// Output channels of M held per block: Kp, or with 2 output-channel parts the widest part's
/// 16-channel panels (M holds only the panels of the part being computed).
@inlinable @inline(__always)
func _wPartChannels(kp: Int, kParts: Int) -> Int {
    if kParts == 1 { return kp }
    let panels = (kp &+ 15) >> 4
    return min(kp, ((panels &+ kParts &- 1) / kParts) &* 16)
}

/// Floats of Winograd scratch for one thread: V and M of one block of n tiles (`positions` x
/// `_wVPositionCount` and x `_wMPositionCount`), and `positions` SIMD16 transform temporaries.
@inlinable @inline(__always)
func _wScratchCount(positions: Int, cp: Int, kp: Int, tiles: Int) -> Int {
    let b = _WBlocking(positions: positions, cp: cp, kp: kp, tiles: tiles)
    return _wScratchLayout(b, positions: positions, cp: cp, kp: kp).count
}

/// Where V, M and the transform temporaries lie in one thread's scratch (offsets in floats,
/// position strides vP and mP). Plain: V (positions x vP), then M (positions x mP), then
/// `positions` SIMD16 temporaries. With `aliasM`: `positions` + 1 slots of max(vP, mP) floats,
/// V[p] in slot p + 1 and M[p] in slot p: the GEMMs run position by position, and position p's
/// writes M[p] into V[p - 1]'s slot, dead once position p - 1 is done (lines still in cache,
/// not fetched for writing), so a block holds about twice the tiles for the scratch of plain blocks.
@usableFromInline
struct _WScratchLayout {
    @usableFromInline let v: Int, vP: Int, m: Int, mP: Int, tmp: Int, count: Int

    @inlinable @inline(__always)
    init(v: Int, vP: Int, m: Int, mP: Int, tmp: Int, count: Int) {
        self.v = v; self.vP = vP; self.m = m; self.mP = mP; self.tmp = tmp; self.count = count
    }
}

/// Floats of transform temporaries: a SIMD16 per position, for the AVX-512 row passes of two
/// channel blocks at once (`wF63C1InputPairAVX512`, `wF63InputPairAVX512`, `wF43InputPairAVX512`).
@inlinable @inline(__always)
func _wTmpCount(_ positions: Int) -> Int { positions &* 16 }

@inlinable @inline(__always)
func _wScratchLayout(_ b: _WBlocking, positions: Int, cp: Int, kp: Int) -> _WScratchLayout {
    let vP = _wVPositionCount(cp: cp, tiles: b.nT)
    let mP = _wMPositionCount(kp: kp, kParts: b.kParts, tiles: b.nT)
    if b.aliasM {
        let slot = max(vP, mP)
        let tmp = (positions &+ 1) &* slot
        return _WScratchLayout(v: slot, vP: slot, m: 0, mP: slot, tmp: tmp, count: tmp &+ _wTmpCount(positions))
    }
    let tmp = positions &* (vP &+ mP)
    return _WScratchLayout(v: 0, vP: vP, m: positions &* vP, mP: mP, tmp: tmp, count: tmp &+ _wTmpCount(positions))
}

/// Floats of M per position p: the part's output channels (`_wPartChannels`) x n tiles, plus the
/// one-line pad (`_wPositionPad`).
@inlinable @inline(__always)
func _wMPositionCount(kp: Int, kParts: Int, tiles n: Int) -> Int {
    _wPartChannels(kp: kp, kParts: kParts) &* n &+ _wPositionPad
}

/// Floats of V per position p: the block's tiles in groups of 6 (the GEMM micro-panels), each
/// group [Cp / 8][6][8] contiguous, so a 6-row micro-tile streams one contiguous panel
/// (12 KB for 512 channels) instead of Cp / 8 pieces of 192 B one block stride apart; plus the
/// one-line pad (`_wPositionPad`).
@inlinable @inline(__always)
func _wVPositionCount(cp: Int, tiles n: Int) -> Int {
    (n &+ 5) / 6 &* 6 &* cp &+ _wPositionPad
}

/// Offset in floats of tile i, channel block c in one position of V (`_wVPositionCount`).
@inlinable @inline(__always)
func _wVOffset(_ c: Int, _ i: Int, cb: Int) -> Int {
    let g = i / 6
    return g &* (cb &* 48) &+ c &* 48 &+ (i &- g &* 6) &* 8
}

/// Floats added to the V and M strides between positions (one cache line). Without it the
/// stride is a multiple of 512 B or more (Cp * n * 4 B), so the 36 / 64 positions of one tile,
/// written by the input transform and read by the output transform, fall into a few L1 sets
/// (256 channels, 6 tiles: 6 KB = 96 lines, 2 of the 64 sets for 64 lines; 512 channels, 62
/// tiles: 1 set) and evict each other. A stride of an odd number of lines spreads them.
@inlinable @inline(__always) var _wPositionPad: Int { 16 }

/// The F(4x4) blocking of an H x W output (`_WBlocking`).
@inlinable @inline(__always)
func _wF43Blocking(inChannels: Int, outChannels: Int, height: Int, width: Int) -> _WBlocking {
    _WBlocking(positions: 36, cp: (inChannels &+ 7) & ~7, kp: (outChannels &+ 7) & ~7,
               tiles: ((height &+ 3) >> 2) &* ((width &+ 3) >> 2))
}

/// Output tiles of the largest block, rounded up to even (`_WBlocking`; sizes the scratch).
@inlinable @inline(__always)
public func winogradF43TilesPerBlock(inChannels: Int, outChannels: Int, height: Int, width: Int) -> Int {
    _wF43Blocking(inChannels: inChannels, outChannels: outChannels, height: height, width: width).nT
}

/// Number of work units of an H x W output (tile blocks of two halves; 2 output-channel halves
/// when one block holds every tile, `_WBlocking`): the kernel's `blocks` range is a sub-range of
/// 0..<winogradF43BlockCount(...).
@inlinable @inline(__always)
public func winogradF43BlockCount(inChannels: Int, outChannels: Int, height: Int, width: Int) -> Int {
    _wF43Blocking(inChannels: inChannels, outChannels: outChannels, height: height, width: width).units
}

/// Which part of an F(4x4) conv a call runs. `.whole`: everything for its units. For a layer of
/// one block split by output channels (`winogradF43SharesTransform`), two calls in turn, each
/// over units 0..<2 split between the threads, with a barrier between them (two pool calls):
/// `.transform` computes the input transform of half the channel blocks per unit into the shared
/// scratch (part 0's), `.gemm` each half's GEMMs and output transform from it. So the threads
/// share one input transform instead of each computing it whole (same bits: V does not depend
/// on who computes it).
public enum WinogradPhase: Sendable { case whole, transform, gemm }

/// Input-transform work (tiles x input channels) from which the threads of a one-block layer
/// share its transform, when it has at least `winogradSharedTransformMinChannels` input channels.
/// UNet f64 @512 (`model-bench --profile`, 3 alternating rounds of 30 runs, 2 threads): 512 ->
/// 256 @32 2.31-2.35 -> 2.17-2.19 ms, 1024 -> 512 @16 2.20-2.25 -> 2.00-2.08, 1024 -> 1024 @32
/// 11.90-12.03 -> 11.72-11.82; but 256 -> 256 @32 1.10-1.11 -> 1.20-1.23 (each thread then reads
/// half of V from the other core's cache for GEMMs of only 128 output channels, more than the
/// half transform it saves). The small layers' transforms cost about an extra hand-off (~1 us).
public let winogradSharedTransformMinWork = 16_384
public let winogradSharedTransformMinChannels = 512

public func winogradF43SharesTransform(inChannels: Int, outChannels: Int, height: Int, width: Int) -> Bool {
    let b = _wF43Blocking(inChannels: inChannels, outChannels: outChannels, height: height, width: width)
    let cp = (inChannels &+ 7) & ~7
    return b.kParts == 2 && cp >= winogradSharedTransformMinChannels && b.tiles &* cp >= winogradSharedTransformMinWork
}

/// Floats of scratch ONE thread needs (each concurrently running call needs its own).
@inlinable @inline(__always)
public func winogradF43ScratchCount(inChannels: Int, outChannels: Int, height: Int, width: Int) -> Int {
    _wScratchCount(positions: 36, cp: (inChannels &+ 7) & ~7, kp: (outChannels &+ 7) & ~7,
                   tiles: ((height &+ 3) >> 2) &* ((width &+ 3) >> 2))
}

/// Same as `winogradF43ScratchCount`; generic name asked for by the runtime.
@inlinable @inline(__always)
public func winogradScratchCount(inChannels: Int, outChannels: Int, height: Int, width: Int) -> Int {
    winogradF43ScratchCount(inChannels: inChannels, outChannels: outChannels, height: height, width: width)
}

/// Floats of the packed weights (transformed weights + padded bias).
@inlinable @inline(__always)
public func winogradF43PackedWeightCount(inChannels: Int, outChannels: Int) -> Int {
    let cp = (inChannels &+ 7) & ~7
    let kp = (outChannels &+ 7) & ~7
    return 36 &* cp &* kp &+ kp
}

// MARK: - Weight packing

/// G (6x3) of F(4x4, 3x3).
@usableFromInline let winogradF43G: [[Double]] = [
    [1.0 / 4, 0, 0],
    [-1.0 / 6, -1.0 / 6, -1.0 / 6],
    [-1.0 / 6, 1.0 / 6, -1.0 / 6],
    [1.0 / 24, 1.0 / 12, 1.0 / 6],
    [1.0 / 24, -1.0 / 12, 1.0 / 6],
    [0, 0, 1],
]

/// Transforms PyTorch OIHW weights [K][C][3][3] and bias [K] (BatchNorm already folded)
/// into the layout the F(4x4,3x3) kernels read. Done once per model.
public func winogradF43PackWeights(weights oihw: [Float], bias: [Float],
                                   inChannels c: Int, outChannels k: Int) -> [Float] {
    precondition(c > 0 && k > 0 && oihw.count == k * c * 9 && bias.count == k,
                 "winogradF43PackWeights: bad weight / bias count")
    let cp = (c + 7) & ~7
    let kp = (k + 7) & ~7
    var out = [Float](repeating: 0, count: winogradF43PackedWeightCount(inChannels: c, outChannels: k))
    let g = winogradF43G
    for ko in 0..<k {
        let panel = ko / 16
        let w = min(16, kp - panel * 16)
        let kk = ko - panel * 16
        for ci in 0..<c {
            // tmp = G * g (6x3), u = tmp * G^T (6x6)
            var tmp = [Double](repeating: 0, count: 18)
            for i in 0..<6 {
                for j in 0..<3 {
                    var s = 0.0
                    for l in 0..<3 { s += g[i][l] * Double(oihw[((ko * c + ci) * 3 + l) * 3 + j]) }
                    tmp[i * 3 + j] = s
                }
            }
            for i in 0..<6 {
                for j in 0..<6 {
                    var s = 0.0
                    for l in 0..<3 { s += tmp[i * 3 + l] * g[j][l] }
                    let p = i * 6 + j
                    out[p * cp * kp + panel * 16 * cp + ci * w + kk] = Float(s)
                }
            }
        }
    }
    for ko in 0..<k { out[36 * cp * kp + ko] = bias[ko] }
    return out
}

// MARK: - Kernels

/// F(4x4,3x3) conv, bias, no activation. `input`: padded NCHWc8 C x H x W; `output`: padded
/// NCHWc8 K x H x W (distinct from input; only its interior is written, padding channels
/// get zeros); `weights`: from `winogradF43PackWeights`; `scratch`:
/// `winogradF43ScratchCount` floats private to this call; `blocks`: sub-range of
/// 0..<winogradF43BlockCount(...).
@inlinable
public func f32_conv3x3_winograd4x4_c8_6x16_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    inChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>,
    phase: WinogradPhase = .whole, sharedScratch: UnsafeMutablePointer<Float>? = nil
) {
    _winogradF43Conv(input: input, output: output, weights: weights, scratch: scratch,
                     inChannels: inChannels, outChannels: outChannels,
                     height: height, width: width, blocks: blocks, relu: false,
                     phase: phase, sharedScratch: sharedScratch)
}

/// F(4x4,3x3) conv, bias, ReLU. Same contract as `f32_conv3x3_winograd4x4_c8_6x16_avx2`.
@inlinable
public func f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    inChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>,
    phase: WinogradPhase = .whole, sharedScratch: UnsafeMutablePointer<Float>? = nil
) {
    _winogradF43Conv(input: input, output: output, weights: weights, scratch: scratch,
                     inChannels: inChannels, outChannels: outChannels,
                     height: height, width: width, blocks: blocks, relu: true,
                     phase: phase, sharedScratch: sharedScratch)
}

/// F(4x4,3x3) conv, bias, ReLU, fused 2x2 stride-2 pooling of the ReLU output (H, W even):
/// `maxPooled` / `avgPooled` (each optional; padded NCHWc8 K x H/2 x W/2, interior written)
/// get every 2x2 window's max / mean (bitwise what `f32_maxpool2x2s2_direct_c8_1x8_avx2` /
/// `f32_avgpool_direct_c8_1x8_avx2` with kernel 2 compute from the full output); `output`
/// (optional) the full result. The rest of the contract as `f32_conv3x3_winograd4x4_c8_6x16_relu_avx2`.
@inlinable
public func f32_conv3x3_winograd4x4_c8_6x16_relu_pool2x2s2_avx2(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>?,
    maxPooled: UnsafeMutablePointer<Float>?, avgPooled: UnsafeMutablePointer<Float>?,
    weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    inChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>,
    phase: WinogradPhase = .whole, sharedScratch: UnsafeMutablePointer<Float>? = nil
) {
    precondition(height & 1 == 0 && width & 1 == 0, "winograd pool2x2s2: odd height or width")
    _winogradF43Conv(input: input, output: output, weights: weights, scratch: scratch,
                     inChannels: inChannels, outChannels: outChannels,
                     height: height, width: width, blocks: blocks, relu: true,
                     maxPooled: maxPooled, avgPooled: avgPooled,
                     phase: phase, sharedScratch: sharedScratch)
}

// MARK: - Implementation

@inlinable @inline(__always)
func _wLoad(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inlinable @inline(__always)
func _wLoad(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inlinable @inline(__always)
func _wStore(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// max(v, 0) lane-wise (vcmpps + vblendvps; the stdlib pointwiseMax is not inlined).
@inlinable @inline(__always)
func _wRelu(_ v: SIMD8<Float>) -> SIMD8<Float> {
    v.replacing(with: 0, where: v .< SIMD8<Float>())
}

/// One row (or column) of B^T d B: 6 values in, 6 out, written at p, p+s, ..., p+5s.
@inlinable @inline(__always)
func _wInputTransform6(_ d0: SIMD8<Float>, _ d1: SIMD8<Float>, _ d2: SIMD8<Float>,
                       _ d3: SIMD8<Float>, _ d4: SIMD8<Float>, _ d5: SIMD8<Float>,
                       _ out: UnsafeMutablePointer<Float>, _ s: Int) {
    let four = SIMD8<Float>(repeating: 4), mfive = SIMD8<Float>(repeating: -5)
    let two = SIMD8<Float>(repeating: 2), mfour = SIMD8<Float>(repeating: -4)
    let mtwo = SIMD8<Float>(repeating: -2)
    let r0 = d4.addingProduct(d0, four).addingProduct(d2, mfive)
    let r1 = (d3 + d4).addingProduct(d1 + d2, mfour)
    let r2 = (d4 - d3).addingProduct(d1 - d2, four)
    let a = d4 - d2, b = d1 - d3
    let r3 = a.addingProduct(b, mtwo)
    let r4 = a.addingProduct(b, two)
    let r5 = d5.addingProduct(d1, four).addingProduct(d3, mfive)
    _wStore(out, r0)
    _wStore(out + s, r1)
    _wStore(out + 2 &* s, r2)
    _wStore(out + 3 &* s, r3)
    _wStore(out + 4 &* s, r4)
    _wStore(out + 5 &* s, r5)
}

/// 6x16 register tile: M[i][k0..k0+16] (i = 6 tiles) = sum over cb*8 channels.
/// a: V[p][0][i0][0], aStride: floats between channel blocks of V; b: U panel [c][16];
/// c: M[p][kb][i0][0], cStride: floats between kb and kb + 1 in M; pf: cblocks * pfPerBlock
/// consecutive cache lines to prefetch (pfPerBlock after each channel block; 0: none).
@inlinable @inline(__always)
func _wMicro6x16(_ a: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>,
                 _ cblocks: Int, _ c: UnsafeMutablePointer<Float>, _ cStride: Int,
                 _ pf: UnsafePointer<Float>, _ pfPerBlock: Int) {
    var pfp = pf
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
    var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
    var ap = a
    var bp = b
    for _ in 0..<cblocks {
        for l in 0..<8 {
            let b0 = _wLoad(bp), b1 = _wLoad(bp + 8)
            let a0 = SIMD8<Float>(repeating: ap[l])
            c00 = c00.addingProduct(a0, b0); c01 = c01.addingProduct(a0, b1)
            let a1 = SIMD8<Float>(repeating: ap[8 &+ l])
            c10 = c10.addingProduct(a1, b0); c11 = c11.addingProduct(a1, b1)
            let a2 = SIMD8<Float>(repeating: ap[16 &+ l])
            c20 = c20.addingProduct(a2, b0); c21 = c21.addingProduct(a2, b1)
            let a3 = SIMD8<Float>(repeating: ap[24 &+ l])
            c30 = c30.addingProduct(a3, b0); c31 = c31.addingProduct(a3, b1)
            let a4 = SIMD8<Float>(repeating: ap[32 &+ l])
            c40 = c40.addingProduct(a4, b0); c41 = c41.addingProduct(a4, b1)
            let a5 = SIMD8<Float>(repeating: ap[40 &+ l])
            c50 = c50.addingProduct(a5, b0); c51 = c51.addingProduct(a5, b1)
            bp += 16
        }
        for _ in 0..<pfPerBlock {
            splineseg_prefetch(pfp)
            pfp += 16
        }
        ap += aStride
    }
    let d = c + cStride
    _wStore(c, c00); _wStore(c + 8, c10); _wStore(c + 16, c20)
    _wStore(c + 24, c30); _wStore(c + 32, c40); _wStore(c + 40, c50)
    _wStore(d, c01); _wStore(d + 8, c11); _wStore(d + 16, c21)
    _wStore(d + 24, c31); _wStore(d + 32, c41); _wStore(d + 40, c51)
}

/// 6x8 register tile for a last half panel (Kp % 16 == 8); b: U panel [c][8].
@inlinable @inline(__always)
func _wMicro6x8(_ a: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>,
                _ cblocks: Int, _ c: UnsafeMutablePointer<Float>) {
    var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
    var c3 = SIMD8<Float>(), c4 = SIMD8<Float>(), c5 = SIMD8<Float>()
    var ap = a
    var bp = b
    for _ in 0..<cblocks {
        for l in 0..<8 {
            let b0 = _wLoad(bp)
            c0 = c0.addingProduct(SIMD8<Float>(repeating: ap[l]), b0)
            c1 = c1.addingProduct(SIMD8<Float>(repeating: ap[8 &+ l]), b0)
            c2 = c2.addingProduct(SIMD8<Float>(repeating: ap[16 &+ l]), b0)
            c3 = c3.addingProduct(SIMD8<Float>(repeating: ap[24 &+ l]), b0)
            c4 = c4.addingProduct(SIMD8<Float>(repeating: ap[32 &+ l]), b0)
            c5 = c5.addingProduct(SIMD8<Float>(repeating: ap[40 &+ l]), b0)
            bp += 8
        }
        ap += aStride
    }
    _wStore(c, c0); _wStore(c + 8, c1); _wStore(c + 16, c2)
    _wStore(c + 24, c3); _wStore(c + 32, c4); _wStore(c + 40, c5)
}

/// Tail of a micro-panel: `rows` (2 or 4) x 16 (`wide`) or x 8 register tile, arguments as
/// `_wMicro6x16` (wide) / `_wMicro6x8`. Each value's sum runs over c in the same order as in
/// the 6-row tiles, so a tile's result does not depend on which kernel computed it.
@inlinable @inline(__always)
func _wMicroTail(_ rows: Int, _ wide: Bool, _ a: UnsafePointer<Float>, _ aStride: Int,
                 _ b: UnsafePointer<Float>, _ cblocks: Int, _ c: UnsafeMutablePointer<Float>,
                 _ cStride: Int) {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    let bw = wide ? 16 : 8
    var ap = a
    var bp = b
    for _ in 0..<cblocks {
        for l in 0..<8 {
            let b0 = _wLoad(bp)
            let a0 = SIMD8<Float>(repeating: ap[l]), a1 = SIMD8<Float>(repeating: ap[8 &+ l])
            c00 = c00.addingProduct(a0, b0); c10 = c10.addingProduct(a1, b0)
            if wide {
                let b1 = _wLoad(bp + 8)
                c01 = c01.addingProduct(a0, b1); c11 = c11.addingProduct(a1, b1)
                if rows == 4 {
                    let a2 = SIMD8<Float>(repeating: ap[16 &+ l]), a3 = SIMD8<Float>(repeating: ap[24 &+ l])
                    c20 = c20.addingProduct(a2, b0); c21 = c21.addingProduct(a2, b1)
                    c30 = c30.addingProduct(a3, b0); c31 = c31.addingProduct(a3, b1)
                }
            } else if rows == 4 {
                c20 = c20.addingProduct(SIMD8<Float>(repeating: ap[16 &+ l]), b0)
                c30 = c30.addingProduct(SIMD8<Float>(repeating: ap[24 &+ l]), b0)
            }
            bp += bw
        }
        ap += aStride
    }
    _wStore(c, c00); _wStore(c + 8, c10)
    if rows == 4 { _wStore(c + 16, c20); _wStore(c + 24, c30) }
    if wide {
        let d = c + cStride
        _wStore(d, c01); _wStore(d + 8, c11)
        if rows == 4 { _wStore(d + 16, c21); _wStore(d + 24, c31) }
    }
}

/// The 2- or 4-row tail of rows [0, np) (np even) after the 6-row micro-tiles that end at i0
/// (nothing when i0 == np): `a` its V micro-panel (rows i0..., `_wVOffset`), `c` M of row i0.
/// aStride, cStride as in `_wMicro6x16`.
@inlinable @inline(__always)
func _wTailRows(_ np: Int, _ i0: Int, _ wide: Bool, _ a: UnsafePointer<Float>, _ aStride: Int,
                _ b: UnsafePointer<Float>, _ cb: Int, _ c: UnsafeMutablePointer<Float>, _ cStride: Int) {
    let r = np &- i0
    if r == 4 {
        _wMicroTail(4, wide, a, aStride, b, cb, c, cStride)
    } else if r == 2 {
        _wMicroTail(2, wide, a, aStride, b, cb, c, cStride)
    }
}

/// The batched GEMMs of one tile block for the 16-channel output panels `panels` (the last
/// one 8 wide when Kp % 16 == 8): for p in 0..<positions,
/// M[p][kb][i][8] = sum_c V[p][c/8][i][c%8] * U[p][c][k] (V at V + p*vP + _wVOffset(cblk, i),
/// U panels at U + p*uP + panel*16*cp, M at M + p*mP + (kb - 2*panels.lowerBound)*(nT*8) + i*8:
/// M holds the panels of `panels` only), i < np (even):
/// 6-row micro-tiles, then a 2- or 4-row tail.
///
/// When U exceeds the L3 (`_wUStreams`), U comes from DRAM once per block: while a panel's
/// micro-tiles run, they prefetch the next panel (cp cache lines, cb per micro-tile), which the
/// hardware prefetchers do not (they stop at 4 KB pages and the panel is re-read in between).
/// Measured with wino-bench F63 vgg, 512->512 @ 64x64: 290-303 % -> 323-328 % of the FMA peak
/// (1 thread), 249-315 % -> 314-319 % (2 threads). On smaller U (from L3) it costs up to 1/3,
/// hence only there.
@inlinable @inline(__always)
func _wBatchedGemm(positions: Int, _ V: UnsafeMutablePointer<Float>, _ vP: Int,
                   _ U: UnsafePointer<Float>, _ uP: Int,
                   _ M: UnsafeMutablePointer<Float>, _ mP: Int, cb: Int, kp: Int, nT: Int, np: Int,
                   panels: Range<Int>, inputPrefetch: inout _WPatchPrefetch) {
    let cp = cb &* 8
    let panelV = cb &* 48                     // floats of one 6-tile V micro-panel
    let fullPanels = kp >> 4
    let fullEnd = min(panels.upperBound, fullPanels)
    let prefetch = _wUStreams(positions: positions, cp: cp, kp: kp)
    let inputLines = (inputPrefetch.lines &+ positions &- 1) / positions   // per position
    let avx512 = kernelsUseAVX512
    for p in 0..<positions {
        inputPrefetch.issue(inputLines)
        let vp = UnsafePointer(V + p &* vP)
        let up = U + p &* uP
        let mp = M + p &* mP
        // AVX-512: the 2- or 4-row tails of the full panels after their 6-row micro-tiles, four
        // panels at a time where they can (`wMicroTailAVX512`: 8 or 16 accumulators; same bits).
        let i6 = np / 6 &* 6
        let deferTails = avx512 && np > i6
        var panel = deferTails && i6 == 0 ? fullEnd : panels.lowerBound
        while panel < fullEnd {
            // AVX-512: two full panels per micro-tile (`wMicro6x32AVX512`, same bits).
            let pair = avx512 && panel &+ 1 < fullEnd
            let width = pair ? 2 : 1               // panels in this step
            let b = up + panel &* 16 &* cp
            let c = mp + ((panel &- panels.lowerBound) &* 2) &* (nT &* 8)
            // The next step's panels of this position, else the first one(s) of the next
            // position; their width * cp lines are spread over the np / 6 6-row micro-tiles
            // (none without `prefetch`, or after the last panel).
            let next = panel &+ width < fullEnd ? b + width &* 16 &* cp
                : U + (p &+ 1) &* uP + panels.lowerBound &* 16 &* cp
            let last = p &+ 1 == positions && panel &+ width == fullEnd
            let calls = np / 6
            let perBlock = !prefetch || last || calls == 0 ? 0 : (8 &* width &+ calls &- 1) / calls
            var lines = 0                      // of the next step's width * cp lines, prefetched so far
            var i0 = 0
            // AVX-512, a single panel: 12-row micro-tiles (`wMicro12x16AVX512`, same bits) first,
            // prefetching twice the lines per call (half as many calls).
            while avx512 && !pair && i0 &+ 12 <= np {
                let k = lines < cp ? 2 &* perBlock : 0
                wMicro12x16AVX512(vp + (i0 / 6) &* panelV, vp + (i0 / 6 &+ 1) &* panelV, 48, b, cb, c + i0 &* 8,
                                  nT &* 8, next + lines &* 16, k)
                lines &+= cb &* k
                i0 &+= 12
            }
            while i0 &+ 6 <= np {
                let k = lines < width &* cp ? perBlock : 0
                if pair {
                    wMicro6x32AVX512(vp + (i0 / 6) &* panelV, 48, b, 16 &* cp, cb, c + i0 &* 8, nT &* 8,
                                     next + lines &* 16, k)
                } else if avx512 {
                    wMicro6x16AVX512(vp + (i0 / 6) &* panelV, 48, b, cb, c + i0 &* 8, nT &* 8, next + lines &* 16, k)
                } else {
                    _wMicro6x16(vp + (i0 / 6) &* panelV, 48, b, cb, c + i0 &* 8, nT &* 8, next + lines &* 16, k)
                }
                lines &+= cb &* k
                i0 &+= 6
            }
            if !deferTails {
                _wTailRows(np, i0, true, vp + (i0 / 6) &* panelV, 48, b, cb, c + i0 &* 8, nT &* 8)
            }
            panel &+= width
        }
        var t = panels.lowerBound
        while deferTails && t < fullEnd {
            let a = vp + (i6 / 6) &* panelV, b = up + t &* 16 &* cp
            let c = mp + ((t &- panels.lowerBound) &* 2) &* (nT &* 8) + i6 &* 8
            if t &+ 1 < fullEnd {
                let panels = t &+ 3 < fullEnd ? 4 : 2
                wMicroTailAVX512(rows: np &- i6, panels: panels, a, 48, b, 16 &* cp, cb, c, nT &* 8)
                t &+= panels
            } else {
                _wTailRows(np, i6, true, a, 48, b, cb, c, nT &* 8)
                t &+= 1
            }
        }
        if kp & 15 != 0 && panels.upperBound > fullPanels {
            let b = up + fullPanels &* 16 &* cp
            let c = mp + ((fullPanels &- panels.lowerBound) &* 2) &* (nT &* 8)
            var i0 = 0
            // AVX-512: 12-row tiles, two tiles per register (`wMicro12x8AVX512`, same bits).
            while avx512 && i0 &+ 12 <= np {
                wMicro12x8AVX512(vp + (i0 / 6) &* panelV, vp + (i0 / 6 &+ 1) &* panelV, 48, b, cb, c + i0 &* 8)
                i0 &+= 12
            }
            while i0 &+ 6 <= np {
                _wMicro6x8(vp + (i0 / 6) &* panelV, 48, b, cb, c + i0 &* 8)
                i0 &+= 6
            }
            _wTailRows(np, i0, false, vp + (i0 / 6) &* panelV, 48, b, cb, c + i0 &* 8, nT &* 8)
        }
    }
}

@inlinable @inline(__always)
func _winogradF43Conv(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>?,
    weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    inChannels: Int, outChannels: Int, height: Int, width: Int, blocks: Range<Int>, relu: Bool,
    maxPooled: UnsafeMutablePointer<Float>? = nil, avgPooled: UnsafeMutablePointer<Float>? = nil,
    phase: WinogradPhase = .whole, sharedScratch: UnsafeMutablePointer<Float>? = nil
) {
    let cb = (inChannels &+ 7) >> 3, kb = (outChannels &+ 7) >> 3
    let cp = cb &* 8, kp = kb &* 8
    let tilesW = (width &+ 3) >> 2
    let blocking = _wF43Blocking(inChannels: inChannels, outChannels: outChannels, height: height, width: width)
    let nT = blocking.nT
    let rs = (width &+ 2) &* 8                // row stride (floats)
    let bs = (height &+ 2) &* rs              // channel-block stride
    let kParts = blocking.kParts
    let layout = _wScratchLayout(blocking, positions: 36, cp: cp, kp: kp)
    let vP = layout.vP, mP = layout.mP        // V and M strides between positions p
    // Phases (`WinogradPhase`): V in the shared scratch (part 0's), M and the temporaries in this part's.
    precondition(phase == .whole || (kParts == 2 && sharedScratch != nil),
                 "winograd: phases need output-channel halves and a shared scratch")
    let V = (phase == .whole ? scratch : sharedScratch.unsafelyUnwrapped) + layout.v
    let M = scratch + layout.m
    let tmp = scratch + layout.tmp            // 36 SIMD16 transform temporaries (`_wTmpCount`)
    let uP = cp &* kp                         // U stride between positions p
    let bias = weights + 36 &* uP
    let zero = SIMD8<Float>()
    let pooling = maxPooled != nil || avgPooled != nil
    precondition(pooling || output != nil, "winograd: no output")
    let prs = (width / 2 &+ 2) &* 8               // pooled outputs: row and channel-block strides
    let pbs = (height / 2 &+ 2) &* prs
    let panels = (kp &+ 15) >> 4               // 16-channel output panels (the last may be 8 wide)
    let panelsPerPart = (panels &+ kParts &- 1) / kParts
    precondition(blocks.lowerBound >= 0 && blocks.upperBound <= blocking.units,
                 "winograd: block range out of bounds")

    // 1. Input transform of the channel blocks `cs` of the block's n tiles from t0 (np: n
    //    rounded up to even). V[p][c][i][8] at V + p*vP + _wVOffset(c, i). Channel block outer,
    //    tiles inner: the input is streamed along 6 rows at a time.
    @inline(__always) func transform(t0: Int, n: Int, np: Int, cs: Range<Int>) {
        for i in n..<np {   // pad tiles of the last micro-panel: zeros (never stale data)
            for p in 0..<36 {
                for c in cs { _wStore(V + p &* vP + _wVOffset(c, i, cb: cb), zero) }
            }
        }
        // One channel block's patch of tile i on AVX2.
        @inline(__always) func one(_ c: Int, _ i: Int, _ y0: Int, _ x0: Int) {
            let src = input + (c &* bs &+ y0 &* rs &+ x0 &* 8)
            let dst = V + _wVOffset(c, i, cb: cb)
            if y0 &+ 6 <= height &+ 2 && x0 &+ 6 <= width &+ 2 {
                for r in 0..<6 {   // rows: X = d B into tmp[r*6 + j]
                    let s = src + r &* rs
                    _wInputTransform6(_wLoad(s), _wLoad(s + 8), _wLoad(s + 16),
                                      _wLoad(s + 24), _wLoad(s + 32), _wLoad(s + 40), tmp + r &* 48, 8)
                }
            } else {
                // Partial tile at the right / bottom edge: zeros beyond the halo.
                let rows = min(6, height &+ 2 &- y0), cols = min(6, width &+ 2 &- x0)  // both >= 3
                for r in 0..<6 {
                    let s = src + r &* rs
                    if r >= rows {
                        _wInputTransform6(zero, zero, zero, zero, zero, zero, tmp + r &* 48, 8)
                    } else {
                        _wInputTransform6(_wLoad(s), _wLoad(s + 8), _wLoad(s + 16),
                                          cols > 3 ? _wLoad(s + 24) : zero,
                                          cols > 4 ? _wLoad(s + 32) : zero,
                                          cols > 5 ? _wLoad(s + 40) : zero, tmp + r &* 48, 8)
                    }
                }
            }
            for j in 0..<6 {       // columns: V = B^T X
                let q = tmp + j &* 8
                _wInputTransform6(_wLoad(q), _wLoad(q + 48), _wLoad(q + 96),
                                  _wLoad(q + 144), _wLoad(q + 192), _wLoad(q + 240), dst + j &* vP, 6 &* vP)
            }
        }
        // AVX-512: two channel blocks at once for interior tiles (`wF43InputPairAVX512`, same bits).
        let avx512 = kernelsUseAVX512
        var c = cs.lowerBound
        while c < cs.upperBound {
            let pair = avx512 && c &+ 1 < cs.upperBound
            var ty = t0 / tilesW
            var tx = t0 &- ty &* tilesW
            for i in 0..<n {
                let y0 = ty &* 4, x0 = tx &* 4      // padded coordinates of the 6x6 patch
                if pair && y0 &+ 6 <= height &+ 2 && x0 &+ 6 <= width &+ 2 {
                    wF43InputPairAVX512(input + (c &* bs &+ y0 &* rs &+ x0 &* 8), bs, rs, tmp,
                                        V + _wVOffset(c, i, cb: cb), V + _wVOffset(c &+ 1, i, cb: cb), vP)
                } else {
                    one(c, i, y0, x0)
                    if pair { one(c &+ 1, i, y0, x0) }
                }
                tx &+= 1
                if tx == tilesW { tx = 0; ty &+= 1 }
            }
            c &+= pair ? 2 : 1
        }
    }

    if phase == .transform {
        // Unit u: channel blocks rowRange(cb, u, 2) of the one block, for both halves' GEMMs.
        let (t0, n) = blocking.block(0)
        for unit in blocks { transform(t0: t0, n: n, np: (n &+ 1) & ~1, cs: rowRange(rows: cb, part: unit, of: 2)) }
        return
    }
    var transformed = phase == .gemm ? 0 : -1  // the tile block whose V is in scratch
    for unit in blocks {
        let blk = kParts == 1 ? unit : unit >> 1
        let pan0 = kParts == 1 ? 0 : (unit & 1) &* panelsPerPart
        let pan1 = min(panels, pan0 &+ panelsPerPart)
        let (t0, n) = blocking.block(blk)
        if n == 0 { continue }                 // an empty unit at the end of the shorter half
        let np: Int = (n &+ 1) & ~1            // GEMM rows: 6-row micro-tiles and a 2/4-row tail
        if blk != transformed {                // consecutive units of one block share its V
            transformed = blk
            transform(t0: t0, n: n, np: np, cs: 0..<cb)
        }

        // 2. 36 GEMMs: M[p][kb][i][8] at M + p*mP + (kb - 2*pan0)*(nT*8) + i*8.
        var inputPrefetch = _WPatchPrefetch()
        _wBatchedGemm(positions: 36, V, vP, weights, uP, M, mP, cb: cb, kp: kp, nT: nT, np: np,
                      panels: pan0..<pan1, inputPrefetch: &inputPrefetch)

        // 3. Output transform Y = A^T M A + bias (+ ReLU), clipped to H x W. Output channel
        //    block outer, tiles inner.
        let two = SIMD8<Float>(repeating: 2), four = SIMD8<Float>(repeating: 4)
        let eight = SIMD8<Float>(repeating: 8), quarter = SIMD8<Float>(repeating: 0.25)
        let avx512 = kernelsUseAVX512
        for k in (pan0 &* 2)..<min(kb, pan1 &* 2) {
            let bk = _wLoad(bias + k &* 8)
            let dstK = output.map { $0 + k &* bs }
            var ty = t0 / tilesW
            var tx = t0 &- ty &* tilesW
            var i = 0
            while i < n {
                let oy = ty &* 4, ox = tx &* 4
                let m = M + (k &- pan0 &* 2) &* (nT &* 8) + i &* 8
                // AVX-512: tiles i and i + 1 in one pass when both are whole (same bits).
                if avx512 && i &+ 1 < n && _wOutputPair(
                    wF43OutputPairAVX512, step: 4, ty: &ty, tx: &tx, tilesW: tilesW, height: height, width: width,
                    m: m, mP: mP, tmp: tmp, bias: bias + k &* 8, relu: relu, dst: dstK, rs: rs,
                    maxPooled: maxPooled.map { $0 + k &* pbs }, avgPooled: avgPooled.map { $0 + k &* pbs }, prs: prs) {
                    i &+= 2
                    continue
                }
                // columns: T = A^T M (4x6) into tmp[r*6 + j]
                for j in 0..<6 {
                    let q = m + j &* mP
                    let s6 = 6 &* mP
                    let m0 = _wLoad(q), m1 = _wLoad(q + s6), m2 = _wLoad(q + 2 &* s6)
                    let m3 = _wLoad(q + 3 &* s6), m4 = _wLoad(q + 4 &* s6), m5 = _wLoad(q + 5 &* s6)
                    let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
                    let o = tmp + j &* 8
                    _wStore(o, m0 + s12 + s34)
                    _wStore(o + 48, d12.addingProduct(d34, two))
                    _wStore(o + 96, s12.addingProduct(s34, four))
                    _wStore(o + 144, (d12 + m5).addingProduct(d34, eight))
                }
                let orows = min(4, height &- oy), ocols = min(4, width &- ox)
                if !pooling {
                    let dstBase = dstK! + (oy &+ 1) &* rs + (ox &+ 1) &* 8
                    for r in 0..<orows {
                        let q = tmp + r &* 48
                        let m0 = _wLoad(q), m1 = _wLoad(q + 8), m2 = _wLoad(q + 16)
                        let m3 = _wLoad(q + 24), m4 = _wLoad(q + 32), m5 = _wLoad(q + 40)
                        let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
                        var y0 = (m0 + s12 + s34) + bk
                        var y1 = d12.addingProduct(d34, two) + bk
                        var y2 = s12.addingProduct(s34, four) + bk
                        var y3 = (d12 + m5).addingProduct(d34, eight) + bk
                        if relu {
                            y0 = _wRelu(y0); y1 = _wRelu(y1); y2 = _wRelu(y2); y3 = _wRelu(y3)
                        }
                        let dst = dstBase + r &* rs
                        if ocols == 4 {
                            _wStore(dst, y0); _wStore(dst + 8, y1); _wStore(dst + 16, y2); _wStore(dst + 24, y3)
                        } else {
                            _wStore(dst, y0)
                            if ocols > 1 { _wStore(dst + 8, y1) }
                            if ocols > 2 { _wStore(dst + 16, y2) }
                        }
                    }
                } else {
                    @inline(__always) func row(_ r: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
                        let q = tmp + r &* 48
                        let m0 = _wLoad(q), m1 = _wLoad(q + 8), m2 = _wLoad(q + 16)
                        let m3 = _wLoad(q + 24), m4 = _wLoad(q + 32), m5 = _wLoad(q + 40)
                        let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
                        var y0 = (m0 + s12 + s34) + bk
                        var y1 = d12.addingProduct(d34, two) + bk
                        var y2 = s12.addingProduct(s34, four) + bk
                        var y3 = (d12 + m5).addingProduct(d34, eight) + bk
                        if relu {
                            y0 = _wRelu(y0); y1 = _wRelu(y1); y2 = _wRelu(y2); y3 = _wRelu(y3)
                        }
                        return (y0, y1, y2, y3)
                    }
                    @inline(__always) func store(_ dst: UnsafeMutablePointer<Float>,
                                                 _ y: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)) {
                        if ocols == 4 {
                            _wStore(dst, y.0); _wStore(dst + 8, y.1); _wStore(dst + 16, y.2); _wStore(dst + 24, y.3)
                        } else {
                            _wStore(dst, y.0)
                            if ocols > 1 { _wStore(dst + 8, y.1) }
                            if ocols > 2 { _wStore(dst + 16, y.2) }
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
                        let m0 = vmax(y.0, y.1), m1 = vmax(y.2, y.3)
                        let s0 = y.0 + y.1, s1 = y.2 + y.3
                        let z = row(r &+ 1)
                        if let d = dstK { store(d + (oy &+ 2 &+ r) &* rs + (ox &+ 1) &* 8, z) }
                        let pr = pOff + (r >> 1) &* prs
                        if let mp = maxPooled {
                            _wStore(mp + pr, vmax(m0, vmax(z.0, z.1)))
                            if ocols > 2 { _wStore(mp + pr + 8, vmax(m1, vmax(z.2, z.3))) }
                        }
                        if let ap = avgPooled {
                            _wStore(ap + pr, ((s0 + z.0) + z.1) * quarter)
                            if ocols > 2 { _wStore(ap + pr + 8, ((s1 + z.2) + z.3) * quarter) }
                        }
                        r &+= 2
                    }
                }
                i &+= 1
                tx &+= 1
                if tx == tilesW { tx = 0; ty &+= 1 }
            }
        }
    }
}

/// The AVX-512 output transform of tiles (ty, tx) and the next one (`wF43OutputPairAVX512` or
/// `wF63OutputPairAVX512`, `step` 4 or 6 output pixels per tile side) when both are whole tiles
/// of the H x W output; advances (ty, tx) past both and returns true, else does nothing and
/// returns false. `dst`, `maxPooled`, `avgPooled`: this output channel block's planes (padded
/// NCHWc8, row strides rs / prs), or nil.
@inlinable @inline(__always)
func _wOutputPair(
    _ pair: (UnsafePointer<Float>, Int, UnsafeMutableRawPointer, UnsafePointer<Float>, Bool,
             UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, Int,
             UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?,
             UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void,
    step: Int, ty: inout Int, tx: inout Int, tilesW: Int, height: Int, width: Int,
    m: UnsafePointer<Float>, mP: Int, tmp: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, relu: Bool,
    dst: UnsafeMutablePointer<Float>?, rs: Int,
    maxPooled: UnsafeMutablePointer<Float>?, avgPooled: UnsafeMutablePointer<Float>?, prs: Int
) -> Bool {
    var ty1 = ty, tx1 = tx &+ 1
    if tx1 == tilesW { tx1 = 0; ty1 &+= 1 }
    let oy = ty &* step, ox = tx &* step, oy1 = ty1 &* step, ox1 = tx1 &* step
    guard oy &+ step <= height && ox &+ step <= width && oy1 &+ step <= height && ox1 &+ step <= width else {
        return false
    }
    let p0 = (oy / 2 &+ 1) &* prs + (ox / 2 &+ 1) &* 8
    let p1 = (oy1 / 2 &+ 1) &* prs + (ox1 / 2 &+ 1) &* 8
    pair(m, mP, UnsafeMutableRawPointer(tmp), bias, relu,
         dst.map { $0 + (oy &+ 1) &* rs + (ox &+ 1) &* 8 }, dst.map { $0 + (oy1 &+ 1) &* rs + (ox1 &+ 1) &* 8 }, rs,
         maxPooled.map { $0 + p0 }, maxPooled.map { $0 + p1 }, avgPooled.map { $0 + p0 }, avgPooled.map { $0 + p1 }, prs)
    tx = tx1 &+ 1
    ty = ty1
    if tx == tilesW { tx = 0; ty &+= 1 }
    return true
}
