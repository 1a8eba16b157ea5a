// Reference twin of f32_halozero_direct_c8_1x8_scalar: zeroes every halo float of a padded
// NCHWc8 buffer [blocks][height+2][width+2][8] (padded row 0 and height + 1, column 0 and
// width + 1), one float at a time, in one piece.

public func f32_halozero_naive_c8_1x1_ref(_ buffer: UnsafeMutablePointer<Float>, blocks: Int, height: Int, width: Int) {
    for b in 0..<blocks {
        for y in 0..<(height + 2) {
            for x in 0..<(width + 2) where y == 0 || y == height + 1 || x == 0 || x == width + 1 {
                for l in 0..<8 { buffer[((b * (height + 2) + y) * (width + 2) + x) * 8 + l] = 0 }
            }
        }
    }
}
