//===- whittle_cuda_wgmma_host.h - launchWgmmaGemm emulated on the host -*- C++
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Test infrastructure, like whittle_cuda_host.h, which must be included
// first: the stand-in of whittle_cuda_wgmma.cuh's launchWgmmaGemm for g++
// -DWHITTLE_CUDA_HOST builds, with the same signature and the same
// requirement checks (wgmmaGemmSupported, cudaErrorInvalidValue), as a
// loop that computes each output's raw sum and A's row sum (sumA, when
// the epilogue needs it, else 0 as the kernel passes), modulo 2^32, and
// calls the very epilogue functor the kernel calls. The kernel's device
// check (compute capability 9.0) has no counterpart: the emulation is
// every device.
//
// Builds with g++ -std=c++17 -Wall -Werror; never with nvcc.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_WGMMA_HOST_H
#define WHITTLE_CUDA_WGMMA_HOST_H

#ifndef WHITTLE_CUDA_HOST_H
#error "include whittle_cuda_host.h before whittle_cuda_wgmma_host.h"
#endif

#include "whittle_cuda_wgmma_layout.h"

#include <cstdint>

namespace whittle_cuda {

/// whittle_cuda_wgmma.cuh's launchWgmmaGemm: C = A B with A [m][k] (row
/// stride `lda` bytes) and B^T [n][k] (row stride `ldb`), each element
/// through `epilogue`. The tile only has to be valid (its static_asserts).
template <class Tile = DefaultWgmmaTile, class Epilogue>
cudaError_t launchWgmmaGemm(const int8_t *a, int64_t lda, const int8_t *bT,
                            int64_t ldb, int64_t m, int64_t n, int64_t k,
                            const Epilogue &epilogue,
                            cudaStream_t /*stream*/ = 0) {
  static_assert(Tile::kThreads > 0, "a WgmmaTile");
  if (!wgmmaGemmSupported(a, lda, bT, ldb, m, n, k, Tile::BM, Tile::BN))
    return cudaErrorInvalidValue;
  if (m <= 0 || n <= 0)
    return cudaSuccess;
  for (int64_t row = 0; row < m; ++row)
    detail::productRow(a + row * lda, bT, ldb, row, n, k, epilogue);
  return cudaSuccess;
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_WGMMA_HOST_H
