import Dispatch
import XCTest
@testable import SplineKernels

// The F(4x4) conv of a one-block layer run as two phases (`WinogradPhase`: the input transform
// split by channel blocks into part 0's scratch, then each output-channel half's GEMMs from it)
// against the whole call: bitwise the same, for any split of the units between calls and threads,
// with and without the fused pools.
final class WinogradPhaseTests: XCTestCase {
    /// (C, K, H, W): one block split by output channels (two units); odd channel-block counts
    /// (3 and 1: one unit transforms nothing), odd tile counts (a pad tile), partial edge tiles.
    let shapes = [(20, 40, 8, 8), (64, 128, 8, 8), (16, 32, 6, 10), (24, 48, 4, 4), (8, 32, 12, 10), (40, 64, 14, 6)]

    /// Runs `phases` in turn, each over `splits` (one call per range, concurrently when `threads` > 1;
    /// call j uses scratch slot j, the shared scratch is slot 0), and returns the output interior.
    func run(_ c: Int, _ k: Int, _ h: Int, _ w: Int, input: [Float], packed: [Float], pools: Bool,
             phases: [WinogradPhase], splits: [Range<Int>], threads: Int) -> [Float] {
        let inShape = ActShape(channels: c, height: h, width: w), outShape = ActShape(channels: k, height: h, width: w)
        let half = ActShape(channels: k, height: h / 2, width: w / 2)
        let inBuf = AlignedFloats(packNCHWc8(input, inShape)), wBuf = AlignedFloats(packed)
        let outBuf = AlignedFloats(zeroed: outShape.count)
        let maxBuf = AlignedFloats(zeroed: half.count), avgBuf = AlignedFloats(zeroed: half.count)
        let slot = winogradF43ScratchCount(inChannels: c, outChannels: k, height: h, width: w)
        // Stale data in the scratch: a phase must not read what it did not write.
        let scratch = AlignedFloats(repeating: .nan, count: slot * max(2, splits.count))
        nonisolated(unsafe) let i = UnsafePointer(inBuf.base), wt = UnsafePointer(wBuf.base), o = outBuf.base
        nonisolated(unsafe) let s = scratch.base, mp = maxBuf.base, ap = avgBuf.base
        let call: @Sendable (Int, WinogradPhase) -> Void = { j, phase in
            let shared: UnsafeMutablePointer<Float>? = phase == .whole ? nil : s
            if pools {
                f32_conv3x3_winograd4x4_c8_6x16_relu_pool2x2s2_avx2(
                    input: i, output: o, maxPooled: mp, avgPooled: ap, weights: wt, scratch: s + j * slot,
                    inChannels: c, outChannels: k, height: h, width: w, blocks: splits[j], phase: phase, sharedScratch: shared)
            } else {
                f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(
                    input: i, output: o, weights: wt, scratch: s + j * slot, inChannels: c, outChannels: k,
                    height: h, width: w, blocks: splits[j], phase: phase, sharedScratch: shared)
            }
        }
        for phase in phases {
            if threads > 1 {
                DispatchQueue.concurrentPerform(iterations: splits.count) { j in call(j, phase) }
            } else {
                for j in splits.indices { call(j, phase) }
            }
        }
        var out = unpackNCHWc8(Array(UnsafeBufferPointer(start: outBuf.base, count: outShape.count)), outShape)
        if pools {
            out += unpackNCHWc8(Array(UnsafeBufferPointer(start: maxBuf.base, count: half.count)), half)
            out += unpackNCHWc8(Array(UnsafeBufferPointer(start: avgBuf.base, count: half.count)), half)
        }
        return out
    }

    func testPhasesEqualWholeCallBitwise() {
        for (c, k, h, w) in shapes {
            XCTAssertEqual(winogradF43BlockCount(inChannels: c, outChannels: k, height: h, width: w), 2,
                           "C\(c) K\(k) \(h)x\(w): one block, two output-channel halves")
            var rng = WinoLCG(state: 11)
            let input = (0..<(c * h * w)).map { _ in rng.next() }
            let packed = winogradF43PackWeights(weights: (0..<(k * c * 9)).map { _ in rng.next() * 0.1 },
                                                bias: (0..<k).map { _ in rng.next() }, inChannels: c, outChannels: k)
            for pools in [false, true] where !pools || (h % 2 == 0 && w % 2 == 0) {
                let whole = run(c, k, h, w, input: input, packed: packed, pools: pools, phases: [.whole], splits: [0..<2], threads: 1)
                for (name, splits, threads) in [("one call", [0..<2], 1), ("per unit", [0..<1, 1..<2], 1),
                                                ("reversed", [1..<2, 0..<1], 1), ("2 threads", [0..<1, 1..<2], 2)] {
                    let out = run(c, k, h, w, input: input, packed: packed, pools: pools, phases: [.transform, .gemm],
                                  splits: splits, threads: threads)
                    let differing = zip(out, whole).filter { $0.bitPattern != $1.bitPattern }.count
                    XCTAssertEqual(out.count, whole.count)
                    XCTAssertEqual(differing, 0, "C\(c) K\(k) \(h)x\(w) pools \(pools): phases \(name), \(differing) of \(whole.count) values differ")
                }
            }
        }
    }

    /// The layers that share the transform: one block split by output channels, at least 512 input
    /// channels and `winogradSharedTransformMinWork` of tiles x input channels (UNet f64 @512's
    /// decoder and bottleneck layers); not the small ones (the built-in model's 8 x 8 levels,
    /// 16-tile layers of 256) nor 256 -> 256 @32 (measured slower shared).
    func testWhichLayersShareTheTransform() {
        for (c, k, hw) in [(512, 256, 32), (1024, 512, 16), (512, 1024, 32), (1024, 1024, 32), (512, 512, 32)] {
            XCTAssertTrue(winogradF43SharesTransform(inChannels: c, outChannels: k, height: hw, width: hw), "\(c)->\(k) @\(hw)")
        }
        for (c, k, hw) in [(128, 128, 8), (64, 128, 8), (256, 256, 16), (256, 256, 32), (512, 512, 8), (64, 64, 256), (16, 16, 8)] {
            XCTAssertFalse(winogradF43SharesTransform(inChannels: c, outChannels: k, height: hw, width: hw), "\(c)->\(k) @\(hw)")
        }
    }
}
