//===- whittle-run.cpp - compile a model for this CPU and run it ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
//   whittle-run MODEL --input a.pb --input b.npy --output-dir DIR
//
// MODEL is an .onnx, .onnxtext or .mlir (nn dialect) file. Inputs come in
// the model's input order; dynamic dimensions take their sizes from the
// input files unless --input-shape or --batch-size says otherwise. Outputs
// are written as output_0.pb, output_1.pb, ... in the model's output order.
//
//===----------------------------------------------------------------------===//

#include "whittle/Execution/CompiledModel.h"
#include "whittle/Execution/HostTensor.h"
#include "whittle/Import/ONNX/ImportONNX.h"
#include "whittle/InitAllDialects.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>
#include <chrono>

using namespace mlir;
using namespace whittle;

static llvm::cl::opt<std::string>
    modelFile(llvm::cl::Positional,
              llvm::cl::desc("<model.onnx|.onnxtext|.mlir>"),
              llvm::cl::Required);
static llvm::cl::list<std::string>
    inputFiles("input", llvm::cl::desc("Input tensor file (.pb or .npy), in "
                                       "the model's input order"));
static llvm::cl::opt<std::string> outputDir(
    "output-dir",
    llvm::cl::desc("Write output_<i>.pb (or .npy) files to this directory"),
    llvm::cl::init(""));
static llvm::cl::opt<std::string>
    outputFormat("output-format",
                 llvm::cl::desc("Output file format: pb (default) or npy"),
                 llvm::cl::init("pb"));
static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Shape of a graph input, NAME=D0xD1x... (repeatable)"));
static llvm::cl::opt<int64_t>
    batchSize("batch-size",
              llvm::cl::desc("Value for every dynamic leading dimension"),
              llvm::cl::init(0));
static llvm::cl::opt<unsigned>
    repeat("repeat", llvm::cl::desc("Run the model this many times"),
           llvm::cl::init(1));
static llvm::cl::opt<bool>
    timing("timing",
           llvm::cl::desc("Print the import, compile and median run times to "
                          "stderr"),
           llvm::cl::init(false));

using Clock = std::chrono::steady_clock;

static double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

static int fail(const llvm::Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return 1;
}

/// Checks `tensor` (from `file`) against what the model expects.
static std::optional<std::string> checkInput(const HostTensor &tensor,
                                             const TensorSpec &spec,
                                             size_t index, StringRef file) {
  std::string where = "input " + std::to_string(index) + " ('" + spec.name +
                      "', from '" + file.str() + "')";
  if (tensor.dataType != spec.dataType)
    return where + " has element type " + getONNXDataTypeName(tensor.dataType) +
           " but the model expects " + getONNXDataTypeName(spec.dataType);
  if (ArrayRef<int64_t>(tensor.shape) != ArrayRef<int64_t>(spec.shape))
    return where + " has shape " + formatShape(tensor.shape) +
           " but the model expects " + formatShape(spec.shape);
  return std::nullopt;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "whittle-run: compile a model for this CPU and run it\n");

  if (outputFormat != "pb" && outputFormat != "npy")
    return fail("--output-format must be pb or npy, not '" + outputFormat +
                "'");
  if (repeat == 0)
    return fail("--repeat must be at least 1");

  // Inputs first: their shapes size the model's dynamic dimensions.
  std::vector<HostTensor> inputs;
  for (const std::string &file : inputFiles) {
    auto tensor = readTensorFile(file);
    if (!tensor)
      return fail("input " + llvm::Twine(inputs.size()) + ": " +
                  llvm::toString(tensor.takeError()));
    inputs.push_back(std::move(*tensor));
  }

  DialectRegistry registry;
  whittle::registerAllDialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  auto importStart = Clock::now();
  OwningOpRef<ModuleOp> module;
  if (StringRef(modelFile).ends_with(".mlir")) {
    if (!inputShapes.empty() || batchSize > 0)
      return fail("--input-shape and --batch-size apply to ONNX models; an "
                  ".mlir model carries its own shapes");
    module = parseSourceFile<ModuleOp>(modelFile, sourceMgr, &context);
  } else {
    ImportONNXOptions options;
    for (const std::string &value : inputShapes)
      if (auto error = parseInputShape(value, options))
        return fail("--input-shape: " + *error);
    if (batchSize < 0)
      return fail("--batch-size must be positive");
    if (batchSize > 0)
      options.batchSize = batchSize;
    for (const HostTensor &tensor : inputs)
      options.observedInputShapes.push_back(tensor.shape);
    module = importONNXFile(modelFile, &context, options);
  }
  if (!module)
    return 1;

  auto signature = getSignature(*module, "main");
  if (!signature)
    return 1;
  const auto &expected = signature->first;
  if (inputs.size() != expected.size()) {
    SmallVector<std::string> names;
    for (const TensorSpec &spec : expected)
      names.push_back(spec.name);
    return fail("the model has " + llvm::Twine(expected.size()) +
                " input(s) (" + llvm::join(names, ", ") + ") but " +
                llvm::Twine(inputs.size()) + " --input file(s) were given");
  }
  for (auto [i, tensor] : llvm::enumerate(inputs))
    if (auto error = checkInput(tensor, expected[i], i, inputFiles[i]))
      return fail(*error);

  double importTime = millisecondsSince(importStart);
  auto compileStart = Clock::now();
  std::unique_ptr<CompiledModel> model = CompiledModel::compile(*module);
  if (!model)
    return 1;
  double compileTime = millisecondsSince(compileStart);

  std::vector<HostTensor> outputs;
  std::vector<double> times;
  for (unsigned run = 0; run < repeat; ++run) {
    auto start = Clock::now();
    if (llvm::Error error = model->run(inputs, outputs))
      return fail("running the model failed: " +
                  llvm::toString(std::move(error)));
    times.push_back(millisecondsSince(start));
  }
  if (timing) {
    std::sort(times.begin(), times.end());
    llvm::errs() << llvm::format("import: %.1f ms, compile: %.1f ms, run: "
                                 "%.3f ms (median of %u)\n",
                                 importTime, compileTime,
                                 times[times.size() / 2], repeat.getValue());
  }

  if (outputDir.empty()) {
    for (const HostTensor &tensor : outputs)
      llvm::outs() << tensor.name << ": "
                   << getONNXDataTypeName(tensor.dataType) << " "
                   << formatShape(tensor.shape) << "\n";
    return 0;
  }
  if (std::error_code error = llvm::sys::fs::create_directories(outputDir))
    return fail("cannot create output directory '" + outputDir +
                "': " + error.message());
  for (auto [i, tensor] : llvm::enumerate(outputs)) {
    llvm::SmallString<256> path(outputDir);
    llvm::sys::path::append(path,
                            "output_" + std::to_string(i) + "." + outputFormat);
    llvm::Error error = outputFormat == "pb"
                            ? writeTensorProtoFile(tensor, path)
                            : writeNpyFile(tensor, path);
    if (error)
      return fail(llvm::toString(std::move(error)));
  }
  return 0;
}
