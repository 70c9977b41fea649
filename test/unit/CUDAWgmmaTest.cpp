//===- CUDAWgmmaTest.cpp - the sm_90a GEMM's host-testable parts ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// What a machine without a GPU can check of whittle_cuda_wgmma.cuh, from
// the headers it includes (whittle_cuda_wgmma_layout.h) and its host
// emulation (whittle_cuda_wgmma_host.h):
// - the wgmma matrix descriptor against the PTX ISA's field table ("Matrix
//   Descriptor Format": start address, leading and stride dimension byte
//   offsets, base offset, swizzle mode), including the k-step advance;
// - the swizzle function: a bijection on each atom that moves only whole
//   16-byte chunks within their row, in the ISA's pattern;
// - the accumulator fragment of wgmma .m64nNk32 .s32: each of the 64 x N
//   outputs once, per warp as mma.m16n8's accumulator (whittle_cuda_layout.h)
//   repeated over the column blocks;
// - one block's data path, simulated: TMA boxes written into shared memory
//   with the 128-byte swizzle (out-of-bounds elements zero), each consumer
//   warpgroup's wgmma reading them through the kernel's descriptors as the
//   ISA's canonical K-major layout defines, the accumulators landing in the
//   fragment, sumA from the kernel's shared-memory reads and shuffles, and
//   the epilogue's staging, against the naive product and row sums;
// - bank-conflict freedom of the sumA loads and the staging stores; the
//   block raster covers every tile once; the launcher's requirements;
// - the host launcher against a direct qnn.matmul + qnn.requantize
//   (QNNArithmetic.h) with weight zero points on ragged shapes.
//
// What only a GPU can tell (that the hardware reads what the ISA says,
// that the pipeline's barriers neither race nor deadlock) is
// bench/gpu/wgmma_check.cu's job.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNArithmetic.h"

#include "whittle_cuda_host.h"
#include "whittle_cuda_wgmma_host.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <set>
#include <vector>

namespace qnn = whittle::qnn;
namespace cuda = whittle_cuda;

namespace {

int64_t uniform(std::mt19937_64 &g, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(g);
}

std::vector<int8_t> randomBytes(std::mt19937_64 &g, size_t size) {
  std::vector<int8_t> bytes(size);
  for (int8_t &b : bytes)
    b = static_cast<int8_t>(uniform(g, -128, 127));
  return bytes;
}

//===----------------------------------------------------------------------===//
// The descriptor, read back by the ISA's table
//===----------------------------------------------------------------------===//

/// The fields of a matrix descriptor as the PTX ISA lists them ("Matrix
/// Descriptor Format"), decoded here independently of the header: 14-bit
/// fields holding bytes >> 4.
struct DecodedDescriptor {
  uint32_t startAddress, leadingByteOffset, strideByteOffset, baseOffset,
      swizzle;
  uint64_t reservedBits;
};

DecodedDescriptor decode(uint64_t d) {
  DecodedDescriptor f;
  f.startAddress = static_cast<uint32_t>(d & 0x3fff) << 4;              // 0-13
  f.leadingByteOffset = static_cast<uint32_t>((d >> 16) & 0x3fff) << 4; // 16-29
  f.strideByteOffset = static_cast<uint32_t>((d >> 32) & 0x3fff) << 4;  // 32-45
  f.baseOffset = static_cast<uint32_t>((d >> 49) & 0x7);                // 49-51
  f.swizzle = static_cast<uint32_t>(d >> 62);                           // 62-63
  // 14-15, 30-31, 46-48 and 52-61 are reserved.
  f.reservedBits = d & ((uint64_t(3) << 14) | (uint64_t(3) << 30) |
                        (uint64_t(7) << 46) | (uint64_t(0x3ff) << 52));
  return f;
}

TEST(CUDAWgmma, DescriptorFields) {
  // A known word: start 0x400, LBO 16, SBO 1024, 128-byte swizzle.
  EXPECT_EQ(
      cuda::wgmmaDescriptor(0x400, 16, 1024, cuda::WgmmaSwizzle::bytes128),
      0x4000004000010040ull);
  EXPECT_EQ(static_cast<uint32_t>(cuda::WgmmaSwizzle::none), 0u);
  EXPECT_EQ(static_cast<uint32_t>(cuda::WgmmaSwizzle::bytes128), 1u);
  EXPECT_EQ(static_cast<uint32_t>(cuda::WgmmaSwizzle::bytes64), 2u);
  EXPECT_EQ(static_cast<uint32_t>(cuda::WgmmaSwizzle::bytes32), 3u);

  std::mt19937_64 g(90);
  for (int trial = 0; trial < 1000; ++trial) {
    auto address = static_cast<uint32_t>(uniform(g, 0, 0x3ffff) & ~15);
    auto lbo = static_cast<uint32_t>(uniform(g, 0, 0x3ffff) & ~15);
    auto sbo = static_cast<uint32_t>(uniform(g, 0, 0x3ffff) & ~15);
    auto mode = static_cast<cuda::WgmmaSwizzle>(uniform(g, 0, 3));
    DecodedDescriptor f =
        decode(cuda::wgmmaDescriptor(address, lbo, sbo, mode));
    EXPECT_EQ(f.startAddress, address);
    EXPECT_EQ(f.leadingByteOffset, lbo);
    EXPECT_EQ(f.strideByteOffset, sbo);
    EXPECT_EQ(f.baseOffset, 0u);
    EXPECT_EQ(f.swizzle, static_cast<uint32_t>(mode));
    EXPECT_EQ(f.reservedBits, 0u);
  }
  // matrix-descriptor-encode(x) = (x & 0x3FFFF) >> 4: bits above 18 go.
  EXPECT_EQ(decode(cuda::wgmmaDescriptor(0x40000 | 0x1230, 0, 0,
                                         cuda::WgmmaSwizzle::none))
                .startAddress,
            0x1230u);
}

/// The kernel's descriptors: every stage tile of the default tile (A's two
/// warpgroup halves, B^T) and every k step, advanced from the tile's
/// descriptor, equal the descriptor of the advanced address, with the
/// 128-byte swizzle, SBO 1024 (one 8-row atom) and LBO 16.
TEST(CUDAWgmma, TileDescriptors) {
  using Tile = cuda::DefaultWgmmaTile;
  for (uint32_t base : {0u, 1024u, 4096u})
    for (int stage = 0; stage < Tile::kStages; ++stage)
      for (uint32_t tile :
           {base + stage * Tile::kStageBytes,
            base + stage * Tile::kStageBytes + 64 * Tile::BK,
            base + stage * Tile::kStageBytes + Tile::kATileBytes})
        for (int step = 0; step < Tile::kSteps; ++step) {
          DecodedDescriptor f = decode(cuda::wgmmaTileDescriptor(tile, step));
          EXPECT_EQ(f.startAddress, tile + 32 * step);
          EXPECT_EQ(f.leadingByteOffset, 16u);
          EXPECT_EQ(f.strideByteOffset, 1024u);
          EXPECT_EQ(f.swizzle, 1u);
          EXPECT_EQ(f.baseOffset, 0u);
          EXPECT_EQ(f.reservedBits, 0u);
          EXPECT_EQ(tile % 1024, 0u);
        }
  // A block's shared addresses (below 228 KiB: 227 KiB of dynamic shared
  // memory after 1 KiB the system reserves) fit the 18 bits of the field.
  EXPECT_LT(228u * 1024, 1u << 18);
  EXPECT_LE(4096u + Tile::kSharedBytes, 228u * 1024);
}

//===----------------------------------------------------------------------===//
// Swizzling
//===----------------------------------------------------------------------===//

/// Each mode is a bijection of its atom (8 rows of S bytes) that keeps
/// every byte in its row and its place inside its 16-byte chunk, repeats
/// every atom, and follows the ISA's pattern: in row r, chunk c goes to
/// chunk c ^ ((r S / 128) % (S / 16)): for 128 bytes c ^ r, for 64 bytes
/// c ^ (r / 2), for 32 bytes c ^ (r / 4) (rows mod 8).
TEST(CUDAWgmma, SwizzleIsTheISAPattern) {
  for (cuda::WgmmaSwizzle mode :
       {cuda::WgmmaSwizzle::bytes128, cuda::WgmmaSwizzle::bytes64,
        cuda::WgmmaSwizzle::bytes32}) {
    const uint32_t s = cuda::swizzleBytes(mode), atom = 8 * s;
    std::vector<int> seen(atom, 0);
    for (uint32_t offset = 0; offset < atom; ++offset) {
      uint32_t to = cuda::swizzleOffset(mode, offset);
      ASSERT_LT(to, atom);
      ++seen[to];
      uint32_t row = offset / s, chunk = offset % s / 16;
      EXPECT_EQ(to / s, row) << "stays in its row";
      EXPECT_EQ(to % 16, offset % 16) << "moves whole chunks";
      uint32_t expected = chunk ^ ((row * s / 128) % (s / 16));
      EXPECT_EQ(to % s / 16, expected) << "mode " << s << " row " << row;
      for (uint32_t repeat : {1u, 5u, 100u})
        EXPECT_EQ(cuda::swizzleOffset(mode, offset + repeat * atom),
                  to + repeat * atom);
    }
    for (int count : seen)
      EXPECT_EQ(count, 1);
  }
  // 128 bytes, as the ISA's figure draws it: row 3's chunks 0..7 are at
  // 3, 2, 1, 0, 7, 6, 5, 4.
  const int row3[8] = {3, 2, 1, 0, 7, 6, 5, 4};
  for (int c = 0; c < 8; ++c)
    EXPECT_EQ(
        cuda::swizzleOffset(cuda::WgmmaSwizzle::bytes128, 3 * 128 + 16 * c),
        uint32_t(3 * 128 + 16 * row3[c]));
  // No swizzle: the identity.
  for (uint32_t offset = 0; offset < 4096; ++offset)
    EXPECT_EQ(cuda::swizzleOffset(cuda::WgmmaSwizzle::none, offset), offset);
}

//===----------------------------------------------------------------------===//
// The accumulator fragment
//===----------------------------------------------------------------------===//

/// The 128 threads' N / 2 registers cover the 64 x N tile once, and each
/// warp's registers 4j..4j+3 are mma.m16n8's c0..c3 of rows 16 w.., columns
/// 8 j.. (the ISA draws the wgmma D fragment as that tile repeated).
TEST(CUDAWgmma, AccumulatorFragmentCoversTheTile) {
  for (int n : {8, 16, 64, 128, 256}) {
    std::vector<int> seen(64 * n, 0);
    for (int thread = 0; thread < cuda::kWarpgroupThreads; ++thread)
      for (int reg = 0; reg < n / 2; ++reg) {
        int row = cuda::wgmmaAccumulatorRow(thread, reg);
        int col = cuda::wgmmaAccumulatorColumn(thread, reg);
        ASSERT_GE(row, 0);
        ASSERT_LT(row, 64);
        ASSERT_GE(col, 0);
        ASSERT_LT(col, n);
        ++seen[row * n + col];
        int warp = thread / 32, lane = thread % 32;
        EXPECT_EQ(row, 16 * warp + cuda::accumulatorRow(lane, reg % 4));
        EXPECT_EQ(col, 8 * (reg / 4) + cuda::accumulatorColumn(lane, reg % 4));
      }
    for (int count : seen)
      EXPECT_EQ(count, 1) << "N " << n;
  }
}

//===----------------------------------------------------------------------===//
// One block, simulated
//===----------------------------------------------------------------------===//

/// TMA's tiled load of a box of `boxRows` x 128 bytes at (k0, row0) of an
/// int8 matrix [rows][k] (stride ld) into shared memory at `dst` (1024-byte
/// aligned) with CU_TENSOR_MAP_SWIZZLE_128B: box row r at 128 r, swizzled;
/// elements outside the matrix are zero (CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE).
void simulateTmaLoad(std::vector<uint8_t> &shared, uint32_t dst,
                     const std::vector<int8_t> &matrix, int64_t rows, int64_t k,
                     int64_t ld, int64_t k0, int64_t row0, int boxRows) {
  for (int r = 0; r < boxRows; ++r)
    for (int c = 0; c < cuda::kWgmmaSliceBytes; ++c) {
      int64_t row = row0 + r, col = k0 + c;
      int8_t value = row < rows && col < k ? matrix[row * ld + col] : 0;
      uint32_t to = dst + cuda::swizzleOffset(cuda::WgmmaSwizzle::bytes128,
                                              uint32_t(r * 128 + c));
      shared[to] = static_cast<uint8_t>(value);
    }
}

/// Where wgmma reads element (row, k byte) of a K-major operand from its
/// descriptor (the PTX ISA's canonical layouts, "Shared Memory Matrix
/// Layout"): rows of an 8-row atom are S bytes apart, atoms SBO apart,
/// k beyond one swizzle row LBO further; the swizzle then applies to the
/// address itself (which is why tiles sit on their atom).
uint32_t wgmmaReadAddress(uint64_t descriptor, int row, int kByte) {
  DecodedDescriptor f = decode(descriptor);
  EXPECT_EQ(f.swizzle, 1u) << "the kernel's tiles use the 128-byte swizzle";
  const uint32_t s = 128;
  uint32_t address = f.startAddress + (row % 8) * s +
                     (row / 8) * f.strideByteOffset +
                     (kByte / s) * f.leadingByteOffset + kByte % s;
  return cuda::swizzleOffset(cuda::WgmmaSwizzle::bytes128, address);
}

int8_t sharedByte(const std::vector<uint8_t> &shared, uint32_t address) {
  return static_cast<int8_t>(shared.at(address));
}

/// The data path of one block of `Tile` over a whole K: each slice as the
/// producer loads it, each consumer warpgroup's four wgmma per slice, the
/// sumA loads and shuffles, and the epilogue's staging, against the
/// naive product and row sums of the block's in-range outputs. The block
/// is the last (ragged) one of an m x n product.
template <class Tile>
void simulateBlock(int64_t m, int64_t n, int64_t k, uint64_t seed) {
  std::mt19937_64 g(seed);
  const int64_t lda = k + 16, ldb = k + 32; // padded rows
  std::vector<int8_t> a = randomBytes(g, size_t(m * lda)),
                      bT = randomBytes(g, size_t(n * ldb));
  const int64_t tilesM = (m + Tile::BM - 1) / Tile::BM;
  const int64_t tilesN = (n + Tile::BN - 1) / Tile::BN;
  const int64_t blockM = (tilesM - 1) * Tile::BM,
                blockN = (tilesN - 1) * Tile::BN;

  const uint32_t base = 1024; // the kernel aligns its buffers thus
  std::vector<uint8_t> shared(base + Tile::kSharedBytes, 0xee);
  // acc[consumer][thread][reg] and the lanes' partial row sums.
  std::vector<std::vector<std::vector<uint32_t>>> acc(
      Tile::kConsumerGroups,
      std::vector<std::vector<uint32_t>>(
          cuda::kWarpgroupThreads,
          std::vector<uint32_t>(Tile::kAccumulators, 0)));
  std::vector<std::vector<std::array<int32_t, 2>>> sums(
      Tile::kConsumerGroups,
      std::vector<std::array<int32_t, 2>>(cuda::kWarpgroupThreads, {0, 0}));

  const int slices = static_cast<int>((k + Tile::BK - 1) / Tile::BK);
  for (int slice = 0; slice < slices; ++slice) {
    const uint32_t stage = base + (slice % Tile::kStages) * Tile::kStageBytes;
    simulateTmaLoad(shared, stage, a, m, k, lda, int64_t(slice) * Tile::BK,
                    blockM, Tile::BM);
    simulateTmaLoad(shared, stage + Tile::kATileBytes, bT, n, k, ldb,
                    int64_t(slice) * Tile::BK, blockN, Tile::BN);
    for (int c = 0; c < Tile::kConsumerGroups; ++c) {
      const uint32_t aTile = stage + c * cuda::kWgmmaM * Tile::BK;
      const uint32_t bTile = stage + Tile::kATileBytes;
      for (int thread = 0; thread < cuda::kWarpgroupThreads; ++thread)
        for (int j = 0; j < 4; ++j) {
          uint32_t words[4];
          std::memcpy(words,
                      &shared[aTile + cuda::wgmmaRowSumOffset(thread, j)], 16);
          for (uint32_t w : words)
            sums[c][thread][j >> 1] =
                cuda::dot4(w, 0x01010101u, sums[c][thread][j >> 1]);
        }
      for (int step = 0; step < Tile::kSteps; ++step) {
        // D[64][BN] += A[64][32] B^T[BN][32]^T, the operands read as the
        // hardware reads them through the kernel's descriptors.
        uint64_t descA = cuda::wgmmaTileDescriptor(aTile, step);
        uint64_t descB = cuda::wgmmaTileDescriptor(bTile, step);
        std::vector<int32_t> aStep(64 * cuda::kWgmmaK),
            bStep(size_t(Tile::BN) * cuda::kWgmmaK);
        for (int kk = 0; kk < cuda::kWgmmaK; ++kk) {
          for (int i = 0; i < 64; ++i)
            aStep[i * cuda::kWgmmaK + kk] =
                sharedByte(shared, wgmmaReadAddress(descA, i, kk));
          for (int col = 0; col < Tile::BN; ++col)
            bStep[col * cuda::kWgmmaK + kk] =
                sharedByte(shared, wgmmaReadAddress(descB, col, kk));
        }
        std::vector<uint32_t> d(size_t(64) * Tile::BN, 0);
        for (int i = 0; i < 64; ++i)
          for (int col = 0; col < Tile::BN; ++col) {
            uint32_t sum = 0;
            for (int kk = 0; kk < cuda::kWgmmaK; ++kk)
              sum += static_cast<uint32_t>(aStep[i * cuda::kWgmmaK + kk] *
                                           bStep[col * cuda::kWgmmaK + kk]);
            d[size_t(i) * Tile::BN + col] = sum;
          }
        for (int thread = 0; thread < cuda::kWarpgroupThreads; ++thread)
          for (int reg = 0; reg < Tile::kAccumulators; ++reg)
            acc[c][thread][reg] +=
                d[size_t(cuda::wgmmaAccumulatorRow(thread, reg)) * Tile::BN +
                  cuda::wgmmaAccumulatorColumn(thread, reg)];
      }
    }
  }

  // The shuffles (xor 1, then xor 2, within each warp), the staging and the
  // epilogue's reads.
  int checked = 0;
  for (int c = 0; c < Tile::kConsumerGroups; ++c) {
    for (int round : {1, 2}) {
      auto before = sums[c];
      for (int thread = 0; thread < cuda::kWarpgroupThreads; ++thread)
        for (int h = 0; h < 2; ++h)
          sums[c][thread][h] =
              cuda::wrapAdd(before[thread][h], before[thread ^ round][h]);
    }
    std::vector<uint32_t> staged(size_t(64) * Tile::kEpiloguePitch, 0);
    std::vector<int32_t> stagedSums(64, 0);
    for (int thread = 0; thread < cuda::kWarpgroupThreads; ++thread) {
      for (int reg = 0; reg < Tile::kAccumulators; ++reg)
        staged[cuda::wgmmaStagedWord(thread, reg, Tile::kEpiloguePitch)] =
            acc[c][thread][reg];
      if ((thread & 3) == 0)
        for (int h = 0; h < 2; ++h)
          stagedSums[cuda::wgmmaAccumulatorRow(thread, 2 * h)] =
              sums[c][thread][h];
    }
    for (int thread = 0; thread < cuda::kWarpgroupThreads; ++thread)
      for (int h = 0; h < 2; ++h)
        EXPECT_EQ(sums[c][thread][h],
                  stagedSums[cuda::wgmmaAccumulatorRow(thread, 2 * h)])
            << "the four lanes of a group agree";
    for (int row = 0; row < 64; ++row) {
      int64_t gm = blockM + c * 64 + row;
      if (gm >= m)
        continue;
      uint32_t rowSum = 0;
      for (int64_t x = 0; x < k; ++x)
        rowSum += static_cast<uint32_t>(int32_t(a[gm * lda + x]));
      EXPECT_EQ(stagedSums[row], static_cast<int32_t>(rowSum)) << "row " << gm;
      for (int col = 0; col < Tile::BN; ++col) {
        int64_t gn = blockN + col;
        if (gn >= n)
          continue;
        uint32_t raw = 0;
        for (int64_t x = 0; x < k; ++x)
          raw += static_cast<uint32_t>(int32_t(a[gm * lda + x]) *
                                       int32_t(bT[gn * ldb + x]));
        ASSERT_EQ(staged[size_t(row) * Tile::kEpiloguePitch + col], raw)
            << "output (" << gm << ", " << gn << ")";
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(CUDAWgmma, SimulatedBlockMatchesTheProduct) {
  // The default tile's last block of a ragged product: 77 of 128 rows (one
  // consumer's rows all outside), 45 of 256 columns, K of 3 slices with a
  // partial last one.
  simulateBlock<cuda::DefaultWgmmaTile>(128 + 77, 256 + 45, 336, 1);
  // Every row and column inside, K one slice.
  simulateBlock<cuda::DefaultWgmmaTile>(128, 256, 128, 2);
  // One consumer warpgroup, N = 128; more slices than stages.
  simulateBlock<cuda::WgmmaTile<1, 128, 3>>(64 + 63, 128 + 100, 1024 + 48, 3);
}

//===----------------------------------------------------------------------===//
// Banks
//===----------------------------------------------------------------------===//

/// Shared memory has 32 banks of 4 bytes; a 16-byte access per thread is
/// served by 8-lane phases and an 8-byte one by 16-lane phases ("Shared
/// Memory" in the CUDA programming guide), each free of conflicts when its
/// words fall in distinct banks.
TEST(CUDAWgmma, SharedAccessesAvoidBankConflicts) {
  // sumA: ld.shared.v4 at wgmmaRowSumOffset (the tile is 1024-aligned).
  for (int j = 0; j < 4; ++j)
    for (int first = 0; first < cuda::kWarpgroupThreads; first += 8) {
      std::set<int> banks;
      for (int thread = first; thread < first + 8; ++thread) {
        uint32_t offset = cuda::wgmmaRowSumOffset(thread, j);
        EXPECT_EQ(offset % 16, 0u);
        for (int word = 0; word < 4; ++word)
          banks.insert((offset / 4 + word) % 32);
      }
      EXPECT_EQ(banks.size(), 32u) << "load " << j << " lanes " << first;
    }
  // Each row's 128 bytes are read once by its group's lanes.
  for (int thread = 0; thread < cuda::kWarpgroupThreads; thread += 4) {
    std::set<uint32_t> chunks;
    for (int lane = thread; lane < thread + 4; ++lane)
      for (int j : {0, 1})
        chunks.insert(cuda::wgmmaRowSumOffset(lane, j) / 16);
    EXPECT_EQ(chunks.size(), 8u);
    for (uint32_t chunk : chunks)
      EXPECT_EQ(int(chunk / 8), cuda::wgmmaRowSumRow(thread, 0));
  }
  // The epilogue's staging: st.shared.v2 of registers reg, reg + 1.
  for (auto [bn, pitch] :
       {std::pair<int, int>{cuda::WgmmaTile<1, 128, 4>::BN,
                            cuda::WgmmaTile<1, 128, 4>::kEpiloguePitch},
        {cuda::DefaultWgmmaTile::BN, cuda::DefaultWgmmaTile::kEpiloguePitch}}) {
    for (int reg = 0; reg < bn / 2; reg += 2)
      for (int first = 0; first < cuda::kWarpgroupThreads; first += 16) {
        std::set<int> banks;
        for (int thread = first; thread < first + 16; ++thread) {
          int word = cuda::wgmmaStagedWord(thread, reg, pitch);
          EXPECT_EQ(word % 2, 0);
          EXPECT_EQ(cuda::wgmmaStagedWord(thread, reg + 1, pitch), word + 1);
          banks.insert(word % 32);
          banks.insert((word + 1) % 32);
        }
        EXPECT_EQ(banks.size(), 32u) << "BN " << bn << " reg " << reg;
      }
  }
}

//===----------------------------------------------------------------------===//
// Raster, tiles, requirements
//===----------------------------------------------------------------------===//

TEST(CUDAWgmma, RasterCoversEveryTileOnce) {
  for (auto [tilesM, tilesN] : {std::pair<int64_t, int64_t>{1, 1},
                                {64, 32},
                                {7, 3},
                                {3, 17},
                                {100, 9},
                                {1, 20},
                                {33, 8}}) {
    std::vector<int> seen(size_t(tilesM * tilesN), 0);
    for (int64_t block = 0; block < tilesM * tilesN; ++block) {
      cuda::WgmmaBlockTile t = cuda::wgmmaBlockTile(block, tilesM, tilesN);
      ASSERT_GE(t.tileM, 0);
      ASSERT_LT(t.tileM, tilesM);
      ASSERT_GE(t.tileN, 0);
      ASSERT_LT(t.tileN, tilesN);
      ++seen[size_t(t.tileM * tilesN + t.tileN)];
    }
    for (int count : seen)
      EXPECT_EQ(count, 1);
  }
  // 8192^3 with 128 x 256 tiles: a wave of 132 blocks reads 8 tile
  // columns of B^T and 17 tile rows of A.
  std::set<int64_t> rows, columns;
  for (int64_t block = 0; block < 132; ++block) {
    cuda::WgmmaBlockTile t = cuda::wgmmaBlockTile(block, 64, 32);
    rows.insert(t.tileM);
    columns.insert(t.tileN);
  }
  EXPECT_EQ(columns.size(), 8u);
  EXPECT_EQ(rows.size(), 17u);
}

TEST(CUDAWgmma, TileShapes) {
  using Tile = cuda::DefaultWgmmaTile;
  EXPECT_EQ(Tile::BM, 128);
  EXPECT_EQ(Tile::BN, 256);
  EXPECT_EQ(Tile::BK, 128);
  EXPECT_EQ(Tile::kThreads, 384);
  EXPECT_EQ(Tile::kAccumulators, 128);
  EXPECT_EQ(Tile::kStageBytes, 48 * 1024);
  EXPECT_EQ(Tile::kSharedBytes, 4 * 48 * 1024 + 64 + 1024);
  // setmaxnreg: what the warps give back is what the others take, within
  // the 64 K registers of the SM, in steps of 8 within [24, 256].
  EXPECT_LE(128 * Tile::kProducerRegisters +
                Tile::kConsumerThreads * Tile::kConsumerRegisters,
            Tile::kThreads * (65536 / Tile::kThreads / 8 * 8));
  EXPECT_EQ(Tile::kProducerRegisters % 8, 0);
  EXPECT_EQ(Tile::kConsumerRegisters % 8, 0);
  EXPECT_GE(Tile::kProducerRegisters, 24);
  EXPECT_LE(Tile::kConsumerRegisters, 256);
  EXPECT_LE(Tile::kProducerRegisters, 65536 / Tile::kThreads / 8 * 8);
  EXPECT_GE(Tile::kConsumerRegisters, 65536 / Tile::kThreads / 8 * 8);
}

TEST(CUDAWgmma, Requirements) {
  alignas(16) static int8_t buffer[64];
  const int8_t *p = buffer;
  auto ok = [&](const int8_t *a, int64_t lda, const int8_t *b, int64_t ldb,
                int64_t m, int64_t n, int64_t k) {
    return cuda::wgmmaGemmSupported(a, lda, b, ldb, m, n, k, 128, 256);
  };
  EXPECT_TRUE(ok(p, 32, p, 32, 5, 7, 32));
  EXPECT_TRUE(ok(p, 48, p, 64, 5, 7, 32));  // padded rows
  EXPECT_FALSE(ok(p, 0, p, 0, 5, 7, 0));    // K = 0: no tensor map
  EXPECT_TRUE(ok(p, 32, p, 32, 0, 7, 32));  // nothing to do
  EXPECT_FALSE(ok(p, 24, p, 24, 5, 7, 24)); // K % 16
  EXPECT_FALSE(ok(p, 40, p, 32, 5, 7, 32)); // lda % 16
  EXPECT_FALSE(ok(p, 32, p, 40, 5, 7, 32)); // ldb % 16
  EXPECT_FALSE(ok(p, 16, p, 32, 5, 7, 32)); // lda < K
  EXPECT_FALSE(ok(p, 32, p, 16, 5, 7, 32)); // ldb < K
  EXPECT_FALSE(ok(p + 8, 32, p, 32, 5, 7, 32));
  EXPECT_FALSE(ok(p, 32, p + 4, 32, 5, 7, 32));
  EXPECT_FALSE(ok(p, 32, p, 32, 5, 7, -16));
  EXPECT_FALSE(ok(p, int64_t(1) << 40, p, 32, 5, 7, 32));
  EXPECT_FALSE(ok(p, 32, p, 32, int64_t(1) << 31, 7, 32));
  EXPECT_FALSE(ok(p, 32, p, 32, 5, int64_t(1) << 31, 32));
  EXPECT_TRUE(ok(p, 32, p, 32, (int64_t(1) << 31) - 1, 7, 32));
  // A grid of more than 2^31 - 1 blocks.
  EXPECT_FALSE(
      ok(p, 32, p, 32, (int64_t(1) << 31) - 1, (int64_t(1) << 31) - 1, 32));
}

//===----------------------------------------------------------------------===//
// The host launcher
//===----------------------------------------------------------------------===//

/// An epilogue that counts its calls.
struct Counting {
  static constexpr bool kNeedsSumA = false;
  int *calls;
  void operator()(int64_t, int, int32_t, int32_t) const { ++*calls; }
};

/// launchWgmmaGemm's emulation through RequantizeEpilogue<true> (per-column
/// weight zero points, folded biases, per-column scales) against a direct
/// qnn.matmul + qnn.requantize; Int32Epilogue's raw sums against the naive
/// product; the requirement checks.
TEST(CUDAWgmma, HostLauncherMatchesQNN) {
  std::mt19937_64 g(91);
  struct Shape {
    int64_t m, n, k, lda, ldb;
  };
  for (Shape s : {Shape{1, 1, 16, 16, 16}, Shape{77, 45, 48, 48, 64},
                  Shape{129, 300, 208, 224, 208}, Shape{3, 257, 16, 16, 16}}) {
    std::vector<int8_t> a = randomBytes(g, size_t(s.m * s.lda + 16)),
                        bT = randomBytes(g, size_t(s.n * s.ldb + 16));
    auto aZp = static_cast<int32_t>(uniform(g, -128, 127));
    std::vector<int32_t> bias(s.n), bZp(s.n), multipliers(s.n), shifts(s.n);
    for (int64_t j = 0; j < s.n; ++j) {
      bias[j] = static_cast<int32_t>(uniform(g, -(1 << 16), 1 << 16));
      bZp[j] = static_cast<int32_t>(uniform(g, -20, 20));
      multipliers[j] = static_cast<int32_t>(uniform(g, 1 << 30, INT32_MAX));
      shifts[j] = static_cast<int32_t>(uniform(g, 36, 44));
    }
    // foldBiases reads B^T with stride k: give it the packed rows.
    std::vector<int8_t> packed(size_t(s.n * s.k));
    for (int64_t j = 0; j < s.n; ++j)
      for (int64_t x = 0; x < s.k; ++x)
        packed[j * s.k + x] = bT[j * s.ldb + x];
    std::vector<int32_t> folded(s.n);
    cuda::foldBiases(packed.data(), s.n, s.k, bias.data(), aZp, bZp.data(),
                     true, folded.data());
    std::vector<int8_t> out(size_t(s.m * s.n), 0);
    cuda::RequantizeEpilogue<true> e;
    e.foldedBias = folded.data();
    e.bZeroPoints = bZp.data();
    e.perColumnZeroPoint = true;
    e.multipliers = multipliers.data();
    e.shifts = shifts.data();
    e.perColumnScale = true;
    e.rounding = cuda::RoundingMode::half_away;
    e.outputZeroPoint = -3;
    e.min = -100;
    e.max = 120;
    e.out = out.data();
    e.ldOut = s.n;
    ASSERT_EQ(cuda::launchWgmmaGemm(a.data(), s.lda, bT.data(), s.ldb, s.m, s.n,
                                    s.k, e),
              cudaSuccess);
    std::vector<int32_t> raw(size_t(s.m * s.n), 0);
    ASSERT_EQ(cuda::launchWgmmaGemm(a.data(), s.lda, bT.data(), s.ldb, s.m, s.n,
                                    s.k, cuda::Int32Epilogue{raw.data(), s.n}),
              cudaSuccess);
    for (int64_t i = 0; i < s.m; ++i)
      for (int64_t j = 0; j < s.n; ++j) {
        int64_t exact = bias[j], product = 0;
        for (int64_t x = 0; x < s.k; ++x) {
          exact += (int64_t(a[i * s.lda + x]) - aZp) *
                   (int64_t(bT[j * s.ldb + x]) - bZp[j]);
          product += int64_t(a[i * s.lda + x]) * bT[j * s.ldb + x];
        }
        ASSERT_EQ(out[i * s.n + j],
                  static_cast<int8_t>(qnn::requantize(
                      exact, multipliers[j], shifts[j],
                      qnn::RoundingMode::half_away, -3, -100, 120)))
            << "(" << i << ", " << j << ") of " << s.m << "x" << s.n << "x"
            << s.k;
        ASSERT_EQ(raw[i * s.n + j], static_cast<int32_t>(product));
      }
  }

  // Refused: nothing is called.
  alignas(16) static int8_t buffer[256];
  int calls = 0;
  Counting counting{&calls};
  EXPECT_EQ(cuda::launchWgmmaGemm(buffer, 24, buffer, 32, 2, 2, 24, counting),
            cudaErrorInvalidValue);
  EXPECT_EQ(
      cuda::launchWgmmaGemm(buffer + 1, 32, buffer, 32, 2, 2, 32, counting),
      cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchWgmmaGemm(buffer, 16, buffer, 32, 2, 2, 32, counting),
            cudaErrorInvalidValue);
  EXPECT_EQ(cuda::launchWgmmaGemm(buffer, 32, buffer, 32, 2, 2, 0, counting),
            cudaErrorInvalidValue);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(cuda::launchWgmmaGemm(buffer, 32, buffer, 32, 0, 2, 32, counting),
            cudaSuccess);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(cuda::launchWgmmaGemm(buffer, 32, buffer, 32, 2, 3, 32, counting),
            cudaSuccess);
  EXPECT_EQ(calls, 6);
}

} // namespace
