import XCTest
@testable import SplineKernels

// The F(4x4) conv of a one-block layer run as two phases (`WinogradPhase`: the input transform
// split by channel blocks into part 0's scratch, then each output-channel half's GEMMs from it)
// against the whole call: bitwise the same, for any split of the units between calls and threads.
// Through `winoRunFast` (guard pages after every buffer, NaN-filled scratch and output interior,
// halo checks). With the fused pools: WinogradPoolTests (its one-block shapes run the phases too).
final class WinogradPhaseTests: XCTestCase {
    func testPhasesEqualWholeCallBitwise() {
        // (C, K, H, W): odd channel-block counts (3 and 1: one unit transforms nothing), odd tile
        // counts (a pad tile), partial edge tiles.
        for (c, k, h, w) in [(20, 40, 8, 8), (64, 128, 8, 8), (16, 32, 6, 10), (24, 48, 4, 4), (8, 32, 12, 10), (40, 64, 14, 6)] {
            XCTAssertEqual(_wF43Blocking(inChannels: c, outChannels: k, height: h, width: w).kParts, 2,
                           "C\(c) K\(k) \(h)x\(w): one block, two output-channel halves")
            var rng = WinoLCG(state: 11)
            let input = (0..<(c * h * w)).map { _ in rng.next() }
            let packed = WinoAlgo.f43.pack((0..<(k * c * 9)).map { _ in rng.next() * 0.1 }, (0..<k).map { _ in rng.next() }, c, k)
            for relu in [false, true] {
                let whole = winoRunFast(.f43, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: relu)
                for (name, splits, threads) in [("one call", [0..<2], 1), ("per unit", [0..<1, 1..<2], 1),
                                                ("reversed", [1..<2, 0..<1], 1), ("2 threads", [0..<1, 1..<2], 2)] {
                    let out = winoRunFast(.f43, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: relu,
                                          splits: splits, threads: threads, phases: [.transform, .gemm])
                    let differing = zip(out, whole).filter { $0.bitPattern != $1.bitPattern }.count
                    XCTAssertEqual(out.count, whole.count)
                    XCTAssertEqual(differing, 0, "C\(c) K\(k) \(h)x\(w) relu \(relu): phases \(name), \(differing) of \(whole.count) values differ")
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
