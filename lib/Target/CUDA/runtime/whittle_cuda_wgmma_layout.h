//===- whittle_cuda_wgmma_layout.h - index math of the sm_90a GEMM -*- C++
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Everything whittle_cuda_wgmma.cuh computes about addresses and lanes that
// can go wrong silently, as plain `__host__ __device__` functions
// (WHITTLE_ARITH_FN) so that test/unit/CUDAWgmmaTest.cpp checks them on the
// host against a simulation of the PTX instructions:
//
// - the shared-memory matrix descriptor of `wgmma.mma_async` (PTX ISA,
//   "Asynchronous Warpgroup Level Matrix Multiply-Accumulate", "Matrix
//   Descriptor Format"): a 64-bit word holding matrix-descriptor-encode(x)
//   = (x & 0x3FFFF) >> 4 of the start address (bits 0-13), of the leading
//   dimension byte offset (bits 16-29) and of the stride dimension byte
//   offset (bits 32-45), the matrix base offset (bits 49-51) and the
//   swizzle mode (bits 62-63: 0 none, 1 128-byte, 2 64-byte, 3 32-byte);
// - the swizzle modes (PTX ISA, "Shared Memory Matrix Layout" of wgmma;
//   CUDA's CU_TENSOR_MAP_SWIZZLE_*B, which TMA writes): the 16-byte chunk
//   c of row r of a tile with S-byte rows (S = 32, 64, 128) is stored at
//   chunk c ^ ((r S / 128) % (S / 16)) of the row (for 128 bytes: c ^ (r %
//   8)), i.e. address bits 4..6 are XORed with bits 7..9, masked to the S /
//   16 chunks of a row; the pattern repeats every 8 rows (an atom of 8 x S
//   bytes, aligned to its size);
// - the accumulator fragment of `wgmma .m64nNk32 .s32` (PTX ISA, "Register
//   Fragments and Shared Memory Matrix Layouts", matrix D): warp w of the
//   warpgroup holds rows 16 w .. 16 w + 15, like mma.m16n8's accumulator
//   repeated over the N / 8 column blocks;
// - the lanes' shared-memory reads of A's row sums (sumA), the order in
//   which blocks take output tiles, the tile shapes and the launcher's
//   requirements (shared with the host emulation, whittle_cuda_wgmma_host.h).
//
// Builds with g++ -std=c++17 -Wall -Werror and with nvcc.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_WGMMA_LAYOUT_H
#define WHITTLE_CUDA_WGMMA_LAYOUT_H

#include "whittle_hls_arith.h"

#include <cstdint>

namespace whittle_cuda {

//===----------------------------------------------------------------------===//
// wgmma.mma_async.sync.aligned.m64nNk32.s32.s8.s8
//===----------------------------------------------------------------------===//

/// A warpgroup: four consecutive warps (PTX ISA, "Warpgroup").
constexpr int kWarpgroupThreads = 128;
/// The M and K of one `wgmma .m64nNk32` with .s8 operands (PTX ISA, "Matrix
/// shape": N from 8 to 256 for .s8/.u8, 8, 16, 24, then multiples of 16).
constexpr int kWgmmaM = 64, kWgmmaK = 32;

/// The swizzle mode field of a matrix descriptor (bits 62-63).
enum class WgmmaSwizzle : uint32_t {
  none = 0,
  bytes128 = 1,
  bytes64 = 2,
  bytes32 = 3,
};

/// The row width S (bytes) of a swizzle mode's atom of 8 rows; 16 (one
/// chunk, nothing to permute) for none.
WHITTLE_ARITH_FN constexpr int swizzleBytes(WgmmaSwizzle mode) {
  return mode == WgmmaSwizzle::bytes128  ? 128
         : mode == WgmmaSwizzle::bytes64 ? 64
         : mode == WgmmaSwizzle::bytes32 ? 32
                                         : 16;
}

/// Where the byte at `offset` of a row-major tile of swizzleBytes(mode)-byte
/// rows (placed at an address aligned to the atom, 8 rows) lands in
/// shared memory: its 16-byte chunk index (address bits 4..6) is XORed
/// with address bits 7..9, masked to the chunks of a row. CUTLASS calls
/// these Swizzle<3,4,3>, <2,4,3> and <1,4,3>.
WHITTLE_ARITH_FN constexpr uint32_t swizzleOffset(WgmmaSwizzle mode,
                                                  uint32_t offset) {
  return offset ^
         (((offset >> 7) & uint32_t(swizzleBytes(mode) / 16 - 1)) << 4);
}

/// matrix-descriptor-encode(x) (PTX ISA, "Matrix Descriptor Format").
WHITTLE_ARITH_FN constexpr uint64_t matrixDescriptorEncode(uint32_t x) {
  return uint64_t((x & 0x3FFFFu) >> 4);
}

/// The descriptor of an operand tile at shared address `address` (bits
/// 0-13), leading dimension byte offset `lbo` (16-29), stride dimension
/// byte offset `sbo` (32-45), base offset 0 (49-51: the tiles start on
/// their swizzle atom) and swizzle `mode` (62-63).
WHITTLE_ARITH_FN constexpr uint64_t wgmmaDescriptor(uint32_t address,
                                                    uint32_t lbo, uint32_t sbo,
                                                    WgmmaSwizzle mode) {
  return matrixDescriptorEncode(address) | matrixDescriptorEncode(lbo) << 16 |
         matrixDescriptorEncode(sbo) << 32 | uint64_t(mode) << 62;
}

/// `descriptor` with its start address moved `bytes` (a multiple of 16)
/// further, for the k steps inside a swizzle row: the start address field
/// is the low bits and a shared address (< 2^18) never carries out of it.
WHITTLE_ARITH_FN constexpr uint64_t advanceDescriptor(uint64_t descriptor,
                                                      uint32_t bytes) {
  return descriptor + (bytes >> 4);
}

/// The accumulator `.s32` register `reg` (0 .. N / 2 - 1) of thread `thread`
/// (0..127 in the warpgroup) of `wgmma .m64nNk32`: row 16 warp + groupID
/// (+ 8 for registers 2 and 3 of each group of four), column 8 (reg / 4) +
/// 2 threadID_in_group + (reg & 1).
WHITTLE_ARITH_FN constexpr int wgmmaAccumulatorRow(int thread, int reg) {
  return (thread >> 5) * 16 + ((thread & 31) >> 2) + ((reg >> 1) & 1) * 8;
}
WHITTLE_ARITH_FN constexpr int wgmmaAccumulatorColumn(int thread, int reg) {
  return (reg >> 2) * 8 + (thread & 3) * 2 + (reg & 1);
}

//===----------------------------------------------------------------------===//
// Shared-memory tiles
//===----------------------------------------------------------------------===//

// Both operands are K-major (the only major-ness wgmma takes for .s8): a
// tile of R rows (m of A, n of B^T) by BK = 128 bytes of k is what one TMA
// box with CU_TENSOR_MAP_SWIZZLE_128B writes at a 1024-byte aligned address:
// row r at byte 128 r, swizzled by swizzleOffset(bytes128, .). wgmma reads
// it through a descriptor with the 128-byte swizzle, the stride dimension
// byte offset 1024 (from one 8-row atom to the next) and the start
// address advanced by 32 bytes per k32 step (the hardware swizzles the
// full address, which is why the tiles sit on 1024-byte boundaries); the
// leading dimension byte offset is unused when a k step stays inside one
// swizzle row, and set to 16 (encoded 1).

/// Bytes of k per stage: one 128-byte swizzle row.
constexpr int kWgmmaSliceBytes = 128;
/// The atom of the 128-byte swizzle: 8 rows.
constexpr int kWgmmaAtomBytes = 8 * kWgmmaSliceBytes;
constexpr uint32_t kWgmmaLeadingByteOffset = 16;
constexpr uint32_t kWgmmaStrideByteOffset = kWgmmaAtomBytes;

/// The descriptor of k step `step` (32 bytes) of a K-major 128-byte
/// swizzled tile at shared address `tile` (1024-byte aligned).
WHITTLE_ARITH_FN constexpr uint64_t wgmmaTileDescriptor(uint32_t tile,
                                                        int step) {
  return advanceDescriptor(wgmmaDescriptor(tile, kWgmmaLeadingByteOffset,
                                           kWgmmaStrideByteOffset,
                                           WgmmaSwizzle::bytes128),
                           uint32_t(step * kWgmmaK));
}

/// sumA from shared memory: thread `thread` of a consumer warpgroup reads
/// four 16-byte chunks (j = 0..3) of its warpgroup's 64 x 128 A tile, which
/// together are the 32 bytes of k at chunks 2 t, 2 t + 1 (t =
/// threadID_in_group) of the two rows its accumulators hold (j / 2 picks
/// the row: accumulator registers 0, 1 or 2, 3). The four lanes of a group
/// read disjoint chunks of the same rows, so that two xor shuffles (1, 2)
/// complete the rows' sums, and each eight-lane phase of an ld.shared.v4
/// covers the 32 banks once. The offset is the swizzled one, within the
/// tile.
WHITTLE_ARITH_FN constexpr int wgmmaRowSumRow(int thread, int j) {
  return wgmmaAccumulatorRow(thread, 2 * (j >> 1));
}
WHITTLE_ARITH_FN constexpr uint32_t wgmmaRowSumOffset(int thread, int j) {
  return swizzleOffset(WgmmaSwizzle::bytes128,
                       uint32_t(wgmmaRowSumRow(thread, j) * kWgmmaSliceBytes +
                                ((thread & 3) * 2 + (j & 1)) * 16));
}

/// The word (within a consumer warpgroup's staging area of 64 rows of
/// `pitch` words) where the epilogue stages accumulator register `reg` of
/// `thread`; registers reg, reg + 1 (reg even) are adjacent words, stored
/// as one 8-byte st.shared.v2. With pitch = BN + 8 (BN a multiple of 32)
/// the rows of one 16-lane phase of such a store start 8 banks apart, so
/// its 32 words fall in distinct banks.
WHITTLE_ARITH_FN constexpr int wgmmaStagedWord(int thread, int reg, int pitch) {
  return wgmmaAccumulatorRow(thread, reg) * pitch +
         wgmmaAccumulatorColumn(thread, reg);
}

//===----------------------------------------------------------------------===//
// Tiles
//===----------------------------------------------------------------------===//

/// A thread block of 1 + kConsumerGroups warpgroups: warpgroup 0 produces
/// (one thread issues the TMA loads, into kStages buffers), and consumer
/// warpgroup c computes rows 64 c .. 64 c + 63 of the block's BM x BN tile
/// with one `wgmma .m64n<BN>k32` per 32 bytes of k. BK is 128 bytes: one
/// 128-byte swizzle row per stage and operand row.
template <int kConsumerGroups_, int BN_, int kStages_> struct WgmmaTile {
  static constexpr int kConsumerGroups = kConsumerGroups_;
  static constexpr int BM = kWgmmaM * kConsumerGroups, BN = BN_;
  static constexpr int BK = kWgmmaSliceBytes;
  static constexpr int kStages = kStages_;
  static constexpr int kConsumerThreads = kWarpgroupThreads * kConsumerGroups;
  static constexpr int kThreads = kWarpgroupThreads + kConsumerThreads;
  /// wgmma steps per stage and s32 accumulators per consumer thread.
  static constexpr int kSteps = BK / kWgmmaK;
  static constexpr int kAccumulators = kWgmmaM * BN / kWarpgroupThreads;
  /// A stage: A's BM rows, then B^T's BN rows, 128 bytes each; both
  /// 1024-byte aligned when the stage is. Then one full and one empty
  /// mbarrier (8 bytes) per stage. kSharedBytes adds the slack for aligning
  /// the dynamic shared memory to 1024 bytes.
  static constexpr int kATileBytes = BM * BK, kBTileBytes = BN * BK;
  static constexpr int kStageBytes = kATileBytes + kBTileBytes;
  static constexpr int kBarrierOffset = kStages * kStageBytes;
  static constexpr int kSharedBytes =
      kBarrierOffset + 2 * 8 * kStages + kWgmmaAtomBytes;
  /// The epilogue's staging (in the stage buffers, idle by then): each
  /// consumer warpgroup's 64 x BN accumulators as words with a row pitch of
  /// BN + 8 (wgmmaStagedWord: conflict-free 8-byte stores), then its 64 row
  /// sums.
  static constexpr int kEpiloguePitch = BN + 8;
  static constexpr int kEpilogueSumOffset = kWgmmaM * kEpiloguePitch * 4;
  static constexpr int kEpilogueGroupBytes = kEpilogueSumOffset + kWgmmaM * 4;
  /// Registers per thread after `setmaxnreg` (0: not used): the producer
  /// gives its registers to the consumers' accumulators. 384 threads start
  /// with 65536 / 384 = 168 (rounded down to 8); 128 x 40 + 256 x 232 =
  /// 64512 is what they hold.
  static constexpr int kProducerRegisters = kConsumerGroups == 2 ? 40 : 0;
  static constexpr int kConsumerRegisters = kConsumerGroups == 2 ? 232 : 0;

  static_assert(kConsumerGroups == 1 || kConsumerGroups == 2,
                "one or two consumer warpgroups");
  // The kernel has the wgmma of N = 128 and 256 (a TMA box has at most
  // 256 rows).
  static_assert(BN == 128 || BN == 256, "BN is 128 or 256");
  static_assert(kStages >= 2, "a pipeline needs two buffers");
  static_assert(kATileBytes % kWgmmaAtomBytes == 0 &&
                    kBTileBytes % kWgmmaAtomBytes == 0,
                "tiles stay on swizzle atoms");
  static_assert(kConsumerGroups * kEpilogueGroupBytes <= kBarrierOffset,
                "the epilogue's staging fits in the stage buffers");
  // sm_90's largest dynamic shared memory per block (CUDA programming
  // guide, "Technical Specifications": 227 KiB).
  static_assert(kSharedBytes <= 227 * 1024, "too much shared memory");
};

/// The default for large int8 products: 128 x 256 outputs per block (two
/// consumer warpgroups of 64 x 256, 128 accumulators per thread), 4 stages
/// of 48 KiB (193 KiB of shared memory with the barriers and the
/// alignment slack): one block per SM.
using DefaultWgmmaTile = WgmmaTile<2, 256, 4>;

/// Consecutive blocks walk kWgmmaRasterGroup tile columns (N) down all tile
/// rows (M) before the next group of columns, so that the blocks resident
/// at once share their B^T tiles and a few A tiles in L2 (a 132-SM wave of
/// 128 x 256 tiles reads 8 columns and 17 rows of tiles, rather than 2
/// columns and all rows).
constexpr int kWgmmaRasterGroup = 8;

struct WgmmaBlockTile {
  int64_t tileM, tileN;
};

/// The output tile of block `block` (0 .. tilesM tilesN - 1).
WHITTLE_ARITH_FN WgmmaBlockTile wgmmaBlockTile(int64_t block, int64_t tilesM,
                                               int64_t tilesN) {
  int64_t perGroup = int64_t(kWgmmaRasterGroup) * tilesM;
  int64_t group = block / perGroup, inGroup = block % perGroup;
  int64_t firstN = group * kWgmmaRasterGroup;
  int64_t width =
      tilesN - firstN < kWgmmaRasterGroup ? tilesN - firstN : kWgmmaRasterGroup;
  WgmmaBlockTile tile;
  tile.tileM = inGroup / width;
  tile.tileN = firstN + inGroup % width;
  return tile;
}

//===----------------------------------------------------------------------===//
// Requirements
//===----------------------------------------------------------------------===//

/// What launchWgmmaGemm (and its host emulation) accept, else
/// cudaErrorInvalidValue: K a positive multiple of 16 (launchGemm's
/// multiple, so that the emitter's layouts serve both; TMA alone would
/// take any K, but a tensor map has no empty dimension, so K = 0, which
/// launchGemm takes, is refused), the row strides multiples of 16, at
/// least K and below 2^40 and the pointers 16-byte aligned
/// (cuTensorMapEncodeTiled's requirements on globalStrides and
/// globalAddress), M, N, K at most 2^31 - 1 (TMA coordinates are s32) and
/// the grid's block count too.
WHITTLE_ARITH_FN bool wgmmaGemmSupported(const void *a, int64_t lda,
                                         const void *bT, int64_t ldb, int64_t m,
                                         int64_t n, int64_t k, int BM, int BN) {
  const int64_t kInt32Max = 0x7fffffff, kStrideLimit = int64_t(1) << 40;
  if (k <= 0 || k % 16 || lda % 16 || ldb % 16 || lda < k || ldb < k ||
      lda >= kStrideLimit || ldb >= kStrideLimit)
    return false;
  if ((reinterpret_cast<uintptr_t>(a) & 15) ||
      (reinterpret_cast<uintptr_t>(bT) & 15))
    return false;
  if (m > kInt32Max || n > kInt32Max || k > kInt32Max)
    return false;
  if (m > 0 && n > 0 && ((m + BM - 1) / BM) * ((n + BN - 1) / BN) > kInt32Max)
    return false;
  return true;
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_WGMMA_LAYOUT_H
