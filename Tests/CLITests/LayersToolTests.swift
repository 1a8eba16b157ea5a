import Foundation
import XCTest

/// `splineseg-layers`, the per-layer comparison tool: exit 0 within tolerance, 1 naming the first
/// layer out of tolerance, 2 when the fixture cannot be read.
final class LayersToolTests: XCTestCase {
    let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/golden/unet-d2b2f4-i32-p1.json").path

    func testFixtureWithinTolerance() throws {
        let r = try runCLI([fixture], executable: "splineseg-layers")
        XCTAssertEqual(r.status, 0, r.stdoutText + r.stderr)
        for engine in ["[fast]", "[fastDirect]", "[reference]"] { XCTAssert(r.stdoutText.contains(engine), engine) }
        XCTAssert(r.stdoutText.contains("encoder.0.conv1"))
        // The fast engine's plan for this fixture has Winograd and direct layers: each gets its figure.
        XCTAssert(r.stdoutText.contains("worst per kernel: "), r.stdoutText)
        XCTAssert(r.stdoutText.contains("conv3x3/winogradF43 "), r.stdoutText)
        XCTAssert(r.stdoutText.contains("conv3x3/direct "), r.stdoutText)
        XCTAssert(r.stdoutText.hasSuffix("all within tolerance\n"), r.stdoutText)
    }

    func testOutOfToleranceNamesTheFirstLayer() throws {
        let r = try runCLI([fixture, "--engine", "reference", "--tolerance", "0", "--quiet"], executable: "splineseg-layers")
        XCTAssertEqual(r.status, 1, r.stdoutText + r.stderr)
        XCTAssert(r.stdoutText.contains("first out of tolerance: encoder.0.conv1"), r.stdoutText)
        // Its largest element differences (8 by default) follow.
        let lines = r.stdoutText.split(separator: "\n")
        let k = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("largest differences in encoder.0.conv1 ") }, r.stdoutText)
        XCTAssertEqual(lines[(k + 1)...].prefix { $0.hasPrefix("  (") }.count, 8, r.stdoutText)
    }

    func testLayerOption() throws {
        let r = try runCLI([fixture, "--engine", "fast", "--layer", "head", "--top", "3", "--quiet"], executable: "splineseg-layers")
        XCTAssertEqual(r.status, 0, r.stdoutText + r.stderr)
        let lines = r.stdoutText.split(separator: "\n")
        let k = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("largest differences in head ") }, r.stdoutText)
        XCTAssertEqual(lines[(k + 1)...].prefix { $0.hasPrefix("  (0, ") }.count, 3, r.stdoutText)
    }

    func testEnginesOnAModel() throws {
        let r = try runCLI(["--model", "weights/la-unet-d4b4f8-i128.json", "--engine", "fastDirect", "--against", "reference"],
                           executable: "splineseg-layers")
        XCTAssertEqual(r.status, 0, r.stdoutText + r.stderr)
        XCTAssert(r.stdoutText.contains("[fastDirect against reference]"), r.stdoutText)
    }

    func testUsageError() throws {
        let r = try runCLI(["--model", "weights/la-unet-d4b4f8-i128.json", fixture], executable: "splineseg-layers")
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderrLines.count, 1, r.stderr)
        XCTAssert(r.stderr.contains("give either a fixture index or --model"), r.stderr)
    }

    func testNothingToCompare() throws {
        for args in [["--model", "weights/la-unet-d4b4f8-i128.json", "--engine", "fast", "--against", "fast"],
                     ["--model", "weights/la-unet-d4b4f8-i128.json", "--engine", "reference"],
                     [fixture, "--against", "fast"]] {
            let r = try runCLI(args, executable: "splineseg-layers")
            XCTAssertEqual(r.status, 2, "\(args)")
            XCTAssertEqual(r.stderrLines.count, 1, r.stderr)
            XCTAssertEqual(r.stdout.count, 0, "\(args): nothing printed as if compared")
        }
    }

    func testUnreadableFixture() throws {
        let r = try runCLI(["Tests/Fixtures/golden/absent.json"], executable: "splineseg-layers")
        XCTAssertEqual(r.status, 2)
        XCTAssert(r.stderr.hasPrefix("splineseg-layers: error: cannot read"), r.stderr)
    }
}
