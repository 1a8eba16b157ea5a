// Folds an inference-mode BatchNorm that follows a conv into the conv:
//   s = gamma / sqrt(var + eps)
//   w'[k][...] = w[k][...] * s[k]
//   b'[k]      = (b[k] - mean[k]) * s[k] + beta[k]      (b = 0 for a conv without bias)
// `weights` is any PyTorch conv weight with the output channel first ([K][C][kh][kw]).
// Computed in Double, rounded once to Float.

public func foldBatchNorm(
    weights: [Float], bias: [Float]?, outChannels: Int,
    gamma: [Float], beta: [Float], mean: [Float], variance: [Float], eps: Float = 1e-5
) throws(KernelShapeError) -> (weights: [Float], bias: [Float]) {
    guard outChannels > 0, weights.count % outChannels == 0 else {
        throw KernelShapeError(
            what: "batchnorm-folded conv weight (not a multiple of \(outChannels) output channels)",
            expected: max(outChannels, 1) * max(weights.count / max(outChannels, 1), 1), actual: weights.count)
    }
    if let bias { try checkCount("conv bias", bias, outChannels) }
    try checkCount("batchnorm weight (gamma)", gamma, outChannels)
    try checkCount("batchnorm bias (beta)", beta, outChannels)
    try checkCount("batchnorm running_mean", mean, outChannels)
    try checkCount("batchnorm running_var", variance, outChannels)
    let per = weights.count / outChannels
    var w = weights
    var b = [Float](repeating: 0, count: outChannels)
    for k in 0..<outChannels {
        let s = Double(gamma[k]) / (Double(variance[k]) + Double(eps)).squareRoot()
        for i in 0..<per { w[k * per + i] = Float(Double(weights[k * per + i]) * s) }
        b[k] = Float((Double(bias?[k] ?? 0) - Double(mean[k])) * s + Double(beta[k]))
    }
    return (w, b)
}
