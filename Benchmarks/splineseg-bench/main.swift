// splineseg-bench: times the spline grid evaluation Z = U C U^T against memory bandwidth.
// Run: swift run -c release splineseg-bench
import Dispatch
import Foundation
import SplineCore

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Median, min, max in microseconds of `repeats` timed calls (after a warm-up call).
func time(repeats: Int, _ body: () -> Void) -> (median: Double, min: Double, max: Double) {
    body()
    var t: [Double] = []
    t.reserveCapacity(repeats)
    for _ in 0..<repeats {
        let a = now()
        body()
        t.append(Double(now() - a) / 1000)
    }
    t.sort()
    return (t[t.count / 2], t[0], t[t.count - 1])
}

/// Writes `count` floats with SIMD16 stores (the memory-bound reference kernel).
@inline(never)
func fill(_ p: UnsafeMutablePointer<Float>, _ count: Int, _ v: Float) {
    let x = SIMD16<Float>(repeating: v)
    var j = 0
    while j &+ 16 <= count {
        UnsafeMutableRawPointer(p + j).storeBytes(of: x, as: SIMD16<Float>.self)
        j &+= 16
    }
    while j < count { p[j] = v; j &+= 1 }
}

func fmt(_ x: Double) -> String { String(format: "%.1f", x) }

// Write bandwidth: 256 MiB buffer, several passes, best pass.
let bigCount = 64 << 20  // floats = 256 MiB
let big = UnsafeMutablePointer<Float>.allocate(capacity: bigCount)
fill(big, bigCount, 0)  // fault pages in
var best = Double.infinity
for r in 0..<5 {
    let a = now()
    fill(big, bigCount, Float(r))
    best = min(best, Double(now() - a) / 1e9)
}
let bandwidth = Double(bigCount * 4) / best  // bytes/s
big.deallocate()
print("write bandwidth (SIMD16 stores, 256 MiB, best of 5): \(fmt(bandwidth / 1e9)) GB/s")

let cases: [(i: Int, o: Int, p: Int)] = [(512, 128, 1), (512, 64, 2)]
let repeats = 300
for c in cases {
    var rng = SystemRandomNumberGenerator()
    let coef = (0..<(c.o * c.o)).map { _ in Float.random(in: -1...1, using: &rng) }
    let spline = try ImplicitSpline(size: c.o, degree: c.p, coefficients: coef)
    let u = try Collocation(points: c.i, coefficients: c.o, degree: c.p)
    let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: c.i * c.i)
    let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: spline.scratchCount(columns: u))
    defer { out.deallocate(); scratch.deallocate() }
    let memBound = Double(c.i * c.i * 4) / bandwidth * 1e6
    let cached = time(repeats: repeats) { fill(out.baseAddress!, c.i * c.i, 1) }
    print("\nI=\(c.i) O=\(c.o) p=\(c.p)  (\(repeats) repeats, microseconds)")
    print("  memory-bound write of I*I floats at \(fmt(bandwidth / 1e9)) GB/s: \(fmt(memBound)) us")
    print("  direct write of an I*I float buffer (cache-resident): median \(fmt(cached.median)) min \(fmt(cached.min)) max \(fmt(cached.max))")
    // Pass 1 alone (O x W scratch) is about an evaluation with a single output row.
    let oneRow = try Collocation(points: 1, coefficients: c.o, degree: c.p)
    let pass1 = time(repeats: repeats) {
        try! spline.evaluate(into: out, rows: oneRow, columns: u, scratch: scratch, threads: 1)
    }
    print("  of which pass 1 (columns, O x W scratch), 1 thread: median \(fmt(pass1.median)) min \(fmt(pass1.min))")
    for threads in [1, 2] {
        let t = time(repeats: repeats) {
            try! spline.evaluate(into: out, rows: u, columns: u, scratch: scratch, threads: threads)
        }
        print("  evaluate, \(threads) thread(s): median \(fmt(t.median)) min \(fmt(t.min)) max \(fmt(t.max))"
            + "  ratio median/memory-bound \(String(format: "%.2f", t.median / memBound))"
            + "  ratio median/direct-write \(String(format: "%.2f", t.median / cached.median))")
    }
}
