//===- whittle_cuda_model.h - the runtime of emitted CUDA models -*- C++
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The one header that model code emitted by `whittlec --target cuda`
// includes. The same model source builds two ways:
//
// - with nvcc (sm_80 and up): the CUDA runtime, the tensor-core GEMM and
//   implicit-GEMM convolution (whittle_cuda_gemm.cuh), their 2:4-sparse
//   variants (whittle_cuda_sparse.cuh), on sm_90a the wgmma GEMM
//   (whittle_cuda_wgmma.cuh, when the model defines WHITTLE_CUDA_WGMMA),
//   the dp4a depthwise convolution (whittle_cuda_depthwise.cuh) and the
//   generic ops (whittle_cuda_ops.cuh) as real kernels;
// - with g++ and -DWHITTLE_CUDA_HOST (host emulation, for CI without a
//   GPU): whittle_cuda_host.h's small CUDA runtime over host memory and
//   loop versions of the three launchers, and the generic ops' functors run
//   in host loops, so that the emitted model runs on the CPU and is compared
//   bit for bit with the CPU back end.
//
// Everything is in namespace whittle_cuda; the CUDA runtime API is used by
// its usual global names in both builds.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_MODEL_H
#define WHITTLE_CUDA_MODEL_H

#if defined(WHITTLE_CUDA_HOST)
#include "whittle_cuda_host.h"

#include "whittle_cuda_sparse_host.h"
#include "whittle_cuda_wgmma_host.h"
#else
#include <cuda_runtime.h>

#include "whittle_cuda_depthwise.cuh"
#include "whittle_cuda_gemm.cuh"
#include "whittle_cuda_sparse.cuh"
// The wgmma kernels build for sm_90a only: a model planned for it says so.
#if defined(WHITTLE_CUDA_WGMMA)
#include "whittle_cuda_wgmma.cuh"
#endif
#endif
#include "whittle_cuda_ops.cuh"

namespace whittle_cuda {

/// Whether the model may capture its launches into a CUDA graph and replay
/// it: not in the host emulation, where capture is not supported (every
/// launch runs when it is made).
#if defined(WHITTLE_CUDA_HOST)
constexpr bool kUseGraphs = false;
#else
constexpr bool kUseGraphs = true;
#endif

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_MODEL_H
