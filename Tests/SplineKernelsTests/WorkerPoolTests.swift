import SplineKernels
import XCTest

/// WorkerPool runs every part exactly once per call, on distinct threads, for any part count up
/// to its thread count, across many consecutive calls.
final class WorkerPoolTests: XCTestCase {
    func testEveryPartRunsOncePerCall() {
        for threads in [1, 2, 3] {
            let pool = WorkerPool(threads: threads)
            var counts = [Int](repeating: 0, count: threads)
            counts.withUnsafeMutableBufferPointer { c in
                for call in 0..<500 {
                    let parts = 1 + call % threads
                    pool.run(parts: parts, context: UnsafeMutableRawPointer(c.baseAddress!)) { ctx, part, parts in
                        precondition(part < parts)
                        ctx!.assumingMemoryBound(to: Int.self)[part] += 1
                    }
                }
            }
            let expected = (0..<threads).map { p in (0..<500).filter { 1 + $0 % threads > p }.count }
            XCTAssertEqual(counts, expected, "\(threads) threads")
        }
    }
}
