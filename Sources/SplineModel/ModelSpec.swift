import Foundation

/// The model spec `weights/<name>.json` written by tools/splineseg_train/modelio.py
/// (DESIGN.md section 5). Decoding checks types; `validate()` checks consistency.
/// Fields the runtime does not interpret (`training`) are kept as opaque JSON.
public struct ModelSpec: Codable, Sendable, Equatable {
    public static let currentFormat = "splineseg-model/1"
    public static let architectures = ["vgg-implicit1", "vgg-implicit2", "unet-implicit"]
    /// Largest network input side I the runtime accepts (activation memory grows with I^2).
    public static let maxInput = 2048

    public var format: String
    public var name: String
    /// "vgg-implicit1" | "vgg-implicit2" | "unet-implicit".
    public var architecture: String
    /// Network input side I.
    public var input: Int
    /// Coefficient grid side O.
    public var coefficients: Int
    /// Spline degree p.
    public var degree: Int
    /// UNet only (null for VGG): depth d, bottleneck b, filters f.
    public var depth: Int?
    public var bottleneck: Int?
    public var filters: Int?
    public var preprocessing: Preprocessing
    /// File name of the weights next to the spec (default `<spec stem>.safetensors`).
    public var weights: String?
    /// Lower-case hex SHA-256 of the safetensors file.
    public var sha256: String
    /// Data set, split, loss, epochs, seed, metrics, command: not interpreted.
    public var training: JSONValue?

    /// How raw pixel values become the I x I network input (preprocess.py), and the way back.
    public struct Preprocessing: Codable, Sendable, Equatable {
        public var parameters: Parameters

        public struct Parameters: Codable, Sendable, Equatable {
            public var input: Int
            /// "zscore-slice" (x - mean) / max(std, stdFloor), or "window" clip((x-lo)/(hi-lo), 0, 1).
            public var intensity: String
            /// [lo, hi] for "window"; null otherwise.
            public var window: [Double]?
            public var stdFloor: Double
            /// "pad-square" (pad to S = max(H, W), then resize S -> I) or "stretch" (H, W -> I).
            public var geometry: String

            enum CodingKeys: String, CodingKey {
                case input, intensity, window, geometry
                case stdFloor = "std_floor"
            }

            public init(input: Int, intensity: String = "zscore-slice", window: [Double]? = nil,
                        stdFloor: Double = 1e-6, geometry: String = "pad-square") {
                self.input = input
                self.intensity = intensity
                self.window = window
                self.stdFloor = stdFloor
                self.geometry = geometry
            }
        }

        public init(parameters: Parameters) { self.parameters = parameters }
    }

    public init(
        name: String, architecture: String, input: Int, coefficients: Int, degree: Int,
        depth: Int? = nil, bottleneck: Int? = nil, filters: Int? = nil,
        preprocessing: Preprocessing, weights: String? = nil, sha256: String, training: JSONValue? = nil
    ) {
        format = ModelSpec.currentFormat
        self.name = name
        self.architecture = architecture
        self.input = input
        self.coefficients = coefficients
        self.degree = degree
        self.depth = depth
        self.bottleneck = bottleneck
        self.filters = filters
        self.preprocessing = preprocessing
        self.weights = weights
        self.sha256 = sha256
        self.training = training
    }

    /// Decodes and validates spec JSON.
    public static func decode(json: [UInt8]) throws(ModelError) -> ModelSpec {
        let spec: ModelSpec
        do {
            spec = try JSONDecoder().decode(ModelSpec.self, from: Data(json))
        } catch let e as DecodingError {
            throw ModelError.specSyntax(describe(e))
        } catch {
            throw ModelError.specSyntax("not valid JSON (\(error))")
        }
        try spec.validate()
        return spec
    }

    /// Checks the format, the architecture and that I, O, p, d, b, f and the preprocessing agree.
    public func validate() throws(ModelError) {
        func bad(_ m: String) -> ModelError { .specInvalid(m) }
        guard format == ModelSpec.currentFormat else {
            throw bad("format '\(format)' is not supported; this runtime reads '\(ModelSpec.currentFormat)' (re-export with the matching tools/)")
        }
        guard ModelSpec.architectures.contains(architecture) else {
            throw bad("unknown architecture '\(architecture)'; expected one of \(ModelSpec.architectures.joined(separator: ", "))")
        }
        guard input >= 1, input <= ModelSpec.maxInput else {
            throw bad("input size I = \(input) must be in 1...\(ModelSpec.maxInput)")
        }
        let expectedO: Int
        if architecture == "unet-implicit" {
            guard let d = depth, let b = bottleneck, let f = filters else {
                throw bad("unet-implicit needs integer depth, bottleneck and filters (got \(String(describing: depth)), \(String(describing: bottleneck)), \(String(describing: filters)))")
            }
            guard (0...10).contains(d), b >= 1, b <= ModelSpec.maxInput, f >= 1, f <= 4096 else {
                throw bad("unet-implicit needs depth in 0...10, bottleneck in 1...\(ModelSpec.maxInput), filters in 1...4096; got d=\(d), b=\(b), f=\(f)")
            }
            guard f << d <= 1 << 16 else { throw bad("filters*2^depth = \(f << d) channels is too many (limit 65536)") }
            let q = b << d
            guard input % q == 0 else {
                throw bad("unet-implicit(d=\(d), b=\(b)) needs I divisible by 2^d*b = \(q); got I = \(input)")
            }
            expectedO = q
        } else {
            let r = architecture == "vgg-implicit1" ? 4 : 8
            guard input % r == 0 else { throw bad("\(architecture) needs I divisible by \(r) (O = I/\(r)); got I = \(input)") }
            expectedO = input / r
        }
        guard coefficients == expectedO else {
            throw bad("coefficients O = \(coefficients) but \(architecture) at I = \(input) gives O = \(expectedO)")
        }
        guard degree >= 0, degree < coefficients else {
            throw bad("degree p = \(degree) needs 0 <= p < O = \(coefficients)")
        }
        guard weightCount <= ModelSpec.maxWeights else {
            throw bad("the network has \(weightCount == Int.max ? "more than \(Int.max)" : "\(weightCount)") weights, "
                + "more than this runtime's limit of \(ModelSpec.maxWeights); use fewer filters or a smaller depth")
        }
        let pp = preprocessing.parameters
        guard pp.input == input else { throw bad("preprocessing.parameters.input = \(pp.input) differs from input = \(input)") }
        switch pp.intensity {
        case "zscore-slice":
            guard pp.stdFloor.isFinite, pp.stdFloor > 0 else {
                throw bad("preprocessing std_floor = \(pp.stdFloor) must be finite and > 0")
            }
        case "window":
            guard let w = pp.window, w.count == 2, w[0].isFinite, w[1].isFinite, w[1] > w[0] else {
                throw bad("intensity 'window' needs window [lo, hi] with finite hi > lo; got \(String(describing: pp.window))")
            }
        default:
            throw bad("unknown intensity preprocessing '\(pp.intensity)'; expected zscore-slice or window")
        }
        guard pp.geometry == "pad-square" || pp.geometry == "stretch" else {
            throw bad("unknown geometry '\(pp.geometry)'; expected pad-square or stretch")
        }
        guard sha256.count == 64, sha256.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw bad("sha256 '\(sha256.prefix(80))' is not 64 lower-case hex digits")
        }
        if let w = weights {
            guard !w.isEmpty, !w.contains("/"), w != ".", w != ".." else {
                throw bad("weights '\(w)' must be a plain file name next to the spec")
            }
        }
    }
}

/// A DecodingError as one line naming the field.
private func describe(_ e: DecodingError) -> String {
    func path(_ c: [CodingKey]) -> String {
        c.isEmpty ? "top level" : c.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch e {
    case .keyNotFound(let k, let ctx):
        return "field '\(path(ctx.codingPath + [k]))' is missing"
    case .typeMismatch(let t, let ctx):
        return "field '\(path(ctx.codingPath))' has the wrong type (expected \(t))"
    case .valueNotFound(let t, let ctx):
        return "field '\(path(ctx.codingPath))' is null (expected \(t))"
    case .dataCorrupted(let ctx):
        return ctx.codingPath.isEmpty ? "not valid JSON" : "field '\(path(ctx.codingPath))' is invalid: \(ctx.debugDescription)"
    @unknown default:
        return "\(e)"
    }
}
