//===- InitAllDialects.h - register every dialect whittle uses --*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_INITALLDIALECTS_H
#define WHITTLE_INITALLDIALECTS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "whittle/Dialect/NN/NNDialect.h"

namespace whittle {

inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry
      .insert<nn::NNDialect, mlir::func::FuncDialect, mlir::arith::ArithDialect,
              mlir::tensor::TensorDialect, mlir::quant::QuantDialect>();
}

} // namespace whittle

#endif // WHITTLE_INITALLDIALECTS_H
