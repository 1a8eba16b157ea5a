import SplineCore

/// Segments slices with one model: preprocessing, the reference network, and the spline on the
/// slice's own pixel grid. Not thread-safe: use one per thread (they can share the model).
public final class Segmenter {
    /// Largest image accepted: pixel count and side.
    public static let maxPixels = 1 << 26
    public static let maxSide = 1 << 16

    public let model: SplineSegModel
    /// Threads used by the network's convolutions and the grid evaluation (results are bitwise
    /// identical for any count).
    public let threads: Int
    private let preprocessor: Preprocessor

    public init(model: SplineSegModel, threads: Int = 1) throws(SegmentationError) {
        guard threads >= 1 else { throw SegmentationError.invalidThreads(threads) }
        self.model = model
        self.threads = threads
        preprocessor = Preprocessor(params: model.spec.preprocessing.parameters)
    }

    /// Segments a raw slice: `pixels` row-major (height rows of width values), raw values as
    /// the file stores them after its own scaling (PNG gray 0...255, NIfTI scaled values; a
    /// NIfTI slice [:, :, k] has rows = the first array axis).
    public func segment(pixels: [Float], width: Int, height: Int) throws(SegmentationError) -> Segmentation {
        let c = try coefficients(pixels: pixels, width: width, height: height)
        let spec = model.spec
        return try Segmentation(coefficients: c, size: spec.coefficients, degree: spec.degree,
                                grid: NativeGrid(height: height, width: width, geometry: spec.preprocessing.parameters.geometry),
                                threads: threads)
    }

    /// The O x O coefficient grid (row-major, C[k, l] = (row, column)) for a raw slice.
    public func coefficients(pixels: [Float], width: Int, height: Int) throws(SegmentationError) -> [Float] {
        let x = try preprocess(pixels: pixels, width: width, height: height)
        let i = model.spec.input
        return model.network.run(Tensor3(channels: 1, height: i, width: i, data: x), threads: threads).data
    }

    /// The I x I network input (row-major) for a raw slice, as the spec's preprocessing makes it.
    public func preprocess(pixels: [Float], width: Int, height: Int) throws(SegmentationError) -> [Float] {
        try Segmenter.checkImage(pixels: pixels, width: width, height: height)
        return preprocessor.networkInput(pixels, width: width, height: height)
    }

    /// Every layer's output for an I x I network input, in execution order, named like the
    /// PyTorch modules (and the golden fixtures' `layer/<name>` tensors). For debugging a port.
    public func layerOutputs(networkInput x: [Float]) throws(SegmentationError) -> [LayerOutput] {
        let i = model.spec.input
        guard x.count == i * i else { throw SegmentationError.inputCount(expected: i * i, got: x.count) }
        var out: [LayerOutput] = []
        _ = model.network.run(Tensor3(channels: 1, height: i, width: i, data: x), threads: threads) { name, t in
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
        if let k = pixels.firstIndex(where: { !$0.isFinite }) {
            throw SegmentationError.nonFinitePixel(row: k / width, column: k % width, value: pixels[k])
        }
    }
}

/// One layer's output: NCHW shape [1, C, H, W] and values in that order.
public struct LayerOutput: Sendable {
    public let name: String
    public let shape: [Int]
    public let values: [Float]
}
