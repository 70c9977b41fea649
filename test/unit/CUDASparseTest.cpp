//===- CUDASparseTest.cpp - the 2:4-sparse tensor-core product ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// What a machine without a GPU can check of the 2:4-sparse product
// (whittle_cuda_sparse.cuh), from the headers the kernel includes:
// - compressSparse24 (whittle_cuda_sparse_layout.h): round trips through
//   decompressSparse24, the K padding, the metadata's validity (ordered
//   positions, no undefined nibble, rows past N empty) and the refusal of
//   a group with three or four non-zeros;
// - a simulation of `mma.sp.m16n8k64 .s8` written from the PTX ISA's
//   fragment and metadata layouts, fed with what the kernel's lanes load
//   (its copies into shared memory, its ldmatrix and metadata addresses,
//   all from SparseGemmTile) over whole blocks: every output once, equal
//   to the dense product, and the dp4a input sums; the lane addresses are
//   free of bank conflicts;
// - the host emulation of the launchers (whittle_cuda_sparse_host.h)
//   against a direct qnn.matmul / qnn.conv (dialects/QNN/QNNOps.td) and
//   QNNArithmetic.h's requantize, through RequantizeEpilogue<true> and
//   AccumulatorEpilogue: odd M, N not a multiple of the tile, padding,
//   stride 2, 1x1 and 3x3; and their requirement checks.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNArithmetic.h"

#include "whittle_cuda_host.h"
#include "whittle_cuda_sparse_host.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <vector>

namespace qnn = whittle::qnn;
namespace cuda = whittle_cuda;

namespace {

std::mt19937_64 generator(24);

int64_t uniform(int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(generator);
}

/// Random weights [n][k] with at most `perGroup` non-zero bytes in every
/// group of four along k (none zero among them, so that the count is
/// exact).
std::vector<int8_t> randomSparse(int64_t n, int64_t k, int perGroup = 2) {
  std::vector<int8_t> w(static_cast<size_t>(n * k), 0);
  for (int64_t row = 0; row < n; ++row)
    for (int64_t g = 0; g < (k + 3) / 4; ++g) {
      int keep = static_cast<int>(uniform(0, perGroup));
      std::set<int> positions;
      while (static_cast<int>(positions.size()) < keep)
        positions.insert(static_cast<int>(uniform(0, 3)));
      for (int p : positions)
        if (4 * g + p < k) {
          int v = static_cast<int>(uniform(-128, 126));
          w[row * k + 4 * g + p] = static_cast<int8_t>(v >= 0 ? v + 1 : v);
        }
    }
  return w;
}

std::vector<int8_t> randomBytes(size_t size) {
  std::vector<int8_t> bytes(size);
  for (int8_t &b : bytes)
    b = static_cast<int8_t>(uniform(-128, 127));
  return bytes;
}

/// A 256-byte aligned copy of a vector (as cudaMalloc's), freed at scope
/// exit: the launchers check 16-byte alignment.
template <class T> struct Aligned {
  T *data = nullptr;
  explicit Aligned(const std::vector<T> &v) {
    size_t bytes = (v.size() * sizeof(T) + 255) / 256 * 256 + 256;
    data = static_cast<T *>(std::aligned_alloc(256, bytes));
    if (!v.empty())
      std::memcpy(data, v.data(), v.size() * sizeof(T));
  }
  ~Aligned() { std::free(data); }
  Aligned(const Aligned &) = delete;
  Aligned &operator=(const Aligned &) = delete;
};

struct Compressed {
  std::vector<int8_t> values;
  std::vector<uint32_t> metadata;
};

Compressed compress(const std::vector<int8_t> &w, int64_t n, int64_t k) {
  Compressed c;
  c.values.assign(static_cast<size_t>(cuda::sparseValueBytes(n, k)), 0x55);
  c.metadata.assign(static_cast<size_t>(cuda::sparseMetadataWords(n, k)),
                    0xdeadbeef);
  EXPECT_TRUE(cuda::compressSparse24(w.data(), n, k, c.values.data(),
                                     c.metadata.data()));
  return c;
}

//===----------------------------------------------------------------------===//
// Compression
//===----------------------------------------------------------------------===//

TEST(CUDASparse, Sizes) {
  EXPECT_EQ(cuda::sparsePaddedK(0), 0);
  EXPECT_EQ(cuda::sparsePaddedK(16), 64);
  EXPECT_EQ(cuda::sparsePaddedK(64), 64);
  EXPECT_EQ(cuda::sparsePaddedK(144), 192);
  EXPECT_EQ(cuda::sparseValueRowBytes(144), 96);
  EXPECT_EQ(cuda::sparseValueBytes(3, 576), 3 * 288);
  EXPECT_EQ(cuda::sparseKSteps(576), 9);
  // 17 rows: two tiles of 16, 3 steps, 32 words each.
  EXPECT_EQ(cuda::sparseMetadataWords(17, 144), 2 * 3 * 32);
  EXPECT_EQ(cuda::sparseMetadataWords(0, 144), 0);
  // The lanes' (row, half) pairs are a bijection onto 16 rows x 2 halves.
  std::set<std::pair<int, int>> seen;
  for (int lane = 0; lane < 32; ++lane) {
    int row = cuda::sparseMetadataRow(lane),
        half = cuda::sparseMetadataHalf(lane);
    EXPECT_EQ(cuda::sparseMetadataLane(row, half), lane);
    EXPECT_TRUE(seen.insert({row, half}).second);
    // A lane's metadata is of a row its group's A fragments hold.
    EXPECT_EQ(row % 8, lane / 4);
  }
  EXPECT_EQ(seen.size(), 32u);
}

/// Random 2:4 weights of every shape class survive the round trip; the
/// metadata is valid everywhere, ordered, empty past N; kept bytes past K
/// are zero.
TEST(CUDASparse, CompressionRoundTrips) {
  for (int trial = 0; trial < 300; ++trial) {
    int64_t n = uniform(1, 40);
    int64_t k = trial % 3 == 0 ? 64 * uniform(1, 4) : uniform(1, 300);
    std::vector<int8_t> w = randomSparse(n, k);
    Compressed c = compress(w, n, k);
    int64_t kp = cuda::sparsePaddedK(k);
    std::vector<int8_t> back(static_cast<size_t>(n * kp), 0x33);
    cuda::decompressSparse24(c.values.data(), c.metadata.data(), n, k,
                             back.data());
    for (int64_t row = 0; row < n; ++row)
      for (int64_t i = 0; i < kp; ++i)
        ASSERT_EQ(back[row * kp + i], i < k ? w[row * k + i] : 0)
            << "trial " << trial << " row " << row << " k " << i;
    int64_t kSteps = cuda::sparseKSteps(k);
    for (int64_t word = 0; word < int64_t(c.metadata.size()); ++word) {
      uint32_t e = c.metadata[word];
      int lane = static_cast<int>(word % 32);
      int64_t row = word / 32 / kSteps * 16 + cuda::sparseMetadataRow(lane);
      if (row >= n) {
        ASSERT_EQ(e, cuda::kEmptyMetadataWord);
      }
      for (int j = 0; j < 8; ++j) {
        uint32_t nibble = (e >> (4 * j)) & 0xf;
        ASSERT_LT(cuda::sparsePosition(nibble, 0),
                  cuda::sparsePosition(nibble, 1))
            << "word " << word << " nibble " << j;
      }
    }
  }
}

/// Positions and values of single groups: kept bytes in k order, the
/// fill positions the lowest free ones.
TEST(CUDASparse, CompressionOfOneGroup) {
  struct Case {
    int8_t group[4];
    uint32_t nibble;
    int8_t kept[2];
  };
  const Case cases[] = {
      {{0, 0, 0, 0}, 0x4, {0, 0}},           {{5, 0, 0, 0}, 0x4, {5, 0}},
      {{0, 0, 0, -7}, 0xc, {0, -7}},         {{0, 9, 0, 0}, 0x4, {0, 9}},
      {{0, 0, 3, 0}, 0x8, {0, 3}},           {{1, 0, 2, 0}, 0x8, {1, 2}},
      {{0, -128, 0, 127}, 0xd, {-128, 127}}, {{0, 0, 4, 6}, 0xe, {4, 6}}};
  for (const Case &c : cases) {
    std::vector<int8_t> w(64, 0);
    std::memcpy(&w[36], c.group, 4); // group 9: step 0, half 1, nibble 1
    Compressed z = compress(w, 1, 64);
    EXPECT_EQ((z.metadata[cuda::sparseMetadataLane(0, 1)] >> 4) & 0xf,
              c.nibble);
    EXPECT_EQ(z.values[18], c.kept[0]);
    EXPECT_EQ(z.values[19], c.kept[1]);
  }
}

/// Three or four non-zeros in a group are refused, wherever the group is
/// (the last, partial one included).
TEST(CUDASparse, RefusesDenseGroups) {
  for (int trial = 0; trial < 50; ++trial) {
    int64_t n = uniform(1, 20), k = uniform(4, 200);
    std::vector<int8_t> w = randomSparse(n, k);
    int64_t row = uniform(0, n - 1), group = uniform(0, k / 4 - 1);
    int count = static_cast<int>(uniform(3, 4));
    for (int p = 0; p < count; ++p)
      w[row * k + 4 * group + p] = static_cast<int8_t>(p + 1);
    std::vector<int8_t> values(
        static_cast<size_t>(cuda::sparseValueBytes(n, k)));
    std::vector<uint32_t> metadata(
        static_cast<size_t>(cuda::sparseMetadataWords(n, k)));
    EXPECT_FALSE(
        cuda::compressSparse24(w.data(), n, k, values.data(), metadata.data()))
        << "row " << row << " group " << group;
  }
  std::vector<int8_t> values(32);
  std::vector<uint32_t> metadata(32);
  // The last, partial group (k = 7: positions 4, 5, 6).
  std::vector<int8_t> partial = {0, 0, 0, 0, 1, 2, 3};
  EXPECT_FALSE(cuda::compressSparse24(partial.data(), 1, 7, values.data(),
                                      metadata.data()));
  std::vector<int8_t> w = {1, 2, 3, 0, 0, 0, 0, 0};
  EXPECT_FALSE(
      cuda::compressSparse24(w.data(), 1, 8, values.data(), metadata.data()));
  w = {1, 0, 3, 0, 0, 4, 5, 0};
  EXPECT_TRUE(
      cuda::compressSparse24(w.data(), 1, 8, values.data(), metadata.data()));
  // Past k nothing counts: k = 6 leaves the second group two bytes.
  w = {1, 0, 3, 0, 4, 5};
  EXPECT_TRUE(
      cuda::compressSparse24(w.data(), 1, 6, values.data(), metadata.data()));
}

//===----------------------------------------------------------------------===//
// The PTX instructions, simulated
//===----------------------------------------------------------------------===//

int8_t byteOf(uint32_t word, int byte) {
  return static_cast<int8_t>(word >> (8 * byte));
}

/// ldmatrix.sync.aligned.m8n8.x4.shared.b16 (PTX ISA, "ldmatrix"): lanes
/// 8j..8j+7 give the row addresses of matrix j; lane L receives in
/// register j bytes 4 (L % 4) .. +3 of row L / 4 of matrix j.
void simulateLdmatrix(const std::vector<uint8_t> &shared,
                      const uint32_t (&addresses)[32],
                      uint32_t (&regs)[32][4]) {
  for (int lane = 0; lane < 32; ++lane) {
    ASSERT_EQ(addresses[lane] % 16, 0u) << "ldmatrix rows are 16-byte aligned";
    ASSERT_LE(addresses[lane] + 16, shared.size());
  }
  for (int lane = 0; lane < 32; ++lane)
    for (int j = 0; j < 4; ++j)
      std::memcpy(&regs[lane][j],
                  &shared[addresses[8 * j + lane / 4] + 4 * (lane % 4)], 4);
}

/// `mma.sp::ordered_metadata.sync.aligned.m16n8k64.row.col.s32.s8.s8.s32
/// d, a, b, c, e, 0` as the PTX ISA describes it ("Matrix fragments for
/// sparse mma.m16n8k64 with .u8 / .s8 type", "Sparse matrix storage"),
/// written from the ISA's formulas and not from the layout header:
/// - A: a_i (register i / 4, byte i % 4) is at row groupID for 0 <= i < 4
///   and 8 <= i < 12, groupID + 8 otherwise; its four values of a register
///   are the non-zeros of the eight columns firstcol .. firstcol + 7,
///   firstcol = 8 threadID_in_group (+ 32 for i >= 8): two per group of
///   four, in order, at the positions the group's metadata gives;
/// - the metadata: with selector 0 all four threads of a group contribute;
///   lane 4 g + t holds row g + 8 (t & 1), columns 32 (t >> 1) .. + 31,
///   nibble j for their group j (bits [1:0] the first non-zero's position,
///   [3:2] the second's, ascending: ::ordered_metadata);
/// - B: b_i at row 4 threadID_in_group + (i & 3) + 16 (i >> 2), column
///   groupID; C and D: c_i at row groupID + 8 (i >> 1), column 2
///   threadID_in_group + (i & 1).
/// Fails the test on metadata the ISA leaves undefined.
void simulateMmaSp(const uint32_t (&a)[32][4], const uint32_t (&b)[32][4],
                   const uint32_t (&e)[32], int32_t (&d)[32][4]) {
  int32_t aDense[16][64] = {}, bDense[64][8] = {};
  int aSet[16][64] = {};
  for (int lane = 0; lane < 32; ++lane) {
    int groupID = lane >> 2, tig = lane % 4;
    for (int i = 0; i < 16; ++i) {
      int row = (i < 4 || (i >= 8 && i < 12)) ? groupID : groupID + 8;
      int firstcol = i < 8 ? tig * 8 : tig * 8 + 32;
      int group = firstcol / 4 + (i % 4) / 2, which = i % 2;
      int metaLane = 4 * (row % 8) + row / 8 + 2 * (group / 8);
      uint32_t nibble = (e[metaLane] >> (4 * (group % 8))) & 0xf;
      int first = nibble & 3, second = nibble >> 2;
      ASSERT_LT(first, second) << "unordered or undefined metadata";
      int column = group * 4 + (which ? second : first);
      aDense[row][column] = byteOf(a[lane][i / 4], i % 4);
      ++aSet[row][column];
    }
    for (int i = 0; i < 16; ++i)
      bDense[4 * tig + (i & 3) + 16 * (i >> 2)][groupID] =
          byteOf(b[lane][i / 4], i % 4);
  }
  for (auto &row : aSet)
    for (int count : row)
      ASSERT_LE(count, 1);
  for (int lane = 0; lane < 32; ++lane)
    for (int i = 0; i < 4; ++i) {
      int row = (lane >> 2) + 8 * (i >> 1), column = 2 * (lane % 4) + (i & 1);
      uint32_t sum = static_cast<uint32_t>(d[lane][i]);
      for (int x = 0; x < 64; ++x)
        sum += static_cast<uint32_t>(aDense[row][x] * bDense[x][column]);
      d[lane][i] = static_cast<int32_t>(sum);
    }
}

/// One 16 x 64 by 64 x 8 product with the kernel's fragments read straight
/// from global memory per the layout header: the simulation reproduces the
/// dense product, on random and extreme bytes.
TEST(CUDASparse, OneMmaEqualsDense) {
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<int8_t> w = randomSparse(16, 64), x = randomBytes(8 * 64);
    if (trial == 0) // every product at its extreme
      for (auto *v : {&w, &x})
        for (int8_t &byte : *v)
          byte = byte ? int8_t(-128) : int8_t(0);
    Compressed c = compress(w, 16, 64);
    uint32_t a[32][4], b[32][4], e[32];
    int32_t d[32][4];
    for (int lane = 0; lane < 32; ++lane) {
      for (int r = 0; r < 4; ++r) {
        uint8_t bytes[4];
        for (int byte = 0; byte < 4; ++byte) {
          bytes[byte] = static_cast<uint8_t>(
              c.values[cuda::fragmentARow(lane, r) * 32 +
                       cuda::fragmentAColumn(lane, r, byte)]);
        }
        std::memcpy(&a[lane][r], bytes, 4);
        for (int byte = 0; byte < 4; ++byte)
          bytes[byte] =
              static_cast<uint8_t>(x[cuda::sparseFragmentBColumn(lane) * 64 +
                                     cuda::sparseFragmentBRow(lane, r, byte)]);
        std::memcpy(&b[lane][r], bytes, 4);
        d[lane][r] = r - 2; // C, added
      }
      e[lane] = c.metadata[lane];
    }
    simulateMmaSp(a, b, e, d);
    for (int lane = 0; lane < 32; ++lane)
      for (int r = 0; r < 4; ++r) {
        int row = cuda::accumulatorRow(lane, r);
        int column = cuda::accumulatorColumn(lane, r);
        int32_t expected = r - 2;
        for (int i = 0; i < 64; ++i)
          expected += int32_t(w[row * 64 + i]) * x[column * 64 + i];
        ASSERT_EQ(d[lane][r], expected) << "trial " << trial;
      }
  }
}

/// The kernel's dataflow for every block of an M x N x K product, on the
/// host: its cp.async chunks into the stage (zero-filled where it
/// zero-fills, kEmptyMetadataWord where it stores it), its ldmatrix and
/// metadata addresses, mma.sp as simulated above, its dp4a input sums and
/// their shuffles, and its epilogue coordinates; every output is produced
/// exactly once and equals the dense product and input sum.
template <class Tile> void replayKernel(int64_t m, int64_t n, int64_t k) {
  SCOPED_TRACE("replay " + std::to_string(m) + "x" + std::to_string(n) + "x" +
               std::to_string(k) + " tile " + std::to_string(Tile::BC) + "x" +
               std::to_string(Tile::BP) + "x" + std::to_string(Tile::BK));
  std::vector<int8_t> w = randomSparse(n, k), x = randomBytes(m * k);
  Compressed c = compress(w, n, k);
  const int64_t rowBytes = cuda::sparseValueRowBytes(k);
  const int64_t kSteps = cuda::sparseKSteps(k);
  const int slices =
      static_cast<int>((cuda::sparsePaddedK(k) + Tile::BK - 1) / Tile::BK);
  std::vector<int32_t> raw(m * n), sumA(m * n);
  std::vector<int> seen(m * n, 0);
  std::vector<uint8_t> shared(Tile::kSharedBytes, 0xcd);

  for (int64_t blockP = 0; blockP < m; blockP += Tile::BP)
    for (int64_t blockC = 0; blockC < n; blockC += Tile::BC) {
      int32_t acc[Tile::kWarpsC * Tile::kWarpsP][Tile::kMmaTilesC]
                 [Tile::kMmaTilesP][32][4] = {};
      int32_t sumB[Tile::kWarpsC * Tile::kWarpsP][Tile::kMmaTilesP][32] = {};
      for (int slice = 0; slice < slices; ++slice) {
        uint8_t *stage =
            shared.data() + (slice % Tile::kStages) * Tile::kStageBytes;
        int64_t k0 = int64_t(slice) * Tile::BK;
        for (int thread = 0; thread < Tile::kThreads; ++thread) {
          for (int i = 0; i < Tile::kAChunksPerThread; ++i) {
            int chunk = thread + i * Tile::kThreads;
            int64_t row = blockC + Tile::aChunkRow(chunk);
            int64_t column = k0 / 2 + Tile::aChunkColumn(chunk);
            uint8_t *dst = stage + Tile::kAOffset +
                           Tile::aChunkRow(chunk) * Tile::kARowBytes +
                           Tile::aChunkColumn(chunk);
            if (row < n && column < rowBytes)
              std::memcpy(dst, &c.values[row * rowBytes + column], 16);
            else
              std::memset(dst, 0, 16);
          }
          for (int i = 0; i < Tile::kBChunksPerThread; ++i) {
            int chunk = thread + i * Tile::kThreads;
            int64_t row = blockP + Tile::bChunkRow(chunk);
            int64_t column = k0 + Tile::bChunkColumn(chunk);
            uint8_t *dst = stage + Tile::kBOffset +
                           Tile::bChunkRow(chunk) * Tile::kBRowBytes +
                           Tile::bChunkColumn(chunk);
            if (row < m && column < k)
              std::memcpy(dst, &x[row * k + column], 16);
            else
              std::memset(dst, 0, 16);
          }
          for (int i = 0; i < Tile::kEChunksPerThread; ++i) {
            int chunk = thread + i * Tile::kThreads;
            if (chunk >= Tile::kEChunks)
              break;
            int64_t tile = blockC / 16 + Tile::eChunkTile(chunk);
            int64_t step =
                int64_t(slice) * Tile::kSteps + Tile::eChunkStep(chunk);
            uint8_t *dst = stage + Tile::kEOffset + chunk * 16;
            if (tile < cuda::sparseRowTiles(n) && step < kSteps)
              std::memcpy(dst,
                          &c.metadata[(tile * kSteps + step) * 32 +
                                      Tile::eChunkWord(chunk)],
                          16);
            else
              for (int word = 0; word < 4; ++word)
                std::memcpy(dst + 4 * word, &cuda::kEmptyMetadataWord, 4);
          }
        }
        // The warps' steps (the stage's offset is added to each address).
        std::vector<uint8_t> view(stage, stage + Tile::kStageBytes);
        for (int warp = 0; warp < Tile::kWarpsC * Tile::kWarpsP; ++warp) {
          int warpC = warp / Tile::kWarpsP, warpP = warp % Tile::kWarpsP;
          for (int step = 0; step < Tile::kSteps; ++step) {
            uint32_t aRegs[Tile::kMmaTilesC][32][4],
                bRegs[Tile::kMmaTilesP][32][4];
            uint32_t eRegs[Tile::kMmaTilesC][32];
            for (int i = 0; i < Tile::kMmaTilesC; ++i) {
              uint32_t addresses[32];
              for (int lane = 0; lane < 32; ++lane) {
                addresses[lane] = Tile::aFragment(warpC, i, step, lane);
                uint32_t at = Tile::eFragment(warpC, i, step, lane);
                ASSERT_EQ(at % 4, 0u);
                ASSERT_GE(at, uint32_t(Tile::kEOffset));
                std::memcpy(&eRegs[i][lane], &view[at], 4);
              }
              simulateLdmatrix(view, addresses, aRegs[i]);
            }
            for (int j = 0; j < Tile::kMmaTilesP; ++j) {
              uint32_t addresses[32];
              for (int lane = 0; lane < 32; ++lane)
                addresses[lane] = Tile::bFragment(warpP, j, step, lane);
              simulateLdmatrix(view, addresses, bRegs[j]);
              for (int lane = 0; lane < 32; ++lane)
                for (int r = 0; r < 4; ++r)
                  sumB[warp][j][lane] = cuda::dot4(
                      bRegs[j][lane][r], 0x01010101u, sumB[warp][j][lane]);
            }
            for (int i = 0; i < Tile::kMmaTilesC; ++i)
              for (int j = 0; j < Tile::kMmaTilesP; ++j)
                simulateMmaSp(aRegs[i], bRegs[j], eRegs[i], acc[warp][i][j]);
          }
        }
      }
      // The epilogue: the shuffles, then every accumulator's coordinates.
      for (int warp = 0; warp < Tile::kWarpsC * Tile::kWarpsP; ++warp) {
        int warpC = warp / Tile::kWarpsP, warpP = warp % Tile::kWarpsP;
        for (int j = 0; j < Tile::kMmaTilesP; ++j) {
          int32_t reduced[32];
          for (int lane = 0; lane < 32; ++lane)
            reduced[lane] = sumB[warp][j][lane] + sumB[warp][j][lane ^ 1];
          int32_t total[32];
          for (int lane = 0; lane < 32; ++lane)
            total[lane] = reduced[lane] + reduced[lane ^ 2];
          for (int i = 0; i < Tile::kMmaTilesC; ++i)
            for (int lane = 0; lane < 32; ++lane)
              for (int r = 0; r < 4; ++r) {
                int64_t channel = blockC + warpC * Tile::WC + i * 16 +
                                  cuda::accumulatorRow(lane, r);
                int64_t pixel = blockP + warpP * Tile::WP + j * 8 +
                                cuda::accumulatorColumn(lane, r);
                int32_t inputSum =
                    total[4 * cuda::accumulatorColumn(lane, r & 1)];
                if (pixel < m && channel < n) {
                  raw[pixel * n + channel] = acc[warp][i][j][lane][r];
                  sumA[pixel * n + channel] = inputSum;
                  ++seen[pixel * n + channel];
                }
              }
        }
      }
    }

  for (int64_t p = 0; p < m; ++p)
    for (int64_t ch = 0; ch < n; ++ch) {
      uint32_t expected = 0, sum = 0;
      for (int64_t i = 0; i < k; ++i) {
        expected +=
            static_cast<uint32_t>(int32_t(x[p * k + i]) * w[ch * k + i]);
        sum += static_cast<uint32_t>(int32_t(x[p * k + i]));
      }
      ASSERT_EQ(seen[p * n + ch], 1) << p << ", " << ch;
      ASSERT_EQ(raw[p * n + ch], static_cast<int32_t>(expected))
          << p << ", " << ch;
      ASSERT_EQ(sumA[p * n + ch], static_cast<int32_t>(sum)) << p << ", " << ch;
    }
}

TEST(CUDASparse, KernelReplayEqualsDense) {
  using Small = cuda::SparseGemmTile<32, 32, 128, 16, 16, 2>;
  replayKernel<Small>(1, 1, 16);
  replayKernel<Small>(77, 45, 208); // ragged M and N, K padded to 256
  replayKernel<Small>(40, 33, 576);
  using Wide = cuda::SparseGemmTile<64, 32, 64, 32, 16, 3>;
  replayKernel<Wide>(70, 81, 144); // k step 64: K padded to 192
  replayKernel<cuda::DefaultSparseGemmTile>(130, 70, 320);
  replayKernel<cuda::SparseGemmTile<128, 128, 64, 64, 32, 4>>(129, 130, 192);
}

/// Each ldmatrix phase (the eight row addresses of one matrix) of the
/// weights' and the activations' fragments touches 32 distinct banks, for
/// the slice widths the tiles use.
TEST(CUDASparse, FragmentReadsAvoidBankConflicts) {
  auto check = [](auto tile) {
    using Tile = decltype(tile);
    for (int step = 0; step < Tile::kSteps; ++step)
      for (bool weights : {true, false})
        for (int j = 0; j < 4; ++j) {
          std::set<int> banks;
          for (int lane = 8 * j; lane < 8 * j + 8; ++lane) {
            int address = weights ? Tile::aFragment(1, 1, step, lane)
                                  : Tile::bFragment(1, 1, step, lane);
            EXPECT_EQ(address % 16, 0);
            for (int word = 0; word < 4; ++word)
              banks.insert((address / 4 + word) % 32);
          }
          EXPECT_EQ(banks.size(), 32u)
              << "BK " << Tile::BK << (weights ? " weights" : " activations")
              << " matrix " << j;
        }
    // The metadata: one word per lane, 32 consecutive words.
    std::set<int> banks;
    for (int lane = 0; lane < 32; ++lane)
      banks.insert(Tile::eFragment(1, 1, 0, lane) / 4 % 32);
    EXPECT_EQ(banks.size(), 32u);
    EXPECT_EQ(Tile::kStageBytes % 16, 0);
    EXPECT_EQ(Tile::kBOffset % 16, 0);
    EXPECT_EQ(Tile::kEOffset % 16, 0);
  };
  check(cuda::SparseGemmTile<64, 64, 64, 32, 32, 2>{});
  check(cuda::SparseGemmTile<64, 64, 128, 32, 32, 2>{});
  check(cuda::SparseGemmTile<64, 64, 256, 32, 32, 2>{});
}

//===----------------------------------------------------------------------===//
// The host launchers against qnn
//===----------------------------------------------------------------------===//

/// qnn's i32 accumulators of a product, int64 (exact for these sizes):
/// bias[n] + sum_k (a - aZp)(b - bZp[n]) (QNNOps.td).
struct Reference {
  std::vector<int64_t> acc; // [m][n]
};

struct Quantization {
  int32_t aZp;
  std::vector<int32_t> bZp, bias, folded, multipliers, shifts;
  qnn::RoundingMode mode;
  int32_t outZp, min, max;
};

Quantization randomQuantization(const std::vector<int8_t> &bT, int64_t n,
                                int64_t k, bool weightZeroPoints) {
  Quantization q;
  q.aZp = static_cast<int32_t>(uniform(-128, 127));
  q.bZp.resize(n);
  q.bias.resize(n);
  q.multipliers.resize(n);
  q.shifts.resize(n);
  for (int64_t j = 0; j < n; ++j) {
    q.bZp[j] = weightZeroPoints ? static_cast<int32_t>(uniform(-20, 20)) : 0;
    q.bias[j] = static_cast<int32_t>(uniform(-(1 << 16), 1 << 16));
    q.multipliers[j] = static_cast<int32_t>(uniform(1 << 30, INT32_MAX));
    q.shifts[j] = static_cast<int32_t>(uniform(36, 44));
  }
  q.folded.resize(n);
  cuda::foldBiases(bT.data(), n, k, q.bias.data(), q.aZp, q.bZp.data(), true,
                   q.folded.data());
  const qnn::RoundingMode modes[] = {
      qnn::RoundingMode::nearest_even, qnn::RoundingMode::half_away,
      qnn::RoundingMode::pseudo_stochastic, qnn::RoundingMode::float32};
  q.mode = modes[uniform(0, 3)];
  q.outZp = static_cast<int32_t>(uniform(-10, 10));
  q.min = -100;
  q.max = 120;
  return q;
}

/// Runs `launch(epilogue)` with RequantizeEpilogue<true> and with
/// AccumulatorEpilogue<kZp> (the weight zero points all 0 when !kZp), and
/// checks both against the exact accumulators.
template <bool kZp, class Launch>
void checkEpilogues(const std::string &name, const std::vector<int64_t> &exact,
                    const Quantization &q, int64_t m, int64_t n,
                    Launch launch) {
  SCOPED_TRACE(name);
  cuda::RequantizeEpilogue<true> requantize;
  requantize.foldedBias = q.folded.data();
  requantize.bZeroPoints = q.bZp.data();
  requantize.perColumnZeroPoint = true;
  requantize.multipliers = q.multipliers.data();
  requantize.shifts = q.shifts.data();
  requantize.perColumnScale = true;
  requantize.rounding =
      static_cast<cuda::RoundingMode>(static_cast<int>(q.mode));
  requantize.outputZeroPoint = q.outZp;
  requantize.min = q.min;
  requantize.max = q.max;
  std::vector<int8_t> out(m * n, 0x5a);
  requantize.out = out.data();
  requantize.ldOut = n;
  ASSERT_EQ(launch(requantize), cudaSuccess);

  cuda::AccumulatorEpilogue<kZp> accumulator;
  accumulator.foldedBias = q.folded.data();
  accumulator.bZeroPoints = q.bZp.data();
  accumulator.perColumnZeroPoint = true;
  std::vector<int32_t> acc(m * n, 0x5a5a5a5a);
  accumulator.out = acc.data();
  accumulator.ldOut = n;
  ASSERT_EQ(launch(accumulator), cudaSuccess);

  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t e = exact[i * n + j];
      ASSERT_EQ(acc[i * n + j], e) << i << ", " << j;
      ASSERT_EQ(out[i * n + j], static_cast<int8_t>(qnn::requantize(
                                    e, q.multipliers[j], q.shifts[j], q.mode,
                                    q.outZp, q.min, q.max)))
          << i << ", " << j;
    }
}

template <bool kZp> void checkGemm(int64_t m, int64_t n, int64_t k) {
  std::vector<int8_t> a = randomBytes(m * k), bT = randomSparse(n, k);
  Compressed c = compress(bT, n, k);
  Quantization q = randomQuantization(bT, n, k, kZp);
  std::vector<int64_t> exact(m * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t sum = q.bias[j];
      for (int64_t x = 0; x < k; ++x)
        sum += int64_t(a[i * k + x] - q.aZp) * (bT[j * k + x] - q.bZp[j]);
      exact[i * n + j] = sum;
    }
  Aligned<int8_t> dA(a), dValues(c.values);
  Aligned<uint32_t> dMetadata(c.metadata);
  checkEpilogues<kZp>("gemm " + std::to_string(m) + "x" + std::to_string(n) +
                          "x" + std::to_string(k),
                      exact, q, m, n, [&](const auto &epilogue) {
                        return cuda::launchSparseGemm(dA.data, k, dValues.data,
                                                      dMetadata.data, m, n, k,
                                                      epilogue);
                      });
}

template <bool kZp>
void checkConv(cuda::ConvShape s, int padBottom, int padRight) {
  s.outH = cuda::convOutputSize(s.height, s.kernelH, s.strideH, s.padTop,
                                padBottom, s.dilationH);
  s.outW = cuda::convOutputSize(s.width, s.kernelW, s.strideW, s.padLeft,
                                padRight, s.dilationW);
  int64_t m = s.gemmM(), n = s.outChannels, k = s.gemmK();
  std::vector<int8_t> x =
      randomBytes(int64_t(s.batch) * s.height * s.width * s.channels);
  std::vector<int8_t> w = randomSparse(n, k);
  Compressed c = compress(w, n, k);
  Quantization q = randomQuantization(w, n, k, kZp);
  // The direct NHWC / OHWI definition; padding holds the input zero point.
  std::vector<int64_t> exact(m * n);
  for (int64_t p = 0; p < m; ++p) {
    int ow = static_cast<int>(p % s.outW),
        oh = static_cast<int>(p / s.outW % s.outH);
    int64_t b = p / (int64_t(s.outW) * s.outH);
    for (int64_t oc = 0; oc < n; ++oc) {
      int64_t sum = q.bias[oc];
      for (int kh = 0; kh < s.kernelH; ++kh)
        for (int kw = 0; kw < s.kernelW; ++kw)
          for (int ch = 0; ch < s.channels; ++ch) {
            int ih = oh * s.strideH - s.padTop + kh * s.dilationH;
            int iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
            int32_t xv =
                ih >= 0 && ih < s.height && iw >= 0 && iw < s.width
                    ? x[((b * s.height + ih) * s.width + iw) * s.channels + ch]
                    : q.aZp;
            int32_t wv =
                w[oc * k + (int64_t(kh) * s.kernelW + kw) * s.channels + ch];
            sum += int64_t(xv - q.aZp) * (wv - q.bZp[oc]);
          }
      exact[p * n + oc] = sum;
    }
  }
  Aligned<int8_t> dX(x), dValues(c.values);
  Aligned<uint32_t> dMetadata(c.metadata);
  char name[160];
  std::snprintf(name, sizeof name,
                "conv %dx%dx%dx%d k%dx%d oc%d stride %d,%d pad %d,%d", s.batch,
                s.height, s.width, s.channels, s.kernelH, s.kernelW,
                s.outChannels, s.strideH, s.strideW, s.padTop, s.padLeft);
  checkEpilogues<kZp>(name, exact, q, m, n, [&](const auto &epilogue) {
    return cuda::launchSparseConv2d(s, dX.data, q.aZp, dValues.data,
                                    dMetadata.data, epilogue);
  });
}

TEST(CUDASparse, HostGemmMatchesQNN) {
  checkGemm<true>(1, 1, 16);
  checkGemm<true>(77, 45, 48); // odd M, N and K not multiples of the tile
  checkGemm<false>(129, 130, 208);
  checkGemm<true>(33, 17, 576);
}

TEST(CUDASparse, HostConvMatchesQNN) {
  //              batch h  w   c  oc kh kw sh sw pt pl dh dw
  checkConv<true>({1, 8, 8, 16, 32, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0}, 0, 0);
  checkConv<false>({2, 9, 7, 32, 70, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0}, 1, 1);
  checkConv<true>({1, 15, 13, 48, 40, 3, 3, 2, 2, 1, 0, 1, 1, 0, 0}, 1, 2);
  checkConv<true>({1, 12, 12, 16, 24, 3, 3, 1, 1, 2, 2, 2, 2, 0, 0}, 2, 2);
  checkConv<false>({3, 7, 9, 64, 19, 1, 1, 2, 2, 0, 0, 1, 1, 0, 0}, 0, 0);
}

TEST(CUDASparse, HostLaunchersCheckRequirements) {
  std::vector<int8_t> bytes(4096, 0);
  std::vector<uint32_t> words(1024, cuda::kEmptyMetadataWord);
  Aligned<int8_t> buffer(bytes);
  Aligned<uint32_t> metadata(words);
  std::vector<int32_t> out(64);
  cuda::Int32Epilogue e{out.data(), 4};
  EXPECT_EQ(cuda::launchSparseGemm(buffer.data, 32, buffer.data, metadata.data,
                                   4, 4, 32, e),
            cudaSuccess);
  EXPECT_EQ(cuda::launchSparseGemm(buffer.data, 32, buffer.data, metadata.data,
                                   4, 4, 24, e),
            cudaErrorInvalidValue); // k % 16
  EXPECT_EQ(cuda::launchSparseGemm(buffer.data, 40, buffer.data, metadata.data,
                                   4, 4, 32, e),
            cudaErrorInvalidValue); // lda % 16
  EXPECT_EQ(cuda::launchSparseGemm(buffer.data + 1, 32, buffer.data,
                                   metadata.data, 4, 4, 32, e),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchSparseGemm(buffer.data, 32, buffer.data + 8,
                                   metadata.data, 4, 4, 32, e),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchSparseGemm(buffer.data, 32, buffer.data,
                                   metadata.data + 1, 4, 4, 32, e),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchSparseGemm(buffer.data, 32, buffer.data, metadata.data,
                                   0, 4, 32, e),
            cudaSuccess);
  cuda::ConvShape s{1, 2, 2, 16, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2, 2};
  EXPECT_EQ(cuda::launchSparseConv2d(s, buffer.data, 0, buffer.data,
                                     metadata.data, e),
            cudaSuccess);
  cuda::ConvShape bad = s;
  bad.channels = 8;
  EXPECT_EQ(cuda::launchSparseConv2d(bad, buffer.data, 0, buffer.data,
                                     metadata.data, e),
            cudaErrorInvalidValue);
  bad = s;
  bad.strideW = 0;
  EXPECT_EQ(cuda::launchSparseConv2d(bad, buffer.data, 0, buffer.data,
                                     metadata.data, e),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchSparseConv2d(s, buffer.data, 0, buffer.data,
                                     metadata.data + 2, e),
            cudaErrorInvalidValue);
}

} // namespace
