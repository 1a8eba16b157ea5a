// Winograd conv benchmark. GFLOP/s are DIRECT-conv-equivalent (2*C*K*9*H*W per conv) and
// % of a register-only FMA peak measured in the same run (12 independent SIMD8<Float>
// accumulators, 16 FLOP per SIMD8 FMA), 1 and 2 threads. Median/min/max over repeats.
// Usage: wino-bench [reps] [F43|F63|-] [vgg|dec]
// (vgg: VGG-16's shapes at I = 512; dec: UNet f64 @512's F(4x4) layers with C != K, whose one block
// of <= 64 tiles is split by output channels.) Environment, for profiling one shape: WB_C=n runs
// only the shapes with n input channels, WB_T=1 or 2 only that thread count. In dec mode a layer
// that shares its input transform between the threads (`winogradF43SharesTransform`) gets a '2s'
// row: 2 threads, the two phases (`WinogradPhase`) as two concurrentPerform calls.
// Build: either as an executable target depending on SplineKernels, or standalone via run.sh.
#if canImport(SplineKernels)
import SplineKernels
#endif
import SplineKernelsAVX512
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

@inline(never) func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// FLOP per round of `fmaPeakLoop`: 12 SIMD8 FMAs, or 12 SIMD16 ones where the CPU has AVX-512
/// (the machine's peak there).
let peakFlopPerIter: Double = cpuHasAVX512 ? 12 * 32 : 12 * 16

@inline(never) func fmaPeakLoop(_ iters: Int, _ seed: Float) -> Float {
    if cpuHasAVX512 { return fmaPeakLoopAVX512(iters, seed) }
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


@inline(never) func cpuNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Single-thread peak in this thread's CPU time (insensitive to preemption by other processes).
func measurePeakCPU() -> Double {
    let iters = 5_000_000
    let t0 = cpuNow()
    if fmaPeakLoop(iters, 1e-3) == 12345 { print("") }
    return Double(iters) * peakFlopPerIter / (cpuNow() - t0) * 1e-9
}

/// One short peak measurement (~10 ms per thread): GFLOP/s of the register-only FMA loop.
func measurePeak(threads: Int) -> Double {
    let iters = 5_000_000
    let t0 = now()
    if threads == 1 { if fmaPeakLoop(iters, 1e-3) == 12345 { print("") } } else {
        DispatchQueue.concurrentPerform(iterations: threads) { i in
            if fmaPeakLoop(iters, Float(i) * 1e-3) == 12345 { print("") }
        }
    }
    return Double(iters) * peakFlopPerIter * Double(threads) / (now() - t0) * 1e-9
}

typealias Kernel = @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>,
                    UnsafeMutablePointer<Float>, Range<Int>) -> Void

/// Literal-shape instantiations, as the code generator would emit them.
func kernelF43(_ c: Int, _ h: Int) -> Kernel {
    switch (c, h) {
    case (64, 256): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 64, outChannels: 64, height: 256, width: 256, blocks: r) }
    case (128, 128): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 128, outChannels: 128, height: 128, width: 128, blocks: r) }
    case (256, 64): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 256, outChannels: 256, height: 64, width: 64, blocks: r) }
    case (32, 256): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 32, outChannels: 32, height: 256, width: 256, blocks: r) }
    case (16, 256): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 16, outChannels: 16, height: 256, width: 256, blocks: r) }
    case (64, 512): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 64, outChannels: 64, height: 512, width: 512, blocks: r) }
    case (128, 256): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 128, outChannels: 128, height: 256, width: 256, blocks: r) }
    case (256, 128): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 256, outChannels: 256, height: 128, width: 128, blocks: r) }
    case (512, 64): return { i, o, w, s, r in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 512, outChannels: 512, height: 64, width: 64, blocks: r) }
    default: fatalError("no literal instantiation for \(c) @ \(h)")
    }
}

/// A kernel call with its phase (`WinogradPhase`) and the shared scratch of a phased call.
typealias PhasedKernel = @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>,
                    UnsafeMutablePointer<Float>, Range<Int>, WinogradPhase, UnsafeMutablePointer<Float>?) -> Void

/// UNet f64 @512's F(4x4) layers with C != K (the decoder's first convs; encoder.4.conv1).
func kernelF43CK(_ c: Int, _ k: Int, _ h: Int) -> PhasedKernel {
    switch (c, k, h) {
    case (512, 256, 32): return { i, o, w, s, r, ph, sh in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 512, outChannels: 256, height: 32, width: 32, blocks: r, phase: ph, sharedScratch: sh) }
    case (1024, 512, 16): return { i, o, w, s, r, ph, sh in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 1024, outChannels: 512, height: 16, width: 16, blocks: r, phase: ph, sharedScratch: sh) }
    case (512, 1024, 32): return { i, o, w, s, r, ph, sh in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 512, outChannels: 1024, height: 32, width: 32, blocks: r, phase: ph, sharedScratch: sh) }
    case (256, 256, 32): return { i, o, w, s, r, ph, sh in f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 256, outChannels: 256, height: 32, width: 32, blocks: r, phase: ph, sharedScratch: sh) }
    default: fatalError("no literal instantiation for \(c) -> \(k) @ \(h)")
    }
}

func kernelF63(_ c: Int, _ h: Int) -> Kernel {
    switch (c, h) {
    case (64, 256): return { i, o, w, s, r in f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 64, outChannels: 64, height: 256, width: 256, blocks: r) }
    case (128, 128): return { i, o, w, s, r in f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 128, outChannels: 128, height: 128, width: 128, blocks: r) }
    case (256, 64): return { i, o, w, s, r in f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 256, outChannels: 256, height: 64, width: 64, blocks: r) }
    case (32, 256): return { i, o, w, s, r in f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 32, outChannels: 32, height: 256, width: 256, blocks: r) }
    case (16, 256): return { i, o, w, s, r in f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 16, outChannels: 16, height: 256, width: 256, blocks: r) }
    case (64, 512): return { i, o, w, s, r in f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 64, outChannels: 64, height: 512, width: 512, blocks: r) }
    case (128, 256): return { i, o, w, s, r in f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 128, outChannels: 128, height: 256, width: 256, blocks: r) }
    case (256, 128): return { i, o, w, s, r in f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 256, outChannels: 256, height: 128, width: 128, blocks: r) }
    case (512, 64): return { i, o, w, s, r in f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: w, scratch: s, inChannels: 512, outChannels: 512, height: 64, width: 64, blocks: r) }
    default: fatalError("no literal instantiation for \(c) @ \(h)")
    }
}

func fmt(_ x: Double) -> String {
    let t = Int((x * 10).rounded())
    return "\(t / 10).\(t % 10)"
}

let args = CommandLine.arguments
let usage = "usage: wino-bench [reps (default 11)] [F43|F63|- (both)] [vgg|dec]"
if args.contains(where: { $0 == "-h" || $0 == "--help" }) { print(usage); exit(0) }
guard args.count <= 4, args.count < 2 || (Int(args[1]).map { $0 >= 1 } ?? false),
      args.count < 3 || ["F43", "F63", "-"].contains(args[2]), args.count < 4 || ["vgg", "dec"].contains(args[3]) else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
let reps = args.count > 1 ? Int(args[1])! : 11
let only = args.count > 2 && args[2] != "-" ? args[2] : ""
// Extra VGG-16 shapes at 512x512 input (blocks 1-3) and block 4 at 64x64 with a 3rd argument "vgg".
// "dec": UNet f64 @512's F(4x4) layers with C != K (the decoder's first convs, 32x32 and 16x16;
// encoder.4.conv1) and decoder.1.conv2, as (C, K, size).
let mode = args.count > 3 ? args[3] : ""
let configs: [(Int, Int, Int)] = mode == "vgg"
    ? [(64, 64, 512), (128, 128, 256), (256, 256, 128), (512, 512, 64)]
    : mode == "dec" ? [(512, 256, 32), (1024, 512, 16), (512, 1024, 32), (256, 256, 32)]
    : [(64, 64, 256), (128, 128, 128), (256, 256, 64), (32, 32, 256), (16, 16, 256)]
print("Winograd 3x3 conv + bias + ReLU, NCHWc8, \(reps) timed reps after 1 warm-up; GFLOP/s are")
print("direct-conv-equivalent (2*C*K*9*H*W). Each rep: a ~10 ms FMA-peak measurement, then the conv;")
print("'% peak' = median over reps of (conv GF/s / that rep's peak GF/s).")
print("'% peak CPU-time' (1 thread): the same ratio with both timed in this thread's CPU time.")
print("| kernel | conv | thr | peak GF/s (med) | conv GF/s med | min | max | % peak (med) | % peak CPU-time (med) | ms (med) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (ch, kch, hw) in configs where ProcessInfo.processInfo.environment["WB_C"].map({ Int($0) == ch }) ?? true {
    let shape = ActShape(channels: ch, height: hw, width: hw), outShape = ActShape(channels: kch, height: hw, width: hw)
    var rng: UInt64 = 1
    func rnd() -> Float { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Float(Int(rng >> 40) % 1000) / 1000 - 0.5 }
    let input = packNCHWc8((0..<(ch * hw * hw)).map { _ in rnd() }, shape)
    let weights = (0..<(kch * ch * 9)).map { _ in rnd() * 0.05 }
    let bias = [Float](repeating: 0.01, count: kch)
    // 64-byte aligned, as the runtime's arena and packed weights (AlignedFloats).
    let inBuf = AlignedFloats(input), outBuf = AlignedFloats(zeroed: outShape.count)
    for algo in ["F43", "F63"] where (only.isEmpty || only == algo) && (mode != "dec" || algo == "F43") {
        let f43 = algo == "F43"
        let packed = f43 ? winogradF43PackWeights(weights: weights, bias: bias, inChannels: ch, outChannels: kch)
                         : winogradF63PackWeights(weights: weights, bias: bias, inChannels: ch, outChannels: kch)
        let sc = f43 ? winogradF43ScratchCount(inChannels: ch, outChannels: kch, height: hw, width: hw)
                     : winogradF63ScratchCount(inChannels: ch, outChannels: kch, height: hw, width: hw)
        let nb = f43 ? winogradF43BlockCount(inChannels: ch, outChannels: kch, height: hw, width: hw)
                     : winogradF63BlockCount(inChannels: ch, outChannels: kch, height: hw, width: hw)
        let wBuf = AlignedFloats(packed), scratch = AlignedFloats(zeroed: sc * 2)
        let phased: PhasedKernel? = mode == "dec" ? kernelF43CK(ch, kch, hw) : nil
        let k: Kernel
        if let pk = phased {
            k = { i, o, w, s, r in pk(i, o, w, s, r, WinogradPhase.whole, nil) }
        } else {
            k = f43 ? kernelF43(ch, hw) : kernelF63(ch, hw)
        }
        // "2s": 2 threads, the input transform shared (`WinogradPhase`), where the layer runs so.
        let shares = phased != nil && winogradF43SharesTransform(inChannels: ch, outChannels: kch, height: hw, width: hw)
        let name = f43 ? "f32_conv3x3_winograd4x4_c8_6x16_relu_avx2" : "f32_conv3x3_winograd6x6_c8_6x16_relu_avx2"
        let flops = 2.0 * Double(ch * kch * 9 * hw * hw)
        let threadCounts: [Int] = ProcessInfo.processInfo.environment["WB_T"].map { [Int($0)!] } ?? [1, 2]
        var runs: [(threads: Int, shared: Bool)] = threadCounts.map { ($0, false) }
        if shares && threadCounts.contains(2) { runs.append((2, true)) }
        for (threads, shared) in runs {
            var gf = [Double](), peaks = [Double](), ratios = [Double](), cpuRatios = [Double]()
            do {
                nonisolated(unsafe) let i = UnsafePointer(inBuf.base), w = UnsafePointer(wBuf.base), o = outBuf.base, s = scratch.base
                for rep in 0..<(reps + 1) {
                    let peak = measurePeak(threads: threads)
                    let peakCPU = threads == 1 ? measurePeakCPU() : 0
                    let t0 = now(), c0 = cpuNow()
                    if threads == 1 {
                        k(i, o, w, s, 0..<nb)
                        if rep > 0 { cpuRatios.append(flops / (cpuNow() - c0) * 1e-9 / peakCPU) }
                    } else if shared, let pk = phased {
                        for ph in [WinogradPhase.transform, .gemm] {
                            DispatchQueue.concurrentPerform(iterations: 2) { t in pk(i, o, w, s + t * sc, t..<(t + 1), ph, s) }
                        }
                    } else {
                        DispatchQueue.concurrentPerform(iterations: 2) { t in
                            k(i, o, w, s + t * sc, t == 0 ? 0..<(nb / 2) : (nb / 2)..<nb)
                        }
                    }
                    let g = flops / (now() - t0) * 1e-9
                    if rep > 0 { gf.append(g); peaks.append(peak); ratios.append(g / peak) }   // rep 0: warm-up
                }
            }
            let med = median(gf)
            print("| \(name) | \(ch)->\(kch) @ \(hw)x\(hw) | \(threads)\(shared ? "s" : "") | \(fmt(median(peaks))) | \(fmt(med)) | \(fmt(gf.min()!)) | \(fmt(gf.max()!)) | \(fmt(100 * median(ratios)))% | \(threads == 1 ? fmt(100 * median(cpuRatios)) + "%" : "-") | \(String(format: "%.2f", flops / med * 1e-6)) |")
        }
    }
}
