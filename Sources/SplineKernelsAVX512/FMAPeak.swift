// The fp32 peak of an AVX-512 machine, for the benchmarks' "% of peak": 12 independent SIMD16
// FMA chains (covers a 4-cycle latency on two FMA pipes), 32 FLOP per FMA. On a CPU with
// full-width AVX-512 this is twice the AVX2 loop's figure, and it is the machine's peak.

/// Runs `iters` rounds of 12 SIMD16 FMAs; returns a value that depends on every one (so the
/// loop is not optimised away). FLOP: iters * 12 * 32. Call only where `cpuHasAVX512`.
@inline(never)
public func fmaPeakLoopAVX512(_ iters: Int, _ seed: Float) -> Float {
    let a = SIMD16<Float>(repeating: seed), b = SIMD16<Float>(repeating: 0.999_99)
    var c0 = a, c1 = a + 1, c2 = a + 2, c3 = a + 3, c4 = a + 4, c5 = a + 5
    var c6 = a + 6, c7 = a + 7, c8 = a + 8, c9 = a + 9, c10 = a + 10, c11 = a + 11
    for _ in 0..<iters {
        c0 = c0.addingProduct(a, b); c1 = c1.addingProduct(a, b); c2 = c2.addingProduct(a, b)
        c3 = c3.addingProduct(a, b); c4 = c4.addingProduct(a, b); c5 = c5.addingProduct(a, b)
        c6 = c6.addingProduct(a, b); c7 = c7.addingProduct(a, b); c8 = c8.addingProduct(a, b)
        c9 = c9.addingProduct(a, b); c10 = c10.addingProduct(a, b); c11 = c11.addingProduct(a, b)
    }
    let sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11
    return sum.sum()
}
