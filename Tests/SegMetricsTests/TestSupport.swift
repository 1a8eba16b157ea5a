import Foundation
import XCTest

/// Repository root: this file is <root>/Tests/SegMetricsTests/TestSupport.swift.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
/// Shared data next to the repository (see /work/shared/data/README.md).
let sharedDataRoot = repositoryRoot.appendingPathComponent("../shared/data").standardized

/// Deterministic generator (SplitMix64) so random cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random mask where each voxel is foreground with probability `density`.
func randomMask(count: Int, density: Double, rng: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in Double.random(in: 0..<1, using: &rng) < density ? 1 : 0 }
}

/// A mask of `shape` whose foreground is the given voxels (2-D (i, j) or 3-D (i, j, k)).
func mask(shape: [Int], _ voxels: [[Int]]) -> [UInt8] {
    var m = [UInt8](repeating: 0, count: shape.reduce(1, *))
    for v in voxels {
        let k = v.count == 3 ? v[2] : 0
        m[v[0] + shape[0] * (v[1] + shape[1] * k)] = 1
    }
    return m
}

/// A 2-D rectangle x in xs, y in ys.
func rectangle(shape: [Int], xs: ClosedRange<Int>, ys: ClosedRange<Int>) -> [UInt8] {
    mask(shape: shape, xs.flatMap { x in ys.map { [x, $0] } })
}

/// Equal within `tolerance`, treating equal infinities as equal.
func assertClose(
    _ a: Double, _ b: Double, _ tolerance: Double, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    if a.isInfinite || b.isInfinite {
        XCTAssertEqual(a, b, message(), file: file, line: line)
    } else {
        XCTAssertEqual(a, b, accuracy: tolerance, message(), file: file, line: line)
    }
}
