//===- Passes.h - code generation passes ------------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CODEGEN_PASSES_H
#define WHITTLE_CODEGEN_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Pass/Pass.h"

namespace whittle {

#define GEN_PASS_DECL
#include "whittle/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "whittle/Codegen/Passes.h.inc"

} // namespace whittle

#endif // WHITTLE_CODEGEN_PASSES_H
