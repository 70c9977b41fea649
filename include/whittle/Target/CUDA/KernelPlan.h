//===- KernelPlan.h - what the CUDA planner decides -------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The attributes `whittle-cuda-plan` writes and `--emit-cuda` reads, and the
// GPU model both the planner and the design report use.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CUDA_KERNELPLAN_H
#define WHITTLE_TARGET_CUDA_KERNELPLAN_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <limits>

namespace whittle::cuda {

/// On every planned op: its kernel ("conv.tensor_core", "fused", "view",
/// "quantize", ...).
constexpr llvm::StringLiteral kKernelAttr = "whittle.cuda.kernel";
/// On tensor-core products: [BM, BN, BK, WM, WN, stages].
constexpr llvm::StringLiteral kTileAttr = "whittle.cuda.tile";
/// On products: "requantize", "requantize_add" or "accumulator".
constexpr llvm::StringLiteral kEpilogueAttr = "whittle.cuda.epilogue";
/// On ops with a kernel, and on the module (the sum): predicted
/// microseconds.
constexpr llvm::StringLiteral kTimeAttr = "whittle.cuda.time_us";
/// On a convolution whose input is copied with its channels padded (to
/// take the tensor cores): the padded channel count and the byte offset of
/// the scratch buffer.
constexpr llvm::StringLiteral kPaddedChannelsAttr =
    "whittle.cuda.padded_channels";
constexpr llvm::StringLiteral kScratchAttr = "whittle.cuda.scratch";
/// On ops whose result is in the arena: its byte offset and layout.
constexpr llvm::StringLiteral kOffsetAttr = "whittle.cuda.offset";
constexpr llvm::StringLiteral kLayoutAttr = "whittle.cuda.layout";
/// On the entry function's arguments and results: the byte offset of the
/// row-major region the caller's data is copied into or out of.
constexpr llvm::StringLiteral kStagingAttr = "whittle.cuda.staging";
/// On the module: the GPU architecture and the arena's size in bytes.
constexpr llvm::StringLiteral kGPUAttr = "whittle.cuda.gpu";
constexpr llvm::StringLiteral kArenaBytesAttr = "whittle.cuda.arena_bytes";

/// How a tensor's elements lie in device memory: row-major in the qnn
/// (NCHW) order, or channels innermost (NHWC, N(D)C for rank 3).
enum class Layout { rowMajor, nhwc };

inline llvm::StringRef stringifyLayout(Layout layout) {
  return layout == Layout::nhwc ? "nhwc" : "rowmajor";
}

/// What the planner knows of a GPU.
struct GPUModel {
  llvm::StringLiteral arch, name;
  int64_t sms, sharedPerSM, threadsPerSM, registersPerSM;
  /// Operations per second (a MAC is two) of the int8 tensor cores as
  /// mma.sync kernels reach them, as wgmma kernels do (0: no wgmma), and
  /// of the CUDA cores' int32 lanes.
  double tensorOps, wgmmaOps, coreOps;
  /// Bytes per second of device memory.
  double bandwidth;
  /// Microseconds per kernel launched from a CUDA graph.
  double launchMicros;
};

/// sm_80 or sm_90a; null for another name.
const GPUModel *getGPUModel(llvm::StringRef gpu);

/// The product kernels a tile is for.
enum class ProductKernel {
  /// mma.sync m16n8k32 (whittle_cuda::GemmTile), sm_80 and up.
  mma,
  /// wgmma.mma_async with TMA (whittle_cuda::WgmmaTile), sm_90a only.
  wgmma,
  /// mma.sp m16n8k64 on 2:4-sparse weights (whittle_cuda::SparseGemmTile).
  sparse,
};

/// A thread-block tile of a product kernel, with what the planner's model
/// needs of it, read from the runtime's own tile types.
struct TileShape {
  ProductKernel kernel;
  /// The tile's template arguments, as `whittle.cuda.tile` holds them.
  llvm::SmallVector<int64_t, 6> arguments;
  /// Output pixels (GEMM rows) and channels (columns) per block, bytes of
  /// k per stage, threads, dynamic shared memory and registers per thread
  /// (an estimate from cuobjdump -res-usage).
  int64_t pixels, channels, bk, threads, sharedBytes, registers;
};

/// The tiles the planner chooses among for `kernel`.
llvm::ArrayRef<TileShape> getTileCandidates(ProductKernel kernel);

/// The tile of `kernel` whose `whittle.cuda.tile` arguments are
/// `arguments`, or null.
const TileShape *findTile(ProductKernel kernel,
                          llvm::ArrayRef<int64_t> arguments);

/// The predicted microseconds of an M (pixels) x N (channels) x K int8
/// product on `tile` that reads `inputBytes` of activations (a
/// convolution's input once, not its M x K im2col); infinity where the GPU
/// lacks the kernel.
double predictProductMicros(const GPUModel &gpu, const TileShape &tile,
                            int64_t m, int64_t n, int64_t k,
                            int64_t inputBytes);

} // namespace whittle::cuda

#endif // WHITTLE_TARGET_CUDA_KERNELPLAN_H
