//===- HLSArithTest.cpp - the HLS arithmetic header against qnn's ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// whittle_hls_arith.h (lib/Target/HLSCpp/runtime), the 64-bit integer math
// that emitted FPGA designs carry, must equal QNNArithmetic.h (computed in
// __int128) and the CPU lowering's formulas bit for bit: on the edge cases
// (saturation at both ends, -128, ties in every rounding mode, shifts 0, 1,
// 31, 62 and negative, multipliers 2^30 and 2^31 - 1, INT32_MIN/MAX) and on
// a million random inputs per function (fixed seeds), drawn with random bit
// widths so that small and large magnitudes are both common.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNArithmetic.h"

#include "whittle_hls_arith.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace qnn = whittle::qnn;
namespace hls = whittle_hls;

namespace {

constexpr int kRandomCases = 1000000;

hls::RoundingMode toHls(qnn::RoundingMode mode) {
  return static_cast<hls::RoundingMode>(static_cast<int>(mode));
}

constexpr qnn::RoundingMode kAllModes[] = {
    qnn::RoundingMode::nearest_even, qnn::RoundingMode::half_away,
    qnn::RoundingMode::pseudo_stochastic, qnn::RoundingMode::float32};
/// Modes of the ops that round a power-of-two division (add, mul, concat,
/// resize): all but float32, which only qnn.requantize takes.
constexpr qnn::RoundingMode kShiftModes[] = {
    qnn::RoundingMode::nearest_even, qnn::RoundingMode::half_away,
    qnn::RoundingMode::pseudo_stochastic};
/// Modes of the ops that divide by a count or a sum (pools, softmax).
constexpr qnn::RoundingMode kDivisionModes[] = {qnn::RoundingMode::nearest_even,
                                                qnn::RoundingMode::half_away};

/// Random numbers of a random bit width: uniform over magnitudes' widths
/// first, so that 3 and 2^61 are both drawn often.
struct Rescale;

class Random {
public:
  explicit Random(uint64_t seed) : generator(seed) {}

  /// A value of magnitude below 2^bits, bits uniform in [0, maxBits],
  /// with a random sign when `signedValue`.
  int64_t wide(int maxBits, bool signedValue = true) {
    int bits = std::uniform_int_distribution<int>(0, maxBits)(generator);
    uint64_t mask = bits == 0 ? 0 : ~uint64_t(0) >> (64 - bits);
    auto value = static_cast<int64_t>(generator() & mask & (~uint64_t(0) >> 1));
    return signedValue && (generator() & 1) ? -value : value;
  }
  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(generator);
  }
  int8_t int8() { return static_cast<int8_t>(uniform(-128, 127)); }
  template <size_t n> qnn::RoundingMode pick(const qnn::RoundingMode (&m)[n]) {
    return m[uniform(0, n - 1)];
  }
  template <size_t n> Rescale rescale(const qnn::RoundingMode (&modes)[n]);

  std::mt19937_64 generator;
};

/// The parameters of a rescaling op's output: a positive multiplier, a
/// shift in [-31, 62], a rounding mode, the output zero point and a
/// non-empty clamp inside i8.
struct Rescale {
  int32_t multiplier, shift;
  qnn::RoundingMode mode;
  int32_t zp, min, max;
  hls::RoundingMode hlsMode() const { return toHls(mode); }
};

/// A random Rescale with a mode out of `modes`.
template <size_t n>
Rescale Random::rescale(const qnn::RoundingMode (&modes)[n]) {
  Rescale r;
  r.multiplier = static_cast<int32_t>(std::max<int64_t>(1, wide(31, false)));
  r.shift = static_cast<int32_t>(uniform(-31, 62));
  r.mode = pick(modes);
  r.zp = static_cast<int32_t>(uniform(-128, 127));
  r.min = static_cast<int32_t>(uniform(-128, 127));
  r.max = static_cast<int32_t>(uniform(r.min, 127));
  if (uniform(0, 1)) { // the full clamp, the common case
    r.min = -128;
    r.max = 127;
  }
  return r;
}

/// Shifts worth testing one by one: both ends of [-31, 62], 0 and 1, and
/// the 31/32 boundary of a 31-bit multiplier.
constexpr int32_t kShifts[] = {-31, -30, -17, -2, -1, 0,  1,  2,  3,
                               15,  16,  30,  31, 32, 33, 40, 61, 62};
/// Multipliers: 1 (NITI), small, 2^30 (the normalized minimum), 2^31 - 1
/// (the maximum) and one in between.
constexpr int64_t kMultipliers[] = {1, 3, 1 << 30, 1518500250, INT32_MAX};
/// Accumulators: the i32 extremes, small values (ties for small shifts),
/// the i8 extremes, powers of two and their neighbours.
std::vector<int64_t> edgeAccumulators() {
  std::vector<int64_t> values = {
      INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, -128, 127, 128, -129};
  for (int64_t v = -9; v <= 9; ++v)
    values.push_back(v);
  for (int bits = 1; bits <= 30; bits += 3)
    for (int64_t d = -1; d <= 1; ++d) {
      values.push_back((int64_t(1) << bits) + d);
      values.push_back(-(int64_t(1) << bits) + d);
      values.push_back((int64_t(3) << (bits - 1)) + d); // ties of shift bits
      values.push_back(-(int64_t(3) << (bits - 1)) + d);
    }
  return values;
}

//===----------------------------------------------------------------------===//
// QNNArithmetic.h's functions
//===----------------------------------------------------------------------===//

TEST(HLSArith, RoundingModesMatchQNN) {
  EXPECT_EQ(static_cast<int>(hls::RoundingMode::nearest_even),
            static_cast<int>(qnn::RoundingMode::nearest_even));
  EXPECT_EQ(static_cast<int>(hls::RoundingMode::half_away),
            static_cast<int>(qnn::RoundingMode::half_away));
  EXPECT_EQ(static_cast<int>(hls::RoundingMode::pseudo_stochastic),
            static_cast<int>(qnn::RoundingMode::pseudo_stochastic));
  EXPECT_EQ(static_cast<int>(hls::RoundingMode::float32),
            static_cast<int>(qnn::RoundingMode::float32));
}

void expectRoundingDivide(int64_t n, int64_t d, qnn::RoundingMode mode) {
  ASSERT_EQ(hls::roundingDivide(n, d, toHls(mode)),
            qnn::roundingDivide(n, d, mode))
      << n << " / " << d << " mode " << static_cast<int>(mode);
}

TEST(HLSArith, RoundingDivideEdges) {
  const int64_t numerators[] = {
      0,         1,         -1,        2,         -2,          3,
      -3,        5,         -5,        7,         -7,          INT64_MAX,
      INT64_MIN, INT32_MAX, INT32_MIN, 1ll << 62, -(1ll << 62)};
  const int64_t denominators[] = {
      1, 2, 3, 4, 7, 8, 1ll << 31, INT32_MAX, 1ll << 62, INT64_MAX};
  for (int64_t n : numerators)
    for (int64_t d : denominators)
      for (qnn::RoundingMode mode : kAllModes) {
        if (mode == qnn::RoundingMode::pseudo_stochastic && (d & (d - 1)))
          continue;
        expectRoundingDivide(n, d, mode);
      }
  // Ties in each mode: 5/2 and -5/2 (even: 2, away: 3).
  EXPECT_EQ(hls::roundingDivide(5, 2, hls::RoundingMode::nearest_even), 2);
  EXPECT_EQ(hls::roundingDivide(-5, 2, hls::RoundingMode::half_away), -3);
  EXPECT_EQ(hls::roundingDivide(-7, 2, hls::RoundingMode::nearest_even), -4);
}

TEST(HLSArith, RoundingDivideRandom) {
  Random random(1);
  for (int i = 0; i < kRandomCases; ++i) {
    int64_t n = random.wide(63);
    int64_t d = std::max<int64_t>(1, random.wide(63, false));
    qnn::RoundingMode mode = random.pick(kAllModes);
    if (mode == qnn::RoundingMode::pseudo_stochastic)
      d = int64_t(1) << random.uniform(0, 62);
    expectRoundingDivide(n, d, mode);
  }
}

// The count of significant bits (a leading-zero count on the host and the
// GPU, a priority encoder in synthesis) against counting them one by one:
// 0, every power of two, its neighbours and the largest value.
TEST(HLSArith, BitWidth) {
  auto naive = [](uint64_t value) {
    int bits = 0;
    while (value) {
      ++bits;
      value >>= 1;
    }
    return bits;
  };
  std::vector<uint64_t> values = {0, std::numeric_limits<uint64_t>::max()};
  for (int i = 0; i < 64; ++i) {
    uint64_t power = uint64_t(1) << i;
    values.insert(values.end(), {power, power - 1, power + 1});
  }
  std::mt19937_64 random(5);
  for (int i = 0; i < 100000; ++i)
    values.push_back(random() >> (random() % 64));
  for (uint64_t value : values)
    EXPECT_EQ(whittle_hls::detail::bitWidth(value), naive(value)) << value;
}

TEST(HLSArith, RoundToFloat32Precision) {
  std::vector<int64_t> values = {0, 1, -1, INT32_MAX, INT32_MIN, INT64_MIN};
  for (int bits = 24; bits <= 62; ++bits)
    for (int64_t d = -2; d <= 2; ++d) {
      int64_t power = int64_t(1) << bits;
      values.push_back(power + d);
      values.push_back(-power - d);
      // Ties: the first dropped bit set, the others clear.
      int64_t tie = power + (power >> 24) * (2 * d + 1);
      values.push_back(tie);
      values.push_back(-tie);
    }
  values.push_back(INT64_MAX - (int64_t(1) << 38)); // below the overflow
  for (int64_t v : values)
    ASSERT_EQ(hls::roundToFloat32Precision(v),
              static_cast<int64_t>(qnn::roundToFloat32Precision(v)))
        << v;
  Random random(2);
  for (int i = 0; i < kRandomCases; ++i) {
    int64_t v = random.wide(62);
    ASSERT_EQ(hls::roundToFloat32Precision(v),
              static_cast<int64_t>(qnn::roundToFloat32Precision(v)))
        << v;
  }
}

void expectRescale(int64_t value, int64_t multiplier, int32_t shift,
                   qnn::RoundingMode mode) {
  ASSERT_EQ(hls::rescale(value, multiplier, shift, toHls(mode)),
            qnn::rescale(value, multiplier, shift, mode))
      << value << " * " << multiplier << " >> " << shift << " mode "
      << static_cast<int>(mode);
}

TEST(HLSArith, RescaleEdges) {
  for (int64_t value : edgeAccumulators())
    for (int64_t multiplier : kMultipliers)
      for (int32_t shift : kShifts)
        for (qnn::RoundingMode mode : kAllModes)
          expectRescale(value, multiplier, shift, mode);
  // add's sums (multiplier 1) up to 2^40, and left shifts past int64.
  for (int64_t value : {(int64_t(1) << 40) - 1, -(int64_t(1) << 40) + 1,
                        int64_t(1) << 39, (int64_t(3) << 38)})
    for (int32_t shift : kShifts)
      for (qnn::RoundingMode mode : kShiftModes)
        expectRescale(value, 1, shift, mode);
  // Products at the 2^62 limit, saturating any left shift.
  expectRescale(int64_t(1) << 31, int64_t(1) << 31, -1,
                qnn::RoundingMode::nearest_even);
  expectRescale(-(int64_t(1) << 31), int64_t(1) << 31, -1,
                qnn::RoundingMode::nearest_even);
  expectRescale(-(int64_t(1) << 31), int64_t(1) << 31, 62,
                qnn::RoundingMode::half_away);
}

TEST(HLSArith, RescaleLeftShiftSaturation) {
  // Products that land exactly on, just inside and just outside int64
  // after the left shift, on both sides.
  for (int32_t left = 0; left <= 63; ++left)
    for (int64_t d = -1; d <= 1; ++d) {
      int64_t top = (INT64_MAX >> left) + d;
      int64_t bottom = -static_cast<int64_t>((uint64_t(1) << 63) >> left) + d;
      for (int64_t value : {top, bottom, -top})
        if (value >= -(int64_t(1) << 62) && value <= (int64_t(1) << 62))
          for (qnn::RoundingMode mode : kShiftModes)
            expectRescale(value, 1, -left, mode);
    }
  expectRescale(int64_t(1) << 62, 1, -64, qnn::RoundingMode::nearest_even);
  expectRescale(-1, 1, -63, qnn::RoundingMode::nearest_even);
}

TEST(HLSArith, RescaleTies) {
  // (2k + 1) 2^(s-1) / 2^s is a tie: to even, away from zero, and NITI's
  // rule (upper half of the discarded bits against the lower half).
  for (int32_t shift = 1; shift <= 62; ++shift)
    for (int64_t k = -4; k <= 4; ++k) {
      int64_t value = (2 * k + 1) * (int64_t(1) << (shift - 1));
      for (qnn::RoundingMode mode : kShiftModes)
        expectRescale(value, 1, shift, mode);
      if (shift <= 28) // float32's range: |value| <= 2^31
        expectRescale(value, 1, shift, qnn::RoundingMode::float32);
    }
  EXPECT_EQ(hls::rescale(3, 1, 1, hls::RoundingMode::nearest_even), 2);
  EXPECT_EQ(hls::rescale(5, 1, 1, hls::RoundingMode::nearest_even), 2);
  EXPECT_EQ(hls::rescale(5, 1, 1, hls::RoundingMode::half_away), 3);
  EXPECT_EQ(hls::rescale(-5, 1, 1, hls::RoundingMode::half_away), -3);
}

TEST(HLSArith, RescaleRandom) {
  Random random(3);
  for (int i = 0; i < kRandomCases; ++i) {
    qnn::RoundingMode mode = random.pick(kAllModes);
    auto shift = static_cast<int32_t>(random.uniform(-31, 62));
    if (mode != qnn::RoundingMode::float32 && i % 4 == 0) {
      // add's sums: up to 2^40 with multiplier 1.
      expectRescale(random.wide(40), 1, shift, mode);
      continue;
    }
    int64_t value = random.wide(31);
    if (i % 8 == 1)
      value = random.uniform(INT32_MIN, INT32_MAX);
    int64_t multiplier = std::max<int64_t>(1, random.wide(31, false));
    expectRescale(value, multiplier, shift, mode);
  }
}

/// `round(float(acc) * scale)` in float32 arithmetic, one rounding per
/// operation (no fused multiply-add).
int64_t floatRequantize(int32_t acc, float scale) {
  volatile float converted = static_cast<float>(acc);
  volatile float product = converted * scale;
  return static_cast<int64_t>(std::nearbyint(product));
}

TEST(HLSArith, Float32RescaleIsFloatArithmetic) {
  // What ONNX Runtime-quantized models compute: a float32 scale as an
  // exact 31-bit multiplier and shift, rounded as float32 would.
  Random random(4);
  std::uniform_real_distribution<double> exponents(-20, 0);
  for (int i = 0; i < kRandomCases / 4; ++i) {
    auto scale = static_cast<float>(std::exp2(exponents(random.generator)));
    auto acc = static_cast<int32_t>(random.wide(31));
    if (i % 4 == 1) { // near-ties: the product close to k + 0.5
      double k = std::floor(acc * static_cast<double>(scale));
      acc = static_cast<int32_t>(std::llround((k + 0.5) / scale));
    }
    auto fixed = qnn::getFixedPointMultiplier(scale);
    ASSERT_TRUE(fixed.has_value());
    ASSERT_EQ(hls::rescale(acc, fixed->multiplier, fixed->shift,
                           hls::RoundingMode::float32),
              floatRequantize(acc, scale))
        << acc << " * " << scale;
  }
}

void expectRequantize(int64_t acc, int32_t multiplier, int32_t shift,
                      qnn::RoundingMode mode, int32_t zeroPoint, int32_t min,
                      int32_t max) {
  ASSERT_EQ(
      hls::requantize(acc, multiplier, shift, toHls(mode), zeroPoint, min, max),
      qnn::requantize(acc, multiplier, shift, mode, zeroPoint, min, max))
      << acc << " * " << multiplier << " >> " << shift << " mode "
      << static_cast<int>(mode) << " + " << zeroPoint << " in [" << min << ", "
      << max << "]";
}

TEST(HLSArith, RequantizeEdges) {
  const int32_t zeroPoints[] = {-128, 0, 127};
  for (int64_t acc : edgeAccumulators())
    for (int64_t multiplier : kMultipliers)
      for (int32_t shift : kShifts)
        for (qnn::RoundingMode mode : kAllModes)
          for (int32_t zp : zeroPoints) {
            expectRequantize(acc, static_cast<int32_t>(multiplier), shift, mode,
                             zp, -128, 127);
            expectRequantize(acc, static_cast<int32_t>(multiplier), shift, mode,
                             zp, 0, 6); // ReLU6-like
          }
  // Saturation at both ends, -128 itself.
  EXPECT_EQ(hls::requantize(INT32_MIN, INT32_MAX, -31,
                            hls::RoundingMode::half_away, 0),
            -128);
  EXPECT_EQ(hls::requantize(INT32_MAX, INT32_MAX, -31,
                            hls::RoundingMode::nearest_even, 127),
            127);
  EXPECT_EQ(hls::requantize(-128, 1, 0, hls::RoundingMode::nearest_even, 0),
            -128);
  EXPECT_EQ(hls::requantize(-129, 1, 0, hls::RoundingMode::nearest_even, 0),
            -128);
  EXPECT_EQ(hls::requantize(INT32_MIN, INT32_MAX, -31,
                            hls::RoundingMode::float32, 0, -128, 127),
            -128);
}

TEST(HLSArith, RequantizeRandom) {
  Random random(5);
  for (int i = 0; i < kRandomCases; ++i) {
    int64_t acc =
        i % 4 == 0 ? random.uniform(INT32_MIN, INT32_MAX) : random.wide(31);
    Rescale r = random.rescale(kAllModes);
    if (i % 3 == 0) // gemmlowp's normalized multipliers
      r.multiplier = static_cast<int32_t>(random.uniform(1 << 30, INT32_MAX));
    expectRequantize(acc, r.multiplier, r.shift, r.mode, r.zp, r.min, r.max);
  }
}

//===----------------------------------------------------------------------===//
// Divisions: average pools and softmax
//===----------------------------------------------------------------------===//

/// The reference quotient: QNNArithmetic's roundingDivide of the exact
/// numerator and divisor (as the qnn lowering tests compute them).
int64_t referenceQuotient(int64_t dividend, int64_t divisor, int32_t multiplier,
                          int32_t shift, qnn::RoundingMode mode) {
  __int128 numerator = __int128(dividend) * multiplier;
  if (shift < 0)
    numerator *= __int128(1) << -shift;
  __int128 denominator = __int128(divisor) << std::max(shift, 0);
  return qnn::roundingDivide(numerator, denominator, mode);
}

/// An average's or a softmax entry's output: the reference quotient, then
/// the output stage.
int8_t referenceDivision(int64_t dividend, int64_t divisor, const Rescale &r) {
  int64_t value =
      referenceQuotient(dividend, divisor, r.multiplier, r.shift, r.mode);
  return static_cast<int8_t>(std::clamp<int64_t>(
      std::clamp<int64_t>(value, INT32_MIN, INT32_MAX) + r.zp, r.min, r.max));
}

void expectScaledDivide(int64_t dividend, int64_t divisor, int32_t multiplier,
                        int32_t shift, qnn::RoundingMode mode) {
  ASSERT_EQ(
      hls::scaledDivide(dividend, divisor, multiplier, shift, toHls(mode)),
      referenceQuotient(dividend, divisor, multiplier, shift, mode))
      << dividend << " * " << multiplier << " / (" << divisor << " << " << shift
      << ") mode " << static_cast<int>(mode);
}

TEST(HLSArith, ScaledDivideEdges) {
  const int64_t dividends[] = {0,        1,         -1,        2,      -2,
                               3,        -3,        127,       -128,   255 * 9,
                               -255 * 9, INT32_MAX, INT32_MIN, 1 << 24};
  const int64_t divisors[] = {
      1, 2, 3, 9, 21, 1 << 24, INT32_MAX, 1ll << 40, (1ll << 62) - 1};
  for (int64_t dividend : dividends)
    for (int64_t divisor : divisors)
      for (int64_t multiplier : kMultipliers)
        for (int32_t shift : kShifts)
          for (qnn::RoundingMode mode : kDivisionModes)
            expectScaledDivide(dividend, divisor,
                               static_cast<int32_t>(multiplier), shift, mode);
  // Exact ties of the split division: remainder r1 2^s + r0 = d 2^(s-1).
  for (int32_t shift = 0; shift <= 40; ++shift)
    for (int64_t divisor : {1, 3, 5, 9, 25})
      for (int64_t q = 0; q < 4; ++q) {
        // dividend = (2q + 1) d 2^s / 2 when that is an integer.
        __int128 twice = __int128(2 * q + 1) * divisor << shift;
        if (twice % 2 != 0 || twice / 2 > INT32_MAX)
          continue;
        auto dividend = static_cast<int64_t>(twice / 2);
        for (qnn::RoundingMode mode : kDivisionModes) {
          expectScaledDivide(dividend, divisor, 1, shift, mode);
          expectScaledDivide(-dividend, divisor, 1, shift, mode);
        }
      }
}

TEST(HLSArith, ScaledDivideRandom) {
  Random random(6);
  for (int i = 0; i < kRandomCases; ++i) {
    int64_t dividend = random.wide(31);
    int64_t divisor = std::max<int64_t>(1, random.wide(62, false));
    if (i % 2 == 0) // small divisors: pool windows
      divisor = random.uniform(1, 64);
    Rescale r = random.rescale(kDivisionModes);
    expectScaledDivide(dividend, divisor, r.multiplier, r.shift, r.mode);
  }
}

TEST(HLSArith, AvgPoolRandom) {
  Random random(7);
  for (int i = 0; i < kRandomCases; ++i) {
    int64_t count = random.uniform(1, i % 2 ? 9 : 50176);
    auto sum = static_cast<int32_t>(random.uniform(-255 * count, 255 * count));
    if (i % 16 == 0) // windows of -128s or 127s against an extreme zp
      sum = static_cast<int32_t>((i % 32 ? 255 : -255) * count);
    Rescale r = random.rescale(kDivisionModes);
    int8_t expected = referenceDivision(sum, count, r);
    ASSERT_EQ(hls::avgPool(sum, count, r.multiplier, r.shift, r.hlsMode(), r.zp,
                           r.min, r.max),
              expected)
        << sum << " / " << count;
    ASSERT_EQ(hls::globalAvgPool(sum, count, r.multiplier, r.shift, r.hlsMode(),
                                 r.zp, r.min, r.max),
              expected)
        << sum << " / " << count;
  }
}

TEST(HLSArith, SoftmaxExpTable) {
  Random random(8);
  std::uniform_real_distribution<double> exponents(-12, 3);
  int32_t table[256];
  for (int i = 0; i < kRandomCases / 256; ++i) {
    double scale = std::exp2(exponents(random.generator));
    hls::getSoftmaxExpTable(scale, table);
    llvm::SmallVector<int32_t> expected = qnn::getSoftmaxExpTable(scale);
    ASSERT_EQ(std::vector<int32_t>(table, table + 256),
              std::vector<int32_t>(expected.begin(), expected.end()))
        << scale;
  }
}

TEST(HLSArith, SoftmaxRandom) {
  // Rows of random length over tables of random scale and format (the
  // quantizer's 2^24 units, or coarser ones as in the lowering tests).
  Random random(9);
  std::uniform_real_distribution<double> exponents(-10, 1);
  int32_t table[256];
  int cases = 0;
  while (cases < kRandomCases) {
    hls::getSoftmaxExpTable(std::exp2(exponents(random.generator)), table);
    int drop = static_cast<int>(random.uniform(0, 20));
    for (int32_t &entry : table)
      entry >>= drop;
    if (table[0] == 0)
      continue;
    std::vector<int8_t> row(random.uniform(1, 1000));
    for (int8_t &x : row)
      x = random.uniform(0, 9) ? random.int8()
                               : (random.uniform(0, 1) ? 127 : -128);
    int8_t maximum = *std::max_element(row.begin(), row.end());
    int64_t sum = 0;
    for (int8_t x : row) {
      ASSERT_EQ(hls::softmaxExp(table, maximum, x), table[maximum - x]);
      sum += hls::softmaxExp(table, maximum, x);
    }
    Rescale r = random.rescale(kDivisionModes);
    for (int8_t x : row) {
      int32_t e = table[maximum - x];
      ASSERT_EQ(hls::softmax(e, sum, r.multiplier, r.shift, r.hlsMode(), r.zp,
                             r.min, r.max),
                referenceDivision(e, sum, r))
          << e << " / " << sum << " * " << r.multiplier << " >> " << r.shift;
    }
    cases += row.size();
  }
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

TEST(HLSArith, AddMulConcatRandom) {
  Random random(10);
  for (int i = 0; i < kRandomCases; ++i) {
    int8_t a = random.int8(), b = random.int8();
    if (i % 8 == 0)
      a = -128, b = i % 16 ? 127 : -128;
    auto az = static_cast<int32_t>(random.uniform(-128, 127));
    auto bz = static_cast<int32_t>(random.uniform(-128, 127));
    // qnn.add's multipliers are signed, INT32_MIN included.
    auto am = static_cast<int32_t>(random.wide(31));
    auto bm = static_cast<int32_t>(random.wide(31));
    if (i % 64 == 0)
      am = INT32_MIN, bm = i % 128 ? INT32_MIN : INT32_MAX;
    Rescale r = random.rescale(kShiftModes);
    // qnn.requantize's reference of `value` with multiplier `m`.
    auto reference = [&](int64_t value, int32_t m) {
      return static_cast<int8_t>(
          qnn::requantize(value, m, r.shift, r.mode, r.zp, r.min, r.max));
    };
    int64_t av = int64_t(a) - az, bv = int64_t(b) - bz;
    ASSERT_EQ(hls::add(a, b, az, bz, am, bm, r.shift, r.hlsMode(), r.zp, r.min,
                       r.max),
              reference(av * am + bv * bm, 1))
        << int(a) << " + " << int(b);
    ASSERT_EQ(hls::mul(a, b, az, bz, r.multiplier, r.shift, r.hlsMode(), r.zp,
                       r.min, r.max),
              reference(av * bv, r.multiplier))
        << int(a) << " * " << int(b);
    ASSERT_EQ(hls::concat(a, az, r.multiplier, r.shift, r.hlsMode(), r.zp,
                          r.min, r.max),
              reference(av, r.multiplier))
        << int(a);
  }
  // A concat input already on the output's scale passes through.
  for (int x = -128; x <= 127; ++x)
    EXPECT_EQ(hls::concat(static_cast<int8_t>(x), -3, 1, 0,
                          hls::RoundingMode::pseudo_stochastic, -3, -128, 127),
              x);
}

TEST(HLSArith, LookupTable) {
  Random random(11);
  int8_t table[256];
  for (int i = 0; i < kRandomCases / 256; ++i) {
    for (int8_t &entry : table)
      entry = random.int8();
    for (int x = -128; x <= 127; ++x)
      ASSERT_EQ(hls::lut(table, static_cast<int8_t>(x)), table[x + 128]);
  }
}

/// The CPU lowering's quantize (BoundaryToLinalg.cpp): f32 division, round
/// half to even, clamp to +-2^17 (NaN to the low end: maxnumf), zero
/// point, clamp to i8.
int8_t referenceQuantize(float x, float scale, int32_t zp) {
  float q = std::nearbyint(x / scale);
  q = std::isnan(q) ? -131072.0f : std::clamp(q, -131072.0f, 131072.0f);
  return static_cast<int8_t>(
      std::clamp<int32_t>(static_cast<int32_t>(q) + zp, -128, 127));
}

TEST(HLSArith, Quantize) {
  const float specials[] = {0.0f,
                            -0.0f,
                            0.5f,
                            -0.5f,
                            1.5f,
                            -1.5f,
                            2.5f,
                            -2.5f,
                            126.5f,
                            127.5f,
                            -128.5f,
                            -127.5f,
                            1e6f,
                            -1e6f,
                            3e38f,
                            -3e38f,
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::denorm_min()};
  const float scales[] = {1.0f, 0.5f, 0.0235f, 1e-30f, 3e30f};
  for (float x : specials)
    for (float scale : scales)
      for (int32_t zp : {-128, -1, 0, 3, 127})
        ASSERT_EQ(hls::quantize(x, scale, zp), referenceQuantize(x, scale, zp))
            << x << " / " << scale << " + " << zp;
  EXPECT_EQ(hls::quantize(std::numeric_limits<float>::quiet_NaN(), 1.0f, 127),
            -128);
  Random random(12);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_real_distribution<double> exponents(-12, 2);
  for (int i = 0; i < kRandomCases; ++i) {
    auto scale = static_cast<float>(std::exp2(exponents(random.generator)));
    float x = unit(random.generator) * scale * 300.0f;
    if (i % 4 == 0) { // exact ties k + 0.5 (scale a power of two)
      scale = std::exp2(static_cast<float>(random.uniform(-10, 2)));
      x = (static_cast<float>(random.uniform(-300, 300)) + 0.5f) * scale;
    }
    auto zp = static_cast<int32_t>(random.uniform(-128, 127));
    ASSERT_EQ(hls::quantize(x, scale, zp), referenceQuantize(x, scale, zp))
        << x << " / " << scale << " + " << zp;
  }
}

TEST(HLSArith, Dequantize) {
  Random random(13);
  std::uniform_real_distribution<double> exponents(-20, 0);
  auto bits = [](float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
  };
  for (int i = 0; i < kRandomCases; ++i) {
    // i8 inputs with i8 zero points; i32 accumulators with any i32 one.
    bool accumulator = i % 2;
    auto x = static_cast<int32_t>(
        accumulator ? random.uniform(INT32_MIN, INT32_MAX) : random.int8());
    auto zp =
        static_cast<int32_t>(accumulator ? random.uniform(INT32_MIN, INT32_MAX)
                                         : random.uniform(-128, 127));
    if (i % 64 == 0)
      x = accumulator ? INT32_MIN : -128, zp = accumulator ? INT32_MAX : 127;
    auto scale = static_cast<float>(std::exp2(exponents(random.generator)));
    float expected = static_cast<float>(int64_t(x) - zp) * scale;
    ASSERT_EQ(bits(hls::dequantize(x, scale, zp)), bits(expected))
        << x << " - " << zp << " * " << scale;
  }
}

TEST(HLSArith, ResizeWeightsSumToOne) {
  int64_t weights[2];
  const double quarter[] = {0.25, 0.75};
  hls::resizeWeights(quarter, 2, 10, weights);
  EXPECT_EQ(weights[0], 256);
  EXPECT_EQ(weights[1], 768);
  const double half[] = {0.5, 0.5}; // 0.5 rounds to even: 0, the rest 1
  hls::resizeWeights(half, 2, 0, weights);
  EXPECT_EQ(weights[0], 0);
  EXPECT_EQ(weights[1], 1);
  const double nearest[] = {1.0};
  hls::resizeWeights(nearest, 1, 15, weights);
  EXPECT_EQ(weights[0], 1 << 15);
}

TEST(HLSArith, ResizeRandom) {
  // Bilinear (two axes, two taps each) and linear (one axis) sums of i8
  // taps with integer weights, rounded once.
  Random random(14);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < kRandomCases; ++i) {
    auto bits = static_cast<int32_t>(random.uniform(0, 15));
    int axes = i % 3 ? 2 : 1;
    int64_t w[2][2];
    for (int a = 0; a < axes; ++a) {
      double lerp = i % 5 ? unit(random.generator) : 0.5;
      const double weights[] = {1.0 - lerp, lerp};
      hls::resizeWeights(weights, 2, bits, w[a]);
      ASSERT_EQ(w[a][0] + w[a][1], int64_t(1) << bits);
    }
    int64_t sum = 0;
    for (int t0 = 0; t0 < 2; ++t0)
      for (int t1 = 0; t1 < (axes == 2 ? 2 : 1); ++t1) {
        int8_t tap = i % 7 ? random.int8() : (t0 ? 127 : -128);
        sum += tap * w[0][t0] * (axes == 2 ? w[1][t1] : 1);
      }
    int32_t shift = bits * axes;
    qnn::RoundingMode mode = random.pick(kShiftModes);
    int64_t expected =
        shift > 0 ? qnn::roundingDivide(sum, __int128(1) << shift, mode) : sum;
    ASSERT_GE(expected, -128);
    ASSERT_LE(expected, 127);
    ASSERT_EQ(hls::resize(sum, shift, toHls(mode)),
              static_cast<int8_t>(expected))
        << sum << " >> " << shift;
  }
}

} // namespace
