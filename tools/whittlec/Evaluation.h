//===- Evaluation.h - whittlec's before/after compression check -*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Runs the original and the compressed model through the JIT on validation
// data: accuracy (argmax of output 0 against the labels) when labels are
// given, otherwise the SQNR of the compressed model's output 0 against the
// original's.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLEC_EVALUATION_H
#define WHITTLEC_EVALUATION_H

#include "whittle/Support/Dataset.h"
#include "whittle/Transforms/CompressionReport.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace whittle {

/// Evaluates `original` and `compressed` (neither is changed: each is
/// compiled from a clone) on `data`, in batches of the models' input batch
/// size (dimension 0 of their one input; the last batch is padded).
llvm::Expected<CompressionReport::Evaluation>
evaluateCompression(mlir::ModuleOp original, mlir::ModuleOp compressed,
                    const Dataset &data);

} // namespace whittle

#endif // WHITTLEC_EVALUATION_H
