// SplineSeg: the embeddable runtime.
//
//     let model = try SplineSegModel.load(specPath: "weights/la-unet.json")   // + la-unet.safetensors
//     let segmenter = try Segmenter(model: model, threads: 4)                  // one per thread
//     let result = try segmenter.segment(pixels: slice, width: w, height: h)   // row-major raw values
//     result.mask        // H*W bytes, 1 where F > 0
//     result.values      // F on the slice's own pixel grid
//     result.contours()  // sub-pixel zero set, native pixel coordinates
//
// Pipeline (DESIGN.md sections 1, 3, 5): ModelSpec (weights/<name>.json) -> SafeTensors (+ SHA-256
// check) -> NetworkBuilder (tensor names/shapes of tools/splineseg_train/networks.py, BatchNorm
// folded) -> Preprocessor (preprocess.py) -> Network.run (plain CHW reference engine) ->
// NativeGrid (spline evaluated at the native pixels through the inverse preprocessing geometry).
// Errors: ModelError (loading), SegmentationError (arguments); nothing traps on bad input.
