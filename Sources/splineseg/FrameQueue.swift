import Foundation

/// A decoded frame waiting for the worker.
struct QueuedFrame {
    var id: UInt64
    var width: Int
    var height: Int
    var pixels: [Float]
    /// Monotonic time (ns) when the frame had been read completely: latency starts here.
    var arrival: UInt64
}

enum QueuePolicy: String, Sendable {
    /// Real-time viewers want the newest frame: when full, the oldest queued frame is dropped.
    case dropOldest = "drop-oldest"
    /// Replaying a recording: never drop, make the reader wait (back-pressure to the sender).
    case block
}

/// Bounded queue between the reader thread and the worker, plus a pool of pixel buffers so a
/// steady stream reuses the same few allocations (at most capacity + 2 buffers are alive: the
/// queued ones, the one being filled, the one being segmented).
final class FrameQueue: @unchecked Sendable {
    let capacity: Int
    let policy: QueuePolicy
    private let condition = NSCondition()
    private var items: [QueuedFrame] = []
    private var pool: [[Float]] = []
    private var finished = false
    private var readerError: CLIError?
    private var droppedCount = 0
    private var badCount = 0
    private var cancelled = false

    init(capacity: Int, policy: QueuePolicy) {
        precondition(capacity >= 1)
        self.capacity = capacity
        self.policy = policy
        items.reserveCapacity(capacity)
    }

    /// Frames dropped because the queue was full (drop-oldest policy).
    var dropped: Int { condition.withLock { droppedCount } }
    /// Malformed frames the reader skipped (--skip-bad).
    var badFrames: Int { condition.withLock { badCount } }

    /// An empty buffer from the pool (capacity kept), or a new one.
    func takeBuffer() -> [Float] {
        condition.withLock { pool.popLast() } ?? []
    }

    /// Returns a buffer to the pool once its frame is done.
    func recycle(_ buffer: [Float]) {
        condition.withLock {
            if pool.count < capacity + 2 { pool.append(buffer) }
        }
    }

    func push(_ frame: QueuedFrame) {
        condition.lock()
        defer { condition.unlock() }
        if items.count >= capacity {
            switch policy {
            case .dropOldest:
                let old = items.removeFirst()
                droppedCount += 1
                if pool.count < capacity + 2 { pool.append(old.pixels) }
            case .block:
                while items.count >= capacity && !cancelled { condition.wait() }
            }
        }
        if cancelled { return }
        items.append(frame)
        condition.broadcast()
    }

    /// The oldest queued frame; waits for one. Nil once the reader has finished and the queue is
    /// drained (the reader's error, if any, is then in `finish`'s result).
    func pop() -> QueuedFrame? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if items.isEmpty { return nil }
        let frame = items.removeFirst()
        condition.broadcast()  // a blocked reader may continue
        return frame
    }

    /// Called by the reader at the end of input or on a fatal input error.
    func finish(error: CLIError?, badFrames: Int) {
        condition.withLock {
            finished = true
            readerError = error
            badCount = badFrames
            condition.broadcast()
        }
    }

    /// The worker gave up: wake and stop the reader (its pushes become no-ops).
    func cancel() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
        }
    }

    var isCancelled: Bool { condition.withLock { cancelled } }

    /// The reader's fatal error, once `pop` has returned nil.
    var error: CLIError? { condition.withLock { readerError } }
}
