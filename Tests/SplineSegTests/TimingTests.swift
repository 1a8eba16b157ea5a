import Foundation
import XCTest

@testable import SplineSeg

/// Times one slice through the reference engine for UNet(d=4, b=4, f=16) at I = 256 with random
/// weights (prints; timings are not asserted). Debug builds use I = 64 to keep the suite fast;
/// for the real figure run in release:
///   swift test -c release -Xswiftc -enable-testing --filter SplineSegTests.TimingTests
final class TimingTests: XCTestCase {
    func testReferenceEngineUNet() throws {
        #if DEBUG
        let input = 64
        #else
        let input = 256
        #endif
        let f = randomModelFile(makeSpec("unet-implicit", input: input, degree: 1, depth: 4, bottleneck: 4, filters: 16), seed: 11)
        let model = try SplineSegModel.load(spec: f.spec, safetensors: f.bytes)
        var g = SeededGenerator(seed: 5)
        let pixels = (0..<(input * input)).map { _ in Float.random(in: 0...255, using: &g) }
        var reference: [Float] = []
        for threads in [1, 2, ProcessInfo.processInfo.activeProcessorCount] {
            let seg = try Segmenter(model: model, threads: threads, engine: .reference)
            var best = Double.infinity
            var c: [Float] = []
            for _ in 0..<2 {
                let t0 = Date()
                c = try seg.coefficients(pixels: pixels, width: input, height: input)
                best = min(best, Date().timeIntervalSince(t0))
            }
            print(String(format: "reference engine UNet(d=4, b=4, f=16) I=%d: %.3f s per slice, %d thread(s)", input, best, threads))
            XCTAssertEqual(c.count, 64 * 64)
            XCTAssert(c.allSatisfy(\.isFinite))
            if reference.isEmpty { reference = c } else { XCTAssertEqual(c.map(\.bitPattern), reference.map(\.bitPattern)) }
        }
    }
}
