//===- whittle_cuda_host.h - the CUDA runtime emulated on the host -*- C++ -*-//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Test infrastructure, not a CUDA implementation: what lets the model
// source that `whittlec --target cuda` emits compile with g++ as plain C++
// (-DWHITTLE_CUDA_HOST, through whittle_cuda_model.h) and run on a machine
// without a GPU, so that CI compares it bit for bit with the CPU reference.
//
// - The CUDA runtime API that emitted code calls, in the global namespace
//   with the runtime's names, signatures and enumerant values (CUDA 12 and
//   13): "device" memory is host memory (cudaMalloc is a 256-byte aligned
//   allocation, like the runtime's), every copy and memset is immediate,
//   streams and events exist only to be created, synchronized and timed,
//   and there is one device, named "host emulation". Stream capture and
//   graphs compile but return cudaErrorNotSupported: with
//   whittle_cuda::kUseGraphs false (whittle_cuda_model.h) emitted code does
//   not call them. Only the cudaDeviceProp fields below exist.
// - The tensor-core and dp4a launchers of whittle_cuda_gemm.cuh and
//   whittle_cuda_depthwise.cuh (launchGemm, launchConv2d,
//   launchDepthwiseConv2d), with the same signatures and the same
//   requirement checks (cudaErrorInvalidValue), as naive loops that compute
//   each output's raw sum and input sum (sumA, when the epilogue needs it,
//   else 0 as the kernels pass) as the kernels' contract defines them, and
//   call the very epilogue functor the kernels call.
// - The generic ops of whittle_cuda_ops.cuh run their functors in a host
//   loop (its forEach).
//
// Every launch runs to completion before it returns; errors a GPU would
// report asynchronously (out-of-bounds accesses) are the host's to catch
// (tests run it under ASan). Builds with g++ -std=c++17 -Wall -Werror;
// never with nvcc.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_HOST_H
#define WHITTLE_CUDA_HOST_H

#ifdef __CUDACC__
#error "whittle_cuda_host.h emulates the CUDA runtime for g++; nvcc builds \
the real kernels (leave WHITTLE_CUDA_HOST undefined)"
#endif

#include "whittle_cuda_epilogue.h"
#include "whittle_cuda_layout.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

// CUDA's function space specifiers, empty on the host (WHITTLE_ARITH_FN,
// from whittle_hls_arith.h, is already plain `inline` without nvcc).
#ifndef __host__
#define __host__
#endif
#ifndef __device__
#define __device__
#endif
#ifndef __global__
#define __global__
#endif

//===----------------------------------------------------------------------===//
// The CUDA runtime API (cuda_runtime_api.h, driver_types.h)
//===----------------------------------------------------------------------===//

/// The errors the emulation returns, with the runtime's values.
enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorNotSupported = 801
};
typedef enum cudaError cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
};

enum cudaStreamCaptureMode {
  cudaStreamCaptureModeGlobal = 0,
  cudaStreamCaptureModeThreadLocal = 1,
  cudaStreamCaptureModeRelaxed = 2
};

/// Streams have no state: every operation completes before it returns.
struct CUstream_st {
  int unused;
};
typedef struct CUstream_st *cudaStream_t;

/// An event is the time it was recorded.
struct CUevent_st {
  std::chrono::steady_clock::time_point time;
  bool recorded;
};
typedef struct CUevent_st *cudaEvent_t;

/// Graphs are never made (capture is not supported).
typedef struct CUgraph_st *cudaGraph_t;
typedef struct CUgraphExec_st *cudaGraphExec_t;

/// The fields of the runtime's cudaDeviceProp that the emulation fills.
struct cudaDeviceProp {
  char name[256];
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int warpSize;
  int maxThreadsPerBlock;
  /// 8.0, the kernels' minimum, so that capability checks pass.
  int major;
  int minor;
  int multiProcessorCount;
};

namespace whittle_cuda_host {
/// The error cudaGetLastError returns: the last one any call returned.
inline cudaError_t &lastError() {
  static thread_local cudaError_t error = cudaSuccess;
  return error;
}
inline cudaError_t report(cudaError_t error) {
  if (error != cudaSuccess)
    lastError() = error;
  return error;
}
inline bool validKind(cudaMemcpyKind kind) {
  return kind >= cudaMemcpyHostToHost && kind <= cudaMemcpyDefault;
}
} // namespace whittle_cuda_host

inline const char *cudaGetErrorString(cudaError_t error) {
  switch (error) {
  case cudaSuccess:
    return "no error";
  case cudaErrorInvalidValue:
    return "invalid argument";
  case cudaErrorMemoryAllocation:
    return "out of memory";
  case cudaErrorNoDevice:
    return "no CUDA-capable device is detected";
  case cudaErrorInvalidDevice:
    return "invalid device ordinal";
  case cudaErrorNotSupported:
    return "operation not supported (host emulation)";
  }
  return "unrecognized error code";
}

inline cudaError_t cudaGetLastError() {
  cudaError_t error = whittle_cuda_host::lastError();
  whittle_cuda_host::lastError() = cudaSuccess;
  return error;
}
inline cudaError_t cudaPeekAtLastError() {
  return whittle_cuda_host::lastError();
}

// Devices.

inline cudaError_t cudaGetDeviceCount(int *count) {
  if (!count)
    return whittle_cuda_host::report(cudaErrorInvalidValue);
  *count = 1;
  return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int device) {
  return device == 0 ? cudaSuccess
                     : whittle_cuda_host::report(cudaErrorInvalidDevice);
}
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp *prop, int device) {
  if (!prop)
    return whittle_cuda_host::report(cudaErrorInvalidValue);
  if (device != 0)
    return whittle_cuda_host::report(cudaErrorInvalidDevice);
  std::memset(prop, 0, sizeof(*prop));
  std::strcpy(prop->name, "host emulation");
  prop->sharedMemPerBlock = 48 * 1024;
  prop->warpSize = 32;
  prop->maxThreadsPerBlock = 1024;
  prop->major = 8;
  prop->minor = 0;
  prop->multiProcessorCount = 1;
  return cudaSuccess;
}
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }

// Memory: host allocations, aligned as cudaMalloc's (256 bytes).

inline cudaError_t cudaMalloc(void **devPtr, size_t size) {
  if (!devPtr)
    return whittle_cuda_host::report(cudaErrorInvalidValue);
  *devPtr = nullptr;
  if (size == 0)
    return cudaSuccess;
  constexpr size_t kAlignment = 256;
  if (size > SIZE_MAX - kAlignment)
    return whittle_cuda_host::report(cudaErrorMemoryAllocation);
  *devPtr = std::aligned_alloc(kAlignment, (size + kAlignment - 1) /
                                               kAlignment * kAlignment);
  return *devPtr ? cudaSuccess
                 : whittle_cuda_host::report(cudaErrorMemoryAllocation);
}
/// cuda_runtime.h's typed overload.
template <class T> inline cudaError_t cudaMalloc(T **devPtr, size_t size) {
  return ::cudaMalloc(reinterpret_cast<void **>(devPtr), size);
}
inline cudaError_t cudaFree(void *devPtr) {
  std::free(devPtr);
  return cudaSuccess;
}

inline cudaError_t cudaMemcpy(void *dst, const void *src, size_t count,
                              cudaMemcpyKind kind) {
  if (!whittle_cuda_host::validKind(kind) || (count && (!dst || !src)))
    return whittle_cuda_host::report(cudaErrorInvalidValue);
  if (count)
    std::memmove(dst, src, count);
  return cudaSuccess;
}
inline cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count,
                                   cudaMemcpyKind kind,
                                   cudaStream_t /*stream*/ = 0) {
  return cudaMemcpy(dst, src, count, kind);
}
inline cudaError_t cudaMemset(void *devPtr, int value, size_t count) {
  if (count && !devPtr)
    return whittle_cuda_host::report(cudaErrorInvalidValue);
  if (count)
    std::memset(devPtr, value, count);
  return cudaSuccess;
}
inline cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count,
                                   cudaStream_t /*stream*/ = 0) {
  return cudaMemset(devPtr, value, count);
}

// Streams.

inline cudaError_t cudaStreamCreate(cudaStream_t *pStream) {
  if (!pStream)
    return whittle_cuda_host::report(cudaErrorInvalidValue);
  *pStream = new CUstream_st();
  return cudaSuccess;
}
/// Flags change nothing on the host: every call completes before it
/// returns.
constexpr unsigned cudaStreamDefault = 0, cudaStreamNonBlocking = 1;
inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream,
                                             unsigned /*flags*/) {
  return cudaStreamCreate(pStream);
}
inline cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  delete stream;
  return cudaSuccess;
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t /*stream*/) {
  return cudaSuccess;
}

// Events: the host's steady clock.

inline cudaError_t cudaEventCreate(cudaEvent_t *event) {
  if (!event)
    return whittle_cuda_host::report(cudaErrorInvalidValue);
  *event = new CUevent_st();
  return cudaSuccess;
}
inline cudaError_t cudaEventRecord(cudaEvent_t event,
                                   cudaStream_t /*stream*/ = 0) {
  if (!event)
    return whittle_cuda_host::report(cudaErrorInvalidValue);
  event->time = std::chrono::steady_clock::now();
  event->recorded = true;
  return cudaSuccess;
}
inline cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  return event ? cudaSuccess : whittle_cuda_host::report(cudaErrorInvalidValue);
}
inline cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start,
                                        cudaEvent_t end) {
  if (!ms || !start || !end || !start->recorded || !end->recorded)
    return whittle_cuda_host::report(cudaErrorInvalidValue);
  *ms =
      std::chrono::duration<float, std::milli>(end->time - start->time).count();
  return cudaSuccess;
}
inline cudaError_t cudaEventDestroy(cudaEvent_t event) {
  delete event;
  return cudaSuccess;
}

// Stream capture and graphs: declared so that emitted code compiles; a
// call is an error (kUseGraphs is false here).

inline cudaError_t cudaStreamBeginCapture(cudaStream_t /*stream*/,
                                          cudaStreamCaptureMode /*mode*/) {
  return whittle_cuda_host::report(cudaErrorNotSupported);
}
inline cudaError_t cudaStreamEndCapture(cudaStream_t /*stream*/,
                                        cudaGraph_t *pGraph) {
  if (pGraph)
    *pGraph = nullptr;
  return whittle_cuda_host::report(cudaErrorNotSupported);
}
inline cudaError_t cudaGraphInstantiate(cudaGraphExec_t *pGraphExec,
                                        cudaGraph_t /*graph*/,
                                        unsigned long long /*flags*/ = 0) {
  if (pGraphExec)
    *pGraphExec = nullptr;
  return whittle_cuda_host::report(cudaErrorNotSupported);
}
inline cudaError_t cudaGraphLaunch(cudaGraphExec_t /*graphExec*/,
                                   cudaStream_t /*stream*/) {
  return whittle_cuda_host::report(cudaErrorNotSupported);
}
inline cudaError_t cudaGraphExecDestroy(cudaGraphExec_t /*graphExec*/) {
  return cudaSuccess;
}
inline cudaError_t cudaGraphDestroy(cudaGraph_t /*graph*/) {
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// The kernels' launchers
//===----------------------------------------------------------------------===//

namespace whittle_cuda {

namespace detail {
inline bool aligned16(const void *pointer) {
  return (reinterpret_cast<uintptr_t>(pointer) & 15) == 0;
}

/// The padding byte of a convolution: the input zero point's low byte, as
/// the kernels store it (splatByte).
inline int8_t paddingByte(int32_t inputZeroPoint) {
  return static_cast<int8_t>(splatByte(inputZeroPoint) & 0xff);
}

/// Row `a` [k] times every row of B^T [n][k] (stride ldb), through the
/// epilogue at row `m`: raw = sum a b and sumA = sum a, modulo 2^32.
template <class Epilogue>
void productRow(const int8_t *a, const int8_t *bT, int64_t ldb, int64_t m,
                int64_t n, int64_t k, const Epilogue &epilogue) {
  uint32_t sumA = 0;
  if (Epilogue::kNeedsSumA)
    for (int64_t i = 0; i < k; ++i)
      sumA += static_cast<uint32_t>(int32_t(a[i]));
  for (int64_t column = 0; column < n; ++column) {
    const int8_t *b = bT + column * ldb;
    uint32_t raw = 0;
    for (int64_t i = 0; i < k; ++i)
      raw += static_cast<uint32_t>(int32_t(a[i]) * int32_t(b[i]));
    epilogue(m, static_cast<int>(column), static_cast<int32_t>(raw),
             static_cast<int32_t>(sumA));
  }
}
} // namespace detail

/// whittle_cuda_gemm.cuh's launchGemm: C = A B with A [m][k] (row stride
/// `lda` bytes) and B^T [n][k] (row stride `ldb`), each element through
/// `epilogue`. The tile only has to be valid (its static_asserts).
template <class Tile = DefaultGemmTile, class Epilogue>
cudaError_t launchGemm(const int8_t *a, int64_t lda, const int8_t *bT,
                       int64_t ldb, int64_t m, int64_t n, int64_t k,
                       const Epilogue &epilogue, cudaStream_t /*stream*/ = 0) {
  static_assert(Tile::kThreads > 0, "a GemmTile");
  if (k % 16 || lda % 16 || ldb % 16 || !detail::aligned16(a) ||
      !detail::aligned16(bT))
    return cudaErrorInvalidValue;
  if (m <= 0 || n <= 0)
    return cudaSuccess;
  for (int64_t row = 0; row < m; ++row)
    detail::productRow(a + row * lda, bT, ldb, row, n, k, epilogue);
  return cudaSuccess;
}

/// whittle_cuda_gemm.cuh's launchConv2d: the NHWC convolution `shape` of x
/// with OHWI weights `w` as an implicit GEMM (k = (kh, kw, c)), padding
/// reading `inputZeroPoint`.
template <class Tile = DefaultGemmTile, class Epilogue>
cudaError_t launchConv2d(const ConvShape &shape, const int8_t *x,
                         int32_t inputZeroPoint, const int8_t *w,
                         const Epilogue &epilogue,
                         cudaStream_t /*stream*/ = 0) {
  static_assert(Tile::kThreads > 0, "a GemmTile");
  if (shape.channels % 16 || !detail::aligned16(x) || !detail::aligned16(w) ||
      shape.strideH < 1 || shape.strideW < 1 || shape.dilationH < 1 ||
      shape.dilationW < 1)
    return cudaErrorInvalidValue;
  int64_t m = shape.gemmM(), n = shape.outChannels, k = shape.gemmK();
  if (m <= 0 || n <= 0)
    return cudaSuccess;
  // Each output pixel's im2col row, as the kernel's loads assemble it.
  std::vector<int8_t> row(static_cast<size_t>(k));
  int8_t padding = detail::paddingByte(inputZeroPoint);
  for (int64_t pixel = 0; pixel < m; ++pixel) {
    ConvWindow window = convWindow(shape, pixel);
    for (int64_t i = 0; i < k; ++i) {
      ConvTap tap = convTap(shape, window, i);
      row[i] = tap.inside ? x[tap.offset] : padding;
    }
    detail::productRow(row.data(), w, k, pixel, n, k, epilogue);
  }
  return cudaSuccess;
}

/// whittle_cuda_depthwise.cuh's launchDepthwiseConv2d: the depthwise
/// convolution `shape` of NHWC `x` with weights packed by
/// packDepthwiseWeights.
template <class Epilogue>
cudaError_t
launchDepthwiseConv2d(const ConvShape &shape, const int8_t *x,
                      int32_t inputZeroPoint, const uint32_t *packed,
                      const Epilogue &epilogue, cudaStream_t /*stream*/ = 0) {
  if (shape.channels % 4 || (reinterpret_cast<uintptr_t>(x) & 3) ||
      (reinterpret_cast<uintptr_t>(packed) & 15) || shape.strideH < 1 ||
      shape.strideW < 1 || shape.dilationH < 1 || shape.dilationW < 1)
    return cudaErrorInvalidValue;
  const int taps = shape.kernelH * shape.kernelW;
  int8_t padding = detail::paddingByte(inputZeroPoint);
  for (int64_t m = 0; m < shape.gemmM(); ++m) {
    ConvWindow window = convWindow(shape, m);
    for (int c = 0; c < shape.channels; ++c) {
      uint32_t raw = 0, sumA = 0;
      for (int tap = 0; tap < taps; ++tap) {
        ConvTap at = convTap(shape, window, int64_t(tap) * shape.channels + c);
        int32_t value = at.inside ? x[at.offset] : padding;
        uint32_t word = packed[int64_t(tap / 4) * shape.channels + c];
        int32_t weight = static_cast<int8_t>((word >> (8 * (tap % 4))) & 0xff);
        raw += static_cast<uint32_t>(value * weight);
        sumA += static_cast<uint32_t>(value);
      }
      epilogue(m, c, static_cast<int32_t>(raw),
               Epilogue::kNeedsSumA ? static_cast<int32_t>(sumA) : 0);
    }
  }
  return cudaSuccess;
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_HOST_H
