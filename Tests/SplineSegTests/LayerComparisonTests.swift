import Foundation
import SplineModel
import XCTest

@testable import SplineSeg
@testable import SplineSegGolden

/// The per-layer comparison behind `splineseg-layers` and the golden tests: a deliberate error
/// in one layer is found in that layer, at its (channel, row, column), also through a strided
/// sample; NaN never passes; broken fixtures fail with errors that say what to do.
final class LayerComparisonTests: XCTestCase {
    static let fixturePath = GoldenTests.directory.appendingPathComponent("unet-d2b2f4-i32-p1.json").path

    func testPerturbedLayerIsFoundAtItsPosition() throws {
        let f = try GoldenFixture.load(indexPath: Self.fixturePath)
        var layers = try Segmenter(model: f.model, threads: 1, engine: .reference).layerOutputs(networkInput: f.input)
        let k = 3, (c, y, x) = (1, 5, 7)
        let l = layers[k]
        let (h, w) = (l.shape[2], l.shape[3])
        var v = l.values
        v[(c * h + y) * w + x] += 1
        layers[k] = LayerOutput(name: l.name, shape: l.shape, values: v)

        let (diffs, missing) = try LayerComparison.compare(layers, with: f)
        XCTAssertEqual(missing, [])
        XCTAssertEqual(diffs.map(\.name), f.layers.map(\.name))
        for d in diffs[..<k] { XCTAssert(d.passes(tolerance: 1e-4), "\(d.name) \(d.relative)") }
        let bad = diffs[k]
        XCTAssertFalse(bad.passes(tolerance: 1e-4))
        XCTAssertEqual(bad.worst, LayerDiff.Position(channel: c, row: y, column: x))
        XCTAssertEqual(bad.maxAbsDiff, 1, accuracy: 1e-5)
        XCTAssertEqual(Double(bad.value - bad.reference), 1, accuracy: 1e-5)
        XCTAssertEqual(bad.compared, l.values.count)
        XCTAssertEqual(diffs.first { !$0.passes(tolerance: 1e-4) }?.name, l.name, "the first layer out of tolerance")
    }

    /// Outputs that do not fit the fixture (another model's, a renamed or reshaped layer) are
    /// errors naming the layer, not a comparison of unrelated values.
    func testMismatchedLayersAreErrors() throws {
        let f = try GoldenFixture.load(indexPath: Self.fixturePath)
        let layers = try Segmenter(model: f.model, threads: 1, engine: .reference).layerOutputs(networkInput: f.input)
        let l = layers[2]
        func expect(_ fragment: String, _ outputs: [LayerOutput], line: UInt = #line) {
            do {
                _ = try LayerComparison.compare(outputs, with: f)
                XCTFail("expected an error containing '\(fragment)'", line: line)
            } catch {
                XCTAssert(error.description.contains(fragment), "'\(error)' lacks '\(fragment)'", line: line)
            }
        }
        expect("layer renamed is not among PyTorch's layers", [LayerOutput(name: "renamed", shape: l.shape, values: l.values)])
        let flat = [1, l.shape[1], l.shape[2] * l.shape[3], 1]
        expect("layer \(l.name) has shape \(flat)", [LayerOutput(name: l.name, shape: flat, values: l.values)])
        expect("sample of", [LayerOutput(name: l.name, shape: l.shape, values: Array(l.values.dropLast(l.values.count / 2)))])
        XCTAssertThrowsError(try LayerComparison.compare([LayerOutput(name: "x", shape: [1, 1, 1, 1], values: [0])], with: layers)) {
            XCTAssert("\($0)".contains("layer x [1, 1, 1, 1] has no counterpart"), "\($0)")
        }
    }

    func testNaNNeverPasses() throws {
        let out = LayerOutput(name: "a", shape: [1, 2, 2, 2], values: [0, 0, 0, .nan, 0, 0, 0, 0])
        let d = LayerComparison.diff(out, [Float](repeating: 1, count: 8), stride: 1, referenceMaxAbs: nil)
        XCTAssert(d.maxAbsDiff.isNaN)
        XCTAssertFalse(d.passes(tolerance: .infinity))
        XCTAssertEqual(d.worst, LayerDiff.Position(channel: 0, row: 1, column: 1))
        // A NaN after a larger finite difference still wins.
        let later = LayerOutput(name: "b", shape: [1, 1, 1, 3], values: [100, .nan, 0])
        XCTAssert(LayerComparison.diff(later, [0, 0, 0], stride: 1, referenceMaxAbs: nil).maxAbsDiff.isNaN)
    }

    /// Several worst elements, largest first, NaN before all: the pattern of a bug (here a
    /// column of the layer) shows in them.
    func testWorstElementsInOrder() {
        let shape = [1, 2, 3, 4]
        var values = [Float](repeating: 0, count: 24)
        values[1 * 12 + 2 * 4 + 3] = 3  // (1, 2, 3)
        values[0 * 12 + 1 * 4 + 3] = -5  // (0, 1, 3)
        values[1 * 12 + 0 * 4 + 3] = .nan  // (1, 0, 3)
        values[0 * 12 + 2 * 4 + 3] = 2  // (0, 2, 3)
        let o = LayerOutput(name: "l", shape: shape, values: values)
        let worst = LayerComparison.worstElements(o, [Float](repeating: 0, count: 24), stride: 1, count: 4)
        XCTAssertEqual(worst.map(\.position), [.init(channel: 1, row: 0, column: 3), .init(channel: 0, row: 1, column: 3),
                                              .init(channel: 1, row: 2, column: 3), .init(channel: 0, row: 2, column: 3)])
        XCTAssert(worst[0].value.isNaN)
        XCTAssertEqual(worst[1].difference, 5)
        XCTAssertEqual(LayerComparison.worstElements(o, [Float](repeating: 0, count: 24), stride: 1, count: 0).count, 0)
        XCTAssertEqual(LayerComparison.worstElements(o, [Float](repeating: 0, count: 24), stride: 1, count: 100).count, 24)
        // Through a stride-5 sample: flat 15 = (1, 0, 3) is sample 3.
        let sampled = LayerComparison.worstElements(o, [Float](repeating: 0, count: 5), stride: 5, count: 1)
        XCTAssertEqual(sampled.first?.position, .init(channel: 1, row: 0, column: 3))
    }

    /// The shipped fixtures hold elements 0, s, 2s, ... of each layer: positions are of the layer.
    func testStridedSamplePosition() {
        let shape = [1, 3, 4, 5], stride = 7
        var values = [Float](repeating: 0, count: 60)
        values[35] = -2  // sample 5: flat 35 = channel 1, row 3, column 0
        let ref = [Float](repeating: 0, count: (60 + stride - 1) / stride)
        let d = LayerComparison.diff(LayerOutput(name: "s", shape: shape, values: values), ref, stride: stride, referenceMaxAbs: 4)
        XCTAssertEqual(d.compared, 9)
        XCTAssertEqual(d.worst, LayerDiff.Position(channel: 1, row: 3, column: 0))
        XCTAssertEqual(d.relative, 0.5)  // 2 / the whole layer's max |ref|, not the sample's
        XCTAssertEqual(d.value, -2)
    }

    /// Engine against engine: the fast engine's layers against the reference engine's on one
    /// input, and an engine against itself is exact.
    func testEngineAgainstEngine() throws {
        let f = try GoldenFixture.load(indexPath: Self.fixturePath)
        let ref = try Segmenter(model: f.model, threads: 2, engine: .reference).layerOutputs(networkInput: f.input)
        let fast = try Segmenter(model: f.model, threads: 2, engine: .fast).layerOutputs(networkInput: f.input)
        let (diffs, missing) = try LayerComparison.compare(fast, with: ref)
        XCTAssertEqual(diffs.count + missing.count, ref.count)
        for d in diffs { XCTAssert(d.passes(tolerance: 1e-3), "\(d.name) \(d.relative)") }
        for d in try LayerComparison.compare(ref, with: ref).diffs { XCTAssertEqual(d.maxAbsDiff, 0, d.name) }
    }

    func testBrokenFixturesSayWhatIsWrong() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let src = GoldenTests.directory
        try FileManager.default.copyItem(at: src.appendingPathComponent("unet-d2b2f4-i32-p1.safetensors"),
                                         to: dir.appendingPathComponent("unet-d2b2f4-i32-p1.safetensors"))
        let json = try String(contentsOf: URL(fileURLWithPath: Self.fixturePath), encoding: .utf8)
        func write(_ text: String) throws -> String {
            let p = dir.appendingPathComponent("unet-d2b2f4-i32-p1.json").path
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            return p
        }
        func expect(_ fragment: String, _ path: String, root: String? = nil, line: UInt = #line) {
            do {
                _ = try GoldenFixture.load(indexPath: path, root: root)
                XCTFail("expected an error containing '\(fragment)'", line: line)
            } catch {
                XCTAssert(error.description.contains(fragment), "'\(error)' lacks '\(fragment)'", line: line)
            }
        }
        // The unchanged copy loads.
        XCTAssertNoThrow(try GoldenFixture.load(indexPath: try write(json)))
        let sha = try XCTUnwrap(json.range(of: #""sha256": "[0-9a-f]{64}""#, options: .regularExpression))
        expect("regenerated weights hash", try write(json.replacingCharacters(in: sha, with: "\"sha256\": \"\(String(repeating: "0", count: 64))\"")))
        expect("neither splineseg-golden/1", try write(json.replacingOccurrences(of: "\"splineseg-golden/1\"", with: "\"splineseg-golden/9\"")))
        expect("no \"format\"", try write("{}"))
        expect("cannot read", dir.appendingPathComponent("absent.json").path)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("unet-d2b2f4-i32-p1.safetensors"))
        expect("cannot read", try write(json))
        // A shipped fixture whose model is not under the given root.
        let shipped = ShippedGoldenTests.directory.appendingPathComponent("la-unet-d4b4f8-i128.json").path
        expect("not found under", shipped, root: dir.path)
    }
}
