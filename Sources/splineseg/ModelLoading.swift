import Foundation
import SplineSeg

/// The --model path, checked to exist. There is no built-in model yet (the lead wires one in
/// later), so it is required and its absence is a model error that says so.
func requireModelPath(_ modelPath: String?) throws(CLIError) -> String {
    guard let path = modelPath else {
        throw .model("no model given and this build has no built-in model; pass --model PATH.json (a model spec from weights/)")
    }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
        throw .model("\(path): no such model spec; pass --model with the path of a weights/<model>.json file")
    }
    return path
}

/// Loads the model named by --model (spec + weights, checksum verified).
func loadModel(_ modelPath: String?) throws(CLIError) -> SplineSegModel {
    let path = try requireModelPath(modelPath)
    do {
        return try SplineSegModel.load(specPath: path)
    } catch {
        let text = error.description
        throw .model(text.hasPrefix(path) ? text : "\(path): \(text)")
    }
}

func makeSegmenter(_ model: SplineSegModel, threads: Int) throws(CLIError) -> Segmenter {
    do { return try Segmenter(model: model, threads: threads) } catch {
        throw CLIError(.segmentation, "cannot create a segmenter: \(error.description)")
    }
}

/// Loads the model and returns the stream worker's segmenter.
func loadFrameSegmenter(modelPath: String?, threads: Int) throws(CLIError) -> FrameSegmenter {
    SegmenterAdapter(try makeSegmenter(try loadModel(modelPath), threads: threads))
}

/// Adapts the library's `Segmenter` to the stream pipeline.
final class SegmenterAdapter: FrameSegmenter {
    let segmenter: Segmenter

    init(_ segmenter: Segmenter) { self.segmenter = segmenter }

    func segment(pixels: [Float], width: Int, height: Int) throws(CLIError) -> FrameResult {
        let s: Segmentation
        do { s = try segmenter.segment(pixels: pixels, width: width, height: height) } catch {
            throw CLIError(.segmentation, "frame \(width)x\(height): \(error.description)")
        }
        let set = s.contours()
        return FrameResult(mask: s.mask, foregroundPixels: set.foregroundPixels, contours: set.contours.map(\.points))
    }
}
