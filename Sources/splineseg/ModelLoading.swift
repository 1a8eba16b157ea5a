import Foundation

/// Loads the model named by --model and returns a segmenter for `threads` threads.
///
/// Until the SplineSeg runtime is merged this only checks the argument: there is no built-in
/// model yet, so --model is required, and a given spec cannot be run by this build.
func loadFrameSegmenter(modelPath: String?, threads: Int) throws(CLIError) -> FrameSegmenter {
    let path = try requireModelPath(modelPath)
    throw .model("\(path): this build of splineseg has no inference runtime yet; use a build that includes the SplineSeg library")
}

/// The --model path, checked to exist. No built-in model exists yet, so it is required.
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
