// The 2:4-sparse GEMM and convolution (whittle_cuda_sparse.cuh) compile for
// sm_80 with warnings as errors (emit-nvcc.test builds them for sm_90a in
// an emitted model), with the default tile, and
// their SASS has what the kernel is for: cp.async copies (LDGSTS), ldmatrix
// (LDSM), the sparse s8 tensor-core mma (IMMA.SP.16864.S8.S8, mma.sp
// m16n8k64) and, with weight zero points, the dp4a input sums (IDP.4A);
// the convolution stores the input zero point into padding and the empty
// metadata past the arrays (STS.128). Nothing spills: no local memory
// (cuobjdump -res-usage: STACK:0 LOCAL:0, no STL/LDL).
//
// REQUIRES: nvcc, cuobjdump
// RUN: %nvcc %cuda_flags -arch=sm_80 -c %s -o %t.sm80.o
// RUN: %cuobjdump -sass %t.sm80.o | FileCheck %s
// RUN: %cuobjdump -sass %t.sm80.o | FileCheck --check-prefix=SPILL %s
// RUN: %cuobjdump -res-usage %t.sm80.o | FileCheck --check-prefix=RES %s

#include "whittle_cuda_sparse.cuh"

using namespace whittle_cuda;

template cudaError_t
whittle_cuda::launchSparseGemm<DefaultSparseGemmTile, RequantizeEpilogue<true>>(
    const int8_t *, int64_t, const int8_t *, const void *, int64_t, int64_t,
    int64_t, const RequantizeEpilogue<true> &, cudaStream_t);

template cudaError_t
whittle_cuda::launchSparseConv2d<DefaultSparseGemmTile,
                                 RequantizeEpilogue<false>>(
    const ConvShape &, const int8_t *, int32_t, const int8_t *, const void *,
    const RequantizeEpilogue<false> &, cudaStream_t);

// cuobjdump lists the kernels in reverse order of instantiation.
// CHECK-LABEL: Function : {{.*}}sparseGemmKernel{{.*}}ConvOperand
// CHECK-NOT: IDP.4A
// CHECK-DAG: STS.128
// CHECK-DAG: LDGSTS.E.BYPASS.128
// CHECK: LDSM.16.M88.4
// CHECK-NOT: IDP.4A
// CHECK: IMMA.SP.16864.S8.S8
// CHECK-NOT: IDP.4A
// CHECK: EXIT
// CHECK-LABEL: Function : {{.*}}sparseGemmKernel{{.*}}MatrixOperand
// CHECK: LDGSTS.E.BYPASS.128
// CHECK: LDSM.16.M88.4
// CHECK: IMMA.SP.16864.S8.S8
// CHECK: IDP.4A.S8.S8
// CHECK: EXIT

// SPILL-NOT: {{STL|LDL}}

// RES: Function {{.*}}sparseGemmKernel{{.*}}ConvOperand
// RES-NEXT: STACK:0 {{.*}}LOCAL:0
// RES: Function {{.*}}sparseGemmKernel{{.*}}MatrixOperand
// RES-NEXT: STACK:0 {{.*}}LOCAL:0
