import Foundation
import XCTest

/// `splineseg evaluate` end to end on real LA2018 masks and on PNG slice directories.
final class EvaluateTests: XCTestCase {
    let caseA = la2018Masks + "/06SR5RBREL16DQ6M8LWS.nii.gz"
    let caseB = la2018Masks + "/0RZDK210BSMWAA6467LU.nii.gz"

    func testRealMaskAgainstItselfIsPerfect() throws {
        let r = try runCLI(["evaluate", caseA, caseA, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.first, "case,accuracy,dice,jaccard,hd_mm,hd95_mm,assd_mm")
        XCTAssertEqual(lines.dropFirst().first, "06SR5RBREL16DQ6M8LWS,1.0,1.0,1.0,0.0,0.0,0.0")
    }

    func testDifferentShapesAreAClearError() throws {
        assertFails(try runCLI(["evaluate", caseA, caseB]), code: 8, mentioning: "shape 183x140x88 differs")
    }

    func testIntensityImageIsRefusedAsNonBinary() throws {
        let image = sharedData + "/la2018/images/06SR5RBREL16DQ6M8LWS.nii.gz"
        assertFails(try runCLI(["evaluate", image, caseA]), code: 4, mentioning: "one nonzero value = foreground")
    }

    func testNIfTIDirectoriesGiveMeanAndStdAndJSON() throws {
        let dir = try makeTempDir(self)
        try FileManager.default.createDirectory(atPath: dir + "/p", withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: dir + "/g", withIntermediateDirectories: false)
        let c = "0RZDK210BSMWAA6467LU.nii.gz"
        for d in ["p", "g"] {
            try FileManager.default.copyItem(atPath: caseA, toPath: "\(dir)/\(d)/06SR5RBREL16DQ6M8LWS.nii.gz")
            try FileManager.default.copyItem(atPath: la2018Masks + "/" + c, toPath: "\(dir)/\(d)/\(c)")
        }
        let out = dir + "/m.json"
        let r = try runCLI(["evaluate", dir + "/p", dir + "/g", "--format", "json", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.isEmpty)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as! [String: Any]
        XCTAssertEqual((json["volumes"] as! [[String: Any]]).count, 2)
        XCTAssertEqual(json["count"] as? Int, 2)
        XCTAssertEqual((json["mean"] as! [String: Any])["dice"] as? Double, 1.0)
        XCTAssertEqual((json["std"] as! [String: Any])["dice"] as? Double, 0.0)

        // Unmatched names: one case missing from GT.
        try FileManager.default.removeItem(atPath: "\(dir)/g/\(c)")
        assertFails(try runCLI(["evaluate", dir + "/p", dir + "/g"]), code: 8, mentioning: "only in \(dir)/p: 0RZDK210BSMWAA6467LU")
    }

    /// Two PNG slice directories: a square in GT, the same square shifted one column in PRED,
    /// and an empty pair to show "inf" / null.
    func testPNGDirectoriesTableCSVJSONAndInfinity() throws {
        let dir = try makeTempDir(self)
        try writeSlices(dir + "/pred", shift: 1)
        try writeSlices(dir + "/gt", shift: 0)
        let table = try runCLI(["evaluate", dir + "/pred", dir + "/gt", "--spacing", "0.5"])
        XCTAssertEqual(table.status, 0, table.stderr)
        // 2 slices of 8x8 with a 4x4 square (32 voxels each side), shifted one column: overlap 24.
        XCTAssertTrue(table.stdoutText.contains("0.7500"), table.stdoutText)  // Dice 2*24/64
        XCTAssertTrue(table.stdoutText.contains("0.6000"), table.stdoutText)  // Jaccard 24/40
        XCTAssertTrue(table.stdoutText.contains("0.500"), table.stdoutText)  // HD one column of 0.5 mm

        // Empty prediction against a non-empty truth: infinite distances.
        try writeSlices(dir + "/empty", shift: 0, empty: true)
        let t = try runCLI(["evaluate", dir + "/empty", dir + "/gt"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdoutText.contains("inf"), t.stdoutText)
        XCTAssertTrue(t.stdoutText.contains("note: inf"), t.stdoutText)
        let csv = try runCLI(["evaluate", dir + "/empty", dir + "/gt", "--format", "csv"])
        XCTAssertTrue(csv.stdoutText.hasSuffix(",0.0,0.0,inf,inf,inf\n"), csv.stdoutText)
        XCTAssertTrue(csv.stderr.contains("note: inf"))
        let json = try runCLI(["evaluate", dir + "/empty", dir + "/gt", "--format", "json"])
        let obj = try JSONSerialization.jsonObject(with: json.stdout) as! [String: Any]
        let row = (obj["volumes"] as! [[String: Any]])[0]
        XCTAssertTrue(row["hd_mm"] is NSNull)
        XCTAssertEqual((obj["notes"] as! [String]).count, 1)
    }

    func testPNGDirectoryErrors() throws {
        let dir = try makeTempDir(self)
        try writeSlices(dir + "/gt", shift: 0)
        try writeSlices(dir + "/other", shift: 0, names: ["a.png", "c.png"])
        assertFails(try runCLI(["evaluate", dir + "/other", dir + "/gt"]), code: 8, mentioning: "only in \(dir)/other: c.png")

        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: false)
        assertFails(try runCLI(["evaluate", dir + "/empty", dir + "/gt"]), code: 3, mentioning: "no .png or .nii")
        assertFails(try runCLI(["evaluate", dir + "/missing", dir + "/gt"]), code: 3, mentioning: "no such file")

        // Three gray levels: not a binary mask.
        try writeSlices(dir + "/labels", shift: 0, values: [0, 1, 2])
        assertFails(try runCLI(["evaluate", dir + "/labels", dir + "/gt"]), code: 4, mentioning: "0 = background, one nonzero value = foreground")
        XCTAssertEqual(try runCLI(["evaluate", dir + "/labels", dir + "/gt", "--binarize"]).status, 0)

        // Corrupt slice.
        try FileManager.default.createDirectory(atPath: dir + "/bad", withIntermediateDirectories: false)
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: dir + "/bad/a.png"))
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: dir + "/bad/b.png"))
        assertFails(try runCLI(["evaluate", dir + "/bad", dir + "/gt"]), code: 4, mentioning: "bad/a.png: not a PNG")

        // NIfTI against PNG directory; --spacing with NIfTI.
        assertFails(try runCLI(["evaluate", caseA, dir + "/gt"]), code: 8, mentioning: "same kind")
        assertFails(try runCLI(["evaluate", caseA, caseA, "--spacing", "1"]), code: 2, mentioning: "PNG slices only")
    }

    func testUnwritableOutputLeavesNoFile() throws {
        let dir = try makeTempDir(self)
        assertFails(try runCLI(["evaluate", caseA, caseA, "-o", dir + "/nodir/m.csv"]), code: 5, mentioning: "nodir")
        XCTAssertEqual(listing(dir), [])
    }

    /// Writes slices a.png, b.png (8x8): a 4x4 square of `values.last` at columns 2+shift...,
    /// optional extra label values in the first rows.
    private func writeSlices(_ dir: String, shift: Int, empty: Bool = false, names: [String] = ["a.png", "b.png"], values: [UInt8] = [0, 255]) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in names {
            var px = [UInt8](repeating: 0, count: 64)
            if !empty {
                for r in 2..<6 { for c in 2..<6 { px[r * 8 + c + shift] = values.last! } }
                if values.count > 2 { px[0] = values[1] }
            }
            try Data(grayPNG(width: 8, height: 8, pixels: px)).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
    }
}
