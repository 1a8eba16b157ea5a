import Foundation
import SplineModel
import SplineSegGolden
import XCTest

@testable import SplineSeg

/// Repository root from this file's path: Tests/SplineSegTests/TestSupport.swift -> up three.
func repositoryRoot(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// splitmix64-uniform/1 of tools/splineseg_train/golden.py (`GoldenWeights.uniform`).
func splitmixUniform(seed: UInt64, k: UInt64) -> Double { GoldenWeights.uniform(seed: seed, k: k) }

/// A safetensors file from (name, shape, values) in order (F32, contiguous, no gaps).
func safetensorsBytes(_ tensors: [(name: String, shape: [Int], values: [Float])], metadata: Bool = true) -> [UInt8] {
    SafeTensors.encode(tensors, metadata: metadata ? ["format": "test"] : nil)
}

/// 8-byte little-endian header length + header + data.
func withHeader(_ header: [UInt8], data: [UInt8]) -> [UInt8] {
    var out = [UInt8]()
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
    return out + header + data
}

/// A spec for an architecture with default preprocessing and the given sha256.
func makeSpec(_ arch: String, input: Int, degree: Int, depth: Int? = nil, bottleneck: Int? = nil,
              filters: Int? = nil, sha256: String = String(repeating: "0", count: 64)) -> ModelSpec {
    let o: Int
    switch arch {
    case "vgg-implicit1": o = input / 4
    case "vgg-implicit2": o = input / 8
    default: o = (bottleneck ?? 1) << (depth ?? 0)
    }
    return ModelSpec(name: "test", architecture: arch, input: input, coefficients: o, degree: degree,
                     depth: depth, bottleneck: bottleneck, filters: filters,
                     preprocessing: .init(parameters: .init(input: input)), sha256: sha256)
}

/// Random weights for `spec` (uniform in +-sqrt(3/fan-in)-ish ranges, BatchNorm variances in
/// [0.5, 2]) and the matching safetensors bytes; returns the spec with the right sha256.
func randomModelFile(_ spec: ModelSpec, seed: UInt64) -> (spec: ModelSpec, bytes: [UInt8]) {
    var k: UInt64 = 0
    var tensors: [(name: String, shape: [Int], values: [Float])] = []
    for (name, shape) in NetworkBuilder.manifest(spec: spec) {
        let n = shape.reduce(1, *)
        let (lo, hi): (Double, Double)
        if name.hasSuffix("running_var") { (lo, hi) = (0.5, 2) }
        else if name.hasSuffix("running_mean") || name.hasSuffix("bias") { (lo, hi) = (-0.2, 0.2) }
        else if name.contains(".bn.") { (lo, hi) = (0.5, 1.5) }
        else {
            let fan = Double(shape.count == 4 ? shape[1] * shape[2] * shape[3] : 1)
            (lo, hi) = (-(6 / fan).squareRoot(), (6 / fan).squareRoot())
        }
        let v = (0..<n).map { _ -> Float in k += 1; return Float(lo + (hi - lo) * splitmixUniform(seed: seed, k: k)) }
        tensors.append((name, shape, v))
    }
    let bytes = safetensorsBytes(tensors)
    var s = spec
    s.sha256 = SHA256.hex(bytes)
    return (s, bytes)
}

/// Max |a - b| and max |b| (the reference), by `LayerComparison.maxAbsDifference`: a NaN makes
/// the difference NaN, which fails every tolerance; arrays of different lengths, infinite.
func maxDiff(_ a: [Float], _ b: [Float]) -> (diff: Double, ref: Double) {
    guard a.count == b.count else { return (.infinity, 0) }
    let d = LayerComparison.maxAbsDifference(a, b)
    return (d.diff, d.refMax)
}

/// Asserts `body` throws a ModelError whose description contains `fragment`.
func assertModelError(_ fragment: String, file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws(ModelError) -> Void) {
    do {
        try body()
        XCTFail("expected a ModelError containing '\(fragment)'", file: file, line: line)
    } catch {
        XCTAssert(error.description.contains(fragment), "error '\(error)' lacks '\(fragment)'", file: file, line: line)
    }
}

/// Reproducible RandomNumberGenerator (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
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
