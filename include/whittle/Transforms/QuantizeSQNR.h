//===- QuantizeSQNR.h - per-layer error of a quantized model ----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Measures how far each quantized layer's output is from the float layer's
// on sample data, by running both in one JIT-compiled copy of the model.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_QUANTIZESQNR_H
#define WHITTLE_TRANSFORMS_QUANTIZESQNR_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace whittle {

/// One layer's float output and its i8 twin with the twin's parameters.
struct QuantizedLayerOutput {
  mlir::Value floatValue;
  mlir::Value quantizedValue;
  double scale;
  int32_t zeroPoint;
};

/// Runs the samples of `data` (at most `limit`, all when negative) through
/// a copy of `module` whose entry function `entry` returns every float
/// output and the
/// dequantized twin of each layer, and sets `sqnr[i]` to
/// 10 log10(sum y^2 / sum (y - dequantize(q))^2) of layer i (+inf when
/// exact). `module` holds both the float ops and their qnn twins (the float
/// ops are still alive) and is not changed. Failures are diagnosed on
/// `module`.
mlir::LogicalResult
measureLayerSQNR(mlir::ModuleOp module, llvm::StringRef entry,
                 llvm::ArrayRef<QuantizedLayerOutput> layers,
                 llvm::StringRef data, int64_t limit,
                 llvm::MutableArrayRef<std::optional<double>> sqnr);

} // namespace whittle

#endif // WHITTLE_TRANSFORMS_QUANTIZESQNR_H
