// A fixed set of worker threads for splitting kernel calls, allocation-free per call (unlike
// DispatchQueue.concurrentPerform, which heap-allocates a few blocks per call on Linux).
// Used by the dynamic executor and the generated model functions.
//
// A call publishes `parts` parts in one atomic claim word, part 0 already claimed by the caller;
// the caller claims further parts from the front (1, 2, ...), the workers from the back
// (parts - 1, ...), until none is left. So the caller
// never waits for a worker that has not started (a worker that wakes late, or not at all on a
// busy machine, leaves its parts to the caller), only for parts a worker is running, and each
// thread keeps working on the same end of the rows from one step to the next (its input rows
// are the ones it wrote, still in its own cache). Hand-off without system calls: an idle worker busy-waits
// on the claim word (with the CPU's spin hint) for `spinMicroseconds` before it blocks on its
// semaphore, and the caller signals that semaphore only for a worker that has gone to sleep;
// the caller waiting for the last part busy-waits the same bounded time before blocking.
// Every kernel splits by output rows / tile blocks only, and a part's work does not depend on
// the thread that runs it, so results are bitwise identical for any number of parts and threads.
//
// Stalls: a worker that claimed a part and then lost its CPU (another busy process on its CPU:
// the scheduler lets each run a slice of 1-3 ms in turn) holds up the caller for the rest of
// that slice. A call whose caller waited for the workers longer than its own parts took, plus
// `stallMargin`, was slower than one thread would have been: a stall. Whether 2 threads still
// pay depends on how often that happens: beside a busy loop on the other CPU, the built-in
// model stalls a few times a second and still runs in 0.28 ms against 0.49 on 1 thread, UNet
// f16 @256 stalls in about every other run and comes out even with 1 thread, 4.3-4.8 ms. So the
// caller keeps a ledger of what the workers saved (each call's estimated 1-thread time, its
// busy time per part times the parts, minus its actual time), decaying over `ledgerWindow`;
// when a stall leaves it negative, 2 threads lost time overall, and the pool runs every part
// on the caller for a back-off (doubling, up to `maxBackoff`, while it falls back again within
// `ledgerWindow` of the last back-off's end), then tries the workers again, the ledger back at
// its start. These times run on a clock that advances only inside parallel calls, so a caller
// that segments a slice now and then follows the same rule as one in a loop. Same parts, same
// results: only the timing changes.
import CSpinHint
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class WorkerPool: @unchecked Sendable {
    /// Parts a call can run at once (the caller + threads - 1 workers).
    public let threads: Int
    /// How long an idle worker busy-waits for the next call, and the caller for the parts that
    /// workers are still running, before blocking on a semaphore (microseconds, 0: block at once).
    public let spinMicroseconds: Int
    /// The default busy-wait: long enough to cover the gaps between the parallel steps of a
    /// network (single-threaded steps in between), short enough not to hold a core when idle.
    public static let defaultSpinMicroseconds = 100
    /// Whether the pool runs calls on the caller alone for a while after a stall (see the top).
    public let fallsBackOnStall: Bool
    /// A caller's wait for the workers beyond its own busy time that counts as a stall: above
    /// the jitter of a worker that starts late or is interrupted (tens of us), below a
    /// scheduler slice that another process takes (0.75-3 ms).
    public static let stallMarginNanoseconds: UInt64 = 200_000
    /// The time over which the ledger of the workers' savings decays (time inside parallel
    /// calls), and the ledger's start: a stall in the first calls is not a reason to fall back.
    public static let ledgerWindowNanoseconds: Int64 = 100_000_000
    public static let initialLedgerNanoseconds: Int64 = 10_000_000
    /// The first back-off, and the most it doubles to (time inside parallel calls).
    public static let minBackoffNanoseconds: UInt64 = 20_000_000
    public static let maxBackoffNanoseconds: UInt64 = 1_000_000_000

    /// Stalls seen, and calls run on the caller alone because of them (for benchmarks; read on
    /// the calling thread between calls).
    public private(set) var stalls = 0
    public private(set) var fallbackCalls = 0
    /// The clock of the stall accounting: nanoseconds spent in parallel calls (`run` with more
    /// than one part and thread), on the caller. The times below are on it.
    private var workClock: UInt64 = 0
    /// What the workers saved, decaying over `ledgerWindow` (nanoseconds; negative: 2 threads lost).
    private var ledger = WorkerPool.initialLedgerNanoseconds
    /// While `workClock` is before this, calls run on the caller alone (0: never fell back).
    private var fallbackUntil: UInt64 = 0
    /// The last back-off's length.
    private var backoff: UInt64 = 0

    /// A part of a call: job(context, part, parts). A C function pointer: a closure literal
    /// that captures nothing converts to it, and calling or storing it never allocates
    /// (Swift closures stored for other threads need a heap context; withoutActuallyEscaping
    /// allocates its escape check on every call).
    public typealias Job = @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void

    private struct Call {
        var job: Job?
        var context: UnsafeMutableRawPointer?
        var parts: Int
        /// `finished` once every part of this call is done.
        var target: Int
    }

    private final class Worker: @unchecked Sendable {
        /// Set by the worker before it blocks on `wake`; whoever clears it (the worker itself
        /// on finding a new call, or the caller publishing one) decides whether `wake` is signalled.
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
        var thread = pthread_t()
    }

    /// Claim word: generation (bits 32...63) | front (16...31) | back (0...15): parts front..<back
    /// are unclaimed. The caller claims `front` (front + 1), workers `back - 1` (back - 1), by
    /// compare-exchange of the whole word, so a claim of an older generation fails.
    private let claim = Atomic<UInt64>(0)
    /// Parts finished, over all calls (never reset: a reset would be one more store to a line the
    /// worker wrote last, on the caller's path before it publishes). A call is done when it
    /// reaches the call's `target`.
    private let finished = Atomic<Int>(0)
    /// The caller's running total of parts published (`target` of the last call).
    private var published = 0
    /// Set by the caller before it blocks on `done` waiting for the last part.
    private let callerWaiting = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    /// The CPU the caller ran on when it last published a call (-1: unknown).
    private let callerCPU = Atomic<Int>(-1)
    private let done = DispatchSemaphore(value: 0)
    private let workers: [Worker]
    // Written by the caller before it publishes the claim word (release), read by a thread after
    // it claimed a part (acquire) and before it counts the part finished: the caller does not
    // write it again until every part is finished. Raw memory: no exclusivity bookkeeping.
    private let call: UnsafeMutablePointer<Call>
    private var generation: UInt64 = 0

    public init(threads: Int, spinMicroseconds: Int = WorkerPool.defaultSpinMicroseconds,
                fallsBackOnStall: Bool = true) {
        self.threads = max(1, threads)
        precondition(self.threads < 0x8000, "WorkerPool: \(threads) threads")
        self.spinMicroseconds = max(0, spinMicroseconds)
        self.fallsBackOnStall = fallsBackOnStall
        call = .allocate(capacity: 1)
        call.initialize(to: Call(job: nil, context: nil, parts: 0, target: 0))
        workers = (1..<max(1, self.threads)).map { _ in Worker() }
        for (i, worker) in workers.enumerated() {
            let ctx = UnsafeMutablePointer<(Unmanaged<WorkerPool>, Int)>.allocate(capacity: 1)
            ctx.initialize(to: (Unmanaged.passUnretained(self), i))
            let rc = pthread_create(&worker.thread, nil, { raw in
                let p = raw!.assumingMemoryBound(to: (Unmanaged<WorkerPool>, Int).self)
                let (pool, index) = p.pointee
                p.deallocate()
                pool.takeUnretainedValue().work(index)
                return nil
            }, ctx)
            precondition(rc == 0, "WorkerPool: pthread_create failed (\(rc)); lower the thread count")
        }
    }

    deinit {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation &+= 1
        claim.store((generation & 0xFFFF_FFFF) << 32, ordering: .sequentiallyConsistent)
        for w in workers where w.sleeping.exchange(false, ordering: .sequentiallyConsistent) { w.wake.signal() }
        for w in workers { pthread_join(w.thread, nil) }
        call.deallocate()
    }

    @inline(__always)
    private static func generation(of word: UInt64) -> UInt64 { word >> 32 }

    @inline(__always)
    private static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// A worker's wait for the next call: busy-waits (spin hint; clock read every 64 rounds)
    /// until `ready()` or `spinMicroseconds` have passed; returns whether `ready()` came true.
    /// Also stops when the worker shares the caller's CPU and cannot move off it: spinning
    /// there only slows the caller. (The caller's wait is `waitForWorkers`.)
    @inline(__always)
    private func spin(until ready: () -> Bool) -> Bool {
        if ready() { return true }
        if spinMicroseconds == 0 { return false }
        let deadline = Self.nanoseconds() &+ UInt64(spinMicroseconds) &* 1000
        var rounds = 0
        while true {
            splineseg_spin_hint()
            if ready() { return true }
            rounds &+= 1
            if rounds & 63 == 0 {
                if Self.nanoseconds() >= deadline { return false }
                if !offCallerCPU() { return false }
            }
        }
    }

    /// Whether this worker runs on another CPU than the caller, after moving off the caller's
    /// CPU if it was on it. Linux places a woken thread on the waker's CPU when no CPU is idle
    /// (every CPU busy, if only with niced background work), and two busy threads sharing a
    /// CPU are not moved apart while they stay cache-hot: a worker there would only take time
    /// from the caller. Costs two system calls when it moves, a few nanoseconds otherwise.
    @inline(__always)
    private func offCallerCPU() -> Bool {
        let cpu = Int(splineseg_current_cpu()), caller = callerCPU.load(ordering: .relaxed)
        if cpu < 0 || caller < 0 || cpu != caller { return true }
        return splineseg_move_off_cpu(Int32(caller)) == 1 && Int(splineseg_current_cpu()) != caller
    }

    /// Claims and runs parts of the current call (the caller from the front, a worker from the
    /// back) until none is left; returns the last claim word seen.
    @inline(__always)
    private func runParts(isCaller: Bool) -> UInt64 {
        var word = claim.load(ordering: .acquiring)
        while true {
            let front = (word >> 16) & 0xFFFF, back = word & 0xFFFF
            if front >= back { return word }
            let next = isCaller ? word &+ (1 << 16) : word &- 1
            let (claimed, current) = claim.compareExchange(
                expected: word, desired: next, ordering: .acquiringAndReleasing)
            if !claimed {
                word = current
                continue
            }
            word = next
            // The call's descriptor stays valid while one of its parts is unfinished.
            let c = call.pointee
            c.job.unsafelyUnwrapped(c.context, Int(isCaller ? front : back &- 1), c.parts)
            let n = finished.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
            if !isCaller && n == c.target && callerWaiting.exchange(false, ordering: .sequentiallyConsistent) {
                done.signal()
            }
        }
    }

    private func work(_ index: Int) {
        let me = workers[index]
        var seen: UInt64 = 0
        while true {
            // Wait for a call of a newer generation: spin, then sleep (Dekker with the caller:
            // both sides store, then load the other's flag, all sequentially consistent).
            if !spin(until: { Self.generation(of: claim.load(ordering: .acquiring)) != seen }) {
                me.sleeping.store(true, ordering: .sequentiallyConsistent)
                let word = claim.load(ordering: .sequentiallyConsistent)
                if Self.generation(of: word) == seen || !me.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    me.wake.wait()  // the caller cleared `sleeping` and signals (or has signalled)
                }
            }
            if stopping.load(ordering: .acquiring) { return }
            // On the caller's CPU and unable to move: leave this call's parts to the caller.
            seen = offCallerCPU() ? Self.generation(of: runParts(isCaller: false))
                                  : Self.generation(of: claim.load(ordering: .acquiring))
        }
    }

    /// Parts per thread for work without per-part scratch: finer parts let the caller take over
    /// the work of a worker that starts late or runs slowly (a CPU shared with other processes).
    public static let partsPerThread = 4

    /// Steps of fewer multiply-adds than this (about 60 us per thread with 2 threads on this
    /// host, Zen 5 AVX-512) run as one part per thread. Each further part costs a claim on the
    /// shared word and restarts the kernel's streams: kernel-bench, 2 threads, 2 / 4 / 8 parts,
    /// alternating, fast host state: first conv 1->8 @128 (1.2 M MACs, 6 us) 70-78 / 69-74 /
    /// 68 % of peak, time per call beyond the threads' busy time 0.40-0.45 / 0.54-0.60 /
    /// 0.78-0.86 us; 8->8 @64 (2.4 M MACs) 84-86 % with 2 parts, 79-80 % with 8. What finer
    /// parts buy, the caller taking over from a worker that starts late, is worth little on
    /// steps this short, and a worker that wakes from sleep for the first step leaves that
    /// step's parts to the caller either way.
    public static let shortStepMACs = 16 << 20

    /// How many parts to split `units` independent work units (output rows, tile blocks) into:
    /// 1 with one thread; otherwise `partsPerThread` per thread, or one per thread for work with
    /// per-part scratch (`scratch`: the arena has one slot per thread) and for steps of fewer
    /// than `shortStepMACs` multiply-adds (`macs`); at most `units`.
    @inline(__always)
    public func parts(units: Int, scratch: Bool = false, macs: Int = .max) -> Int {
        let perThread = scratch || macs < Self.shortStepMACs ? 1 : Self.partsPerThread
        return threads == 1 ? 1 : max(1, min(units, threads &* perThread))
    }

    /// Calls `job(context, p, parts)` once for each p in 0..<parts, on the calling thread and the
    /// workers (any part on any of them, several parts on one; `parts` may exceed `threads`),
    /// and returns when all parts are done. The parts must write disjoint memory and must not
    /// depend on the thread that runs them; per-part scratch is indexed by `p` (so it needs
    /// `parts` slots). Not reentrant: one call at a time per pool.
    public func run(parts: Int, context: UnsafeMutableRawPointer?, _ job: Job) {
        precondition(parts >= 1 && parts < 0x8000, "WorkerPool: \(parts) parts")
        if parts == 1 || threads == 1 {
            for p in 0..<parts { job(context, p, parts) }
            return
        }
        // Two clock reads per call: the caller's busy time, and the clock of the stall
        // accounting, which runs only inside parallel calls (a viewer that segments a slice
        // every 30 ms must see its stalls recur as a busy loop does).
        let start = Self.nanoseconds()
        if workClock < fallbackUntil {
            fallbackCalls &+= 1
            for p in 0..<parts { job(context, p, parts) }
            workClock &+= Self.nanoseconds() &- start
            return
        }
        published &+= parts
        let target = published
        call.pointee = Call(job: job, context: context, parts: parts, target: target)
        // Stored only when it changed: the worker reads it on every call, and an unchanged line
        // stays shared instead of moving to the caller and back.
        let cpu = Int(splineseg_current_cpu())
        if callerCPU.load(ordering: .relaxed) != cpu { callerCPU.store(cpu, ordering: .relaxed) }
        generation &+= 1
        // Published with part 0 already claimed by the caller (front 1): it runs part 0 without
        // a compare-exchange on the word, so the worker's first claim does not race with it.
        claim.store((generation & 0xFFFF_FFFF) << 32 | 1 << 16 | UInt64(parts), ordering: .sequentiallyConsistent)
        // Wake the sleepers among the workers this call can use; spinning ones see the word.
        for w in workers.prefix(parts - 1) where w.sleeping.load(ordering: .sequentiallyConsistent) {
            if w.sleeping.exchange(false, ordering: .sequentiallyConsistent) { w.wake.signal() }
        }
        job(context, 0, parts)
        finished.wrappingAdd(1, ordering: .sequentiallyConsistent)
        // Parts 0..<front ran on the caller (workers claim from the back).
        let callerParts = Int((runParts(isCaller: true) >> 16) & 0xFFFF)
        let (ready, end, stalled) = waitForWorkers(target: target, start: start)
        account(start: start, ready: ready, end: end, parts: parts, callerParts: callerParts, stalled: stalled)
    }

    /// Adds a parallel call to the ledger and the work clock; on a stall that leaves the ledger
    /// negative, starts a back-off (see the top).
    @inline(__always)
    private func account(start: UInt64, ready: UInt64, end: UInt64, parts: Int, callerParts: Int, stalled: Bool) {
        let took = Int64(end &- start)
        let alone = Int64(ready &- start) &* Int64(parts) / Int64(max(callerParts, 1))
        let window = Self.ledgerWindowNanoseconds
        ledger = took >= window ? 0 : ledger &- ledger &* took / window
        ledger &+= alone &- took
        workClock &+= UInt64(took)
        guard stalled else { return }
        stalls &+= 1
        guard fallsBackOnStall && ledger < 0 else { return }
        let again = fallbackUntil != 0 && workClock &- fallbackUntil < UInt64(window)
        backoff = again ? min(2 &* backoff, Self.maxBackoffNanoseconds) : Self.minBackoffNanoseconds
        fallbackUntil = workClock &+ backoff
        // After the back-off the workers start from fresh credit: the losses that caused it
        // would otherwise make the next lone stall a reason to fall back again.
        ledger = Self.initialLedgerNanoseconds
    }

    /// The caller, its parts done, waits for the parts still running on workers, if any: spins,
    /// then sleeps (Dekker with the worker that finishes the last part). Returns when the
    /// caller's parts were done (to a few us: the clock is read every 64 spin rounds), when the
    /// wait ended, and whether it outlasted the caller's busy time by `stallMarginNanoseconds`.
    private func waitForWorkers(target: Int, start: UInt64) -> (ready: UInt64, end: UInt64, stalled: Bool) {
        if finished.load(ordering: .acquiring) == target {
            let t = Self.nanoseconds()
            return (t, t, false)
        }
        var rounds = 0, ready: UInt64 = 0
        var asleep = spinMicroseconds == 0
        while !asleep && finished.load(ordering: .acquiring) != target {
            splineseg_spin_hint()
            rounds &+= 1
            if rounds & 63 == 0 {
                let now = Self.nanoseconds()
                if ready == 0 { ready = now }
                asleep = now &- ready >= UInt64(spinMicroseconds) &* 1000
            }
        }
        if asleep {
            if ready == 0 { ready = Self.nanoseconds() }
            callerWaiting.store(true, ordering: .sequentiallyConsistent)
            if finished.load(ordering: .sequentiallyConsistent) != target
                || !callerWaiting.exchange(false, ordering: .sequentiallyConsistent) {
                done.wait()
            }
        }
        let end = Self.nanoseconds()
        if ready == 0 { return (end, end, false) }
        return (ready, end, end &- ready > (ready &- start) &+ Self.stallMarginNanoseconds)
    }
}
