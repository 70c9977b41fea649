//===- CUDAEpilogueTest.cpp - the CUDA kernels' host-testable parts -------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The parts of the CUDA back end's kernels (lib/Target/CUDA/runtime) that
// a machine without a GPU can check, compiled for the host from the same
// headers the kernels include:
// - the fused epilogue (whittle_cuda_epilogue.h) against QNNArithmetic.h
//   bit for bit: the qnn.conv / qnn.matmul accumulator rebuilt from raw
//   int8 sums with zero points and folded biases, qnn.requantize in every
//   rounding mode, the clamp, the residual qnn.add; on edge cases
//   (saturation to -128 and 127, ties, shifts 0, 62 and negative, INT32
//   extremes, wrapping) and random products;
// - the index math (whittle_cuda_layout.h) against a simulation of the PTX
//   instructions as the PTX ISA defines them: ldmatrix feeding
//   mma.m16n8k32 reproduces A and B and the accumulator covers the 16 x 8
//   tile once; the padded shared-memory rows are free of bank conflicts;
//   the convolution taps; the depthwise kernel's packing, byte transpose
//   and dp4a against a direct depthwise convolution.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNArithmetic.h"

#include "whittle_cuda_epilogue.h"
#include "whittle_cuda_layout.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <vector>

namespace qnn = whittle::qnn;
namespace cuda = whittle_cuda;

namespace {

constexpr qnn::RoundingMode kAllModes[] = {
    qnn::RoundingMode::nearest_even, qnn::RoundingMode::half_away,
    qnn::RoundingMode::pseudo_stochastic, qnn::RoundingMode::float32};

cuda::RoundingMode toCuda(qnn::RoundingMode mode) {
  return static_cast<cuda::RoundingMode>(static_cast<int>(mode));
}

int64_t uniform(std::mt19937_64 &g, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(g);
}

/// One output's requantize parameters, as the qnn verifiers admit them:
/// multiplier in [1, 2^31), shift in [-31, 62].
struct Requantize {
  int32_t multiplier, shift, zp, min, max;
  qnn::RoundingMode mode;
};

Requantize randomRequantize(std::mt19937_64 &g) {
  Requantize r;
  // gemmlowp's normalized multipliers half the time, NITI's 1 otherwise
  // small ones.
  r.multiplier = static_cast<int32_t>(
      uniform(g, 0, 3) == 0   ? 1
      : uniform(g, 0, 1) == 0 ? uniform(g, int64_t(1) << 30, INT32_MAX)
                              : uniform(g, 1, 1 << 16));
  r.shift = static_cast<int32_t>(uniform(g, -4, 62));
  r.zp = static_cast<int32_t>(uniform(g, -128, 127));
  r.min = static_cast<int32_t>(uniform(g, -128, 0));
  r.max = static_cast<int32_t>(uniform(g, r.min, 127));
  r.mode = kAllModes[uniform(g, 0, 3)];
  return r;
}

/// The epilogue with per-tensor `r` and nothing else.
cuda::RequantizeEpilogue<true> makeEpilogue(const Requantize &r,
                                            const int32_t *multiplier,
                                            const int32_t *shift) {
  cuda::RequantizeEpilogue<true> e;
  e.multipliers = multiplier;
  e.shifts = shift;
  e.rounding = toCuda(r.mode);
  e.outputZeroPoint = r.zp;
  e.min = r.min;
  e.max = r.max;
  return e;
}

//===----------------------------------------------------------------------===//
// The epilogue
//===----------------------------------------------------------------------===//

TEST(CUDAEpilogue, RoundingModesMatchQNN) {
  for (qnn::RoundingMode mode : kAllModes)
    EXPECT_EQ(static_cast<int>(toCuda(mode)), static_cast<int>(mode));
}

/// Accumulators at the edges, through the epilogue with no bias and no
/// zero points (raw = acc), against qnn::requantize.
TEST(CUDAEpilogue, RequantizeEdges) {
  std::vector<int32_t> accs = {0,
                               1,
                               -1,
                               2,
                               -2,
                               3,
                               -3,
                               127,
                               128,
                               -128,
                               -129,
                               INT32_MAX,
                               INT32_MIN,
                               INT32_MIN + 1,
                               INT32_MAX - 1};
  // Ties of every shift: odd multiples of 2^(s - 1).
  for (int s = 1; s <= 31; ++s)
    for (int64_t odd : {1, 3, 5, -1, -3, -5, 255, -255}) {
      int64_t tie = odd << (s - 1);
      if (tie >= INT32_MIN && tie <= INT32_MAX)
        accs.push_back(static_cast<int32_t>(tie));
    }
  const int32_t multipliers[] = {1, 3, 1 << 30, INT32_MAX};
  const int32_t shifts[] = {0, 1, 2, 7, 31, 32, 61, 62, -1, -8, -31};
  const int32_t zps[] = {0, -128, 127, 5};
  int checked = 0;
  for (int32_t acc : accs)
    for (int32_t multiplier : multipliers)
      for (int32_t shift : shifts)
        for (qnn::RoundingMode mode : kAllModes)
          for (int32_t zp : zps) {
            Requantize r{multiplier, shift, zp, -128, 127, mode};
            auto e = makeEpilogue(r, &multiplier, &shift);
            int8_t expected = static_cast<int8_t>(
                qnn::requantize(acc, multiplier, shift, mode, zp, -128, 127));
            ASSERT_EQ(e.value(0, 0, acc, 0), expected)
                << acc << " * " << multiplier << " >> " << shift << " mode "
                << static_cast<int>(mode) << " zp " << zp;
            ++checked;
          }
  EXPECT_GT(checked, 10000);
  // Saturation at both ends and a ReLU6-like clamp.
  int32_t one = 1, zero = 0;
  Requantize r{1, 0, 0, -128, 127, qnn::RoundingMode::nearest_even};
  auto e = makeEpilogue(r, &one, &zero);
  EXPECT_EQ(e.value(0, 0, 1000, 0), 127);
  EXPECT_EQ(e.value(0, 0, -1000, 0), -128);
  e.min = 0;
  e.max = 6;
  EXPECT_EQ(e.value(0, 0, 7, 0), 6);
  EXPECT_EQ(e.value(0, 0, -7, 0), 0);
}

/// The accumulator wraps modulo 2^32, as qnn's i32 does: raw + bias and
/// the zero-point correction past INT32_MAX.
TEST(CUDAEpilogue, AccumulatorWraps) {
  cuda::RequantizeEpilogue<true> e;
  int32_t bias = 1, bZp = 2;
  e.foldedBias = &bias;
  EXPECT_EQ(e.accumulator(0, INT32_MAX, 0), INT32_MIN);
  e.bZeroPoints = &bZp;
  // INT32_MAX + 1 - 2 * (-2^30 - 1) = 2^31 + 2^31 + 2 = 2 (mod 2^32).
  EXPECT_EQ(e.accumulator(0, INT32_MAX, -(1 << 30) - 1), 2);
  EXPECT_EQ(cuda::foldBias(INT32_MAX, -1, 1, 0, 1), INT32_MIN);
  EXPECT_EQ(cuda::foldBias(0, 0, -128, -128, int64_t(1) << 32), 0);
}

/// Random products C = (A - aZp)(B - bZp) + bias through the kernels'
/// decomposition (raw, sumA, folded biases), then requantize and an
/// optional residual add, against qnn's definitions: QNNOps.td's
/// accumulator in int64, qnn::requantize, and qnn.add's formula
/// (requantize of the rescaled sum with multiplier 1).
TEST(CUDAEpilogue, RandomProducts) {
  std::mt19937_64 g(15);
  for (int trial = 0; trial < 400; ++trial) {
    int m = static_cast<int>(uniform(g, 1, 6));
    int n = static_cast<int>(uniform(g, 1, 9));
    int k = static_cast<int>(uniform(g, 1, 300));
    std::vector<int8_t> a(m * k), bT(n * k), residual(m * n);
    for (auto *v : {&a, &bT, &residual})
      for (int8_t &x : *v)
        x = static_cast<int8_t>(uniform(g, -128, 127));
    if (trial % 10 == 0) // every product at its extreme
      std::fill(a.begin(), a.end(), -128),
          std::fill(bT.begin(), bT.end(), -128);
    auto aZp = static_cast<int32_t>(trial % 3 ? uniform(g, -128, 127) : 0);
    bool perColumn = uniform(g, 0, 1);
    std::vector<int32_t> bZp(n), bias(n), multipliers(n), shifts(n);
    for (int j = 0; j < n; ++j) {
      bZp[j] = static_cast<int32_t>(trial % 4 ? uniform(g, -128, 127) : 0);
      bias[j] = static_cast<int32_t>(uniform(g, -(1 << 20), 1 << 20));
    }
    Requantize r = randomRequantize(g);
    bool perColumnScale = uniform(g, 0, 1);
    std::vector<Requantize> scales(n);
    for (int j = 0; j < n; ++j) {
      scales[j] = r;
      if (perColumnScale) {
        Requantize s = randomRequantize(g);
        scales[j].multiplier = s.multiplier;
        scales[j].shift = s.shift;
      }
      multipliers[j] = scales[j].multiplier;
      shifts[j] = scales[j].shift;
    }
    bool withResidual = trial % 2;
    auto addAZp = static_cast<int32_t>(uniform(g, -128, 127));
    auto addBZp = static_cast<int32_t>(uniform(g, -128, 127));
    auto addAM = static_cast<int32_t>(uniform(g, -(1 << 20), 1 << 20));
    auto addBM = static_cast<int32_t>(uniform(g, -(1 << 20), 1 << 20));
    auto addShift = static_cast<int32_t>(uniform(g, 0, 40));
    qnn::RoundingMode addMode = kAllModes[uniform(g, 0, 2)];
    Requantize addOut = randomRequantize(g);

    std::vector<int32_t> folded(n);
    cuda::foldBiases(bT.data(), n, k, bias.data(), aZp, bZp.data(), perColumn,
                     folded.data());
    cuda::RequantizeEpilogue<true> e;
    e.foldedBias = folded.data();
    e.bZeroPoints = bZp.data();
    e.perColumnZeroPoint = perColumn;
    e.multipliers = multipliers.data();
    e.shifts = shifts.data();
    e.perColumnScale = perColumnScale;
    e.rounding = toCuda(r.mode);
    e.outputZeroPoint = r.zp;
    e.min = r.min;
    e.max = r.max;
    if (withResidual) {
      e.residual = residual.data();
      e.ldResidual = n;
      e.addAZeroPoint = addAZp;
      e.addBZeroPoint = addBZp;
      e.addAMultiplier = addAM;
      e.addBMultiplier = addBM;
      e.addShift = addShift;
      e.addRounding = toCuda(addMode);
      e.addOutputZeroPoint = addOut.zp;
      e.addMin = addOut.min;
      e.addMax = addOut.max;
    }
    std::vector<int8_t> out(m * n);
    e.out = out.data();
    e.ldOut = n;

    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        // What the kernels compute: raw int8 sums, wrapping.
        uint32_t raw = 0, sumA = 0;
        int64_t exact = bias[j];
        int32_t zb = bZp[perColumn ? j : 0];
        for (int x = 0; x < k; ++x) {
          int32_t av = a[i * k + x], bv = bT[j * k + x];
          raw += static_cast<uint32_t>(av * bv);
          sumA += static_cast<uint32_t>(av);
          exact += int64_t(av - aZp) * (bv - zb);
        }
        ASSERT_EQ(e.accumulator(j, static_cast<int32_t>(raw),
                                static_cast<int32_t>(sumA)),
                  exact);
        const Requantize &s = scales[j];
        auto y = static_cast<int8_t>(qnn::requantize(
            exact, s.multiplier, s.shift, r.mode, r.zp, r.min, r.max));
        if (withResidual) {
          int64_t sum = (int64_t(y) - addAZp) * addAM +
                        (int64_t(residual[i * n + j]) - addBZp) * addBM;
          y = static_cast<int8_t>(qnn::requantize(
              sum, 1, addShift, addMode, addOut.zp, addOut.min, addOut.max));
        }
        e(i, j, static_cast<int32_t>(raw), static_cast<int32_t>(sumA));
        ASSERT_EQ(out[i * n + j], y)
            << "trial " << trial << " at " << i << ", " << j;
      }
  }
}

/// Without weight zero points the epilogue ignores sumA (the kernels do
/// not compute it) and equals the raw sum plus the folded bias.
TEST(CUDAEpilogue, SymmetricWeightsIgnoreSumA) {
  cuda::RequantizeEpilogue<false> e;
  static_assert(!cuda::RequantizeEpilogue<false>::kNeedsSumA);
  static_assert(cuda::RequantizeEpilogue<true>::kNeedsSumA);
  int32_t bias = -7, bZp = 3;
  e.foldedBias = &bias;
  e.bZeroPoints = &bZp;
  EXPECT_EQ(e.accumulator(0, 100, 12345), 93);
}

//===----------------------------------------------------------------------===//
// Fragments and shared memory
//===----------------------------------------------------------------------===//

/// ldmatrix.x4 as the PTX ISA defines it: lanes 8j..8j+7 give the row
/// addresses of matrix j; lane L receives in register j bytes 4 (L % 4)
/// .. +3 of row L / 4 of matrix j.
void simulateLdmatrix(const std::vector<uint8_t> &shared,
                      const uint32_t (&addresses)[32],
                      uint32_t (&regs)[32][4]) {
  for (int lane = 0; lane < 32; ++lane)
    for (int j = 0; j < 4; ++j) {
      uint32_t address = addresses[8 * j + lane / 4] + 4 * (lane % 4);
      std::memcpy(&regs[lane][j], &shared[address], 4);
    }
}

int8_t byteOf(uint32_t word, int byte) {
  return static_cast<int8_t>(word >> (8 * byte));
}

/// A 16 x 32 A tile and a 16 x 32 B^T tile (two n8 tiles) in shared
/// memory with the kernels' padded rows, read by ldmatrix at the kernels'
/// lane addresses, interpreted by the mma fragment layout: the fragments
/// hold exactly A and B, and the accumulator layout covers each of the
/// 16 x 8 outputs of both n tiles once, with the product's value.
TEST(CUDALayout, LdmatrixFeedsMma) {
  std::mt19937_64 g(16);
  const int stride = cuda::sharedRowBytes(64), kk = 32; // second k32 step
  std::vector<uint8_t> aShared(16 * stride), bShared(16 * stride);
  for (auto &x : aShared)
    x = static_cast<uint8_t>(uniform(g, 0, 255));
  for (auto &x : bShared)
    x = static_cast<uint8_t>(uniform(g, 0, 255));
  auto aAt = [&](int row, int col) {
    return static_cast<int8_t>(aShared[row * stride + kk + col]);
  };
  auto bAt = [&](int row, int col) {
    return static_cast<int8_t>(bShared[row * stride + kk + col]);
  };

  uint32_t aAddresses[32], bAddresses[32], aRegs[32][4], bRegs[32][4];
  for (int lane = 0; lane < 32; ++lane) {
    aAddresses[lane] =
        cuda::ldmatrixARow(lane) * stride + cuda::ldmatrixAColumn(lane) + kk;
    bAddresses[lane] =
        cuda::ldmatrixBRow(lane) * stride + cuda::ldmatrixBColumn(lane) + kk;
  }
  simulateLdmatrix(aShared, aAddresses, aRegs);
  simulateLdmatrix(bShared, bAddresses, bRegs);

  int aSeen[16][32] = {}, bSeen[2][8][32] = {};
  for (int lane = 0; lane < 32; ++lane)
    for (int r = 0; r < cuda::kMmaARegs; ++r)
      for (int byte = 0; byte < 4; ++byte) {
        int row = cuda::fragmentARow(lane, r);
        int col = cuda::fragmentAColumn(lane, r, byte);
        ASSERT_EQ(byteOf(aRegs[lane][r], byte), aAt(row, col));
        ++aSeen[row][col];
      }
  // The kernel's B registers: ldmatrix registers {0, 1} are tile 0's
  // {b0, b1}, {2, 3} tile 1's.
  for (int lane = 0; lane < 32; ++lane)
    for (int tile = 0; tile < 2; ++tile)
      for (int r = 0; r < cuda::kMmaBRegs; ++r)
        for (int byte = 0; byte < 4; ++byte) {
          int k = cuda::fragmentBRow(lane, r, byte);
          int col = cuda::fragmentBColumn(lane);
          ASSERT_EQ(byteOf(bRegs[lane][2 * tile + r], byte),
                    bAt(tile * 8 + col, k));
          ++bSeen[tile][col][k];
        }
  for (auto &row : aSeen)
    for (int count : row)
      EXPECT_EQ(count, 1);
  for (auto &tile : bSeen)
    for (auto &row : tile)
      for (int count : row)
        EXPECT_EQ(count, 1);

  // The accumulator: every (row, column) once.
  int dSeen[16][8] = {};
  for (int lane = 0; lane < 32; ++lane)
    for (int r = 0; r < cuda::kMmaCRegs; ++r)
      ++dSeen[cuda::accumulatorRow(lane, r)][cuda::accumulatorColumn(lane, r)];
  for (auto &row : dSeen)
    for (int count : row)
      EXPECT_EQ(count, 1);
}

/// The kernels' sumA bookkeeping: A register r of a lane holds the row of
/// its accumulator registers 2 (r & 1) and 2 (r & 1) + 1 (so sumA[r & 1]
/// is read back as sumA[reg >> 1]), and the four lanes of a group (lane ^
/// 1, lane ^ 2) share rows and hold disjoint k.
TEST(CUDALayout, RowSumsFollowTheAccumulator) {
  for (int lane = 0; lane < 32; ++lane)
    for (int r = 0; r < cuda::kMmaARegs; ++r) {
      EXPECT_EQ(cuda::fragmentARow(lane, r),
                cuda::accumulatorRow(lane, 2 * (r & 1)));
      EXPECT_EQ(cuda::fragmentARow(lane, r),
                cuda::accumulatorRow(lane, 2 * (r & 1) + 1));
      for (int other : {lane ^ 1, lane ^ 2, lane ^ 3})
        EXPECT_EQ(cuda::fragmentARow(other, r), cuda::fragmentARow(lane, r));
    }
  for (int row = 0; row < 16; ++row) {
    std::set<int> ks;
    for (int lane = 0; lane < 32; ++lane)
      for (int r = 0; r < cuda::kMmaARegs; ++r)
        if (cuda::fragmentARow(lane, r) == row) {
          for (int byte = 0; byte < 4; ++byte)
            EXPECT_TRUE(ks.insert(cuda::fragmentAColumn(lane, r, byte)).second);
        }
    EXPECT_EQ(ks.size(), 32u);
  }
}

/// Each ldmatrix phase (the eight row addresses of one matrix) touches 32
/// distinct banks of 4 bytes with the padded rows, for the A and the B
/// lane addresses and every slice width the tiles use; rows stay 16-byte
/// aligned.
TEST(CUDALayout, PaddedRowsAvoidBankConflicts) {
  for (int tileK : {32, 64, 128, 256}) {
    int stride = cuda::sharedRowBytes(tileK);
    EXPECT_EQ(stride % 16, 0);
    for (int kk = 0; kk < tileK; kk += 32)
      for (bool isA : {true, false})
        for (int j = 0; j < 4; ++j) {
          std::set<int> banks;
          for (int lane = 8 * j; lane < 8 * j + 8; ++lane) {
            int row = isA ? cuda::ldmatrixARow(lane) : cuda::ldmatrixBRow(lane);
            int col =
                isA ? cuda::ldmatrixAColumn(lane) : cuda::ldmatrixBColumn(lane);
            int address = row * stride + col + kk;
            EXPECT_EQ(address % 16, 0);
            for (int word = 0; word < 4; ++word)
              banks.insert((address / 4 + word) % 32);
          }
          EXPECT_EQ(banks.size(), 32u) << "tileK " << tileK << " matrix " << j;
        }
  }
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

cuda::ConvShape randomShape(std::mt19937_64 &g, int channels) {
  cuda::ConvShape s;
  s.batch = static_cast<int>(uniform(g, 1, 2));
  s.height = static_cast<int>(uniform(g, 1, 9));
  s.width = static_cast<int>(uniform(g, 1, 9));
  s.channels = channels;
  s.outChannels = 1;
  s.kernelH = static_cast<int>(uniform(g, 1, 4));
  s.kernelW = static_cast<int>(uniform(g, 1, 4));
  s.strideH = static_cast<int>(uniform(g, 1, 3));
  s.strideW = static_cast<int>(uniform(g, 1, 3));
  s.dilationH = static_cast<int>(uniform(g, 1, 2));
  s.dilationW = static_cast<int>(uniform(g, 1, 2));
  s.padTop = static_cast<int>(uniform(g, 0, 2));
  s.padLeft = static_cast<int>(uniform(g, 0, 2));
  int padBottom = static_cast<int>(uniform(g, 0, 2));
  int padRight = static_cast<int>(uniform(g, 0, 2));
  s.outH = cuda::convOutputSize(s.height, s.kernelH, s.strideH, s.padTop,
                                padBottom, s.dilationH);
  s.outW = cuda::convOutputSize(s.width, s.kernelW, s.strideW, s.padLeft,
                                padRight, s.dilationW);
  return s;
}

/// convWindow and convTap name the input element (or the padding) of each
/// (output pixel, window element), as the NHWC/OHWI definitions do.
TEST(CUDALayout, ConvTaps) {
  std::mt19937_64 g(17);
  int checked = 0;
  for (int trial = 0; trial < 200; ++trial) {
    cuda::ConvShape s = randomShape(g, static_cast<int>(uniform(g, 1, 5)) * 4);
    if (s.outH < 1 || s.outW < 1)
      continue;
    for (int n = 0; n < s.batch; ++n)
      for (int oh = 0; oh < s.outH; ++oh)
        for (int ow = 0; ow < s.outW; ++ow) {
          int64_t m = (int64_t(n) * s.outH + oh) * s.outW + ow;
          cuda::ConvWindow w = cuda::convWindow(s, m);
          for (int kh = 0; kh < s.kernelH; ++kh)
            for (int kw = 0; kw < s.kernelW; ++kw)
              for (int c = 0; c < s.channels; ++c) {
                int ih = oh * s.strideH - s.padTop + kh * s.dilationH;
                int iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
                bool inside =
                    ih >= 0 && ih < s.height && iw >= 0 && iw < s.width;
                int64_t k = (int64_t(kh) * s.kernelW + kw) * s.channels + c;
                cuda::ConvTap tap = cuda::convTap(s, w, k);
                ASSERT_EQ(tap.inside, inside);
                if (inside) {
                  ASSERT_EQ(tap.offset,
                            ((int64_t(n) * s.height + ih) * s.width + iw) *
                                    s.channels +
                                c);
                }
                ++checked;
              }
        }
  }
  EXPECT_GT(checked, 10000);
  EXPECT_EQ(cuda::convOutputSize(224, 3, 2, 1, 1, 1), 112);
  EXPECT_EQ(cuda::convOutputSize(7, 3, 1, 0, 0, 2), 3);
}

TEST(CUDALayout, BytePermAndDot4) {
  // PTX ISA, "prmt": selector nibble i picks byte i of the result from
  // {b, a}, a's bytes numbered 0..3.
  EXPECT_EQ(cuda::bytePerm(0x33221100u, 0x77665544u, 0x3210), 0x33221100u);
  EXPECT_EQ(cuda::bytePerm(0x33221100u, 0x77665544u, 0x7654), 0x77665544u);
  EXPECT_EQ(cuda::bytePerm(0x33221100u, 0x77665544u, 0x5140), 0x55114400u);
  EXPECT_EQ(cuda::dot4(0x80808080u, 0x80808080u, 0), 4 * 128 * 128);
  EXPECT_EQ(cuda::dot4(0x7f7f7f7fu, 0x80808080u, 1), 1 - 4 * 127 * 128);
  EXPECT_EQ(cuda::dot4(0x01020304u, 0x01010101u, 0), 10);
  EXPECT_EQ(cuda::dot4(0xffffffffu, 0x01010101u, 0), -4);
  EXPECT_EQ(cuda::splatByte(-3), 0xfdfdfdfdu);
  uint32_t rows[4] = {0x03020100u, 0x13121110u, 0x23222120u, 0x33323130u};
  uint32_t columns[4];
  cuda::transposeBytes4x4(rows, columns);
  EXPECT_EQ(columns[0], 0x30201000u);
  EXPECT_EQ(columns[1], 0x31211101u);
  EXPECT_EQ(columns[2], 0x32221202u);
  EXPECT_EQ(columns[3], 0x33231303u);
}

/// The depthwise kernel's computation of one thread (four channels of one
/// output pixel), replayed on the host with the same helpers (convWindow,
/// convTap, packDepthwiseWeights, transposeBytes4x4, dot4), against a
/// direct depthwise convolution whose padding holds the input zero point:
/// the raw sums and the input sums, then the epilogue against qnn.
TEST(CUDALayout, DepthwiseMatchesDirect) {
  std::mt19937_64 g(18);
  for (int trial = 0; trial < 100; ++trial) {
    cuda::ConvShape s = randomShape(g, static_cast<int>(uniform(g, 1, 4)) * 4);
    if (s.outH < 1 || s.outW < 1)
      continue;
    s.outChannels = s.channels;
    int taps = s.kernelH * s.kernelW;
    std::vector<int8_t> x(size_t(s.batch) * s.height * s.width * s.channels),
        w(size_t(taps) * s.channels);
    for (auto *v : {&x, &w})
      for (int8_t &b : *v)
        b = static_cast<int8_t>(uniform(g, -128, 127));
    auto xZp = static_cast<int32_t>(uniform(g, -128, 127));
    std::vector<int32_t> wZp(s.channels), bias(s.channels);
    for (int c = 0; c < s.channels; ++c) {
      wZp[c] = static_cast<int32_t>(uniform(g, -128, 127));
      bias[c] = static_cast<int32_t>(uniform(g, -1000, 1000));
    }
    std::vector<uint32_t> packed(size_t(cuda::depthwiseTapGroups(taps)) *
                                 s.channels);
    cuda::packDepthwiseWeights(w.data(), taps, s.channels, packed.data());
    // Each channel's taps are its B^T row for the folded bias.
    std::vector<int8_t> wT(w.size());
    for (int t = 0; t < taps; ++t)
      for (int c = 0; c < s.channels; ++c)
        wT[size_t(c) * taps + t] = w[size_t(t) * s.channels + c];
    std::vector<int32_t> folded(s.channels);
    cuda::foldBiases(wT.data(), s.channels, taps, bias.data(), xZp, wZp.data(),
                     true, folded.data());
    int32_t multiplier = 1 << 30, shift = 38;
    Requantize r{multiplier, shift, -5,
                 -128,       127,   qnn::RoundingMode::half_away};
    auto e = makeEpilogue(r, &multiplier, &shift);
    e.foldedBias = folded.data();
    e.bZeroPoints = wZp.data();
    e.perColumnZeroPoint = true;

    uint32_t padding = cuda::splatByte(xZp);
    for (int64_t m = 0; m < s.gemmM(); ++m) {
      cuda::ConvWindow window = cuda::convWindow(s, m);
      for (int c = 0; c < s.channels; c += 4) {
        // The kernel's loop.
        int32_t acc[4] = {}, sumA[4] = {};
        for (int group = 0; group < cuda::depthwiseTapGroups(taps); ++group) {
          uint32_t rows[4];
          for (int t = 0; t < 4; ++t) {
            int tap = group * 4 + t;
            cuda::ConvTap at =
                cuda::convTap(s, window, int64_t(tap) * s.channels + c);
            uint32_t word = 0;
            if (at.inside && tap < taps)
              std::memcpy(&word, &x[at.offset], 4);
            rows[t] = tap >= taps ? 0u : at.inside ? word : padding;
          }
          uint32_t columns[4];
          cuda::transposeBytes4x4(rows, columns);
          for (int j = 0; j < 4; ++j) {
            acc[j] = cuda::dot4(
                columns[j], packed[size_t(group) * s.channels + c + j], acc[j]);
            sumA[j] = cuda::dot4(columns[j], 0x01010101u, sumA[j]);
          }
        }
        // The direct definition (QNNOps.td's conv with group = channels).
        int ow = static_cast<int>(m % s.outW);
        int oh = static_cast<int>(m / s.outW % s.outH);
        int n = static_cast<int>(m / (int64_t(s.outW) * s.outH));
        for (int j = 0; j < 4; ++j) {
          int channel = c + j;
          int64_t exact = bias[channel];
          for (int kh = 0; kh < s.kernelH; ++kh)
            for (int kw = 0; kw < s.kernelW; ++kw) {
              int ih = oh * s.strideH - s.padTop + kh * s.dilationH;
              int iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
              int32_t xv =
                  ih >= 0 && ih < s.height && iw >= 0 && iw < s.width
                      ? x[((size_t(n) * s.height + ih) * s.width + iw) *
                              s.channels +
                          channel]
                      : xZp;
              int32_t wv =
                  w[(size_t(kh) * s.kernelW + kw) * s.channels + channel];
              exact += int64_t(xv - xZp) * (wv - wZp[channel]);
            }
          ASSERT_EQ(e.accumulator(channel, acc[j], sumA[j]), exact)
              << "trial " << trial << " pixel " << m << " channel " << channel;
          ASSERT_EQ(e.value(m, channel, acc[j], sumA[j]),
                    static_cast<int8_t>(qnn::requantize(
                        exact, multiplier, shift, r.mode, r.zp, -128, 127)));
        }
      }
    }
  }
}

} // namespace
