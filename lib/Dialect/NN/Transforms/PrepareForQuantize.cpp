//===- PrepareForQuantize.cpp - rewrites before calibrate and quantize ----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The rewrites that whittle-calibrate and whittle-quantize both run first, so
// that the ranges calibration records belong to the layers quantization
// sees. Run through the greedy driver, which also applies every op's folder:
// the folders remove the no-op data movement real exports contain (Pad with
// zero pads, Reshape to the same shape, Transpose by the identity, Identity),
// which would otherwise need an integer form of its own.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/Passes.h"

using namespace mlir;

void whittle::nn::populatePrepareForQuantizePatterns(
    RewritePatternSet &patterns) {
  populateFoldBatchNormPatterns(patterns);
  // Inference-mode Dropout is its input.
  DropoutOp::getCanonicalizationPatterns(patterns, patterns.getContext());
}
