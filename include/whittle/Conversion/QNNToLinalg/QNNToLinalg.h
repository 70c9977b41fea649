//===- QNNToLinalg.h - qnn to linalg, arith and tensor ----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The CPU lowering of the integer-only layers. Every pattern reproduces the
// arithmetic of whittle/Dialect/QNN/QNNArithmetic.h bit for bit; the
// types need no conversion (qnn already uses signless i8/i32 tensors).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
#define WHITTLE_CONVERSION_QNNTOLINALG_QNNTOLINALG_H

#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace whittle {

#define GEN_PASS_DECL_CONVERTQNNTOLINALG
#include "whittle/Conversion/Passes.h.inc"

/// Every qnn op's lowering; they expect static shapes (the pass checks).
void populateQNNToLinalgPatterns(mlir::RewritePatternSet &patterns);

// The families, one file each.
void populateQNNBoundaryToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateQNNProductToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateQNNRescaleToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateQNNPoolingToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateQNNNonlinearToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace whittle

#endif // WHITTLE_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
