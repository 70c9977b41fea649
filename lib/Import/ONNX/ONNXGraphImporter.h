//===- ONNXGraphImporter.h - the graph importer, private ----*- C++ -*-===//
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The graph importer, private to lib/Import/ONNX. ONNXImporter.cpp maps
// values, initializers and nodes to nn ops; ONNXModelPreparation.cpp gets
// the ModelProto ready for that first (external data, opset checks, the ONNX
// library's checker, upgrade and shape inference, input shapes and bound
// input values).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_LIB_IMPORT_ONNX_ONNXGRAPHIMPORTER_H
#define WHITTLE_LIB_IMPORT_ONNX_ONNXGRAPHIMPORTER_H

#include "whittle/Import/ONNX/ImportONNX.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <string>

namespace whittle::onnx_import {

/// `text` (a name from the file, or a message that quotes one) as it can go
/// into a one-line diagnostic: control bytes, DEL and bytes that are not
/// UTF-8 become \XX (hex, as MLIR prints them), a backslash becomes \\;
/// well-formed UTF-8 stays as it is.
std::string printable(llvm::StringRef text);

/// How diagnostics name a node: by its name, or by its first output when the
/// exporter left it unnamed, with its op type.
std::string describeNode(const onnx::NodeProto &node);

/// The default ONNX domain: "" or "ai.onnx".
bool isDefaultDomain(llvm::StringRef domain);

class NodeImporter;

/// Imports one ONNX graph into a module holding one func.func of nn ops.
class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext *context, llvm::StringRef path,
                const ImportONNXOptions &options)
      : context(context), builder(context), path(path), options(options),
        fileLoc(mlir::FileLineColLoc::get(context, path, 0, 0)) {}

  mlir::OwningOpRef<mlir::ModuleOp> import(onnx::ModelProto &model);

  // Used by the node builders.
  mlir::MLIRContext *context;
  mlir::OpBuilder builder;
  /// The default-domain opset of the nodes being imported (after upgrade),
  /// and the one the model declared.
  int64_t opset = 0;
  int64_t sourceOpset = 0;

  mlir::InFlightDiagnostic emitFileError() { return mlir::emitError(fileLoc); }
  mlir::FailureOr<mlir::Type> convertElementType(int32_t onnxType,
                                                 llvm::StringRef what);
  mlir::FailureOr<mlir::ElementsAttr> convertTensor(onnx::TensorProto &tensor,
                                                    llvm::StringRef what);
  mlir::Value getNone();

private:
  mlir::LogicalResult normalizeModel(onnx::ModelProto &model);
  mlir::LogicalResult loadExternalData(onnx::GraphProto &graph);
  mlir::LogicalResult applyInputShapes(onnx::GraphProto &graph);
  mlir::LogicalResult bindInputValue(onnx::ValueInfoProto &input,
                                     mlir::DenseElementsAttr value,
                                     onnx::GraphProto &graph);
  mlir::LogicalResult checkSupportedOps(const onnx::GraphProto &graph);
  mlir::LogicalResult checkDefinedValues(const onnx::GraphProto &graph);
  mlir::FailureOr<llvm::SmallVector<const onnx::NodeProto *>>
  sortNodes(const onnx::GraphProto &graph);
  mlir::FailureOr<mlir::RankedTensorType>
  convertValueType(const onnx::ValueInfoProto &info, llvm::StringRef role);
  mlir::LogicalResult importNode(const onnx::NodeProto &node);
  mlir::LogicalResult crossCheck(const onnx::NodeProto &node,
                                 llvm::StringRef output, mlir::Type type);
  mlir::FailureOr<std::string *>
  readExternalData(const onnx::TensorProto &tensor, llvm::StringRef what);

  llvm::StringRef path;
  const ImportONNXOptions &options;
  mlir::Location fileLoc;
  bool libraryChecked = false;
  llvm::StringMap<mlir::Value> values;
  llvm::StringMap<const onnx::TypeProto *> onnxTypes;
  mlir::Value noneValue;
  friend class NodeImporter;
};

} // namespace whittle::onnx_import

#endif // WHITTLE_LIB_IMPORT_ONNX_ONNXGRAPHIMPORTER_H
