import SplineModel

/// The plain CHW reference engine: runs a `Network` step by step with ReferenceOps.
extension Network {
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
