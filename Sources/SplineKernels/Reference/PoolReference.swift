// Reference twins of the pooling kernels and the channel copy: scalar loops
// through ActShape.offset, same signatures.

public func f32_maxpool2x2s2_naive_c8_1x1_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    channels: Int, height: Int, width: Int, rows: Range<Int>
) {
    let inShape = ActShape(channels: channels, height: height, width: width)
    let outShape = ActShape(channels: channels, height: height / 2, width: width / 2)
    for c in 0..<channels {
        for y in rows {
            for x in 0..<(width / 2) {
                var m = -Float.infinity
                for dy in 0..<2 {
                    for dx in 0..<2 { m = max(m, input[inShape.offset(channel: c, y: 2 * y + dy, x: 2 * x + dx)]) }
                }
                output[outShape.offset(channel: c, y: y, x: x)] = m
            }
        }
    }
}

public func f32_avgpool_naive_c8_1x1_ref(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    channels: Int, height: Int, width: Int, kernel k: Int, rows: Range<Int>
) {
    let inShape = ActShape(channels: channels, height: height, width: width)
    let outShape = ActShape(channels: channels, height: height / k, width: width / k)
    for c in 0..<channels {
        for y in rows {
            for x in 0..<(width / k) {
                var s: Float = 0
                for dy in 0..<k {
                    for dx in 0..<k { s += input[inShape.offset(channel: c, y: k * y + dy, x: k * x + dx)] }
                }
                output[outShape.offset(channel: c, y: y, x: x)] = s / Float(k * k)
            }
        }
    }
}

public func f32_chcopy_naive_c8_1x1_ref(
    _ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>,
    channels: Int, dstOffset: Int, height: Int, width: Int, rows: Range<Int>
) {
    let src = ActShape(channels: channels, height: height, width: width)
    let dst = ActShape(channels: dstOffset + channels, height: height, width: width)
    for c in 0..<channels {
        for y in rows {
            for x in 0..<width {
                destination[dst.offset(channel: dstOffset + c, y: y, x: x)] = source[src.offset(channel: c, y: y, x: x)]
            }
        }
    }
}
