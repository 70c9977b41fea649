//===- whittle_cuda_gemm.cuh - int8 tensor-core GEMM and conv ---*- CUDA
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The products of `whittlec --target cuda` (sm_80 and up): an int8 GEMM
// C[M, N] = A[M, K] x B[K, N], with A row-major and B given as B^T [N, K]
// (a weight matrix's natural layout), and an implicit-GEMM NHWC 2-D
// convolution (groups = 1, any stride, padding and dilation) whose A rows
// are output pixels and whose k = (kh, kw, c) im2col addresses are computed
// while loading. Both run one mainloop:
//
// - a thread block computes a BM x BN tile, its warps WM x WN sub-tiles,
//   each as (WM / 16) x (WN / 8) `mma.sync.aligned.m16n8k32.row.col.s32.
//   s8.s8.s32` tiles accumulating in int32 registers;
// - BK-wide slices of A and B^T are copied global -> shared by `cp.async`
//   (16 bytes per copy) into a ring of kStages buffers, kStages - 1 slices
//   ahead of the one the tensor cores consume (CUTLASS's "multistage"
//   scheme, written anew here), and read into fragments by `ldmatrix`;
// - rows past M and k past K are zero-filled by cp.async's src-size 0, and
//   a convolution's padding is filled with the input zero point (qnn's
//   padding value) by plain shared-memory stores;
// - with an epilogue that needs it (weight zero points), each warp also
//   sums its A fragments' bytes with dp4a (sumA, see whittle_cuda_epilogue.h).
//
// The epilogue functor (whittle_cuda_epilogue.h) is called once per output
// element inside the matrix with (m, n, raw accumulator, sumA).
//
// Requirements, checked by the launchers (cudaErrorInvalidValue): K, the
// row strides and a convolution's channels multiples of 16 and the
// pointers 16-byte aligned, since every cp.async copies 16 whole bytes of
// one row (and, for a convolution, of one pixel).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_GEMM_CUH
#define WHITTLE_CUDA_GEMM_CUH

#include "whittle_cuda_epilogue.h"
#include "whittle_cuda_layout.h"

#include <cuda_runtime.h>

#include <cstdint>

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
#error "whittle_cuda_gemm.cuh needs sm_80 or newer (mma.m16n8k32 .s8, cp.async)"
#endif

namespace whittle_cuda {

//===----------------------------------------------------------------------===//
// PTX
//===----------------------------------------------------------------------===//

namespace ptx {

/// The shared-state-space address of a generic pointer into shared memory.
__device__ inline uint32_t sharedAddress(const void *pointer) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(pointer));
}

/// `cp.async.cg.shared.global [dst], [src], 16, srcSize` (PTX ISA,
/// "cp.async"): copies 16 bytes, of which the last 16 - srcSize are zero:
/// srcSize 0 fills the destination with zeros without reading `src`.
/// .cg bypasses L1: each slice is read once per block.
__device__ inline void copyAsync16(uint32_t dst, const void *src, bool valid) {
  int srcSize = valid ? 16 : 0;
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst),
               "l"(__cvta_generic_to_global(src)), "r"(srcSize));
}

/// `cp.async.commit_group` (PTX ISA, "cp.async.commit_group"): the copies
/// issued since the last commit form one group.
__device__ inline void commitAsync() {
  asm volatile("cp.async.commit_group;\n" ::);
}

/// `cp.async.wait_group n` (PTX ISA, "cp.async.wait_group"): waits until
/// at most `n` of the most recent groups are pending.
template <int n> __device__ inline void waitAsync() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(n) : "memory");
}

/// `ldmatrix.sync.aligned.m8n8.x4.shared.b16` (PTX ISA, "ldmatrix"): see
/// whittle_cuda_layout.h for who reads what.
__device__ inline void loadMatrix4(uint32_t (&r)[4], uint32_t address) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, "
               "[%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(address));
}

/// d = a b + d with `mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32`
/// (PTX ISA, "mma"); without .satfinite the s32 sum wraps, like qnn's i32.
__device__ inline void mma16832(int32_t (&d)[4], const uint32_t (&a)[4],
                                uint32_t b0, uint32_t b1) {
  asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 "
               "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
               "{%0, %1, %2, %3};\n"
               : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

} // namespace ptx

//===----------------------------------------------------------------------===//
// Tiling
//===----------------------------------------------------------------------===//

// GemmTile and DefaultGemmTile are in whittle_cuda_layout.h, where the
// host emulation (whittle_cuda_host.h) sees them too.

/// A's rows: a row-major int8 matrix.
struct MatrixOperand {
  const int8_t *data;
  int64_t stride; // bytes between rows
  int64_t rows, k;

  /// Per-thread state of one row (none needed).
  struct Row {
    const int8_t *base;
    bool inside;
  };
  __device__ Row row(int64_t m) const {
    Row r;
    r.inside = m < rows;
    r.base = data + (r.inside ? m : 0) * stride;
    return r;
  }
  /// Copies the 16 bytes of `r` from `kIndex` into shared memory.
  __device__ void copy(uint32_t dst, const Row &r, int64_t kIndex) const {
    bool inside = r.inside && kIndex < k;
    ptx::copyAsync16(dst, inside ? r.base + kIndex : data, inside);
  }
};

/// A's rows of an implicit-GEMM convolution: row m is output pixel (n, oh,
/// ow), k is (kh, kw, c) of its window over the NHWC input.
struct ConvOperand {
  const int8_t *data;
  ConvShape shape;
  int32_t inputZeroPoint;

  struct Row {
    ConvWindow window;
    bool inside;
  };
  __device__ Row row(int64_t m) const {
    Row r;
    r.inside = m < shape.gemmM();
    r.window = convWindow(shape, r.inside ? m : 0);
    return r;
  }
  __device__ void copy(uint32_t dst, const Row &r, int64_t kIndex) const {
    // channels % 16 == 0: the 16 bytes are of one pixel.
    bool inWindow = r.inside && kIndex < shape.gemmK();
    ConvTap tap = convTap(shape, r.window, kIndex);
    if (inWindow && !tap.inside) {
      // qnn pads with the input zero point (the real value 0), which
      // cp.async's zero fill cannot write.
      uint32_t z = splatByte(inputZeroPoint);
      asm volatile("st.shared.v4.u32 [%0], {%1, %1, %1, %1};\n" ::"r"(dst),
                   "r"(z)
                   : "memory");
      return;
    }
    ptx::copyAsync16(dst, inWindow ? data + tap.offset : data, inWindow);
  }
};

/// The block's product: A (an Operand: MatrixOperand or ConvOperand) times
/// B^T [n][k] (stride `ldb` bytes), the epilogue applied to every element
/// inside M x N. Needs Tile::kSharedBytes of dynamic shared memory.
template <class Tile, class Operand, class Epilogue>
__global__ void __launch_bounds__(Tile::kThreads)
    gemmKernel(Operand a, const int8_t *bT, int64_t ldb, int64_t m, int64_t n,
               int64_t k, Epilogue epilogue) {
  extern __shared__ __align__(16) unsigned char shared[];
  const int thread = threadIdx.x, lane = thread & 31, warp = thread >> 5;
  const int warpM = warp / Tile::kWarpsN, warpN = warp % Tile::kWarpsN;
  // M (a convolution's pixels, possibly millions) on x, whose grid limit
  // is 2^31 - 1 blocks; N (channels) on y, limited to 65535.
  const int64_t blockM = int64_t(blockIdx.x) * Tile::BM;
  const int64_t blockN = int64_t(blockIdx.y) * Tile::BN;
  const uint32_t sharedBase = ptx::sharedAddress(shared);

  // Each thread copies the same chunks (row, 16-byte column) of every
  // slice: its rows' state is computed once.
  typename Operand::Row aRows[Tile::kAChunksPerThread];
  int aColumns[Tile::kAChunksPerThread];
  uint32_t aOffsets[Tile::kAChunksPerThread];
#pragma unroll
  for (int i = 0; i < Tile::kAChunksPerThread; ++i) {
    int chunk = thread + i * Tile::kThreads;
    int row = chunk / Tile::kChunksPerRow;
    aColumns[i] = (chunk % Tile::kChunksPerRow) * 16;
    aRows[i] = a.row(blockM + row);
    aOffsets[i] = row * Tile::kRowBytes + aColumns[i];
  }
  const int8_t *bRows[Tile::kBChunksPerThread];
  bool bInside[Tile::kBChunksPerThread];
  int bColumns[Tile::kBChunksPerThread];
  uint32_t bOffsets[Tile::kBChunksPerThread];
#pragma unroll
  for (int i = 0; i < Tile::kBChunksPerThread; ++i) {
    int chunk = thread + i * Tile::kThreads;
    int row = chunk / Tile::kChunksPerRow;
    bColumns[i] = (chunk % Tile::kChunksPerRow) * 16;
    bInside[i] = blockN + row < n;
    bRows[i] = bT + (bInside[i] ? blockN + row : 0) * ldb;
    bOffsets[i] = (Tile::BM + row) * Tile::kRowBytes + bColumns[i];
  }

  auto loadSlice = [&](int slice) {
    uint32_t stage = sharedBase + (slice % Tile::kStages) * Tile::kStageBytes;
    int64_t k0 = int64_t(slice) * Tile::BK;
#pragma unroll
    for (int i = 0; i < Tile::kAChunksPerThread; ++i)
      a.copy(stage + aOffsets[i], aRows[i], k0 + aColumns[i]);
#pragma unroll
    for (int i = 0; i < Tile::kBChunksPerThread; ++i) {
      bool inside = bInside[i] && k0 + bColumns[i] < k;
      ptx::copyAsync16(stage + bOffsets[i],
                       inside ? bRows[i] + k0 + bColumns[i] : bT, inside);
    }
  };

  int32_t acc[Tile::kMmaTilesM][Tile::kMmaTilesN][kMmaCRegs];
  // sumA of the rows groupID and groupID + 8 of each m16 tile, partial
  // over this lane's k bytes until the end.
  int32_t sumA[Tile::kMmaTilesM][2];
#pragma unroll
  for (int i = 0; i < Tile::kMmaTilesM; ++i) {
    sumA[i][0] = sumA[i][1] = 0;
#pragma unroll
    for (int j = 0; j < Tile::kMmaTilesN; ++j)
#pragma unroll
      for (int r = 0; r < kMmaCRegs; ++r)
        acc[i][j][r] = 0;
  }

  // This lane's ldmatrix row addresses within a stage.
  const uint32_t aLane =
      (warpM * Tile::WM + ldmatrixARow(lane)) * Tile::kRowBytes +
      ldmatrixAColumn(lane);
  const uint32_t bLane =
      (Tile::BM + warpN * Tile::WN + ldmatrixBRow(lane)) * Tile::kRowBytes +
      ldmatrixBColumn(lane);

  const int slices = static_cast<int>((k + Tile::BK - 1) / Tile::BK);
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
#pragma unroll
    for (int kk = 0; kk < Tile::BK; kk += kMmaK) {
      uint32_t aFragments[Tile::kMmaTilesM][kMmaARegs];
      uint32_t bFragments[Tile::kMmaTilesN][kMmaBRegs];
#pragma unroll
      for (int i = 0; i < Tile::kMmaTilesM; ++i)
        ptx::loadMatrix4(aFragments[i],
                         stage + aLane + i * kMmaM * Tile::kRowBytes + kk);
#pragma unroll
      for (int j = 0; j < Tile::kMmaTilesN; j += 2) {
        uint32_t r[4];
        ptx::loadMatrix4(r, stage + bLane + j * kMmaN * Tile::kRowBytes + kk);
        bFragments[j][0] = r[0];
        bFragments[j][1] = r[1];
        bFragments[j + 1][0] = r[2];
        bFragments[j + 1][1] = r[3];
      }
#pragma unroll
      for (int i = 0; i < Tile::kMmaTilesM; ++i)
#pragma unroll
        for (int j = 0; j < Tile::kMmaTilesN; ++j)
          ptx::mma16832(acc[i][j], aFragments[i], bFragments[j][0],
                        bFragments[j][1]);
      if (Epilogue::kNeedsSumA) {
        // Registers 0 and 2 hold row groupID, 1 and 3 row groupID + 8
        // (fragmentARow).
#pragma unroll
        for (int i = 0; i < Tile::kMmaTilesM; ++i)
#pragma unroll
          for (int r = 0; r < kMmaARegs; ++r)
            sumA[i][r & 1] =
                dot4(aFragments[i][r], 0x01010101u, sumA[i][r & 1]);
      }
    }
  }
  ptx::waitAsync<0>();

  if (Epilogue::kNeedsSumA) {
    // The four lanes of a group hold disjoint k bytes of the same rows.
#pragma unroll
    for (int i = 0; i < Tile::kMmaTilesM; ++i)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        sumA[i][h] += __shfl_xor_sync(0xffffffffu, sumA[i][h], 1);
        sumA[i][h] += __shfl_xor_sync(0xffffffffu, sumA[i][h], 2);
      }
  }

#pragma unroll
  for (int i = 0; i < Tile::kMmaTilesM; ++i)
#pragma unroll
    for (int j = 0; j < Tile::kMmaTilesN; ++j)
#pragma unroll
      for (int r = 0; r < kMmaCRegs; ++r) {
        int64_t row =
            blockM + warpM * Tile::WM + i * kMmaM + accumulatorRow(lane, r);
        int64_t column =
            blockN + warpN * Tile::WN + j * kMmaN + accumulatorColumn(lane, r);
        if (row < m && column < n)
          epilogue(row, static_cast<int>(column), acc[i][j][r],
                   sumA[i][r >> 1]);
      }
}

namespace detail {
inline bool aligned16(const void *pointer) {
  return (reinterpret_cast<uintptr_t>(pointer) & 15) == 0;
}

template <class Tile, class Operand, class Epilogue>
cudaError_t launch(const Operand &a, const int8_t *bT, int64_t ldb, int64_t m,
                   int64_t n, int64_t k, const Epilogue &epilogue,
                   cudaStream_t stream) {
  if (m <= 0 || n <= 0)
    return cudaSuccess;
  auto kernel = gemmKernel<Tile, Operand, Epilogue>;
  // Above 48 KiB of dynamic shared memory must be opted into ("Shared
  // Memory" in the CUDA programming guide, compute capability 8.x and 9.0).
  cudaError_t error = cudaFuncSetAttribute(
      kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Tile::kSharedBytes);
  if (error != cudaSuccess)
    return error;
  dim3 grid(static_cast<unsigned>((m + Tile::BM - 1) / Tile::BM),
            static_cast<unsigned>((n + Tile::BN - 1) / Tile::BN));
  kernel<<<grid, Tile::kThreads, Tile::kSharedBytes, stream>>>(a, bT, ldb, m, n,
                                                               k, epilogue);
  return cudaGetLastError();
}
} // namespace detail

/// C = A B with A [m][k] (row stride `lda` bytes) and B^T [n][k] (row
/// stride `ldb`), each element through `epilogue`.
template <class Tile = DefaultGemmTile, class Epilogue>
cudaError_t launchGemm(const int8_t *a, int64_t lda, const int8_t *bT,
                       int64_t ldb, int64_t m, int64_t n, int64_t k,
                       const Epilogue &epilogue, cudaStream_t stream = 0) {
  if (k % 16 || lda % 16 || ldb % 16 || !detail::aligned16(a) ||
      !detail::aligned16(bT))
    return cudaErrorInvalidValue;
  return detail::launch<Tile>(MatrixOperand{a, lda, m, k}, bT, ldb, m, n, k,
                              epilogue, stream);
}

/// The NHWC convolution `shape` of x with OHWI weights `w` (the GEMM's B^T,
/// k = (kh, kw, c)), each output element y[n, oh, ow, oc] at GEMM
/// position (m = (n, oh, ow), oc) through `epilogue`; padding reads
/// `inputZeroPoint`.
template <class Tile = DefaultGemmTile, class Epilogue>
cudaError_t launchConv2d(const ConvShape &shape, const int8_t *x,
                         int32_t inputZeroPoint, const int8_t *w,
                         const Epilogue &epilogue, cudaStream_t stream = 0) {
  if (shape.channels % 16 || !detail::aligned16(x) || !detail::aligned16(w) ||
      shape.strideH < 1 || shape.strideW < 1 || shape.dilationH < 1 ||
      shape.dilationW < 1)
    return cudaErrorInvalidValue;
  return detail::launch<Tile>(ConvOperand{x, shape, inputZeroPoint}, w,
                              shape.gemmK(), shape.gemmM(), shape.outChannels,
                              shape.gemmK(), epilogue, stream);
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_GEMM_CUH
