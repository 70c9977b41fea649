//===- ExportONNXTranslation.cpp - the --export-onnx translation ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Export/ONNX/ExportONNX.h"
#include "whittle/InitAllTranslations.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "whittle/InitAllDialects.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;

static llvm::cl::opt<std::string> externalDataPath(
    "onnx-external-data",
    llvm::cl::desc("With --export-onnx: write large initializers to this "
                   "file (kept next to the model; the model records its "
                   "file name)"),
    llvm::cl::value_desc("path"), llvm::cl::init(""));

static llvm::cl::opt<int64_t> externalDataThreshold(
    "onnx-external-data-threshold",
    llvm::cl::desc("With --onnx-external-data: initializers of at least this "
                   "many bytes go to the external file"),
    llvm::cl::init(1024));

void whittle::registerExportONNXTranslation() {
  TranslateFromMLIRRegistration registration(
      "export-onnx", "Export an nn module as an ONNX model (binary protobuf)",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError() << "expected a builtin.module to export";
        ExportONNXOptions options;
        options.externalDataPath = externalDataPath;
        options.externalDataThreshold = externalDataThreshold;
        std::string bytes;
        if (failed(exportONNX(module, bytes, options)))
          return failure();
        os << bytes;
        return success();
      },
      [](DialectRegistry &registry) {
        whittle::registerAllDialects(registry);
      });
}
