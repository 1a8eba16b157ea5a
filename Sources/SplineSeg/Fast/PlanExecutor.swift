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
    /// except the NCHWc8 halos that the steps' parts re-zero (`StepCall.halos`).
    private let prepareAt: [[Int]]
    /// A generated straight-line function for this plan and these weights, if one is compiled in.
    private let generated: GeneratedEntry?
    /// Per step, what its parts read (`StepCall`); the NCHWc8 buffers whose halo step i's parts
    /// re-zero (each its share of the rows, `StepCall.halos`); the frame the pool hands to every
    /// part. Trivial values behind raw pointers, allocated once.
    private let calls: UnsafeMutablePointer<StepCall>
    private let halos: UnsafeMutablePointer<HaloCall>
    private let frame: UnsafeMutablePointer<PartFrame>

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
        var haloList: [HaloCall] = []
        calls = .allocate(capacity: max(plan.steps.count, 1))
        for (i, s) in plan.steps.enumerated() {
            let first = haloList.count
            for b in halo[i + 1] {
                let sh = plan.buffers[b].shape
                haloList.append(HaloCall(offset: plan.buffers[b].offset, blocks: sh.blocks, height: sh.height, width: sh.width))
            }
            (calls + i).initialize(to: StepCall(s, plan: plan, halos: first..<haloList.count))
        }
        halos = .allocate(capacity: max(haloList.count, 1))
        halos.initialize(from: haloList, count: haloList.count)
        frame = .allocate(capacity: 1)
        frame.initialize(to: PartFrame(
            calls: calls, halos: halos, arena: arena.base, scratch: arena.base + plan.activationFloats,
            scratchFloats: plan.scratchFloatsPerThread, weights: UnsafePointer(arena.base), step: 0))
    }

    deinit {
        calls.deallocate()
        halos.deallocate()
        frame.deallocate()
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
            frame.pointee.weights = w
            for i in plan.steps.indices {
                for b in prepareAt[i + 1] { prepareBuffer(arena.base + plan.buffers[b].offset, plan.buffers[b]) }
                execute(i)
                afterStep?(i)
            }
        }
    }

    @inline(__always)
    private func execute(_ i: Int) {
        let s = calls[i]
        frame.pointee.step = i
        let parts = s.parallel ? pool.parts(units: s.units, scratch: s.usesScratch, macs: s.macs) : 1
        if parts == 1 {
            runPart(frame.pointee, part: 0, of: 1)
            return
        }
        if s.sharesTransform {
            // Two pool calls: the shared input transform, then the GEMMs (WinogradPhase).
            frame.pointee.phase = .transform
            runParts(parts)
            frame.pointee.phase = .gemm
            runParts(parts)
            frame.pointee.phase = .whole
            return
        }
        runParts(parts)
    }

    @inline(__always)
    private func runParts(_ parts: Int) {
        pool.run(parts: parts, context: UnsafeMutableRawPointer(frame)) { ctx, part, parts in
            runPart(ctx.unsafelyUnwrapped.assumingMemoryBound(to: PartFrame.self).pointee, part: part, of: parts)
        }
    }

    /// The CHW values of a view (debugging).
    func unpack(_ v: PlanView) -> [Float] {
        let p = arena.base + plan.offset(of: v)
        return unpackNCHWc8(Array(UnsafeBufferPointer(start: p, count: v.shape.count)), v.shape)
    }
}

/// Part `part` of `parts` of the frame's step: the halo of its share of the rows of the buffers
/// the step re-zeroes, then its units (rows / tile blocks) with its scratch slot.
@inline(__always)
private func runPart(_ f: PartFrame, part: Int, of parts: Int) {
    let s = f.calls[f.step]
    for h in s.halos where f.phase != .gemm {    // the halos before the first phase
        let b = f.halos[h]
        f32_halozero_direct_c8_1x8_scalar(f.arena + b.offset, blocks: b.blocks, height: b.height, width: b.width,
                                          rows: rowRange(rows: b.height, part: part, of: parts))
    }
    // Per-part Winograd scratch: steps with scratch have at most `threads` parts (one slot each).
    runStep(s, input: UnsafePointer(f.arena + s.input), output: f.arena + s.output, weights: f.weights,
            scratch: f.scratch + (s.usesScratch ? part * f.scratchFloats : 0),
            units: rowRange(rows: s.units, part: part, of: parts),
            maxPooled: s.maxPooled >= 0 ? f.arena + s.maxPooled : nil,
            avgPooled: s.avgPooled >= 0 ? f.arena + s.avgPooled : nil,
            phase: f.phase, sharedScratch: f.scratch)
}
