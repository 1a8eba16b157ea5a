import Foundation

// Plain reference implementations of the layers (CHW Float, batch 1), straight loops.
// Convolutions are parallel over output channels; every output value is computed by the same
// sequence of operations for any thread count.

/// 3x3 conv, stride 1, zero padding 1, weight [cout][cin][3][3], optional ReLU.
func conv3x3(_ x: Tensor3, weight: [Float], bias: [Float], cout: Int, relu: Bool, threads: Int) -> Tensor3 {
    let cin = x.channels, h = x.height, w = x.width, plane = x.plane
    var out = Tensor3(channels: cout, height: h, width: w)
    x.data.withUnsafeBufferPointer { xb in
        weight.withUnsafeBufferPointer { wb in
            out.data.withUnsafeMutableBufferPointer { ob in
                let xp = xb.baseAddress!, wp = wb.baseAddress!, op = ob.baseAddress!
                parallelChunks(cout, threads: threads) { range in
                    for co in range {
                        let o = op + co * plane
                        o.update(repeating: bias[co], count: plane)
                        for ci in 0..<cin {
                            let src = xp + ci * plane
                            let k = wp + (co * cin + ci) * 9
                            for y in 0..<h {
                                let orow = o + y * w
                                for ky in 0..<3 {
                                    let sy = y + ky - 1
                                    if sy < 0 || sy >= h { continue }
                                    row3(orow, src + sy * w, w, k[ky * 3], k[ky * 3 + 1], k[ky * 3 + 2])
                                }
                            }
                        }
                        if relu { for i in 0..<plane where !(o[i] > 0) { o[i] = 0 } }
                    }
                }
            }
        }
    }
    return out
}

/// o[x] += a s[x-1] + b s[x] + c s[x+1] with zero padding outside 0..<w.
@inline(__always)
private func row3(_ o: UnsafeMutablePointer<Float>, _ s: UnsafePointer<Float>, _ w: Int, _ a: Float, _ b: Float, _ c: Float) {
    if w == 1 {
        o[0] += b * s[0]
        return
    }
    o[0] += b * s[0] + c * s[1]
    var x = 1
    while x < w - 1 {
        o[x] += a * s[x - 1] + b * s[x] + c * s[x + 1]
        x += 1
    }
    o[w - 1] += a * s[w - 2] + b * s[w - 1]
}

/// 1x1 conv, weight [cout][cin], no activation.
func conv1x1(_ x: Tensor3, weight: [Float], bias: [Float], cout: Int, threads: Int) -> Tensor3 {
    let cin = x.channels, plane = x.plane
    var out = Tensor3(channels: cout, height: x.height, width: x.width)
    x.data.withUnsafeBufferPointer { xb in
        weight.withUnsafeBufferPointer { wb in
            out.data.withUnsafeMutableBufferPointer { ob in
                let xp = xb.baseAddress!, wp = wb.baseAddress!, op = ob.baseAddress!
                parallelChunks(cout, threads: threads) { range in
                    for co in range {
                        let o = op + co * plane
                        o.update(repeating: bias[co], count: plane)
                        for ci in 0..<cin {
                            let k = wp[co * cin + ci], s = xp + ci * plane
                            for i in 0..<plane { o[i] += k * s[i] }
                        }
                    }
                }
            }
        }
    }
    return out
}

/// ConvTranspose2d(cin, cout, 2, stride 2): out[co][2y+dy][2x+dx] = b[co] + sum_ci x[ci][y][x] w[ci][co][dy][dx].
func upconv2x2(_ x: Tensor3, weight: [Float], bias: [Float], cout: Int, threads: Int) -> Tensor3 {
    let cin = x.channels, h = x.height, w = x.width, plane = x.plane, ow = 2 * w
    var out = Tensor3(channels: cout, height: 2 * h, width: 2 * w)
    x.data.withUnsafeBufferPointer { xb in
        weight.withUnsafeBufferPointer { wb in
            out.data.withUnsafeMutableBufferPointer { ob in
                let xp = xb.baseAddress!, wp = wb.baseAddress!, op = ob.baseAddress!
                parallelChunks(cout, threads: threads) { range in
                    for co in range {
                        let o = op + co * 4 * plane
                        o.update(repeating: bias[co], count: 4 * plane)
                        for ci in 0..<cin {
                            let k = wp + (ci * cout + co) * 4, s = xp + ci * plane
                            for y in 0..<h {
                                for dy in 0..<2 {
                                    let orow = o + (2 * y + dy) * ow, a = k[2 * dy], b = k[2 * dy + 1]
                                    for xx in 0..<w {
                                        let v = s[y * w + xx]
                                        orow[2 * xx] += v * a
                                        orow[2 * xx + 1] += v * b
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return out
}

/// 2x2 max pool, stride 2 (floor for odd sizes, as PyTorch).
func maxPool2(_ x: Tensor3) -> Tensor3 {
    let h = x.height / 2, w = x.width / 2
    var out = Tensor3(channels: x.channels, height: h, width: w)
    for c in 0..<x.channels {
        for y in 0..<h {
            for xx in 0..<w {
                let i = (c * x.height + 2 * y) * x.width + 2 * xx
                let m = max(max(x.data[i], x.data[i + 1]), max(x.data[i + x.width], x.data[i + x.width + 1]))
                out.data[(c * h + y) * w + xx] = m
            }
        }
    }
    return out
}

/// Average pool with kernel = stride = k (adaptive pooling between sizes that divide evenly).
func avgPool(_ x: Tensor3, kernel k: Int) -> Tensor3 {
    if k == 1 { return x }
    let h = x.height / k, w = x.width / k
    var out = Tensor3(channels: x.channels, height: h, width: w)
    let n = Float(k * k)
    for c in 0..<x.channels {
        for y in 0..<h {
            for xx in 0..<w {
                var s: Float = 0
                for dy in 0..<k {
                    for dx in 0..<k { s += x.data[(c * x.height + y * k + dy) * x.width + xx * k + dx] }
                }
                out.data[(c * h + y) * w + xx] = s / n
            }
        }
    }
    return out
}

/// Per-channel y = x * scale + shift (eval-mode BatchNorm).
func affine(_ x: Tensor3, scale: [Float], shift: [Float]) -> Tensor3 {
    var out = x
    let plane = x.plane
    for c in 0..<x.channels {
        for i in 0..<plane { out.data[c * plane + i] = x.data[c * plane + i] * scale[c] + shift[c] }
    }
    return out
}

func tanhLayer(_ x: Tensor3) -> Tensor3 {
    var out = x
    for i in out.data.indices { out.data[i] = Foundation.tanh(out.data[i]) }
    return out
}

/// Channel concatenation [a, b] (same H, W).
func concat(_ a: Tensor3, _ b: Tensor3) -> Tensor3 {
    Tensor3(channels: a.channels + b.channels, height: a.height, width: a.width, data: a.data + b.data)
}
