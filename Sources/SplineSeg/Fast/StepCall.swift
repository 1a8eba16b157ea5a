import SplineKernels
import SplineModel

/// One plan step as its parts read it: trivial values only (the kernel choice, shapes, and float
/// offsets into the arena and the packed weights). PlanExecutor builds one per step when it is
/// created, and every thread reads them through a raw pointer (`PartFrame`), so that no part
/// retains or releases a shared object: a `PlanStep` copy retains its name and `produces` array,
/// an atomic on the same cache line from both CPUs at every part's start and end.
struct StepCall {
    let kind: PlanStep.Kind
    let algorithm: ConvAlgorithm
    let activation: Activation
    let channels: Int, outChannels: Int, height: Int, width: Int
    /// avgPool: kernel; channelCopy: destination channel offset (PlanStep.parameter).
    let parameter: Int
    /// Float offsets into the packed weights (PlanStep).
    let weightOffset: Int, biasOffset: Int, c1WeightOffset: Int
    let writesOutput: Bool
    /// Float offsets into the arena: input and output views, fused pools (-1: none).
    let input: Int, output: Int, maxPooled: Int, avgPooled: Int
    /// Work units (rows or Winograd tile blocks), whether the step runs on several threads,
    /// its multiply-adds (how finely it is split) and whether each part uses a scratch slot.
    let units: Int
    let parallel: Bool
    let macs: Int
    let usesScratch: Bool
    /// Runs as two pool calls, `.transform` then `.gemm` (PlanStep.sharesTransform).
    let sharesTransform: Bool
    /// This step's entries in the halo table (`HaloCall`): the buffers whose halo its parts re-zero.
    let halos: Range<Int>

    init(_ s: PlanStep, plan: ExecutionPlan, halos: Range<Int>) {
        kind = s.kind
        algorithm = s.algorithm
        activation = s.activation
        (channels, outChannels, height, width) = (s.channels, s.outChannels, s.height, s.width)
        parameter = s.parameter
        (weightOffset, biasOffset, c1WeightOffset) = (s.weightOffset, s.biasOffset, s.c1WeightOffset)
        writesOutput = s.writesOutput
        input = plan.offset(of: s.input)
        output = plan.offset(of: s.output)
        maxPooled = s.maxPooled.map { plan.offset(of: $0) } ?? -1
        avgPooled = s.avgPooled.map { plan.offset(of: $0) } ?? -1
        units = s.units
        parallel = s.parallel
        macs = s.macs
        usesScratch = s.scratchFloats > 0
        sharesTransform = s.sharesTransform
        self.halos = halos
    }
}

/// An NCHWc8 buffer whose halo a step's parts re-zero, each its share of the rows.
struct HaloCall {
    let offset: Int, blocks: Int, height: Int, width: Int
}

/// What a part of the current step reads (trivial values; the pool passes its address).
struct PartFrame {
    let calls: UnsafePointer<StepCall>
    let halos: UnsafePointer<HaloCall>
    let arena: UnsafeMutablePointer<Float>
    /// Start of the per-thread Winograd scratch slots, and the floats of one.
    let scratch: UnsafeMutablePointer<Float>
    let scratchFloats: Int
    /// The packed weights, set by every run (their pointer is valid inside `withPointer` only).
    var weights: UnsafePointer<Float>
    var step: Int
    /// The phase of a step that `sharesTransform` (`.whole` otherwise).
    var phase: WinogradPhase = .whole
}
