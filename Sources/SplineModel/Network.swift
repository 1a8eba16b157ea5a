/// A network as a straight-line program over activations (SSA registers; register 0 is the
/// 1 x I x I input). Each step is one layer of the golden fixtures, named like the PyTorch
/// module whose output it produces (conv blocks = conv + folded BatchNorm + ReLU). Executed by
/// the reference CHW engine (SplineSeg) and lowered to an `ExecutionPlan` for the fast kernels.
package struct Network: Sendable {
    package enum Op: Sendable {
        /// 3x3 (k = 3, padding 1) or 1x1 (k = 1) conv, weight [cout][cin][k][k] (BN folded in).
        case conv(weight: [Float], bias: [Float], cout: Int, kernel: Int, relu: Bool)
        /// Eval-mode BatchNorm as a per-channel affine map.
        case affine(scale: [Float], shift: [Float])
        case tanh
        case maxPool2
        /// Average pool, kernel = stride (adaptive pool between evenly dividing sizes).
        case avgPool(kernel: Int)
        /// ConvTranspose2d 2x2 stride 2, weight [cin][cout][2][2].
        case upconv(weight: [Float], bias: [Float], cout: Int)
        /// [inputs[0], inputs[1]] along channels.
        case concat
    }

    package struct Step: Sendable {
        package let name: String
        package let op: Op
        package let inputs: [Int]
        /// Register written (= step index + 1).
        package let output: Int
    }

    package let steps: [Step]
    /// Input side I and output side O.
    package let input: Int
    package let output: Int

    package init(steps: [Step], input: Int, output: Int) {
        self.steps = steps
        self.input = input
        self.output = output
    }
}
