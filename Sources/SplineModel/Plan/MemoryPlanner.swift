import SplineKernels

/// Static memory plan: assigns every buffer an arena offset so that buffers alive at the same
/// time never overlap and a dead buffer's memory is reused.
///
/// Liveness: buffer b is alive over steps [first, last] (first write .. last read; the input is
/// written before step 0, the output read after the last step). Placement: largest buffers
/// first (ties: earlier first), each at the lowest 64-byte-aligned offset where it overlaps no
/// placed buffer with an intersecting lifetime (first fit). Deterministic: the code generator
/// and the runtime compute the same offsets.
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
        let order = sizes.indices.sorted { a, b in
            sizes[a] != sizes[b] ? sizes[a] > sizes[b] : (live[a].first, a) < (live[b].first, b)
        }
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
