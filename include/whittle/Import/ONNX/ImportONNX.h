//===- ImportONNX.h - ONNX to nn importer -----------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_IMPORT_ONNX_IMPORTONNX_H
#define WHITTLE_IMPORT_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace whittle {

struct ImportONNXOptions {
  /// Shapes given by the user for graph inputs (`--input-shape x=1x3x32x32`).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Shapes of actual input tensors, by position among the graph inputs
  /// that are not initializers (whittle-run fills it from its input
  /// files; inputs bound by `inputValues` keep their positions). They size
  /// the dynamic dimensions of inputs that `inputShapes` does not name.
  llvm::SmallVector<llvm::SmallVector<int64_t>> observedInputShapes;
  /// Values of graph inputs to compile in as constants, by input name
  /// (whittle-run binds the inputs that output shapes depend on). A bound
  /// input becomes an initializer holding the value, which ONNX reads as an
  /// input with a default value: it stays in the ONNX graph's inputs but
  /// leaves the function's signature, and shape inference and folding see
  /// its value. The value's element type and shape must fit the input's
  /// declared type.
  llvm::StringMap<mlir::DenseElementsAttr> inputValues;
  /// Value for every dynamic leading (batch) dimension of the graph inputs.
  std::optional<int64_t> batchSize;
  /// Name of the function holding the graph.
  std::string functionName = "main";
  /// Check the types whittle infers against ONNX shape inference.
  bool crossCheckShapes = true;
};

/// Parses `--input-shape` values of the form `NAME=D0xD1x...` into `options`.
/// Returns an error message for a malformed value.
std::optional<std::string> parseInputShape(llvm::StringRef value,
                                           ImportONNXOptions &options);

/// Imports an ONNX model held in `buffer` (binary protobuf, or the ONNX text
/// syntax when `isText`). `path` names the model in diagnostics and locates
/// external data files. Emits diagnostics and returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp> importONNX(llvm::StringRef buffer,
                                             llvm::StringRef path, bool isText,
                                             mlir::MLIRContext *context,
                                             const ImportONNXOptions &options);

/// Reads and imports the model file at `path`; textual ONNX is recognized by
/// the `.onnxtext` / `.onnxtxt` / `.txt` extensions.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               const ImportONNXOptions &options);

/// True if `path` names a textual ONNX file.
bool isTextualONNXPath(llvm::StringRef path);

/// The MLIR element type of an ONNX `TensorProto.DataType` (FLOAT is f32,
/// UINT8 is ui8, BOOL is i1, ...), or null when whittle does not support it.
mlir::Type getElementTypeForONNX(int32_t onnxType, mlir::MLIRContext *context);

/// The ONNX `TensorProto.DataType` of an element type whittle supports.
std::optional<int32_t> getONNXDataType(mlir::Type type);

/// The bytes `tensor`'s dimensions take with `elementBytes`-byte elements,
/// computed with overflow checks; an error for a negative dimension or a
/// size that does not fit in int64_t.
llvm::Expected<int64_t> getTensorByteSize(const onnx::TensorProto &tensor,
                                          size_t elementBytes);

/// Checks, before anything is allocated, that the data `tensor` holds fits
/// its dimensions: no dimension is negative, the byte size (element count
/// times `elementBytes`) fits in int64_t (checked arithmetic, so a hostile
/// shape cannot wrap around to the size of the data it comes with), exactly
/// one data field is set (`raw_data`, or the typed field ONNX keeps values
/// of the tensor's type in) and it holds exactly that many elements.
/// Returns the byte size, or a message without the tensor's name that says
/// what is wrong; `typeName` names the element type in it.
llvm::Expected<int64_t> checkTensorData(const onnx::TensorProto &tensor,
                                        size_t elementBytes,
                                        llvm::StringRef typeName);

/// Takes the payload of `tensor` as packed little-endian elements of
/// `elementBytes` bytes: `raw_data` is moved out without a copy; the typed
/// fields (`float_data`, `int32_data`, ...) are packed. The caller checks
/// the size against the shape.
std::unique_ptr<std::string> releaseTensorBytes(onnx::TensorProto &tensor,
                                                size_t elementBytes);

} // namespace whittle

#endif // WHITTLE_IMPORT_ONNX_IMPORTONNX_H
