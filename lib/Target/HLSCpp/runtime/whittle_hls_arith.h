//===- whittle_hls_arith.h - qnn's integer math for HLS designs -*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Why this file exists: a design emitted by `whittlec --target hls` is
// compiled on its own (g++ for C-simulation, Vitis HLS for synthesis) and
// cannot link whittle, so the integer semantics of the qnn ops travel with
// it as this self-contained header. The reference it reproduces bit for bit
// is whittle/Dialect/QNN/QNNArithmetic.h (and the qnn ops' definitions in
// dialects/QNN/QNNOps.td, as lib/Conversion/QNNToLinalg computes them);
// functions named as there take the same parameters in the same order.
//
// What differs is the width: QNNArithmetic.h computes in __int128, which
// neither Vitis HLS nor portable C++ has. Here every value fits 64 bits for
// the operand ranges the qnn verifiers admit, proven per function below
// ("Range:"); the one product that can exceed 64 bits (an average's or a
// softmax's numerator or divisor with its 2^|shift|) is split exactly.
//
// Constraints: <cstdint> and <cmath> only; no __int128, no
// exceptions, no heap; every loop has a constant trip count. Builds with
// g++ -std=c++17 -Wall -Werror and with Vitis HLS.
//
// The CUDA back end's kernels (lib/Target/CUDA/runtime) include this same
// header for their fused epilogues, so that both targets carry one copy of
// the arithmetic: every function is WHITTLE_ARITH_FN, `__host__ __device__`
// under nvcc, and uses only what device code has (the <cmath> functions
// called here, std::fmin/fmax/nearbyint/ldexp/exp, have device overloads in
// CUDA's math headers; test/Target/CUDA/arith-device.test compiles every
// function for sm_80 with warnings as errors).
//
// Tested by test/unit/HLSArithTest.cpp (ctest -R unit-hls-arith): every
// function against QNNArithmetic.h or the CPU lowering's formula, on the
// edge cases (saturation, -128, ties in every rounding mode, shifts 0, 1,
// 31, 62 and negative, multipliers 2^30 and 2^31 - 1, INT32_MIN/MAX) and on
// a million random inputs each.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_HLS_ARITH_H
#define WHITTLE_HLS_ARITH_H

#include <cmath>
#include <cstdint>

/// `#pragma HLS ...` for Vitis HLS only: g++ -Wall warns about pragmas it
/// does not know (-Wunknown-pragmas), which -Werror makes fatal.
#ifndef WHITTLE_HLS_PRAGMA
#if defined(__SYNTHESIS__) || defined(__VITIS_HLS__)
#define WHITTLE_HLS_PRAGMA(text) _Pragma(#text)
#else
#define WHITTLE_HLS_PRAGMA(text)
#endif
#endif

/// Every function's specifiers: callable from CUDA kernels and the host
/// alike under nvcc (__CUDACC__), plain `inline` for g++ and Vitis HLS.
#ifndef WHITTLE_ARITH_FN
#ifdef __CUDACC__
#define WHITTLE_ARITH_FN __host__ __device__ inline
#else
#define WHITTLE_ARITH_FN inline
#endif
#endif

namespace whittle_hls {

/// How a rescale rounds the discarded fraction (qnn::RoundingMode: the
/// same enumerants with the same values).
enum class RoundingMode {
  nearest_even = 0,
  half_away = 1,
  pseudo_stochastic = 2,
  float32 = 3
};

namespace detail {

/// |value| (2^63 for INT64_MIN).
WHITTLE_ARITH_FN uint64_t magnitude(int64_t value) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return value < 0 ? uint64_t(0) - static_cast<uint64_t>(value)
                   : static_cast<uint64_t>(value);
}

/// The value of sign `negative` and magnitude `magnitude`, saturated to
/// int64 (QNNArithmetic's saturateToInt64).
WHITTLE_ARITH_FN int64_t fromMagnitude(bool negative, uint64_t magnitude) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  const uint64_t top = uint64_t(1) << 63;
  if (negative)
    return magnitude >= top ? INT64_MIN : -static_cast<int64_t>(magnitude);
  return magnitude >= top ? INT64_MAX : static_cast<int64_t>(magnitude);
}

/// Whether a quotient's magnitude `quotient` rounds up by `mode` (to
/// nearest, ties to even or away from zero; float32 rounds to nearest
/// even), given the sign of twice the discarded remainder minus the
/// divisor: `half` < 0, = 0 or > 0.
WHITTLE_ARITH_FN bool roundsUp(RoundingMode mode, int half, uint64_t quotient) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  if (mode == RoundingMode::half_away)
    return half >= 0;
  return half > 0 || (half == 0 && (quotient & 1) != 0);
}

/// The sign of 2 * remainder - divisor for remainder < divisor, compared
/// as remainder against divisor - remainder so that nothing overflows.
WHITTLE_ARITH_FN int compareWithHalf(uint64_t remainder, uint64_t divisor) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  uint64_t rest = divisor - remainder;
  return remainder > rest ? 1 : remainder < rest ? -1 : 0;
}

/// NITI's pseudo-stochastic rounding of a magnitude whose low `shift` bits
/// `remainder` are discarded: up when the upper ceil(shift/2) bits, read as
/// a number, exceed the lower floor(shift/2) bits (doubled for odd shifts).
WHITTLE_ARITH_FN bool pseudoStochasticRoundsUp(uint64_t remainder, int shift) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  int lowBits = shift / 2;
  uint64_t high = remainder >> lowBits;
  uint64_t low = remainder & ((uint64_t(1) << lowBits) - 1);
  if (shift % 2)
    low *= 2;
  return high > low;
}

/// round(value / 2^shift) by `mode` for `shift` in [1, 63]; float32 rounds
/// to nearest even. Range: any int64 (the magnitude is at most 2^63).
WHITTLE_ARITH_FN int64_t roundingShiftRight(int64_t value, int shift,
                                            RoundingMode mode) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  bool negative = value < 0;
  uint64_t mag = magnitude(value);
  uint64_t quotient = mag >> shift;
  uint64_t remainder = mag & ((uint64_t(1) << shift) - 1);
  bool up;
  if (mode == RoundingMode::pseudo_stochastic) {
    up = pseudoStochasticRoundsUp(remainder, shift);
  } else {
    uint64_t half = uint64_t(1) << (shift - 1);
    int sign = remainder > half ? 1 : remainder < half ? -1 : 0;
    up = roundsUp(mode, sign, quotient);
  }
  return fromMagnitude(negative, quotient + (up ? 1 : 0));
}

/// The number of significant bits of `value` (0 for 0). Synthesis gets a
/// priority encoder (the unrolled loop); the GPU, g++ and clang count
/// leading zeros in one instruction (the loop was a third of a C
/// simulation's time on ONNX Runtime's float32-rescaled models).
WHITTLE_ARITH_FN int bitWidth(uint64_t value) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
#if defined(__CUDA_ARCH__)
  return value == 0 ? 0 : 64 - __clzll(static_cast<long long>(value));
#elif (defined(__GNUC__) || defined(__clang__)) && !defined(__SYNTHESIS__)
  return value == 0 ? 0 : 64 - __builtin_clzll(value);
#else
  int bits = 0;
  for (int i = 0; i < 64; ++i) {
    WHITTLE_HLS_PRAGMA(HLS UNROLL)
    if ((value >> i) != 0)
      bits = i + 1;
  }
  return bits;
#endif
}

} // namespace detail

//===----------------------------------------------------------------------===//
// QNNArithmetic.h's functions
//===----------------------------------------------------------------------===//

/// `numerator / denominator` (denominator > 0) rounded by `mode`, exactly;
/// `pseudo_stochastic` needs a power-of-two denominator.
/// Range: every int64 numerator and positive int64 denominator (the
/// quotient's magnitude never exceeds the numerator's), equal to
/// QNNArithmetic's roundingDivide on those.
WHITTLE_ARITH_FN int64_t roundingDivide(int64_t numerator, int64_t denominator,
                                        RoundingMode mode) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  bool negative = numerator < 0;
  uint64_t mag = detail::magnitude(numerator);
  uint64_t divisor = static_cast<uint64_t>(denominator);
  uint64_t quotient = mag / divisor;
  uint64_t remainder = mag % divisor;
  bool up;
  if (mode == RoundingMode::pseudo_stochastic) {
    int shift = detail::bitWidth(divisor) - 1;
    up = detail::pseudoStochasticRoundsUp(remainder, shift);
  } else {
    up = detail::roundsUp(mode, detail::compareWithHalf(remainder, divisor),
                          quotient);
  }
  return detail::fromMagnitude(negative, quotient + (up ? 1 : 0));
}

/// `value` rounded to 24 significant bits, ties to even (float32's
/// precision; no exponent range limit).
/// Range: |value| < 2^63 - 2^38 (larger magnitudes round to 2^63, which
/// int64 cannot hold; INT64_MIN stays itself). rescale calls it on
/// |value| <= 2^62 only.
WHITTLE_ARITH_FN int64_t roundToFloat32Precision(int64_t value) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  bool negative = value < 0;
  uint64_t mag = detail::magnitude(value);
  int bits = detail::bitWidth(mag);
  if (bits > 24) {
    int drop = bits - 24;
    uint64_t quotient = mag >> drop;
    uint64_t remainder = mag & ((uint64_t(1) << drop) - 1);
    uint64_t half = uint64_t(1) << (drop - 1);
    if (remainder > half || (remainder == half && (quotient & 1) != 0))
      ++quotient;
    mag = quotient << drop;
  }
  return detail::fromMagnitude(negative, mag);
}

/// `value * multiplier / 2^shift` rounded by `mode` (a negative shift
/// multiplies by 2^-shift), saturated to int64. `float32` first rounds
/// `value`, then its product with `multiplier`, to float32's precision, and
/// divides rounding to nearest even.
/// Range: |value * multiplier| <= 2^62, and for float32 |value| <= 2^31
/// and |multiplier| < 2^31 (the rounded value is then at most 2^31 and the
/// rounded product at most 2^62), so the product fits int64; `shift` <= 62
/// (the verifiers' [-31, 62]); any negative shift saturates exactly. Every
/// qnn op is inside: requantize's i32 accumulator times a multiplier below
/// 2^31 is below 2^62; add's sum of two (|x - zp| <= 255) * |m| <= 2^31
/// terms is below 2^40 (multiplier 1); mul's |(a - za)(b - zb)| <= 2^16
/// times m < 2^31 is below 2^47; concat's 255 * m is below 2^39.
WHITTLE_ARITH_FN int64_t rescale(int64_t value, int64_t multiplier,
                                 int32_t shift, RoundingMode mode) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  int64_t product =
      mode == RoundingMode::float32
          ? roundToFloat32Precision(roundToFloat32Precision(value) * multiplier)
          : value * multiplier;
  if (shift > 0)
    return detail::roundingShiftRight(product, shift, mode);
  // A left shift is exact until it leaves int64, then saturates.
  int left = -shift > 63 ? 63 : -shift;
  bool negative = product < 0;
  uint64_t mag = detail::magnitude(product);
  uint64_t limit = negative ? uint64_t(1) << 63 : uint64_t(INT64_MAX);
  if (mag > (limit >> left))
    return negative ? INT64_MIN : INT64_MAX;
  return detail::fromMagnitude(negative, mag << left);
}

/// The output stage of every rescaling op: `clamp(value + zeroPoint, min,
/// max)` with `value` first saturated to int32 (as requantize does).
WHITTLE_ARITH_FN int32_t outputStage(int64_t value, int32_t zeroPoint,
                                     int32_t min, int32_t max) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  value = value < INT32_MIN ? INT32_MIN : value > INT32_MAX ? INT32_MAX : value;
  value += zeroPoint;
  return static_cast<int32_t>(value < min ? min : value > max ? max : value);
}

/// qnn.requantize of one accumulator:
/// `clamp(rescale(acc, multiplier, shift) + zeroPoint, min, max)`.
/// Range: rescale's (every i32 `acc` with the verifiers' multipliers).
WHITTLE_ARITH_FN int32_t requantize(int64_t acc, int32_t multiplier,
                                    int32_t shift, RoundingMode mode,
                                    int32_t zeroPoint, int32_t min = -128,
                                    int32_t max = 127) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return outputStage(rescale(acc, multiplier, shift, mode), zeroPoint, min,
                     max);
}

/// qnn.softmax's `exp_table` for an input of scale `inputScale`
/// (QNNArithmetic's getSoftmaxExpTable): entry `d` is `exp(-d *
/// inputScale)` in units of 2^-24. In double precision: for the host and
/// the testbench, not for synthesis (a design reads the op's table).
WHITTLE_ARITH_FN void getSoftmaxExpTable(double inputScale,
                                         int32_t table[256]) {
  for (int d = 0; d < 256; ++d)
    table[d] = static_cast<int32_t>(
        std::nearbyint(std::ldexp(std::exp(-d * inputScale), 24)));
}

//===----------------------------------------------------------------------===//
// One element of each qnn op
//===----------------------------------------------------------------------===//

/// qnn.quantize of one value, as the CPU lowering computes it: `clamp(
/// round_half_even(x / scale) + zeroPoint, -128, 127)`, the division in
/// float32, NaN to the low end. (The lowering rounds half to even whatever
/// the op's `rounding` attribute says; so does this.)
WHITTLE_ARITH_FN int8_t quantize(float x, float scale, int32_t zeroPoint) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  float scaled = x / scale;
  // Beyond +-2^17 the result saturates whatever the zero point; clamping
  // before rounding changes nothing (2^17 is an integer) and keeps the
  // conversion defined. fmax/fmin return the number when one is NaN.
  scaled = std::fmin(std::fmax(scaled, -131072.0f), 131072.0f);
  int32_t whole = static_cast<int32_t>(scaled);        // toward zero
  float fraction = scaled - static_cast<float>(whole); // exact
  if (fraction > 0.5f || (fraction == 0.5f && (whole & 1) != 0))
    ++whole;
  else if (fraction < -0.5f || (fraction == -0.5f && (whole & 1) != 0))
    --whole;
  int32_t value = whole + zeroPoint;
  return static_cast<int8_t>(value < -128 ? -128 : value > 127 ? 127 : value);
}

/// qnn.dequantize of one value: `(x - zeroPoint) * scale`, the difference
/// exact in int64 (i32 inputs too), then one rounding to float32 and the
/// float32 product.
WHITTLE_ARITH_FN float dequantize(int32_t x, float scale, int32_t zeroPoint) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return static_cast<float>(int64_t(x) - int64_t(zeroPoint)) * scale;
}

/// qnn.add of one (broadcast) element pair: `clamp(round(((a - aZeroPoint)
/// * aMultiplier + (b - bZeroPoint) * bMultiplier) / 2^shift) +
/// outputZeroPoint, min, max)`. Range: |sum| < 2^40 (see rescale).
WHITTLE_ARITH_FN int8_t add(int8_t a, int8_t b, int32_t aZeroPoint,
                            int32_t bZeroPoint, int32_t aMultiplier,
                            int32_t bMultiplier, int32_t shift,
                            RoundingMode mode, int32_t outputZeroPoint,
                            int32_t min, int32_t max) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  int64_t sum = (int64_t(a) - aZeroPoint) * aMultiplier +
                (int64_t(b) - bZeroPoint) * bMultiplier;
  return static_cast<int8_t>(
      requantize(sum, 1, shift, mode, outputZeroPoint, min, max));
}

/// qnn.mul of one (broadcast) element pair: `clamp(round((a - aZeroPoint)
/// * (b - bZeroPoint) * multiplier / 2^shift) + outputZeroPoint, min,
/// max)`. Range: |product| <= 2^16 (see rescale).
WHITTLE_ARITH_FN int8_t mul(int8_t a, int8_t b, int32_t aZeroPoint,
                            int32_t bZeroPoint, int32_t multiplier,
                            int32_t shift, RoundingMode mode,
                            int32_t outputZeroPoint, int32_t min, int32_t max) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  int64_t product = (int64_t(a) - aZeroPoint) * (int64_t(b) - bZeroPoint);
  return static_cast<int8_t>(
      requantize(product, multiplier, shift, mode, outputZeroPoint, min, max));
}

/// qnn.concat of one element `x` of an input with `inputZeroPoint`,
/// `multiplier` and `shift`: `clamp(round((x - inputZeroPoint) *
/// multiplier / 2^shift) + outputZeroPoint, min, max)` (the identity for
/// an input on the output's scale and zero point with the full clamp).
WHITTLE_ARITH_FN int8_t concat(int8_t x, int32_t inputZeroPoint,
                               int32_t multiplier, int32_t shift,
                               RoundingMode mode, int32_t outputZeroPoint,
                               int32_t min, int32_t max) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return static_cast<int8_t>(requantize(int64_t(x) - inputZeroPoint, multiplier,
                                        shift, mode, outputZeroPoint, min,
                                        max));
}

/// `round(dividend * multiplier * 2^-shift / (divisor * 2^shift))` by
/// `mode` (nearest_even or half_away: the verifiers reject the others for
/// divisions), exactly, saturated to int64: QNNArithmetic's
/// roundingDivide(dividend * multiplier << max(-shift, 0), divisor <<
/// max(shift, 0)), the quotient of averages and softmax.
/// Range: |dividend| < 2^31 (a pool's i32 sum of `x - zp`, a softmax table
/// entry), |multiplier| < 2^31, `divisor` in [1, 2^62) (a window's count,
/// a softmax row's sum of at most 2^31 entries below 2^31), `shift` in
/// [-31, 62]. Then N = dividend * multiplier is below 2^62, but N * 2^-shift
/// (up to 2^93) and divisor * 2^shift (up to 2^124) need not fit 64 bits,
/// so the division is split exactly:
/// - shift >= 0: floor(N / (d 2^s)) = floor(floor(N / 2^s) / d), and the
///   remainder is R = (floor(N / 2^s) mod d) 2^s + (N mod 2^s) = r1 2^s +
///   r0; the sign of 2R - d 2^s = (2 r1 - d) 2^s + 2 r0 with 0 <= 2 r0 <
///   2^(s+1) follows from t = 2 r1 - d alone unless t is 0 (then from r0 >
///   0) or -1 (then from r0 against 2^(s-1)).
/// - shift < 0 (k = -shift <= 31): N = q0 d + r0, and r0 2^k / d is long
///   division, one bit per step (2r < 2d < 2^63), leaving the quotient
///   q0 2^k + f and the remainder r.
WHITTLE_ARITH_FN int64_t scaledDivide(int64_t dividend, int64_t divisor,
                                      int32_t multiplier, int32_t shift,
                                      RoundingMode mode) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  int64_t numerator = dividend * multiplier;
  bool negative = numerator < 0;
  uint64_t mag = detail::magnitude(numerator);
  uint64_t d = static_cast<uint64_t>(divisor);
  uint64_t quotient;
  int half;
  bool saturated = false;
  if (shift >= 0) {
    uint64_t high = mag >> shift;
    uint64_t r0 = mag & ((uint64_t(1) << shift) - 1);
    quotient = high / d;
    int64_t t = 2 * static_cast<int64_t>(high % d) - static_cast<int64_t>(d);
    if (t >= 1)
      half = 1;
    else if (t <= -2)
      half = -1;
    else if (t == 0)
      half = r0 > 0 ? 1 : 0;
    else if (shift == 0)
      half = -1;
    else
      half = r0 > (uint64_t(1) << (shift - 1))   ? 1
             : r0 < (uint64_t(1) << (shift - 1)) ? -1
                                                 : 0;
  } else {
    int k = -shift;
    uint64_t q0 = mag / d;
    uint64_t r = mag % d;
    uint64_t f = 0;
    for (int i = 0; i < 31; ++i) {
      WHITTLE_HLS_PRAGMA(HLS UNROLL)
      if (i < k) {
        r *= 2;
        bool bit = r >= d;
        if (bit)
          r -= d;
        f = 2 * f + (bit ? 1 : 0);
      }
    }
    // q0 2^k + f < 2^63 unless q0 >= 2^(63-k).
    saturated = (q0 >> (63 - k)) != 0;
    quotient = (q0 << k) + f;
    half = detail::compareWithHalf(r, d);
  }
  if (saturated)
    return negative ? INT64_MIN : INT64_MAX;
  bool up = detail::roundsUp(mode, half, quotient);
  return detail::fromMagnitude(negative, quotient + (up ? 1 : 0));
}

namespace detail {
/// The output of the ops that divide (averages and softmax): scaledDivide,
/// then the output stage.
WHITTLE_ARITH_FN int8_t divideToOutput(int64_t dividend, int64_t divisor,
                                       int32_t multiplier, int32_t shift,
                                       RoundingMode mode,
                                       int32_t outputZeroPoint, int32_t min,
                                       int32_t max) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return static_cast<int8_t>(
      outputStage(scaledDivide(dividend, divisor, multiplier, shift, mode),
                  outputZeroPoint, min, max));
}
} // namespace detail

/// qnn.avg_pool's count along one axis at output position `o`, as the CPU
/// lowering (lib/Conversion/QNNToLinalg/PoolingToLinalg.cpp,
/// getWindowCounts) defines it (the HLS stages and the CUDA pools call this):
/// the window [o * stride - padBegin, + kernel) clipped to the padded input
/// [-padBegin, input + padEnd) with count_include_pad, else to the input
/// [0, input), and at least 1 (a ceil_mode window past every position).
WHITTLE_ARITH_FN int64_t avgPoolCount(int o, int stride, int padBegin,
                                      int padEnd, int kernel, int input,
                                      bool countIncludePad) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  int64_t start = int64_t(o) * stride - padBegin, end = start + kernel;
  int64_t lo = countIncludePad ? -int64_t(padBegin) : 0;
  int64_t hi = int64_t(input) + (countIncludePad ? padEnd : 0);
  int64_t from = start > lo ? start : lo, to = end < hi ? end : hi;
  return to - from > 1 ? to - from : 1;
}

/// qnn.avg_pool of one window: `clamp(round(sum * multiplier / (count *
/// 2^shift)) + outputZeroPoint, min, max)`, where `sum` is the window's
/// i32 sum of `x - input_zero_point` (padding adds 0) and `count` its size
/// (with count_include_pad) or its positions inside the input.
/// Range: scaledDivide's.
WHITTLE_ARITH_FN int8_t avgPool(int32_t sum, int64_t count, int32_t multiplier,
                                int32_t shift, RoundingMode mode,
                                int32_t outputZeroPoint, int32_t min,
                                int32_t max) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return detail::divideToOutput(sum, count, multiplier, shift, mode,
                                outputZeroPoint, min, max);
}

/// qnn.global_avg_pool of one channel: avgPool with `count` the number of
/// spatial positions.
WHITTLE_ARITH_FN int8_t globalAvgPool(int32_t sum, int64_t count,
                                      int32_t multiplier, int32_t shift,
                                      RoundingMode mode,
                                      int32_t outputZeroPoint, int32_t min,
                                      int32_t max) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return avgPool(sum, count, multiplier, shift, mode, outputZeroPoint, min,
                 max);
}

/// qnn.softmax's exponential of `x` in a row whose maximum is `maximum`:
/// `expTable[maximum - x]` (maximum - x in [0, 255]).
WHITTLE_ARITH_FN int32_t softmaxExp(const int32_t expTable[256], int8_t maximum,
                                    int8_t x) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return expTable[int32_t(maximum) - int32_t(x)];
}

/// qnn.softmax's output for an exponential `exponential` in a row whose
/// exponentials sum to `sum` (in int64): `clamp(round(exponential * multiplier
/// / (sum * 2^shift)) + outputZeroPoint, min, max)`. Range: scaledDivide's
/// (entries below 2^31, rows shorter than 2^31).
WHITTLE_ARITH_FN int8_t softmax(int32_t exponential, int64_t sum,
                                int32_t multiplier, int32_t shift,
                                RoundingMode mode, int32_t outputZeroPoint,
                                int32_t min, int32_t max) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return detail::divideToOutput(exponential, sum, multiplier, shift, mode,
                                outputZeroPoint, min, max);
}

/// qnn.lut of one value: `table[x + 128]`.
WHITTLE_ARITH_FN int8_t lut(const int8_t table[256], int8_t x) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  return table[int32_t(x) + 128];
}

/// qnn.resize's integer weights of one output position along one axis:
/// ONNX's `weights` (of `taps` taps) times 2^fractionBits rounded to
/// nearest (ties to even), the last tap taking what is left of
/// 2^fractionBits, so that they sum to one exactly. For the host (double
/// precision); a design reads the weights whittle computed.
WHITTLE_ARITH_FN void resizeWeights(const double *weights, int32_t taps,
                                    int32_t fractionBits,
                                    int64_t *integerWeights) {
  int64_t rest = int64_t(1) << fractionBits;
  for (int32_t t = 0; t < taps; ++t) {
    int64_t weight = t + 1 == taps ? rest
                                   : static_cast<int64_t>(std::nearbyint(
                                         std::ldexp(weights[t], fractionBits)));
    rest -= weight;
    integerWeights[t] = weight;
  }
}

/// qnn.resize's result from `weightedSum`, the exact sum over every
/// combination of one tap per spatial axis of the tap's value times the
/// product of the taps' integer weights: rounded by `mode` once, by 2^shift
/// with `shift` = fraction_bits * (spatial axes), then truncated to i8 (a
/// convex combination of i8 values stays in range).
/// Range: |weightedSum| <= 2^(7 + shift), exact in int64 for shift <= 55
/// (as the CPU lowering's i64 accumulator).
WHITTLE_ARITH_FN int8_t resize(int64_t weightedSum, int32_t shift,
                               RoundingMode mode) {
  WHITTLE_HLS_PRAGMA(HLS INLINE)
  if (shift > 0)
    weightedSum = detail::roundingShiftRight(weightedSum, shift, mode);
  return static_cast<int8_t>(weightedSum);
}

} // namespace whittle_hls

#endif // WHITTLE_HLS_ARITH_H
