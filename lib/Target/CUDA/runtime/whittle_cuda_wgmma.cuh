//===- whittle_cuda_wgmma.cuh - int8 GEMM with wgmma and TMA (sm_90a) -*- CUDA
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The large int8 products of `whittlec --target cuda` on sm_90a (Hopper):
// C[M, N] = A[M, K] x B[K, N] with A row-major (row stride lda bytes) and
// B given as B^T [N, K] (row stride ldb), each element through the same
// epilogue functor as whittle_cuda_gemm.cuh's kernels: epilogue(m, n, raw,
// sumA), raw the s32 sum of products (wrapping modulo 2^32 like qnn's i32)
// and sumA the sum of row m's K bytes of A when Epilogue::kNeedsSumA (else
// 0). The emitter takes it for GEMMs and 1x1 stride-1 convolutions (whose
// A is the NHWC activation matrix) when M, N and K are large; the
// implicit-GEMM convolution stays on mma.sync (whittle_cuda_gemm.cuh).
//
// The kernel (the producer/consumer structure of CUTLASS's sm90
// warp-specialized GEMMs and of the "fast.cu" Hopper write-ups, written
// anew here):
//
// - a block computes a BM x BN tile (WgmmaTile, whittle_cuda_wgmma_layout.h)
//   with 1 + kConsumerGroups warpgroups. Warpgroup 0 is the producer: one
//   of its threads copies 128-byte slices of k of A's BM rows and B^T's BN
//   rows global -> shared with TMA (`cp.async.bulk.tensor.2d`, tensor maps
//   made by the launcher with cuTensorMapEncodeTiled and the 128-byte
//   swizzle) into a ring of kStages buffers. Each buffer has a "full"
//   mbarrier (the producer's arrive.expect_tx of the stage's bytes, which
//   the TMA completes) and an "empty" one (every consumer thread arrives
//   once it no longer reads the buffer);
// - consumer warpgroup c waits for a full buffer, issues four `wgmma
//   .mma_async.m64n<BN>k32.s32.s8.s8` (k32 each) on its 64 rows of A and
//   all BN rows of B^T, both read from shared memory through descriptors
//   (K-major, 128-byte swizzle), commits them as one group and waits until
//   only that group is in flight, then frees the previous buffer;
// - rows past M, columns past N and k past K read zeros (TMA's
//   out-of-bounds fill), which add nothing to raw or sumA;
// - sumA, when the epilogue needs it, is summed by the consumers from the
//   A tile in shared memory (four 16-byte loads and sixteen dp4a per
//   thread per stage, whittle_cuda_wgmma_layout.h's wgmmaRowSumOffset),
//   then completed across the four lanes sharing a row by two shuffles: no
//   extra pass and no scratch memory;
// - the `setmaxnreg` registers move from the producer (40) to the
//   consumers (232) with two consumer warpgroups;
// - blocks take output tiles in groups of kWgmmaRasterGroup tile columns
//   (wgmmaBlockTile) for L2 reuse;
// - the epilogue: once the last wgmma has retired, each consumer
//   warpgroup stages its accumulators and row sums in the idle stage
//   buffers and calls the epilogue once per output inside M x N, row by
//   row, consecutive threads on consecutive columns (coalesced stores, and
//   one inlined copy of the epilogue rather than one per register).
//
// Requirements, checked by launchWgmmaGemm (cudaErrorInvalidValue):
// wgmmaGemmSupported (K > 0, K, lda and ldb multiples of 16, lda and ldb
// >= K, 16-byte aligned pointers, M, N, K < 2^31). The launcher builds the two
// tensor maps on the host for every launch (cuTensorMapEncodeTiled, a
// host-only call, reached through cudaGetDriverEntryPointByVersion so that
// nothing links libcuda) and passes them by value as __grid_constant__
// parameters: it never synchronizes, so launches can be captured in CUDA
// graphs.
//
// Device code compiles for sm_90a only (wgmma and setmaxnreg are
// sm_90a features); host code may include the header anywhere.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CUDA_WGMMA_CUH
#define WHITTLE_CUDA_WGMMA_CUH

#include "whittle_cuda_epilogue.h"
#include "whittle_cuda_layout.h"
#include "whittle_cuda_wgmma_layout.h"

#include <cuda.h>
#include <cuda_runtime.h>

#include <cstdint>

// Device code is for sm_90a: nvcc's -arch=sm_90a compiles it for sm_90a
// (__CUDA_ARCH_FEAT_SM90_ALL: the kernel) and (nvcc 13.0 does) into plain
// compute_90 PTX too, where the kernel is a trap (wgmma and setmaxnreg
// are not in sm_90's PTX; a 9.0 device runs the sm_90a code, and the
// launcher refuses other devices). Any other device architecture is an
// error.
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ != 900
#error "whittle_cuda_wgmma.cuh needs sm_90a (wgmma.mma_async, TMA, \
setmaxnreg): compile its device code with -arch=sm_90a"
#endif

namespace whittle_cuda {

//===----------------------------------------------------------------------===//
// PTX (sm_90a)
//===----------------------------------------------------------------------===//

namespace sm90 {

/// The shared-state-space address of a generic pointer into shared memory.
__device__ inline uint32_t sharedAddress(const void *pointer) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(pointer));
}

/// `mbarrier.init.shared::cta.b64` (PTX ISA, "mbarrier.init"): the phase
/// completes after `count` arrivals (and the expected transactions).
__device__ inline void barrierInit(uint32_t barrier, uint32_t count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(barrier),
               "r"(count)
               : "memory");
}

/// Makes the initialized mbarriers visible to the other threads and to the
/// asynchronous proxy (the TMA unit that completes their transactions).
__device__ inline void fenceBarrierInit() {
  asm volatile("fence.mbarrier_init.release.cluster;\n"
               "fence.proxy.async.shared::cta;\n" ::
                   : "memory");
}

/// `mbarrier.arrive.expect_tx` (PTX ISA, "mbarrier.expect_tx"): this
/// thread's arrival, and `bytes` more transactions expected in the phase.
__device__ inline void barrierArriveExpectTx(uint32_t barrier, uint32_t bytes) {
  asm volatile(
      "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(barrier),
      "r"(bytes)
      : "memory");
}

/// `mbarrier.arrive` (release at CTA scope).
__device__ inline void barrierArrive(uint32_t barrier) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(barrier)
               : "memory");
}

/// Waits for the completion of the barrier's phase of parity `parity`
/// (PTX ISA, "mbarrier.try_wait"): the current phase when it is still
/// pending, the previous one (complete) otherwise. A fresh barrier is in
/// phase 0, so waiting for parity 1 returns at once.
__device__ inline void barrierWait(uint32_t barrier, uint32_t parity) {
  uint32_t done;
  do {
    asm volatile("{\n.reg .pred p;\n"
                 "mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n"
                 "selp.u32 %0, 1, 0, p;\n}\n"
                 : "=r"(done)
                 : "r"(barrier), "r"(parity)
                 : "memory");
  } while (!done);
}

/// `prefetch.tensormap` of a kernel parameter's tensor map.
__device__ inline void prefetchTensorMap(const CUtensorMap *map) {
  asm volatile(
      "prefetch.tensormap [%0];\n" ::"l"(reinterpret_cast<uint64_t>(map))
      : "memory");
}

/// `cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::
/// complete_tx::bytes` (PTX ISA, "cp.async.bulk.tensor"): the box of
/// `map` at coordinates (x = k byte, y = row) into shared memory at `dst`,
/// completing its bytes on `barrier`. Out-of-bounds elements are zeros
/// (the map's CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE) and count as transferred.
__device__ inline void tmaLoad2d(uint32_t dst, const CUtensorMap *map,
                                 int32_t x, int32_t y, uint32_t barrier) {
  asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::"
               "complete_tx::bytes [%0], [%1, {%2, %3}], [%4];\n" ::"r"(dst),
               "l"(reinterpret_cast<uint64_t>(map)), "r"(x), "r"(y),
               "r"(barrier)
               : "memory");
}

/// `ld.shared.v4.u32`.
__device__ inline void loadShared16(uint32_t (&r)[4], uint32_t address) {
  asm volatile("ld.shared.v4.u32 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(address));
}

/// `st.shared.v2.u32`, `st.shared.u32` and `ld.shared.u32`.
__device__ inline void storeShared8(uint32_t address, int32_t x, int32_t y) {
  asm volatile("st.shared.v2.u32 [%0], {%1, %2};\n" ::"r"(address), "r"(x),
               "r"(y)
               : "memory");
}
__device__ inline void storeShared4(uint32_t address, int32_t x) {
  asm volatile("st.shared.u32 [%0], %1;\n" ::"r"(address), "r"(x) : "memory");
}
__device__ inline uint32_t loadShared4(uint32_t address) {
  uint32_t x;
  asm volatile("ld.shared.u32 %0, [%1];\n" : "=r"(x) : "r"(address) : "memory");
  return x;
}

/// `bar.sync kId, kCount` (PTX ISA, "bar"): a barrier of kCount threads
/// (whole warps) of the block, the others not waiting (barrier 0 is
/// __syncthreads').
template <int kId, int kCount> __device__ inline void namedBarrier() {
  asm volatile("bar.sync %0, %1;\n" ::"n"(kId), "n"(kCount) : "memory");
}

/// `wgmma.fence` (PTX ISA): orders this warpgroup's register accesses to
/// the accumulators before the wgmma that follow.
__device__ inline void wgmmaFence() {
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
}
/// `wgmma.commit_group`: the wgmma issued since the last commit form one
/// group.
__device__ inline void wgmmaCommit() {
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
}
/// `wgmma.wait_group n`: waits until at most `n` groups are pending.
template <int n> __device__ inline void wgmmaWait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(n) : "memory");
}

/// Keeps the compiler from moving accesses to the accumulators across the
/// asynchronous wgmma (CUTLASS's warpgroup_fence_operand).
template <int kCount>
__device__ inline void fenceAccumulators(int32_t (&d)[kCount]) {
#pragma unroll
  for (int i = 0; i < kCount; ++i)
    asm volatile("" : "+r"(d[i])::"memory");
}

/// `setmaxnreg.{inc,dec}.sync.aligned.u32` (PTX ISA, "setmaxnreg"): the
/// warpgroup's registers per thread become `kRegisters`.
template <int kRegisters> __device__ inline void increaseRegisters() {
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(kRegisters));
}
template <int kRegisters> __device__ inline void decreaseRegisters() {
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(kRegisters));
}

/// d += a b with `wgmma.mma_async.sync.aligned.m64n<N>k32.s32.s8.s8` (scale-d
/// 1; without .satfinite the s32 sums wrap), A and B^T from shared memory
/// through descriptors. Asynchronous: d must not be touched until a
/// wgmma.wait_group has retired the group.
template <int N> struct Wgmma;

template <> struct Wgmma<128> {
  __device__ static void run(int32_t (&d)[64], uint64_t descA, uint64_t descB) {
    asm volatile(
        "{\n.reg .pred p;\n"
        "setp.ne.b32 p, %66, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n128k32.s32.s8.s8 {"
        "%0, %1, %2, %3, %4, %5, %6, %7, "
        "%8, %9, %10, %11, %12, %13, %14, %15, "
        "%16, %17, %18, %19, %20, %21, %22, %23, "
        "%24, %25, %26, %27, %28, %29, %30, %31, "
        "%32, %33, %34, %35, %36, %37, %38, %39, "
        "%40, %41, %42, %43, %44, %45, %46, %47, "
        "%48, %49, %50, %51, %52, %53, %54, %55, "
        "%56, %57, %58, %59, %60, %61, %62, %63"
        "}, %64, %65, p;\n}\n"
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3]), "+r"(d[4]),
          "+r"(d[5]), "+r"(d[6]), "+r"(d[7]), "+r"(d[8]), "+r"(d[9]),
          "+r"(d[10]), "+r"(d[11]), "+r"(d[12]), "+r"(d[13]), "+r"(d[14]),
          "+r"(d[15]), "+r"(d[16]), "+r"(d[17]), "+r"(d[18]), "+r"(d[19]),
          "+r"(d[20]), "+r"(d[21]), "+r"(d[22]), "+r"(d[23]), "+r"(d[24]),
          "+r"(d[25]), "+r"(d[26]), "+r"(d[27]), "+r"(d[28]), "+r"(d[29]),
          "+r"(d[30]), "+r"(d[31]), "+r"(d[32]), "+r"(d[33]), "+r"(d[34]),
          "+r"(d[35]), "+r"(d[36]), "+r"(d[37]), "+r"(d[38]), "+r"(d[39]),
          "+r"(d[40]), "+r"(d[41]), "+r"(d[42]), "+r"(d[43]), "+r"(d[44]),
          "+r"(d[45]), "+r"(d[46]), "+r"(d[47]), "+r"(d[48]), "+r"(d[49]),
          "+r"(d[50]), "+r"(d[51]), "+r"(d[52]), "+r"(d[53]), "+r"(d[54]),
          "+r"(d[55]), "+r"(d[56]), "+r"(d[57]), "+r"(d[58]), "+r"(d[59]),
          "+r"(d[60]), "+r"(d[61]), "+r"(d[62]), "+r"(d[63])
        : "l"(descA), "l"(descB), "n"(1));
  }
};

template <> struct Wgmma<256> {
  __device__ static void run(int32_t (&d)[128], uint64_t descA,
                             uint64_t descB) {
    asm volatile(
        "{\n.reg .pred p;\n"
        "setp.ne.b32 p, %130, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n256k32.s32.s8.s8 {"
        "%0, %1, %2, %3, %4, %5, %6, %7, "
        "%8, %9, %10, %11, %12, %13, %14, %15, "
        "%16, %17, %18, %19, %20, %21, %22, %23, "
        "%24, %25, %26, %27, %28, %29, %30, %31, "
        "%32, %33, %34, %35, %36, %37, %38, %39, "
        "%40, %41, %42, %43, %44, %45, %46, %47, "
        "%48, %49, %50, %51, %52, %53, %54, %55, "
        "%56, %57, %58, %59, %60, %61, %62, %63, "
        "%64, %65, %66, %67, %68, %69, %70, %71, "
        "%72, %73, %74, %75, %76, %77, %78, %79, "
        "%80, %81, %82, %83, %84, %85, %86, %87, "
        "%88, %89, %90, %91, %92, %93, %94, %95, "
        "%96, %97, %98, %99, %100, %101, %102, %103, "
        "%104, %105, %106, %107, %108, %109, %110, %111, "
        "%112, %113, %114, %115, %116, %117, %118, %119, "
        "%120, %121, %122, %123, %124, %125, %126, %127"
        "}, %128, %129, p;\n}\n"
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3]), "+r"(d[4]),
          "+r"(d[5]), "+r"(d[6]), "+r"(d[7]), "+r"(d[8]), "+r"(d[9]),
          "+r"(d[10]), "+r"(d[11]), "+r"(d[12]), "+r"(d[13]), "+r"(d[14]),
          "+r"(d[15]), "+r"(d[16]), "+r"(d[17]), "+r"(d[18]), "+r"(d[19]),
          "+r"(d[20]), "+r"(d[21]), "+r"(d[22]), "+r"(d[23]), "+r"(d[24]),
          "+r"(d[25]), "+r"(d[26]), "+r"(d[27]), "+r"(d[28]), "+r"(d[29]),
          "+r"(d[30]), "+r"(d[31]), "+r"(d[32]), "+r"(d[33]), "+r"(d[34]),
          "+r"(d[35]), "+r"(d[36]), "+r"(d[37]), "+r"(d[38]), "+r"(d[39]),
          "+r"(d[40]), "+r"(d[41]), "+r"(d[42]), "+r"(d[43]), "+r"(d[44]),
          "+r"(d[45]), "+r"(d[46]), "+r"(d[47]), "+r"(d[48]), "+r"(d[49]),
          "+r"(d[50]), "+r"(d[51]), "+r"(d[52]), "+r"(d[53]), "+r"(d[54]),
          "+r"(d[55]), "+r"(d[56]), "+r"(d[57]), "+r"(d[58]), "+r"(d[59]),
          "+r"(d[60]), "+r"(d[61]), "+r"(d[62]), "+r"(d[63]), "+r"(d[64]),
          "+r"(d[65]), "+r"(d[66]), "+r"(d[67]), "+r"(d[68]), "+r"(d[69]),
          "+r"(d[70]), "+r"(d[71]), "+r"(d[72]), "+r"(d[73]), "+r"(d[74]),
          "+r"(d[75]), "+r"(d[76]), "+r"(d[77]), "+r"(d[78]), "+r"(d[79]),
          "+r"(d[80]), "+r"(d[81]), "+r"(d[82]), "+r"(d[83]), "+r"(d[84]),
          "+r"(d[85]), "+r"(d[86]), "+r"(d[87]), "+r"(d[88]), "+r"(d[89]),
          "+r"(d[90]), "+r"(d[91]), "+r"(d[92]), "+r"(d[93]), "+r"(d[94]),
          "+r"(d[95]), "+r"(d[96]), "+r"(d[97]), "+r"(d[98]), "+r"(d[99]),
          "+r"(d[100]), "+r"(d[101]), "+r"(d[102]), "+r"(d[103]), "+r"(d[104]),
          "+r"(d[105]), "+r"(d[106]), "+r"(d[107]), "+r"(d[108]), "+r"(d[109]),
          "+r"(d[110]), "+r"(d[111]), "+r"(d[112]), "+r"(d[113]), "+r"(d[114]),
          "+r"(d[115]), "+r"(d[116]), "+r"(d[117]), "+r"(d[118]), "+r"(d[119]),
          "+r"(d[120]), "+r"(d[121]), "+r"(d[122]), "+r"(d[123]), "+r"(d[124]),
          "+r"(d[125]), "+r"(d[126]), "+r"(d[127])
        : "l"(descA), "l"(descB), "n"(1));
  }
};

} // namespace sm90

//===----------------------------------------------------------------------===//
// The kernel
//===----------------------------------------------------------------------===//

/// The block's BM x BN tile of A B: A and B^T through the tensor maps `aMap`
/// (box 128 x BM) and `bMap` (box 128 x BN), both with the 128-byte
/// swizzle, every element inside M x N through the epilogue. Needs
/// Tile::kSharedBytes of dynamic shared memory and a grid of tilesM x
/// tilesN blocks.
template <class Tile, class Epilogue>
__global__ void __launch_bounds__(Tile::kThreads, 1)
    wgmmaGemmKernel(const __grid_constant__ CUtensorMap aMap,
                    const __grid_constant__ CUtensorMap bMap, int64_t m,
                    int64_t n, int64_t k, int64_t tilesM, int64_t tilesN,
                    Epilogue epilogue) {
#if defined(__CUDA_ARCH__) && !defined(__CUDA_ARCH_FEAT_SM90_ALL)
  // Not sm_90a: never runs (the launcher takes only 9.0 devices, which run
  // the sm_90a code). The epilogue is still referenced, as in the sm_90a
  // pass, or nvcc warns that a caller's functor in an anonymous namespace
  // is declared but never referenced (m > 0 in every launch).
  if (m < 0)
    epilogue(m, 0, 0, Epilogue::kNeedsSumA ? 1 : 0);
  __trap();
#else
  // (Its own name: an extern __shared__ array is one symbol per program,
  // and whittle_cuda_gemm.cuh's has another alignment.)
  extern __shared__ __align__(16) unsigned char wgmmaShared[];
  // The swizzle is a function of the shared address: the buffers sit on
  // 1024-byte boundaries (kSharedBytes has the slack).
  const uint32_t base =
      (sm90::sharedAddress(wgmmaShared) + kWgmmaAtomBytes - 1) &
      ~uint32_t(kWgmmaAtomBytes - 1);
  const uint32_t fullBarriers = base + Tile::kBarrierOffset;
  const uint32_t emptyBarriers = fullBarriers + 8 * Tile::kStages;
  const int warpgroup = threadIdx.x / kWarpgroupThreads;
  // K > 0 (the launcher's requirement): at least one slice.
  const int slices = static_cast<int>((k + Tile::BK - 1) / Tile::BK);
  const WgmmaBlockTile tile = wgmmaBlockTile(blockIdx.x, tilesM, tilesN);
  const int64_t blockM = tile.tileM * Tile::BM, blockN = tile.tileN * Tile::BN;

  if (threadIdx.x == 0) {
    for (int s = 0; s < Tile::kStages; ++s) {
      sm90::barrierInit(fullBarriers + 8 * s, 1);
      sm90::barrierInit(emptyBarriers + 8 * s, Tile::kConsumerThreads);
    }
    sm90::fenceBarrierInit();
  }
  __syncthreads();

  if (warpgroup == 0) {
    // The producer.
    if constexpr (Tile::kProducerRegisters != 0)
      sm90::decreaseRegisters<Tile::kProducerRegisters>();
    if (threadIdx.x == 0) {
      sm90::prefetchTensorMap(&aMap);
      sm90::prefetchTensorMap(&bMap);
      int stage = 0;
      uint32_t phase = 0;
#pragma unroll 1
      for (int slice = 0; slice < slices; ++slice) {
        // The consumers have freed the buffer (at once in the first round).
        sm90::barrierWait(emptyBarriers + 8 * stage, phase ^ 1);
        const uint32_t full = fullBarriers + 8 * stage;
        const uint32_t dst = base + stage * Tile::kStageBytes;
        sm90::barrierArriveExpectTx(full, Tile::kStageBytes);
        sm90::tmaLoad2d(dst, &aMap, slice * Tile::BK,
                        static_cast<int32_t>(blockM), full);
        sm90::tmaLoad2d(dst + Tile::kATileBytes, &bMap, slice * Tile::BK,
                        static_cast<int32_t>(blockN), full);
        if (++stage == Tile::kStages) {
          stage = 0;
          phase ^= 1;
        }
      }
    }
    return;
  }

  // The consumers.
  if constexpr (Tile::kConsumerRegisters != 0)
    sm90::increaseRegisters<Tile::kConsumerRegisters>();
  const int consumer = warpgroup - 1;
  const int thread = threadIdx.x % kWarpgroupThreads;
  int32_t acc[Tile::kAccumulators];
#pragma unroll
  for (int i = 0; i < Tile::kAccumulators; ++i)
    acc[i] = 0;
  // sumA of this thread's rows (accumulator registers 0, 1 and 2, 3 of
  // each group of four), partial over its chunks until the end.
  int32_t sumA[2] = {0, 0};

  // A do-while: a path around the loop, where no wgmma defines the
  // accumulators before the wait_group below, makes ptxas serialize every
  // wgmma (its C7515 "Potential Performance Loss").
  int stage = 0, previous = 0, slice = 0;
  uint32_t phase = 0;
#pragma unroll 1
  do {
    sm90::barrierWait(fullBarriers + 8 * stage, phase);
    const uint32_t aTile =
        base + stage * Tile::kStageBytes + consumer * kWgmmaM * Tile::BK;
    const uint32_t bTile = base + stage * Tile::kStageBytes + Tile::kATileBytes;
    if (Epilogue::kNeedsSumA) {
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        uint32_t words[4];
        sm90::loadShared16(words, aTile + wgmmaRowSumOffset(thread, j));
#pragma unroll
        for (int w = 0; w < 4; ++w)
          sumA[j >> 1] = dot4(words[w], 0x01010101u, sumA[j >> 1]);
      }
    }
    sm90::fenceAccumulators(acc);
    sm90::wgmmaFence();
#pragma unroll
    for (int step = 0; step < Tile::kSteps; ++step)
      sm90::Wgmma<Tile::BN>::run(acc, wgmmaTileDescriptor(aTile, step),
                                 wgmmaTileDescriptor(bTile, step));
    sm90::wgmmaCommit();
    // The previous slice's group has retired: its buffer is free.
    sm90::wgmmaWait<1>();
    sm90::fenceAccumulators(acc);
    if (slice > 0)
      sm90::barrierArrive(emptyBarriers + 8 * previous);
    previous = stage;
    if (++stage == Tile::kStages) {
      stage = 0;
      phase ^= 1;
    }
  } while (++slice < slices);
  sm90::wgmmaWait<0>();
  sm90::fenceAccumulators(acc);

  // Every consumer's wgmma have retired and every TMA load has landed: the
  // stage buffers are free for the epilogue. Each consumer warpgroup stages
  // its 64 x BN accumulators there (row pitch kEpiloguePitch words), and its
  // 64 row sums after them, then walks them row by row: consecutive threads
  // take consecutive columns, so that the epilogue's stores coalesce, and
  // the epilogue is inlined in one short loop rather than once per
  // accumulator register.
  sm90::namedBarrier<1, Tile::kConsumerThreads>();
  const uint32_t staged = base + consumer * Tile::kEpilogueGroupBytes;
  const uint32_t stagedSums = staged + Tile::kEpilogueSumOffset;
#pragma unroll
  for (int r = 0; r < Tile::kAccumulators; r += 2)
    sm90::storeShared8(staged +
                           4 * wgmmaStagedWord(thread, r, Tile::kEpiloguePitch),
                       acc[r], acc[r + 1]);
  if (Epilogue::kNeedsSumA) {
    // The four lanes of a group hold disjoint chunks of the same rows.
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      sumA[h] += __shfl_xor_sync(0xffffffffu, sumA[h], 1);
      sumA[h] += __shfl_xor_sync(0xffffffffu, sumA[h], 2);
      if ((thread & 3) == 0)
        sm90::storeShared4(stagedSums + 4 * wgmmaAccumulatorRow(thread, 2 * h),
                           sumA[h]);
    }
  }
  if (consumer == 0)
    sm90::namedBarrier<2, kWarpgroupThreads>();
  else
    sm90::namedBarrier<3, kWarpgroupThreads>();

  const int64_t rowBase = blockM + consumer * kWgmmaM;
#pragma unroll 4
  for (int i = thread; i < kWgmmaM * Tile::BN; i += kWarpgroupThreads) {
    const int row = i / Tile::BN, column = i % Tile::BN;
    if (rowBase + row < m && blockN + column < n) {
      int32_t raw = static_cast<int32_t>(sm90::loadShared4(
          staged + 4 * (row * Tile::kEpiloguePitch + column)));
      int32_t rowSum =
          Epilogue::kNeedsSumA
              ? static_cast<int32_t>(sm90::loadShared4(stagedSums + 4 * row))
              : 0;
      epilogue(rowBase + row, static_cast<int>(blockN + column), raw, rowSum);
    }
  }
#endif
}

//===----------------------------------------------------------------------===//
// The launcher
//===----------------------------------------------------------------------===//

namespace detail {

/// cuTensorMapEncodeTiled's type (cudaTypedefs.h's
/// PFN_cuTensorMapEncodeTiled_v12000).
using TensorMapEncodeTiled =
    CUresult (*)(CUtensorMap *, CUtensorMapDataType, cuuint32_t, void *,
                 const cuuint64_t *, const cuuint64_t *, const cuuint32_t *,
                 const cuuint32_t *, CUtensorMapInterleave, CUtensorMapSwizzle,
                 CUtensorMapL2promotion, CUtensorMapFloatOOBfill);

/// The driver's cuTensorMapEncodeTiled (its CUDA 12.0 ABI), looked up once
/// through the runtime; null when the driver has none.
inline TensorMapEncodeTiled tensorMapEncoder() {
  static const TensorMapEncodeTiled encoder = [] {
    void *function = nullptr;
    cudaDriverEntryPointQueryResult found = cudaDriverEntryPointSymbolNotFound;
#if CUDART_VERSION >= 12050
    cudaError_t error = cudaGetDriverEntryPointByVersion(
        "cuTensorMapEncodeTiled", &function, 12000, cudaEnableDefault, &found);
#else
    cudaError_t error = cudaGetDriverEntryPoint(
        "cuTensorMapEncodeTiled", &function, cudaEnableDefault, &found);
#endif
    return error == cudaSuccess && found == cudaDriverEntryPointSuccess
               ? reinterpret_cast<TensorMapEncodeTiled>(function)
               : nullptr;
  }();
  return encoder;
}

/// The tensor map of an int8 matrix [rows][k] (row stride `stride` bytes)
/// read in boxes of 128 bytes of k by `boxRows` rows, written to shared
/// memory with the 128-byte swizzle; out-of-bounds elements read 0.
inline cudaError_t makeTensorMap(CUtensorMap *map, const int8_t *data,
                                 int64_t rows, int64_t k, int64_t stride,
                                 int boxRows) {
  TensorMapEncodeTiled encode = tensorMapEncoder();
  if (!encode)
    return cudaErrorNotSupported;
  const cuuint64_t dims[2] = {static_cast<cuuint64_t>(k),
                              static_cast<cuuint64_t>(rows)};
  const cuuint64_t strides[1] = {static_cast<cuuint64_t>(stride)};
  const cuuint32_t box[2] = {kWgmmaSliceBytes,
                             static_cast<cuuint32_t>(boxRows)};
  const cuuint32_t elementStrides[2] = {1, 1};
  CUresult result =
      encode(map, CU_TENSOR_MAP_DATA_TYPE_UINT8, 2, const_cast<int8_t *>(data),
             dims, strides, box, elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE,
             CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
             CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  return result == CUDA_SUCCESS ? cudaSuccess : cudaErrorInvalidValue;
}

} // namespace detail

/// C = A B with A [m][k] (row stride `lda` bytes) and B^T [n][k] (row
/// stride `ldb`), each element through `epilogue`, on sm_90a's warpgroup
/// tensor cores. cudaErrorInvalidValue unless wgmmaGemmSupported; nothing
/// to do (success) when m or n is 0 or less; cudaErrorNoKernelImageForDevice
/// on a device other than compute capability 9.0; cudaErrorNotSupported
/// when the driver has no cuTensorMapEncodeTiled. Never synchronizes.
template <class Tile = DefaultWgmmaTile, class Epilogue>
cudaError_t launchWgmmaGemm(const int8_t *a, int64_t lda, const int8_t *bT,
                            int64_t ldb, int64_t m, int64_t n, int64_t k,
                            const Epilogue &epilogue, cudaStream_t stream = 0) {
  if (!wgmmaGemmSupported(a, lda, bT, ldb, m, n, k, Tile::BM, Tile::BN))
    return cudaErrorInvalidValue;
  if (m <= 0 || n <= 0)
    return cudaSuccess;
  // The sm_90a kernel runs on compute capability 9.0 only; elsewhere the
  // runtime would take the compute_90 PTX, whose kernel traps.
  int device = 0, major = 0, minor = 0;
  cudaError_t error = cudaGetDevice(&device);
  if (error == cudaSuccess)
    error = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor,
                                   device);
  if (error == cudaSuccess)
    error = cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor,
                                   device);
  if (error != cudaSuccess)
    return error;
  if (major != 9 || minor != 0)
    return cudaErrorNoKernelImageForDevice;
  CUtensorMap aMap, bMap;
  error = detail::makeTensorMap(&aMap, a, m, k, lda, Tile::BM);
  if (error == cudaSuccess)
    error = detail::makeTensorMap(&bMap, bT, n, k, ldb, Tile::BN);
  if (error != cudaSuccess)
    return error;
  auto kernel = wgmmaGemmKernel<Tile, Epilogue>;
  error = cudaFuncSetAttribute(
      kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Tile::kSharedBytes);
  if (error != cudaSuccess)
    return error;
  const int64_t tilesM = (m + Tile::BM - 1) / Tile::BM;
  const int64_t tilesN = (n + Tile::BN - 1) / Tile::BN;
  kernel<<<static_cast<unsigned>(tilesM * tilesN), Tile::kThreads,
           Tile::kSharedBytes, stream>>>(aMap, bMap, m, n, k, tilesM, tilesN,
                                         epilogue);
  return cudaGetLastError();
}

} // namespace whittle_cuda

#endif // WHITTLE_CUDA_WGMMA_CUH
