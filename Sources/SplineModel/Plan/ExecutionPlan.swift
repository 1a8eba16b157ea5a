import SplineKernels

/// A static execution plan for one network: NCHWc8 kernel calls in order, each with its
/// algorithm, its packed weights' offsets and its input / output views into ONE arena whose
/// buffer offsets are fixed here (liveness-based reuse, see MemoryPlanner). Both the dynamic
/// executor (SplineSeg FastEngine) and the code generator (splineseg-codegen) run exactly this.
///
/// Arena (floats): [0, activationFloats) activations, then `threads` Winograd scratch slots of
/// `scratchFloatsPerThread` each. Create it zeroed (that zeroes every halo once); buffers whose
/// memory is shared get their halo (or all) re-zeroed before their first write in each run
/// (`PlanBuffer.preparation`: reused memory may hold another buffer's interior values).
public struct ExecutionPlan: Sendable, Equatable {
    /// 2: the network input became the dense 1-channel plane (`BufferLayout.plane`).
    public static let formatVersion = 2

    public let steps: [PlanStep]
    public let buffers: [PlanBuffer]
    /// The 1 x I x I network input (the dense plane, `PlaneShape`, when only 3x3 convs read it,
    /// as in every DESIGN.md network; else NCHWc8, lanes 1...7 zero) and the 1 x O x O output.
    public let inputBuffer: Int
    public let outputBuffer: Int
    public let input: Int
    public let coefficients: Int
    public let policy: AlgorithmPolicy
    public let activationFloats: Int
    /// Largest Winograd scratch of any step, rounded to 16 floats; 0 without Winograd.
    public let scratchFloatsPerThread: Int
    /// Floats of the packed weights the steps index.
    public let weightFloats: Int

    /// Lowers `network` and packs its weights (in the order the kernels read them).
    package static func build(network: Network, policy: AlgorithmPolicy) throws(PlanError)
        -> (plan: ExecutionPlan, weights: [Float])
    {
        let l = try PlanLowering.lower(network, policy: policy)
        let live = MemoryPlanner.lifetimes(l)
        let layouts = l.bufferShapes.indices.map { b -> BufferLayout in
            l.planeInput && b == l.inputBuffer ? .plane : .nchwc8
        }
        let sizes = l.bufferShapes.indices.map { b in PlanBuffer.floats(l.bufferShapes[b], layouts[b]) }
        let (offsets, floats) = MemoryPlanner.place(sizes: sizes, lifetimes: live)
        var buffers: [PlanBuffer] = []
        for b in sizes.indices {
            let shared = sizes.indices.contains { o in
                o != b && offsets[o] < offsets[b] + sizes[b] && offsets[b] < offsets[o] + sizes[o]
            }
            let prep: BufferPreparation = !shared ? .none : l.channelCopyTargets.contains(b) ? .all : .halo
            buffers.append(PlanBuffer(shape: l.bufferShapes[b], layout: layouts[b], firstStep: live[b].first,
                                      lastStep: live[b].last, offset: offsets[b], preparation: prep))
        }
        let scratch = ((l.steps.map(\.scratchFloats).max() ?? 0) + 15) & ~15
        let plan = ExecutionPlan(
            steps: l.steps, buffers: buffers, inputBuffer: l.inputBuffer, outputBuffer: l.outputBuffer,
            input: network.input, coefficients: network.output, policy: policy, activationFloats: floats,
            scratchFloatsPerThread: scratch, weightFloats: l.weights.count)
        return (plan, l.weights)
    }

    /// The plan of a model whose weights come packed (.sspack, built-in): lowered from the
    /// spec's structure with placeholder weights, which do not affect the plan.
    package static func structure(spec: ModelSpec, policy: AlgorithmPolicy = .auto) throws(PlanError) -> ExecutionPlan {
        try build(network: NetworkBuilder.placeholder(spec: spec), policy: policy).plan
    }

    private init(
        steps: [PlanStep], buffers: [PlanBuffer], inputBuffer: Int, outputBuffer: Int, input: Int,
        coefficients: Int, policy: AlgorithmPolicy, activationFloats: Int, scratchFloatsPerThread: Int,
        weightFloats: Int
    ) {
        self.steps = steps
        self.buffers = buffers
        self.inputBuffer = inputBuffer
        self.outputBuffer = outputBuffer
        self.input = input
        self.coefficients = coefficients
        self.policy = policy
        self.activationFloats = activationFloats
        self.scratchFloatsPerThread = scratchFloatsPerThread
        self.weightFloats = weightFloats
    }

    /// Arena floats for `threads` threads (activations + one Winograd scratch slot per thread).
    public func arenaFloats(threads: Int) -> Int { activationFloats + max(threads, 1) * scratchFloatsPerThread }
    public func arenaBytes(threads: Int) -> Int { 4 * arenaFloats(threads: threads) }

    /// Float offset of a view's first element in the arena.
    public func offset(of v: PlanView) -> Int { buffers[v.buffer].offset + v.floatOffset }

    /// Lower-case hex SHA-256 of `canonicalDescription`: identifies the plan (not the weights).
    public var hash: String { SHA256.hex(Array(canonicalDescription.utf8)) }

    /// Sum of all buffers' floats: what the arena would need without reuse.
    public var unsharedFloats: Int { buffers.reduce(0) { $0 + $1.floats } }

    /// Multiply-adds of all convs (2 * macs = FLOPs).
    public var macs: Int { steps.reduce(0) { $0 + $1.macs } }

    /// Every field that affects execution, one line per buffer and step; hashed into `hash`.
    public var canonicalDescription: String {
        var s = "splineseg-plan/\(ExecutionPlan.formatVersion) input \(input) coefficients \(coefficients) "
            + "policy \(policy.rawValue) activations \(activationFloats) scratch \(scratchFloatsPerThread) "
            + "weights \(weightFloats) in \(inputBuffer) out \(outputBuffer)\n"
        for (i, b) in buffers.enumerated() {
            s += "buffer \(i) \(b.shape)\(b.layout == .plane ? " plane" : "") live \(b.firstStep)...\(b.lastStep) offset \(b.offset) prep \(b.preparation.rawValue)\n"
        }
        for (i, t) in steps.enumerated() {
            s += "step \(i) \(t.name) \(t.kind.rawValue) \(t.algorithm.rawValue) \(t.activation) "
                + "in \(t.input.buffer)+\(t.input.floatOffset):\(t.input.shape) out \(t.output.buffer)+\(t.output.floatOffset):\(t.output.shape) "
                + "c \(t.channels) k \(t.outChannels) h \(t.height) w \(t.width) p \(t.parameter) "
                + "w \(t.weightOffset)+\(t.weightCount) b \(t.biasOffset) units \(t.units) par \(t.parallel) "
                + "scratch \(t.scratchFloats) produces \(t.produces.map(\.name).joined(separator: ","))"
                + (t.maxPooled == nil && t.avgPooled == nil ? "" : " pool2 full \(t.writesOutput) max \(Self.describe(t.maxPooled)) avg \(Self.describe(t.avgPooled))")
                + (t.c1WeightOffset < 0 ? "" : " c1 \(t.c1WeightOffset)")
                + "\n"
        }
        return s
    }

    private static func describe(_ v: PlanView?) -> String {
        v.map { "\($0.buffer)+\($0.floatOffset):\($0.shape)" } ?? "-"
    }

    /// Human-readable table: steps, shapes, algorithms, buffers and the arena size.
    public var summary: String {
        var s = ""
        for (i, t) in steps.enumerated() {
            let alg = t.kind == .conv3x3 ? t.algorithm.rawValue : "-"
            let pools = (t.maxPooled.map { " +max2 \($0.shape) @buf\($0.buffer)" } ?? "")
                + (t.avgPooled.map { " +avg2 \($0.shape) @buf\($0.buffer)" } ?? "")
            let out = t.writesOutput ? "\(t.output.shape) @buf\(t.output.buffer)" : "(not stored)"
            let c1 = t.c1WeightOffset < 0 ? "" : "conv3x3c1+relu+"
            s += "  \(i): \(t.name) \(c1)\(t.kind.rawValue)[\(alg)\(t.activation == .none ? "" : "+\(t.activation)")] "
                + "\(t.input.shape) -> \(out)\(pools)\(t.parallel ? " (threads)" : "")\n"
        }
        let input = buffers[inputBuffer]
        s += "  input: \(input.layout == .plane ? "plane" : "NCHWc8") \(input.shape.height)x\(input.shape.width), \(4 * input.count) bytes\n"
        s += "  arena: \(buffers.count) buffers, activations \(4 * activationFloats) bytes "
            + "(without reuse \(4 * unsharedFloats) bytes), Winograd scratch \(4 * scratchFloatsPerThread) bytes per thread, "
            + "weights \(4 * weightFloats) bytes, \(macs) MACs\n"
        return s
    }
}
