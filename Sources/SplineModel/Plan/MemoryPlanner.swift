import SplineKernels

/// Static memory plan: assigns every buffer an arena offset so that buffers alive at the same
/// time never overlap and a dead buffer's memory is reused.
///
/// Liveness: buffer b is alive over steps [first, last] (first write .. last read; the input is
/// written before step 0, the output read after the last step). Placement: buffers in a given
/// order, each at the lowest 64-byte-aligned offset where it overlaps no placed buffer with an
/// intersecting lifetime (first fit). Orders tried until one meets the lower bound (the most
/// floats alive at one step; the arena cannot be smaller): largest first, first use first,
/// longest-lived first, largest size x lifetime first, then up to `randomOrders` seeded random
/// orders; the smallest arena is kept (ties: the earlier order). Largest-first alone (sessions
/// 1-9) left UNet f64 @512 at 68.4 MB of activations, f32 at 34.2 MB, f16 at 19.2 MB; first use
/// first meets the bound for f64 and f32 (60.0, 30.0 MB), random orders for f16 @512 (17.0 MB)
/// and f16 @256. Planning cost: at most ~11 ms for a 28-buffer UNet in a debug build.
/// Deterministic: the code generator and the runtime compute the same offsets.
enum MemoryPlanner {
    struct Interval { var first: Int, last: Int }

    /// Lifetimes from the steps' reads and writes.
    static func lifetimes(_ l: LoweredNetwork) -> [Interval] {
        var live = [Interval](repeating: Interval(first: Int.max, last: Int.min), count: l.bufferShapes.count)
        func touch(_ b: Int, _ i: Int) {
            live[b].first = min(live[b].first, i)
            live[b].last = max(live[b].last, i)
        }
        touch(l.inputBuffer, -1)
        for (i, s) in l.steps.enumerated() {
            touch(s.input.buffer, i)
            touch(s.output.buffer, i)
            if let v = s.maxPooled { touch(v.buffer, i) }
            if let v = s.avgPooled { touch(v.buffer, i) }
        }
        touch(l.outputBuffer, l.steps.count)
        return live
    }

    /// Float offsets (multiples of 16) and the arena's activation floats.
    static func place(sizes: [Int], lifetimes live: [Interval]) -> (offsets: [Int], floats: Int) {
        let bound = liveLowerBound(sizes: sizes, lifetimes: live)
        func span(_ b: Int) -> Int { live[b].last - live[b].first + 1 }
        // Each key sorts ascending; ties fall back to (first use, index).
        let keys: [(Int) -> [Int]] = [
            { [-sizes[$0]] },
            { [live[$0].first, -sizes[$0]] },
            { [-span($0), -sizes[$0]] },
            { [-sizes[$0] * span($0)] },
        ]
        var best: (offsets: [Int], floats: Int)?
        for key in keys {
            let order = sizes.indices.sorted { a, b in
                let ka = key(a) + [live[a].first, a], kb = key(b) + [live[b].first, b]
                return ka.lexicographicallyPrecedes(kb)
            }
            let r = firstFit(order, sizes: sizes, lifetimes: live)
            if best == nil || r.floats < best!.floats { best = r }
            if best!.floats <= bound { return best! }
        }
        // Then seeded random orders (the same sequence every time) until one meets the bound.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<randomOrders {
            var order = Array(sizes.indices)
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                order.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
            }
            let r = firstFit(order, sizes: sizes, lifetimes: live)
            if r.floats < best!.floats { best = r }
            if best!.floats <= bound { break }
        }
        return best!
    }

    /// The most floats alive at one step: no placement can use less.
    static func liveLowerBound(sizes: [Int], lifetimes live: [Interval]) -> Int {
        guard let first = live.map(\.first).min(), let last = live.map(\.last).max() else { return 0 }
        return (first...max(first, last)).map { i in
            sizes.indices.reduce(0) { live[$1].first <= i && i <= live[$1].last ? $0 + sizes[$1] : $0 }
        }.max()!
    }

    /// Random orders tried at most after the four fixed ones.
    static let randomOrders = 1000

    /// First-fit placement of the buffers in `order`.
    private static func firstFit(_ order: [Int], sizes: [Int], lifetimes live: [Interval]) -> (offsets: [Int], floats: Int) {
        var offsets = [Int](repeating: -1, count: sizes.count)
        var placed: [Int] = []
        var end = 0
        for b in order {
            let conflicts = placed.filter { p in live[p].first <= live[b].last && live[b].first <= live[p].last }
                .map { (offsets[$0], offsets[$0] + sizes[$0]) }.sorted { $0.0 < $1.0 }
            var o = 0
            for (lo, hi) in conflicts where lo < o + sizes[b] {
                if hi > o { o = (hi + 15) & ~15 }
            }
            offsets[b] = o
            placed.append(b)
            end = max(end, o + sizes[b])
        }
        return (offsets, (end + 15) & ~15)
    }
}
