// The runtime of emitted CUDA models (whittle_cuda_model.h) compiles for
// sm_80 and (to PTX) sm_90a with warnings as errors, with a kernel for every
// generic op of whittle_cuda_ops.cuh (each forEach functor, copy of all
// three element types, the direct convolution with both epilogues) and the
// tensor-core and dp4a launchers it includes.
//
// REQUIRES: nvcc
// RUN: %nvcc %cuda_flags -arch=sm_80 -c %s -o %t.sm80.o
// RUN: %nvcc %cuda_flags -arch=compute_90a -c %s -o %t.sm90a.o

#include "whittle_cuda_model.h"

using namespace whittle_cuda;

static_assert(kUseGraphs, "the nvcc build replays CUDA graphs");

cudaError_t everyOp(const float *f, float *g, const int8_t *a, const int8_t *b,
                    int8_t *y, const int32_t *i, int32_t *j,
                    const int32_t *params, const float *scales, View v,
                    const ConvShape &s, const uint32_t *packed,
                    cudaStream_t stream) {
  RequantizeParams requantizeParams{
      params, params + 1, 1, RoundingMode::half_away, 0, -128, 127};
  AddParams addParams{1, 2, 3, 4, 5, RoundingMode::nearest_even, 6, -128, 127};
  MulParams mulParams{1, 2, 3, 4, RoundingMode::float32, 5, -128, 127};
  ConcatInputParams concatParams{1, 2,    3,  RoundingMode::pseudo_stochastic,
                                 4, -128, 127};
  AvgPoolParams poolParams{1, 1, true, 2, 3, 30, RoundingMode::nearest_even,
                           4, 0, 127};
  RequantizeEpilogue<true> requantize8;
  requantize8.multipliers = params;
  requantize8.shifts = params + 1;
  requantize8.out = y;
  AccumulatorEpilogue<true> accumulator32;
  accumulator32.out = j;
  RequantizeEpilogue<false> symmetric;
  symmetric.multipliers = params;
  symmetric.shifts = params + 1;
  symmetric.out = y;
  AccumulatorEpilogue<false> symmetric32;
  symmetric32.out = j;

  cudaError_t e[] = {
      quantize(f, v, y, v, scales, params, -1, stream),
      dequantize(a, v, g, v, scales, params, 1, stream),
      dequantize(i, v, g, v, scales, params, -1, stream),
      requantize(i, v, y, v, requantizeParams, stream),
      requantize(a, v, y, v, requantizeParams, stream),
      add(a, v, b, v, y, v, addParams, stream),
      mul(a, v, b, v, y, v, mulParams, stream),
      lookupTable(a, v, y, v, b, stream),
      copy(a, v, y, v, stream),
      copy(i, v, j, v, stream),
      copy(f, v, g, v, stream),
      fill(y, v, 3, stream),
      concatInput(a, v, y, v, concatParams, stream),
      maxPool2d(s, a, y, stream),
      avgPool2d(s, a, y, poolParams, stream),
      globalAvgPool(1, 49, 64, a, y, poolParams, stream),
      launchDirectConv2d(s, 2, a, 3, b, requantize8, stream),
      launchDirectConv2d(s, 1, a, 3, b, accumulator32, stream),
      launchDirectConv2d(s, 3, a, 3, b, symmetric, stream),
      launchDirectConv2d(s, 1, a, 3, b, symmetric32, stream),
      launchGemm<GemmTile<64, 64, 64, 32, 32, 3>>(a, 64, b, 64, 64, 64, 64,
                                                  accumulator32, stream),
      launchConv2d(s, a, 3, b, requantize8, stream),
      launchDepthwiseConv2d(s, a, 3, packed, symmetric32, stream),
  };
  for (cudaError_t error : e)
    if (error != cudaSuccess)
      return error;
  return cudaSuccess;
}
