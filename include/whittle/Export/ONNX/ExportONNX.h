//===- ExportONNX.h - nn to ONNX exporter -----------------------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Writes a module of nn ops (one func.func) as an ONNX ModelProto: the
// inverse of the importer, driven by the same op table (ONNXOps.def), since
// nn ops keep ONNX's operator, operand and attribute names.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_EXPORT_ONNX_EXPORTONNX_H
#define WHITTLE_EXPORT_ONNX_EXPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

namespace whittle {

struct ExportONNXOptions {
  /// When set, initializers of at least `externalDataThreshold` bytes are
  /// written to this file instead of the model, as ONNX external data. The
  /// model records only the file's name, so the file must sit next to the
  /// model.
  std::string externalDataPath;
  int64_t externalDataThreshold = 1024;
  /// Run the ONNX library's checker on the model before returning it (it
  /// knows the schemas up to opset 17; newer models are not checked).
  bool check = true;
};

/// Exports `module` as a serialized ONNX model into `bytes` (and the external
/// data file, if asked for). The opset is the newest one any op's semantics
/// needs. Emits diagnostics naming the op and writes nothing on failure.
mlir::LogicalResult exportONNX(mlir::ModuleOp module, std::string &bytes,
                               const ExportONNXOptions &options = {});

/// The ONNX operator type an operation is exported as ("Conv" for
/// `nn.conv`), or an empty string if it has no ONNX form.
llvm::StringRef getONNXOpType(mlir::Operation *op);

} // namespace whittle

#endif // WHITTLE_EXPORT_ONNX_EXPORTONNX_H
