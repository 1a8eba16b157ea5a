// `model-bench --spec` mode, used by tools/bench_peers.py as its "splineseg" engine so that
// SplineSeg and the peers run the same weights on the same input in one run:
//   model-bench --spec M.json --input X.f32 [--reference R.f32] [--threads T] [--runs N]
// X: the I x I network input (float32 little-endian, row-major, already preprocessed);
// R: the peers' reference coefficients (PyTorch). Prints one line "RESULT {json}": the relative
// error max|C - R| / max|R|, and the times (ms) of FastEngine.computeCoefficients(networkInput:)
// after warm-up runs (at least 3 and 0.5 s), as the peer engines are timed. With --serve it
// stays loaded for bench_peers.py --interleave instead (serveCalls below).
import Foundation
import SplineSeg

func readFloats(_ path: String) throws -> [Float] {
    let d = try Data(contentsOf: URL(fileURLWithPath: path))
    return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
}

/// The spec's model on a FastEngine, its input, after one run (first run sizes the buffers).
func loadedEngine(spec: String, input: String, threads: Int) throws -> (SplineSegModel, FastEngine, [Float]) {
    let model = try SplineSegModel.load(specPath: spec)
    let x = try readFloats(input)
    let e = try FastEngine(model: model, threads: threads)
    try e.computeCoefficients(networkInput: x)
    return (model, e, x)
}

/// `--profile`: per-step median times, the slowest first, with each step's share and GFLOP/s.
func profileModel(spec: String, input: String, threads: Int, runs: Int) throws {
    let (model, e, x) = try loadedEngine(spec: spec, input: input, threads: threads)
    let t = try e.profileSteps(networkInput: x, runs: runs)
    let total = t.reduce(0, +)
    print(String(format: "profile of %@, %d thread(s), %d runs: steps sum to %.2f ms (median per step)", model.spec.name, threads, runs, total))
    var byKind: [String: Double] = [:]
    for (s, ms) in zip(e.plan.steps, t) {
        let k = s.kind.rawValue + (s.kind == .conv3x3 ? "/" + s.algorithm.rawValue : "")
        byKind[k, default: 0] += ms
    }
    for (k, ms) in byKind.sorted(by: { $0.value > $1.value }) {
        print(String(format: "  %-24@ %9.2f ms %5.1f%%", k, ms, 100 * ms / total))
    }
    print("  slowest steps:")
    for i in t.indices.sorted(by: { t[$0] > t[$1] }).prefix(60) {
        let s = e.plan.steps[i]
        let g = s.macs > 0 ? 2 * Double(s.macs) / (t[i] * 1e-3) * 1e-9 : 0
        print(String(format: "  %3d %-28@ %-10@ %@ -> %@ %8.4f ms %5.1f%% %7.1f GFLOP/s", i, s.name,
                     s.kind.rawValue + (s.kind == .conv3x3 ? "/" + s.algorithm.rawValue : ""),
                     "\(s.input.shape)", "\(s.output.shape)", t[i], 100 * t[i] / total, g))
    }
}

func singleModel(spec: String, input: String, reference: String?, threads: Int, runs: Int, serve: Bool = false) throws {
    let (_, e, x) = try loadedEngine(spec: spec, input: input, threads: threads)
    var rel = -1.0
    if let r = reference {
        let ref = try readFloats(r)
        precondition(ref.count == e.coefficients.count, "reference has \(ref.count) values, engine \(e.coefficients.count)")
        var d = 0.0, m = 0.0
        for (a, b) in zip(e.coefficients, ref) {
            d = max(d, Double(abs(a - b)))
            m = max(m, Double(abs(b)))
        }
        rel = d / max(m, 1e-30)
    }
    let w0 = now()
    var warm = 1
    while warm < 3 || now() - w0 < 0.5 {
        try e.computeCoefficients(networkInput: x)
        warm += 1
    }
    let algorithms = Set(e.plan.steps.map(\.algorithm.rawValue)).sorted()
    let info: [String: Any] = ["threads": threads, "algorithms": algorithms, "isa": Segmenter.instructionSet,
                               "arena_mb": Double(e.plan.arenaBytes(threads: threads)) / 1048576]
    if serve {
        try serveCalls(engine: e, input: x, ready: ["status": "ok", "rel_err": rel, "info": info])
        return
    }
    var t: [Double] = []
    for _ in 0..<runs {
        let t0 = now()
        try e.computeCoefficients(networkInput: x)
        t.append((now() - t0) * 1e3)
    }
    var counted = info
    (counted["worker_stalls"], counted["fallback_calls"]) = e.workerStalls
    let obj: [String: Any] = ["status": "ok", "rel_err": rel, "times_ms": t, "info": counted]
    let json = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    print("RESULT " + String(decoding: json, as: UTF8.self))
}

/// `--serve` (tools/bench_peers.py --interleave): after the warm-up, prints "READY {json}", then
/// for every stdin line "run W" makes W untimed calls and one timed call and prints "T <ms>";
/// "quit" or end of input ends it. The same protocol as the Python engines' `--serve` children.
func serveCalls(engine e: FastEngine, input x: [Float], ready: [String: Any]) throws {
    let json = try JSONSerialization.data(withJSONObject: ready, options: [.sortedKeys])
    print("READY " + String(decoding: json, as: UTF8.self))
    fflush(nil)
    while let line = readLine() {
        let words = line.split(separator: " ")
        if words.isEmpty || words[0] == "quit" { break }
        for _ in 0..<(words.count > 1 ? Int(words[1]) ?? 0 : 0) {
            try e.computeCoefficients(networkInput: x)
        }
        let t0 = now()
        try e.computeCoefficients(networkInput: x)
        print(String(format: "T %.6f", (now() - t0) * 1e3))
        fflush(nil)  // all streams (Swift 6 rejects the global `stdout`)
    }
}
