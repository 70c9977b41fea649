//===- Passes.td - CUDA back end passes --------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CUDA_PASSES_TD
#define WHITTLE_TARGET_CUDA_PASSES_TD

include "mlir/Pass/PassBase.td"

def CUDAPlanKernels : Pass<"whittle-cuda-plan", "mlir::ModuleOp"> {
  let summary = "Choose every op's CUDA kernel, tile and buffer";
  let description = [{
    Plans the integer-only entry function of the module for a GPU
    (`gpu=sm_80` or `sm_90a`) and writes the decisions as attributes that
    `whittle-translate --emit-cuda` prints without deciding anything:

    - `whittle.cuda.kernel` on every op: `conv.tensor_core` (implicit-GEMM
      on `mma.sync` s8, channels a multiple of 16), `conv.depthwise` (dp4a),
      `conv.direct` (CUDA cores: grouped convolutions, few channels),
      `matmul.tensor_core` / `matmul.direct`, `fused` for a qnn.requantize
      (and a residual qnn.add after it) done in its product's epilogue,
      `view` for a relabel that reads its operand's buffer, `relayout` for
      one that copies, and the op's own name for elementwise ops and pools;
    - `whittle.cuda.tile` ([BM, BN, BK, WM, WN, stages]) on tensor-core
      products, the tile with the least predicted time (waves of blocks
      over the GPU's SMs at the tensor cores' rate, or the memory traffic
      at its bandwidth, whichever is longer);
    - `whittle.cuda.epilogue` on products: `requantize`, `requantize_add`
      or `accumulator` (the i32 result kept);
    - `whittle.cuda.time_us`, the predicted time of the op's kernel;
    - `whittle.cuda.offset` and `whittle.cuda.layout` (`nhwc`, channels
      innermost, or `rowmajor`) on every result held in device memory, and
      `whittle.cuda.staging` (where the caller's data lands) on every
      argument: one arena whose offsets come from the values' live ranges
      (greedy by size), its size in `whittle.cuda.arena_bytes` on the
      module with `whittle.cuda.gpu`.

    An op the back end has no kernel for is named in an error, and the
    module is left unchanged.
  }];
  let options = [
    Option<"gpu", "gpu", "std::string", /*default=*/"\"sm_90a\"",
           "The GPU architecture: sm_80 (A100) or sm_90a (H100, H200)">,
  ];
}

#endif // WHITTLE_TARGET_CUDA_PASSES_TD
