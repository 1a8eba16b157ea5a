import Foundation
import SplineSeg

/// The model used when --model is not given: the first model built into the binary.
var defaultModelName: String? { SplineSegModel.builtInNames.first }

/// Help text shared by every command's --model option.
enum ArgumentHelpText {
    static let model =
        "A built-in model name (see 'splineseg models') or a model spec path (weights/<model>.json with its .safetensors or .sspack beside it). Default: the built-in model."
}

/// Loads the model named by --model: a built-in name, or a spec path (weights checked by
/// sha256 and shape). Without --model, the built-in default.
func loadModel(_ model: String?) throws(CLIError) -> SplineSegModel {
    guard let model else {
        guard let name = defaultModelName else {
            throw .model("this build has no built-in model; pass --model PATH.json (a model spec from weights/)")
        }
        return try loadBuiltIn(name)
    }
    if SplineSegModel.builtInNames.contains(model) { return try loadBuiltIn(model) }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: model, isDirectory: &isDir), !isDir.boolValue else {
        let names = SplineSegModel.builtInNames.joined(separator: ", ")
        throw .model("\(model): no such model spec or built-in model; pass the path of a weights/<model>.json file or one of [\(names)]")
    }
    do {
        // A spec with its safetensors beside it loads fully (every engine); one shipped with only
        // the code generator's .sspack loads packed (fast engine).
        let safetensors = (model as NSString).deletingPathExtension + ".safetensors"
        if !FileManager.default.fileExists(atPath: safetensors),
           FileManager.default.fileExists(atPath: (model as NSString).deletingPathExtension + ".sspack") {
            return try SplineSegModel.loadPacked(specPath: model)
        }
        return try SplineSegModel.load(specPath: model)
    } catch {
        let text = error.description
        throw .model(text.hasPrefix(model) ? text : "\(model): \(text)")
    }
}

private func loadBuiltIn(_ name: String) throws(CLIError) -> SplineSegModel {
    do { return try SplineSegModel.builtIn(name: name) } catch {
        throw .model("built-in model \(name): \(error.description)")
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
