//===- whittlec.cpp - whittle's end-to-end compiler driver ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Imports an ONNX model, cleans it up and prints its summary. Later stages
// (compression, quantization, code generation) extend this driver.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/ModelSummary.h"
#include "whittle/Dialect/NN/Passes.h"
#include "whittle/Import/ONNX/ImportONNX.h"
#include "whittle/InitAllDialects.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::desc("<model.onnx>"),
                                            llvm::cl::Required);
static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Shape of a graph input, NAME=D0xD1x... (repeatable)"));
static llvm::cl::opt<int64_t>
    batchSize("batch-size",
              llvm::cl::desc("Value for every dynamic leading dimension"),
              llvm::cl::init(0));
static llvm::cl::opt<std::string>
    outputFile("o", llvm::cl::desc("Write the imported nn IR to this file"),
               llvm::cl::value_desc("file"), llvm::cl::init(""));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv, "whittle compiler driver\n");

  DialectRegistry registry;
  whittle::registerAllDialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  whittle::ImportONNXOptions options;
  for (const std::string &value : inputShapes) {
    if (auto error = whittle::parseInputShape(value, options)) {
      llvm::errs() << "error: --input-shape: " << *error << "\n";
      return 1;
    }
  }
  if (batchSize < 0) {
    llvm::errs() << "error: --batch-size must be positive\n";
    return 1;
  }
  if (batchSize > 0)
    options.batchSize = batchSize;

  OwningOpRef<ModuleOp> module =
      whittle::importONNXFile(inputFile, &context, options);
  if (!module)
    return 1;

  PassManager pm(&context);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (failed(pm.run(*module)))
    return 1;

  llvm::outs() << "model: " << inputFile << "\n";
  whittle::nn::printModelSummary(whittle::nn::summarizeModel(*module),
                                 llvm::outs());

  if (!outputFile.empty()) {
    std::string error;
    auto output = openOutputFile(outputFile, &error);
    if (!output) {
      llvm::errs() << "error: " << error << "\n";
      return 1;
    }
    module->print(output->os());
    output->keep();
  }
  return 0;
}
