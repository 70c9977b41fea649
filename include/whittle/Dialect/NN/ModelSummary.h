//===- ModelSummary.h - ops, parameters and MACs of a model -----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_MODELSUMMARY_H
#define WHITTLE_DIALECT_NN_MODELSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace whittle::nn {

struct ModelSummary {
  struct OpTypeStats {
    int64_t count = 0;
    int64_t macs = 0;
  };
  /// Op types (without the dialect prefix), most MACs first.
  std::vector<std::pair<std::string, OpTypeStats>> opTypes;
  int64_t parameters = 0;
  int64_t macs = 0;
};

/// Multiply-accumulates of one execution of `op` (convolutions and matrix
/// products; 0 for everything else).
int64_t countMACs(mlir::Operation *op);

ModelSummary summarizeModel(mlir::ModuleOp module);
void printModelSummary(const ModelSummary &summary, llvm::raw_ostream &os);

} // namespace whittle::nn

#endif // WHITTLE_DIALECT_NN_MODELSUMMARY_H
