// The implicit-GEMM NHWC convolution compiles for sm_80 and sm_90a with
// warnings as errors and runs the GEMM's mainloop: cp.async copies
// (LDGSTS), the shared-memory stores of the input zero point into padding
// (STS.128), ldmatrix (LDSM) and the s8 tensor-core mma (IMMA.16832.S8.S8);
// without weight zero points no dp4a row sums (no IDP).
//
// REQUIRES: nvcc, cuobjdump
// RUN: %nvcc %cuda_flags -arch=sm_80 -c %s -o %t.sm80.o
// RUN: %cuobjdump -sass %t.sm80.o | FileCheck %s
// RUN: %nvcc %cuda_flags -arch=sm_90a -c %s -o %t.sm90a.o
// RUN: %cuobjdump -sass %t.sm90a.o | FileCheck %s

#include "whittle_cuda_gemm.cuh"

using namespace whittle_cuda;

using Tile = GemmTile<64, 64, 64, 32, 32, 3>;

template cudaError_t
whittle_cuda::launchConv2d<Tile, RequantizeEpilogue<false>>(
    const ConvShape &, const int8_t *, int32_t, const int8_t *,
    const RequantizeEpilogue<false> &, cudaStream_t);

// CHECK-LABEL: Function : {{.*}}gemmKernel{{.*}}ConvOperand
// CHECK-NOT: IDP.4A
// CHECK-DAG: STS.128
// CHECK-DAG: LDGSTS.E.BYPASS.128
// CHECK: LDSM.16.M88.4
// CHECK-NOT: IDP.4A
// CHECK: IMMA.16832.S8.S8
// CHECK-NOT: IDP.4A
// CHECK: EXIT
