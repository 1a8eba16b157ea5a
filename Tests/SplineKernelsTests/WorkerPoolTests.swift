import SplineKernels
import XCTest

/// WorkerPool runs every part exactly once per call, for any part count (also more parts than
/// threads), across many consecutive calls, with workers that spin or block between calls; the
/// caller sees every part's writes when `run` returns; pools shut down with idle workers.
final class WorkerPoolTests: XCTestCase {
    func testEveryPartRunsOncePerCall() {
        for spin in [0, 20, WorkerPool.defaultSpinMicroseconds] {
            for threads in [1, 2, 3] {
                let pool = WorkerPool(threads: threads, spinMicroseconds: spin)
                let maxParts = 4 * threads + 1
                var counts = [Int](repeating: 0, count: maxParts)
                counts.withUnsafeMutableBufferPointer { c in
                    for call in 0..<500 {
                        let parts = 1 + call % maxParts
                        pool.run(parts: parts, context: UnsafeMutableRawPointer(c.baseAddress!)) { ctx, part, parts in
                            precondition(part < parts)
                            ctx!.assumingMemoryBound(to: Int.self)[part] += 1
                        }
                    }
                }
                let expected = (0..<maxParts).map { p in (0..<500).filter { 1 + $0 % maxParts > p }.count }
                XCTAssertEqual(counts, expected, "\(threads) threads, spin \(spin) us")
            }
        }
    }

    /// Each part writes its slice of a buffer; when `run` returns the caller must see all of it
    /// (the pool orders the workers' writes before the return), call after call.
    func testCallerSeesEveryPartsWrites() {
        for spin in [0, WorkerPool.defaultSpinMicroseconds] {
            let pool = WorkerPool(threads: 2, spinMicroseconds: spin)
            let n = 4096
            let buffer = UnsafeMutablePointer<Int>.allocate(capacity: n + 1)
            defer { buffer.deallocate() }
            buffer.initialize(repeating: 0, count: n + 1)
            var bad = 0
            for call in 1...2000 {
                buffer[n] = call  // the value to write, read by every part
                let parts = 1 + call % 9
                pool.run(parts: parts, context: UnsafeMutableRawPointer(buffer)) { ctx, part, parts in
                    let b = ctx!.assumingMemoryBound(to: Int.self)
                    let v = b[4096]
                    for i in rowRange(rows: 4096, part: part, of: parts) { b[i] = v }
                }
                for i in 0..<n where buffer[i] != call { bad += 1 }
            }
            XCTAssertEqual(bad, 0, "spin \(spin) us")
        }
    }

    func testPartCounts() {
        let one = WorkerPool(threads: 1), two = WorkerPool(threads: 2)
        XCTAssertEqual(one.parts(units: 128), 1)
        XCTAssertEqual(one.parts(units: 5, scratch: true), 1)
        XCTAssertEqual(two.parts(units: 128), 2 * WorkerPool.partsPerThread)
        XCTAssertEqual(two.parts(units: 3), 3)
        XCTAssertEqual(two.parts(units: 1), 1)
        XCTAssertEqual(two.parts(units: 5, scratch: true), 2)
        XCTAssertEqual(two.parts(units: 1, scratch: true), 1)
        // Short steps: one part per thread; at the threshold, the fine split again.
        XCTAssertEqual(one.parts(units: 128, macs: 1000), 1)
        XCTAssertEqual(two.parts(units: 128, macs: WorkerPool.shortStepMACs - 1), 2)
        XCTAssertEqual(two.parts(units: 128, macs: WorkerPool.shortStepMACs), 2 * WorkerPool.partsPerThread)
        XCTAssertEqual(two.parts(units: 1, macs: 1000), 1)
    }

    /// Pools go away cleanly whether their workers are spinning, asleep or were never used.
    func testShutdownWithIdleWorkers() {
        for spin in [0, 1000] {
            for pause in [0, 2000] {
                let pool = WorkerPool(threads: 3, spinMicroseconds: spin)
                var x = [0, 0, 0]
                x.withUnsafeMutableBufferPointer { b in
                    pool.run(parts: 3, context: UnsafeMutableRawPointer(b.baseAddress!)) { ctx, part, _ in
                        ctx!.assumingMemoryBound(to: Int.self)[part] = 1
                    }
                }
                XCTAssertEqual(x, [1, 1, 1])
                usleep(useconds_t(pause))
            }
            _ = WorkerPool(threads: 2, spinMicroseconds: spin)
        }
    }
}
