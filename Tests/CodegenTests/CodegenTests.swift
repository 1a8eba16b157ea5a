import Foundation
import SplineCodegen
import SplineModel
import XCTest

/// The committed generated files are exactly what the code generator makes from the committed
/// weights (regenerated into a temporary directory and compared byte for byte).
final class CodegenTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func testCommittedGeneratedFilesAreUpToDate() throws {
        let specs = try FileManager.default.contentsOfDirectory(atPath: Self.root + "/weights")
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertFalse(specs.isEmpty, "no model specs in weights/")
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("codegen-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        var generated = 0
        for spec in specs {
            let name = String(spec.dropLast(5))
            // Only models with committed generated code are checked (others are just weights).
            guard FileManager.default.fileExists(atPath: "\(Self.root)/\(Codegen.generatedDirectory)/\(name).swift") else { continue }
            let out = try Codegen.generate(specPath: "\(Self.root)/weights/\(spec)", root: Self.root)
            try Codegen.write(out, to: tmp)
            for (path, _) in out.files {
                let fresh = try Data(contentsOf: URL(fileURLWithPath: "\(tmp)/\(path)"))
                let committed = try Data(contentsOf: URL(fileURLWithPath: "\(Self.root)/\(path)"))
                XCTAssertEqual(fresh, committed, "\(path) differs from the code generator's output: rerun "
                               + "`swift run splineseg-codegen weights/\(spec)` and commit")
            }
            generated += 1
            print("\(name): \(out.files.count) generated files up to date, arena \(out.plan.arenaBytes(threads: 1)) bytes")
        }
        XCTAssertGreaterThan(generated, 0, "no generated model committed")
    }

    func testPackHeaderRoundTripAndErrors() throws {
        let h1 = String(repeating: "ab", count: 32), h2 = String(repeating: "0f", count: 32)
        let pack = SSPack.encode(weights: [1, -2.5, 3], weightsSHA256: h1, planHash: h2)
        XCTAssertEqual(pack.count, 128 + 12)
        let h = try pack.withUnsafeBytes { try SSPack.header($0) }
        XCTAssertEqual(h.weightsSHA256, h1)
        XCTAssertEqual(h.planHash, h2)
        XCTAssertEqual(h.floatCount, 3)
        for (bytes, fragment) in [(Array(pack.dropLast()), "truncated"), (Array(pack.prefix(100)), "shorter"),
                                  ([0] + Array(pack.dropFirst()), "bad magic")] {
            XCTAssertThrowsError(try bytes.withUnsafeBytes { try SSPack.header($0) }) {
                XCTAssert("\($0)".contains(fragment), "\($0)")
            }
        }
    }
}
