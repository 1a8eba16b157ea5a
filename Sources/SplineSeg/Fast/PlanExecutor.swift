import SplineKernels
import SplineModel

/// Executes an ExecutionPlan in its own arena: prepares shared buffers, runs every step (split
/// over threads where the plan marks it parallel). Allocation-free per run. Not thread-safe.
final class PlanExecutor {
    let plan: ExecutionPlan
    let weights: PackedWeights
    let threads: Int
    /// One zeroed block: the plan's activations and per-thread Winograd scratch (zeroing it once zeroes every halo).
    let arena: AlignedFloats
    let pool: WorkerPool
    /// Buffers to prepare before step i (index 0: before the input is written, i + 1: step i),
    /// except the NCHWc8 halos of `haloAt`.
    private let prepareAt: [[Int]]
    /// NCHWc8 buffers whose halo step i re-zeroes (index i + 1), inside the step's parts: each
    /// part zeroes the halo of its share of the rows (f32_halozero_direct_c8_1x8_scalar).
    private let haloAt: [[Int]]
    /// A generated straight-line function for this plan and these weights, if one is compiled in.
    private let generated: GeneratedEntry?

    init(plan: ExecutionPlan, weights: PackedWeights, threads: Int, generated: GeneratedEntry? = nil) {
        self.plan = plan
        self.weights = weights
        self.threads = max(threads, 1)
        self.generated = generated
        arena = AlignedFloats(zeroed: plan.arenaFloats(threads: self.threads))
        pool = WorkerPool(threads: self.threads)
        var at = [[Int]](repeating: [], count: plan.steps.count + 1), halo = at
        for (i, b) in plan.buffers.enumerated() where b.preparation != .none {
            if b.haloZeroedByWriterParts {
                halo[b.firstStep + 1].append(i)
            } else {
                at[b.firstStep + 1].append(i)
            }
        }
        prepareAt = at
        haloAt = halo
    }

    /// Start of the input buffer (I x I: the padded plane [I+2][I+2] when its layout is `.plane`,
    /// else padded NCHWc8 with lanes 1...7 zero), after zeroing its halo if its memory is shared.
    /// Write the interior (`inputPixelStride`), then call `run`.
    func prepareInput() -> UnsafeMutablePointer<Float> {
        for b in prepareAt[0] { prepareBuffer(arena.base + plan.buffers[b].offset, plan.buffers[b]) }
        return arena.base + plan.buffers[plan.inputBuffer].offset
    }

    /// Floats between horizontally adjacent input pixels: 1 (plane) or 8 (NCHWc8).
    var inputPixelStride: Int { plan.buffers[plan.inputBuffer].layout == .plane ? 1 : 8 }

    /// Start of the output buffer (1 x O x O, padded NCHWc8).
    var output: UnsafePointer<Float> { UnsafePointer(arena.base + plan.buffers[plan.outputBuffer].offset) }

    /// Runs all steps; `afterStep(i)` (debugging) is called after step i.
    func run(afterStep: ((Int) -> Void)? = nil) {
        if afterStep == nil, let g = generated {
            weights.withPointer { w in g.run(arena.base, w, arena.base + plan.activationFloats, pool) }
            return
        }
        weights.withPointer { w in
            for i in plan.steps.indices {
                for b in prepareAt[i + 1] { prepareBuffer(arena.base + plan.buffers[b].offset, plan.buffers[b]) }
                execute(i, w)
                afterStep?(i)
            }
        }
    }

    // The step being split across the pool (read by `runPart` on every thread).
    private var current: (step: Int, weights: UnsafePointer<Float>)?

    @inline(__always)
    private func execute(_ i: Int, _ w: UnsafePointer<Float>) {
        let s = plan.steps[i]
        let parts = s.parallel ? pool.parts(units: s.units, scratch: s.scratchFloats > 0, macs: s.macs) : 1
        if parts == 1 {
            runPart(i, w, part: 0, of: 1)
            return
        }
        current = (i, w)
        pool.run(parts: parts, context: Unmanaged.passUnretained(self).toOpaque()) { ctx, part, parts in
            let ex = Unmanaged<PlanExecutor>.fromOpaque(ctx!).takeUnretainedValue()
            let (i, w) = ex.current!
            ex.runPart(i, w, part: part, of: parts)
        }
        current = nil
    }

    /// Part `part` of `parts` of step i: the halo of its share of the rows of the buffers the
    /// step re-zeroes, then its units (rows / tile blocks) with its scratch slot.
    @inline(__always)
    private func runPart(_ i: Int, _ w: UnsafePointer<Float>, part: Int, of parts: Int) {
        let s = plan.steps[i]
        for b in haloAt[i + 1] {
            let buf = plan.buffers[b]
            f32_halozero_direct_c8_1x8_scalar(arena.base + buf.offset, blocks: buf.shape.blocks, height: buf.shape.height,
                                              width: buf.shape.width, rows: rowRange(rows: buf.shape.height, part: part, of: parts))
        }
        let input = UnsafePointer(arena.base + plan.offset(of: s.input))
        let output = arena.base + plan.offset(of: s.output)
        // Per-part Winograd scratch: steps with scratch have at most `threads` parts (one slot each).
        let scratch = arena.base + plan.activationFloats + (s.scratchFloats > 0 ? part * plan.scratchFloatsPerThread : 0)
        runStep(s, input: input, output: output, weights: w, scratch: scratch,
                units: rowRange(rows: s.units, part: part, of: parts),
                maxPooled: s.maxPooled.map { arena.base + plan.offset(of: $0) },
                avgPooled: s.avgPooled.map { arena.base + plan.offset(of: $0) })
    }

    /// The CHW values of a view (debugging).
    func unpack(_ v: PlanView) -> [Float] {
        let p = arena.base + plan.offset(of: v)
        return unpackNCHWc8(Array(UnsafeBufferPointer(start: p, count: v.shape.count)), v.shape)
    }
}
