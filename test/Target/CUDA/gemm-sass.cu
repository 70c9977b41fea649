// The int8 GEMM compiles for sm_80 and sm_90a with warnings as errors, and
// its SASS has what the kernel is for: cp.async copies (LDGSTS), ldmatrix
// (LDSM), the s8 tensor-core mma (IMMA.16832.S8.S8) and, with weight zero
// points, the dp4a row sums (IDP.4A).
//
// REQUIRES: nvcc, cuobjdump
// RUN: %nvcc %cuda_flags -arch=sm_80 -c %s -o %t.sm80.o
// RUN: %cuobjdump -sass %t.sm80.o | FileCheck %s
// RUN: %nvcc %cuda_flags -arch=sm_90a -c %s -o %t.sm90a.o
// RUN: %cuobjdump -sass %t.sm90a.o | FileCheck %s

#include "whittle_cuda_gemm.cuh"

using namespace whittle_cuda;

// A small tile keeps the compile short: 2 x 2 warps of 32 x 32, 3 stages.
using Tile = GemmTile<64, 64, 64, 32, 32, 3>;

template cudaError_t whittle_cuda::launchGemm<Tile, RequantizeEpilogue<true>>(
    const int8_t *, int64_t, const int8_t *, int64_t, int64_t, int64_t, int64_t,
    const RequantizeEpilogue<true> &, cudaStream_t);

// CHECK-LABEL: Function : {{.*}}gemmKernel{{.*}}MatrixOperand
// CHECK: LDGSTS.E.BYPASS.128
// CHECK: LDSM.16.M88.4
// CHECK: IMMA.16832.S8.S8
// CHECK: IDP.4A.S8.S8
