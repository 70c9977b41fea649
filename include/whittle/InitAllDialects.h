//===- InitAllDialects.h - register every dialect whittle uses --*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// whittle's own dialects plus all of upstream MLIR's, with their interface
// extensions (bufferization, inlining, LLVM conversion), so that whittle-opt
// can run any upstream pass on whittle's IR.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_INITALLDIALECTS_H
#define WHITTLE_INITALLDIALECTS_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "whittle/Dialect/HLSCpp/HLSCppDialect.h"
#include "whittle/Dialect/NN/NNDialect.h"
#include "whittle/Dialect/QNN/QNNDialect.h"

namespace whittle {

inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<nn::NNDialect, qnn::QNNDialect, hlscpp::HLSCppDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
}

} // namespace whittle

#endif // WHITTLE_INITALLDIALECTS_H
