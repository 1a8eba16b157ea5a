// Reference twins of the stride-1 conv kernels: naive loops over the same padded
// NCHWc8 tensors (conv3x3c1: the padded input plane, `PlaneShape`) and the same packed weights (read through packedWeightIndex), one
// Float accumulator per output value summed in (c, ky, kx) order, then bias, then
// activation. Same signatures as the fast kernels.

@usableFromInline
func convReference(
    kernel k: Int, icCount: Int,
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>, act: Activation
) {
    let inShape = ActShape(channels: channels, height: height, width: width)
    // icCount 1: the 1-channel network input plane.
    let plane = icCount == 1 ? PlaneShape(height: height, width: width) : nil
    let outShape = ActShape(channels: outChannels, height: height, width: width)
    let r = k / 2
    for o in 0..<outChannels {
        for y in rows {
            for x in 0..<width {
                var acc: Float = 0
                for c in 0..<channels {
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let iy = y + ky - r, ix = x + kx - r
                            guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
                            let w = weights[
                                packedWeightIndex(
                                    k: o, c: c, tap: ky * k + kx, outChannels: outChannels, channels: channels,
                                    taps: k * k, icCount: icCount)]
                            let at = plane?.offset(y: iy, x: ix) ?? inShape.offset(channel: c, y: iy, x: ix)
                            acc += input[at] * w
                        }
                    }
                }
                output[outShape.offset(channel: o, y: y, x: x)] = activateScalar(acc + bias[o], act)
            }
        }
    }
    // Padding channels of the last output block: zero like the fast kernels.
    for o in outChannels..<(outShape.blocks * 8) {
        for y in rows { for x in 0..<width { output[outShape.offset(channel: o, y: y, x: x)] = 0 } }
    }
}

public func f32_conv3x3_naive_c8_1x1_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convReference(
        kernel: 3, icCount: 8, input: input, output: output, weights: weights, bias: bias, channels: channels,
        outChannels: outChannels, height: height, width: width, rows: rows, act: .none)
}

public func f32_conv3x3_naive_c8_1x1_relu_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convReference(
        kernel: 3, icCount: 8, input: input, output: output, weights: weights, bias: bias, channels: channels,
        outChannels: outChannels, height: height, width: width, rows: rows, act: .relu)
}

public func f32_conv3x3_naive_c8_1x1_tanh_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convReference(
        kernel: 3, icCount: 8, input: input, output: output, weights: weights, bias: bias, channels: channels,
        outChannels: outChannels, height: height, width: width, rows: rows, act: .tanh)
}

public func f32_conv3x3c1_naive_p1c8_1x1_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convReference(
        kernel: 3, icCount: 1, input: input, output: output, weights: weights, bias: bias, channels: 1,
        outChannels: outChannels, height: height, width: width, rows: rows, act: .none)
}

public func f32_conv3x3c1_naive_p1c8_1x1_relu_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convReference(
        kernel: 3, icCount: 1, input: input, output: output, weights: weights, bias: bias, channels: 1,
        outChannels: outChannels, height: height, width: width, rows: rows, act: .relu)
}

public func f32_conv3x3c1_naive_p1c8_1x1_tanh_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convReference(
        kernel: 3, icCount: 1, input: input, output: output, weights: weights, bias: bias, channels: 1,
        outChannels: outChannels, height: height, width: width, rows: rows, act: .tanh)
}

public func f32_conv1x1_naive_c8_1x1_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convReference(
        kernel: 1, icCount: 8, input: input, output: output, weights: weights, bias: bias, channels: channels,
        outChannels: outChannels, height: height, width: width, rows: rows, act: .none)
}

public func f32_conv1x1_naive_c8_1x1_relu_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convReference(
        kernel: 1, icCount: 8, input: input, output: output, weights: weights, bias: bias, channels: channels,
        outChannels: outChannels, height: height, width: width, rows: rows, act: .relu)
}

public func f32_conv1x1_naive_c8_1x1_tanh_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, outChannels: Int, height: Int, width: Int, rows: Range<Int>
) {
    convReference(
        kernel: 1, icCount: 8, input: input, output: output, weights: weights, bias: bias, channels: channels,
        outChannels: outChannels, height: height, width: width, rows: rows, act: .tanh)
}
