import Foundation

/// Monotonic clock in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// Per-frame latency summary in constant memory (a stream may run for days): latencies go into
/// log-spaced buckets 1% wide, so median and p99 are exact to within 1% and the maximum is exact.
struct LatencyStats {
    private static let ratio = 1.01
    private static let bucketCount = 2400  // 1 µs ... 1.01^2400 µs (far beyond any frame)
    private var buckets = [UInt32](repeating: 0, count: bucketCount)
    private(set) var count = 0
    private(set) var maxNanoseconds: UInt64 = 0
    private var firstArrival: UInt64?
    private var lastDone: UInt64 = 0

    /// Records one frame: read completely at `arrival`, its output written at `done`.
    mutating func record(arrival: UInt64, done: UInt64) {
        let ns = done >= arrival ? done - arrival : 0
        buckets[Self.bucket(ns)] &+= 1
        count += 1
        maxNanoseconds = max(maxNanoseconds, ns)
        if firstArrival == nil { firstArrival = arrival }
        lastDone = max(lastDone, done)
    }

    private static func bucket(_ ns: UInt64) -> Int {
        let us = Double(ns) / 1000
        if us < 1 { return 0 }
        return min(Int(log(us) / log(ratio)) + 1, bucketCount - 1)
    }

    /// Upper edge of bucket i in ms (bucket 0 holds everything under 1 µs).
    private static func upperMilliseconds(_ i: Int) -> Double { pow(ratio, Double(i)) / 1000 }

    /// Nearest-rank quantile in ms (q in 0...1), capped at the exact maximum; nil without frames.
    func quantileMilliseconds(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (i, c) in buckets.enumerated() {
            seen += Int(c)
            if seen >= rank { return min(Self.upperMilliseconds(i), Double(maxNanoseconds) / 1e6) }
        }
        return Double(maxNanoseconds) / 1e6
    }

    /// Frames per second from the first frame's arrival to the last output; nil for < 2 frames.
    var framesPerSecond: Double? {
        guard count >= 2, let first = firstArrival, lastDone > first else { return nil }
        return Double(count) / (Double(lastDone - first) / 1e9)
    }

    /// The summary line printed on stderr at exit.
    func summary(dropped: Int, bad: Int) -> String {
        var s = "splineseg stream: \(count) frames segmented, \(dropped) dropped (queue full), \(bad) bad skipped"
        if let median = quantileMilliseconds(0.5), let p99 = quantileMilliseconds(0.99) {
            s += "; latency median \(fixed(median, 2)) ms, p99 \(fixed(p99, 2)) ms, max \(fixed(Double(maxNanoseconds) / 1e6, 2)) ms"
        }
        if let fps = framesPerSecond { s += "; \(fixed(fps, 1)) frames/s" }
        return s
    }
}
