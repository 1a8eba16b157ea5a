import SplineKernels

/// How a 3x3 conv with >= 2 input channels is computed.
public enum ConvAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// Sliding window, `f32_conv3x3_direct_c8_6x16_*`.
    case direct
    /// Winograd F(4x4,3x3), `f32_conv3x3_winograd4x4_c8_6x16_*`.
    case winogradF43
    /// Winograd F(6x6,3x3), `f32_conv3x3_winograd6x6_c8_6x16_*`.
    case winogradF63
}

/// Which algorithms the plan may pick for 3x3 convs.
public enum AlgorithmPolicy: String, Sendable, Hashable, CaseIterable {
    /// Direct convolution everywhere.
    case direct
    /// Winograd where it is faster: 16+ channels on one side and 8+ on the other (wino-bench:
    /// F43/F63 reach 170% (16 ch) to 350% (128 ch) of the FMA peak in direct-conv-equivalent
    /// FLOPs, the direct kernel ~70-80%; model-bench: UNet(d4,b4,f8/f16) min latency 1.29/17.8 ms
    /// with the 16-channel threshold vs 1.54/20.3 ms with 32; session 9, built-in model, same-run
    /// `--profile`, 2 threads: 8 -> 16 @ 64x64 0.06-0.07 -> 0.04 ms and 16 -> 8 @ 64x64 0.06 ->
    /// 0.05 ms with F(6x6), but 8 -> 8 @ 128x128 0.12-0.13 -> 0.19-0.21 ms, 8 -> 8 @ 64x64 equal),
    /// F(6x6) or F(4x4) by `winogradPrefersF63`; direct elsewhere (the 1-channel first layer,
    /// 8 -> 8 layers). The default.
    case auto

    /// Whether a 3x3 conv of `c` inputs and `k` outputs may use Winograd under this policy.
    public func allowsWinograd(channels c: Int, outChannels k: Int) -> Bool {
        self == .auto && min(c, k) >= 8 && max(c, k) >= 16
    }
}

/// A channel range of an arena buffer, itself laid out as a padded NCHWc8 tensor of
/// `shape` (see SplineKernels Layout.swift): `floatOffset` = (first channel / 8) * blockStride
/// from the buffer start (0 unless the view is the second part of a concatenation).
public struct PlanView: Sendable, Hashable {
    public let buffer: Int
    public let floatOffset: Int
    public let shape: ActShape
}

/// What to do to a buffer's memory before its first write in every run.
public enum BufferPreparation: String, Sendable, Hashable {
    /// Nothing: no other buffer shares its memory, so the halo zeroed at arena creation stays zero.
    case none
    /// Zero the halo: the memory is shared with other buffers, whose interiors may cover it.
    case halo
    /// Zero everything: shared memory AND a writer (channel copy) that leaves padding lanes untouched.
    case all
}

/// How a buffer's floats are laid out (SplineKernels Layout.swift).
public enum BufferLayout: String, Sendable, Hashable {
    /// Padded NCHWc8 (`ActShape`): every activation.
    case nchwc8
    /// The dense padded 1-channel plane (`PlaneShape`): the network input, when only 3x3 convs
    /// read it (the conv3x3c1 kernels and the fused first conv take this layout).
    case plane
}

/// One activation buffer of the arena: a padded NCHWc8 tensor (or the input plane) alive from
/// step `firstStep` (-1: the network input, written before step 0) to `lastStep` (steps.count:
/// the output).
public struct PlanBuffer: Sendable, Hashable {
    /// Channels and size (`.plane`: 1 channel).
    public let shape: ActShape
    public let layout: BufferLayout
    public let firstStep: Int
    public let lastStep: Int
    /// Float offset in the arena: a multiple of 16 (64 bytes).
    public let offset: Int
    public let preparation: BufferPreparation
    /// Whether the step that first writes this buffer re-zeroes its halo inside its own parts,
    /// each part the halo of its share of the rows (`f32_halozero_direct_c8_1x8_scalar`; the
    /// dynamic executor and the generated code both ask this): a shared NCHWc8 buffer written
    /// by a step. Other preparations run whole before their step (or, for the input, before the
    /// input is written).
    public var haloZeroedByWriterParts: Bool { preparation == .halo && layout == .nchwc8 && firstStep >= 0 }
    /// Floats of the layout (halo and padding lanes included).
    public var count: Int { Self.count(shape, layout) }
    /// Floats reserved: `count` rounded up to 16.
    public var floats: Int { Self.floats(shape, layout) }

    /// Floats of a buffer of `shape` in `layout` (what the memory planner places before any
    /// `PlanBuffer` exists).
    public static func count(_ shape: ActShape, _ layout: BufferLayout) -> Int {
        layout == .plane ? PlaneShape(height: shape.height, width: shape.width).count : shape.count
    }
    /// `count(shape, layout)` rounded up to 16 (offsets stay 64-byte aligned).
    public static func floats(_ shape: ActShape, _ layout: BufferLayout) -> Int { (count(shape, layout) + 15) & ~15 }
}

/// One kernel call of the plan. Shapes follow the kernels' convention: `height`/`width` are
/// the INPUT size (pools and convt2x2s2 derive their output size).
public struct PlanStep: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case conv3x3c1, conv3x3, conv1x1, convT2x2, maxPool2, avgPool, channelCopy
    }
    /// The reference layer name whose output this step completes (a fused 1x1 conv + BN + tanh
    /// is named after the tanh).
    public let name: String
    public let kind: Kind
    public let algorithm: ConvAlgorithm
    public let activation: Activation
    public let input: PlanView
    public let output: PlanView
    public let channels: Int, outChannels: Int, height: Int, width: Int
    /// avgPool: kernel = stride; channelCopy: destination channel offset; else 0.
    public let parameter: Int
    /// Float offsets of this step's packed weights and bias in the plan's weight array
    /// (Winograd: bias inside the weights, `biasOffset` = -1; pools: -1).
    public let weightOffset: Int, weightCount: Int, biasOffset: Int
    /// Independent work units the step is split into across threads: output rows (convt2x2s2:
    /// input rows), or Winograd tile blocks.
    public let units: Int
    /// Whether the step is long enough to gain from running on several threads.
    public let parallel: Bool
    /// Floats of per-thread scratch (Winograd), else 0.
    public let scratchFloats: Int
    /// Multiply-adds (convs), 0 for pools and copies.
    public let macs: Int
    /// A Winograd conv + ReLU with the 2x2 stride-2 pooling that follows it fused into its output
    /// transform (`*_relu_pool2x2s2_*` kernels): the max-pooled result (the UNet / VGG max pool)
    /// and the mean-pooled result (first stage of a UNet skip pool), each H/2 x W/2; nil when
    /// not fused.
    public let maxPooled: PlanView?
    public let avgPooled: PlanView?
    /// A network's first conv (1 input channel, ReLU) fused into this Winograd F(6x6) conv + ReLU
    /// (`f32_conv3x3c1conv3x3_winograd6x6_*` kernels): float offset of its packed weights
    /// (`winogradC1PackPrologue`), else -1. `input` is then the 1-channel network input and
    /// `channels` the first conv's outputs, which are never stored.
    public let c1WeightOffset: Int
    /// Whether the full-resolution `output` is written. False for a fused conv whose output is
    /// read by nothing but its pools: `output` is then the max-pooled view (no buffer of the
    /// full size exists).
    public let writesOutput: Bool
    /// Reference layers whose outputs are complete after this step (name, view): e.g. the
    /// transposed conv of a UNet step completes both `upconv` and `cat`.
    public internal(set) var produces: [Produced]

    public struct Produced: Sendable, Hashable {
        public let name: String
        public let view: PlanView
    }

    /// A Winograd F(4x4) conv of one tile block split by output channels whose parallel run is
    /// two pool calls, the input transform shared between the threads, then each half's GEMMs
    /// (`WinogradPhase`, `winogradF43SharesTransform`). Same bits as one call.
    public var sharesTransform: Bool {
        parallel && kind == .conv3x3 && algorithm == .winogradF43 && c1WeightOffset < 0
            && winogradF43SharesTransform(inChannels: channels, outChannels: outChannels, height: height, width: width)
    }
}
