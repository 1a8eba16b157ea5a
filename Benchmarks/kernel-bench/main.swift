// kernel-bench: GFLOP/s of the SplineKernels conv kernels vs the machine's measured
// FMA peak, 1 and 2 threads. Run: swift run -c release kernel-bench [repeats] [filter] [cpus]
// (cpus, e.g. 0,1: the 1-thread rows once pinned to each listed CPU, labelled `1T cpuN`; on this
// host one vCPU runs the load-heavy kernels up to 15 % slower than the other at the same FMA peak,
// a neighbour's doing, which also caps the 2-thread rows).
// Each row is `repeats` paired repetitions: a >= 2 ms batch of kernel calls and an FMA-peak
// burst of the same length on the same threads, back to back; the % is the median over
// repetitions of each batch's GFLOP/s over its own burst's (with p10 and p90). On this shared
// host the peak alone moves 1x-2x between seconds (another tenant takes a core at times) and
// a peak measured once per row, as before, put the same binary's 8->8 @128 at 74-94 %.
// Shapes are runtime values here; the generated model code passes literals. 2 threads run on
// the runtime's WorkerPool, what the models use (with DispatchQueue.concurrentPerform the same
// 64->64 @128 conv measured 70-77 % in runs where the pool gave 93-95 %). On this host the
// 2-thread rows are still tri-modal from run to run (another tenant takes a core at times):
// repeat the run and compare medians.
// Environment, for looking into the 2-thread rows: KB_PARTS=n splits each call into n parts
// (default `WorkerPool.parts` as the runtime splits the step: with 2 threads 2 parts under
// `WorkerPool.shortStepMACs`, else 8); KB_TRACE=1 prints, per 2-thread repetition,
// each thread's busy time per call (the sum of its parts), when the worker's first part began
// and when each thread's last part ended, from the call's start (microseconds, means over the
// batch). Against the 1-thread row's time this splits the 2-thread loss into the kernel
// running slower on each thread and the hand-off (worker start + end of the call); KB_ARC=1
// calls the kernels through a Swift closure on both threads (as before session 21) instead of
// through a raw pointer to their arguments.

import Dispatch
import Foundation
import CSpinHint
import SplineKernels
import SplineKernelsAVX512

let repeats = max(10, Int(CommandLine.arguments.dropFirst().first ?? "") ?? 11)

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// FLOP per round of the peak loop: 12 SIMD8 FMAs, or 12 SIMD16 ones on a CPU with AVX-512.
let peakFlopPerIter: Double = cpuHasAVX512 ? 12 * 32 : 12 * 16

/// Register-only FMA loop: 12 independent SIMD8 accumulators (enough to cover the
/// 4-cycle FMA latency on 2 pipes), 16 FLOP per FMA; SIMD16 (`fmaPeakLoopAVX512`) on a CPU
/// with AVX-512, whose peak is the machine's. Returns GFLOP/s of one thread.
@inline(never)
func fmaLoop(_ iters: Int, _ seed: Float) -> (Double, Float) {
    if cpuHasAVX512 {
        let t0 = now()
        let s = fmaPeakLoopAVX512(iters, seed)
        return (Double(iters) * peakFlopPerIter / (now() - t0) * 1e-9, s)
    }
    let a = SIMD8<Float>(repeating: seed), b = SIMD8<Float>(repeating: 0.999_99)
    var c0 = a, c1 = a + 1, c2 = a + 2, c3 = a + 3, c4 = a + 4, c5 = a + 5
    var c6 = a + 6, c7 = a + 7, c8 = a + 8, c9 = a + 9, c10 = a + 10, c11 = a + 11
    let t0 = now()
    for _ in 0..<iters {
        c0 = c0.addingProduct(a, b); c1 = c1.addingProduct(a, b); c2 = c2.addingProduct(a, b)
        c3 = c3.addingProduct(a, b); c4 = c4.addingProduct(a, b); c5 = c5.addingProduct(a, b)
        c6 = c6.addingProduct(a, b); c7 = c7.addingProduct(a, b); c8 = c8.addingProduct(a, b)
        c9 = c9.addingProduct(a, b); c10 = c10.addingProduct(a, b); c11 = c11.addingProduct(a, b)
    }
    let dt = now() - t0
    let sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11
    return (Double(iters) * 12 * 16 / dt * 1e-9, sum.sum())
}

final class Sink: @unchecked Sendable { var value: Float = 0 }
let sink = Sink()

struct Random {
    var state: UInt64
    mutating func next() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) * 1e-6
    }
}

func randomArray(_ n: Int, _ rng: inout Random) -> [Float] { (0..<n).map { _ in rng.next() } }

/// The runtime's thread pool (what FastEngine and the generated models split layers with),
/// without its fallback after stalls: a 2-thread row must time 2 threads, not the caller alone.
let pool2 = WorkerPool(threads: 2, fallsBackOnStall: false)

/// A row job for `WorkerPool.run` (a C function pointer: the closure travels in the context).
final class RowJob {
    let rows: Int
    let body: (Range<Int>, Int) -> Void
    /// A kernel call's arguments (trivial values only), for the 2-thread parts: they read it
    /// through a raw pointer, so no part retains or releases a shared object, as the generated
    /// model code's steps (their closures capture nothing and read a struct). Calling `body` on
    /// both threads retained the job and the closure's context, atomics on the same lines from
    /// both CPUs at every part's start and end: the first conv 1->8 @128 on 2 threads measured
    /// about 1 point of peak lower that way (`KB_ARC=1` still runs it, for comparison).
    let args: UnsafeMutablePointer<KernelArgs>?
    init(rows: Int, args: KernelArgs? = nil, body: @escaping (Range<Int>, Int) -> Void) {
        self.rows = rows
        self.body = body
        self.args = args.map { a in
            let p = UnsafeMutablePointer<KernelArgs>.allocate(capacity: 1)
            p.initialize(to: a)
            return p
        }
    }
    deinit { args?.deallocate() }
}

/// One kernel call of `bench`: which kernel and its pointers and shape.
struct KernelArgs {
    var op: Op
    var input, weights, bias: UnsafePointer<Float>
    var output: UnsafeMutablePointer<Float>
    var c, k, h, w: Int
    /// The fused first conv + conv + pools: first-conv weights, pooled outputs, one scratch slot
    /// of `scratchSlot` floats per part.
    var c1Weights: UnsafePointer<Float>? = nil
    var maxPooled: UnsafeMutablePointer<Float>? = nil, avgPooled: UnsafeMutablePointer<Float>? = nil
    var scratch: UnsafeMutablePointer<Float>? = nil
    var scratchSlot = 0
}

@inline(__always)
func runKernel(_ a: KernelArgs, rows: Range<Int>, part: Int) {
    switch a.op {
    case .c1conv3x3:
        f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_avx2(
            input: a.input, output: a.output, c1Weights: a.c1Weights!, weights: a.weights, bias: a.bias,
            scratch: a.scratch! + part &* a.scratchSlot, midChannels: a.c, outChannels: a.k, height: a.h, width: a.w, rows: rows)
    case .c1conv3x3pool:
        f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_pool2x2s2_avx2(
            input: a.input, output: a.output, maxPooled: a.maxPooled, avgPooled: a.avgPooled, c1Weights: a.c1Weights!,
            weights: a.weights, bias: a.bias, scratch: a.scratch! + part &* a.scratchSlot, midChannels: a.c, outChannels: a.k,
            height: a.h, width: a.w, rows: rows)
    case .conv3x3:
        f32_conv3x3_direct_c8_6x16_relu_avx2(a.input, a.output, weights: a.weights, bias: a.bias, channels: a.c, outChannels: a.k, height: a.h, width: a.w, rows: rows)
    case .conv3x3c1:
        f32_conv3x3c1_direct_p1c8_6x16_relu_avx2(a.input, a.output, weights: a.weights, bias: a.bias, outChannels: a.k, height: a.h, width: a.w, rows: rows)
    case .conv1x1:
        f32_conv1x1_gemm_c8_6x16_tanh_avx2(a.input, a.output, weights: a.weights, bias: a.bias, channels: a.c, outChannels: a.k, height: a.h, width: a.w, rows: rows)
    case .convt2x2:
        f32_convt2x2s2_gemm_c8_6x16_avx2(a.input, a.output, weights: a.weights, bias: a.bias, channels: a.c, outChannels: a.k, height: a.h, width: a.w, rows: rows)
    }
}

/// The thread that calls the pool (main.swift's globals are set in order, on the main thread).
let mainThread = pthread_self()

/// KB_TRACE: per call, slot 0 the caller's and slot 1 the worker's busy nanoseconds, first
/// part start and last part end (from the call's start); one 64-byte line per thread.
struct Trace {
    static let on = ProcessInfo.processInfo.environment["KB_TRACE"] != nil
    nonisolated(unsafe) static var active = false
    nonisolated(unsafe) static var start: UInt64 = 0
    nonisolated(unsafe) static let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: 16)
    /// Sums over the batch: caller busy, worker busy, worker first start, caller end, worker end, call, calls.
    nonisolated(unsafe) static var sums = [Double](repeating: 0, count: 7)

    static func part(_ t0: UInt64, _ t1: UInt64) {
        let s = slots + (pthread_equal(pthread_self(), mainThread) != 0 ? 0 : 8)
        s[0] &+= t1 &- t0
        if s[1] == 0 { s[1] = t0 &- start &+ 1 }
        s[2] = t1 &- start
    }

    static func endCall(_ t: UInt64) {
        for (i, v) in [slots[0], slots[8], slots[9] &- 1, slots[2], slots[10], t &- start].enumerated() { sums[i] += Double(v) }
        sums[6] += 1
        slots.update(repeating: 0, count: 16)
    }

    static func report() {
        let n = max(sums[6], 1) * 1e3
        print(String(format: "  trace: busy caller %.2f worker %.2f us; worker first part at %.2f; last part end caller %.2f worker %.2f; call %.2f us",
                     sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, sums[4] / n, sums[5] / n))
        sums = [Double](repeating: 0, count: 7)
    }
}

/// Runs `body(rows)` once on `threads` threads, the output rows split into
/// `WorkerPool.parts` parts as the runtime splits them (2 threads: 2 parts for a step under `WorkerPool.shortStepMACs`, else 8).
let kbARC = ProcessInfo.processInfo.environment["KB_ARC"] != nil
func runOnce(_ job: RowJob, parts: Int, threads: Int) {
    if threads == 1 { job.body(0..<job.rows, 0); return }
    if Trace.active { Trace.start = DispatchTime.now().uptimeNanoseconds }
    if let args = job.args, !kbARC {
        pool2.run(parts: parts, context: UnsafeMutableRawPointer(args)) { ctx, p, n in
            let a = ctx.unsafelyUnwrapped.assumingMemoryBound(to: KernelArgs.self).pointee
            let units = a.op == .c1conv3x3pool ? a.h / 2 : a.h   // pooled rows
            if !Trace.active { runKernel(a, rows: rowRange(rows: units, part: p, of: n), part: p); return }
            let t0 = DispatchTime.now().uptimeNanoseconds
            runKernel(a, rows: rowRange(rows: units, part: p, of: n), part: p)
            Trace.part(t0, DispatchTime.now().uptimeNanoseconds)
        }
        if Trace.active { Trace.endCall(DispatchTime.now().uptimeNanoseconds) }
        return
    }
    withExtendedLifetime(job) {
        pool2.run(parts: parts, context: Unmanaged.passUnretained(job).toOpaque()) { ctx, p, n in
            let job = Unmanaged<RowJob>.fromOpaque(ctx!).takeUnretainedValue()
            if !Trace.active { job.body(rowRange(rows: job.rows, part: p, of: n), p); return }
            let t0 = DispatchTime.now().uptimeNanoseconds
            job.body(rowRange(rows: job.rows, part: p, of: n), p)
            Trace.part(t0, DispatchTime.now().uptimeNanoseconds)
        }
    }
    if Trace.active { Trace.endCall(DispatchTime.now().uptimeNanoseconds) }
}

/// The FMA loop on the same threads as the kernel (`threads` parts on `pool2`), `iters` per
/// thread; returns the summed GFLOP/s over the burst's wall time.
func peakBurst(threads: Int, iters: Int) -> Double {
    let job = RowJob(rows: threads) { r, _ in
        let (_, s) = fmaLoop(iters, Float(r.lowerBound) * 1e-3)
        if s == 42 { sink.value = s }
    }
    let t0 = now()
    runOnce(job, parts: threads, threads: threads)  // part p runs the loop once, as "row" p
    return Double(threads * iters) * peakFlopPerIter / (now() - t0) * 1e-9
}

/// `repeats` paired repetitions: a batch of `calls` kernel calls (>= 2 ms in all) and an FMA-peak
/// burst of about the same length on the same threads, back to back (order swapped every other
/// repetition). Returns seconds per call and, per repetition, the kernel's GFLOP/s over that
/// repetition's peak: the ratio of two measurements milliseconds apart, so clock changes and
/// other tenants that come and go over seconds cancel out of it.
func pairedRuns(rows: Int, threads: Int, flop: Double, args: KernelArgs, _ body: @escaping (Range<Int>, Int) -> Void)
    -> (times: [Double], ratios: [Double], peaks: [Double]) {
    let job = RowJob(rows: rows, args: args, body: body)
    let parts = ProcessInfo.processInfo.environment["KB_PARTS"].flatMap { Int($0) }.map { max(1, min($0, rows)) }
        ?? pool2.parts(units: rows, macs: Int(flop / 2))
    runOnce(job, parts: parts, threads: threads)  // warm-up
    var t0 = now()
    runOnce(job, parts: parts, threads: threads)
    let single = max(now() - t0, 1e-6)
    let calls = max(1, Int((2e-3 / single).rounded(.up)))
    // ~100 GFLOP/s per thread: a burst about as long as the batch.
    let iters = max(50_000, Int(single * Double(calls) * 100e9 / 192))  // the same length with SIMD16 (2x the FLOP at 2x the rate)
    var times: [Double] = [], ratios: [Double] = [], peaks: [Double] = []
    for r in 0..<repeats {
        var pk = 0.0
        if r % 2 == 0 { pk = peakBurst(threads: threads, iters: iters) }
        t0 = now()
        Trace.active = Trace.on && threads == 2
        for _ in 0..<calls { runOnce(job, parts: parts, threads: threads) }
        let t = (now() - t0) / Double(calls)
        if Trace.active { Trace.active = false; Trace.report() }
        if r % 2 == 1 { pk = peakBurst(threads: threads, iters: iters) }
        times.append(t)
        peaks.append(pk)
        ratios.append(flop / t * 1e-9 / pk)
    }
    return (times, ratios, peaks)
}

func quantile(_ xs: [Double], _ q: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int((Double(s.count - 1) * q).rounded()))]
}

/// c1conv3x3pool: the fused first conv (1 -> c) + direct conv (c -> k) + both 2x2 pools, the built-in
/// model's first step; its rows are pooled rows. c1conv3x3: the same without the pools.
enum Op { case conv3x3, conv3x3c1, conv1x1, convt2x2, c1conv3x3, c1conv3x3pool }

func bench(_ name: String, _ op: Op, c: Int, k: Int, h: Int, w: Int) {
    var rng = Random(state: 12345)
    let taps = op == .conv1x1 ? 1 : op == .convt2x2 ? 4 : 9
    let packed: PackedConv
    switch op {
    case .conv3x3, .c1conv3x3, .c1conv3x3pool: packed = try! packConv3x3(weights: randomArray(k * c * 9, &rng), bias: randomArray(k, &rng), outChannels: k, channels: c)
    case .conv3x3c1: packed = try! packConv3x3C1(weights: randomArray(k * 9, &rng), bias: randomArray(k, &rng), outChannels: k)
    case .conv1x1: packed = try! packConv1x1(weights: randomArray(k * c, &rng), bias: randomArray(k, &rng), outChannels: k, channels: c)
    case .convt2x2: packed = try! packConvTranspose2x2(weights: randomArray(k * c * 4, &rng), bias: randomArray(k, &rng), channels: c, outChannels: k)
    }
    let inShape = ActShape(channels: c, height: h, width: w)
    let outShape = op == .convt2x2 ? ActShape(channels: k, height: 2 * h, width: 2 * w) : ActShape(channels: k, height: h, width: w)
    // conv3x3c1 reads the network input plane (PlaneShape), the others NCHWc8.
    let fused = op == .c1conv3x3pool || op == .c1conv3x3
    let input = op == .conv3x3c1 || fused
        ? packPlane(randomArray(h * w, &rng), PlaneShape(height: h, width: w)) : packNCHWc8(randomArray(c * h * w, &rng), inShape)
    // 64-byte aligned, as the runtime's arena and packed weights: a Swift array's floats start 16
    // or 48 bytes into a cache line, which splits every 16-float load and store of the AVX-512 tiles.
    let inBuf = AlignedFloats(input), wBuf = AlignedFloats(packed.weights), bBuf = AlignedFloats(packed.bias)
    let outBuf = AlignedFloats(zeroed: outShape.count)
    let flop = 2.0 * Double(k * c * taps * h * w) + (fused ? 2.0 * Double(c * 9 * h * w) : 0)
    let c1Buf = AlignedFloats(fused ? try! packConv3x3C1Direct(weights: randomArray(c * 9, &rng), bias: randomArray(c, &rng), midChannels: c) : [0])
    let half = fused ? ActShape(channels: k, height: h / 2, width: w / 2).count : 1
    let maxBuf = AlignedFloats(zeroed: half), avgBuf = AlignedFloats(zeroed: half)
    let slot = fused ? c1DirectScratchCount(midChannels: c, width: w) : 0
    let scratchBuf = AlignedFloats(zeroed: max(1, 2 * slot))
    let configs: [(threads: Int, cpu: Int?)] = pinCPUs.isEmpty ? [(1, nil), (2, nil)] : pinCPUs.map { (1, $0) } + [(2, nil)]
    for (threads, cpu) in configs {
        if let cpu { pin([cpu]) }
        defer { if cpu != nil { pin(Array(0..<ProcessInfo.processInfo.activeProcessorCount)) } }
        nonisolated(unsafe) let i = UnsafePointer(inBuf.base), wt = UnsafePointer(wBuf.base), b = UnsafePointer(bBuf.base), o = outBuf.base
        var args = KernelArgs(op: op, input: i, weights: wt, bias: b, output: o, c: c, k: k, h: h, w: w)
        if fused {
            args.c1Weights = UnsafePointer(c1Buf.base)
            (args.maxPooled, args.avgPooled, args.scratch, args.scratchSlot) = (maxBuf.base, avgBuf.base, scratchBuf.base, slot)
        }
        let frozen = args
        let run = pairedRuns(rows: op == .c1conv3x3pool ? h / 2 : h, threads: threads, flop: flop, args: args) { rows, part in
            runKernel(frozen, rows: rows, part: part)
        }
        let s = (median: quantile(run.times, 0.5), min: quantile(run.times, 0))
        print(
            String(
                format: "%-44@ %@  %7.3f ms (min %7.3f)  %6.1f GFLOP/s  %5.1f%% (p10 %5.1f p90 %5.1f) of %5.1f peak  min-time %5.1f%%",
                "\(name) \(c)->\(k) \(h)x\(w)" as NSString, "\(threads)T\(cpu.map { " cpu\($0)" } ?? "")" as NSString, s.median * 1e3, s.min * 1e3, flop / s.median * 1e-9,
                100 * quantile(run.ratios, 0.5), 100 * quantile(run.ratios, 0.1), 100 * quantile(run.ratios, 0.9),
                quantile(run.peaks, 0.5), 100 * flop / s.min * 1e-9 / quantile(run.peaks, 0.5)))
    }
    if outBuf.base[outShape.offset(channel: 0, y: 0, x: 0)] == 12345 { print("") }
}

print("kernel-bench: \(repeats) paired repetitions per row (a >= 2 ms batch of calls + an FMA-peak burst as long,")
print("on the same threads); ms per call: median (min); % of peak: median (p10, p90) over repetitions of the")
print("batch's GFLOP/s / its own burst's GFLOP/s; peak = median burst (12-accumulator FMA loop); min-time: the")
print("fastest batch against the median peak (what the kernel does when the host leaves it alone)")
let only = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : ""
let pinCPUs = CommandLine.arguments.count > 3 ? CommandLine.arguments[3].split(separator: ",").compactMap { Int($0) } : []

/// Pins the calling (main) thread to `cpus`; the pool's worker stays where it is.
func pin(_ cpus: [Int]) {
    let list = cpus.map { Int32($0) }
    if splineseg_set_cpus(list, Int32(list.count)) == 0 { print("kernel-bench: could not pin to CPUs \(cpus)") }
}
let cases: [(String, Op, Int, Int, Int, Int)] = [
    ("f32_conv3x3_direct_c8_6x16_relu_avx2", .conv3x3, 64, 64, 128, 128),
    ("f32_conv3x3_direct_c8_6x16_relu_avx2", .conv3x3, 16, 16, 256, 256),
    ("f32_conv3x3_direct_c8_6x16_relu_avx2", .conv3x3, 128, 128, 64, 64),
    ("f32_conv3x3_direct_c8_6x16_relu_avx2", .conv3x3, 256, 256, 32, 32),
    // The direct layers of the built-in model (UNet d4 b4 f8 @128): 8-channel outputs.
    ("f32_conv3x3_direct_c8_6x16_relu_avx2", .conv3x3, 8, 8, 128, 128),
    ("f32_conv3x3_direct_c8_6x16_relu_avx2", .conv3x3, 8, 16, 64, 64),
    ("f32_conv3x3_direct_c8_6x16_relu_avx2", .conv3x3, 16, 8, 64, 64),
    ("f32_conv3x3_direct_c8_6x16_relu_avx2", .conv3x3, 8, 8, 64, 64),
    ("f32_conv3x3c1_direct_p1c8_6x16_relu_avx2", .conv3x3c1, 1, 16, 256, 256),
    ("f32_conv3x3c1_direct_p1c8_6x16_relu_avx2", .conv3x3c1, 1, 8, 128, 128),   // built-in model's first layer
    // The built-in model's first step since session 22: that layer fused into the next (8 -> 8) and its pools.
    ("f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_avx2", .c1conv3x3, 8, 8, 128, 128),
    ("f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_pool2x2s2_avx2", .c1conv3x3pool, 8, 8, 128, 128),
    ("f32_conv1x1_gemm_c8_6x16_tanh_avx2", .conv1x1, 256, 16, 128, 128),
    ("f32_conv1x1_gemm_c8_6x16_tanh_avx2", .conv1x1, 256, 16, 16, 16),
    ("f32_conv1x1_gemm_c8_6x16_tanh_avx2", .conv1x1, 256, 64, 128, 128),
    ("f32_convt2x2s2_gemm_c8_6x16_avx2", .convt2x2, 128, 64, 64, 64),
    // The built-in model's four transposed convs (input sizes; 8 -> 4 output channels per step).
    ("f32_convt2x2s2_gemm_c8_6x16_avx2", .convt2x2, 128, 64, 4, 4),
    ("f32_convt2x2s2_gemm_c8_6x16_avx2", .convt2x2, 64, 32, 8, 8),
    ("f32_convt2x2s2_gemm_c8_6x16_avx2", .convt2x2, 32, 16, 16, 16),
    ("f32_convt2x2s2_gemm_c8_6x16_avx2", .convt2x2, 16, 8, 32, 32),
]
for (name, op, c, k, h, w) in cases where only.isEmpty || "\(name) \(c)->\(k)".contains(only) {
    bench(name, op, c: c, k: k, h: h, w: w)
}
