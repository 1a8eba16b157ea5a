import SplineKernels
import SplineModel

/// Runs `units` (rows or Winograd blocks) of one plan step: the dynamic counterpart of one
/// line of generated code. `weights` are the plan's packed weights, `scratch` this thread's
/// Winograd scratch slot.
@inline(__always)
func runStep(
    _ s: StepCall, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, units r: Range<Int>,
    maxPooled: UnsafeMutablePointer<Float>? = nil, avgPooled: UnsafeMutablePointer<Float>? = nil,
    phase: WinogradPhase = .whole, sharedScratch: UnsafeMutablePointer<Float>? = nil
) {
    if s.c1WeightOffset >= 0 && s.algorithm == .direct {
        // The first conv fused into this direct conv + ReLU, and its pools if any (PlanStep.c1WeightOffset).
        precondition(s.kind == .conv3x3 && s.activation == .relu, "fused first conv on a step other than a conv + ReLU (plan bug)")
        if maxPooled != nil || avgPooled != nil {
            f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_pool2x2s2_avx2(
                input: input, output: output, maxPooled: maxPooled, avgPooled: avgPooled,
                c1Weights: weights + s.c1WeightOffset, weights: weights + s.weightOffset, bias: weights + s.biasOffset,
                scratch: scratch, midChannels: s.channels, outChannels: s.outChannels, height: s.height, width: s.width, rows: r)
        } else {
            f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_avx2(
                input: input, output: output, c1Weights: weights + s.c1WeightOffset, weights: weights + s.weightOffset,
                bias: weights + s.biasOffset, scratch: scratch, midChannels: s.channels, outChannels: s.outChannels,
                height: s.height, width: s.width, rows: r)
        }
        return
    }
    if s.c1WeightOffset >= 0 {
        // The first conv fused into this Winograd F(6x6) conv + ReLU (PlanStep.c1WeightOffset).
        precondition(s.kind == .conv3x3 && s.algorithm == .winogradF63 && s.activation == .relu,
                     "fused first conv on a step other than a Winograd F(6x6) conv + ReLU (plan bug)")
        if maxPooled != nil || avgPooled != nil {
            f32_conv3x3c1conv3x3_winograd6x6_p1c8_6x16_relu_pool2x2s2_avx2(
                input: input, output: s.writesOutput ? output : nil, maxPooled: maxPooled, avgPooled: avgPooled,
                c1Weights: weights + s.c1WeightOffset, weights: weights + s.weightOffset, scratch: scratch,
                midChannels: s.channels, outChannels: s.outChannels, height: s.height, width: s.width, blocks: r)
        } else {
            f32_conv3x3c1conv3x3_winograd6x6_p1c8_6x16_relu_avx2(
                input: input, output: output, c1Weights: weights + s.c1WeightOffset, weights: weights + s.weightOffset,
                scratch: scratch, midChannels: s.channels, outChannels: s.outChannels, height: s.height, width: s.width, blocks: r)
        }
        return
    }
    if maxPooled != nil || avgPooled != nil {
        // A Winograd conv + ReLU with fused 2x2 pools (PlanStep.maxPooled).
        let full = s.writesOutput ? output : nil
        precondition(s.kind == .conv3x3 && s.activation == .relu, "fused pools on a non-Winograd step (plan bug)")
        if s.algorithm == .winogradF43 {
            f32_conv3x3_winograd4x4_c8_6x16_relu_pool2x2s2_avx2(
                input: input, output: full, maxPooled: maxPooled, avgPooled: avgPooled, weights: weights + s.weightOffset,
                scratch: scratch, inChannels: s.channels, outChannels: s.outChannels, height: s.height, width: s.width, blocks: r,
                phase: phase, sharedScratch: sharedScratch)
        } else {
            precondition(s.algorithm == .winogradF63, "fused pools on a direct conv (plan bug)")
            f32_conv3x3_winograd6x6_c8_6x16_relu_pool2x2s2_avx2(
                input: input, output: full, maxPooled: maxPooled, avgPooled: avgPooled, weights: weights + s.weightOffset,
                scratch: scratch, inChannels: s.channels, outChannels: s.outChannels, height: s.height, width: s.width, blocks: r)
        }
        return
    }
    let w = weights + max(s.weightOffset, 0), b = weights + max(s.biasOffset, 0)
    let (c, k, h, wd) = (s.channels, s.outChannels, s.height, s.width)
    switch (s.kind, s.algorithm, s.activation) {
    case (.conv3x3c1, _, .none):
        f32_conv3x3c1_direct_p1c8_6x16_avx2(input, output, weights: w, bias: b, outChannels: k, height: h, width: wd, rows: r)
    case (.conv3x3c1, _, .relu):
        f32_conv3x3c1_direct_p1c8_6x16_relu_avx2(input, output, weights: w, bias: b, outChannels: k, height: h, width: wd, rows: r)
    case (.conv3x3c1, _, .tanh):
        f32_conv3x3c1_direct_p1c8_6x16_tanh_avx2(input, output, weights: w, bias: b, outChannels: k, height: h, width: wd, rows: r)
    case (.conv3x3, .direct, .none):
        f32_conv3x3_direct_c8_6x16_avx2(
            input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.conv3x3, .direct, .relu):
        f32_conv3x3_direct_c8_6x16_relu_avx2(
            input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.conv3x3, .direct, .tanh):
        f32_conv3x3_direct_c8_6x16_tanh_avx2(
            input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.conv3x3, .winogradF43, .relu):
        f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(
            input: input, output: output, weights: w, scratch: scratch, inChannels: c, outChannels: k,
            height: h, width: wd, blocks: r, phase: phase, sharedScratch: sharedScratch)
    case (.conv3x3, .winogradF43, _):
        precondition(s.activation == .none, "Winograd has no tanh epilogue (plan bug)")
        f32_conv3x3_winograd4x4_c8_6x16_avx2(
            input: input, output: output, weights: w, scratch: scratch, inChannels: c, outChannels: k,
            height: h, width: wd, blocks: r, phase: phase, sharedScratch: sharedScratch)
    case (.conv3x3, .winogradF63, .relu):
        f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(
            input: input, output: output, weights: w, scratch: scratch, inChannels: c, outChannels: k,
            height: h, width: wd, blocks: r)
    case (.conv3x3, .winogradF63, _):
        precondition(s.activation == .none, "Winograd has no tanh epilogue (plan bug)")
        f32_conv3x3_winograd6x6_c8_6x16_avx2(
            input: input, output: output, weights: w, scratch: scratch, inChannels: c, outChannels: k,
            height: h, width: wd, blocks: r)
    // One output channel (UNet heads): the dot kernel, which fills 8 lanes with input channels.
    case (.conv1x1, _, .none) where k == 1:
        f32_conv1x1_dot_c8_8x1_avx2(input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.conv1x1, _, .relu) where k == 1:
        f32_conv1x1_dot_c8_8x1_relu_avx2(input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.conv1x1, _, .tanh) where k == 1:
        f32_conv1x1_dot_c8_8x1_tanh_avx2(input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.conv1x1, _, .none):
        f32_conv1x1_gemm_c8_6x16_avx2(input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.conv1x1, _, .relu):
        f32_conv1x1_gemm_c8_6x16_relu_avx2(
            input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.conv1x1, _, .tanh):
        f32_conv1x1_gemm_c8_6x16_tanh_avx2(
            input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.convT2x2, _, _):
        f32_convt2x2s2_gemm_c8_6x16_avx2(
            input, output, weights: w, bias: b, channels: c, outChannels: k, height: h, width: wd, rows: r)
    case (.maxPool2, _, _):
        f32_maxpool2x2s2_direct_c8_1x8_avx2(input, output, channels: c, height: h, width: wd, rows: r)
    case (.avgPool, _, _):
        f32_avgpool_direct_c8_1x8_avx2(input, output, channels: c, height: h, width: wd, kernel: s.parameter, rows: r)
    case (.channelCopy, _, _):
        f32_chcopy_direct_c8_1x1_scalar(input, output, channels: c, dstOffset: s.parameter, height: h, width: wd, rows: r)
    }
}

/// Zeroes a buffer's halo (or all of it) before its first write in a run: its memory is shared
/// with other buffers whose interiors may have covered it (ExecutionPlan, BufferPreparation).
@inline(__always)
func prepareBuffer(_ p: UnsafeMutablePointer<Float>, _ b: PlanBuffer) {
    let sh = b.shape
    switch b.preparation {
    case .none: return
    case .all: p.update(repeating: 0, count: b.count)
    case .halo where b.layout == .plane:
        let rs = sh.width + 2
        p.update(repeating: 0, count: rs)
        (p + (sh.height + 1) * rs).update(repeating: 0, count: rs)
        for y in 1...sh.height {
            p[y * rs] = 0
            p[y * rs + sh.width + 1] = 0
        }
    case .halo:
        f32_halozero_direct_c8_1x8_scalar(p, blocks: sh.blocks, height: sh.height, width: sh.width, rows: 0..<sh.height)
    }
}
