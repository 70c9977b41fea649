//===- Passes.h - model transformations on nn and qnn -----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_PASSES_H
#define WHITTLE_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace whittle {

#define GEN_PASS_DECL
#include "whittle/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "whittle/Transforms/Passes.h.inc"

} // namespace whittle

#endif // WHITTLE_TRANSFORMS_PASSES_H
