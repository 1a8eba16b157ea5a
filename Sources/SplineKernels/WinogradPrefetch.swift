// Software prefetch of the NEXT tile block's input patches while the current block's GEMMs run.
//
// Why: the F(6x6) input transform reads, per channel block, 8 padded rows of only n*6+2
// pixels per block: 128 short runs of ~1.2 KB for 128 channels and 6 tiles, too short for the
// hardware prefetchers to get going, so with an input bigger than the caches the transform
// waits on DRAM latency. The GEMMs of a block run long enough (64 x n x Cp x Kp FMAs) to fetch
// the next block's patches into L2 in their shadow; `_wBatchedGemm` issues a slice of them
// after each position. wino-bench F63, same-run triples (median): 64->64 @512 2 threads
// 29.7 -> 26.1 ms, 1 thread 51.5 -> 49.8; 128->128 @256 1 thread 46.0 -> 44.7; 256->256 @128
// 1 thread 44.6 -> 43.5; 512->512 @64 (input in L3) no change. F(4x4) layers (small planes,
// inputs in L3) do not use it.
//
// Shapes: `input` padded NCHWc8 (rs floats per row, bs per channel block); a block's tiles
// t0..<t0+n run row-major over tilesW tiles per tile row, so they cover at most two
// segments of tile rows when n <= tilesW (more are cut: the cursor then prefetches the first
// two segments only, a hint, never a correctness matter).

import CSpinHint

@usableFromInline
struct _WPatchPrefetch {
    @usableFromInline var base: UnsafePointer<Float>?   // nil: nothing to prefetch
    @usableFromInline let bs: Int, rs: Int, cb: Int, patch: Int, paddedRows: Int
    // Up to two segments: first padded row, first byte offset in the row, bytes per row.
    @usableFromInline var y0: (Int, Int), x0: (Int, Int), bytes: (Int, Int), segments: Int
    // Cursor: channel block, segment, row in the patch, byte offset in the row.
    @usableFromInline var c = 0, s = 0, r = 0, off = 0
    /// Cache lines in all (for spreading them over the GEMM positions).
    @usableFromInline var lines: Int

    /// Nothing to prefetch.
    @inlinable init() {
        base = nil; bs = 0; rs = 0; cb = 0; patch = 0; paddedRows = 0
        y0 = (0, 0); x0 = (0, 0); bytes = (0, 0); segments = 0; lines = 0
    }

    /// The input patches of tiles t0..<t0+n (tile size `step` = 6 or 4 output pixels, patch
    /// `patch` = 8 or 6 input pixels) of a height x width layer with `cb` channel blocks.
    @inlinable
    init(input: UnsafePointer<Float>, cb: Int, height: Int, width: Int,
         t0: Int, n: Int, tilesW: Int, step: Int, patch: Int) {
        self.base = input; self.cb = cb; self.patch = patch; paddedRows = height &+ 2
        rs = (width &+ 2) &* 8
        bs = (height &+ 2) &* rs
        let rowBytes = rs &* 4
        var ys = (0, 0), xs = (0, 0), bs2 = (0, 0), count = 0
        var t = t0
        let end = t0 &+ n
        while t < end && count < 2 {
            let ty = t / tilesW, tx = t &- ty &* tilesW
            let last = min(end, (ty &+ 1) &* tilesW) &- 1      // last tile of this segment
            let lx = last &- ty &* tilesW
            let first = tx &* step &* 8 &* 4                      // bytes from the row start
            let stop = min(rowBytes, (lx &* step &+ patch) &* 8 &* 4)
            if count == 0 { ys.0 = ty &* step; xs.0 = first; bs2.0 = stop &- first }
            else { ys.1 = ty &* step; xs.1 = first; bs2.1 = stop &- first }
            count &+= 1
            t = last &+ 1
        }
        y0 = ys; x0 = xs; bytes = bs2; segments = count
        lines = cb &* patch &* ((bs2.0 &+ 63) >> 6 &+ (bs2.1 &+ 63) >> 6)
        if count == 0 { base = nil }
    }

    /// Issues up to `k` line prefetches, advancing the cursor; nothing once all are issued.
    @inlinable @inline(__always)
    mutating func issue(_ k: Int) {
        guard let b = base else { return }
        let raw = UnsafeRawPointer(b)
        var left = k
        while left > 0 {
            let seg1 = s == 1
            let yy = (seg1 ? y0.1 : y0.0) &+ r
            let span = seg1 ? bytes.1 : bytes.0
            let start = (seg1 ? x0.1 : x0.0)
            if yy < paddedRows { splineseg_prefetch(raw + ((c &* bs &+ yy &* rs) &* 4 &+ start &+ off)) }
            left &-= 1
            off &+= 64
            if off >= span {
                off = 0
                r &+= 1
                if r == patch {
                    r = 0
                    s &+= 1
                    if s == segments {
                        s = 0
                        c &+= 1
                        if c == cb { base = nil; return }
                    }
                }
            }
        }
    }
}
