//===- QNNArithmeticTest.cpp - qnn's integer rescale against naive math ---===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNArithmetic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

using namespace whittle::qnn;

namespace {

/// The integer nearest to n/d by exhaustive comparison of the two
/// candidates floor and floor+1; ties go by `preferEven` or away from zero.
int64_t naiveNearest(int64_t n, int64_t d, bool preferEven) {
  int64_t low = n >= 0 ? n / d : -((-n + d - 1) / d);
  int64_t high = low + 1;
  int64_t lowError = std::llabs(n - low * d),
          highError = std::llabs(high * d - n);
  if (lowError != highError)
    return lowError < highError ? low : high;
  if (preferEven)
    return low % 2 == 0 ? low : high;
  return n >= 0 ? high : low;
}

/// algorithms.md 1b, transcribed literally.
int64_t naivePseudoStochastic(int64_t x, int s) {
  int64_t a = std::llabs(x);
  int64_t r = a & ((int64_t(1) << s) - 1);
  int64_t hi = r >> (s / 2);
  int64_t lo = r & ((int64_t(1) << (s / 2)) - 1);
  if (s % 2)
    lo *= 2;
  int64_t q = (a >> s) + (hi > lo ? 1 : 0);
  return x < 0 ? -q : q;
}

TEST(QNNArithmetic, RoundingDivideMatchesNaiveNearest) {
  for (int64_t d = 1; d <= 17; ++d)
    for (int64_t n = -200; n <= 200; ++n) {
      EXPECT_EQ(roundingDivide(n, d, RoundingMode::nearest_even),
                naiveNearest(n, d, true))
          << n << "/" << d;
      EXPECT_EQ(roundingDivide(n, d, RoundingMode::half_away),
                naiveNearest(n, d, false))
          << n << "/" << d;
    }
}

TEST(QNNArithmetic, Ties) {
  EXPECT_EQ(roundingDivide(5, 2, RoundingMode::nearest_even), 2);
  EXPECT_EQ(roundingDivide(7, 2, RoundingMode::nearest_even), 4);
  EXPECT_EQ(roundingDivide(-5, 2, RoundingMode::nearest_even), -2);
  EXPECT_EQ(roundingDivide(5, 2, RoundingMode::half_away), 3);
  EXPECT_EQ(roundingDivide(-5, 2, RoundingMode::half_away), -3);
}

TEST(QNNArithmetic, PseudoStochasticMatchesTheAlgorithm) {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int64_t> values(-(1ll << 40), 1ll << 40);
  for (int s = 0; s <= 30; ++s)
    for (int i = 0; i < 2000; ++i) {
      int64_t x = values(random);
      EXPECT_EQ(
          roundingDivide(x, __int128(1) << s, RoundingMode::pseudo_stochastic),
          naivePseudoStochastic(x, s))
          << x << " >> " << s;
    }
}

TEST(QNNArithmetic, PseudoStochasticIsNearlyUnbiased) {
  // Averaged over all residues, the mean error against the exact quotient
  // stays within 0.1 LSB once a few bits are discarded (with 2 or 3 bits it
  // is up to 1/8 LSB, too few bits to split into two halves).
  for (int s = 4; s <= 12; ++s) {
    double error = 0;
    int64_t count = 0;
    for (int64_t x = 0; x < (int64_t(1) << s) * 8; ++x, ++count)
      error +=
          roundingDivide(x, __int128(1) << s, RoundingMode::pseudo_stochastic) -
          std::ldexp(double(x), -s);
    EXPECT_LT(std::fabs(error / count), 0.1) << "shift " << s;
  }
}

TEST(QNNArithmetic, RequantizeSaturatesAndClamps) {
  EXPECT_EQ(requantize(1000, 1, 0, RoundingMode::nearest_even, 0), 127);
  EXPECT_EQ(requantize(-1000, 1, 0, RoundingMode::nearest_even, 0), -128);
  EXPECT_EQ(requantize(-129, 1, 0, RoundingMode::nearest_even, 0), -128);
  EXPECT_EQ(requantize(-128, 1, 0, RoundingMode::nearest_even, 0), -128);
  // A ReLU6-like clamp and a zero point.
  EXPECT_EQ(requantize(-50, 1, 1, RoundingMode::nearest_even, -10, -10, 50),
            -10);
  EXPECT_EQ(requantize(200, 1, 1, RoundingMode::nearest_even, -10, -10, 50),
            50);
  // Left shifts multiply, and extreme accumulators do not wrap around.
  EXPECT_EQ(requantize(3, 1, -2, RoundingMode::nearest_even, 0), 12);
  EXPECT_EQ(requantize(INT32_MIN, INT32_MAX, -31, RoundingMode::half_away, 0),
            -128);
  EXPECT_EQ(requantize(INT32_MAX, INT32_MAX, 62, RoundingMode::half_away, 0),
            1);
}

TEST(QNNArithmetic, FixedPointMultiplierIsAccurate) {
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> exponents(-30, 20);
  for (int i = 0; i < 10000; ++i) {
    double real = std::exp2(exponents(random));
    auto fixed = getFixedPointMultiplier(real);
    ASSERT_TRUE(fixed.has_value());
    EXPECT_GE(fixed->multiplier, 1 << 30);
    EXPECT_GE(fixed->shift, -31);
    EXPECT_LE(fixed->shift, 62);
    double represented = std::ldexp(double(fixed->multiplier), -fixed->shift);
    EXPECT_LE(std::fabs(represented - real) / real, std::ldexp(1.0, -30))
        << real;
  }
  // 1 - 2^-33 rounds up to 2^31, which is renormalized.
  auto almostOne = getFixedPointMultiplier(1.0 - std::ldexp(1.0, -33));
  ASSERT_TRUE(almostOne.has_value());
  EXPECT_EQ(almostOne->multiplier, 1 << 30);
  EXPECT_EQ(almostOne->shift, 30);
  EXPECT_FALSE(getFixedPointMultiplier(0.0).has_value());
  EXPECT_FALSE(getFixedPointMultiplier(-1.0).has_value());
  EXPECT_FALSE(getFixedPointMultiplier(NAN).has_value());
}

TEST(QNNArithmetic, FixedPointRequantizeMatchesRealRescale) {
  // With a 31-bit multiplier the integer rescale equals rounding the exact
  // real product except where the real lies within 2^-30 relative of a tie.
  std::mt19937_64 random(3);
  std::uniform_int_distribution<int32_t> accumulators(-(1 << 20), 1 << 20);
  std::uniform_real_distribution<double> exponents(-16, -2);
  int mismatches = 0;
  for (int i = 0; i < 100000; ++i) {
    double real = std::exp2(exponents(random));
    int32_t acc = accumulators(random);
    auto fixed = getFixedPointMultiplier(real);
    int64_t integer = rescale(acc, fixed->multiplier, fixed->shift,
                              RoundingMode::nearest_even);
    long double exact = static_cast<long double>(acc) * real;
    int64_t expected = static_cast<int64_t>(std::nearbyintl(exact));
    mismatches += integer != expected;
  }
  EXPECT_LE(mismatches, 5);
}

/// `round(float(acc) * scale)` in the machine's float32 arithmetic, one
/// multiply rounded on its own (no fused multiply-add).
int64_t floatRequantize(int32_t acc, float scale) {
  volatile float converted = static_cast<float>(acc);
  volatile float product = converted * scale;
  return static_cast<int64_t>(std::nearbyint(product));
}

TEST(QNNArithmetic, Float32RoundingMatchesFloatArithmetic) {
  // Any float32 scale is an exact 31-bit multiplier and shift; `float32`
  // rounding must then give the float computation's result bit for bit,
  // near-ties included, also for accumulators beyond float's 2^24.
  std::mt19937_64 random(5);
  std::uniform_int_distribution<int32_t> small(-(1 << 20), 1 << 20);
  std::uniform_int_distribution<int32_t> large(INT32_MIN, INT32_MAX);
  std::uniform_real_distribution<double> exponents(-20, 0);
  int differFromExact = 0;
  for (int i = 0; i < 200000; ++i) {
    auto scale = static_cast<float>(std::exp2(exponents(random)));
    int32_t acc = i % 4 == 0 ? large(random) : small(random);
    // Near-ties: an accumulator that puts the product close to k + 0.5.
    if (i % 4 == 1) {
      double k = std::floor(acc * static_cast<double>(scale));
      acc = static_cast<int32_t>(std::llround((k + 0.5) / scale));
    }
    auto fixed = getFixedPointMultiplier(scale);
    ASSERT_TRUE(fixed.has_value());
    ASSERT_EQ(std::ldexp(static_cast<double>(fixed->multiplier), -fixed->shift),
              static_cast<double>(scale));
    int64_t expected = floatRequantize(acc, scale);
    EXPECT_EQ(
        rescale(acc, fixed->multiplier, fixed->shift, RoundingMode::float32),
        expected)
        << acc << " * " << scale;
    differFromExact += rescale(acc, fixed->multiplier, fixed->shift,
                               RoundingMode::nearest_even) != expected;
  }
  // The near-tie accumulators make the two roundings differ visibly.
  EXPECT_GT(differFromExact, 100);
}

TEST(QNNArithmetic, RoundToFloat32Precision) {
  EXPECT_EQ(roundToFloat32Precision(0), 0);
  EXPECT_EQ(roundToFloat32Precision((1 << 24) - 1), (1 << 24) - 1);
  // 2^24 + 1 is a tie between 2^24 and 2^24 + 2: to even.
  EXPECT_EQ(roundToFloat32Precision((1 << 24) + 1), 1 << 24);
  EXPECT_EQ(roundToFloat32Precision((1 << 24) + 3), (1 << 24) + 4);
  EXPECT_EQ(roundToFloat32Precision(-((1 << 24) + 3)), -((1 << 24) + 4));
  EXPECT_EQ(roundToFloat32Precision(INT32_MAX), __int128(1) << 31);
}

TEST(QNNArithmetic, PowerOfTwoShift) {
  EXPECT_EQ(getPowerOfTwoShift(0.25), 2);
  EXPECT_EQ(getPowerOfTwoShift(8.0), -3);
  EXPECT_EQ(getPowerOfTwoShift(0.3), 2);
  EXPECT_FALSE(getPowerOfTwoShift(0.0).has_value());
}

} // namespace
