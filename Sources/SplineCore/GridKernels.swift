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
    for k in range {
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
