//===- QNNArithmetic.h - scalar reference of qnn's integer math -*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The integer arithmetic the qnn ops define, one scalar at a time. The
// quantizer uses it to pick multipliers and shifts and to fold constants;
// the unit tests use it as the reference that lowerings and emitted kernels
// must reproduce bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_QNN_QNNARITHMETIC_H
#define WHITTLE_DIALECT_QNN_QNNARITHMETIC_H

#include "whittle/Dialect/QNN/QNNDialect.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>

namespace whittle::qnn {

/// `numerator / denominator` (denominator > 0) rounded by `mode`, exactly.
/// `pseudo_stochastic` needs a power-of-two denominator 2^s: in sign-
/// magnitude form it rounds up when the upper ceil(s/2) discarded bits,
/// read as a number, exceed the lower floor(s/2) bits (doubled when s is
/// odd), NITI's rounding without a random number generator.
int64_t roundingDivide(__int128 numerator, __int128 denominator,
                       RoundingMode mode);

/// `value` rounded to 24 significant bits, ties to even (float32's
/// precision; no exponent range limit).
__int128 roundToFloat32Precision(__int128 value);

/// `value * multiplier / 2^shift` rounded by `mode` (a negative shift
/// multiplies by 2^-shift), saturated to int64. `float32` first rounds
/// `value`, then its product with `multiplier`, to float32's precision.
/// `float32` in roundingDivide is `nearest_even`.
int64_t rescale(int64_t value, int64_t multiplier, int32_t shift,
                RoundingMode mode);

/// qnn.requantize of one accumulator:
/// `clamp(rescale(acc, multiplier, shift) + zeroPoint, min, max)`.
int32_t requantize(int64_t acc, int32_t multiplier, int32_t shift,
                   RoundingMode mode, int32_t zeroPoint, int32_t min = -128,
                   int32_t max = 127);

/// A positive real multiplier as `multiplier / 2^shift` with `multiplier`
/// in [2^30, 2^31) (gemmlowp's normalized form, 31 significant bits) and
/// `shift` in [-31, 62]. Reals too small for shift 62 become the smallest
/// representable value with the same shift range; nullopt for reals that
/// are not positive and finite or too large (>= 2^31).
struct FixedPointMultiplier {
  int32_t multiplier;
  int32_t shift;
};
std::optional<FixedPointMultiplier> getFixedPointMultiplier(double real);

/// The shift `s` for which 2^-s is nearest to `real` in the log domain,
/// NITI's power-of-two scale: `real` must be positive and finite.
std::optional<int32_t> getPowerOfTwoShift(double real);

/// qnn.softmax's `exp_table` for an input of scale `inputScale`: entry `d`
/// is `exp(-d * inputScale)` in units of 2^-24 (the first, exp(0), is
/// 2^24), so the ratios of any two entries keep 24 significant bits.
llvm::SmallVector<int32_t> getSoftmaxExpTable(double inputScale);

} // namespace whittle::qnn

#endif // WHITTLE_DIALECT_QNN_QNNARITHMETIC_H
