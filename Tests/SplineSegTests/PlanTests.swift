import Foundation
import SplineKernels
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
                for v in [s.maxPooled, s.avgPooled].compactMap({ $0 }) {
                    XCTAssertLessThanOrEqual(v.floatOffset + v.shape.count, p.buffers[v.buffer].shape.count)
                    XCTAssertEqual(v.shape, ActShape(channels: s.outChannels, height: s.height / 2, width: s.width / 2))
                }
            }
            print("\(name): plan \(p.hash.prefix(12)), \(p.steps.count) steps, arena \(p.arenaBytes(threads: 1)) bytes "
                  + "(1 thread; activations \(4 * p.activationFloats), without reuse \(4 * p.unsharedFloats)), "
                  + "\(p.arenaBytes(threads: 2)) bytes with 2 threads")
            if p.buffers.count > 3 { XCTAssertLessThan(p.activationFloats, p.unsharedFloats, name) }
        }
    }

    /// 2x2 pools after a Winograd conv + ReLU run in its output transform: the max pool, and the
    /// first 2x2 stage of a UNet skip pool (kernel 2: all of it; kernel 4: an avgPool(2) of the
    /// half-size means follows); without a max pool, the bottleneck's average pool likewise. A
    /// conv output read only by its pools is never stored.
    func testPoolsFuseIntoWinogradConvs() throws {
        let builtin = try SplineSegModel.load(specPath: Self.shippedSpecPath).plan   // I 128, O 64: skip pools of kernel 2
        let names = builtin.steps.map(\.name)
        // The 8-channel level runs direct convs: the first conv and both pools fuse into the
        // second conv's step (Conv3x3C1Conv3x3Direct.swift), whose output stays stored.
        for gone in ["encoder.0.conv1", "pools.0", "decoder.3.skip_pool"] { XCTAssertFalse(names.contains(gone), gone) }
        let first = builtin.steps[0]
        XCTAssertEqual(first.name, "encoder.0.conv2")
        XCTAssertEqual(first.algorithm, .direct)
        XCTAssertGreaterThanOrEqual(first.c1WeightOffset, 0)
        XCTAssertTrue(first.writesOutput)
        XCTAssertEqual(first.units, 64, "pooled rows: a part never splits a row pair")
        XCTAssertEqual(first.scratchFloats, c1DirectScratchCount(midChannels: 8, width: 128))
        XCTAssertEqual(first.produces.map(\.name), ["encoder.0.conv2", "pools.0", "decoder.3.skip_pool"])
        for level in 1...3 {
            XCTAssertFalse(names.contains("pools.\(level)"))
            XCTAssertFalse(names.contains("decoder.\(3 - level).skip_pool"))
            let conv = builtin.steps[try XCTUnwrap(names.firstIndex(of: "encoder.\(level).conv2"))]
            XCTAssertNotNil(conv.maxPooled)
            XCTAssertNotNil(conv.avgPooled)
            XCTAssertFalse(conv.writesOutput)
            XCTAssertEqual(conv.produces.map(\.name), ["pools.\(level)", "decoder.\(3 - level).skip_pool"])
        }
        let unet = try XCTUnwrap(FastEngineTests.fixtures.first { $0.name == "unet-d3b2f8-i64-p3" }).model.plan  // skip kernel 4
        let unames = unet.steps.map(\.name)
        let c = try XCTUnwrap(unames.firstIndex(of: "encoder.1.conv2"))
        XCTAssertEqual(unet.steps[c].produces.map(\.name), ["pools.1"])
        let rest = try XCTUnwrap(unames.firstIndex(of: "decoder.1.skip_pool"))
        XCTAssertEqual(unet.steps[rest].kind, .avgPool)
        XCTAssertEqual(unet.steps[rest].parameter, 2)
        XCTAssertEqual(unet.steps[rest].input, unet.steps[c].avgPooled)
        // The bottleneck's average pool alone (no max pool) fuses the same way: kernel 2 (built-in
        // model, 8 x 8 -> 4 x 4) all of it, kernel 4 (the fixture, 8 x 8 -> 2 x 2) its first stage.
        XCTAssertFalse(names.contains("bottleneck_pool"))
        let e4 = builtin.steps[try XCTUnwrap(names.firstIndex(of: "encoder.4.conv2"))]
        XCTAssertNil(e4.maxPooled)
        XCTAssertEqual(e4.avgPooled?.shape, ActShape(channels: 128, height: 4, width: 4))
        XCTAssertFalse(e4.writesOutput)
        XCTAssertEqual(e4.produces.map(\.name), ["bottleneck_pool"])
        let ub = try XCTUnwrap(unames.firstIndex(of: "encoder.3.conv2"))
        XCTAssertNil(unet.steps[ub].maxPooled)
        XCTAssertFalse(unet.steps[ub].writesOutput)
        XCTAssertEqual(unet.steps[ub].produces.map(\.name), [])
        let pool = try XCTUnwrap(unames.firstIndex(of: "bottleneck_pool"))
        XCTAssertEqual(pool, ub + 1)
        XCTAssertEqual(unet.steps[pool].parameter, 2)
        XCTAssertEqual(unet.steps[pool].input, unet.steps[ub].avgPooled)
        let vgg = try XCTUnwrap(FastEngineTests.fixtures.first { $0.name == "vgg1-i28-p2" }).model.plan
        let v = vgg.steps[try XCTUnwrap(vgg.steps.firstIndex { $0.name == "features.conv1_2" })]
        XCTAssertNotNil(v.maxPooled)
        XCTAssertNil(v.avgPooled)
        XCTAssertFalse(v.writesOutput)
        XCTAssertFalse(vgg.steps.contains { $0.kind == .maxPool2 })
    }

    /// The memory plan against its lower bound, the most floats alive at any one step: the
    /// built-in model's arena meets it (its first step, below), and so does every golden fixture's plan.
    func testArenaMeetsLiveLowerBound() throws {
        func lowerBound(_ p: ExecutionPlan) -> Int {
            (-1...p.steps.count).map { i in
                p.buffers.filter { $0.firstStep <= i && i <= $0.lastStep }.reduce(0) { $0 + $1.floats }
            }.max()!
        }
        let builtin = try SplineSegModel.load(specPath: Self.shippedSpecPath).plan
        // Step 0 (first conv + direct conv + pools): the input plane (130 x 130, 64-byte aligned),
        // the conv's output 8 x 130 x 130, its max-pooled copy 8 x 66 x 66 and the 16-channel
        // concat buffer that its mean-pooled copy (the skip) starts.
        XCTAssertEqual(lowerBound(builtin), 16912 + 8 * 130 * 130 + 8 * 66 * 66 + 16 * 66 * 66)
        XCTAssertEqual(builtin.activationFloats, lowerBound(builtin))
        for f in FastEngineTests.fixtures {
            XCTAssertEqual(f.model.plan.activationFloats, lowerBound(f.model.plan), f.name)
        }
    }

    /// A first conv (1 input channel) whose only reader is a Winograd F(6x6) conv + ReLU runs in
    /// that conv's input transform: one step reading the network input, and no buffer for the
    /// first conv's C-channel output. Fixtures: VGG2 at 24 (F63, 64 channels) fuses; VGG1 at 28
    /// (F43 picked) does not. Into a direct conv + ReLU it fuses too (per-part bands of scratch):
    /// the built-in model (8 channels).
    func testFirstConvFusesIntoWinogradF63() throws {
        let vgg2 = try XCTUnwrap(FastEngineTests.fixtures.first { $0.name == "vgg2-i24-p1" }).model.plan
        let first = vgg2.steps[0]
        XCTAssertEqual(first.name, "features.conv1_2")
        XCTAssertGreaterThanOrEqual(first.c1WeightOffset, 0)
        XCTAssertEqual(first.algorithm, .winogradF63)
        XCTAssertEqual(first.input.buffer, vgg2.inputBuffer)
        XCTAssertEqual(first.channels, 64)
        XCTAssertEqual(first.macs, (64 * 9 + 64 * 64 * 9) * 24 * 24)
        XCTAssertNotNil(first.maxPooled)
        XCTAssertFalse(vgg2.steps.contains { $0.name == "features.conv1_1" })
        XCTAssertFalse(vgg2.buffers.contains { $0.shape == ActShape(channels: 64, height: 24, width: 24) },
                       "the first conv's output is still stored")
        XCTAssertEqual(vgg2.steps.filter { $0.c1WeightOffset >= 0 }.count, 1)
        XCTAssertTrue(vgg2.summary.contains("conv3x3c1+relu+conv3x3[winogradF63+relu]"), vgg2.summary)
        let builtin = try SplineSegModel.load(specPath: Self.shippedSpecPath).plan
        XCTAssertEqual(builtin.steps[0].kind, .conv3x3)
        XCTAssertEqual(builtin.steps[0].algorithm, .direct)
        XCTAssertEqual(builtin.steps[0].input.buffer, builtin.inputBuffer)
        XCTAssertEqual(builtin.steps[0].macs, (8 * 9 + 8 * 8 * 9) * 128 * 128)
        XCTAssertEqual(builtin.steps.filter { $0.c1WeightOffset >= 0 }.count, 1)
        XCTAssertEqual(builtin.buffers.filter { $0.shape == ActShape(channels: 8, height: 128, width: 128) }.count, 1,
                       "the first conv's output is still stored")
        XCTAssertTrue(builtin.summary.contains("conv3x3c1+relu+conv3x3[direct+relu]"), builtin.summary)
        let vgg1 = try XCTUnwrap(FastEngineTests.fixtures.first { $0.name == "vgg1-i28-p2" }).model.plan
        XCTAssertEqual(vgg1.steps[0].kind, .conv3x3c1)
        XCTAssertEqual(vgg1.steps[1].algorithm, .winogradF43)
    }

    /// The network input is the dense 1-channel plane (PlaneShape) read by the first conv only;
    /// a 1-channel activation inside a network (UNet f = 1) stays NCHWc8 and goes to the ordinary
    /// conv3x3 (the conv3x3c1 kernels read the plane only), and the fast engine still matches the
    /// reference on such a model.
    func testInputPlaneLayout() throws {
        let builtin = try SplineSegModel.load(specPath: Self.shippedSpecPath).plan
        let input = builtin.buffers[builtin.inputBuffer]
        XCTAssertEqual(input.layout, .plane)
        XCTAssertEqual(input.count, 130 * 130)
        XCTAssertEqual(builtin.buffers.filter { $0.layout == .plane }.count, 1)
        XCTAssertEqual(builtin.steps.filter { $0.input.buffer == builtin.inputBuffer }.map(\.name), ["encoder.0.conv2"])
        XCTAssertGreaterThanOrEqual(builtin.steps[0].c1WeightOffset, 0)

        let f1 = randomModelFile(makeSpec("unet-implicit", input: 16, degree: 1, depth: 2, bottleneck: 2, filters: 1), seed: 11)
        let model = try SplineSegModel.load(spec: f1.spec, safetensors: f1.bytes)
        let plan = model.plan
        XCTAssertEqual(plan.buffers[plan.inputBuffer].layout, .plane)
        for s in plan.steps where s.kind == .conv3x3c1 || s.c1WeightOffset >= 0 {
            XCTAssertEqual(s.input.buffer, plan.inputBuffer, s.name)
        }
        let oneChannel = plan.steps.filter { $0.kind == .conv3x3 && $0.channels == 1 && $0.c1WeightOffset < 0 }
        XCTAssertFalse(oneChannel.isEmpty, "f = 1 has 1-channel activations inside the network")
        XCTAssertTrue(oneChannel.allSatisfy { $0.input.buffer != plan.inputBuffer })
        let pixels: [Float] = (0..<(20 * 18)).map { (i: Int) -> Float in Float((i * 37 + (i / 20) * 11) % 256) }
        let ref = try Segmenter(model: model, threads: 1, engine: .reference).segment(pixels: pixels, width: 20, height: 18)
        for threads in [1, 2] {
            let fast = try Segmenter(model: model, threads: threads, engine: .fast).segment(pixels: pixels, width: 20, height: 18)
            let d = zip(fast.coefficients, ref.coefficients).map { abs($0 - $1) }.max()!
            let scale = ref.coefficients.map(abs).max()!
            XCTAssertLessThanOrEqual(d, 1e-4 * max(scale, 1), "f = 1 UNet, \(threads) thread(s)")
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
        // The first skip pool runs in the first step (fused, a direct conv's pools).
        XCTAssertEqual(a.plan.steps[0].produces.last?.name, "decoder.3.skip_pool")
        let skip0 = try XCTUnwrap(a.plan.steps[0].avgPooled)
        let up = a.plan.steps[try XCTUnwrap(names.firstIndex(of: "decoder.3.upconv"))]
        XCTAssertEqual(up.output.buffer, skip0.buffer)
        XCTAssertEqual(up.output.floatOffset, skip0.shape.blocks * up.output.shape.blockStride)
        XCTAssertEqual(up.produces.map(\.name), ["decoder.3.upconv", "decoder.3.cat"])
    }
}
