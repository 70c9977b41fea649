//===- Passes.h - CUDA back end passes --------------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CUDA_PASSES_H
#define WHITTLE_TARGET_CUDA_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace whittle::cuda {

#define GEN_PASS_DECL
#include "whittle/Target/CUDA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "whittle/Target/CUDA/Passes.h.inc"

} // namespace whittle::cuda

#endif // WHITTLE_TARGET_CUDA_PASSES_H
