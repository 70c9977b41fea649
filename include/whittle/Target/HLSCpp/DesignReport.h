//===- DesignReport.h - what a planned HLS design costs ---------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The report of a planned dataflow design, read from the IR alone: the
// device (`hlscpp.device`), the solver's answer (`hlscpp.plan`) and every
// stage's configuration and predicted cost (`hlscpp.stage`). The planner
// decides; this only adds up and prints what the attributes say.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_HLSCPP_DESIGNREPORT_H
#define WHITTLE_TARGET_HLSCPP_DESIGNREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace whittle::hlscpp {

/// Writes the design report of a planned module as JSON (`device`, `solver`,
/// `totals`, `layers`) to `json` and as readable text to `text`. Fails, after
/// an error on the module, when the module has not been planned.
mlir::LogicalResult writeDesignReport(mlir::ModuleOp module,
                                      llvm::raw_ostream &json,
                                      llvm::raw_ostream &text);

} // namespace whittle::hlscpp

#endif // WHITTLE_TARGET_HLSCPP_DESIGNREPORT_H
