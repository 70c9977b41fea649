//===- QNNArithmetic.cpp - scalar reference of qnn's integer math ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNArithmetic.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace whittle::qnn;

static int64_t saturateToInt64(__int128 value) {
  constexpr int64_t lo = std::numeric_limits<int64_t>::min();
  constexpr int64_t hi = std::numeric_limits<int64_t>::max();
  return value < lo ? lo : value > hi ? hi : static_cast<int64_t>(value);
}

int64_t whittle::qnn::roundingDivide(__int128 numerator, __int128 denominator,
                                     RoundingMode mode) {
  assert(denominator > 0 && "rounding divide by a non-positive number");
  bool negative = numerator < 0;
  __int128 magnitude = negative ? -numerator : numerator;
  __int128 quotient = magnitude / denominator;
  __int128 remainder = magnitude % denominator;
  switch (mode) {
  case RoundingMode::nearest_even:
  case RoundingMode::float32:
    if (2 * remainder > denominator ||
        (2 * remainder == denominator && (quotient & 1)))
      ++quotient;
    break;
  case RoundingMode::half_away:
    if (2 * remainder >= denominator)
      ++quotient;
    break;
  case RoundingMode::pseudo_stochastic: {
    assert((denominator & (denominator - 1)) == 0 &&
           "pseudo-stochastic rounding needs a power-of-two divisor");
    int shift = 0;
    while ((__int128(1) << shift) < denominator)
      ++shift;
    __int128 high = remainder >> (shift / 2);
    __int128 low = remainder & ((__int128(1) << (shift / 2)) - 1);
    if (shift % 2)
      low *= 2;
    if (high > low)
      ++quotient;
    break;
  }
  }
  return saturateToInt64(negative ? -quotient : quotient);
}

__int128 whittle::qnn::roundToFloat32Precision(__int128 value) {
  bool negative = value < 0;
  unsigned __int128 magnitude = negative ? -value : value;
  int bits = 0;
  while (bits < 128 && (magnitude >> bits) != 0)
    ++bits;
  if (bits > 24) {
    int drop = bits - 24;
    unsigned __int128 one = 1;
    unsigned __int128 quotient = magnitude >> drop;
    unsigned __int128 remainder = magnitude & ((one << drop) - 1);
    unsigned __int128 half = one << (drop - 1);
    if (remainder > half || (remainder == half && (quotient & 1)))
      ++quotient;
    magnitude = quotient << drop;
  }
  auto result = static_cast<__int128>(magnitude);
  return negative ? -result : result;
}

int64_t whittle::qnn::rescale(int64_t value, int64_t multiplier, int32_t shift,
                              RoundingMode mode) {
  __int128 product = __int128(value) * multiplier;
  if (mode == RoundingMode::float32)
    product = roundToFloat32Precision(roundToFloat32Precision(value) *
                                      __int128(multiplier));
  if (shift <= 0) {
    // A left shift is exact; saturate what int64 cannot hold.
    int left = std::min(-shift, 63);
    __int128 limit = __int128(1) << 64;
    for (int i = 0; i < left && product > -limit && product < limit; ++i)
      product *= 2;
    return saturateToInt64(product);
  }
  return roundingDivide(product, __int128(1) << shift, mode);
}

int32_t whittle::qnn::requantize(int64_t acc, int32_t multiplier, int32_t shift,
                                 RoundingMode mode, int32_t zeroPoint,
                                 int32_t min, int32_t max) {
  int64_t value = rescale(acc, multiplier, shift, mode);
  value = std::clamp<int64_t>(value, std::numeric_limits<int32_t>::min(),
                              std::numeric_limits<int32_t>::max());
  return static_cast<int32_t>(std::clamp<int64_t>(value + zeroPoint, min, max));
}

std::optional<FixedPointMultiplier>
whittle::qnn::getFixedPointMultiplier(double real) {
  if (!(real > 0) || !std::isfinite(real) || real >= 2147483648.0)
    return std::nullopt;
  int exponent;
  // real = fraction * 2^exponent with fraction in [0.5, 1).
  double fraction = std::frexp(real, &exponent);
  auto multiplier = static_cast<int64_t>(std::llround(fraction * (1ll << 31)));
  if (multiplier == (1ll << 31)) {
    multiplier /= 2;
    ++exponent;
  }
  int32_t shift = 31 - exponent;
  if (shift < -31)
    return std::nullopt;
  if (shift > 62) {
    // Keep 62 and fewer significant bits: the value rounds the same way.
    multiplier = std::max<int64_t>(
        1, static_cast<int64_t>(std::llround(std::ldexp(real, 62))));
    shift = 62;
  }
  return FixedPointMultiplier{static_cast<int32_t>(multiplier), shift};
}

std::optional<int32_t> whittle::qnn::getPowerOfTwoShift(double real) {
  if (!(real > 0) || !std::isfinite(real))
    return std::nullopt;
  return static_cast<int32_t>(-std::lround(std::log2(real)));
}

llvm::SmallVector<int32_t> whittle::qnn::getSoftmaxExpTable(double inputScale) {
  constexpr int kTableBits = 24;
  llvm::SmallVector<int32_t> table;
  for (int d = 0; d < 256; ++d)
    table.push_back(static_cast<int32_t>(
        std::nearbyint(std::ldexp(std::exp(-d * inputScale), kTableBits))));
  return table;
}
