// Plain reference of Winograd F(6x6, 3x3): naive matrix loops in Double on CHW arrays.

/// B^T (8x8), G (8x3) and A^T (6x8) of F(6x6, 3x3) (points 0, +-1, +-2, +-1/2, inf).
public enum WinogradF63Matrices {
    public static let bt: [[Double]] = [
        [1, 0, -21.0 / 4, 0, 21.0 / 4, 0, -1, 0],
        [0, 1, 1, -17.0 / 4, -17.0 / 4, 1, 1, 0],
        [0, -1, 1, 17.0 / 4, -17.0 / 4, -1, 1, 0],
        [0, 0.5, 0.25, -2.5, -1.25, 2, 1, 0],
        [0, -0.5, 0.25, 2.5, -1.25, -2, 1, 0],
        [0, 2, 4, -2.5, -5, 0.5, 1, 0],
        [0, -2, 4, 2.5, -5, -0.5, 1, 0],
        [0, -1, 0, 21.0 / 4, 0, -21.0 / 4, 0, 1],
    ]
    public static let g: [[Double]] = [
        [1, 0, 0],
        [-2.0 / 9, -2.0 / 9, -2.0 / 9],
        [-2.0 / 9, 2.0 / 9, -2.0 / 9],
        [1.0 / 90, 1.0 / 45, 2.0 / 45],
        [1.0 / 90, -1.0 / 45, 2.0 / 45],
        [32.0 / 45, 16.0 / 45, 8.0 / 45],
        [32.0 / 45, -16.0 / 45, 8.0 / 45],
        [0, 0, 1],
    ]
    public static let at: [[Double]] = [
        [1, 1, 1, 1, 1, 1, 1, 0],
        [0, 1, -1, 2, -2, 0.5, -0.5, 0],
        [0, 1, 1, 4, 4, 0.25, 0.25, 0],
        [0, 1, -1, 8, -8, 0.125, -0.125, 0],
        [0, 1, 1, 16, 16, 0.0625, 0.0625, 0],
        [0, 1, -1, 32, -32, 0.03125, -0.03125, 1],
    ]
}

/// Reference F(6x6,3x3) conv (stride 1, pad 1): CHW [C][H][W] in, OIHW weights, bias [K],
/// CHW [K][H][W] out. All arithmetic in Double (`winogradReferenceConv`, WinogradReference.swift).
public func winogradF63ReferenceConv(input: [Float], inChannels c: Int, height h: Int, width w: Int,
                                     weights: [Float], bias: [Float], outChannels k: Int,
                                     relu: Bool) -> [Float] {
    winogradReferenceConv(bt: WinogradF63Matrices.bt, g: WinogradF63Matrices.g, at: WinogradF63Matrices.at,
                          input: input, inChannels: c, height: h, width: w,
                          weights: weights, bias: bias, outChannels: k, relu: relu)
}
