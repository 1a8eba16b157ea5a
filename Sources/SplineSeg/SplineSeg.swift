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
// folded) -> ExecutionPlan (SplineModel: NCHWc8 kernel calls, static memory plan, packed weights)
// -> Preprocessor (preprocess.py) -> FastEngine (the plan: generated code when compiled in, else
// the dynamic executor; `Segmenter(model:threads:engine: .reference)` runs the plain CHW
// reference engine instead) -> NativeGrid (spline evaluated at the native pixels through the
// inverse preprocessing geometry). Built-in / .sspack models: PackedModels.swift. docs/fast-path.md.
// Errors: ModelError (loading), SegmentationError (arguments); nothing traps on bad input.

@_exported import SplineModel
