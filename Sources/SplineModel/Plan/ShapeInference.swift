import SplineKernels

extension Network {
    /// (channels, height, width) of every register: 0 is the 1 x I x I input, r > 0 the output of
    /// step r - 1.
    func registerShapes() -> [ActShape] {
        var shapes = [ActShape(channels: 1, height: input, width: input)]
        for s in steps {
            let a = shapes[s.inputs[0]]
            switch s.op {
            case .conv(_, _, let cout, _, _): shapes.append(ActShape(channels: cout, height: a.height, width: a.width))
            case .affine, .tanh: shapes.append(a)
            case .maxPool2: shapes.append(ActShape(channels: a.channels, height: a.height / 2, width: a.width / 2))
            case .avgPool(let k): shapes.append(ActShape(channels: a.channels, height: a.height / k, width: a.width / k))
            case .upconv(_, _, let cout): shapes.append(ActShape(channels: cout, height: 2 * a.height, width: 2 * a.width))
            case .concat:
                let b = shapes[s.inputs[1]]
                shapes.append(ActShape(channels: a.channels + b.channels, height: a.height, width: a.width))
            }
        }
        return shapes
    }
}
