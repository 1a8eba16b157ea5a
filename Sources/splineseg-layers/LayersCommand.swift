import ArgumentParser
import Foundation
import PNGIO
import SplineSeg
import SplineSegGolden

#if canImport(Glibc)
import Glibc
#endif

/// The per-layer comparison tool for debugging: every layer an engine materialises against a
/// golden fixture (PyTorch), or against another engine on the same input. Exit status 0 when
/// every layer and output is within tolerance, 1 when one is not, 2 when nothing could be
/// compared (usage error, unreadable fixture or model), as `splineseg`'s usage errors.
@main
struct LayersCommand: ParsableCommand {
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .success {  // --help
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let text = message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
            fail("\(text); see 'splineseg-layers --help'")
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "splineseg-layers",
        abstract: "Compare every layer of SplineSeg's engines with a golden fixture or with another engine.",
        discussion: """
            The first layer out of tolerance is where a kernel went wrong; the worst element's
            (channel, row, column) tells which tile. Relative difference = max |mine - ref| /
            max |ref| over the layer.

            EXAMPLES:
              splineseg-layers Tests/Fixtures/golden/unet-d3b2f8-i64-p3.json
              splineseg-layers Tests/Fixtures/golden-shipped/la-unet-d4b4f8-i128.json --engine fast
              splineseg-layers --model weights/la-unet-d4b4f8-i128.json --image examples/la2018-23X6SY44VT9KFHR7S7OC-z50.png --engine fast --against reference
            """)

    enum EngineChoice: String, ExpressibleByArgument, CaseIterable {
        case all, fast, fastDirect, reference
        var engines: [Segmenter.Engine] {
            switch self {
            case .all: return Segmenter.Engine.allCases
            case .fast: return [.fast]
            case .fastDirect: return [.fastDirect]
            case .reference: return [.reference]
            }
        }
    }

    @Argument(help: "A golden fixture index (<name>.json beside <name>.safetensors), written by tools/export_golden.py.")
    var fixture: String?

    @Option(help: "Instead of a fixture: a model spec (weights/<name>.json) whose engines are compared on --image.")
    var model: String?

    @Option(help: "With --model: an 8-bit gray PNG slice (default: a seeded random network input).")
    var image: String?

    @Option(help: "With --model and no --image: the random input's seed (default 1).")
    var seed: UInt64?

    @Option(help: "Engine(s) to check: all, fast, fastDirect, reference.")
    var engine: EngineChoice = .all

    @Option(help: "With --model: the engine compared against (reference, fast, fastDirect; default reference).")
    var against: Segmenter.Engine?

    @Option(help: "Threads for every engine.")
    var threads: Int = 2

    @Option(help: "Largest relative difference per layer (default: 1e-4 for the reference engine, 1e-3 for the fast ones).")
    var tolerance: Double?

    @Option(help: "Repository root for a shipped fixture's weights path (default: search upwards from the fixture).")
    var root: String?

    @Option(help: "How many of the largest element differences to list for the first layer out of tolerance and for each --layer.")
    var top: Int = 8

    @Option(help: "A layer whose largest element differences to list even within tolerance (repeatable).")
    var layer: [String] = []

    @Flag(help: "Print only the summary line per engine and the layers out of tolerance.")
    var quiet = false

    func validate() throws {
        guard (fixture == nil) != (model == nil) else { throw ValidationError("give either a fixture index or --model") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64, got \(threads)") }
        if let t = tolerance, !(t >= 0) { throw ValidationError("--tolerance must be >= 0") }
        guard top >= 0 else { throw ValidationError("--top must be >= 0, got \(top)") }
        if model == nil, image != nil || seed != nil || against != nil {
            throw ValidationError("--image, --seed and --against go with --model (a fixture brings its own input and PyTorch's layers)")
        }
        if model != nil, image != nil, seed != nil { throw ValidationError("--seed is for the random input: give --image or --seed") }
        if model != nil, engine.engines.allSatisfy({ $0 == against ?? .reference }) {
            throw ValidationError("--engine \(engine.rawValue) is the --against engine: nothing to compare")
        }
    }

    func run() throws {
        do {
            let ok = try fixture.map { try checkFixture($0) } ?? checkEngines(model!)
            print(ok ? "\nall within tolerance" : "\nOUT OF TOLERANCE (see above)")
            if !ok { Foundation.exit(1) }
        } catch let e as GoldenError {
            Self.fail("\(e)")
        } catch let e as ModelError {
            Self.fail("\(e)")
        } catch let e as SegmentationError {
            Self.fail("\(e)")
        } catch let e as PNGError {
            Self.fail("\(e)")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("splineseg-layers: error: \(message)\n".utf8))
        Foundation.exit(2)
    }

    func tolerance(for e: Segmenter.Engine) -> Double { tolerance ?? (e == .reference ? 1e-4 : 1e-3) }

    /// Every chosen engine against the fixture: preprocessing, layers, outputs.
    func checkFixture(_ path: String) throws -> Bool {
        let f = try GoldenFixture.load(indexPath: path, root: root)
        print("\(f.name) (\(f.kind.rawValue)): \(f.model.spec.architecture), I = \(f.model.spec.input), O = \(f.model.spec.coefficients), p = \(f.model.spec.degree); raw \(f.rawHeight) x \(f.rawWidth), \(f.layers.count) PyTorch layers")
        let layerByName = Dictionary(f.layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var ok = true
        for e in engine.engines {
            let seg: Segmenter
            do { seg = try Segmenter(model: f.model, threads: threads, engine: e) } catch {
                print("\n[\(e.rawValue)] not available: \(error)")  // e.g. packed-only model
                continue
            }
            let tol = tolerance(for: e)
            print("\n[\(e.rawValue)] tolerance \(tol) relative per layer; coefficients and native values 1e-3; masks >= 99.99 %")
            let x = try seg.preprocess(pixels: f.raw, width: f.rawWidth, height: f.rawHeight)
            let dIn = x.count == f.input.count ? LayerComparison.maxAbsDifference(x, f.input).diff : .infinity
            let inOK = dIn <= 1e-5
            print(String(format: "preprocessing: max abs diff %.3g (limit 1e-5) %@", dIn, inOK ? "ok" : "OUT OF TOLERANCE"))
            ok = ok && inOK
            // Layers fed PyTorch's own input, so a preprocessing difference does not spread.
            let outputs = try seg.layerOutputs(networkInput: f.input)
            let (diffs, missing) = try LayerComparison.compare(outputs, with: f)
            ok = try report(diffs, missing: missing, tolerance: tol, ops: Self.ops(seg), outputs: outputs) { o in
                let g = layerByName[o.name]!  // compare() matched every output to a fixture layer
                return (try f.reference(g), g.stride)
            } && ok
            let s = try seg.segment(pixels: f.raw, width: f.rawWidth, height: f.rawHeight)
            let o = LayerComparison.compare(s, with: f)
            let outOK = o.coefficientsRelative <= 1e-3 && o.valuesRelative <= 1e-3 && o.maskAgreement >= 0.9999
            print(String(format: "outputs: coefficients %.3g, native values %.3g, mask agreement %.4f %% (%d/%d) %@",
                         o.coefficientsRelative, o.valuesRelative, 100 * o.maskAgreement, o.maskAgree, o.maskPixels,
                         outOK ? "ok" : "OUT OF TOLERANCE"))
            ok = ok && outOK
        }
        return ok
    }

    /// Each chosen engine against `--against` on one input.
    func checkEngines(_ specPath: String) throws -> Bool {
        let m = try SplineSegModel.load(specPath: specPath)
        let against = self.against ?? .reference, seed = self.seed ?? 1
        let ref = try Segmenter(model: m, threads: threads, engine: against)
        let input: [Float]
        let source: String
        if let image {
            let g = try readPNG(path: image)
            input = try ref.preprocess(pixels: g.pixels, width: g.width, height: g.height)
            source = "\(image) (\(g.height) x \(g.width))"
        } else {
            // Box-Muller over the golden fixtures' generator: 1 - u is in (0, 1], so the log is finite.
            input = (0..<UInt64(m.spec.input * m.spec.input)).map { i in
                let u1 = 1 - GoldenWeights.uniform(seed: seed, k: 2 * i + 1), u2 = GoldenWeights.uniform(seed: seed, k: 2 * i + 2)
                return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
            }
            source = "random N(0, 1) input, seed \(seed)"
        }
        print("\(m.spec.name): \(m.spec.architecture), I = \(m.spec.input); \(source); reference engine \(against.rawValue)")
        let refLayers = try ref.layerOutputs(networkInput: input)
        let refByName = Dictionary(refLayers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var ok = true
        for e in engine.engines where e != against {
            let tol = tolerance(for: e)
            print("\n[\(e.rawValue) against \(against.rawValue)] tolerance \(tol) relative per layer")
            let seg = try Segmenter(model: m, threads: threads, engine: e)
            let outputs = try seg.layerOutputs(networkInput: input)
            let (diffs, missing) = try LayerComparison.compare(outputs, with: refLayers)
            ok = report(diffs, missing: missing, tolerance: tol, ops: Self.ops(seg), outputs: outputs) { o in
                (refByName[o.name]!.values, 1)  // compare() matched every output
            } && ok
        }
        return ok
    }

    /// The kernel that completes each layer the fast engines materialise, by layer name:
    /// "conv3x3/winogradF63", "convT2x2", ... (the plan's step kind and algorithm); layers a
    /// step writes beside its main output (a fused pool, a concatenation view) and the reference engine's: "fused/view".
    static func ops(_ seg: Segmenter) -> [String: String] {
        var ops: [String: String] = [:]
        for step in seg.fastEngine?.plan.steps ?? [] {
            let conv = step.kind == .conv3x3 || step.kind == .conv3x3c1
            ops[step.name] = conv ? "\(step.kind.rawValue)/\(step.algorithm.rawValue)" : step.kind.rawValue
        }
        return ops
    }

    /// The per-layer table, the worst layer per kernel, and the largest element differences of
    /// the first layer out of tolerance and of each `--layer`; returns whether every layer passed.
    /// `reference(o)`: the values `o` was compared with and their stride in `o`.
    func report(_ diffs: [LayerDiff], missing: [String], tolerance tol: Double, ops: [String: String],
                outputs: [LayerOutput], reference: (LayerOutput) throws -> ([Float], Int)) rethrows -> Bool {
        let width = max(24, diffs.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        if !quiet {
            print(pad("layer", width) + "  " + pad("kernel", 22) + pad("shape", 18) + "  compared   max abs diff   relative   worst at (c, y, x): mine / ref")
        }
        var firstBad: String?
        for d in diffs {
            let good = d.passes(tolerance: tol)
            if !good && firstBad == nil { firstBad = d.name }
            guard !quiet || !good else { continue }
            let shape = d.shape.dropFirst().map(String.init).joined(separator: "x")
            print(pad(d.name, width) + "  " + pad(ops[d.name] ?? "fused/view", 22) + pad(shape, 18)
                  + String(format: "  %8d   %12.4g   %8.3g   (%d, %d, %d): %.6g / %.6g", d.compared, d.maxAbsDiff, d.relative,
                           d.worst.channel, d.worst.row, d.worst.column, d.value, d.reference)
                  + (good ? "" : "   OUT OF TOLERANCE"))
        }
        let worst = diffs.max { !($0.relative >= $1.relative) }
        print(String(format: "%d layers compared, worst %@ %.3g%@", diffs.count, worst?.name ?? "-", worst?.relative ?? 0,
                     firstBad.map { "; first out of tolerance: \($0)" } ?? ""))
        // Per kernel (Winograd's and direct's figures apart), the worst layer.
        var perOp: [String: LayerDiff] = [:]
        for d in diffs {
            let op = ops[d.name] ?? "fused/view"
            if let w = perOp[op], w.relative >= d.relative || w.relative.isNaN { continue }
            perOp[op] = d
        }
        if !ops.isEmpty {
            print("worst per kernel: " + perOp.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.3g (%@)", $0.key, $0.value.relative, $0.value.name) }.joined(separator: ", "))
        }
        let unknown = layer.filter { name in !diffs.contains { $0.name == name } }
        if !unknown.isEmpty { print("--layer: not compared for this engine: \(unknown.joined(separator: ", "))") }
        for o in outputs where top > 0 && (o.name == firstBad || layer.contains(o.name)) {
            let (ref, stride) = try reference(o)
            print("largest differences in \(o.name) (c, y, x): mine / ref, |diff|:")
            for e in LayerComparison.worstElements(o, ref, stride: stride, count: top) {
                let p = e.position
                print(String(format: "  (%d, %d, %d): %.7g / %.7g, %.3g", p.channel, p.row, p.column, e.value, e.reference, e.difference))
            }
        }
        if !missing.isEmpty { print("not materialised by this engine (fused): \(missing.joined(separator: ", "))") }
        return firstBad == nil
    }
}

extension Segmenter.Engine: ExpressibleByArgument {}
