//===- Passes.td - nn dialect passes -----------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_PASSES_TD
#define WHITTLE_DIALECT_NN_PASSES_TD

include "mlir/Pass/PassBase.td"

def NNPrintModelSummary : Pass<"nn-print-model-summary", "::mlir::ModuleOp"> {
  let summary = "Print ops by type, parameter count and MACs of each function";
  let description = [{
    Analysis printer used by `whittlec` and by the lit tests: per op type the
    count and MACs, then totals of parameters (elements of all constants that
    are op weights) and multiply-accumulates for one inference.
  }];
}

#endif // WHITTLE_DIALECT_NN_PASSES_TD
