// The depthwise convolution compiles for sm_80 and sm_90a with warnings as
// errors; its SASS regroups bytes with PRMT (__byte_perm) and multiplies
// with dp4a (IDP.4A.S8.S8), four channels per thread, plus four more for
// the input sums that weight zero points need.
//
// REQUIRES: nvcc, cuobjdump
// RUN: %nvcc %cuda_flags -arch=sm_80 -c %s -o %t.sm80.o
// RUN: %cuobjdump -sass %t.sm80.o | FileCheck %s
// RUN: %nvcc %cuda_flags -arch=sm_90a -c %s -o %t.sm90a.o
// RUN: %cuobjdump -sass %t.sm90a.o | FileCheck %s

#include "whittle_cuda_depthwise.cuh"

using namespace whittle_cuda;

template cudaError_t
whittle_cuda::launchDepthwiseConv2d<RequantizeEpilogue<true>>(
    const ConvShape &, const int8_t *, int32_t, const uint32_t *,
    const RequantizeEpilogue<true> &, cudaStream_t);

// CHECK-LABEL: Function : {{.*}}depthwiseKernel
// CHECK: PRMT
// CHECK-COUNT-8: IDP.4A.S8.S8
// CHECK-NOT: IMMA
