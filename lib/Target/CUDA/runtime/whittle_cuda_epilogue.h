//===- whittle_cuda_epilogue.h - fused epilogues of the CUDA kernels -*- C++
//-*-//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// What the GEMM, convolution and depthwise kernels do with each raw
// accumulator before writing it: the qnn product's zero-point corrections
// and bias, then qnn.requantize (every rounding mode, the clamp absorbing
// ReLU), then optionally a residual qnn.add (RequantizeEpilogue), or the
// product's i32 accumulator itself (AccumulatorEpilogue). The arithmetic is
// the shared header's (whittle_hls_arith.h, checked against
// QNNArithmetic.h), and the functors are `__host__ __device__`, so
// test/unit/CUDAEpilogueTest.cpp runs on the host the very code the
// kernels run.
//
// The accumulator. qnn.conv and qnn.matmul (dialects/QNN/QNNOps.td) define
//   acc[m, n] = bias[n] + sum_k (a[m, k] - aZp)(b[k, n] - bZp[n])
// in i32 (exact whenever the result fits i32, the dialect's contract). The
// tensor cores multiply raw int8, so the kernels compute raw = sum a b and,
// only when a weight zero point may be non-zero, sumA = sum_k a[m, k], and
// use gemmlowp's identity (as lib/Conversion/QNNToLinalg does)
//   acc = raw - bZp[n] sumA + (bias[n] - aZp sumB[n] + K aZp bZp[n]),
// the parenthesis folded per column on the host (foldBias, from the
// constant weights' column sums sumB). Padding holds aZp, the real value 0,
// in raw and sumA alike; k past K holds 0 in both operands and adds
// nothing. Everything wraps modulo 2^32, like the CPU lowering's i32.
//
// Builds with g++ -std=c++17 -Wall -Werror and with nvcc.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_EPILOGUE_H
#define WHITTLE_CUDA_EPILOGUE_H

#include "whittle_hls_arith.h"

#include <cstdint>

namespace whittle_cuda {

using RoundingMode = whittle_hls::RoundingMode;

/// a + b, a - b and a * b modulo 2^32 (signed overflow is undefined in
/// C++).
WHITTLE_ARITH_FN int32_t wrapAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) +
                              static_cast<uint32_t>(b));
}
WHITTLE_ARITH_FN int32_t wrapSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) -
                              static_cast<uint32_t>(b));
}
WHITTLE_ARITH_FN int32_t wrapMul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) *
                              static_cast<uint32_t>(b));
}

/// The column constant of the identity above: bias - aZp * sumB + K * aZp
/// * bZp, modulo 2^32. `sumB` is the column's sum of its K weights.
WHITTLE_ARITH_FN int32_t foldBias(int32_t bias, int32_t sumB,
                                  int32_t aZeroPoint, int32_t bZeroPoint,
                                  int64_t k) {
  int32_t kWrapped = static_cast<int32_t>(static_cast<uint64_t>(k));
  return wrapAdd(wrapSub(bias, wrapMul(aZeroPoint, sumB)),
                 wrapMul(wrapMul(kWrapped, aZeroPoint), bZeroPoint));
}

/// The folded biases of `columns` columns of B^T [columns][k] (a GEMM's
/// B^T, a convolution's OHWI weights, with k = KH * KW * C); `bias` and
/// `bZeroPoints` (one per column, or one when `perColumnZeroPoint` is
/// false) may be null for 0. For the host: the emitter folds constants.
inline void foldBiases(const int8_t *bT, int64_t columns, int64_t k,
                       const int32_t *bias, int32_t aZeroPoint,
                       const int32_t *bZeroPoints, bool perColumnZeroPoint,
                       int32_t *folded) {
  for (int64_t n = 0; n < columns; ++n) {
    uint32_t sum = 0;
    for (int64_t i = 0; i < k; ++i)
      sum += static_cast<uint32_t>(int32_t(bT[n * k + i]));
    int32_t bZp = bZeroPoints ? bZeroPoints[perColumnZeroPoint ? n : 0] : 0;
    folded[n] = foldBias(bias ? bias[n] : 0, static_cast<int32_t>(sum),
                         aZeroPoint, bZp, k);
  }
}

/// qnn's i32 accumulator of column `n` by the identity above: raw +
/// foldedBias[n] (null for 0) and, with kWeightZeroPoints and non-null
/// `bZeroPoints`, - bZp * sumA, bZp per column (`perColumnZeroPoint`) or
/// per tensor; modulo 2^32.
template <bool kWeightZeroPoints>
WHITTLE_ARITH_FN int32_t productAccumulator(const int32_t *foldedBias,
                                            const int32_t *bZeroPoints,
                                            bool perColumnZeroPoint, int n,
                                            int32_t raw, int32_t sumA) {
  int32_t acc = wrapAdd(raw, foldedBias ? foldedBias[n] : 0);
  if (kWeightZeroPoints && bZeroPoints) {
    int32_t bZp = bZeroPoints[perColumnZeroPoint ? n : 0];
    acc = wrapSub(acc, wrapMul(bZp, sumA));
  }
  return acc;
}

/// The raw accumulators, unchanged, as int32 [M][ldOut] (for tests and
/// for comparing with other int8 GEMMs).
struct Int32Epilogue {
  /// Whether the kernels must compute sumA.
  static constexpr bool kNeedsSumA = false;
  int32_t *out;
  int64_t ldOut;

  WHITTLE_ARITH_FN void operator()(int64_t m, int n, int32_t raw,
                                   int32_t /*sumA*/) const {
    out[m * ldOut + n] = raw;
  }
};

/// qnn.conv / qnn.matmul, then qnn.requantize, then optionally qnn.add
/// with a residual: writes int8 [M][ldOut]. `kWeightZeroPoints` false
/// promises that every bZp is 0 (symmetric weights, the common case), so
/// the kernels skip sumA.
template <bool kWeightZeroPoints> struct RequantizeEpilogue {
  static constexpr bool kNeedsSumA = kWeightZeroPoints;

  // The accumulator: folded biases (foldBiases; null for none) and, with
  // kWeightZeroPoints, bZp per column (perColumnZeroPoint) or per tensor.
  const int32_t *foldedBias = nullptr;
  const int32_t *bZeroPoints = nullptr;
  bool perColumnZeroPoint = false;

  // qnn.requantize: multiplier and shift per column (perColumnScale) or
  // per tensor, then the output stage.
  const int32_t *multipliers = nullptr;
  const int32_t *shifts = nullptr;
  bool perColumnScale = false;
  RoundingMode rounding = RoundingMode::nearest_even;
  int32_t outputZeroPoint = 0, min = -128, max = 127;

  // qnn.add(requantized, residual[m][n]) when `residual` is not null.
  const int8_t *residual = nullptr;
  int64_t ldResidual = 0;
  int32_t addAZeroPoint = 0, addBZeroPoint = 0;
  int32_t addAMultiplier = 1, addBMultiplier = 1, addShift = 0;
  RoundingMode addRounding = RoundingMode::nearest_even;
  int32_t addOutputZeroPoint = 0, addMin = -128, addMax = 127;

  int8_t *out = nullptr;
  int64_t ldOut = 0;

  /// qnn's i32 accumulator of column `n` from the raw sums.
  WHITTLE_ARITH_FN int32_t accumulator(int n, int32_t raw, int32_t sumA) const {
    return productAccumulator<kWeightZeroPoints>(
        foldedBias, bZeroPoints, perColumnZeroPoint, n, raw, sumA);
  }

  /// The int8 result at (m, n).
  WHITTLE_ARITH_FN int8_t value(int64_t m, int n, int32_t raw,
                                int32_t sumA) const {
    int c = perColumnScale ? n : 0;
    auto y = static_cast<int8_t>(whittle_hls::requantize(
        accumulator(n, raw, sumA), multipliers[c], shifts[c], rounding,
        outputZeroPoint, min, max));
    if (!residual)
      return y;
    return whittle_hls::add(y, residual[m * ldResidual + n], addAZeroPoint,
                            addBZeroPoint, addAMultiplier, addBMultiplier,
                            addShift, addRounding, addOutputZeroPoint, addMin,
                            addMax);
  }

  WHITTLE_ARITH_FN void operator()(int64_t m, int n, int32_t raw,
                                   int32_t sumA) const {
    out[m * ldOut + n] = value(m, n, raw, sumA);
  }
};

/// qnn.conv / qnn.matmul alone: qnn's i32 accumulator (the identity above,
/// as RequantizeEpilogue computes it) written to int32 [M][ldOut], for a
/// product whose result is not requantized at once (a model output
/// dequantized from i32, a product feeding an op of its own).
/// `kWeightZeroPoints` as for RequantizeEpilogue.
template <bool kWeightZeroPoints> struct AccumulatorEpilogue {
  static constexpr bool kNeedsSumA = kWeightZeroPoints;

  const int32_t *foldedBias = nullptr;
  const int32_t *bZeroPoints = nullptr;
  bool perColumnZeroPoint = false;

  int32_t *out = nullptr;
  int64_t ldOut = 0;

  /// qnn's i32 accumulator of column `n` from the raw sums.
  WHITTLE_ARITH_FN int32_t accumulator(int n, int32_t raw, int32_t sumA) const {
    return productAccumulator<kWeightZeroPoints>(
        foldedBias, bZeroPoints, perColumnZeroPoint, n, raw, sumA);
  }

  WHITTLE_ARITH_FN void operator()(int64_t m, int n, int32_t raw,
                                   int32_t sumA) const {
    out[m * ldOut + n] = accumulator(n, raw, sumA);
  }
};

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_EPILOGUE_H
