// This machine's fp32 peak, measured in the same run as the models: a register-only loop of
// 12 independent SIMD8 FMAs (covers the 4-cycle latency on two FMA pipes), 16 FLOP each; on a
// CPU with AVX-512 the same loop on SIMD16 (`fmaPeakLoopAVX512`, 32 FLOP each), whose peak is
// twice as high on a CPU with full-width AVX-512 units (Zen 5).
import Dispatch
import SplineKernels
import SplineKernelsAVX512

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

@inline(never)
func fmaLoop(_ iters: Int, _ seed: Float) -> (Double, Float) {
    if cpuHasAVX512 {
        let t0 = now()
        let s = fmaPeakLoopAVX512(iters, seed)
        return (Double(iters) * 12 * 32 / (now() - t0) * 1e-9, s)
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

/// Best of 5 runs of the summed GFLOP/s of `threads` concurrent FMA loops (the best run is the
/// one least disturbed by other processes on a shared machine).
func peak(threads: Int) -> Double {
    var runs: [Double] = []
    for _ in 0..<5 {
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let (g, s) = fmaLoop(20_000_000, Float(t) * 1e-3)
            results[t] = g
            if s == 42 { sink.value = s }
        }
        runs.append(results.reduce(0, +))
    }
    return runs.max()!
}

func stats(_ xs: [Double]) -> (median: Double, min: Double, max: Double) {
    let s = xs.sorted()
    return (s[s.count / 2], s.first!, s.last!)
}
