import Foundation
import XCTest

/// segment, segment-volume, models and bench through the real binary (tiny untrained model:
/// the masks mean nothing, the plumbing is what is tested).
final class SegmentTests: XCTestCase {
    func testOneImageAllOutputs() throws {
        let dir = try makeTempDir(self)
        let model = try copyTinyModel(to: dir)
        let image = dir + "/slice.png"
        try Data(grayPNG(width: 12, height: 9, pixels: (0..<108).map { UInt8($0 * 2) })).write(to: URL(fileURLWithPath: image))
        let r = try runCLI([
            "segment", "--model", model, image, "-o", dir + "/m.png", "--overlay", dir + "/o.png", "--svg", dir + "/c.svg",
            "--geojson", dir + "/c.geojson", "--coefficients", dir + "/c.npy", "--json", "--spacing", "0.5",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let summary = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        XCTAssertEqual(summary["width"] as? Int, 12)
        let px = summary["area_px"] as! Int
        XCTAssertEqual(summary["area_mm2"] as! Double, Double(px) * 0.25, accuracy: 1e-9)
        let mask = try Data(contentsOf: URL(fileURLWithPath: dir + "/m.png"))
        XCTAssertEqual(Array(mask.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertEqual(mask[16..<24].map { $0 }, [0, 0, 0, 12, 0, 0, 0, 9], "mask at the image's own size")
        let npy = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/c.npy")))
        XCTAssertEqual(npy.count, 128 + 16 * 4)  // header padded to 128, 4 x 4 f32
        XCTAssertTrue(String(decoding: npy[10..<128], as: UTF8.self).contains("'shape': (4, 4)"))
        XCTAssertTrue(try String(contentsOfFile: dir + "/c.svg", encoding: .utf8).hasPrefix("<svg"))
        let geo = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/c.geojson"))) as! [String: Any]
        XCTAssertEqual(geo["type"] as? String, "FeatureCollection")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/o.png"))

        // --scale 2: (2(H-1)+1) x (2(W-1)+1) mask.
        XCTAssertEqual(try runCLI(["segment", "--model", model, image, "-o", dir + "/s.png", "--scale", "2"]).status, 0)
        let scaled = try Data(contentsOf: URL(fileURLWithPath: dir + "/s.png"))
        XCTAssertEqual(scaled[16..<24].map { $0 }, [0, 0, 0, 23, 0, 0, 0, 17])
    }

    func testDirectoryInputWritesOneMaskPerImage() throws {
        let dir = try makeTempDir(self)
        let model = try copyTinyModel(to: dir)
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: false)
        for name in ["a", "b"] {
            try Data(grayPNG(width: 6, height: 6, pixels: [UInt8](repeating: 9, count: 36))).write(to: URL(fileURLWithPath: "\(dir)/in/\(name).png"))
        }
        let r = try runCLI(["segment", "--model", model, dir + "/in", "-o", dir + "/out", "--coefficients", dir + "/out"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(listing(dir + "/out"), ["a.ssc", "a_mask.png", "b.ssc", "b_mask.png"])
        let ssc = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/out/a.ssc")))
        XCTAssertEqual(Array(ssc[0..<16]), Array("SSC1".utf8) + [4, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0])
        XCTAssertEqual(ssc.count, 16 + 64)
    }

    func testBadInputsOneLineDocumentedCodeNoPartialFile() throws {
        let dir = try makeTempDir(self)
        let model = try copyTinyModel(to: dir)
        let out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let good = dir + "/g.png"
        try Data(grayPNG(width: 4, height: 4, pixels: [UInt8](repeating: 1, count: 16))).write(to: URL(fileURLWithPath: good))
        let corrupt = dir + "/corrupt.png"
        try Data(grayPNG(width: 4, height: 4, pixels: [UInt8](repeating: 1, count: 16)).prefix(40)).write(to: URL(fileURLWithPath: corrupt))
        let colour = dir + "/rgb.png"
        try Data(grayPNG(width: 2, height: 2, pixels: [UInt8](repeating: 7, count: 12), channels: 3)).write(to: URL(fileURLWithPath: colour))

        assertFails(try runCLI(["segment", "--model", model, dir + "/missing.png", "-o", out + "/m.png"]), code: 3, mentioning: "missing.png: no such file")
        assertFails(try runCLI(["segment", "--model", model, corrupt, "-o", out + "/m.png"]), code: 4, mentioning: "corrupt.png")
        assertFails(try runCLI(["segment", "--model", model, colour, "-o", out + "/m.png"]), code: 4, mentioning: "convert it to grayscale")
        assertFails(try runCLI(["segment", "--model", model, good, "-o", dir + "/nodir/m.png"]), code: 5, mentioning: "nodir: no such directory")
        assertFails(try runCLI(["segment", "--model", "no-such-builtin", good, "-o", out + "/m.png"]), code: 6, mentioning: "no such model spec or built-in model")
        assertFails(try runCLI(["segment", "--model", dir + "/nope.json", good, "-o", out + "/m.png"]), code: 6, mentioning: "no such model spec")
        try Data("{\"format\": \"splineseg-model/1\"}".utf8).write(to: URL(fileURLWithPath: dir + "/broken.json"))
        assertFails(try runCLI(["segment", "--model", dir + "/broken.json", good, "-o", out + "/m.png"]), code: 6, mentioning: "broken.json")
        try FileManager.default.createDirectory(atPath: dir + "/emptydir", withIntermediateDirectories: false)
        assertFails(try runCLI(["segment", "--model", model, dir + "/emptydir", "-o", out]), code: 3, mentioning: "no .png images")
        XCTAssertEqual(listing(out), [], "no output, not even a temporary, after failures")
    }

    func testSegmentVolumeKeepsGeometryAndReportsVolume() throws {
        let dir = try makeTempDir(self)
        let model = try copyTinyModel(to: dir)
        let input = repositoryRoot.appendingPathComponent("Tests/Fixtures/nifti/syn_16_little.nii").path
        let out = dir + "/mask.nii.gz"
        let r = try runCLI(["segment-volume", "--model", model, input, "-o", out, "--progress", "--largest-component"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdoutText.contains(" mL"), r.stdoutText)
        XCTAssertTrue(r.stderr.contains("slices/s"), "forced progress bar: \(r.stderr)")
        // The mask reads back through evaluate (same shape and spacing as the input's own grid).
        let check = try runCLI(["evaluate", out, out, "--format", "csv"])
        XCTAssertEqual(check.status, 0, check.stderr)

        let quiet = try runCLI(["segment-volume", "--model", model, input, "-o", dir + "/q.nii"])
        XCTAssertFalse(quiet.stderr.contains("slices/s"), "no progress bar when stderr is not a terminal")

        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir + "/bad.nii"))
        assertFails(try runCLI(["segment-volume", "--model", model, dir + "/bad.nii", "-o", dir + "/x.nii"]), code: 4, mentioning: "bad.nii")
        assertFails(try runCLI(["segment-volume", "--model", model, dir + "/none.nii", "-o", dir + "/x.nii"]), code: 3, mentioning: "none.nii")
        assertFails(try runCLI(["segment-volume", "--model", model, input, "-o", dir + "/nodir/x.nii"]), code: 5, mentioning: "nodir")
        assertFails(try runCLI(["segment-volume", "--model", model, input, "-o", dir + "/x.png"]), code: 2, mentioning: ".nii or .nii.gz")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.nii"))
    }

    func testModelsAndBench() throws {
        let dir = try makeTempDir(self)
        _ = try copyTinyModel(to: dir)
        let m = try runCLI(["models", "--dir", dir])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stdoutText.contains("tiny-unet  unet-implicit  16  4  1  "), m.stdoutText)
        XCTAssertTrue(m.stdoutText.contains("built-in (default)"), m.stdoutText)
        assertFails(try runCLI(["models", "--dir", dir + "/none"]), code: 3, mentioning: "no such directory")
        let b = try runCLI(["bench", "--model", dir + "/tiny-unet.json", "--iterations", "3", "--warmup", "1"])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertTrue(b.stdoutText.contains("slices/s"), b.stdoutText)
        XCTAssertFalse(b.stdoutText.contains("worker stalls"), "1 thread has no workers: \(b.stdoutText)")
        let b2 = try runCLI(["bench", "--model", dir + "/tiny-unet.json", "--iterations", "3", "--warmup", "1", "--threads", "2"])
        XCTAssertEqual(b2.status, 0, b2.stderr)
        XCTAssertTrue(b2.stdoutText.contains("2 thread(s)") && b2.stdoutText.contains("worker stalls"), b2.stdoutText)
    }

    /// The README's first command: the built-in model (no --model) on the shipped example slice,
    /// checked against that slice's manual mask with `splineseg evaluate`.
    func testBuiltInModelSegmentsTheExampleSlice() throws {
        let dir = try makeTempDir(self)
        let image = repositoryRoot.appendingPathComponent("examples/la2018-23X6SY44VT9KFHR7S7OC-z50.png").path
        let truth = repositoryRoot.appendingPathComponent("examples/la2018-23X6SY44VT9KFHR7S7OC-z50-mask.png").path
        let r = try runCLI(["segment", image, "-o", dir + "/mask.png", "--overlay", dir + "/overlay.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/overlay.png"))
        let e = try runCLI(["evaluate", dir + "/mask.png", truth, "--format", "json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(e.stdoutText.utf8)) as? [String: Any]
        let volumes = json?["volumes"] as? [[String: Any]]
        let dice = volumes?.first?["dice"] as? Double
        XCTAssertNotNil(dice, e.stdoutText)
        print("built-in model on the example slice: Dice \(dice ?? -1)")
        // The shipped model's validation mean Dice is recorded in its spec; one good slice of a
        // validation case must be well segmented.
        XCTAssertGreaterThan(dice ?? 0, 0.85, e.stdoutText)
    }

    /// segment-volume on a real la2018 validation volume with the built-in model: the output keeps
    /// the input's geometry (evaluate accepts it against the manual mask) and overlaps it well.
    func testSegmentVolumeOnARealValidationVolume() throws {
        let dir = try makeTempDir(self)
        let scan = sharedData + "/la2018/images/23X6SY44VT9KFHR7S7OC.nii.gz"
        let truth = la2018Masks + "/23X6SY44VT9KFHR7S7OC.nii.gz"
        XCTAssertTrue(FileManager.default.fileExists(atPath: scan), "missing shared data: \(scan)")
        let r = try runCLI(["segment-volume", scan, "-o", dir + "/pred.nii.gz"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdoutText.contains(" mL"), r.stdoutText)
        let e = try runCLI(["evaluate", dir + "/pred.nii.gz", truth, "--format", "json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(e.stdoutText.utf8)) as? [String: Any]
        let dice = (json?["volumes"] as? [[String: Any]])?.first?["dice"] as? Double
        print("built-in model, segment-volume 23X6SY44VT9KFHR7S7OC: \(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)); Dice \(dice ?? -1)")
        // tools/evaluate.py measured 0.9070 for this volume with the same weights (PyTorch).
        XCTAssertEqual(dice ?? 0, 0.9070, accuracy: 0.002, e.stdoutText)
    }
}

