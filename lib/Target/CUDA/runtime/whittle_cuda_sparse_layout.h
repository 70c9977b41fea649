//===- whittle_cuda_sparse_layout.h - 2:4 sparse weights' layout -*- C++ -*-=//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The index math of the 2:4-sparse tensor-core product
// (whittle_cuda_sparse.cuh): how 2:4-sparse weights are compressed into
// values and metadata, which lane of `mma.sp.m16n8k64 .s8` holds which
// value, metadata word and activation byte, and where the kernel's lanes
// point ldmatrix, so that test/unit/CUDASparseTest.cpp can check all of it
// on the host against a simulation of the PTX instructions.
//
// The product. Weights B^T [N][K] (a GEMM's B^T, a convolution's OHWI
// weights with k = (kh, kw, c)) that are 2:4 sparse along K (every group of
// four consecutive k, k % 4 == 0 to k + 3, holds at most two non-zero
// bytes; include/whittle/Transforms/SparsityPattern.h) are the sparse
// operand. `mma.sp` takes the sparse operand as A (the M side), so the
// kernel computes the transposed product C^T [N][M] = W [N][K] x X^T: the
// mma's rows are output channels (the GEMM's n), its columns activation
// rows (the GEMM's m: pixels), and the epilogue is still called with
// (m = activation row, n = channel).
//
// The compressed weights (compressSparse24). K is padded with zeros to
// Kp = sparsePaddedK(K), a multiple of 64 (the k of one mma.sp), so that
// every mma step has its metadata; padding adds nothing, since the kernel
// reads the activations past K as zeros too.
//   values:   int8 [N][Kp / 2], row-major: group g of row n (k = 4g ..
//             4g + 3) keeps two bytes at values[n][2g] and [2g + 1], the
//             byte of the lower k first (zeros where the group has fewer
//             than two non-zeros).
//   metadata: uint32 [ceil(N / 16)][Kp / 64][32], in the order the kernel's
//             lanes read it: word `lane` of (row tile t, k step s) is the
//             metadata register of lane `lane` for the mma.sp of rows
//             16t .. 16t + 15 and k = 64s .. 64s + 63 (sparseMetadataLane);
//             its nibble j (bits 4j .. 4j + 3) describes group j of its
//             row and k half: bits [1:0] the position (0..3) in the group
//             of the first kept byte, [3:2] that of the second, first <
//             second (`mma.sp::ordered_metadata`). Rows past N hold
//             kEmptyMetadataWord.
// Both arrays must be 16-byte aligned (cudaMalloc's are): the kernel
// copies them with 16-byte cp.async.
//
// Builds with g++ -std=c++17 -Wall -Werror and with nvcc.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_SPARSE_LAYOUT_H
#define WHITTLE_CUDA_SPARSE_LAYOUT_H

#include "whittle_cuda_layout.h"

#include <cstdint>

namespace whittle_cuda {

//===----------------------------------------------------------------------===//
// mma.sp.m16n8k64 with .s8 operands
//===----------------------------------------------------------------------===//

/// The shape of one `mma.sp::ordered_metadata.sync.aligned.m16n8k64.row.col
/// .s32.s8.s8.s32` (PTX ISA, "Matrix fragments for sparse mma.m16n8k64
/// with .u8 / .s8 type"): A is 16 x 64 with two non-zeros in every group of
/// four, given as its 16 x 32 compressed values.
constexpr int kSparseMmaM = 16, kSparseMmaN = 8, kSparseMmaK = 64;
/// Compressed bytes of A per row and mma step.
constexpr int kSparseMmaKValues = kSparseMmaK / 2;
/// Registers per thread: A four .b32 of four compressed .s8 each, B four
/// .b32 of four .s8, C and D four .s32, the metadata one .b32.
constexpr int kSparseMmaARegs = 4, kSparseMmaBRegs = 4, kSparseMmaCRegs = 4;

// With groupID = lane >> 2 and threadID_in_group = lane % 4, the PTX ISA
// places A's values in register r of a lane at row groupID (+ 8 for r = 1,
// 3) and at the four compressed columns 4 threadID_in_group + 16 (r >> 1)
// .. + 3: exactly mma.m16n8k32's A fragment over the compressed 16 x 32
// values, so fragmentARow / fragmentAColumn and the ldmatrix addresses
// ldmatrixARow / ldmatrixAColumn of whittle_cuda_layout.h apply to the
// compressed tile unchanged. C and D are mma.m16n8k32's (accumulatorRow,
// accumulatorColumn).

/// B's row (k, within 64) of register `reg`, byte `byte`: threadID_in_group
/// * 4 + byte + 16 reg (PTX ISA, the figures for rows 0-15, 16-31, 32-47
/// and 48-63 of B).
WHITTLE_ARITH_FN int sparseFragmentBRow(int lane, int reg, int byte) {
  return (lane & 3) * 4 + reg * 16 + byte;
}
/// B's column (n): groupID.
WHITTLE_ARITH_FN int sparseFragmentBColumn(int lane) { return lane >> 2; }

/// ldmatrix.x4 of one n8 tile's B fragment from the activation rows
/// (k-contiguous, the B^T tile): lanes 8j..8j+7 point at the eight rows'
/// bytes 16j .. 16j + 15, so matrix j is register j.
WHITTLE_ARITH_FN int sparseLdmatrixBRow(int lane) { return lane & 7; }
WHITTLE_ARITH_FN int sparseLdmatrixBColumn(int lane) {
  return (lane >> 3) * 16;
}

// The metadata. All four threads of a group contribute (sparsity selector
// 0, the only one m16n8k64 .s8 admits); the group of lanes 4g .. 4g + 3
// describes rows g and g + 8, and lane 4g + t holds row g + 8 (t & 1)'s
// sixteen groups of k half t >> 1 (k = 32 (t >> 1) .. + 31 of the step),
// one nibble per group in increasing k: for k = 0..31 the pair T0, T1, as
// the selector-0 metadata of mma.m16n8k32 .s8, for k = 32..63 the pair T2,
// T3, as its selector 1. (This is the order CUTLASS's reorder_meta and
// ldmatrix put the words in; test/unit/CUDASparseTest.cpp simulates it.)

/// The row (within 16) whose metadata `lane` holds.
WHITTLE_ARITH_FN int sparseMetadataRow(int lane) {
  return (lane >> 2) + (lane & 1) * 8;
}
/// The k half (0: k 0..31 of the step, 1: k 32..63) it holds.
WHITTLE_ARITH_FN int sparseMetadataHalf(int lane) { return (lane >> 1) & 1; }
/// The lane holding the metadata of `row` (within 16) and k half `half`.
WHITTLE_ARITH_FN int sparseMetadataLane(int row, int half) {
  return (row & 7) * 4 + (row >> 3) + half * 2;
}

/// Metadata of a group with nothing to keep: positions 0 and 1 in every
/// nibble (0b0100). Nibbles 0b0000, 0b0101, 0b1010 and 0b1111 are
/// undefined behavior (PTX ISA, "Sparse matrix storage").
constexpr uint32_t kEmptyMetadataWord = 0x44444444u;

/// The position in its group (0..3) of kept byte `which` (0 or 1) of a
/// metadata nibble.
WHITTLE_ARITH_FN int sparsePosition(uint32_t nibble, int which) {
  return static_cast<int>((nibble >> (2 * which)) & 3u);
}

//===----------------------------------------------------------------------===//
// Storage
//===----------------------------------------------------------------------===//

/// K padded to whole mma steps.
WHITTLE_ARITH_FN int64_t sparsePaddedK(int64_t k) {
  return (k + kSparseMmaK - 1) / kSparseMmaK * kSparseMmaK;
}
/// Bytes per row of the values: Kp / 2, a multiple of 32.
WHITTLE_ARITH_FN int64_t sparseValueRowBytes(int64_t k) {
  return sparsePaddedK(k) / 2;
}
/// Bytes of the values of n rows.
WHITTLE_ARITH_FN int64_t sparseValueBytes(int64_t n, int64_t k) {
  return n * sparseValueRowBytes(k);
}
/// mma steps along K.
WHITTLE_ARITH_FN int64_t sparseKSteps(int64_t k) {
  return sparsePaddedK(k) / kSparseMmaK;
}
/// Row tiles of 16.
WHITTLE_ARITH_FN int64_t sparseRowTiles(int64_t n) {
  return (n + kSparseMmaM - 1) / kSparseMmaM;
}
/// 32-bit words of metadata of n rows: 32 per 16 rows and mma step.
WHITTLE_ARITH_FN int64_t sparseMetadataWords(int64_t n, int64_t k) {
  return sparseRowTiles(n) * sparseKSteps(k) * 32;
}
/// The metadata word holding row `row`'s groups of k step `step`, k half
/// `half`, with `kSteps` = sparseKSteps(K).
WHITTLE_ARITH_FN int64_t sparseMetadataIndex(int64_t row, int64_t step,
                                             int half, int64_t kSteps) {
  return ((row / kSparseMmaM) * kSteps + step) * 32 +
         sparseMetadataLane(static_cast<int>(row % kSparseMmaM), half);
}

/// Compresses 2:4-sparse weights bT [n][k] (row-major, rows of k bytes)
/// into `values` (sparseValueBytes(n, k) bytes) and `metadata`
/// (sparseMetadataWords(n, k) words), both laid out as described at the
/// top. Returns false, leaving both partly written, if a group of four
/// (k = 4g .. 4g + 3, padded with zeros past k) holds more than two
/// non-zero bytes. The bytes are the stored int8 weights: with a weight
/// zero point, the real zero is that byte, not 0, and only symmetric
/// weights (zero point 0) keep their sparsity here. For the host: the
/// emitter compresses constants once.
inline bool compressSparse24(const int8_t *bT, int64_t n, int64_t k,
                             int8_t *values, uint32_t *metadata) {
  const int64_t rowBytes = sparseValueRowBytes(k), kSteps = sparseKSteps(k);
  for (int64_t i = 0; i < sparseMetadataWords(n, k); ++i)
    metadata[i] = kEmptyMetadataWord;
  for (int64_t row = 0; row < n; ++row)
    for (int64_t group = 0; group < rowBytes / 2; ++group) {
      // The non-zero positions, then the lowest unused ones, ascending.
      int positions[4], kept = 0;
      for (int p = 0; p < 4; ++p) {
        int64_t at = 4 * group + p;
        if (at < k && bT[row * k + at] != 0) {
          if (kept == 2)
            return false;
          positions[kept++] = p;
        }
      }
      for (int p = 0; kept < 2; ++p) {
        bool used = false;
        for (int i = 0; i < kept; ++i)
          used = used || positions[i] == p;
        if (!used)
          positions[kept++] = p;
      }
      if (positions[0] > positions[1]) {
        int t = positions[0];
        positions[0] = positions[1];
        positions[1] = t;
      }
      uint32_t nibble = 0;
      for (int which = 0; which < 2; ++which) {
        int64_t at = 4 * group + positions[which];
        values[row * rowBytes + 2 * group + which] =
            at < k ? bT[row * k + at] : int8_t(0);
        nibble |= uint32_t(positions[which]) << (2 * which);
      }
      // Group `group` of the row: step group / 16, half (group / 8) % 2,
      // nibble group % 8.
      int64_t word = sparseMetadataIndex(
          row, group / 16, static_cast<int>((group / 8) % 2), kSteps);
      int shift = static_cast<int>(group % 8) * 4;
      metadata[word] = (metadata[word] & ~(0xfu << shift)) | (nibble << shift);
    }
  return true;
}

/// The inverse: the dense weights [n][sparsePaddedK(k)] that `values` and
/// `metadata` describe (zeros past k). For the host emulation and tests.
inline void decompressSparse24(const int8_t *values, const uint32_t *metadata,
                               int64_t n, int64_t k, int8_t *bT) {
  const int64_t rowBytes = sparseValueRowBytes(k), kSteps = sparseKSteps(k);
  const int64_t kp = sparsePaddedK(k);
  for (int64_t row = 0; row < n; ++row) {
    for (int64_t i = 0; i < kp; ++i)
      bT[row * kp + i] = 0;
    for (int64_t group = 0; group < rowBytes / 2; ++group) {
      uint32_t word = metadata[sparseMetadataIndex(
          row, group / 16, static_cast<int>((group / 8) % 2), kSteps)];
      uint32_t nibble = (word >> (4 * (group % 8))) & 0xfu;
      for (int which = 0; which < 2; ++which)
        bT[row * kp + 4 * group + sparsePosition(nibble, which)] =
            values[row * rowBytes + 2 * group + which];
    }
  }
}

//===----------------------------------------------------------------------===//
// The kernel's tiles
//===----------------------------------------------------------------------===//

/// A block tile of the sparse product: BC output channels (weight rows, the
/// mma's M) by BP activation rows (pixels, the mma's N) over BK-wide slices
/// of dense k, warp tiles of WC x WP, kStages shared-memory buffers. A
/// stage holds the slice's compressed weights [BC][BK / 2], its activations
/// [BP][BK] (rows padded by sharedRowBytes) and its metadata [BC / 16][BK /
/// 64][32] words. The kernel and test/unit/CUDASparseTest.cpp compute every
/// shared-memory offset with the functions below.
template <int BC_, int BP_, int BK_, int WC_, int WP_, int kStages_>
struct SparseGemmTile {
  static constexpr int BC = BC_, BP = BP_, BK = BK_, WC = WC_, WP = WP_;
  static constexpr int kStages = kStages_;
  static constexpr int kWarpsC = BC / WC, kWarpsP = BP / WP;
  static constexpr int kThreads = 32 * kWarpsC * kWarpsP;
  /// mma tiles per warp, and mma steps per slice.
  static constexpr int kMmaTilesC = WC / kSparseMmaM;
  static constexpr int kMmaTilesP = WP / kSparseMmaN;
  static constexpr int kSteps = BK / kSparseMmaK;

  static constexpr int kARowBytes = sharedRowBytes(BK / 2);
  static constexpr int kBRowBytes = sharedRowBytes(BK);
  static constexpr int kAOffset = 0;
  static constexpr int kBOffset = kAOffset + BC * kARowBytes;
  static constexpr int kEOffset = kBOffset + BP * kBRowBytes;
  static constexpr int kEBytes = BC / kSparseMmaM * kSteps * 32 * 4;
  static constexpr int kStageBytes = kEOffset + kEBytes;
  static constexpr int kSharedBytes = kStages * kStageBytes;

  /// 16-byte copies per slice: per compressed row, per activation row, of
  /// metadata, and per thread (the metadata's with a bound check).
  static constexpr int kAChunksPerRow = BK / 2 / 16;
  static constexpr int kBChunksPerRow = BK / 16;
  static constexpr int kAChunksPerThread = BC * kAChunksPerRow / kThreads;
  static constexpr int kBChunksPerThread = BP * kBChunksPerRow / kThreads;
  static constexpr int kEChunks = kEBytes / 16;
  static constexpr int kEChunksPerThread = (kEChunks + kThreads - 1) / kThreads;

  static_assert(BC % WC == 0 && BP % WP == 0, "warp tiles must divide");
  static_assert(WC % kSparseMmaM == 0, "a warp's channels are m16 tiles");
  static_assert(WP % kSparseMmaN == 0, "a warp's pixels are n8 tiles");
  static_assert(BK % kSparseMmaK == 0, "a slice is whole k64 steps");
  static_assert(kStages >= 2, "a pipeline needs two buffers");
  static_assert(BC * kAChunksPerRow % kThreads == 0 &&
                    BP * kBChunksPerRow % kThreads == 0,
                "every thread copies the same number of chunks");

  // Copies: chunk `chunk` (thread + i * kThreads) of a slice.

  /// Compressed weights: row and byte column (within BK / 2).
  WHITTLE_ARITH_FN static int aChunkRow(int chunk) {
    return chunk / kAChunksPerRow;
  }
  WHITTLE_ARITH_FN static int aChunkColumn(int chunk) {
    return chunk % kAChunksPerRow * 16;
  }
  /// Activations: row and k column (within BK).
  WHITTLE_ARITH_FN static int bChunkRow(int chunk) {
    return chunk / kBChunksPerRow;
  }
  WHITTLE_ARITH_FN static int bChunkColumn(int chunk) {
    return chunk % kBChunksPerRow * 16;
  }
  /// Metadata: the stage's words are [BC / 16][kSteps][32], so chunk c is
  /// its bytes 16c .. 16c + 15: words 4 (c % 8) .. + 3 of row tile c / 8
  /// / kSteps (within the block) and step c / 8 % kSteps (within the
  /// slice), which are contiguous in the global metadata too.
  WHITTLE_ARITH_FN static int eChunkTile(int chunk) {
    return chunk / 8 / kSteps;
  }
  WHITTLE_ARITH_FN static int eChunkStep(int chunk) {
    return chunk / 8 % kSteps;
  }
  WHITTLE_ARITH_FN static int eChunkWord(int chunk) { return chunk % 8 * 4; }

  // Fragment reads, in bytes from the start of a stage.

  /// Lane `lane`'s ldmatrix address of m16 tile `i` of warp row `warpC`
  /// at mma step `step` of the slice.
  WHITTLE_ARITH_FN static int aFragment(int warpC, int i, int step, int lane) {
    return kAOffset +
           (warpC * WC + i * kSparseMmaM + ldmatrixARow(lane)) * kARowBytes +
           step * kSparseMmaKValues + ldmatrixAColumn(lane);
  }
  /// Lane `lane`'s ldmatrix address of n8 tile `j` of warp column `warpP`.
  WHITTLE_ARITH_FN static int bFragment(int warpP, int j, int step, int lane) {
    return kBOffset +
           (warpP * WP + j * kSparseMmaN + sparseLdmatrixBRow(lane)) *
               kBRowBytes +
           step * kSparseMmaK + sparseLdmatrixBColumn(lane);
  }
  /// Lane `lane`'s metadata word of m16 tile `i` of warp row `warpC`.
  WHITTLE_ARITH_FN static int eFragment(int warpC, int i, int step, int lane) {
    return kEOffset +
           (((warpC * kMmaTilesC + i) * kSteps + step) * 32 + lane) * 4;
  }
};

/// The default sparse tile on sm_80 and sm_90: 128 channels x 128 pixels x
/// 128 k in 3 stages (90 KiB of shared memory), 8 warps of 64 x 32: per
/// block barrier as many tensor-core k bytes as the dense DefaultGemmTile.
/// SparseGemmTile<128, 128, 64, 64, 32, 4> (68 KiB) is the other
/// candidate; `gemm_check --bench-sparse` times both.
using DefaultSparseGemmTile = SparseGemmTile<128, 128, 128, 64, 32, 3>;

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_SPARSE_LAYOUT_H
