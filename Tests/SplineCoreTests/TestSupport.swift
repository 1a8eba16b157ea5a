import Foundation
import SplineCore
import XCTest

/// Repository root from this file's path: Tests/SplineCoreTests/TestSupport.swift -> up two.
func repositoryRoot(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// Deterministic pseudo-random numbers (SplitMix64) so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomSpline(size o: Int, degree p: Int, seed: UInt64) throws -> ImplicitSpline {
    var g = SplitMix(state: seed)
    let c = (0..<(o * o)).map { _ in Float.random(in: -1...1, using: &g) }
    return try ImplicitSpline(size: o, degree: p, coefficients: c)
}
