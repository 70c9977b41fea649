//===- Passes.td - nn dialect passes -----------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_PASSES_TD
#define WHITTLE_DIALECT_NN_PASSES_TD

include "mlir/Pass/PassBase.td"

def NNFoldBatchNorm : Pass<"nn-fold-batchnorm"> {
  let summary = "Fold inference-mode BatchNormalization into a preceding "
                "Conv, ConvTranspose or Gemm";
  let description = [{
    Rewrites `BatchNormalization(Conv(x, W, B))` into `Conv(x, W', B')` with
    `W' = W * s` per output channel and `B' = (B - mean) * s + beta`, where
    `s = scale / sqrt(var + epsilon)`. Only applies when the conv's weights,
    bias and the normalization parameters are constants and the conv result
    has no other user. A BatchNormalization that cannot be folded stays.
  }];
  let dependentDialects = ["::whittle::nn::NNDialect"];
}

def NNPrintModelSummary : Pass<"nn-print-model-summary", "::mlir::ModuleOp"> {
  let summary = "Print ops by type, parameter count and MACs of each function";
  let description = [{
    Analysis printer used by `whittlec` and by the lit tests: per op type the
    count and MACs, then totals of parameters (elements of all constants that
    are op weights) and multiply-accumulates for one inference.
  }];
}

#endif // WHITTLE_DIALECT_NN_PASSES_TD
