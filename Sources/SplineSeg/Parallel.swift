import Dispatch

/// Runs body over `count` items split into min(threads, count) contiguous chunks with
/// DispatchQueue.concurrentPerform. Callers write disjoint outputs per item, so each item's
/// result is computed by the same operations whatever the thread count (bitwise identical).
func parallelChunks(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    let chunks = min(max(threads, 1), count)
    if chunks <= 1 {
        body(0..<count)
        return
    }
    // The chunks write disjoint memory through raw pointers, so sharing `body` is race-free
    // although Swift cannot see that (it captures non-Sendable pointers).
    withoutActuallyEscaping(body) { escapable in
        nonisolated(unsafe) let shared = escapable
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            shared((count * c / chunks)..<(count * (c + 1) / chunks))
        }
    }
}
