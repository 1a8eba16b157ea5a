// Re-zeroing the halo of a padded NCHWc8 buffer [blocks][height+2][width+2][8] whose memory
// other buffers used before (the plan's `BufferPreparation.halo`), split by the rows a part of
// the writing step covers: the part zeroes the left and right halo pixels of its rows (plus
// the top halo row when its rows include row 0, the bottom one when they include the last), so
// the thread that writes a row's interior also writes the halo in the same cache lines, and
// the zeroing runs on every thread, not serially before the step. Only halo floats are
// written, which no kernel writes, so any split of the rows is safe beside any split of the
// step's own work; the parts together zero exactly the halo (f32_halozero_naive_c8_1x1_ref).
//
// buffer  [blocks][height + 2][width + 2][8]; rows  a sub-range of 0..<height (interior rows)

@inlinable @inline(__always)
public func f32_halozero_direct_c8_1x8_scalar(
    _ buffer: UnsafeMutablePointer<Float>, blocks: Int, height: Int, width: Int, rows: Range<Int>
) {
    assert(rows.lowerBound >= 0 && rows.upperBound <= height, "bad halo row range")
    if rows.isEmpty { return }
    let rs = (width &+ 2) &* 8, bs = (height &+ 2) &* rs
    for b in 0..<blocks {
        let q = buffer &+ b &* bs
        if rows.lowerBound == 0 { q.update(repeating: 0, count: rs) }
        if rows.upperBound == height { (q &+ (height &+ 1) &* rs).update(repeating: 0, count: rs) }
        for y in rows {
            let r = q &+ (y &+ 1) &* rs
            r.update(repeating: 0, count: 8)
            (r &+ (width &+ 1) &* 8).update(repeating: 0, count: 8)
        }
    }
}
