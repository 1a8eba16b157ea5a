/// Sum of f(0), ..., f(n - 1) in NumPy's pairwise order (`DOUBLE_pairwise_sum` in
/// numpy/_core/src/umath/loops_utils.h.src, which `np.add.reduce`, `mean` and `std` use on a
/// contiguous float64 array): under 8 terms one running sum from 0; up to 128 terms 8 strided
/// accumulators combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest
/// one by one; above, the two halves (the first a multiple of 8 long) summed recursively.
/// The preprocessing's z-score uses it so that its mean and std are those of
/// tools/splineseg_train/preprocess.py bit for bit (checked against NumPy in PreprocessTests),
/// and the 8 independent accumulators are several times faster than one running sum.
@inline(__always)
func numpyPairwiseSum(count n: Int, _ f: (Int) -> Double) -> Double {
    pairwiseRange(0, n, f)
}

private func pairwiseRange(_ lo: Int, _ n: Int, _ f: (Int) -> Double) -> Double {
    if n < 8 {
        var res = 0.0
        for i in lo..<(lo + n) { res += f(i) }
        return res
    }
    if n <= 128 {
        // r[j] += f(lo + i + j) for each 8-term group: lane-wise adds, the same bits as 8 scalars.
        var r = SIMD8<Double>(f(lo), f(lo + 1), f(lo + 2), f(lo + 3), f(lo + 4), f(lo + 5), f(lo + 6), f(lo + 7))
        var i = 8
        let end = n - n % 8
        while i < end {
            let b = lo + i
            r += SIMD8<Double>(f(b), f(b + 1), f(b + 2), f(b + 3), f(b + 4), f(b + 5), f(b + 6), f(b + 7))
            i += 8
        }
        var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n {
            res += f(lo + i)
            i += 1
        }
        return res
    }
    var n2 = n / 2
    n2 -= n2 % 8
    return pairwiseRange(lo, n2, f) + pairwiseRange(lo + n2, n - n2, f)
}
