/// A network as a straight-line program over activations (SSA registers; register 0 is the
/// 1 x I x I input). Each step is one layer of the golden fixtures, named like the PyTorch
/// module whose output it produces (conv blocks = conv + folded BatchNorm + ReLU).
struct Network: Sendable {
    enum Op: Sendable {
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

    struct Step: Sendable {
        let name: String
        let op: Op
        let inputs: [Int]
        /// Register written (= step index + 1).
        let output: Int
    }

    let steps: [Step]
    /// Input side I and output side O.
    let input: Int
    let output: Int

    /// Runs the network on a 1 x I x I input; `record` receives every layer's output.
    func run(_ x: Tensor3, threads: Int, record: ((String, Tensor3) -> Void)? = nil) -> Tensor3 {
        var regs = [Tensor3?](repeating: nil, count: steps.count + 1)
        regs[0] = x
        // Free activations after their last use (UNet skips stay alive until their decoder step).
        var lastUse = [Int](repeating: -1, count: steps.count + 1)
        for (i, s) in steps.enumerated() { for r in s.inputs { lastUse[r] = i } }
        for (i, s) in steps.enumerated() {
            let a = regs[s.inputs[0]]!
            let y: Tensor3
            switch s.op {
            case .conv(let w, let b, let cout, let k, let relu):
                y = k == 3 ? conv3x3(a, weight: w, bias: b, cout: cout, relu: relu, threads: threads)
                    : conv1x1(a, weight: w, bias: b, cout: cout, threads: threads)
            case .affine(let scale, let shift): y = affine(a, scale: scale, shift: shift)
            case .tanh: y = tanhLayer(a)
            case .maxPool2: y = maxPool2(a)
            case .avgPool(let k): y = avgPool(a, kernel: k)
            case .upconv(let w, let b, let cout): y = upconv2x2(a, weight: w, bias: b, cout: cout, threads: threads)
            case .concat: y = concat(a, regs[s.inputs[1]]!)
            }
            record?(s.name, y)
            regs[s.output] = y
            for r in s.inputs where lastUse[r] == i { regs[r] = nil }
        }
        return regs[steps.count]!
    }
}
