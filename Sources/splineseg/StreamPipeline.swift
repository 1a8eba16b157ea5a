import Foundation

/// Reader thread -> bounded `FrameQueue` -> worker (the calling thread) -> `write`.
///
/// The reader decodes frames into pooled buffers and pushes them; when the queue is full the
/// oldest queued frame is dropped (or, with `.block`, the reader waits). The worker segments,
/// encodes into a reused buffer and hands the bytes to `write`. Returns the latency statistics;
/// throws the first fatal error (the reader's protocol error is raised after the frames queued
/// before it have been written, so a consumer gets every good frame up to the bad one).
struct StreamPipeline {
    var queueCapacity = 4
    var policy = QueuePolicy.dropOldest
    var format = StreamOutputFormat.binary

    func run<Source: ByteSource>(
        reader: FrameReader<Source>, segmenter: FrameSegmenter,
        write: (UnsafeRawBufferPointer) throws(CLIError) -> Void
    ) throws(CLIError) -> (stats: LatencyStats, dropped: Int, bad: Int) {
        let queue = FrameQueue(capacity: queueCapacity, policy: policy)
        let box = ReaderBox(reader: reader)
        let thread = Thread { box.run(queue) }
        thread.stackSize = 1 << 20
        thread.start()

        var stats = LatencyStats()
        var out = [UInt8]()
        do throws(CLIError) {
            try work(queue, segmenter, &stats, &out, write)
        } catch {
            queue.cancel()
            throw error
        }
        if let error = queue.error { throw error }
        return (stats, queue.dropped, queue.badFrames)
    }

    private func work(
        _ queue: FrameQueue, _ segmenter: FrameSegmenter, _ stats: inout LatencyStats, _ out: inout [UInt8],
        _ write: (UnsafeRawBufferPointer) throws(CLIError) -> Void
    ) throws(CLIError) {
        while let frame = queue.pop() {
            let result = try segmenter.segment(pixels: frame.pixels, width: frame.width, height: frame.height)
            switch format {
            case .binary:
                try encodeBinaryResult(id: frame.id, width: frame.width, height: frame.height, result: result, into: &out)
            case .ndjson:
                let ms = Double(monotonicNanoseconds() &- frame.arrival) / 1e6
                encodeNDJSONResult(
                    id: frame.id, width: frame.width, height: frame.height, result: result,
                    latencyMilliseconds: ms, dropped: queue.dropped, into: &out)
            }
            try withBytes(out) { (b) throws(CLIError) in try write(b) }
            stats.record(arrival: frame.arrival, done: monotonicNanoseconds())
            queue.recycle(frame.pixels)
        }
    }
}

/// Moves the reader onto its thread; only that thread touches it after `start`.
private final class ReaderBox<Source: ByteSource>: @unchecked Sendable {
    var reader: FrameReader<Source>

    init(reader: FrameReader<Source>) { self.reader = reader }

    func run(_ queue: FrameQueue) {
        do throws(CLIError) {
            while !queue.isCancelled {
                var pixels = queue.takeBuffer()
                guard let f = try reader.next(into: &pixels) else { break }
                queue.push(QueuedFrame(id: f.id, width: f.width, height: f.height, pixels: pixels, arrival: monotonicNanoseconds()))
            }
            queue.finish(error: nil, badFrames: reader.badFrames)
        } catch {
            queue.finish(error: error, badFrames: reader.badFrames)
        }
    }
}
