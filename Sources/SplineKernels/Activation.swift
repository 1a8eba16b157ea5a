// Fused epilogue of the conv kernels: applied after the bias.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Activation applied by a kernel epilogue (after adding the bias).
public enum Activation: Sendable, Hashable, CaseIterable {
    case none, relu, tanh
}

/// Applies `act` lane-wise. ReLU maps 0 (and the zero padding channels) to 0 and so
/// does tanh, which keeps padding channels zero. tanh is the libm scalar per lane:
/// it only runs in the 1x1 heads (a few thousand pixels), so speed does not matter.
@inlinable @inline(__always)
func activate(_ v: SIMD8<Float>, _ act: Activation) -> SIMD8<Float> {
    switch act {
    case .none: return v
    // Not pointwiseMax: for SIMD8 it compiles to a scalar NaN-aware loop (a call
    // per vector); the masked replace is a single vmaxps.
    case .relu: return v.replacing(with: 0, where: v .< 0)
    case .tanh: return tanh8(v)
    }
}

/// Vector tanh: odd rational minimax approximation x*p(x^2)/q(x^2) on [-c, c] (the
/// coefficients of Eigen's `ptanh_float`); beyond c, tanh is +-1 in Float. For
/// |x| < 4e-4, tanh(x) = x to Float precision; for |x| > 9 it is +-1. 8 lanes in ~25 instructions instead of
/// 8 libm calls (libm tanhf, ~15 ns a value, dominated the tanh heads). Max error vs
/// libm tanhf is checked in ActivationTests.
@inlinable @inline(__always)
func tanh8(_ v: SIMD8<Float>) -> SIMD8<Float> {
    let c = SIMD8<Float>(repeating: 7.905_311_107_635_498_05)
    var x = v.replacing(with: c, where: v .> c)
    x = x.replacing(with: -c, where: x .< -c)
    let x2 = x * x
    var p = SIMD8<Float>(repeating: -2.760_768_477_423_55e-16)
    p = SIMD8(repeating: 2.000_187_904_824_77e-13).addingProduct(p, x2)
    p = SIMD8(repeating: -8.604_671_522_137_35e-11).addingProduct(p, x2)
    p = SIMD8(repeating: 5.122_297_090_371_14e-08).addingProduct(p, x2)
    p = SIMD8(repeating: 1.485_722_357_179_79e-05).addingProduct(p, x2)
    p = SIMD8(repeating: 6.372_619_288_754_36e-04).addingProduct(p, x2)
    p = SIMD8(repeating: 4.893_524_558_917_86e-03).addingProduct(p, x2)
    p = p * x
    var q = SIMD8<Float>(repeating: 1.198_258_394_667_02e-06)
    q = SIMD8(repeating: 1.185_347_056_866_54e-04).addingProduct(q, x2)
    q = SIMD8(repeating: 2.268_434_632_439_00e-03).addingProduct(q, x2)
    q = SIMD8(repeating: 4.893_525_185_543_85e-03).addingProduct(q, x2)
    let small = v .< 4e-4 .& v .> -4e-4
    // Beyond 9, tanh rounds to +-1 in Float; the clamped rational gives 1 - 2 ulp.
    let one = SIMD8<Float>(repeating: 1)
    return (p / q).replacing(with: v, where: small).replacing(with: one, where: v .> 9)
        .replacing(with: -one, where: v .< -9)
}

/// Epilogue as a type, so that generic kernels specialised for it see a constant
/// activation even where they are not inlined (see MicroTile.swift).
@usableFromInline
protocol Epilogue {
    static func apply(_ v: SIMD8<Float>) -> SIMD8<Float>
    /// How the AVX-512 tiles (SplineKernelsAVX512) apply it: 0 none, 1 ReLU, -1 they cannot
    /// (tanh: those kernels keep the AVX2 tiles).
    static var avx512Activation: Int { get }
}

@usableFromInline
enum EpilogueNone: Epilogue {
    @inlinable @inline(__always) static func apply(_ v: SIMD8<Float>) -> SIMD8<Float> { v }
    @inlinable static var avx512Activation: Int { 0 }
}

@usableFromInline
enum EpilogueReLU: Epilogue {
    @inlinable @inline(__always) static func apply(_ v: SIMD8<Float>) -> SIMD8<Float> { activate(v, .relu) }
    @inlinable static var avx512Activation: Int { 1 }
}

@usableFromInline
enum EpilogueTanh: Epilogue {
    @inlinable @inline(__always) static func apply(_ v: SIMD8<Float>) -> SIMD8<Float> { tanh8(v) }
    @inlinable static var avx512Activation: Int { -1 }
}

/// Scalar twin of `activate` for the reference kernels.
@inlinable
func activateScalar(_ v: Float, _ act: Activation) -> Float {
    switch act {
    case .none: return v
    case .relu: return v < 0 ? 0 : v
    case .tanh: return tanhf(v)
    }
}
