import XCTest
@testable import SplineSeg
import SplineKernels
import SplineModel

/// `Preprocessor.write` (normalised native rows cached, column pass along output rows) against
/// its plain reference `referenceWrite`, bitwise, over both intensity maps, both geometries,
/// up- and downsampling, slices taller and wider than square, one-pixel sides, output sizes with
/// and without a remainder of four columns, and both pixel strides, with one workspace reused across sizes (stale rows would show: the (14, 16) and
/// (3, 5) slices start one row above the slice, row -1).
final class PreprocessTests: XCTestCase {
    func testWriteMatchesReferenceBitwise() {
        let sizes: [(h: Int, w: Int)] = [(16, 16), (23, 17), (17, 23), (1, 40), (40, 1), (5, 61), (61, 5),
                                         (1, 1), (9, 9), (40, 40), (2, 3), (33, 32), (14, 16), (16, 14), (3, 5)]
        var rng: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Float {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(rng >> 40) % 20001) / 10 - 1000
        }
        var cases = 0
        // I = 18: the column pass's four-column SIMD body and a two-column scalar tail.
        for input in [16, 18, 32] {
            for intensity in ["zscore-slice", "window"] {
                for geometry in ["pad-square", "stretch"] {
                    let params = ModelSpec.Preprocessing.Parameters(
                        input: input, intensity: intensity, window: intensity == "window" ? [-300, 500] : nil,
                        geometry: geometry)
                    let p = Preprocessor(params: params)
                    var ws = PreprocessWorkspace()
                    for (h, w) in sizes + sizes.reversed() {
                        let pixels = (0..<(h * w)).map { _ in next() }
                        for stride in [1, 8] {
                            let rowStride = input * stride + 8   // a row gap, as the padded arena has
                            var fast = [Float](repeating: .nan, count: input * rowStride)
                            var ref = fast
                            fast.withUnsafeMutableBufferPointer { o in
                                p.write(pixels, width: w, height: h, workspace: &ws, into: o.baseAddress!,
                                        rowStride: rowStride, pixelStride: stride)
                            }
                            var unused = PreprocessWorkspace()
                            ref.withUnsafeMutableBufferPointer { o in
                                p.referenceWrite(pixels, width: w, height: h, workspace: &unused, into: o.baseAddress!,
                                                 rowStride: rowStride, pixelStride: stride)
                            }
                            let same = zip(fast, ref).allSatisfy { $0.bitPattern == $1.bitPattern }
                            XCTAssertTrue(same, "I \(input) \(intensity) \(geometry) \(h)x\(w) stride \(stride)")
                            cases += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(cases, 3 * 2 * 2 * 30 * 2)
    }

    /// Parts run in reverse order on one thread.
    struct ReverseRunner: RowJobRunner {
        func run(parts: Int, context: UnsafeMutableRawPointer?,
                 _ job: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void) {
            for p in (0..<parts).reversed() { job(context, p, parts) }
        }
    }

    /// `write` split into parts (2, 3 and 7 in reverse order on one thread; 2 on a real worker
    /// pool) against the reference, bitwise: each part re-normalises the native rows it shares
    /// with its neighbour, stale rows of a part's slots would show. One workspace across sizes
    /// and part counts.
    func testWriteInPartsMatchesReferenceBitwise() {
        let pool = WorkerPool(threads: 2)
        var rng: UInt64 = 0x2545F4914F6CDD1D
        var ws = PreprocessWorkspace()
        var cases = 0
        for geometry in ["pad-square", "stretch"] {
            let params = ModelSpec.Preprocessing.Parameters(
                input: 18, intensity: "zscore-slice", window: nil, geometry: geometry)
            let p = Preprocessor(params: params)
            for (h, w) in [(16, 16), (23, 17), (17, 23), (5, 61), (61, 5), (40, 40), (3, 5), (1, 9)] {
                let pixels = (0..<(h * w)).map { _ -> Float in
                    rng = rng &* 6364136223846793005 &+ 1442695040888963407
                    return Float(Int(rng >> 40) % 20001) / 10 - 1000
                }
                for stride in [1, 8] {
                    let rowStride = 18 * stride + 8
                    var ref = [Float](repeating: .nan, count: 18 * rowStride)
                    var unused = PreprocessWorkspace()
                    ref.withUnsafeMutableBufferPointer { o in
                        p.referenceWrite(pixels, width: w, height: h, workspace: &unused, into: o.baseAddress!,
                                         rowStride: rowStride, pixelStride: stride)
                    }
                    let runners: [(any RowJobRunner, Int)] = [(ReverseRunner(), 2), (ReverseRunner(), 3),
                                                             (ReverseRunner(), 7), (pool, 2)]
                    for (runner, parts) in runners {
                        var fast = [Float](repeating: .nan, count: 18 * rowStride)
                        fast.withUnsafeMutableBufferPointer { o in
                            p.write(pixels, width: w, height: h, workspace: &ws, into: o.baseAddress!,
                                    rowStride: rowStride, pixelStride: stride, runner: runner, parts: parts)
                        }
                        let same = zip(fast, ref).allSatisfy { $0.bitPattern == $1.bitPattern }
                        XCTAssertTrue(same, "\(geometry) \(h)x\(w) stride \(stride) \(parts) parts \(runner)")
                        cases += 1
                    }
                }
            }
        }
        XCTAssertEqual(cases, 2 * 8 * 2 * 4)
    }

    /// `numpyPairwiseSum` against `np.add.reduce` on x_k = (7919 k mod 1000) / 7 + 0.001 k (bit
    /// patterns printed by NumPy 2.4.6), over lengths that take each branch: under 8, one
    /// 8-accumulator block with and without a remainder, and the recursive split.
    func testPairwiseSumMatchesNumPy() {
        let expected: [(Int, UInt64)] = [
            (1, 0x0), (7, 0x4083314f94556e4c), (8, 0x408520395810624d), (9, 0x4086b292def07e63),
            (127, 0x40c19236fc325282), (128, 0x40c1c534f496f784), (129, 0x40c1f269e92def08),
            (136, 0x40c28ce02ecfb9c8), (300, 0x40d4fdb666666667), (1000, 0x40f18b0a49249249),
            (16384, 0x4133e2fcf6ee2734), (65537, 0x415a0830d17b2c2e),
        ]
        for (n, bits) in expected {
            let x: [Double] = (0..<n).map { (k: Int) -> Double in
                let a: Double = Double((k * 7919) % 1000) / 7.0
                return a + 1e-3 * Double(k)
            }
            let s = numpyPairwiseSum(count: n) { x[$0] }
            XCTAssertEqual(s.bitPattern, bits, "n = \(n): \(s) against NumPy \(Double(bitPattern: bits))")
            var sequential = 0.0
            for v in x { sequential += v }
            if n == 65537 { XCTAssertNotEqual(sequential.bitPattern, bits, "a running sum would also do: weak case") }
        }
    }

    /// The z-score's mean and std are NumPy's `x.mean()` and `x.std()` of the float64 slice
    /// (37 x 29 float32 values (7919 k mod 1000) / 8 - 40, bit patterns from NumPy 2.4.6).
    func testZScoreMatchesNumPy() {
        let pixels: [Float] = (0..<(37 * 29)).map { (k: Int) -> Float in
            let a: Float = Float((k * 7919) % 1000) / 8
            return a - 40
        }
        let p = Preprocessor(params: .init(input: 16))
        let norm = p.normalization(pixels)
        XCTAssertEqual(norm.mean.bitPattern, 0x4036661d1b6fe547, "mean \(norm.mean)")
        XCTAssertEqual(norm.scale.bitPattern, 0x4042087c7600435a, "std \(norm.scale)")
    }
}
