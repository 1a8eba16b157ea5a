import Dispatch
import SplineCore
import SplineKernels
import SplineModel

/// The fast inference path for one model: preprocessing straight into the arena's input
/// buffer, the ExecutionPlan (a generated straight-line function when one is compiled in for
/// this plan and weights, else the dynamic executor), the O x O coefficients read from the
/// output buffer, and the spline evaluated on the slice's native grid. After the first call for
/// an image size nothing is allocated: arena, workspace, collocations and result arrays are
/// reused (a result array kept alive by the caller is copied on the next write instead).
/// Not thread-safe: one per thread (they can share the model).
public final class FastEngine {
    public let model: SplineSegModel
    public let threads: Int
    let executor: PlanExecutor
    private let preprocessor: Preprocessor
    private var workspace = PreprocessWorkspace()
    /// O x O coefficients of the last run, row-major.
    public private(set) var coefficients: [Float]
    /// F on the last image's native H x W grid, row-major.
    public private(set) var values: [Float] = []
    private var gridCache: (height: Int, width: Int, grid: NativeGrid, rows: Collocation, columns: Collocation)?
    private var scratch: [Float] = []

    /// The plan this engine runs.
    public var plan: ExecutionPlan { executor.plan }
    /// With threads > 1: how often a worker thread stalled (lost its CPU to another process in
    /// the middle of its part), and how many parallel calls ran on the calling thread alone
    /// during the back-offs that followed (WorkerPool). Diagnostics for benchmarks; results do
    /// not depend on it.
    public var workerStalls: (stalls: Int, fallbackCalls: Int) { (executor.pool.stalls, executor.pool.fallbackCalls) }
    /// Whether a generated (code-generated, fixed-shape) function runs the network.
    public let usesGeneratedCode: Bool

    /// `algorithms` other than the model's own plan policy re-plan from the raw weights, which
    /// packed-only models (built-in, .sspack) do not have.
    /// `allowGenerated: false` forces the dynamic executor even where generated code exists
    /// (tests and benchmarks compare the two).
    public init(
        model: SplineSegModel, threads: Int = 1, algorithms: AlgorithmPolicy? = nil, allowGenerated: Bool = true
    ) throws(SegmentationError) {
        guard threads >= 1 else { throw SegmentationError.invalidThreads(threads) }
        self.model = model
        self.threads = threads
        preprocessor = Preprocessor(params: model.spec.preprocessing.parameters)
        coefficients = [Float](repeating: 0, count: model.spec.coefficients * model.spec.coefficients)
        if let policy = algorithms, policy != model.plan.policy {
            guard let network = model.network else {
                throw SegmentationError.engineUnavailable(
                    "model '\(model.spec.name)' holds packed weights only (plan policy \(model.plan.policy.rawValue)); "
                        + "load its .json + .safetensors to run with algorithms '\(policy.rawValue)'")
            }
            guard let built = try? ExecutionPlan.build(network: network, policy: policy) else {
                preconditionFailure("FastEngine: plan rebuild failed for a network that planned before (internal bug)")
            }
            executor = PlanExecutor(plan: built.plan, weights: PackedWeights(built.weights), threads: threads)
            usesGeneratedCode = false
        } else {
            let generated = allowGenerated
                ? GeneratedRegistry.entry(weightsSHA256: model.spec.sha256, planHash: model.planHash) : nil
            executor = PlanExecutor(plan: model.plan, weights: model.packedWeights, threads: threads, generated: generated)
            usesGeneratedCode = generated != nil
        }
    }

    /// Runs the network on a raw slice: `coefficients` holds the result.
    public func computeCoefficients(pixels: [Float], width: Int, height: Int) throws(SegmentationError) {
        try Segmenter.checkImage(pixels: pixels, width: width, height: height)
        let i = plan.input, ps = executor.inputPixelStride
        let input = executor.prepareInput()
        // Split over the threads from 64 x 64 output values: 128 x 128 -> 128 took 13.5 us on one
        // thread, a hand-off about 1 us.
        let split = threads > 1 && i * i >= FastEngine.parallelPreprocessPixels
        preprocessor.write(pixels, width: width, height: height, workspace: &workspace,
                           into: input + (i + 2) * ps + ps, rowStride: (i + 2) * ps, pixelStride: ps,
                           runner: split ? executor.pool : nil, parts: threads)
        executor.run()
        readCoefficients()
    }

    /// Runs the network and evaluates the spline on the slice's native grid: `coefficients`
    /// and `values` hold the result.
    public func run(pixels: [Float], width: Int, height: Int) throws(SegmentationError) {
        try computeCoefficients(pixels: pixels, width: width, height: height)
        try evaluateValues(width: width, height: height)
    }

    /// Runs the network on an already preprocessed I x I input (row-major), as other engines
    /// are fed in benchmarks: `coefficients` holds the result. Allocation-free.
    public func computeCoefficients(networkInput x: [Float]) throws(SegmentationError) {
        try runNetwork(input: x)
    }

    /// Per-step wall time (median over `runs`, milliseconds, in plan order) of the network on
    /// a preprocessed input: a profiling aid for benchmarks (`model-bench --profile`); allocates.
    public func profileSteps(networkInput x: [Float], runs: Int) throws(SegmentationError) -> [Double] {
        let n = plan.steps.count
        var samples = [[Double]](repeating: [], count: n)
        var stamps = [UInt64](repeating: 0, count: n + 1)
        for _ in 0..<max(1, runs) {
            // Stamped after the input is in the arena, so step 0's time is step 0's alone.
            try loadInput(x)
            stamps[0] = DispatchTime.now().uptimeNanoseconds
            executor.run { i in stamps[i + 1] = DispatchTime.now().uptimeNanoseconds }
            readCoefficients()
            for i in 0..<n { samples[i].append(Double(stamps[i + 1] &- stamps[i]) * 1e-6) }
        }
        return samples.map { $0.sorted()[$0.count / 2] }
    }

    /// Runs the network on a preprocessed I x I input (row-major).
    func runNetwork(input x: [Float], afterStep: ((Int) -> Void)? = nil) throws(SegmentationError) {
        try loadInput(x)
        executor.run(afterStep: afterStep)
        readCoefficients()
    }

    /// Copies a preprocessed I x I input (row-major) into the arena's input buffer.
    private func loadInput(_ x: [Float]) throws(SegmentationError) {
        let i = plan.input
        guard x.count == i * i else { throw SegmentationError.inputCount(expected: i * i, got: x.count) }
        let p = executor.prepareInput(), ps = executor.inputPixelStride
        for r in 0..<i {
            for c in 0..<i {
                let q = p + (r + 1) * (i + 2) * ps + (c + 1) * ps
                q[0] = x[r * i + c]
                if ps == 8 { (q + 1).update(repeating: 0, count: 7) }
            }
        }
    }

    /// Every reference layer the plan produces, in plan order, unpacked to CHW (debugging: the
    /// names match the golden fixtures' `layer/<name>`; fused layers appear under the last name,
    /// e.g. a VGG head's 1x1 conv + BatchNorm + tanh as `head.tanh`). Uses the dynamic executor.
    public func layerOutputs(networkInput x: [Float]) throws(SegmentationError) -> [LayerOutput] {
        var out: [LayerOutput] = []
        let ex = executor
        try runNetwork(input: x) { i in
            for p in ex.plan.steps[i].produces {
                let s = p.view.shape
                out.append(LayerOutput(name: p.name, shape: [1, s.channels, s.height, s.width], values: ex.unpack(p.view)))
            }
        }
        return out
    }

    private func readCoefficients() {
        let o = plan.coefficients, rs = (o + 2) * 8
        let out = executor.output
        coefficients.withUnsafeMutableBufferPointer { c in
            for k in 0..<o {
                for l in 0..<o { c[k * o + l] = out[(k + 1) * rs + (l + 1) * 8] }
            }
        }
    }

    private func evaluateValues(width w: Int, height h: Int) throws(SegmentationError) {
        let spec = model.spec
        if gridCache?.height != h || gridCache?.width != w {
            let grid = NativeGrid(height: h, width: w, geometry: spec.preprocessing.parameters.geometry)
            guard let (ur, uc) = try? grid.collocations(size: spec.coefficients, degree: spec.degree, scale: 1) else {
                preconditionFailure("FastEngine: collocation of a valid spec rejected (internal bug)")
            }
            gridCache = (h, w, grid, ur, uc)
            scratch = [Float](repeating: 0, count: spec.coefficients * w)
            values = [Float](repeating: 0, count: h * w)
        }
        let g = gridCache!
        // The spline shares `coefficients`' storage and is gone before the next write to it.
        guard let spline = try? ImplicitSpline(size: spec.coefficients, degree: spec.degree, coefficients: coefficients)
        else { preconditionFailure("FastEngine: spline of a valid spec rejected (internal bug)") }
        // Threads split the evaluation only for large grids (small ones take well under 1 ms),
        // on the executor's worker pool: no allocation per call, unlike SplineCore's own
        // `threads:` (DispatchQueue.concurrentPerform). Any split gives the same bits.
        let pool = h * w >= FastEngine.parallelGridPixels && threads > 1 ? executor.pool : nil
        do {
            try values.withUnsafeMutableBufferPointer { (v) throws(SplineError) in
                try scratch.withUnsafeMutableBufferPointer { (s) throws(SplineError) in
                    if let pool {
                        _ = try spline.withGridPasses(into: v, rows: g.rows, columns: g.columns, scratch: s) { passes in
                            FastEngine.run(passes, on: pool)
                        }
                    } else {
                        try spline.evaluate(into: v, rows: g.rows, columns: g.columns, scratch: s)
                    }
                }
            }
        } catch {
            preconditionFailure("FastEngine: spline evaluation rejected its own buffers (internal bug): \(error)")
        }
    }

    /// Both passes of a grid evaluation split by rows over `pool` (the first pass finishes
    /// before the second starts: `run` returns when all its parts are done).
    private static func run(_ passes: GridPasses, on pool: WorkerPool) {
        var p = passes
        withUnsafeMutablePointer(to: &p) { ctx in
            pool.run(parts: pool.parts(units: passes.columnPassRows), context: ctx) { c, part, parts in
                let g = c!.assumingMemoryBound(to: GridPasses.self).pointee
                g.columnPass(rowRange(rows: g.columnPassRows, part: part, of: parts))
            }
            pool.run(parts: pool.parts(units: passes.rowPassRows), context: ctx) { c, part, parts in
                let g = c!.assumingMemoryBound(to: GridPasses.self).pointee
                g.rowPass(rowRange(rows: g.rowPassRows, part: part, of: parts))
            }
        }
    }

    /// Network inputs (I x I) from this many pixels are preprocessed on `threads` threads.
    public static let parallelPreprocessPixels = 64 * 64

    /// Native grids from this many pixels evaluate the spline on `threads` threads.
    public static let parallelGridPixels = 1 << 20

    /// The native grid of the last run (for Segmentation).
    var lastGrid: NativeGrid? { gridCache?.grid }
}

/// The preprocessing's rows on the engine's worker pool (same `run`).
extension WorkerPool: RowJobRunner {}
