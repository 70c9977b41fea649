//===- NNToQNN.h - quantized ONNX graphs to qnn -----------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CONVERSION_NNTOQNN_NNTOQNN_H
#define WHITTLE_CONVERSION_NNTOQNN_NNTOQNN_H

#include "whittle/Dialect/QNN/QNNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace whittle {

#define GEN_PASS_DECL_NNTOQNN
#include "whittle/Conversion/Passes.h.inc"

/// Rewrites the quantized parts of `func` (QDQ sandwiches and QOperator ops
/// with constant scales and zero points) into qnn ops, as --nn-to-qnn does.
/// The rewrite works on whole values (a uint8 tensor and every op reading it
/// change type together), so it is a walk over the function in order rather
/// than a set of independent patterns. Leaves what it cannot convert as it
/// is, except the com.microsoft ops (`nn.ms.*`), which have no other
/// lowering: one of those left unconverted is an error.
mlir::LogicalResult convertNNToQNN(mlir::func::FuncOp func);

} // namespace whittle

#endif // WHITTLE_CONVERSION_NNTOQNN_NNTOQNN_H
