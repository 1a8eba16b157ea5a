// libFuzzer target: the model spec JSON alone, without weights (the fast half of the `model`
// target): `ModelSpec.decode(json:)` (JSONDecoder + validate), then for a spec that validates
// `ExecutionPlan.structure(spec:)` (the network with placeholder weights, lowered and memory-
// planned, as for .sspack / built-in models) and invariants of the plan. Input = the spec JSON.
// The planning policy is picked by the input length's parity (odd: direct only; even: auto,
// i.e. Winograd where one side has >= 16 channels and the other >= 8) so both lowering paths
// are reached.
@testable import SplineModel
import SplineKernels

/// Planning builds every weight tensor (all ones), folds and packs it: under ASan ~1 ms for the
/// tiny test UNet (1.7 K weights), 15-70 ms for UNet(d3,b2,f8) (~150 K). Specs with more weights
/// than this are not planned (UNet(d2,b2,f4) is; the shipped UNet(d4,b4,f8) has ~0.5 M, the VGGs
/// 1.7 M / 7.6 M; validate() allows ~1.3 x 10^11, see docs/hardening.md). The model target has
/// the same kind of bound (input <= 64, filters <= 64).
let maxPlannedWeights = 40_000

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    let spec: ModelSpec
    do {
        spec = try ModelSpec.decode(json: bytes)
    } catch {
        _ = error.description
        return 0
    }
    // decode(json:) validated it; validation is a pure function of the spec.
    do { try spec.validate() } catch { preconditionFailure("decoded spec fails validate(): \(error)") }
    guard spec.weightCount <= maxPlannedWeights else { return 0 }

    let policy: AlgorithmPolicy = size % 2 == 1 ? .direct : .auto
    let plan: ExecutionPlan
    do {
        plan = try ExecutionPlan.structure(spec: spec, policy: policy)
    } catch {
        // A validated spec should always plan (packed models would then fail to load).
        preconditionFailure("validated spec does not plan: \(error)")
    }
    check(plan, spec: spec, policy: policy)
    return 0
}

/// Structural invariants of a plan (cheap: O(steps + buffers^2), no arena).
func check(_ plan: ExecutionPlan, spec: ModelSpec, policy: AlgorithmPolicy) {
    let (I, O) = (spec.input, spec.coefficients)
    precondition(plan.input == I && plan.coefficients == O && plan.policy == policy)
    let bufs = plan.buffers, steps = plan.steps
    precondition(!steps.isEmpty && bufs.indices.contains(plan.inputBuffer) && bufs.indices.contains(plan.outputBuffer))
    precondition(bufs[plan.inputBuffer].shape == ActShape(channels: 1, height: I, width: I), "input buffer shape")
    precondition(bufs[plan.outputBuffer].shape == ActShape(channels: 1, height: O, width: O), "output (coefficient) buffer shape")
    precondition(bufs[plan.inputBuffer].firstStep == -1 && bufs[plan.outputBuffer].lastStep == steps.count)
    // Only the network input may be the dense 1-channel plane.
    for (i, b) in bufs.enumerated() where b.layout == .plane {
        precondition(i == plan.inputBuffer && b.shape.channels == 1, "buffer \(i) is a plane but not the network input")
    }
    precondition(steps.last!.output.buffer == plan.outputBuffer, "last step does not write the output")
    precondition(plan.activationFloats % 16 == 0 && plan.scratchFloatsPerThread % 16 == 0)

    // Buffers: aligned, inside the arena; two whose memory overlaps are never alive together,
    // and exactly the shared ones are re-prepared each run.
    for (i, b) in bufs.enumerated() {
        precondition(b.offset >= 0 && b.offset % 16 == 0 && b.offset + b.floats <= plan.activationFloats, "buffer \(i) outside the arena")
        precondition(b.firstStep >= -1 && b.firstStep <= b.lastStep && b.lastStep <= steps.count, "buffer \(i) lifetime")
        var shared = false
        for (j, o) in bufs.enumerated() where j != i && o.offset < b.offset + b.floats && b.offset < o.offset + o.floats {
            shared = true
            precondition(o.lastStep < b.firstStep || b.lastStep < o.firstStep, "buffers \(i) and \(j) share memory while both alive")
        }
        precondition((b.preparation != .none) == shared, "buffer \(i) preparation \(b.preparation) but shared = \(shared)")
    }

    // Steps: views inside their buffers and alive at the step; shapes follow the kernel kind;
    // weights inside the packed array, aligned, not overlapping.
    var weightRanges: [Range<Int>] = []
    for (i, s) in steps.enumerated() {
        // Fused pools (Winograd conv + ReLU + 2x2 pools): extra outputs, H/2 x W/2 each.
        for v in [s.input, s.output] + [s.maxPooled, s.avgPooled].compactMap({ $0 }) {
            precondition(bufs.indices.contains(v.buffer), "step \(i) view of buffer \(v.buffer)")
            let b = bufs[v.buffer]
            precondition(v.shape.height == b.shape.height && v.shape.width == b.shape.width, "step \(i) view size")
            if b.layout == .plane {
                precondition(v.floatOffset == 0 && v.shape == b.shape, "step \(i) partial view of the input plane")
            } else {
                precondition(v.floatOffset >= 0 && v.floatOffset % b.shape.blockStride == 0
                    && v.floatOffset + v.shape.count <= b.shape.count, "step \(i) view outside buffer \(v.buffer)")
            }
            precondition(b.firstStep <= i && i <= b.lastStep, "step \(i) uses buffer \(v.buffer) outside its lifetime")
        }
        let (c, k, h, w) = (s.channels, s.outChannels, s.height, s.width)
        // A first conv fused into this one reads the 1-channel network input; c is its outputs.
        let fusedC1 = s.c1WeightOffset >= 0
        precondition(s.input.shape == ActShape(channels: fusedC1 ? 1 : c, height: h, width: w), "step \(i) input shape")
        if fusedC1 {
            // Into a Winograd F(6x6) conv (its input transform) or a direct conv (bands of scratch).
            precondition(s.kind == .conv3x3 && s.activation == .relu && s.input.buffer == plan.inputBuffer
                && (s.algorithm == .winogradF63 || s.algorithm == .direct), "step \(i): a first conv fused into a conv that has no prologue for it")
            let n = s.algorithm == .direct ? c1DirectWeightCount(midChannels: c) : winogradC1PrologueWeightCount(channels: c)
            if s.algorithm == .direct {
                let pooled = s.maxPooled != nil || s.avgPooled != nil
                precondition(s.scratchFloats == c1DirectScratchCount(midChannels: c, width: w) && s.units == (pooled ? h / 2 : h),
                             "step \(i): fused first conv + direct conv without its band scratch or with other units")
            }
            precondition(s.c1WeightOffset % 16 == 0 && s.c1WeightOffset + n <= plan.weightFloats, "step \(i) first-conv weights outside the pack")
            weightRanges.append(s.c1WeightOffset..<(s.c1WeightOffset + n))
        }
        // The plane is read by exactly the 1-channel kernels (conv3x3c1 and the fused first conv);
        // a 1-channel NCHWc8 activation (UNet f = 1) goes to the ordinary conv3x3.
        let readsPlane = bufs[s.input.buffer].layout == .plane
        precondition(readsPlane == (s.kind == .conv3x3c1 || fusedC1), "step \(i) reads the plane with a kernel for NCHWc8 or v.v.")
        for v in [s.output, s.maxPooled, s.avgPooled].compactMap({ $0 }) {
            precondition(bufs[v.buffer].layout != .plane, "step \(i) writes the input plane")
        }
        let out = s.output.shape
        switch s.kind {
        case .conv3x3c1, .conv3x3, .conv1x1:
            if s.maxPooled != nil || s.avgPooled != nil {
                // Winograd computes them in its output transform; a direct conv with the first conv fused
                // in (its pools read back the output, which it therefore stores). The mean pool alone
                // (a UNet bottleneck's) fuses too.
                precondition(s.kind == .conv3x3 && (s.algorithm != .direct || (fusedC1 && s.writesOutput)) && s.activation == .relu
                    && h % 2 == 0 && w % 2 == 0, "step \(i) fused pools on a conv that cannot have them")
                let half = ActShape(channels: k, height: h / 2, width: w / 2)
                precondition((s.maxPooled?.shape ?? half) == half && (s.avgPooled?.shape ?? half) == half, "step \(i) pooled view shape")
                if let a = s.avgPooled, let m = s.maxPooled {
                    precondition(a.buffer != m.buffer, "step \(i) max and mean pools share a buffer")
                }
            } else {
                precondition(s.writesOutput, "step \(i) writes nothing")
            }
            if s.writesOutput {
                precondition(out == ActShape(channels: k, height: h, width: w), "step \(i) conv output shape")
            } else {
                precondition(s.output == (s.maxPooled ?? s.avgPooled!), "step \(i): a conv without its full output names a pool as output")
            }
            precondition(s.kind != .conv3x3c1 || c == 1, "step \(i) conv3x3c1 with \(c) input channels")
            precondition(s.algorithm == .direct || (s.kind == .conv3x3 && policy.allowsWinograd(channels: c, outChannels: k)))
            precondition(s.macs == c * k * (s.kind == .conv1x1 ? 1 : 9) * h * w + (fusedC1 ? c * 9 * h * w : 0))
        case .maxPool2:
            precondition(out == ActShape(channels: c, height: h / 2, width: w / 2) && h % 2 == 0 && w % 2 == 0)
        case .avgPool:
            precondition(s.parameter >= 1 && h % s.parameter == 0 && w % s.parameter == 0)
            precondition(out == ActShape(channels: c, height: h / s.parameter, width: w / s.parameter), "step \(i) avgPool shape")
        case .convT2x2:
            precondition(out == ActShape(channels: k, height: 2 * h, width: 2 * w), "step \(i) convT shape")
        case .channelCopy:
            precondition(s.output.floatOffset == 0 && s.parameter >= 0 && s.parameter + c <= out.channels
                && out.height == h && out.width == w, "step \(i) channel copy range")
        }
        precondition(s.scratchFloats >= 0 && s.scratchFloats <= plan.scratchFloatsPerThread)
        precondition(s.units >= 1 || !s.parallel)
        switch s.kind {
        case .maxPool2, .avgPool, .channelCopy:
            precondition(s.weightOffset == -1 && s.biasOffset == -1 && s.macs == 0)
        default:
            precondition(s.weightOffset >= 0 && s.weightOffset % 16 == 0 && s.weightCount > 0
                && s.weightOffset + s.weightCount <= plan.weightFloats, "step \(i) weights outside the pack")
            weightRanges.append(s.weightOffset..<(s.weightOffset + s.weightCount))
            if s.biasOffset >= 0 {
                precondition(s.biasOffset % 16 == 0 && s.biasOffset + k <= plan.weightFloats, "step \(i) bias outside the pack")
                weightRanges.append(s.biasOffset..<(s.biasOffset + k))
            } else {
                precondition(s.biasOffset == -1 && s.algorithm != .direct, "step \(i): only Winograd packs its bias inside the weights")
            }
        }
    }
    weightRanges.sort { $0.lowerBound < $1.lowerBound }
    for (a, b) in zip(weightRanges, weightRanges.dropFirst()) { precondition(a.upperBound <= b.lowerBound, "packed weights overlap") }
    precondition(plan.hash.utf8.count == 64)
}
