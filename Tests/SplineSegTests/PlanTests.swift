import Foundation
import SplineModel
import XCTest

@testable import SplineSeg

/// The static memory plan: buffers alive at the same time never share memory, offsets are
/// 64-byte aligned, reuse makes the arena smaller than the sum of buffers, shared buffers get
/// their halos re-zeroed; the plan is deterministic (same hash from two builds).
final class PlanTests: XCTestCase {
    static let shippedSpecPath = repositoryRoot().appendingPathComponent("weights/la-unet-d4b4f8-i128.json").path

    func plans() throws -> [(String, SplineSegModel)] {
        FastEngineTests.fixtures.map { ($0.name, $0.model) } + [("la-unet-d4b4f8-i128", try SplineSegModel.load(specPath: Self.shippedSpecPath))]
    }

    func testLiveBuffersNeverOverlap() throws {
        for (name, model) in try plans() {
            let p = model.plan
            for (i, a) in p.buffers.enumerated() {
                XCTAssertEqual(a.offset % 16, 0, "\(name): buffer \(i) not 64-byte aligned")
                XCTAssertLessThanOrEqual(a.offset + a.floats, p.activationFloats)
                XCTAssertLessThanOrEqual(a.firstStep, a.lastStep)
                for (j, b) in p.buffers.enumerated() where j > i {
                    let liveTogether = a.firstStep <= b.lastStep && b.firstStep <= a.lastStep
                    let overlap = a.offset < b.offset + b.floats && b.offset < a.offset + a.floats
                    XCTAssertFalse(liveTogether && overlap, "\(name): buffers \(i) and \(j) overlap while both alive")
                    if overlap { XCTAssertNotEqual(a.preparation, .none, "\(name): shared buffer \(i) keeps a dirty halo") }
                }
            }
            // Every step reads buffers written earlier (or the input) and is within the arena.
            for (k, s) in p.steps.enumerated() {
                XCTAssertLessThan(p.buffers[s.input.buffer].firstStep, k, "\(name): step \(k) reads an unwritten buffer")
                XCTAssertLessThanOrEqual(s.output.floatOffset + s.output.shape.count, p.buffers[s.output.buffer].shape.count)
            }
            print("\(name): plan \(p.hash.prefix(12)), \(p.steps.count) steps, arena \(p.arenaBytes(threads: 1)) bytes "
                  + "(1 thread; activations \(4 * p.activationFloats), without reuse \(4 * p.unsharedFloats)), "
                  + "\(p.arenaBytes(threads: 2)) bytes with 2 threads")
            if p.buffers.count > 3 { XCTAssertLessThan(p.activationFloats, p.unsharedFloats, name) }
        }
    }

    func testDevModelPlanSummaryAndDeterminism() throws {
        let a = try SplineSegModel.load(specPath: Self.shippedSpecPath)
        let b = try SplineSegModel.load(specPath: Self.shippedSpecPath)
        XCTAssertEqual(a.planHash, b.planHash)
        XCTAssertEqual(a.plan, b.plan)
        print("la-unet-d4b4f8-i128 plan:\n" + a.plan.summary)
        // UNet skip pools run right after their skip: the full-resolution skip is dead before the
        // encoder goes deeper, and the transposed conv writes into the pooled skip's buffer.
        let names = a.plan.steps.map(\.name)
        let skip0 = try XCTUnwrap(names.firstIndex(of: "decoder.3.skip_pool"))
        XCTAssertEqual(names[skip0 - 1], "encoder.0.conv2")
        let up = a.plan.steps[try XCTUnwrap(names.firstIndex(of: "decoder.3.upconv"))]
        XCTAssertEqual(up.output.buffer, a.plan.steps[skip0].output.buffer)
        XCTAssertEqual(up.output.floatOffset, a.plan.steps[skip0].output.shape.blocks * up.output.shape.blockStride)
        XCTAssertEqual(up.produces.map(\.name), ["decoder.3.upconv", "decoder.3.cat"])
    }
}
