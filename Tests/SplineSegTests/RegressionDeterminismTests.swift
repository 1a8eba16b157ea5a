import Foundation
import XCTest

@testable import SplineSeg

/// Determinism (issue 6): the same slice gives bitwise the same coefficients, values and mask with
/// 1 and 2 threads, run after run (20 repeats), with a reused Segmenter and with fresh ones, and
/// while two Segmenters share one model concurrently (also exercised under --sanitize=thread).
final class RegressionDeterminismTests: XCTestCase {
    static let models: [SplineSegModel] = [
        randomModelFile(makeSpec("unet-implicit", input: 32, degree: 3, depth: 2, bottleneck: 2, filters: 4), seed: 11),
        randomModelFile(makeSpec("vgg-implicit1", input: 16, degree: 1), seed: 12),
    ].map { try! SplineSegModel.load(spec: $0.spec, safetensors: $0.bytes) }

    /// A ramp with a bright blob, H x W (not square, so pad-square padding is exercised).
    func image(_ h: Int, _ w: Int, seed: Int) -> [Float] {
        (0..<(h * w)).map { k in
            let r = Double(k / w), c = Double(k % w)
            let d = ((r - 0.4 * Double(h)) / (0.3 * Double(h))).magnitude + ((c - 0.6 * Double(w)) / (0.25 * Double(w))).magnitude
            return Float(20 + c * 0.7 + Double((k * 7919 + seed) % 13) + (d < 1 ? 120 : 0))
        }
    }

    struct Result: Equatable, Sendable {
        let coefficients: [UInt32], values: [UInt32], mask: [UInt8]
        init(_ s: Segmentation) {
            coefficients = s.coefficients.map(\.bitPattern)
            values = s.values.map(\.bitPattern)
            mask = s.mask
        }
    }

    func testSameBitsWithOneAndTwoThreadsRunAfterRun() throws {
        for (m, model) in Self.models.enumerated() {
            let (h, w) = (37, 29)
            let img = image(h, w, seed: m)
            let reference = Result(try Segmenter(model: model, threads: 1).segment(pixels: img, width: w, height: h))
            XCTAssert(reference.mask.contains(0) || reference.mask.contains(1))
            let reused = [try Segmenter(model: model, threads: 1), try Segmenter(model: model, threads: 2)]
            for run in 0..<20 {
                for seg in reused {
                    let r = Result(try seg.segment(pixels: img, width: w, height: h))
                    XCTAssertEqual(r, reference, "model \(m), run \(run), reused segmenter, threads \(seg.threads)")
                }
                let fresh = Result(try Segmenter(model: model, threads: 1 + run % 2).segment(pixels: img, width: w, height: h))
                XCTAssertEqual(fresh, reference, "model \(m), run \(run), fresh segmenter, threads \(1 + run % 2)")
            }
        }
    }

    func testConcurrentSegmentersSharingAModelAgree() throws {
        let model = Self.models[0]
        let (h, w) = (24, 40)
        let images = (0..<4).map { image(h, w, seed: $0) }
        let expected = try images.map { Result(try Segmenter(model: model, threads: 1).segment(pixels: $0, width: w, height: h)) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var byWorker = [[Result]](repeating: [], count: 2)
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let seg = try! Segmenter(model: model, threads: 1 + worker)
            var mine: [Result] = []
            for run in 0..<10 {
                let k = (run + worker) % images.count
                mine.append(Result(try! seg.segment(pixels: images[k], width: w, height: h)))
            }
            results.lock.lock(); results.byWorker[worker] = mine; results.lock.unlock()
        }
        for worker in 0..<2 {
            XCTAssertEqual(results.byWorker[worker].count, 10)
            for (run, r) in results.byWorker[worker].enumerated() {
                XCTAssertEqual(r, expected[(run + worker) % images.count], "worker \(worker), run \(run)")
            }
        }
    }
}
