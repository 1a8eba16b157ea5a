// --pool: WorkerPool hand-off cost. Calls of 2 parts of `work` microseconds each (a register
// loop), separated by `gap` microseconds of single-threaded work (the steps between parallel
// steps of a network); per call: wall time minus one part's work (0 = perfect 2-way split,
// `work` = no help from the worker) and the share of the parts that the worker ran.
import Foundation
import SplineKernels

/// Rounds of `spinWork` per microsecond (calibrated: best of 20 timings of 1e5 rounds).
nonisolated(unsafe) var roundsPerMicrosecond = 0.0

/// A dependent multiply-add chain (the seed comes from the caller so it cannot be folded).
@inline(never)
func spinWork(_ rounds: Int, _ seed: Double) -> Double {
    var x = seed
    for i in 0..<rounds { x = x * 1.000_001 + Double(i & 3) * 1e-9 }
    return x
}

/// A fixed amount of single-threaded work (CPU time, not wall time: a preempted part takes longer).
func busy(_ microseconds: Double) {
    if microseconds <= 0 { return }
    if spinWork(Int(microseconds * roundsPerMicrosecond), 1 + microseconds * 1e-9) == 42 { print("") }
}

struct PoolJob {
    var work: Double
    var caller: pthread_t
    var byWorker: Int
}

func poolBench(calls: Int) {
    var best = 1e9
    for _ in 0..<20 {
        let t0 = now()
        if spinWork(100_000, 1 + best * 1e-9) == 42 { print("") }
        best = min(best, now() - t0)
    }
    roundsPerMicrosecond = 100_000 / (best * 1e6)
    print("WorkerPool, 2 threads: per call of 2 parts x `work` us after `gap` us single-threaded;")
    print("overhead = wall - work (0: perfect split), worker = share of parts run by the worker\n")
    print("spin us  work us  gap us   overhead us median (min max)   worker")
    for spin in [0, 20, 100] {
        let pool = WorkerPool(threads: 2, spinMicroseconds: spin, fallsBackOnStall: false)  // times the hand-off
        for (work, gap) in [(0.0, 0.0), (20.0, 0.0), (20.0, 30.0), (20.0, 300.0), (100.0, 30.0)] {
            var job = PoolJob(work: work, caller: pthread_self(), byWorker: 0)
            var t: [Double] = []
            for i in 0..<calls {
                busy(gap)
                let t0 = now()
                pool.run(parts: 2, context: &job) { c, part, _ in
                    let j = c!.assumingMemoryBound(to: PoolJob.self)
                    busy(j.pointee.work)
                    if pthread_equal(pthread_self(), j.pointee.caller) == 0 { j.pointee.byWorker += 1 }
                }
                if i >= calls / 10 { t.append(now() - t0) }
            }
            let s = stats(t)
            print(String(format: "%7d %8.0f %7.0f   %8.1f (%6.1f %8.1f)   %5.1f%%", spin, work, gap, 1e6 * s.median - work,
                         1e6 * s.min - work, 1e6 * s.max - work, 100 * Double(job.byWorker) / Double(2 * calls)))
        }
    }
}
