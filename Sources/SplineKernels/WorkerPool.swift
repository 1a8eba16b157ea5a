// A fixed set of worker threads for splitting kernel calls, allocation-free per call (unlike
// DispatchQueue.concurrentPerform, which heap-allocates a few blocks per call on Linux).
// Used by the dynamic executor and the generated model functions.
// The caller runs part 0 itself; workers 1..<parts run the others and signal completion.
// Every kernel splits by output rows / tile blocks only, so results are bitwise identical for
// any number of parts.
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class WorkerPool: @unchecked Sendable {
    /// Parts a call can run at once (the caller + threads - 1 workers).
    public let threads: Int
    private let start: [DispatchSemaphore]
    private let done = DispatchSemaphore(value: 0)
    /// A part of a call: job(context, part, parts). A C function pointer: a closure literal
    /// that captures nothing converts to it, and calling or storing it never allocates
    /// (Swift closures stored for other threads need a heap context; withoutActuallyEscaping
    /// allocates its escape check on every call).
    public typealias Job = @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void

    // Written by the caller before signalling `start`, read by workers after waiting on it
    // (the semaphores order the accesses).
    private var job: Job?
    private var context: UnsafeMutableRawPointer?
    private var parts = 0
    private var stopping = false
    private var workers: [pthread_t] = []

    public init(threads: Int) {
        self.threads = max(1, threads)
        start = (1..<max(2, self.threads)).map { _ in DispatchSemaphore(value: 0) }
        for w in 1..<self.threads {
            let ctx = UnsafeMutablePointer<(Unmanaged<WorkerPool>, Int)>.allocate(capacity: 1)
            ctx.initialize(to: (Unmanaged.passUnretained(self), w))
            var tid = pthread_t()
            let rc = pthread_create(&tid, nil, { raw in
                let p = raw!.assumingMemoryBound(to: (Unmanaged<WorkerPool>, Int).self)
                let (pool, index) = p.pointee
                p.deallocate()
                pool.takeUnretainedValue().work(index)
                return nil
            }, ctx)
            precondition(rc == 0, "WorkerPool: pthread_create failed (\(rc)); lower the thread count")
            workers.append(tid)
        }
    }

    deinit {
        stopping = true
        for s in start { s.signal() }
        for t in workers { pthread_join(t, nil) }
    }

    private func work(_ index: Int) {
        while true {
            start[index - 1].wait()
            if stopping { return }
            job!(context, index, parts)
            done.signal()
        }
    }

    /// Calls `job(context, p, parts)` for p in 0..<parts (parts <= threads), part 0 on the calling
    /// thread, and returns when all parts are done. The parts must write disjoint memory. Not
    /// reentrant: one call at a time per pool.
    public func run(parts: Int, context: UnsafeMutableRawPointer?, _ job: Job) {
        precondition(parts >= 1 && parts <= threads, "WorkerPool: \(parts) parts for \(threads) threads")
        if parts == 1 {
            job(context, 0, 1)
            return
        }
        self.job = job
        self.context = context
        self.parts = parts
        for w in 1..<parts { start[w - 1].signal() }
        job(context, 0, parts)
        for _ in 1..<parts { done.wait() }
    }
}
