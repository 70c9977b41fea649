//===- Passes.h - code generation passes ------------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_PASSES_H
#define WHITTLE_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace whittle {

#define GEN_PASS_DECL
#include "whittle/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "whittle/Target/CPU/Passes.h.inc"

/// The constant `value` holds, seen with `value`'s own type: reshapes of a
/// constant keep its row-major bytes and are looked through. Null when
/// `value` is not a (reshaped) dense or resource constant.
mlir::ElementsAttr getReshapedConstant(mlir::Value value);

/// Patterns that replace a transpose of a constant (`linalg.transpose`, or
/// a `linalg.generic` that only permutes its input) by the transposed
/// constant.
void populateFoldConstantTransposePatterns(mlir::RewritePatternSet &patterns);

} // namespace whittle

#endif // WHITTLE_TARGET_CPU_PASSES_H
