//===- ModelSignature.h - what a compiled model exchanges -------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The inputs and outputs of a model's entry function as compiled code sees
// them: packed, row-major buffers of a fixed ONNX element type and shape.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_SUPPORT_MODELSIGNATURE_H
#define WHITTLE_SUPPORT_MODELSIGNATURE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <utility>

namespace whittle {

/// What one input or output of the entry function holds.
struct TensorSpec {
  std::string name;
  int32_t dataType = 0; // ONNX TensorProto.DataType
  llvm::SmallVector<int64_t> shape;

  int64_t getNumElements() const;
  size_t getByteSize() const;
};

/// The inputs and outputs of `module`'s entry function `name`, which must
/// have static shapes and supported element types; null on error, which
/// is emitted on the function.
std::optional<
    std::pair<llvm::SmallVector<TensorSpec>, llvm::SmallVector<TensorSpec>>>
getSignature(mlir::ModuleOp module, llvm::StringRef name);

} // namespace whittle

#endif // WHITTLE_SUPPORT_MODELSIGNATURE_H
