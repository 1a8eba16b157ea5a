// An optimisation barrier for one SIMD16<Float> value: an empty inline asm that "changes" the
// value in its register, so LLVM can no longer see how it was computed. Costs no instruction.
//
// Why: the AVX-512 first-conv tile (SplineKernelsAVX512/DirectTileC1.swift) accumulates two
// pixels interleaved lane by lane and reorders each accumulator once at the end. The lanes never
// mix before that reorder, so LLVM moved the shuffle back through the FMAs onto every operand
// and split the tile into 256-bit halves (35 % of the FMA peak). Behind this barrier the reorder
// stays one vpermps per accumulator (tile + reorder in L1: 98 %). Swift has no such intrinsic;
// clang imports ext_vector_type(16) float as SIMD16<Float> and inlines this function.
#pragma once

typedef float splineseg_f32x16 __attribute__((ext_vector_type(16)));

static inline __attribute__((always_inline)) splineseg_f32x16 splineseg_value_barrier16(splineseg_f32x16 x) {
#if defined(__AVX512F__)   // a zmm operand; the modules compiled for x86-64-v3 never call it
    __asm__("" : "+v"(x));
#endif
    return x;
}
