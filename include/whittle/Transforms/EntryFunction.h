//===- EntryFunction.h - the function a whole-model pass runs on -*- C++
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Passes that treat the module as one model (calibration, quantization)
// run on its entry function: the one public function with a body, whatever
// its name (an imported model's is @main; lit tests name theirs after the
// case). Private functions are helpers the entry calls.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_ENTRYFUNCTION_H
#define WHITTLE_TRANSFORMS_ENTRYFUNCTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace whittle {

/// The public function with a body of `module`; an error naming `passName`
/// (and nullptr) when there is none or more than one.
mlir::func::FuncOp getEntryFunction(mlir::ModuleOp module,
                                    llvm::StringRef passName);

} // namespace whittle

#endif // WHITTLE_TRANSFORMS_ENTRYFUNCTION_H
