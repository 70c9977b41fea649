//===- Passes.td - model transformations on nn and qnn -----*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The passes that change what a model computes, on purpose: compression
// (factorize, sparsify) on float nn weights, and calibration and
// quantization from nn to qnn. Each is one concern in its own file under
// lib/Transforms/.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_PASSES_TD
#define WHITTLE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

#endif // WHITTLE_TRANSFORMS_PASSES_TD
