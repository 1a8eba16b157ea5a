// Preprocessing time per slice (z-score, pad-square, bilinear resize to I x I, written into a
// plane with a one-pixel halo as the arena's input buffer): median and min over 2000 calls
// with one reused workspace, for the built-in model's size (128 x 128 -> 128), the example
// slice's (146 x 187 -> 128) and I = 512 (512 x 512 -> 512). Run by run.sh.
import Foundation

let label = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "current"
for (h, w, n) in [(128, 128, 128), (146, 187, 128), (512, 512, 512)] {
    let p = Preprocessor(params: .init(input: n, intensity: "zscore-slice", window: nil, stdFloor: 1e-6,
                                       geometry: "pad-square"))
    var rng: UInt64 = 3
    let pixels: [Float] = (0..<(h * w)).map { _ in
        rng = rng &* 6364136223846793005 &+ 1442695040888963407
        return Float(rng >> 40) / 1000
    }
    var ws = PreprocessWorkspace()
    let out = UnsafeMutablePointer<Float>.allocate(capacity: (n + 2) * (n + 2))
    defer { out.deallocate() }
    let calls = n > 256 ? 200 : 2000
    var t: [Double] = []
    for _ in 0..<calls {
        let t0 = DispatchTime.now().uptimeNanoseconds
        p.write(pixels, width: w, height: h, workspace: &ws, into: out + n + 3, rowStride: n + 2, pixelStride: 1)
        t.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-3)
    }
    t.sort()
    print(String(format: "%-8@ %3d x %3d -> %3d: median %7.1f us, min %7.1f us (%d calls)",
                 label, h, w, n, t[calls / 2], t[0], calls))
}
