// Every function of the shared arithmetic header (whittle_hls_arith.h)
// compiles as device code with warnings as errors, for sm_80 and sm_90a:
// nvcc rejects a host-only call from a __host__ __device__ function that a
// kernel reaches (with -Werror all-warnings, also the warning it gives for
// an unreached one).
//
// REQUIRES: nvcc
// RUN: %nvcc %cuda_flags -arch=sm_80 --ptx %s -o - | FileCheck %s
// RUN: %nvcc %cuda_flags -arch=sm_90a --ptx %s -o - | FileCheck %s

#include "whittle_hls_arith.h"

namespace h = whittle_hls;

// CHECK: .entry {{.*}}everyFunction
__global__ void everyFunction(int64_t *o, const int64_t *in, float *f,
                              int32_t *table, int8_t *bytes, double *weights,
                              int64_t *integerWeights) {
  int i = threadIdx.x;
  auto m = static_cast<h::RoundingMode>(i & 3);
  o[0] = h::roundingDivide(in[i], in[i + 1] | 1, m);
  o[1] = h::rescale(in[i], in[i + 2], static_cast<int32_t>(in[3]), m);
  o[2] = h::requantize(in[i], 1 << 30, 33, m, 3);
  o[3] = h::quantize(f[i], f[i + 1], 2);
  f[2] = h::dequantize(static_cast<int32_t>(in[i]), f[0], 1);
  o[4] = h::add(bytes[0], bytes[1], 1, 2, 3, 4, 5, m, 6, -128, 127);
  o[5] = h::mul(bytes[0], bytes[1], 1, 2, 3, 4, m, 6, -128, 127);
  o[6] = h::concat(bytes[0], 1, 2, 3, m, 4, -128, 127);
  o[7] =
      h::avgPool(static_cast<int32_t>(in[0]), in[1] | 1, 3, 4, m, 5, -128, 127);
  o[8] = h::globalAvgPool(static_cast<int32_t>(in[0]), in[1] | 1, 3, -4, m, 5,
                          -128, 127);
  o[9] = h::softmax(h::softmaxExp(table, bytes[0], bytes[1]), in[3] | 1, 3, 4,
                    m, 5, -128, 127);
  o[10] = h::lut(bytes, bytes[3]);
  o[11] = h::resize(in[4], 8, m);
  o[12] = h::scaledDivide(in[0], in[1] | 1, 3, -5, m);
  o[13] = h::roundToFloat32Precision(in[5]);
  h::getSoftmaxExpTable(f[3], table);
  h::resizeWeights(weights, 2, 8, integerWeights);
}
