//===- whittlec.cpp - whittle's end-to-end compiler driver ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Imports an ONNX model, cleans it up and prints its summary, or compiles
// it ahead of time into an object file or a shared library with a C header.
// Later stages (compression, quantization) extend this driver.
//
//===----------------------------------------------------------------------===//

#include "NativeOutputs.h"
#include "whittle/Dialect/NN/ModelSummary.h"
#include "whittle/Dialect/NN/Passes.h"
#include "whittle/Execution/CHeader.h"
#include "whittle/Import/ONNX/ImportONNX.h"
#include "whittle/InitAllDialects.h"
#include "whittle/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
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
static llvm::cl::opt<std::string> outputFile(
    "o",
    llvm::cl::desc("Write the imported nn IR (or, with --emit, the object or "
                   "shared library) to this file"),
    llvm::cl::value_desc("file"), llvm::cl::init(""));

namespace {
enum class EmitKind { Summary, Object, SharedLibrary };
} // namespace

static llvm::cl::opt<EmitKind> emitKind(
    "emit", llvm::cl::desc("What to produce"),
    llvm::cl::values(
        clEnumValN(EmitKind::Summary, "summary",
                   "Print the model summary; -o writes the imported nn IR "
                   "(default)"),
        clEnumValN(EmitKind::Object, "obj",
                   "A native object file -o FILE.o and its C header FILE.h"),
        clEnumValN(EmitKind::SharedLibrary, "shared",
                   "A shared library -o FILE.so, linked by the system's cc, "
                   "and its C header FILE.h")),
    llvm::cl::init(EmitKind::Summary));
static llvm::cl::opt<std::string> sparsifyOptions(
    "sparsify",
    llvm::cl::desc("Sparsify the weights after cleanup, with the options of "
                   "whittle-opt's --whittle-sparsify (e.g. "
                   "--sparsify='granularity=n:m sparsity=0.5'); an empty "
                   "value only annotates existing sparsity"),
    llvm::cl::value_desc("options"));
static llvm::cl::opt<std::string> entryName(
    "entry-name",
    llvm::cl::desc("C name of the compiled model's function (default: the "
                   "model file's name made into a C identifier)"),
    llvm::cl::value_desc("name"), llvm::cl::init(""));
static llvm::cl::opt<std::string> targetTriple(
    "mtriple",
    llvm::cl::desc("Target triple of the object (default: this machine's)"),
    llvm::cl::init(""));
static llvm::cl::opt<std::string> targetCPU(
    "mcpu",
    llvm::cl::desc("Target CPU of the object (default: this machine's CPU, "
                   "or 'generic' with --mtriple)"),
    llvm::cl::init(""));
static llvm::cl::opt<std::string> targetFeatures(
    "mattr",
    llvm::cl::desc("Target features of the object, as LLVM spells them "
                   "(+avx2,-avx512f)"),
    llvm::cl::init(""));

/// The C name of the compiled model's function, or nothing (after an
/// error message) if the user gave an unusable one.
static std::optional<std::string> getEntrySymbol() {
  if (entryName.empty())
    return whittle::sanitizeCIdentifier(llvm::sys::path::stem(inputFile),
                                        "model_");
  if (!whittle::isCIdentifier(entryName)) {
    llvm::errs() << "error: --entry-name '" << entryName
                 << "' is not a usable C function name (letters, digits and "
                    "single underscores, not starting with a digit or an "
                    "underscore; no keyword, not 'main')\n";
    return std::nullopt;
  }
  return entryName.getValue();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv, "whittle compiler driver\n");

  DialectRegistry registry;
  whittle::registerAllDialects(registry);
  MLIRContext context(registry);
  // Diagnostics are one line each, without the module they are about.
  context.printOpOnDiagnostic(false);
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

  bool native = emitKind != EmitKind::Summary;
  std::optional<std::string> symbol;
  if (native) {
    if (outputFile.empty() || outputFile == "-") {
      llvm::errs() << "error: --emit="
                   << (emitKind == EmitKind::Object ? "obj" : "shared")
                   << " needs an output file, -o FILE\n";
      return 1;
    }
    if (emitKind == EmitKind::SharedLibrary && !targetTriple.empty()) {
      llvm::errs() << "error: --emit=shared links with this machine's cc and "
                      "cannot take --mtriple; use --emit=obj\n";
      return 1;
    }
    symbol = getEntrySymbol();
    if (!symbol)
      return 1;
  }

  OwningOpRef<ModuleOp> module =
      whittle::importONNXFile(inputFile, &context, options);
  if (!module)
    return 1;

  PassManager pm(&context);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (sparsifyOptions.getNumOccurrences()) {
    whittle::registerTransformsPasses();
    std::string errors;
    llvm::raw_string_ostream errorStream(errors);
    if (failed(parsePassPipeline("whittle-sparsify{" + sparsifyOptions + "}",
                                 pm, errorStream))) {
      llvm::errs() << "error: --sparsify='" << sparsifyOptions
                   << "': " << StringRef(errors).trim() << "\n";
      return 1;
    }
  }
  if (failed(pm.run(*module)))
    return 1;

  if (native) {
    whittle::TargetSpec target{targetTriple, targetCPU, targetFeatures};
    std::optional<whittle::NativeObject> object =
        whittle::emitObject(*module, "main", *symbol, target);
    if (!object)
      return 1;
    if (llvm::Error error =
            whittle::writeNativeOutputs(*object, *symbol, inputFile, outputFile,
                                        emitKind == EmitKind::SharedLibrary)) {
      llvm::errs() << "error: " << llvm::toString(std::move(error)) << "\n";
      return 1;
    }
    return 0;
  }

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
