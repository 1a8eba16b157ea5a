import SplineKernels

/// The network lowered to kernel calls, before memory planning: buffers have shapes but no
/// offsets yet (`PlanView.buffer` indexes `bufferShapes`).
struct LoweredNetwork {
    var steps: [PlanStep]
    var bufferShapes: [ActShape]
    /// Buffers written (partly) by a channel copy, which leaves padding lanes untouched.
    var channelCopyTargets: Set<Int>
    var inputBuffer: Int
    var outputBuffer: Int
    var weights: [Float]
    /// Whether the input buffer is the dense 1-channel plane (`BufferLayout.plane`).
    var planeInput: Bool
}

/// Lowers a `Network` (reference layer list) to NCHWc8 kernel calls:
/// - conv blocks -> conv3x3 (direct or Winograd by policy) / conv3x3c1 for the 1-channel input,
///   BatchNorm already folded by the builder, ReLU fused;
/// - 1x1 conv [+ BatchNorm] [+ tanh] -> one conv1x1 with the BatchNorm folded in and tanh fused;
/// - concat [skip_pool, upconv] -> no step: both producers write adjacent channel ranges of one
///   buffer (KERNELS.md "Concatenation"); a part starting at a channel that is not a multiple
///   of 8 is copied in with the scalar channel copy instead;
/// - the skip pool of each UNet decoder step is scheduled right after its skip is produced, so
///   the full-resolution skip dies at once and only the pooled part stays alive;
/// - a Winograd conv + ReLU followed by a 2x2 max pool computes the pool (and the first 2x2 stage
///   of an even-kernel skip pool of the same output) in its output transform, and stores its
///   full-resolution output only if something else reads it (`FusedPools`); so does one followed
///   by an even-kernel average pool alone (the UNet bottleneck's pool: its first 2x2 stage).
struct PlanLowering {
    /// Steps with fewer multiply-adds (or floats moved, for pools) run on one thread: splitting
    /// them costs more in dispatch (the worker spins between steps: ~1 us) than it gains. 64K
    /// since session 16 (was 1M, from ~50 us per 1M MACs on one Zen 3 core): on the Zen 5 with
    /// AVX-512 the built-in model's four transposed convs (512K MACs, ~10 us each) and its pools
    /// gain from both threads: 2 threads 0.31-0.32 -> 0.305-0.31 ms (1M -> 256K -> 64K, 8
    /// alternating rounds of 100 runs each; 16K no better). 32K since session 20: the built-in
    /// model's head (8->1 @64: 32K multiply-adds on 32K floats that both threads wrote) 4.8 ->
    /// 2.8 us on 2 threads, each thread reading the rows it wrote (model 0.2817 -> 0.2798 ms,
    /// medians of 6 alternating rounds of 500 runs).
    static let parallelWorkThreshold = 1 << 15

    let network: Network
    let policy: AlgorithmPolicy
    let shapes: [ActShape]
    var uses: [Int]
    /// Network steps reading each register.
    var consumers: [[Int]]
    var view: [PlanView?]
    var target: [PlanView?]
    var steps: [PlanStep] = []
    var bufferShapes: [ActShape] = []
    var copyTargets: Set<Int> = []
    var weights: [Float] = []
    var lastWriter: [Int: Int] = [:]
    var emitted = Set<Int>()
    /// Network step index of a concat -> (copy part a, copy part b).
    var catCopy: [Int: (a: Bool, b: Bool)] = [:]
    /// A first conv (1 input channel) left to the Winograd conv that reads its output
    /// (`fusesIntoNext`): its output register, the network input view, its packed weights.
    var pendingC1: (reg: Int, input: PlanView, weightOffset: Int, macs: Int)?

    static func lower(_ network: Network, policy: AlgorithmPolicy) throws(PlanError) -> LoweredNetwork {
        var l = PlanLowering(network: network, policy: policy)
        try l.run()
        return LoweredNetwork(
            steps: l.steps, bufferShapes: l.bufferShapes, channelCopyTargets: l.copyTargets,
            inputBuffer: l.view[0]!.buffer, outputBuffer: l.view[network.steps.count]!.buffer, weights: l.weights,
            planeInput: l.planeInput)
    }

    private init(network: Network, policy: AlgorithmPolicy) {
        self.network = network
        self.policy = policy
        shapes = network.registerShapes()
        uses = [Int](repeating: 0, count: shapes.count)
        consumers = [[Int]](repeating: [], count: shapes.count)
        for (i, s) in network.steps.enumerated() {
            for r in s.inputs { uses[r] += 1; consumers[r].append(i) }
        }
        view = [PlanView?](repeating: nil, count: shapes.count)
        target = view
        // The 1-channel input as a dense plane (1/8 of its NCHWc8 size) when only 3x3 convs read
        // it: they become conv3x3c1 steps or the fused first conv, both reading the plane.
        let ns = network.steps
        planeInput = shapes[0].channels == 1 && consumers[0].allSatisfy { i in
            if case .conv(_, _, _, 3, _) = ns[i].op { return ns[i].inputs == [0] }
            return false
        }
    }

    /// See `LoweredNetwork.planeInput`.
    let planeInput: Bool

    private mutating func run() throws(PlanError) {
        let ns = network.steps
        view[0] = newBuffer(shapes[0])
        // Concatenations: one buffer, producers write into their channel ranges.
        for (i, s) in ns.enumerated() {
            guard case .concat = s.op else { continue }
            let (a, b) = (s.inputs[0], s.inputs[1])
            let cat = newBuffer(shapes[s.output])
            let c1 = shapes[a].channels
            let aInPlace = uses[a] == 1 && writesOwnOutput(a)
            let bInPlace = c1 % 8 == 0 && uses[b] == 1 && writesOwnOutput(b)
            if aInPlace { target[a] = PlanView(buffer: cat.buffer, floatOffset: 0, shape: shapes[a]) }
            if bInPlace {
                target[b] = PlanView(buffer: cat.buffer, floatOffset: (c1 / 8) * cat.shape.blockStride, shape: shapes[b])
            }
            target[s.output] = cat
            catCopy[i] = (!aInPlace, !bInPlace)
            if !aInPlace || !bInPlace { copyTargets.insert(cat.buffer) }
        }
        // Pools writing the first part of a concatenation run as soon as their input exists.
        let early = ns.indices.filter { i in
            if case .avgPool = ns[i].op, target[ns[i].output] != nil { return true }
            return false
        }
        try emitEarly(early, after: 0)
        var i = 0
        while i < ns.count {
            if emitted.contains(i) { i += 1; continue }
            let consumed = try emit(i)
            i += consumed
            try emitEarly(early, after: ns[i - 1].output)
        }
    }

    private mutating func emitEarly(_ early: [Int], after reg: Int) throws(PlanError) {
        for j in early where network.steps[j].inputs[0] == reg && !emitted.contains(j) {
            _ = try emit(j)
        }
    }

    /// Whether register r is produced by a step that becomes one kernel writing it (so the
    /// kernel can write straight into a concat buffer).
    private func writesOwnOutput(_ r: Int) -> Bool {
        guard r > 0 else { return false }
        switch network.steps[r - 1].op {
        case .avgPool, .maxPool2, .upconv: return true
        case .conv(_, _, _, let k, _): return k == 3
        default: return false
        }
    }

    private mutating func newBuffer(_ shape: ActShape) -> PlanView {
        bufferShapes.append(shape)
        return PlanView(buffer: bufferShapes.count - 1, floatOffset: 0, shape: shape)
    }

    /// Appends packed floats at a 16-float (64-byte) boundary; returns the offset.
    private mutating func appendWeights(_ w: [Float]) -> Int {
        weights.append(contentsOf: [Float](repeating: 0, count: (16 - weights.count % 16) % 16))
        let o = weights.count
        weights.append(contentsOf: w)
        return o
    }

    /// Emits network step i (and the BatchNorm / tanh fused into it); returns the number of
    /// network steps consumed.
    private mutating func emit(_ i: Int) throws(PlanError) -> Int {
        let ns = network.steps
        let s = ns[i]
        emitted.insert(i)
        let inReg = s.inputs[0]
        let c1 = pendingC1.flatMap { $0.reg == inReg ? $0 : nil }
        if c1 != nil { pendingC1 = nil }
        let inView = c1?.input ?? view[inReg]!, inShape = shapes[inReg]
        func output(_ reg: Int) -> PlanView { target[reg] ?? newBuffer(shapes[reg]) }
        switch s.op {
        case .conv(let w, let b, let cout, let k, let relu):
            var consumed = 1
            var act: Activation = relu ? .relu : .none
            var (wv, bv) = (w, b)
            if k == 1, !relu, i + 1 < ns.count, case .affine(let scale, let shift) = ns[i + 1].op,
               ns[i + 1].inputs == [s.output], uses[s.output] == 1
            {
                // BatchNorm after a 1x1 conv (VGG heads): w' = w scale, b' = b scale + shift.
                let cin = inShape.channels
                for co in 0..<cout {
                    let sc = Double(scale[co])
                    for ci in 0..<cin { wv[co * cin + ci] = Float(Double(w[co * cin + ci]) * sc) }
                    bv[co] = Float(Double(b[co]) * sc + Double(shift[co]))
                }
                consumed = 2
                emitted.insert(i + 1)
            }
            let last = ns[i + consumed - 1].output
            if act == .none, i + consumed < ns.count, case .tanh = ns[i + consumed].op,
               ns[i + consumed].inputs == [last], uses[last] == 1
            {
                act = .tanh
                emitted.insert(i + consumed)
                consumed += 1
            }
            let outReg = ns[i + consumed - 1].output
            var outView: PlanView?
            func out() -> PlanView {
                if let v = outView { return v }
                let v = output(outReg)
                outView = v
                return v
            }
            let h = inShape.height, wd = inShape.width, c = inShape.channels
            // A 1-channel conv other than on the input plane (UNet f = 1) is an ordinary conv3x3.
            let onPlane = planeInput && inReg == 0
            if k == 3 && onPlane && act == .relu && consumed == 1, let next = fusesIntoNext(i) {
                // Not stored: the next conv's input transform computes it (WinogradC1Prologue.swift),
                // or each part of the next direct conv its own rows (Conv3x3C1Conv3x3Direct.swift).
                let p = next == .direct
                    ? try pack { () throws(KernelShapeError) in try packConv3x3C1Direct(weights: wv, bias: bv, midChannels: cout) }
                    : winogradC1PackPrologue(weights: wv, bias: bv, channels: cout)
                pendingC1 = (s.output, inView, appendWeights(p), cout * 9 * h * wd)
                return 1
            } else if k == 3 && onPlane {
                let p = try pack { () throws(KernelShapeError) in try packConv3x3C1(weights: wv, bias: bv, outChannels: cout) }
                add(ns[i + consumed - 1].name, .conv3x3c1, .direct, act, inView, out(), c, cout, h, wd, 0,
                    appendWeights(p.weights), p.weights.count, appendWeights(p.bias), macs: cout * 9 * h * wd)
            } else if k == 3 {
                let alg = act == .tanh ? .direct : algorithm(c, cout, h, wd)
                let macs = c * cout * 9 * h * wd
                switch alg {
                case .direct:
                    let p = try pack { () throws(KernelShapeError) in
                        try packConv3x3(weights: wv, bias: bv, outChannels: cout, channels: c)
                    }
                    let wo = appendWeights(p.weights), bo = appendWeights(p.bias)
                    let c1Offset = c1?.weightOffset ?? -1, allMacs = macs + (c1?.macs ?? 0)
                    // With the first conv fused in (fusesIntoNext), the pools that follow fuse too:
                    // the conv's output stays stored, the pools read it back per band.
                    if c1 != nil, consumed == 1, var fused = fusePools(conv: i, height: h, width: wd) {
                        fused.keepOutput = true
                        emitFused(i, fused, .direct, inView, c, cout, h, wd, wo, p.weights.count, macs: allMacs,
                                  c1WeightOffset: c1Offset, biasOffset: bo)
                        return fused.consumed
                    }
                    add(ns[i + consumed - 1].name, .conv3x3, .direct, act, inView, out(), c, cout, h, wd, 0,
                        wo, p.weights.count, bo, macs: allMacs, c1WeightOffset: c1Offset)
                case .winogradF43, .winogradF63:
                    let p = alg == .winogradF43
                        ? winogradF43PackWeights(weights: wv, bias: bv, inChannels: c, outChannels: cout)
                        : winogradF63PackWeights(weights: wv, bias: bv, inChannels: c, outChannels: cout)
                    let wo = appendWeights(p)
                    let c1Offset = c1?.weightOffset ?? -1, allMacs = macs + (c1?.macs ?? 0)
                    if act == .relu, consumed == 1, let fused = fusePools(conv: i, height: h, width: wd) {
                        emitFused(i, fused, alg, inView, c, cout, h, wd, wo, p.count, macs: allMacs, c1WeightOffset: c1Offset)
                        return fused.consumed
                    }
                    add(ns[i + consumed - 1].name, .conv3x3, alg, act, inView, out(), c, cout, h, wd, 0,
                        wo, p.count, -1, macs: allMacs, c1WeightOffset: c1Offset)
                }
            } else if k == 1 {
                let p = try pack { () throws(KernelShapeError) in
                    try packConv1x1(weights: wv, bias: bv, outChannels: cout, channels: c)
                }
                add(ns[i + consumed - 1].name, .conv1x1, .direct, act, inView, out(), c, cout, h, wd, 0,
                    appendWeights(p.weights), p.weights.count, appendWeights(p.bias), macs: c * cout * h * wd)
            } else {
                throw .unsupported("layer '\(s.name)': \(k)x\(k) conv (only 3x3 and 1x1)")
            }
            view[outReg] = out()
            return consumed
        case .affine, .tanh:
            throw .unsupported("layer '\(s.name)': BatchNorm / tanh that does not follow a 1x1 conv")
        case .maxPool2:
            let out = output(s.output)
            add(s.name, .maxPool2, .direct, .none, inView, out, inShape.channels, inShape.channels,
                inShape.height, inShape.width, 0, -1, 0, -1, macs: 0)
            view[s.output] = out
        case .avgPool(let k):
            let out = output(s.output)
            add(s.name, .avgPool, .direct, .none, inView, out, inShape.channels, inShape.channels,
                inShape.height, inShape.width, k, -1, 0, -1, macs: 0)
            view[s.output] = out
        case .upconv(let w, let b, let cout):
            let out = output(s.output)
            let c = inShape.channels
            let p = try pack { () throws(KernelShapeError) in
                try packConvTranspose2x2(weights: w, bias: b, channels: c, outChannels: cout)
            }
            add(s.name, .convT2x2, .direct, .none, inView, out, c, cout, inShape.height, inShape.width, 0,
                appendWeights(p.weights), p.weights.count, appendWeights(p.bias),
                macs: c * cout * 4 * inShape.height * inShape.width)
            view[s.output] = out
        case .concat:
            let cat = target[s.output]!
            let (a, b) = (s.inputs[0], s.inputs[1])
            let copy = catCopy[i]!
            if copy.a { addCopy(s.name, from: view[a]!, to: cat, dstOffset: 0) }
            if copy.b { addCopy(s.name, from: view[b]!, to: cat, dstOffset: shapes[a].channels) }
            steps[lastWriter[cat.buffer]!].produces.append(.init(name: s.name, view: cat))
            view[s.output] = cat
        }
        return 1
    }

    /// The algorithm of the next step when network step i, a 1-input-channel 3x3 conv + ReLU, is
    /// fused into it: that step is the only reader of its output and a 3x3 conv + ReLU computed
    /// with Winograd F(6x6,3x3) (in its input transform; F43 is picked on small planes, where the
    /// stored first-layer output is small too) or directly (on per-part bands of scratch,
    /// Conv3x3C1Conv3x3Direct.swift). Nil: not fused.
    private func fusesIntoNext(_ i: Int) -> ConvAlgorithm? {
        let ns = network.steps
        let reg = ns[i].output
        guard uses[reg] == 1, i + 1 < ns.count, ns[i + 1].inputs == [reg],
              case .conv(_, _, let cout, let k, let relu) = ns[i + 1].op, k == 3, relu else { return nil }
        let sh = shapes[reg]
        let alg = algorithm(sh.channels, cout, sh.height, sh.width)
        return alg == .winogradF63 || alg == .direct ? alg : nil
    }

    /// Pools fused into a Winograd conv + ReLU (network step `conv`): the max pool that
    /// follows it, and a skip pool of even kernel reading the same output (its first 2x2 stage;
    /// kernel 2k' > 2 leaves an avgPool(k') on the half-size result); or, when the next step is
    /// an even-kernel average pool of the conv's output (the UNet bottleneck's pool), that pool
    /// alone, the same way. Nil unless H, W are even and the next step pools the conv's output.
    struct FusedPools {
        var maxStep: Int?
        var avgStep: Int?
        var avgKernel: Int
        /// The full-resolution output is read by something else too.
        var keepOutput: Bool
        /// Network steps consumed in order (the conv and the pool right after it).
        var consumed: Int { 2 }
    }

    private func fusePools(conv i: Int, height h: Int, width w: Int) -> FusedPools? {
        let ns = network.steps
        let reg = ns[i].output
        guard h % 2 == 0, w % 2 == 0, i + 1 < ns.count, ns[i + 1].inputs == [reg] else { return nil }
        if case .avgPool(let k) = ns[i + 1].op, k % 2 == 0 {
            // Built-in model (bottleneck 128 x 8 x 8 -> 4 x 4): one step less, and the conv's
            // output is not stored (its only reader is the pool).
            return FusedPools(maxStep: nil, avgStep: i + 1, avgKernel: k, keepOutput: uses[reg] > 1)
        }
        guard case .maxPool2 = ns[i + 1].op else { return nil }
        var avg: (step: Int, kernel: Int)?
        for j in consumers[reg] where j != i + 1 && !emitted.contains(j) {
            if case .avgPool(let k) = ns[j].op, k % 2 == 0, avg == nil, ns[j].inputs == [reg] { avg = (j, k) }
        }
        let fusedUses = 1 + (avg == nil ? 0 : 1)
        return FusedPools(maxStep: i + 1, avgStep: avg?.step, avgKernel: avg?.kernel ?? 0,
                          keepOutput: uses[reg] > fusedUses)
    }

    /// Emits conv step i with its fused pools (see `FusedPools`).
    private mutating func emitFused(
        _ i: Int, _ f: FusedPools, _ alg: ConvAlgorithm, _ inView: PlanView, _ c: Int, _ k: Int, _ h: Int, _ w: Int,
        _ weightOffset: Int, _ weightCount: Int, macs: Int, c1WeightOffset: Int, biasOffset: Int = -1
    ) {
        let ns = network.steps
        let reg = ns[i].output
        var maxView: PlanView?
        if let m = f.maxStep {
            let maxReg = ns[m].output
            maxView = target[maxReg] ?? newBuffer(shapes[maxReg])
            emitted.insert(m)
            view[maxReg] = maxView
        }
        var produced: [PlanStep.Produced] = []
        var full: PlanView?
        if f.keepOutput {
            full = target[reg] ?? newBuffer(shapes[reg])
            view[reg] = full
            produced.append(.init(name: ns[i].name, view: full!))
        }
        if let m = f.maxStep, let v = maxView { produced.append(.init(name: ns[m].name, view: v)) }
        var avgView: PlanView?
        if let a = f.avgStep {
            emitted.insert(a)
            let avgReg = ns[a].output
            if f.avgKernel == 2 {
                avgView = target[avgReg] ?? newBuffer(shapes[avgReg])
                view[avgReg] = avgView
                produced.append(.init(name: ns[a].name, view: avgView!))
            } else {
                avgView = newBuffer(ActShape(channels: k, height: h / 2, width: w / 2))
            }
        }
        add(ns[i].name, .conv3x3, alg, .relu, inView, full ?? maxView ?? avgView!, c, k, h, w, 0, weightOffset, weightCount, biasOffset,
            macs: macs, maxPooled: maxView, avgPooled: avgView, writesOutput: full != nil, produced: produced,
            c1WeightOffset: c1WeightOffset)
        if let a = f.avgStep, f.avgKernel > 2, let half = avgView {
            // The rest of the skip pool: avgPool(kernel / 2) of the 2x2 means.
            let avgReg = ns[a].output
            let out = target[avgReg] ?? newBuffer(shapes[avgReg])
            add(ns[a].name, .avgPool, .direct, .none, half, out, k, k, h / 2, w / 2, f.avgKernel / 2, -1, 0, -1, macs: 0)
            view[avgReg] = out
        }
    }

    private func algorithm(_ c: Int, _ k: Int, _ h: Int, _ w: Int) -> ConvAlgorithm {
        guard policy.allowsWinograd(channels: c, outChannels: k) else { return .direct }
        return winogradPrefersF63(inChannels: c, outChannels: k, height: h, width: w) ? .winogradF63 : .winogradF43
    }

    private func pack<T>(_ body: () throws(KernelShapeError) -> T) throws(PlanError) -> T {
        do { return try body() } catch { throw .weights(error.description) }
    }

    private mutating func addCopy(_ name: String, from src: PlanView, to cat: PlanView, dstOffset: Int) {
        add(name, .channelCopy, .direct, .none, src, cat, src.shape.channels, src.shape.channels,
            src.shape.height, src.shape.width, dstOffset, -1, 0, -1, macs: 0, produces: false)
    }

    private mutating func add(
        _ name: String, _ kind: PlanStep.Kind, _ alg: ConvAlgorithm, _ act: Activation, _ input: PlanView,
        _ output: PlanView, _ c: Int, _ k: Int, _ h: Int, _ w: Int, _ parameter: Int,
        _ weightOffset: Int, _ weightCount: Int, _ biasOffset: Int, macs: Int, produces: Bool = true,
        maxPooled: PlanView? = nil, avgPooled: PlanView? = nil, writesOutput: Bool = true,
        produced: [PlanStep.Produced]? = nil, c1WeightOffset: Int = -1
    ) {
        var units = h, scratch = 0
        switch (kind, alg) {
        case (.conv3x3, .winogradF43):
            units = winogradF43BlockCount(inChannels: c, outChannels: k, height: h, width: w)
            scratch = winogradF43ScratchCount(inChannels: c, outChannels: k, height: h, width: w)
        case (.conv3x3, .winogradF63):
            units = winogradF63BlockCount(inChannels: c, outChannels: k, height: h, width: w)
            scratch = winogradF63ScratchCount(inChannels: c, outChannels: k, height: h, width: w)
        case (.conv3x3, .direct) where c1WeightOffset >= 0:
            // Fused first conv (Conv3x3C1Conv3x3Direct.swift): a band of scratch per part; with
            // pools, the units are pooled rows (a part never splits a row pair).
            units = maxPooled != nil || avgPooled != nil ? h / 2 : h
            scratch = c1DirectScratchCount(midChannels: c, width: w)
        case (.maxPool2, _): units = h / 2
        case (.avgPool, _): units = h / parameter
        default: break
        }
        let work = max(macs, input.shape.count)
        let step = PlanStep(
            name: name, kind: kind, algorithm: alg, activation: act, input: input, output: output,
            channels: c, outChannels: k, height: h, width: w, parameter: parameter,
            weightOffset: weightOffset, weightCount: weightCount, biasOffset: biasOffset, units: units,
            parallel: work >= PlanLowering.parallelWorkThreshold && units > 1, scratchFloats: scratch, macs: macs,
            maxPooled: maxPooled, avgPooled: avgPooled, c1WeightOffset: c1WeightOffset, writesOutput: writesOutput,
            produces: produced ?? (produces ? [.init(name: name, view: output)] : []))
        steps.append(step)
        lastWriter[output.buffer] = steps.count - 1
        if let v = maxPooled { lastWriter[v.buffer] = steps.count - 1 }
        if let v = avgPooled { lastWriter[v.buffer] = steps.count - 1 }
    }
}
