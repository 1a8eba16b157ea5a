// 1x1 conv to ONE output channel (the UNet heads f -> 1), padded NCHWc8 -> padded NCHWc8:
// per pixel the dot product of its C input channels with the C weights, 8 pixels at a time.
// The GEMM kernel (Conv1x1Gemm.swift) computes a whole 8-lane output block per pixel, 8 FMAs
// per input block of which 1 lane counts; here one FMA per pixel and input block feeds all 8
// lanes (8 input channels), and one transposing reduction per 8 pixels sums them. Built-in
// model head 8 -> 1 @64: see KERNELS.md.
//
// input   [ceil(C/8)][H+2][W+2][8]   (zero halo, zero padding channels)
// output  [1][H+2][W+2][8]           interior rows `rows` written: lane 0 the result, lanes
//                                    1...7 zero (as the GEMM kernel's zero-padded weights give)
// weights packConv1x1(outChannels: 1).weights: channel c's weight at 8 * c;
// bias    packConv1x1(...).bias (bias[0])
// rows    output rows to compute (split across threads freely; bitwise identical)
// More than `dotMaxBlocks` input blocks (C > 64) take the GEMM kernel.

/// Input blocks whose weight vectors the dot kernel holds in registers (C <= 64).
public let dotMaxBlocks = 8

@inlinable @inline(__always)
public func f32_conv1x1_dot_c8_8x1_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    conv1x1DotRows(EpilogueNone.self, input, output, weights: weights, bias: bias, channels: channels,
                   outChannels: outChannels, height: height, width: width, rows: rows)
}

@inlinable @inline(__always)
public func f32_conv1x1_dot_c8_8x1_relu_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    conv1x1DotRows(EpilogueReLU.self, input, output, weights: weights, bias: bias, channels: channels,
                   outChannels: outChannels, height: height, width: width, rows: rows)
}

@inlinable @inline(__always)
public func f32_conv1x1_dot_c8_8x1_tanh_avx2(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    conv1x1DotRows(EpilogueTanh.self, input, output, weights: weights, bias: bias, channels: channels,
                   outChannels: outChannels, height: height, width: width, rows: rows)
}

/// Lane p of the result: the sum of v[p]'s 8 lanes. Pairwise: (0+1) (2+3) ... of each vector,
/// then of the pairs, then of the quads; the same order for every pixel and every split.
@inlinable @inline(__always)
func transposeSum8(_ v: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                         SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)) -> SIMD8<Float> {
    @inline(__always) func pairs(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(lowHalf: a.evenHalf + a.oddHalf, highHalf: b.evenHalf + b.oddHalf)
    }
    // [a0 a0 a0 a0 a1 a1 a1 a1] partial sums, then [a0 a0 a1 a1 a2 a2 a3 a3], then [a0 ... a7]
    let q0 = pairs(v.0, v.1), q1 = pairs(v.2, v.3), q2 = pairs(v.4, v.5), q3 = pairs(v.6, v.7)
    let h0 = pairs(q0, q1), h1 = pairs(q2, q3)
    return pairs(h0, h1)
}

@inlinable @inline(__always)
func conv1x1DotRows<E: Epilogue>(
    _ e: E.Type, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    precondition(outChannels == 1, "f32_conv1x1_dot: \(outChannels) output channels (it computes one)")
    let cb = (channels &+ 7) >> 3
    if cb > dotMaxBlocks {
        convRows(Conv1x1C8.self, E.self, input: input, output: output, weights: weights, bias: bias,
                 channels: channels, outChannels: outChannels, height: height, width: width, rows: rows, chunk: 8)
        return
    }
    assert(rows.lowerBound >= 0 && rows.upperBound <= height, "rows outside 0..<height")
    let stride = (width &+ 2) &* 8, plane = (height &+ 2) &* stride
    // Block b's 8 weights (channels 8b...8b+7), at stride 8 in the packed order; padding
    // channels have zero weights (and zero inputs).
    var wv = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(),
              SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
    let b0 = bias[0]
    withUnsafeMutableBytes(of: &wv) { raw in
        let wp = raw.baseAddress!.assumingMemoryBound(to: SIMD8<Float>.self)
        for b in 0..<cb {
            let p = weights + b &* 64
            wp[b] = SIMD8(p[0], p[8], p[16], p[24], p[32], p[40], p[48], p[56])
        }
        for y in rows {
            let row = (y &+ 1) &* stride &+ 8
            let src = input + row, dst = output + row
            var x = 0
            while x &+ 8 <= width {
                let s = src + x &* 8
                var a = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(),
                         SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                for b in 0..<cb {
                    let p = s + b &* plane, w = wp[b]
                    @inline(__always) func at(_ i: Int) -> SIMD8<Float> {
                        UnsafeRawPointer(p + i &* 8).loadUnaligned(as: SIMD8<Float>.self)
                    }
                    a.0.addProduct(at(0), w); a.1.addProduct(at(1), w)
                    a.2.addProduct(at(2), w); a.3.addProduct(at(3), w)
                    a.4.addProduct(at(4), w); a.5.addProduct(at(5), w)
                    a.6.addProduct(at(6), w); a.7.addProduct(at(7), w)
                }
                let r = E.apply(transposeSum8(a) + SIMD8(repeating: b0))
                let d = UnsafeMutableRawPointer(dst + x &* 8)
                for p in 0..<8 {
                    var o = SIMD8<Float>()
                    o[0] = r[p]
                    d.storeBytes(of: o, toByteOffset: p &* 32, as: SIMD8<Float>.self)
                }
                x &+= 8
            }
            // The last 1...7 pixels, one at a time, in the same order of sums as above.
            while x < width {
                let s = src + x &* 8
                var acc = SIMD8<Float>()
                for b in 0..<cb {
                    acc.addProduct(UnsafeRawPointer(s + b &* plane).loadUnaligned(as: SIMD8<Float>.self), wp[b])
                }
                let z = SIMD8<Float>()
                let r = E.apply(transposeSum8((acc, z, z, z, z, z, z, z)) + SIMD8(repeating: b0))
                var o = SIMD8<Float>()
                o[0] = r[0]
                UnsafeMutableRawPointer(dst + x &* 8).storeBytes(of: o, as: SIMD8<Float>.self)
                x &+= 1
            }
        }
    }
}
