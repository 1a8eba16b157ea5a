import SplineModel
import SplineKernels
import SplineCore

/// Segments slices with one model: preprocessing, the network (fast engine by default), and the
/// spline on the slice's own pixel grid. Not thread-safe: use one per thread (they can share the
/// model).
public final class Segmenter {
    /// Which implementation runs the network.
    public enum Engine: String, Sendable, CaseIterable {
        /// ExecutionPlan over the NCHWc8 kernels, Winograd where faster (generated code when
        /// compiled in for the model).
        case fast
        /// ExecutionPlan with direct convolutions only (needs the safetensors weights).
        case fastDirect
        /// Plain CHW reference engine (needs the safetensors weights).
        case reference
    }

    /// Largest image accepted: pixel count and side.
    public static let maxPixels = 1 << 26
    public static let maxSide = 1 << 14

    /// The instruction set the fast engine's kernels use in this process: "avx512" on a CPU with
    /// AVX-512 (x86-64-v4), else "avx2" (or "simd" off x86-64); SPLINESEG_ISA=avx2 in the
    /// environment forces AVX2. Results are bitwise the same on either, except in the last bits
    /// of 3x3 direct layers' 8-channel outputs and 16-channel pairs (their AVX-512 tiles sum in
    /// another order).
    public static var instructionSet: String { kernelISA }

    public let model: SplineSegModel
    /// Threads used by the network's convolutions and the grid evaluation (results are bitwise
    /// identical for any count).
    public let threads: Int
    public let engine: Engine
    private let preprocessor: Preprocessor
    /// The fast engine (nil for `.reference`).
    public let fastEngine: FastEngine?
    /// The reference network (nil unless `.reference`).
    private let network: Network?

    public init(model: SplineSegModel, threads: Int = 1, engine: Engine = .fast) throws(SegmentationError) {
        guard threads >= 1 else { throw SegmentationError.invalidThreads(threads) }
        self.model = model
        self.threads = threads
        self.engine = engine
        preprocessor = Preprocessor(params: model.spec.preprocessing.parameters)
        switch engine {
        case .fast:
            fastEngine = try FastEngine(model: model, threads: threads)
            network = nil
        case .fastDirect:
            fastEngine = try FastEngine(model: model, threads: threads, algorithms: .direct)
            network = nil
        case .reference:
            guard let n = model.network else {
                throw SegmentationError.engineUnavailable(
                    "model '\(model.spec.name)' holds packed weights only; load its .json + .safetensors for the reference engine")
            }
            fastEngine = nil
            network = n
        }
    }

    /// Segments a raw slice: `pixels` row-major (height rows of width values), raw values as
    /// the file stores them after its own scaling (PNG gray 0...255, NIfTI scaled values; a
    /// NIfTI slice [:, :, k] has rows = the first array axis).
    public func segment(pixels: [Float], width: Int, height: Int) throws(SegmentationError) -> Segmentation {
        if let f = fastEngine {
            try f.run(pixels: pixels, width: width, height: height)
            let spec = model.spec
            guard let spline = try? ImplicitSpline(size: spec.coefficients, degree: spec.degree, coefficients: f.coefficients)
            else { preconditionFailure("Segmenter: spline of a valid spec rejected (internal bug)") }
            return Segmentation(spline: spline, values: f.values, grid: f.lastGrid!, threads: threads)
        }
        let c = try coefficients(pixels: pixels, width: width, height: height)
        let spec = model.spec
        return try Segmentation(coefficients: c, size: spec.coefficients, degree: spec.degree,
                                grid: NativeGrid(height: height, width: width, geometry: spec.preprocessing.parameters.geometry),
                                threads: threads)
    }

    /// The O x O coefficient grid (row-major, C[k, l] = (row, column)) for a raw slice.
    public func coefficients(pixels: [Float], width: Int, height: Int) throws(SegmentationError) -> [Float] {
        if let f = fastEngine {
            try f.computeCoefficients(pixels: pixels, width: width, height: height)
            return f.coefficients
        }
        let x = try preprocess(pixels: pixels, width: width, height: height)
        let i = model.spec.input
        return network!.run(Tensor3(channels: 1, height: i, width: i, data: x), threads: threads).data
    }

    /// The I x I network input (row-major) for a raw slice, as the spec's preprocessing makes it.
    public func preprocess(pixels: [Float], width: Int, height: Int) throws(SegmentationError) -> [Float] {
        try Segmenter.checkImage(pixels: pixels, width: width, height: height)
        return preprocessor.networkInput(pixels, width: width, height: height)
    }

    /// Every layer's output for an I x I network input, in execution order, named like the
    /// PyTorch modules (and the golden fixtures' `layer/<name>` tensors). For debugging a port.
    /// The reference engine gives every layer; the fast engines the layers their plan
    /// materialises (see `FastEngine.layerOutputs`).
    public func layerOutputs(networkInput x: [Float]) throws(SegmentationError) -> [LayerOutput] {
        let i = model.spec.input
        guard x.count == i * i else { throw SegmentationError.inputCount(expected: i * i, got: x.count) }
        if let f = fastEngine { return try f.layerOutputs(networkInput: x) }
        var out: [LayerOutput] = []
        _ = network!.run(Tensor3(channels: 1, height: i, width: i, data: x), threads: threads) { name, t in
            out.append(LayerOutput(name: name, shape: t.shape, values: t.data))
        }
        return out
    }

    static func checkImage(pixels: [Float], width: Int, height: Int) throws(SegmentationError) {
        guard width >= 1, height >= 1 else { throw SegmentationError.emptyImage(width: width, height: height) }
        guard width <= maxSide, height <= maxSide, width * height <= maxPixels else {
            throw SegmentationError.imageTooLarge(width: width, height: height)
        }
        guard pixels.count == width * height else {
            throw SegmentationError.pixelCount(expected: width * height, got: pixels.count, width: width, height: height)
        }
        if !allFinite(pixels), let k = pixels.firstIndex(where: { !$0.isFinite }) {
            throw SegmentationError.nonFinitePixel(row: k / width, column: k % width, value: pixels[k])
        }
    }

    /// Whether no value is NaN or infinite: the exponent bits of eight values at a time, all ones
    /// only for those (vectorised; `firstIndex(where:)` on every slice, an early-exit scalar loop,
    /// was about 1 % of the built-in model's `FastEngine.run`). The slow search runs only on failure.
    static func allFinite(_ pixels: [Float]) -> Bool {
        pixels.withUnsafeBufferPointer { p in
            let n = p.count, n8 = n & ~7
            let exp = SIMD8<UInt32>(repeating: 0x7f80_0000)
            var m = SIMD8<UInt32>(repeating: 0)
            guard let base = p.baseAddress else { return true }
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i < n8 {
                m = pointwiseMax(m, raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<UInt32>.self) & exp)
                i &+= 8
            }
            var ok = !any(m .== exp)
            while i < n { ok = ok && p[i].isFinite; i &+= 1 }
            return ok
        }
    }
}

/// One layer's output: NCHW shape [1, C, H, W] and values in that order.
public struct LayerOutput: Sendable {
    public let name: String
    public let shape: [Int]
    public let values: [Float]
}
