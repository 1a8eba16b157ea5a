import Foundation
import XCTest

@testable import splineseg

/// Test double: "segments" by thresholding at 128 and records what it saw; can be slowed down
/// or made to fail.
final class ThresholdSegmenter: FrameSegmenter {
    var seen: [Int] = []
    var delay: useconds_t = 0
    var failOn: Int?

    func segment(pixels: [Float], width: Int, height: Int) throws(CLIError) -> FrameResult {
        if let failOn, seen.count == failOn { throw CLIError(.segmentation, "double failed") }
        seen.append(width)
        if delay > 0 { usleep(delay) }
        let mask = pixels.map { $0 >= 128 ? UInt8(1) : 0 }
        return FrameResult(mask: mask, foregroundPixels: mask.reduce(0) { $0 + Int($1) }, contours: [])
    }
}

final class StreamPipelineTests: XCTestCase {
    private func run(_ bytes: [UInt8], _ pipeline: StreamPipeline, _ seg: ThresholdSegmenter, skipBad: Bool = false) throws(CLIError) -> (output: [UInt8], stats: LatencyStats, dropped: Int, bad: Int) {
        let reader = FrameReader(source: MemorySource(bytes), name: "test", skipBad: skipBad)
        var output = [UInt8]()
        let r = try pipeline.run(reader: reader, segmenter: seg) { (b: UnsafeRawBufferPointer) throws(CLIError) in output += b }
        return (output, r.stats, r.dropped, r.bad)
    }

    func testBlockingPipelineDeliversEveryFrameInOrder() throws {
        var bytes = [UInt8]()
        for i in 0..<20 { bytes += rawFrame(width: 1 + i, height: 1, id: UInt64(i), pixels: [UInt8](repeating: 200, count: 1 + i)) }
        let seg = ThresholdSegmenter()
        let r = try run(bytes, StreamPipeline(queueCapacity: 2, policy: .block, format: .ndjson), seg)
        let lines = String(decoding: r.output, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 20)
        XCTAssertEqual(seg.seen, Array(1...20))
        XCTAssertTrue(lines[4].hasPrefix("{\"frame\":4,\"width\":5,\"height\":1,\"area_px\":5,"), String(lines[4]))
        XCTAssertEqual(r.dropped, 0)
        XCTAssertEqual(r.stats.count, 20)
        XCTAssertNotNil(r.stats.quantileMilliseconds(0.99))
    }

    /// A slow worker and a fast reader: with drop-oldest the queue never holds more than its
    /// capacity, the newest frame is always delivered, and written + dropped = sent.
    func testDropOldestPolicyKeepsNewestAndCounts() throws {
        var bytes = [UInt8]()
        for i in 0..<40 { bytes += rawFrame(width: 2, height: 2, id: UInt64(i)) }
        let seg = ThresholdSegmenter()
        seg.delay = 5000
        let r = try run(bytes, StreamPipeline(queueCapacity: 2, policy: .dropOldest, format: .binary), seg)
        let written = countRecords(r.output)
        XCTAssertGreaterThan(r.dropped, 0, "a 5 ms worker must fall behind a memory reader")
        XCTAssertEqual(written.count + r.dropped, 40)
        XCTAssertEqual(written.last, 39, "the newest frame must survive")
        XCTAssertEqual(written, written.sorted(), "frames stay in order")
    }

    func testQueueDropsOldestAndRecyclesBuffers() {
        let q = FrameQueue(capacity: 2, policy: .dropOldest)
        for i in 0..<5 { q.push(QueuedFrame(id: UInt64(i), width: 1, height: 1, pixels: [Float(i)], arrival: 0)) }
        q.finish(error: nil, badFrames: 0)
        XCTAssertEqual(q.dropped, 3)
        XCTAssertEqual(q.pop()?.id, 3)
        XCTAssertEqual(q.pop()?.id, 4)
        XCTAssertNil(q.pop())
        // Dropped frames' buffers went back to the pool (with their contents, reused by the reader).
        XCTAssertEqual(q.takeBuffer(), [2])
    }

    func testProtocolErrorComesAfterEarlierFramesAreWritten() {
        let bytes = rawFrame(width: 2, height: 2, id: 1) + rawFrame(width: 2, height: 2, id: 2) + Array("BAD!".utf8)
        let seg = ThresholdSegmenter()
        var output = [UInt8]()
        let reader = FrameReader(source: MemorySource(bytes), name: "test")
        do {
            _ = try StreamPipeline(queueCapacity: 4, policy: .block, format: .binary).run(reader: reader, segmenter: seg) {
                (b: UnsafeRawBufferPointer) throws(CLIError) in output += b
            }
            XCTFail("accepted a bad frame")
        } catch {
            XCTAssertEqual(error.status, .streamProtocol)
        }
        XCTAssertEqual(countRecords(output), [1, 2])
    }

    func testSegmenterFailureStopsThePipeline() {
        var bytes = [UInt8]()
        for i in 0..<10 { bytes += rawFrame(width: 2, height: 2, id: UInt64(i)) }
        let seg = ThresholdSegmenter()
        seg.failOn = 3
        XCTAssertThrowsError(try run(bytes, StreamPipeline(queueCapacity: 1, policy: .block, format: .binary), seg)) { e in
            XCTAssertEqual((e as? CLIError)?.status, .segmentation)
        }
    }

    func testLatencyStatsQuantilesWithinOnePercent() {
        var s = LatencyStats()
        for ms in 1...100 { s.record(arrival: 0, done: UInt64(ms) * 1_000_000) }
        XCTAssertEqual(s.quantileMilliseconds(0.5)!, 50, accuracy: 0.5)
        XCTAssertEqual(s.quantileMilliseconds(0.99)!, 99, accuracy: 1)
        XCTAssertEqual(s.maxNanoseconds, 100_000_000)
        XCTAssertEqual(s.framesPerSecond!, 1000, accuracy: 1)
        XCTAssertTrue(s.summary(dropped: 2, bad: 1).contains("100 frames segmented, 2 dropped (queue full), 1 bad skipped"))
        XCTAssertNil(LatencyStats().quantileMilliseconds(0.5))
    }

    /// Frame ids of binary records, checking each record's framing.
    private func countRecords(_ b: [UInt8]) -> [UInt64] {
        var ids: [UInt64] = []
        var o = 0
        while o < b.count {
            XCTAssertEqual(Array(b[o..<(o + 4)]), Array("SSR1".utf8))
            let len = (0..<4).reduce(0) { $0 | Int(b[o + 4 + $1]) << (8 * $1) }
            ids.append((0..<8).reduce(UInt64(0)) { $0 | UInt64(b[o + 8 + $1]) << (8 * UInt64($1)) })
            o += 8 + len
        }
        XCTAssertEqual(o, b.count)
        return ids
    }
}
