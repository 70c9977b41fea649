//===- ImportONNXTranslation.cpp - the --import-onnx translation ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Import/ONNX/ImportONNX.h"
#include "whittle/InitAllTranslations.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "whittle/InitAllDialects.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Shape of a graph input, NAME=D0xD1x... (repeatable)"),
    llvm::cl::value_desc("name=shape"));

static llvm::cl::opt<int64_t> batchSize(
    "batch-size",
    llvm::cl::desc("Value for the dynamic leading dimension of every input"),
    llvm::cl::init(0));

void whittle::registerImportONNXTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model (binary or textual) into nn",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        ImportONNXOptions options;
        Location unknown = UnknownLoc::get(context);
        for (const std::string &value : inputShapes) {
          if (auto error = parseInputShape(value, options)) {
            emitError(unknown) << "--input-shape: " << *error;
            return nullptr;
          }
        }
        if (batchSize < 0) {
          emitError(unknown) << "--batch-size must be positive";
          return nullptr;
        }
        if (batchSize > 0)
          options.batchSize = batchSize;
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        // Binary models are parsed from the file itself when there is one,
        // so that the file's bytes are not held beside the parsed weights.
        StringRef path = buffer->getBufferIdentifier();
        OwningOpRef<ModuleOp> module =
            llvm::sys::fs::is_regular_file(path)
                ? importONNXFile(path, context, options)
                : importONNX(buffer->getBuffer(), path, isTextualONNXPath(path),
                             context, options);
        return OwningOpRef<Operation *>(module.release());
      },
      [](DialectRegistry &registry) {
        whittle::registerAllDialects(registry);
      });
}
