// The two banded passes of Z = U_H C U_W^T (H x W output, C is O x O):
//   pass 1 (columns): T[k, j] = sum_q C[k, fx_j + q] wx_jq         T is O x W (the scratch)
//   pass 2 (rows):    Z[i, :] = sum_q wy_iq T[fy_i + q, :]         p+1 contiguous rows, SIMD FMA
// Pass 2 touches H*W*(p+1) floats and dominates; pass 1 costs O/H of it.
// Each output element is computed by the same sequence of operations whatever the chunking, so
// results are bitwise identical for any thread count. The q loops are unrolled by calling the
// @inline(__always) bodies with constant tap counts.

@inline(__always)
private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// out[0..<n] = sum_q w[q] * src[q*stride ..< q*stride+n].
@inline(__always)
private func combineRows(
    _ taps: Int, _ src: UnsafePointer<Float>, _ stride: Int, _ w: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, _ n: Int
) {
    var j = 0
    let w0 = w[0]
    while j &+ 16 <= n {
        var acc = load16(src + j) * SIMD16(repeating: w0)
        var q = 1
        while q < taps {
            acc = acc.addingProduct(load16(src + (q &* stride &+ j)), SIMD16(repeating: w[q]))
            q &+= 1
        }
        UnsafeMutableRawPointer(out + j).storeBytes(of: acc, as: SIMD16<Float>.self)
        j &+= 16
    }
    if j &+ 8 <= n {
        var acc = load8(src + j) * SIMD8(repeating: w0)
        var q = 1
        while q < taps {
            acc = acc.addingProduct(load8(src + (q &* stride &+ j)), SIMD8(repeating: w[q]))
            q &+= 1
        }
        UnsafeMutableRawPointer(out + j).storeBytes(of: acc, as: SIMD8<Float>.self)
        j &+= 8
    }
    while j < n {  // same operations as one SIMD lane
        var acc = src[j] * w0
        var q = 1
        while q < taps {
            acc = acc.addingProduct(src[q &* stride &+ j], w[q])
            q &+= 1
        }
        out[j] = acc
        j &+= 1
    }
}

/// Pass 2 for output rows `range`.
@inline(__always)
private func rowPassBody(
    _ taps: Int, _ t: UnsafePointer<Float>, _ w: Int, _ first: UnsafePointer<Int>,
    _ weights: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ range: Range<Int>
) {
    for i in range {
        combineRows(taps, t + first[i] &* w, w, weights + i &* taps, z + i &* w, w)
    }
}

func rowPass(
    taps: Int, t: UnsafePointer<Float>, w: Int, first: UnsafePointer<Int>,
    weights: UnsafePointer<Float>, z: UnsafeMutablePointer<Float>, range: Range<Int>
) {
    switch taps {
    case 1: rowPassBody(1, t, w, first, weights, z, range)
    case 2: rowPassBody(2, t, w, first, weights, z, range)
    case 3: rowPassBody(3, t, w, first, weights, z, range)
    case 4: rowPassBody(4, t, w, first, weights, z, range)
    default: rowPassBody(taps, t, w, first, weights, z, range)
    }
}

/// Pass 1 for scratch rows `range` (coefficient rows k): T[k, j] = sum_q C[k, f_j+q] w_jq.
@inline(__always)
private func columnPassBody(
    _ taps: Int, _ c: UnsafePointer<Float>, _ o: Int, _ first: UnsafePointer<Int>,
    _ weights: UnsafePointer<Float>, _ t: UnsafeMutablePointer<Float>, _ w: Int, _ range: Range<Int>
) {
    var k = range.lowerBound
    // Four rows at a time as SIMD4 lanes (lane r = row k+r). Within a run of columns j that share
    // first[j] (a knot span, about W/(O-p) columns) the p+1 coefficient vectors stay in
    // registers, so each output costs one weight broadcast per tap and one lane store.
    if taps <= 4 {
        withUnsafeTemporaryAllocation(of: SIMD4<Float>.self, capacity: 4) { cvBuf in
            let cv = cvBuf.baseAddress!
            while k &+ 4 <= range.upperBound {
                let c0 = c + k &* o, out0 = t + k &* w
                var j = 0
                while j < w {
                    let f = first[j]
                    for q in 0..<taps {
                        let s0 = c0 + (f &+ q)
                        cv[q] = SIMD4(s0[0], s0[o], s0[2 &* o], s0[3 &* o])
                    }
                    repeat {
                        let wp = weights + j &* taps
                        var acc = cv[0] * SIMD4(repeating: wp[0])
                        var q = 1
                        while q < taps {
                            acc = acc.addingProduct(cv[q], SIMD4(repeating: wp[q]))
                            q &+= 1
                        }
                        out0[j] = acc[0]
                        out0[w &+ j] = acc[1]
                        out0[2 &* w &+ j] = acc[2]
                        out0[3 &* w &+ j] = acc[3]
                        j &+= 1
                    } while j < w && first[j] == f
                }
                k &+= 4
            }
        }
    }
    while k < range.upperBound {  // same operations per element as above
        let crow = c + k &* o
        let out = t + k &* w
        var wp = weights
        for j in 0..<w {
            let src = crow + first[j]
            var acc = src[0] * wp[0]
            var q = 1
            while q < taps {
                acc = acc.addingProduct(src[q], wp[q])
                q &+= 1
            }
            out[j] = acc
            wp += taps
        }
        k &+= 1
    }
}

func columnPass(
    taps: Int, c: UnsafePointer<Float>, o: Int, first: UnsafePointer<Int>,
    weights: UnsafePointer<Float>, t: UnsafeMutablePointer<Float>, w: Int, range: Range<Int>
) {
    switch taps {
    case 1: columnPassBody(1, c, o, first, weights, t, w, range)
    case 2: columnPassBody(2, c, o, first, weights, t, w, range)
    case 3: columnPassBody(3, c, o, first, weights, t, w, range)
    case 4: columnPassBody(4, c, o, first, weights, t, w, range)
    default: columnPassBody(taps, c, o, first, weights, t, w, range)
    }
}
