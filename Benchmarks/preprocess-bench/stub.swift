// Stand-in for SplineModel's ModelSpec.Preprocessing.Parameters (the only SplineModel type
// Preprocess.swift uses), so the benchmark compiles the preprocessing alone.
enum ModelSpec { enum Preprocessing { struct Parameters: Sendable {
    var input: Int, intensity: String, window: [Double]?, stdFloor: Double, geometry: String
} } }
