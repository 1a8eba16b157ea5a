// model-bench: per-slice latency of whole models (batch 1) on random weights, 1 and 2 threads,
// with GFLOP/s (2 x conv MACs / time) and % of this machine's fp32 peak measured in the same
// run; the reference engine on the smallest model; and heap allocations per inference.
// GFLOP/s counts direct-convolution FLOPs also for Winograd layers (which do fewer), so "fast"
// can exceed 100% of the FMA peak. "*" after the engine: a generated function ran the network.
//
//   swift run -c release model-bench [--runs N] [--filter TEXT] [--alloc-runs N] [--no-direct]
//   model-bench --spec M.json --input X.f32 ...   one model, for tools/bench_peers.py (SingleModel.swift)
//   swift run -c release model-bench --threads-ab ROUNDS [--filter TEXT]
//   swift run -c release model-bench --pool    (WorkerPool hand-off cost, PoolBench.swift)
//
// --threads-ab: 1 against 2 threads measured side by side (fast engine only): per round, a block
// of runs of each engine in alternating order (ABBA), ~20 ms per block; reports the per-run
// time of each thread count and the per-round ratio T2/T1, median (min max) over the rounds,
// for the built-in model (generated code and dynamic executor) and the filtered configs.
//
// Latency = FastEngine.run on an I x I slice: preprocessing into the arena, the network, the
// coefficients, and the spline on the native I x I grid. "fast" uses the default plan (Winograd
// where the plan picks it), "direct" direct convolutions only. Timings on a shared machine are
// noisy: compare rows of the same run.
import CMallocCounter
import Foundation
import SplineModel
import SplineSeg

var runs = 20, allocRuns = 1000, filter = "", withDirect = true, abRounds = 0
var specPath: String?, inputPath: String?, referencePath: String?, singleThreads = 2, profile = false, serve = false
var args = Array(CommandLine.arguments.dropFirst())
while !args.isEmpty {
    let a = args.removeFirst()
    switch a {
    case "--spec": specPath = args.removeFirst()
    case "--profile": profile = true
    case "--serve": serve = true
    case "--input": inputPath = args.removeFirst()
    case "--reference": referencePath = args.removeFirst()
    case "--threads": singleThreads = max(1, Int(args.removeFirst()) ?? 2)
    case "--runs": runs = max(1, Int(args.removeFirst()) ?? runs)
    case "--alloc-runs": allocRuns = max(1, Int(args.removeFirst()) ?? allocRuns)
    case "--filter": filter = args.removeFirst()
    case "--no-direct": withDirect = false
    case "--threads-ab": abRounds = max(1, Int(args.removeFirst()) ?? 1)
    case "--pool": poolBench(calls: 2000); exit(0)
    default:
        print("usage: model-bench [--runs N] [--filter TEXT] [--alloc-runs N] [--no-direct] [--threads-ab ROUNDS] [--pool]")
        print("       model-bench --spec M.json --input X.f32 [--reference R.f32] [--threads T] [--runs N] [--profile | --serve]")
        exit(2)
    }
}
if let spec = specPath {
    guard let input = inputPath else { print("model-bench: --spec needs --input X.f32"); exit(2) }
    do {
        if profile {
            try profileModel(spec: spec, input: input, threads: singleThreads, runs: runs)
        } else {
            try singleModel(spec: spec, input: input, reference: referencePath, threads: singleThreads, runs: runs, serve: serve)
        }
    } catch {
        let obj = ["status": "failed", "error": "\(error)"]
        print("RESULT " + String(decoding: try! JSONSerialization.data(withJSONObject: obj), as: UTF8.self))
    }
    exit(0)
}

let configs = [
    ModelConfig(label: "VGG-Implicit1", architecture: "vgg-implicit1", input: 512),
    ModelConfig(label: "VGG-Implicit2", architecture: "vgg-implicit2", input: 512),
    ModelConfig(label: "UNet(d4,b8,f64)", architecture: "unet-implicit", input: 512, depth: 4, bottleneck: 8, filters: 64),
    ModelConfig(label: "UNet(d4,b8,f32)", architecture: "unet-implicit", input: 512, depth: 4, bottleneck: 8, filters: 32),
    ModelConfig(label: "UNet(d4,b8,f16)", architecture: "unet-implicit", input: 512, depth: 4, bottleneck: 8, filters: 16),
    ModelConfig(label: "UNet(d4,b4,f16)", architecture: "unet-implicit", input: 256, depth: 4, bottleneck: 4, filters: 16),
    ModelConfig(label: "UNet(d4,b4,f8)", architecture: "unet-implicit", input: 128, depth: 4, bottleneck: 4, filters: 8),
].filter { filter.isEmpty || $0.label.contains(filter) }

func slice(_ n: Int) -> [Float] {
    var rng = SplitMix(state: 7)
    return (0..<(n * n)).map { _ in Float(255 * rng.next()) }
}

/// Heap allocations (malloc interposer) and the change of heap in use over `runs` calls of
/// `body`, after 3 warm-up calls (the first call for an image size sizes the reused buffers).
func countAllocations(runs: Int, _ body: () throws -> Void) rethrows -> (count: UInt64, heap: Int64) {
    for _ in 0..<3 { try body() }
    let heap0 = malloc_counter_heap_in_use(), m0 = malloc_counter_count()
    for _ in 0..<runs { try body() }
    let m1 = malloc_counter_count(), heap1 = malloc_counter_heap_in_use()
    return (UInt64(m1 - m0), Int64(heap1) - Int64(heap0))
}

func time(_ n: Int, _ body: () throws -> Void) rethrows -> (median: Double, min: Double, max: Double) {
    try body()  // warm-up (first run sizes the reusable buffers)
    var t: [Double] = []
    for _ in 0..<n {
        let t0 = now()
        try body()
        t.append(now() - t0)
    }
    return stats(t)
}

/// 1 against 2 threads side by side: `rounds` rounds of one block of runs per engine (ABBA order).
func threadsAB(_ label: String, _ e1: FastEngine, _ e2: FastEngine, _ pixels: [Float], _ n: Int, rounds: Int) throws {
    for _ in 0..<3 { try e1.run(pixels: pixels, width: n, height: n); try e2.run(pixels: pixels, width: n, height: n) }
    let t0 = now()
    try e1.run(pixels: pixels, width: n, height: n)
    let block = max(1, min(200, Int(0.02 / max(now() - t0, 1e-6))))
    func timeBlock(_ e: FastEngine) throws -> Double {
        let t = now()
        for _ in 0..<block { try e.run(pixels: pixels, width: n, height: n) }
        return (now() - t) / Double(block)
    }
    var t1: [Double] = [], t2: [Double] = [], ratio: [Double] = []
    for r in 0..<rounds {
        let a: Double, b: Double
        if r % 2 == 0 { a = try timeBlock(e1); b = try timeBlock(e2) } else { b = try timeBlock(e2); a = try timeBlock(e1) }
        t1.append(a); t2.append(b); ratio.append(b / a)
    }
    let s1 = stats(t1), s2 = stats(t2), sr = stats(ratio)
    print(pad(label, 24) + String(format: " %4d %9.3f %7.3f %7.3f %9.3f %7.3f %7.3f   %5.3f %5.3f %5.3f", block,
                                  1e3 * s1.median, 1e3 * s1.min, 1e3 * s1.max, 1e3 * s2.median, 1e3 * s2.min,
                                  1e3 * s2.max, sr.median, sr.min, sr.max))
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

if abRounds > 0 {
    print("model-bench --threads-ab: \(abRounds) rounds of (block of runs with 1 thread, block with 2 threads), ABBA;")
    print("ms per run, median (min max) over rounds; ratio = T2/T1 per round, median (min max)\n")
    print(pad("model", 24) + " runs   1T med     min     max    2T med     min     max   ratio   min   max")
    if filter.isEmpty || "la-unet-d4b4f8-i128".contains(filter), SplineSegModel.builtInNames.contains("la-unet-d4b4f8-i128") {
        let model = try SplineSegModel.builtIn(name: "la-unet-d4b4f8-i128")
        let n = model.spec.input
        for generated in [true, false] {
            let e1 = try FastEngine(model: model, threads: 1, allowGenerated: generated)
            let e2 = try FastEngine(model: model, threads: 2, allowGenerated: generated)
            try threadsAB("built-in i128 " + (e1.usesGeneratedCode ? "generated" : "dynamic"), e1, e2, slice(n), n, rounds: abRounds)
        }
    }
    for c in configs {
        let model = try c.load(seed: 1)
        let e1 = try FastEngine(model: model, threads: 1), e2 = try FastEngine(model: model, threads: 2)
        try threadsAB(c.label + " \(c.input)", e1, e2, slice(c.input), c.input, rounds: abRounds)
    }
    exit(0)
}

print("model-bench: \(runs) runs per row (after 1 warm-up); ms median (min max); GFLOP/s = 2 x conv MACs / median;")
print("peak = 12-accumulator FMA loop measured right before each model with the same thread count\n")
print(pad("model", 17) + "    I   GFLOP engine  T    median       min       max  GFLOP/s  %peak   arena")
var smallest: SplineSegModel?
for c in configs {
    let model = try c.load(seed: 1)
    let flop = 2 * Double(model.plan.macs) * 1e-9
    let pixels = slice(c.input)
    for threads in [1, 2] {
        let pk = peak(threads: threads)
        for engineName in withDirect ? ["fast", "direct"] : ["fast"] {
            let e = try FastEngine(model: model, threads: threads, algorithms: engineName == "fast" ? nil : .direct)
            let s = try time(runs) { try e.run(pixels: pixels, width: c.input, height: c.input) }
            let g = flop / s.median
            print(pad(c.label, 17) + String(format: " %4d %7.2f ", c.input, flop)
                  + pad(engineName + (e.usesGeneratedCode ? "*" : ""), 6)
                  + String(format: " %2d %9.2f %9.2f %9.2f %8.1f %5.1f%% %6.1fM", threads, 1e3 * s.median, 1e3 * s.min,
                           1e3 * s.max, g, 100 * g / pk, Double(e.plan.arenaBytes(threads: threads)) / 1048576))
        }
        print(pad("  (FMA peak)", 17) + String(format: "                     %2d                               %8.1f", threads, pk))
    }
    if c.label == "UNet(d4,b4,f8)" { smallest = model }
}

// The committed generated code (the built-in model) against the dynamic executor.
if filter.isEmpty || "la-unet-d4b4f8-i128".contains(filter), SplineSegModel.builtInNames.contains("la-unet-d4b4f8-i128") {
    let model = try SplineSegModel.builtIn(name: "la-unet-d4b4f8-i128")
    let n = model.spec.input, pixels = slice(n)
    print("\ngenerated code vs dynamic executor, built-in la-unet-d4b4f8-i128 (I = \(n), same plan, bitwise equal):")
    for threads in [1, 2] {
        for generated in [true, false] {
            let e = try FastEngine(model: model, threads: threads, allowGenerated: generated)
            let s = try time(runs) { try e.run(pixels: pixels, width: n, height: n) }
            print(String(format: "  %@, %d thread(s): %.3f ms median (min %.3f max %.3f)",
                         e.usesGeneratedCode ? "generated" : "dynamic  ", threads, 1e3 * s.median, 1e3 * s.min, 1e3 * s.max))
        }
    }
}

if let model = smallest {
    let n = model.spec.input, pixels = slice(n)
    print("\nreference engine (plain CHW), \(model.spec.name), I = \(n):")
    for threads in [1, 2] {
        let seg = try Segmenter(model: model, threads: threads, engine: .reference)
        let s = try time(max(3, runs / 4)) { _ = try seg.segment(pixels: pixels, width: n, height: n) }
        let g = 2 * Double(model.plan.macs) * 1e-9 / s.median
        print(String(format: "  %d thread(s): %.2f ms median (min %.2f max %.2f), %.2f GFLOP/s", threads, 1e3 * s.median,
                     1e3 * s.min, 1e3 * s.max, g))
    }

    print("\nheap allocations (malloc/calloc/realloc/memalign counted by an interposer, \(allocRuns) runs after 3 warm-ups):")
    if malloc_counter_available() == 0 { print("  (interposer unavailable on this platform: counts read 0)") }
    for threads in [1, 2] {
        let e = try FastEngine(model: model, threads: threads)
        let a = try countAllocations(runs: allocRuns) { try e.run(pixels: pixels, width: n, height: n) }
        print(String(format: "  FastEngine.run, %d thread(s): %llu allocations in %d runs (%.3f per run); heap in use %+lld bytes",
                     threads, a.count, allocRuns, Double(a.count) / Double(allocRuns), a.heap))
        // The dynamic executor (PlanExecutor), which runs every model without generated code.
        let d = try FastEngine(model: model, threads: threads, allowGenerated: false)
        let ad = try countAllocations(runs: allocRuns) { try d.run(pixels: pixels, width: n, height: n) }
        print(String(format: "  FastEngine.run without generated code, %d thread(s): %llu allocations in %d runs (%.3f per run); heap in use %+lld bytes",
                     threads, ad.count, allocRuns, Double(ad.count) / Double(allocRuns), ad.heap))
        let seg = try Segmenter(model: model, threads: threads)
        _ = try seg.segment(pixels: pixels, width: n, height: n)
        let s0 = malloc_counter_count()
        for _ in 0..<100 { _ = try seg.segment(pixels: pixels, width: n, height: n) }
        print(String(format: "  Segmenter.segment (returns new coefficient/value/mask arrays), %d thread(s): %.1f allocations per call",
                     threads, Double(malloc_counter_count() - s0) / 100))
    }
    // A native grid of FastEngine.parallelGridPixels or more: 2 threads evaluate the spline on
    // the worker pool (before session 13: DispatchQueue.concurrentPerform, which allocates).
    let big = 1100, bigPixels = slice(big), bigRuns = max(1, allocRuns / 10)
    for threads in [1, 2] {
        let e = try FastEngine(model: model, threads: threads)
        let a = try countAllocations(runs: bigRuns) { try e.run(pixels: bigPixels, width: big, height: big) }
        let t = try time(bigRuns) { try e.run(pixels: bigPixels, width: big, height: big) }
        print(String(format: "  FastEngine.run, %dx%d slice (spline split over threads), %d thread(s): %llu allocations in %d runs (%.3f per run); heap in use %+lld bytes; %.2f ms median (min %.2f)",
                     big, big, threads, a.count, bigRuns, Double(a.count) / Double(bigRuns), a.heap,
                     1e3 * t.median, 1e3 * t.min))
    }
}
