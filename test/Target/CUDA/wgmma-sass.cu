// The sm_90a int8 GEMM (whittle_cuda_wgmma.cuh) compiles with warnings as
// errors, and its SASS has what the kernel is for: the warpgroup tensor-core
// MMA on s8 (IGMMA.64xNx32.S8.S8) kept one group in flight
// (WARPGROUP.DEPBAR.LE gsb0, 0x1), the TMA loads (UTMALDG.2D) and their
// mbarriers (SYNCS.*), the producer's registers going to the consumers
// (USETMAXREG), the dp4a row sums with weight zero points (IDP.4A), the
// epilogue's staging (STS.64); no local memory: no spills (LDL, STL), no
// stack; and ptxas does not serialize the wgmma (its "Potential Performance
// Loss" infos C7514-C7518, "warpgroup.wait is injected", which a path to
// the final wait_group without wgmma, or a conditional one, caused).
//
// REQUIRES: nvcc, cuobjdump
// RUN: %nvcc %cuda_flags -arch=sm_90a -Xptxas -v -c %s -o %t.o 2> %t.ptxas
// RUN: FileCheck %s --check-prefix=PTXAS --input-file %t.ptxas
// RUN: %cuobjdump -sass %t.o | FileCheck %s --check-prefix=N256
// RUN: %cuobjdump -sass %t.o | FileCheck %s --check-prefix=N128
// RUN: %cuobjdump -sass %t.o | FileCheck %s --check-prefix=SPILL
// RUN: %cuobjdump -res-usage %t.o | FileCheck %s --check-prefix=USAGE

#include "whittle_cuda_wgmma.cuh"

using namespace whittle_cuda;

// The default tile (two consumer warpgroups of 64 x 256) with the
// requantize epilogue and weight zero points.
template cudaError_t
whittle_cuda::launchWgmmaGemm<DefaultWgmmaTile, RequantizeEpilogue<true>>(
    const int8_t *, int64_t, const int8_t *, int64_t, int64_t, int64_t, int64_t,
    const RequantizeEpilogue<true> &, cudaStream_t);

// One consumer warpgroup of 64 x 128, the same epilogue.
template cudaError_t
whittle_cuda::launchWgmmaGemm<WgmmaTile<1, 128, 4>, RequantizeEpilogue<true>>(
    const int8_t *, int64_t, const int8_t *, int64_t, int64_t, int64_t, int64_t,
    const RequantizeEpilogue<true> &, cudaStream_t);

// N256-LABEL: Function : {{.*}}wgmmaGemmKernel{{.*}}Li2ELi256{{.*}}Requantize
// N256-DAG: SYNCS.EXCH.64
// N256-DAG: USETMAXREG.TRY_ALLOC.CTAPOOL {{.*}}0xe8
// N256-DAG: USETMAXREG.DEALLOC.CTAPOOL 0x28
// N256-DAG: UTMALDG.2D
// N256-DAG: SYNCS.ARRIVE.TRANS64
// N256-DAG: SYNCS.PHASECHK.TRANS64.TRYWAIT
// N256-DAG: WARPGROUP.ARRIVE
// N256-DAG: IGMMA.64x256x32.S8.S8
// N256-DAG: WARPGROUP.DEPBAR.LE gsb0, 0x1
// N256-DAG: IDP.4A.S8.S8
// N256-DAG: STS.64

// N128-LABEL: Function : {{.*}}wgmmaGemmKernel{{.*}}Li1ELi128{{.*}}Requantize
// N128-DAG: UTMALDG.2D
// N128-DAG: IGMMA.64x128x32.S8.S8
// N128-DAG: WARPGROUP.DEPBAR.LE gsb0, 0x1
// N128-DAG: IDP.4A.S8.S8

// PTXAS-NOT: Potential Performance Loss
// PTXAS-NOT: is injected
// PTXAS: Used {{[0-9]+}} registers
// PTXAS: Used {{[0-9]+}} registers

// SPILL-NOT: {{[[:space:]](LDL|STL)[.[:space:]]}}

// USAGE: Function {{.*}}wgmmaGemmKernel
// USAGE-NEXT: REG:{{[0-9]+}} STACK:0 SHARED:{{[0-9]+}} LOCAL:0
// USAGE: Function {{.*}}wgmmaGemmKernel
// USAGE-NEXT: REG:{{[0-9]+}} STACK:0 SHARED:{{[0-9]+}} LOCAL:0
