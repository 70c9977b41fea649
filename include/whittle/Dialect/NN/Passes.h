//===- Passes.h - nn dialect passes -----------------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_PASSES_H
#define WHITTLE_DIALECT_NN_PASSES_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "whittle/Dialect/NN/NNDialect.h"

namespace whittle::nn {

#define GEN_PASS_DECL
#include "whittle/Dialect/NN/Passes.h.inc"

/// Patterns folding inference-mode BatchNormalization into a preceding
/// Conv, ConvTranspose or Gemm with constant weights (--nn-fold-batchnorm).
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);

/// What whittle-calibrate and whittle-quantize rewrite first (with the greedy
/// driver, which also runs the folders that remove no-op Pad, Reshape,
/// Transpose and Identity): BatchNorm folding and inference Dropout removal.
void populatePrepareForQuantizePatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "whittle/Dialect/NN/Passes.h.inc"

} // namespace whittle::nn

#endif // WHITTLE_DIALECT_NN_PASSES_H
