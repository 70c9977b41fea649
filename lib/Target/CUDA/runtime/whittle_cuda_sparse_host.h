//===- whittle_cuda_sparse_host.h - the sparse launchers on the host -*- C++
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Test infrastructure, like whittle_cuda_host.h (which must be included
// first): launchSparseGemm and launchSparseConv2d of whittle_cuda_sparse.cuh
// for builds with g++ -DWHITTLE_CUDA_HOST, with the same signatures and
// requirement checks (cudaErrorInvalidValue), as plain loops. Each launch
// decompresses the values and metadata with the index math the kernel's
// data follows (decompressSparse24, whittle_cuda_sparse_layout.h) and then
// computes each output's raw sum and input sum (sumA, when the epilogue
// needs it, else 0 as the kernel passes) as the dense emulation does,
// calling the very epilogue functor the kernel calls with (m = activation
// row, n = channel). Builds with g++ -std=c++17 -Wall -Werror; never with
// nvcc.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_SPARSE_HOST_H
#define WHITTLE_CUDA_SPARSE_HOST_H

#ifndef WHITTLE_CUDA_HOST_H
#error "include whittle_cuda_host.h before whittle_cuda_sparse_host.h"
#endif

#include "whittle_cuda_sparse_layout.h"

#include <cstdint>
#include <vector>

namespace whittle_cuda {

namespace detail {
/// The dense weights [n][sparsePaddedK(k)] of compressed `values` and
/// `metadata`.
inline std::vector<int8_t> decompressedWeights(const int8_t *values,
                                               const void *metadata, int64_t n,
                                               int64_t k) {
  std::vector<int8_t> dense(static_cast<size_t>(n * sparsePaddedK(k)));
  decompressSparse24(values, static_cast<const uint32_t *>(metadata), n, k,
                     dense.data());
  return dense;
}

/// The kernel's grid limits (whittle_cuda_sparse.cuh's launchSparse).
template <class Tile> bool sparseGridFits(int64_t m, int64_t n) {
  return (m + Tile::BP - 1) / Tile::BP <= int64_t(0x7fffffff) &&
         (n + Tile::BC - 1) / Tile::BC <= int64_t(65535);
}
} // namespace detail

/// whittle_cuda_sparse.cuh's launchSparseGemm: C = A B with A [m][k] (row
/// stride `lda` bytes) and B^T [n][k] compressed by compressSparse24, each
/// element through `epilogue`. The tile only has to be valid (its
/// static_asserts).
template <class Tile = DefaultSparseGemmTile, class Epilogue>
cudaError_t launchSparseGemm(const int8_t *a, int64_t lda, const int8_t *values,
                             const void *metadata, int64_t m, int64_t n,
                             int64_t k, const Epilogue &epilogue,
                             cudaStream_t /*stream*/ = 0) {
  static_assert(Tile::kThreads > 0, "a SparseGemmTile");
  if (k % 16 || lda % 16 || !detail::aligned16(a) ||
      !detail::aligned16(values) || !detail::aligned16(metadata))
    return cudaErrorInvalidValue;
  if (m <= 0 || n <= 0)
    return cudaSuccess;
  if (!detail::sparseGridFits<Tile>(m, n))
    return cudaErrorInvalidValue;
  std::vector<int8_t> bT = detail::decompressedWeights(values, metadata, n, k);
  for (int64_t row = 0; row < m; ++row)
    detail::productRow(a + row * lda, bT.data(), sparsePaddedK(k), row, n, k,
                       epilogue);
  return cudaSuccess;
}

/// whittle_cuda_sparse.cuh's launchSparseConv2d: the NHWC convolution
/// `shape` of x with OHWI weights compressed by compressSparse24 (k =
/// kernelH * kernelW * channels), padding reading `inputZeroPoint`.
template <class Tile = DefaultSparseGemmTile, class Epilogue>
cudaError_t launchSparseConv2d(const ConvShape &shape, const int8_t *x,
                               int32_t inputZeroPoint, const int8_t *values,
                               const void *metadata, const Epilogue &epilogue,
                               cudaStream_t /*stream*/ = 0) {
  static_assert(Tile::kThreads > 0, "a SparseGemmTile");
  if (shape.channels % 16 || !detail::aligned16(x) ||
      !detail::aligned16(values) || !detail::aligned16(metadata) ||
      shape.strideH < 1 || shape.strideW < 1 || shape.dilationH < 1 ||
      shape.dilationW < 1)
    return cudaErrorInvalidValue;
  int64_t m = shape.gemmM(), n = shape.outChannels, k = shape.gemmK();
  if (m <= 0 || n <= 0)
    return cudaSuccess;
  if (!detail::sparseGridFits<Tile>(m, n))
    return cudaErrorInvalidValue;
  std::vector<int8_t> bT = detail::decompressedWeights(values, metadata, n, k);
  // Each output pixel's im2col row, as the kernel's loads assemble it.
  std::vector<int8_t> row(static_cast<size_t>(k));
  int8_t padding = detail::paddingByte(inputZeroPoint);
  for (int64_t pixel = 0; pixel < m; ++pixel) {
    ConvWindow window = convWindow(shape, pixel);
    for (int64_t i = 0; i < k; ++i) {
      ConvTap tap = convTap(shape, window, i);
      row[i] = tap.inside ? x[tap.offset] : padding;
    }
    detail::productRow(row.data(), bT.data(), sparsePaddedK(k), pixel, n, k,
                       epilogue);
  }
  return cudaSuccess;
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_SPARSE_HOST_H
