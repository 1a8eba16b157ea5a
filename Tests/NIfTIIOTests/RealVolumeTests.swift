import NIfTIIO
import XCTest

/// The real data-set volumes decode to what nibabel reports (golden.json).
final class RealVolumeTests: XCTestCase {
    func testRealVolumesMatchNibabel() throws {
        let data = try requireSharedData()
        let golden = try loadGolden()
        XCTAssertGreaterThanOrEqual(golden.real.count, 4)
        for g in golden.real {
            let path = data + "/" + g.path
            let v = try NIfTIVolume.read(path: path)
            XCTAssertEqual(v.shape, g.shape, g.path)
            XCTAssertEqual(Int(v.header.datatype), g.datatype, g.path)
            for k in 0..<3 { assertClose(v.spacing[k], g.pixdim[k], rel: 1e-6, "\(g.path) spacing[\(k)]") }
            if let s = g.scl_slope { XCTAssertEqual(Double(v.header.sclSlope), s, g.path) }
            if let i = g.scl_inter { XCTAssertEqual(Double(v.header.sclInter), i, g.path) }
            XCTAssertEqual(Int(v.header.qformCode), g.qform_code, g.path)
            XCTAssertEqual(Int(v.header.sformCode), g.sform_code, g.path)
            let rows = [v.header.srowX, v.header.srowY, v.header.srowZ]
            for r in 0..<3 { for c in 0..<4 { XCTAssertEqual(Double(rows[r][c]), g.sform[r][c], accuracy: 1e-6, "\(g.path) srow") } }

            XCTAssertEqual(v.voxels.count, g.shape.reduce(1, *))
            var sum = 0.0, lo = Double.infinity, hi = -Double.infinity
            for x in v.voxels {
                let d = Double(x)
                sum += d
                lo = Swift.min(lo, d)
                hi = Swift.max(hi, d)
            }
            // Relative to the L1 norm too, so a sum near 0 by cancellation is not over-strict.
            assertClose(sum, g.sum, rel: 1e-6, floor: g.sum_abs, "\(g.path) sum")
            assertClose(sum / Double(v.voxels.count), g.mean, rel: 1e-6, floor: g.sum_abs / Double(v.voxels.count), "\(g.path) mean")
            assertClose(lo, g.min, rel: 1e-6, floor: 1e-6, "\(g.path) min")
            assertClose(hi, g.max, rel: 1e-6, floor: 1e-6, "\(g.path) max")
            for s in g.samples {
                let (x, y, z) = (s.index[0], s.index[1], s.index[2])
                let i = x + g.shape[0] * (y + g.shape[1] * z)
                assertClose(Double(v.voxels[i]), s.value, rel: 1e-5, floor: 1e-5, "\(g.path) voxel \(s.index)")
            }
        }
    }

    /// Decoding the 512x512x119 gzipped CT: timed for information (asserted only loosely, since
    /// debug builds and a busy shared machine are much slower than the release target of < 1 s).
    func testIrcadbCTDecodeTime() throws {
        let data = try requireSharedData()
        let start = Date()
        let v = try NIfTIVolume.read(path: data + "/ircadb-17/ct.nii.gz")
        let seconds = Date().timeIntervalSince(start)
        print("ircadb-17 ct.nii.gz read+decode: \(String(format: "%.3f", seconds)) s")
        XCTAssertEqual(v.shape, [512, 512, 119])
        XCTAssertLessThan(seconds, 30)
    }
}
