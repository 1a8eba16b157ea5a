import SplineKernels
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// WorkerPool's fallback after stalls: a worker that holds a part for some ms (as if another
/// process took its CPU) while the caller's part takes 0.2 ms is a stall that loses about that
/// much against 1 thread. One loss of 5 ms stays within the ledger's starting credit (10 ms)
/// and changes nothing; two of 8 ms leave the ledger negative and make the pool run every part
/// on the caller for the back-off (20 ms of calls), after which the workers take parts again.
/// Every part still runs exactly once per call.
final class WorkerPoolStallTests: XCTestCase {
    /// Shared with the parts: which thread is the caller, how many more parts a worker should
    /// stall in, and per part of the last call the thread kind that ran it (1 caller, 2 worker).
    private struct Probe {
        var caller = pthread_self()
        var stallsLeft = 0
        var stallMicroseconds = 0
        var busyMicroseconds = 0
        var ranOn = [Int](repeating: 0, count: 8)
    }

    private func call(_ pool: WorkerPool, _ probe: UnsafeMutablePointer<Probe>, parts: Int) {
        for p in 0..<parts { probe.pointee.ranOn[p] = 0 }
        pool.run(parts: parts, context: UnsafeMutableRawPointer(probe)) { ctx, part, _ in
            let pr = ctx!.assumingMemoryBound(to: Probe.self)
            let onCaller = pthread_equal(pthread_self(), pr.pointee.caller) != 0
            precondition(pr.pointee.ranOn[part] == 0, "part \(part) ran twice")
            pr.pointee.ranOn[part] = onCaller ? 1 : 2
            // Only workers stall, and only one part at a time runs on a worker in these calls.
            if !onCaller && pr.pointee.stallsLeft > 0 {
                pr.pointee.stallsLeft -= 1
                usleep(useconds_t(pr.pointee.stallMicroseconds))
            }
            if pr.pointee.busyMicroseconds > 0 { usleep(useconds_t(pr.pointee.busyMicroseconds)) }
        }
        for p in 0..<parts { XCTAssertNotEqual(probe.pointee.ranOn[p], 0, "part \(p) of \(parts) did not run") }
    }

    /// Calls until a worker has run (and stalled in) `count` parts; at most `limit` calls.
    private func stall(_ pool: WorkerPool, _ probe: UnsafeMutablePointer<Probe>, count: Int, ms: Int, limit: Int = 500) {
        probe.pointee.stallsLeft = count
        probe.pointee.stallMicroseconds = ms * 1000
        // Parts of 0.2 ms: the worker claims part 1 before the caller is done with part 0.
        probe.pointee.busyMicroseconds = 200
        defer { probe.pointee.busyMicroseconds = 0 }
        var calls = 0
        while probe.pointee.stallsLeft > 0 && calls < limit {
            call(pool, probe, parts: 2)
            calls += 1
        }
        XCTAssertEqual(probe.pointee.stallsLeft, 0, "the worker took no part in \(limit) calls")
    }

    private func withProbe(_ body: (UnsafeMutablePointer<Probe>) -> Void) {
        let probe = UnsafeMutablePointer<Probe>.allocate(capacity: 1)
        probe.initialize(to: Probe())
        defer { probe.deinitialize(count: 1); probe.deallocate() }
        body(probe)
    }

    func testLoneStallKeepsWorkers() {
        // A host can stall a worker by itself too; a clean attempt is one with no such stall.
        var clean = 0
        for _ in 0..<3 where clean == 0 {
            let pool = WorkerPool(threads: 2)
            withProbe { probe in
                stall(pool, probe, count: 1, ms: 5)
                for _ in 0..<20 { call(pool, probe, parts: 2) }
                if pool.stalls == 1 {
                    clean += 1
                    XCTAssertEqual(pool.fallbackCalls, 0, "a lone stall must not make the pool fall back")
                }
            }
        }
        XCTAssertEqual(clean, 1, "no attempt without a stall of the host's own")
    }

    func testRecurringStallsFallBackThenRecover() {
        // A host can stall a worker by itself too (then the ledger is off this script: the pool
        // may fall back before the second deliberate stall); an attempt counts only with exactly
        // the two deliberate stalls, as in `testLoneStallKeepsWorkers`.
        var clean = 0
        for _ in 0..<3 where clean == 0 {
            let pool = WorkerPool(threads: 2)
            withProbe { probe in
                stall(pool, probe, count: 2, ms: 8)
                XCTAssertGreaterThanOrEqual(pool.stalls, 2)
                guard pool.stalls == 2 else { return }
                clean += 1
                // Within the back-off (20 ms of calls from the last stall): the caller runs every part.
                let before = pool.fallbackCalls
                for _ in 0..<5 {
                    call(pool, probe, parts: 4)
                    XCTAssertEqual(probe.pointee.ranOn.prefix(4), [1, 1, 1, 1], "a worker ran a part during the back-off")
                }
                XCTAssertEqual(pool.fallbackCalls, before + 5)
                // The back-off runs on time spent in calls: a pause between calls does not end it.
                usleep(useconds_t(2 * WorkerPool.minBackoffNanoseconds / 1000))
                call(pool, probe, parts: 4)
                XCTAssertEqual(probe.pointee.ranOn.prefix(4), [1, 1, 1, 1], "the back-off ended during a pause")
                // Calls of 4 x 0.5 ms: the back-off ends after about 10 of them, then a worker takes
                // parts again (parts of 0.5 ms leave it time to claim one).
                probe.pointee.busyMicroseconds = 500
                var workerRan = false, calls = 0
                for _ in 0..<60 where !workerRan {
                    call(pool, probe, parts: 4)
                    calls += 1
                    workerRan = probe.pointee.ranOn.prefix(4).contains(2)
                }
                XCTAssertTrue(workerRan, "no worker took a part after the back-off")
                XCTAssertGreaterThanOrEqual(calls, 5, "the back-off ended early")
            }
        }
        XCTAssertEqual(clean, 1, "no attempt without a stall of the host's own")
    }

    func testNoFallbackWhenDisabled() {
        let pool = WorkerPool(threads: 2, fallsBackOnStall: false)
        withProbe { probe in
            stall(pool, probe, count: 3, ms: 8)
            XCTAssertGreaterThanOrEqual(pool.stalls, 3, "stalls are still counted")
            probe.pointee.busyMicroseconds = 500
            var workerRan = false
            for _ in 0..<50 where !workerRan {
                call(pool, probe, parts: 4)
                workerRan = probe.pointee.ranOn.prefix(4).contains(2)
            }
            XCTAssertTrue(workerRan, "the pool stopped using its workers")
            XCTAssertEqual(pool.fallbackCalls, 0)
        }
    }
}
