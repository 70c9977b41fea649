//===- whittle_cuda_sparse.cuh - 2:4-sparse int8 tensor-core product -*- CUDA
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The int8 GEMM and implicit-GEMM NHWC convolution of whittle_cuda_gemm.cuh
// for weights that are 2:4 sparse along K (sm_80 and up), on the sparse
// tensor cores: `mma.sp::ordered_metadata.sync.aligned.m16n8k64.row.col.
// s32.s8.s8.s32` multiplies 16 x 64 weights, given as their 16 x 32 kept
// bytes and a metadata word per lane, by 64 x 8 activations, in the time
// the dense mma takes for k = 32.
//
// mma.sp's sparse operand is A, so the kernel computes the transposed
// product (whittle_cuda_sparse_layout.h): its A is the compressed weights
// (rows = output channels), its B the activation rows (pixels) that
// MatrixOperand / ConvOperand load k-contiguous, exactly as the dense
// kernel loads its B^T. The mainloop is the dense one's:
//
// - a block computes BC channels x BP pixels (SparseGemmTile), its warps
//   WC x WP, each as (WC / 16) x (WP / 8) mma.sp tiles;
// - every BK-wide slice of k, its compressed weights (BC x BK / 2 bytes),
//   activations (BP x BK) and metadata (BC x BK / 16 bytes) are copied by
//   16-byte cp.async into a ring of kStages buffers, kStages - 1 slices
//   ahead of the one the tensor cores consume; weights and activations are
//   read into fragments by ldmatrix, each lane's metadata word by one
//   32-bit shared load (LDS);
// - activation rows past M and k past K are zero-filled (the weights are
//   zero there too: compressSparse24 pads K to a multiple of 64), padding
//   holds the input zero point, weight rows past N are zero-filled and
//   metadata past the arrays holds kEmptyMetadataWord;
// - with an epilogue that needs it, each warp sums its activation
//   fragments' bytes with dp4a: sumA of a pixel, the epilogue's input sum.
//
// The epilogue functor (whittle_cuda_epilogue.h) is called once per output
// element inside the matrix with (m = pixel, n = channel, raw, sumA), the
// dense kernels' contract, so RequantizeEpilogue and AccumulatorEpilogue
// work unchanged.
//
// Requirements, checked by the launchers (cudaErrorInvalidValue): K, the
// activations' row stride and a convolution's channels multiples of 16,
// and the activations, values and metadata 16-byte aligned.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_SPARSE_CUH
#define WHITTLE_CUDA_SPARSE_CUH

#include "whittle_cuda_epilogue.h"
#include "whittle_cuda_gemm.cuh"
#include "whittle_cuda_sparse_layout.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace whittle_cuda {

namespace ptx {

/// d = a b + d with `mma.sp::ordered_metadata.sync.aligned.m16n8k64.row.
/// col.s32.s8.s8.s32` (PTX ISA, "mma.sp"): `a` the compressed 16 x 32
/// values, `e` this lane's metadata word, sparsity selector 0 (the only
/// one m16n8k64 .s8 admits). ::ordered_metadata (PTX ISA 8.5) promises
/// each nibble's positions ascending, which compressSparse24 writes; plain
/// mma.sp takes a slower path on sm_90. Without .satfinite the sum wraps.
__device__ inline void mmaSparse16864(int32_t (&d)[4], const uint32_t (&a)[4],
                                      const uint32_t (&b)[4], uint32_t e) {
  asm volatile(
      "mma.sp::ordered_metadata.sync.aligned.m16n8k64.row.col.s32.s8.s8.s32 "
      "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9, %10, %11}, "
      "{%0, %1, %2, %3}, %12, 0x0;\n"
      : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]),
        "r"(b[2]), "r"(b[3]), "r"(e));
}

/// `st.shared.v4.u32` of one word four times.
__device__ inline void storeShared16(uint32_t address, uint32_t word) {
  asm volatile("st.shared.v4.u32 [%0], {%1, %1, %1, %1};\n" ::"r"(address),
               "r"(word)
               : "memory");
}

} // namespace ptx

/// The block's product: compressed weights `values` / `metadata` of `n`
/// channels (compressSparse24 over k = `k`) times the activation rows of
/// `x` (an Operand: MatrixOperand or ConvOperand, `m` rows of k), the
/// epilogue applied to every (pixel, channel) inside m x n. Needs
/// Tile::kSharedBytes of dynamic shared memory.
template <class Tile, class Operand, class Epilogue>
__global__ void __launch_bounds__(Tile::kThreads)
    sparseGemmKernel(Operand x, const int8_t *values, const uint32_t *metadata,
                     int64_t m, int64_t n, int64_t k, Epilogue epilogue) {
  extern __shared__ __align__(16) unsigned char shared[];
  const int thread = threadIdx.x, lane = thread & 31, warp = thread >> 5;
  const int warpC = warp / Tile::kWarpsP, warpP = warp % Tile::kWarpsP;
  // Pixels (possibly millions) on x, whose grid limit is 2^31 - 1 blocks;
  // channels on y, limited to 65535.
  const int64_t blockP = int64_t(blockIdx.x) * Tile::BP;
  const int64_t blockC = int64_t(blockIdx.y) * Tile::BC;
  const uint32_t sharedBase = ptx::sharedAddress(shared);
  const int64_t rowBytes = sparseValueRowBytes(k), kSteps = sparseKSteps(k);
  const int64_t rowTiles = sparseRowTiles(n);

  // Each thread copies the same chunks of every slice.
  const int8_t *aRows[Tile::kAChunksPerThread];
  bool aInside[Tile::kAChunksPerThread];
  int aColumns[Tile::kAChunksPerThread];
  uint32_t aOffsets[Tile::kAChunksPerThread];
#pragma unroll
  for (int i = 0; i < Tile::kAChunksPerThread; ++i) {
    int chunk = thread + i * Tile::kThreads;
    int row = Tile::aChunkRow(chunk);
    aColumns[i] = Tile::aChunkColumn(chunk);
    aInside[i] = blockC + row < n;
    aRows[i] = values + (aInside[i] ? blockC + row : 0) * rowBytes;
    aOffsets[i] = Tile::kAOffset + row * Tile::kARowBytes + aColumns[i];
  }
  typename Operand::Row bRows[Tile::kBChunksPerThread];
  int bColumns[Tile::kBChunksPerThread];
  uint32_t bOffsets[Tile::kBChunksPerThread];
#pragma unroll
  for (int i = 0; i < Tile::kBChunksPerThread; ++i) {
    int chunk = thread + i * Tile::kThreads;
    int row = Tile::bChunkRow(chunk);
    bColumns[i] = Tile::bChunkColumn(chunk);
    bRows[i] = x.row(blockP + row);
    bOffsets[i] = Tile::kBOffset + row * Tile::kBRowBytes + bColumns[i];
  }

  auto loadSlice = [&](int slice) {
    uint32_t stage = sharedBase + (slice % Tile::kStages) * Tile::kStageBytes;
    int64_t k0 = int64_t(slice) * Tile::BK;
#pragma unroll
    for (int i = 0; i < Tile::kAChunksPerThread; ++i) {
      int64_t column = k0 / 2 + aColumns[i];
      bool inside = aInside[i] && column < rowBytes;
      ptx::copyAsync16(stage + aOffsets[i], inside ? aRows[i] + column : values,
                       inside);
    }
#pragma unroll
    for (int i = 0; i < Tile::kBChunksPerThread; ++i)
      x.copy(stage + bOffsets[i], bRows[i], k0 + bColumns[i]);
#pragma unroll
    for (int i = 0; i < Tile::kEChunksPerThread; ++i) {
      int chunk = thread + i * Tile::kThreads;
      if (Tile::kEChunks % Tile::kThreads != 0 && chunk >= Tile::kEChunks)
        break;
      int64_t tile = blockC / kSparseMmaM + Tile::eChunkTile(chunk);
      int64_t step = int64_t(slice) * Tile::kSteps + Tile::eChunkStep(chunk);
      uint32_t dst = stage + Tile::kEOffset + chunk * 16;
      if (tile < rowTiles && step < kSteps)
        ptx::copyAsync16(dst,
                         metadata + (tile * kSteps + step) * 32 +
                             Tile::eChunkWord(chunk),
                         true);
      else // past the arrays: valid metadata over zero weights
        ptx::storeShared16(dst, kEmptyMetadataWord);
    }
  };

  int32_t acc[Tile::kMmaTilesC][Tile::kMmaTilesP][kSparseMmaCRegs];
  // This lane's partial sum of its k bytes of pixel groupID of each n8
  // tile, until the end.
  int32_t sumB[Tile::kMmaTilesP];
#pragma unroll
  for (int j = 0; j < Tile::kMmaTilesP; ++j) {
    sumB[j] = 0;
#pragma unroll
    for (int i = 0; i < Tile::kMmaTilesC; ++i)
#pragma unroll
      for (int r = 0; r < kSparseMmaCRegs; ++r)
        acc[i][j][r] = 0;
  }

  const int slices =
      static_cast<int>((sparsePaddedK(k) + Tile::BK - 1) / Tile::BK);
  // The prologue fills kStages - 1 buffers; a group is committed even when
  // empty so that wait_group's count stays one group per slice.
#pragma unroll
  for (int s = 0; s < Tile::kStages - 1; ++s) {
    if (s < slices)
      loadSlice(s);
    ptx::commitAsync();
  }

  for (int slice = 0; slice < slices; ++slice) {
    // Slice `slice` has landed (for this thread; the barrier makes it every
    // thread's), and every warp is done with the buffer refilled below,
    // which it read in the previous iteration.
    ptx::waitAsync<Tile::kStages - 2>();
    __syncthreads();
    if (slice + Tile::kStages - 1 < slices)
      loadSlice(slice + Tile::kStages - 1);
    ptx::commitAsync();

    uint32_t stage = sharedBase + (slice % Tile::kStages) * Tile::kStageBytes;
    // The metadata words by plain loads, which the compiler orders after
    // the barrier (LDS).
    const unsigned char *stageBytes =
        shared + (slice % Tile::kStages) * Tile::kStageBytes;
#pragma unroll
    for (int step = 0; step < Tile::kSteps; ++step) {
      uint32_t aFragments[Tile::kMmaTilesC][kSparseMmaARegs];
      uint32_t eFragments[Tile::kMmaTilesC];
      uint32_t bFragments[Tile::kMmaTilesP][kSparseMmaBRegs];
#pragma unroll
      for (int i = 0; i < Tile::kMmaTilesC; ++i) {
        ptx::loadMatrix4(aFragments[i],
                         stage + Tile::aFragment(warpC, i, step, lane));
        eFragments[i] = *reinterpret_cast<const uint32_t *>(
            stageBytes + Tile::eFragment(warpC, i, step, lane));
      }
#pragma unroll
      for (int j = 0; j < Tile::kMmaTilesP; ++j)
        ptx::loadMatrix4(bFragments[j],
                         stage + Tile::bFragment(warpP, j, step, lane));
#pragma unroll
      for (int i = 0; i < Tile::kMmaTilesC; ++i)
#pragma unroll
        for (int j = 0; j < Tile::kMmaTilesP; ++j)
          ptx::mmaSparse16864(acc[i][j], aFragments[i], bFragments[j],
                              eFragments[i]);
      if (Epilogue::kNeedsSumA) {
#pragma unroll
        for (int j = 0; j < Tile::kMmaTilesP; ++j)
#pragma unroll
          for (int r = 0; r < kSparseMmaBRegs; ++r)
            sumB[j] = dot4(bFragments[j][r], 0x01010101u, sumB[j]);
      }
    }
  }
  ptx::waitAsync<0>();

  // Pixel 2 threadID_in_group + c of n8 tile j is column groupID of the
  // group of lanes 4 (2 threadID_in_group + c): the four lanes' disjoint k
  // bytes summed, then fetched from there.
  int32_t sumA[Tile::kMmaTilesP][2];
#pragma unroll
  for (int j = 0; j < Tile::kMmaTilesP; ++j) {
    sumA[j][0] = sumA[j][1] = 0;
    if (Epilogue::kNeedsSumA) {
      sumB[j] += __shfl_xor_sync(0xffffffffu, sumB[j], 1);
      sumB[j] += __shfl_xor_sync(0xffffffffu, sumB[j], 2);
#pragma unroll
      for (int c = 0; c < 2; ++c)
        sumA[j][c] =
            __shfl_sync(0xffffffffu, sumB[j], 4 * accumulatorColumn(lane, c));
    }
  }

#pragma unroll
  for (int i = 0; i < Tile::kMmaTilesC; ++i)
#pragma unroll
    for (int j = 0; j < Tile::kMmaTilesP; ++j)
#pragma unroll
      for (int r = 0; r < kSparseMmaCRegs; ++r) {
        int64_t channel = blockC + warpC * Tile::WC + i * kSparseMmaM +
                          accumulatorRow(lane, r);
        int64_t pixel = blockP + warpP * Tile::WP + j * kSparseMmaN +
                        accumulatorColumn(lane, r);
        if (pixel < m && channel < n)
          epilogue(pixel, static_cast<int>(channel), acc[i][j][r],
                   sumA[j][r & 1]);
      }
}

namespace detail {
template <class Tile, class Operand, class Epilogue>
cudaError_t launchSparse(const Operand &x, const int8_t *values,
                         const void *metadata, int64_t m, int64_t n, int64_t k,
                         const Epilogue &epilogue, cudaStream_t stream) {
  if (m <= 0 || n <= 0)
    return cudaSuccess;
  // The grid's limits: 2^31 - 1 blocks on x, 65535 on y.
  if ((m + Tile::BP - 1) / Tile::BP > int64_t(0x7fffffff) ||
      (n + Tile::BC - 1) / Tile::BC > int64_t(65535))
    return cudaErrorInvalidValue;
  auto kernel = sparseGemmKernel<Tile, Operand, Epilogue>;
  // Above 48 KiB of dynamic shared memory must be opted into.
  cudaError_t error = cudaFuncSetAttribute(
      kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Tile::kSharedBytes);
  if (error != cudaSuccess)
    return error;
  dim3 grid(static_cast<unsigned>((m + Tile::BP - 1) / Tile::BP),
            static_cast<unsigned>((n + Tile::BC - 1) / Tile::BC));
  kernel<<<grid, Tile::kThreads, Tile::kSharedBytes, stream>>>(
      x, values, static_cast<const uint32_t *>(metadata), m, n, k, epilogue);
  return cudaGetLastError();
}
} // namespace detail

/// C = A B with A [m][k] (row stride `lda` bytes) and B given as B^T [n][k]
/// compressed by compressSparse24 into `values` and `metadata`, each
/// element C[i][j] through `epilogue` at (m = i, n = j).
template <class Tile = DefaultSparseGemmTile, class Epilogue>
cudaError_t launchSparseGemm(const int8_t *a, int64_t lda, const int8_t *values,
                             const void *metadata, int64_t m, int64_t n,
                             int64_t k, const Epilogue &epilogue,
                             cudaStream_t stream = 0) {
  if (k % 16 || lda % 16 || !detail::aligned16(a) ||
      !detail::aligned16(values) || !detail::aligned16(metadata))
    return cudaErrorInvalidValue;
  return detail::launchSparse<Tile>(MatrixOperand{a, lda, m, k}, values,
                                    metadata, m, n, k, epilogue, stream);
}

/// The NHWC convolution `shape` of x with OHWI weights compressed by
/// compressSparse24 (over n = outChannels, k = kernelH * kernelW *
/// channels), each output y[n, oh, ow, oc] at (m = (n, oh, ow), oc)
/// through `epilogue`; padding reads `inputZeroPoint`.
template <class Tile = DefaultSparseGemmTile, class Epilogue>
cudaError_t launchSparseConv2d(const ConvShape &shape, const int8_t *x,
                               int32_t inputZeroPoint, const int8_t *values,
                               const void *metadata, const Epilogue &epilogue,
                               cudaStream_t stream = 0) {
  if (shape.channels % 16 || !detail::aligned16(x) ||
      !detail::aligned16(values) || !detail::aligned16(metadata) ||
      shape.strideH < 1 || shape.strideW < 1 || shape.dilationH < 1 ||
      shape.dilationW < 1)
    return cudaErrorInvalidValue;
  return detail::launchSparse<Tile>(
      ConvOperand{x, shape, inputZeroPoint}, values, metadata, shape.gemmM(),
      shape.outChannels, shape.gemmK(), epilogue, stream);
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_SPARSE_CUH
