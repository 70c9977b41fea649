//===- whittle_cuda_depthwise.cuh - int8 depthwise conv with dp4a -*- CUDA -*-//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A depthwise NHWC 2-D convolution (groups = channels, one filter per
// channel; any kernel size, stride, padding and dilation). Its reduction
// is only the window (9 taps for 3 x 3), too short and too narrow for the
// tensor cores, so each thread computes four channels of one output pixel
// with dp4a (`__dp4a`, sm_61 and up): it reads a 32-bit word of four
// channels per tap, regroups four taps' words into one word per channel
// (transposeBytes4x4), and multiplies each with the packed weights of the
// same four taps (packDepthwiseWeights: [tapGroups][channels] words). A
// second dp4a with 0x01010101 sums the input bytes (sumA) when the
// epilogue needs it for weight zero points. Padding reads the input zero
// point; taps past the last are 0 in the weights, so their input bytes
// add nothing to the product and are set to 0 for sumA.
//
// The epilogue is called with (pixel m = (n, oh, ow), channel, raw,
// sumA), as for the GEMM (whittle_cuda_epilogue.h; fold the biases with
// k = kernelH * kernelW and each channel's taps as its B^T row).
//
// Requirements, checked by the launcher: channels a multiple of 4 and x
// 4-byte aligned (whole-word loads), packed weights 16-byte aligned.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_DEPTHWISE_CUH
#define WHITTLE_CUDA_DEPTHWISE_CUH

#include "whittle_cuda_epilogue.h"
#include "whittle_cuda_layout.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace whittle_cuda {

/// One thread per (output pixel, four channels); `shape.outChannels` is
/// ignored (it equals `shape.channels`).
template <class Epilogue>
__global__ void depthwiseKernel(ConvShape shape, const int8_t *x,
                                int32_t inputZeroPoint, const uint32_t *packed,
                                Epilogue epilogue) {
  const int quads = shape.channels / 4;
  const int64_t index = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (index >= shape.gemmM() * quads)
    return;
  const int c = static_cast<int>(index % quads) * 4;
  const int64_t m = index / quads;
  const ConvWindow window = convWindow(shape, m);
  const int taps = shape.kernelH * shape.kernelW;
  const uint32_t padding = splatByte(inputZeroPoint);

  int32_t acc[4] = {0, 0, 0, 0}, sumA[4] = {0, 0, 0, 0};
  for (int group = 0; group < depthwiseTapGroups(taps); ++group) {
    uint32_t rows[4];
#pragma unroll
    for (int t = 0; t < 4; ++t) {
      int tap = group * 4 + t;
      // Channel c of the tap: (kh, kw, c) is the GEMM's k = tap * C + c.
      ConvTap at = convTap(shape, window, int64_t(tap) * shape.channels + c);
      rows[t] = tap >= taps ? 0u
                : at.inside ? *reinterpret_cast<const uint32_t *>(x + at.offset)
                            : padding;
    }
    uint32_t columns[4];
    transposeBytes4x4(rows, columns);
    // The four channels' weight words are adjacent: one 16-byte load.
    uint4 weights = *reinterpret_cast<const uint4 *>(
        packed + int64_t(group) * shape.channels + c);
    acc[0] = dot4(columns[0], weights.x, acc[0]);
    acc[1] = dot4(columns[1], weights.y, acc[1]);
    acc[2] = dot4(columns[2], weights.z, acc[2]);
    acc[3] = dot4(columns[3], weights.w, acc[3]);
    if (Epilogue::kNeedsSumA) {
#pragma unroll
      for (int j = 0; j < 4; ++j)
        sumA[j] = dot4(columns[j], 0x01010101u, sumA[j]);
    }
  }
#pragma unroll
  for (int j = 0; j < 4; ++j)
    epilogue(m, c + j, acc[j], sumA[j]);
}

/// The depthwise convolution `shape` of NHWC `x` with weights packed by
/// packDepthwiseWeights, each output element y[n, oh, ow, c] through
/// `epilogue`.
template <class Epilogue>
cudaError_t
launchDepthwiseConv2d(const ConvShape &shape, const int8_t *x,
                      int32_t inputZeroPoint, const uint32_t *packed,
                      const Epilogue &epilogue, cudaStream_t stream = 0) {
  if (shape.channels % 4 || (reinterpret_cast<uintptr_t>(x) & 3) ||
      (reinterpret_cast<uintptr_t>(packed) & 15) || shape.strideH < 1 ||
      shape.strideW < 1 || shape.dilationH < 1 || shape.dilationW < 1)
    return cudaErrorInvalidValue;
  int64_t threads = shape.gemmM() * (shape.channels / 4);
  if (threads == 0)
    return cudaSuccess;
  constexpr int kBlock = 256;
  depthwiseKernel<<<static_cast<unsigned>((threads + kBlock - 1) / kBlock),
                    kBlock, 0, stream>>>(shape, x, inputZeroPoint, packed,
                                         epilogue);
  return cudaGetLastError();
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_DEPTHWISE_CUH
