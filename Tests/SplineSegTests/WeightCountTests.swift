import SplineModel
import XCTest

@testable import SplineSeg

/// ModelSpec.weightCount (arithmetic only) against the builder's manifest, the validate() cap,
/// and the .sspack size check that runs before planning (planning allocates every weight).
final class WeightCountTests: XCTestCase {
    func testMatchesManifest() {
        let specs = [
            makeSpec("unet-implicit", input: 16, degree: 1, depth: 1, bottleneck: 2, filters: 4),
            makeSpec("unet-implicit", input: 64, degree: 3, depth: 3, bottleneck: 2, filters: 8),
            makeSpec("unet-implicit", input: 128, degree: 1, depth: 4, bottleneck: 4, filters: 8),
            makeSpec("unet-implicit", input: 8, degree: 0, depth: 0, bottleneck: 8, filters: 3),
            makeSpec("vgg-implicit1", input: 28, degree: 2),
            makeSpec("vgg-implicit2", input: 24, degree: 1),
        ]
        for s in specs {
            let manifest = NetworkBuilder.manifest(spec: s).reduce(0) { $0 + $1.shape.reduce(1, *) }
            XCTAssertEqual(s.weightCount, manifest, "\(s.architecture) d=\(s.depth ?? -1) f=\(s.filters ?? -1)")
        }
        // The shipped model and the paper's largest UNet (PyTorch state_dict sizes without
        // num_batches_tracked: 488,617 and 31,054,145).
        XCTAssertEqual(makeSpec("unet-implicit", input: 128, degree: 1, depth: 4, bottleneck: 4, filters: 8).weightCount, 488_617)
        XCTAssertEqual(makeSpec("unet-implicit", input: 512, degree: 1, depth: 4, bottleneck: 8, filters: 64).weightCount, 31_054_145)
    }

    func testValidateRefusesHugeNetworks() {
        // d = 10, f = 64: 65,536 channels at the bottom, ~10^11 weights (validate's other rules allow it).
        let huge = makeSpec("unet-implicit", input: 1024, degree: 1, depth: 10, bottleneck: 1, filters: 64)
        XCTAssertGreaterThan(huge.weightCount, ModelSpec.maxWeights)
        assertModelError("more than this runtime's limit") { () throws(ModelError) in try huge.validate() }
        let big = makeSpec("unet-implicit", input: 16, degree: 1, depth: 1, bottleneck: 8, filters: 4096)  // ~1.1 x 10^9
        assertModelError("weights, more than") { () throws(ModelError) in try big.validate() }
    }

    func testSmallPackForBigSpecIsRefusedBeforePlanning() {
        // A valid spec of ~50 M weights and a 128-float pack claiming its hash: refused by size.
        var spec = makeSpec("unet-implicit", input: 64, degree: 1, depth: 2, bottleneck: 2, filters: 512)
        XCTAssertNoThrow(try spec.validate())
        spec.sha256 = String(repeating: "a", count: 64)
        let pack = SSPack.encode(weights: [Float](repeating: 0, count: 128), weightsSHA256: spec.sha256,
                                 planHash: String(repeating: "b", count: 64))
        assertModelError("far fewer than the spec's") { () throws(ModelError) in _ = try SplineSegModel.load(spec: spec, sspack: pack) }
    }
}
