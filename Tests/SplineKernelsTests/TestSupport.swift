// Shared helpers for the SplineKernels tests: deterministic random data, buffer
// comparison, running a kernel on packed arrays, and independent naive CHW
// implementations (PyTorch semantics, PyTorch weight layouts) that do not use the
// packed layout or the package's index helpers.

import XCTest

@testable import SplineKernels

struct TestRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) * 1e-6
    }
    mutating func array(_ n: Int) -> [Float] { (0..<n).map { _ in next() } }
}

/// Awkward shapes shared by the fast-vs-reference tests.
enum Shapes {
    static let channels = [1, 3, 8, 12, 16, 20, 40, 72]  // 40: 2 chunks of 3x3; 72: 2 chunks of 1x1
    static let outChannels = [1, 3, 8, 12, 16, 20, 24]
    static let widths = [1, 5, 6, 7, 13]
    static let heights = Array(1...9)
}

/// An output buffer whose interior (padding channels included) holds a sentinel and
/// whose halo is zero: a kernel must overwrite the former and leave the latter.
func sentinelOutput(_ shape: ActShape) -> [Float] {
    var out = [Float](repeating: 0, count: shape.count)
    for c in 0..<(shape.blocks * 8) {
        for y in 0..<shape.height {
            for x in 0..<shape.width { out[shape.offset(channel: c, y: y, x: x)] = 777 }
        }
    }
    return out
}

/// Elementwise |a - b| <= tol (halo and padding included), reporting the first miss.
func assertClose(
    _ a: [Float], _ b: [Float], tol: Float, _ what: @autoclosure () -> String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(a.count, b.count, what(), file: file, line: line)
    for i in 0..<min(a.count, b.count) where !(abs(a[i] - b[i]) <= tol) {
        XCTFail("\(what()): index \(i): \(a[i]) vs \(b[i]) (tol \(tol))", file: file, line: line)
        return
    }
}

/// Calls `body` with pointers to an input, weights, bias and a mutable output.
func withBuffers(
    _ input: [Float], _ packed: PackedConv, _ output: inout [Float],
    _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
) {
    input.withUnsafeBufferPointer { i in
        packed.weights.withUnsafeBufferPointer { w in
            packed.bias.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { o in
                    body(i.baseAddress!, w.baseAddress!, b.baseAddress!, o.baseAddress!)
                }
            }
        }
    }
}

func applyScalar(_ v: Float, _ act: Activation) -> Float {
    switch act {
    case .none: return v
    case .relu: return max(v, 0)
    case .tanh: return tanhf(v)
    }
}

/// PyTorch Conv2d, stride 1, padding k/2, CHW, weight [K][C][k][k], Double accumulation.
func naiveConvCHW(
    _ x: [Float], c: Int, h: Int, w: Int, weight: [Float], bias: [Float], k outK: Int, kernel: Int, act: Activation
) -> [Float] {
    var out = [Float](repeating: 0, count: outK * h * w)
    let r = kernel / 2
    for o in 0..<outK {
        for y in 0..<h {
            for xx in 0..<w {
                var acc = Double(bias[o])
                for ci in 0..<c {
                    for ky in 0..<kernel {
                        for kx in 0..<kernel {
                            let iy = y + ky - r, ix = xx + kx - r
                            if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                            acc += Double(x[(ci * h + iy) * w + ix])
                                * Double(weight[((o * c + ci) * kernel + ky) * kernel + kx])
                        }
                    }
                }
                out[(o * h + y) * w + xx] = applyScalar(Float(acc), act)
            }
        }
    }
    return out
}

/// PyTorch ConvTranspose2d(C, K, 2, stride 2), CHW, weight [C][K][2][2].
func naiveConvTransposeCHW(_ x: [Float], c: Int, h: Int, w: Int, weight: [Float], bias: [Float], k: Int) -> [Float] {
    var out = [Float](repeating: 0, count: k * 4 * h * w)
    for o in 0..<k {
        for oy in 0..<(2 * h) {
            for ox in 0..<(2 * w) {
                var acc = Double(bias[o])
                for ci in 0..<c {
                    acc += Double(x[(ci * h + oy / 2) * w + ox / 2])
                        * Double(weight[((ci * k + o) * 2 + oy % 2) * 2 + ox % 2])
                }
                out[(o * 2 * h + oy) * 2 * w + ox] = Float(acc)
            }
        }
    }
    return out
}

/// PyTorch MaxPool2d(2) / AvgPool2d(k) on CHW (floor).
func naivePoolCHW(_ x: [Float], c: Int, h: Int, w: Int, k: Int, max useMax: Bool) -> [Float] {
    let oh = h / k, ow = w / k
    var out = [Float](repeating: 0, count: c * oh * ow)
    for ci in 0..<c {
        for y in 0..<oh {
            for xx in 0..<ow {
                var m = -Float.infinity
                var s = 0.0
                for dy in 0..<k {
                    for dx in 0..<k {
                        let v = x[(ci * h + k * y + dy) * w + k * xx + dx]
                        m = max(m, v)
                        s += Double(v)
                    }
                }
                out[(ci * oh + y) * ow + xx] = useMax ? m : Float(s / Double(k * k))
            }
        }
    }
    return out
}
