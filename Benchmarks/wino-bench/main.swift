// Winograd conv benchmark. GFLOP/s are DIRECT-conv-equivalent (2*C*K*9*H*W per conv) and
// % of a register-only FMA peak measured in the same run (12 independent SIMD8<Float>
// accumulators, 16 FLOP per SIMD8 FMA), 1 and 2 threads. Median/min/max over repeats.
// Build: either as an executable target depending on SplineKernels, or standalone via run.sh.
#if canImport(SplineKernels)
import SplineKernels
#endif
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

@inline(never) func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

@inline(never) func fmaPeakLoop(_ iters: Int, _ seed: Float) -> Float {
    let x = SIMD8<Float>(repeating: seed), y = SIMD8<Float>(repeating: 0.999999)
    var a0 = x, a1 = x + 1, a2 = x + 2, a3 = x + 3, a4 = x + 4, a5 = x + 5
    var a6 = x + 6, a7 = x + 7, a8 = x + 8, a9 = x + 9, a10 = x + 10, a11 = x + 11
    for _ in 0..<iters {
        a0 = a0.addingProduct(a0, y); a1 = a1.addingProduct(a1, y); a2 = a2.addingProduct(a2, y)
        a3 = a3.addingProduct(a3, y); a4 = a4.addingProduct(a4, y); a5 = a5.addingProduct(a5, y)
        a6 = a6.addingProduct(a6, y); a7 = a7.addingProduct(a7, y); a8 = a8.addingProduct(a8, y)
        a9 = a9.addingProduct(a9, y); a10 = a10.addingProduct(a10, y); a11 = a11.addingProduct(a11, y)
    }
    let s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11
    return s.sum()
}

func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }

final class Box<T>: @unchecked Sendable { var v: T; init(_ v: T) { self.v = v } }

func measurePeak(threads: Int, reps: Int) -> Double {
    let iters = 20_000_000
    var gf = [Double]()
    let sink = Box<Float>(0)
    for _ in 0..<reps {
        let t0 = now()
        if threads == 1 { sink.v += fmaPeakLoop(iters, 1e-3) } else {
            DispatchQueue.concurrentPerform(iterations: threads) { i in
                let r = fmaPeakLoop(iters, Float(i) * 1e-3)
                if r == 12345 { print(r) }
            }
        }
        gf.append(Double(iters) * 12 * 16 * Double(threads) / (now() - t0) * 1e-9)
    }
    if sink.v == 12345 { print(sink.v) }
    return median(gf)
}

typealias Kernel = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>,
                    UnsafeMutablePointer<Float>, Range<Int>) -> Void

/// Literal-shape instantiations, as the code generator would emit them.
func kernelFor(_ c: Int, _ h: Int) -> Kernel {
    switch (c, h) {
    case (64, 256): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 64, outChannels: 64, height: 256, width: 256, blocks: r) }
    case (128, 128): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 128, outChannels: 128, height: 128, width: 128, blocks: r) }
    case (256, 64): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 256, outChannels: 256, height: 64, width: 64, blocks: r) }
    case (32, 256): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 32, outChannels: 32, height: 256, width: 256, blocks: r) }
    case (16, 256): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 16, outChannels: 16, height: 256, width: 256, blocks: r) }
    default: fatalError("no literal instantiation for \(c) @ \(h)")
    }
}

let args = CommandLine.arguments
let reps = args.count > 1 ? Int(args[1])! : 11
let configs: [(Int, Int)] = [(64, 256), (128, 128), (256, 64), (32, 256), (16, 256)]
print("Winograd F(4x4,3x3) f32_conv3x3_winograd4x4_c8_6x16_relu_avx2, \(reps) reps, direct-equivalent GFLOP/s")
print("| conv | thr | peak GF/s | median GF/s | min | max | median % peak | ms (median) |")
print("|---|---|---|---|---|---|---|---|")
for (ch, hw) in configs {
    let shape = ActShape(channels: ch, height: hw, width: hw)
    var input = [Float](repeating: 0, count: shape.count)
    var rng: UInt64 = 1
    for i in 0..<input.count { rng = rng &* 6364136223846793005 &+ 1; input[i] = Float(Int(rng >> 40) % 1000) / 1000 - 0.5 }
    // Zero halo as the layout requires.
    input = packNCHWc8(unpackNCHWc8(input, shape), shape)
    let weights = (0..<(ch * ch * 9)).map { _ -> Float in rng = rng &* 6364136223846793005 &+ 1; return (Float(Int(rng >> 40) % 1000) / 1000 - 0.5) * 0.05 }
    let bias = [Float](repeating: 0.01, count: ch)
    let packed = winogradF43PackWeights(weights: weights, bias: bias, inChannels: ch, outChannels: ch)
    var output = [Float](repeating: 0, count: shape.count)
    let sc = winogradF43ScratchCount(inChannels: ch, outChannels: ch, height: hw, width: hw)
    var scratch = [Float](repeating: 0, count: sc * 2)
    let nb = winogradF43BlockCount(inChannels: ch, outChannels: ch, height: hw, width: hw)
    let k = kernelFor(ch, hw)
    let flops = 2.0 * Double(ch * ch * 9 * hw * hw)
    for threads in [1, 2] {
        let peak = measurePeak(threads: threads, reps: 5)
        var gf = [Double]()
        input.withUnsafeBufferPointer { ip in packed.withUnsafeBufferPointer { wp in
        output.withUnsafeMutableBufferPointer { op in scratch.withUnsafeMutableBufferPointer { sp in
            nonisolated(unsafe) let i = ip.baseAddress!, w = wp.baseAddress!, o = op.baseAddress!, s = sp.baseAddress!
            for rep in 0..<(reps + 1) {
                let t0 = now()
                if threads == 1 { k(i, o, w, s, 0..<nb) } else {
                    DispatchQueue.concurrentPerform(iterations: 2) { t in
                        k(i, o, w, s + t * sc, t == 0 ? 0..<(nb / 2) : (nb / 2)..<nb)
                    }
                }
                let dt = now() - t0
                if rep > 0 { gf.append(flops / dt * 1e-9) }   // first run is warm-up
            }
        } } } }
        let med = median(gf)
        print("| \(ch)->\(ch) @ \(hw)x\(hw) | \(threads) | \(fmt(peak)) | \(fmt(med)) | \(fmt(gf.min()!)) | \(fmt(gf.max()!)) | \(fmt(100 * med / peak))% | \(fmt(flops / med * 1e-6)) |")
    }
}

func fmt(_ x: Double) -> String { String(Int((x * 10).rounded())).dropLast().description + "." + String(Int((x * 10).rounded()) % 10) }
