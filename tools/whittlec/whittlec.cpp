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

#include "Evaluation.h"
#include "NativeOutputs.h"
#include "whittle/Conversion/Passes.h"
#include "whittle/Dialect/NN/ModelSummary.h"
#include "whittle/Dialect/NN/Passes.h"
#include "whittle/Dialect/QNN/QNNDialect.h"
#include "whittle/Import/ONNX/ImportONNX.h"
#include "whittle/InitAllDialects.h"
#include "whittle/InitAllPasses.h"
#include "whittle/Support/CHeader.h"
#include "whittle/Target/CUDA/CompileToCUDA.h"
#include "whittle/Target/HLSCpp/CompileToHLS.h"
#include "whittle/Transforms/Calibration.h"
#include "whittle/Transforms/CompressionReport.h"
#include "whittle/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

static llvm::cl::OptionCategory compileCategory("whittlec options");

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::desc("<model.onnx>"),
                                            llvm::cl::Required,
                                            llvm::cl::cat(compileCategory));
static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Shape of a graph input, NAME=D0xD1x... (repeatable)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<int64_t>
    batchSize("batch-size",
              llvm::cl::desc("Value for every dynamic leading dimension"),
              llvm::cl::init(0), llvm::cl::cat(compileCategory));
static llvm::cl::opt<bool>
    noCache("no-cache",
            llvm::cl::desc("Do not read or write the compile cache "
                           "($WHITTLE_CACHE, else ~/.cache/whittle) when "
                           "calibrating or evaluating a model on the CPU"),
            llvm::cl::init(false), llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> outputFile(
    "o",
    llvm::cl::desc("Write the imported nn IR (or, with --emit, the object or "
                   "shared library) to this file"),
    llvm::cl::value_desc("file"), llvm::cl::init(""),
    llvm::cl::cat(compileCategory));

namespace {
enum class EmitKind { Summary, Object, SharedLibrary };
enum class Target { CPU, HLS, CUDA };
} // namespace

static llvm::cl::opt<Target> target(
    "target", llvm::cl::desc("What to compile the model for"),
    llvm::cl::values(
        clEnumValN(Target::CPU, "cpu",
                   "This machine's CPU: a summary, or with --emit an object "
                   "or shared library (default)"),
        clEnumValN(Target::HLS, "hls",
                   "An FPGA dataflow design: -o OUTDIR gets the Vitis HLS "
                   "C++, its C-simulation testbench, scripts, the qnn IR it "
                   "implements and report.json/report.txt"),
        clEnumValN(Target::CUDA, "cuda",
                   "CUDA int8 kernels: -o OUTDIR gets the model's CUDA and "
                   "C API, the runtime, run_model, CMakeLists.txt, the "
                   "weights, the qnn IR it implements and report.json")),
    llvm::cl::init(Target::CPU), llvm::cl::cat(compileCategory));
static llvm::cl::OptionCategory cudaCategory("GPU target (--target cuda)");
static llvm::cl::opt<std::string>
    cudaGPU("gpu",
            llvm::cl::desc("The GPU architecture: sm_90a (H100, H200; "
                           "default) or sm_80 (A100)"),
            llvm::cl::init("sm_90a"), llvm::cl::cat(cudaCategory));
static llvm::cl::OptionCategory hlsCategory("FPGA target (--target hls)");
static llvm::cl::opt<std::string> hlsDevice(
    "device",
    llvm::cl::desc("The FPGA: zu3eg, zu7ev, zu9eg, vu9p, u250, or a JSON "
                   "device file"),
    llvm::cl::init("zu3eg"), llvm::cl::cat(hlsCategory));
static llvm::cl::opt<int64_t>
    hlsClockMhz("clock-mhz",
                llvm::cl::desc("Target clock in MHz (default: the device's)"),
                llvm::cl::init(0), llvm::cl::cat(hlsCategory));
static llvm::cl::opt<std::string> hlsObjective(
    "objective",
    llvm::cl::desc("What the planner minimises: throughput (the slowest "
                   "stage's cycles) or latency (the sum over stages)"),
    llvm::cl::init("throughput"), llvm::cl::cat(hlsCategory));
static llvm::cl::opt<double> hlsTimeLimit(
    "solver-time-limit",
    llvm::cl::desc("Seconds the integer program may take; the best design "
                   "found is kept with its gap (default: no limit)"),
    llvm::cl::init(0), llvm::cl::cat(hlsCategory));

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
    llvm::cl::init(EmitKind::Summary), llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> factorizeOptions(
    "factorize",
    llvm::cl::desc("Factorize weights with the whittle-factorize pass and "
                   "these options, e.g. --factorize=\"ranks=energy=0.95\" "
                   "(see whittle-opt --help)"),
    llvm::cl::value_desc("options"), llvm::cl::init(""),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> sparsifyOptions(
    "sparsify",
    llvm::cl::desc("Sparsify weights with the whittle-sparsify pass and these "
                   "options, after --factorize, e.g. "
                   "--sparsify=\"granularity=n:m sparsity=0.5\"; an empty "
                   "value only annotates existing sparsity (see whittle-opt "
                   "--help)"),
    llvm::cl::value_desc("options"), llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> entryName(
    "entry-name",
    llvm::cl::desc("C name of the compiled model's function (default: the "
                   "model file's name made into a C identifier)"),
    llvm::cl::value_desc("name"), llvm::cl::init(""),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> targetTriple(
    "mtriple",
    llvm::cl::desc("Target triple of the object (default: this machine's)"),
    llvm::cl::init(""), llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> targetCPU(
    "mcpu",
    llvm::cl::desc("Target CPU of the object (default: this machine's CPU, "
                   "or 'generic' with --mtriple)"),
    llvm::cl::init(""), llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> targetFeatures(
    "mattr",
    llvm::cl::desc("Target features of the object, as LLVM spells them "
                   "(+avx2,-avx512f)"),
    llvm::cl::init(""), llvm::cl::cat(compileCategory));

/// The C name of the compiled model's function, or nothing (after an
/// error message) if the user gave an unusable one.
// Compression beyond --factorize and --sparsify: any pass pipeline; the
// report and the evaluation below work with whatever passes ran.
static llvm::cl::opt<std::string> compressionPasses(
    "compression-passes",
    llvm::cl::desc("Textual pass pipeline run on the imported model to "
                   "compress it (e.g. 'whittle-factorize{...}')"),
    llvm::cl::value_desc("pipeline"), llvm::cl::init(""),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> compressionReport(
    "compression-report",
    llvm::cl::desc("Print the per-layer compression report and write it as "
                   "JSON to this file"),
    llvm::cl::value_desc("file.json"), llvm::cl::init(""),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> validationData(
    "validation-data",
    llvm::cl::desc("Samples to evaluate the model on before and after "
                   "compression: an IDX file (.gz or raw), a .pb/.npy "
                   "tensor or a folder of them"),
    llvm::cl::value_desc("path"), llvm::cl::init(""),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> validationLabels(
    "validation-labels",
    llvm::cl::desc("Class labels of the validation samples (IDX, .npy or "
                   ".pb): report accuracy instead of output SQNR"),
    llvm::cl::value_desc("path"), llvm::cl::init(""),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<int64_t>
    validationLimit("limit",
                    llvm::cl::desc("Use at most this many validation samples"),
                    llvm::cl::init(-1), llvm::cl::cat(compileCategory));

static LogicalResult addCompressionPasses(OpPassManager &pm) {
  if (compressionPasses.empty())
    return success();
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(compressionPasses, pm, errorStream))) {
    llvm::errs() << "error: --compression-passes: " << errors << "\n";
    return failure();
  }
  return success();
}

static llvm::cl::OptionCategory quantizeCategory("Quantization");
static llvm::cl::opt<std::string> quantizeScheme(
    "quantize",
    llvm::cl::desc("Make the model integer-only (qnn): fixed-point (31-bit "
                   "multipliers) or pow2 (power-of-two scales, shifts only)"),
    llvm::cl::value_desc("scheme"), llvm::cl::cat(quantizeCategory));
static llvm::cl::opt<std::string> calibrationData(
    "calibration-data",
    llvm::cl::desc("Sample inputs for --quantize: IDX (.gz), .pb, .npy or a "
                   "folder"),
    llvm::cl::value_desc("path"), llvm::cl::cat(quantizeCategory));
static llvm::cl::opt<int64_t>
    calibrationLimit("calibration-limit",
                     llvm::cl::desc("Calibrate on at most N samples"),
                     llvm::cl::init(500), llvm::cl::cat(quantizeCategory));
static llvm::cl::opt<std::string> calibrationMethod(
    "calibration-method", llvm::cl::desc("minmax, percentile, entropy or mse"),
    llvm::cl::init("minmax"), llvm::cl::cat(quantizeCategory));
static llvm::cl::opt<double> calibrationPercentile(
    "calibration-percentile",
    llvm::cl::desc("Percentile of |x| kept by --calibration-method "
                   "percentile"),
    llvm::cl::init(99.99), llvm::cl::cat(quantizeCategory));
static llvm::cl::opt<int64_t> calibrationBatch(
    "calibration-batch",
    llvm::cl::desc("Samples per calibration run (the model is imported a "
                   "second time with this batch size)"),
    llvm::cl::init(50), llvm::cl::cat(quantizeCategory));
static llvm::cl::opt<std::string> quantizeRounding(
    "quantize-rounding",
    llvm::cl::desc("nearest-even, half-away or pseudo-stochastic"),
    llvm::cl::init("nearest-even"), llvm::cl::cat(quantizeCategory));
static llvm::cl::opt<std::string> quantizeWeights(
    "quantize-weights", llvm::cl::desc("per-channel or per-tensor"),
    llvm::cl::init("per-channel"), llvm::cl::cat(quantizeCategory));
static llvm::cl::opt<std::string> quantizeActivations(
    "quantize-activations", llvm::cl::desc("symmetric or asymmetric"),
    llvm::cl::init("symmetric"), llvm::cl::cat(quantizeCategory));
static llvm::cl::opt<std::string> quantizeReport(
    "quantize-report",
    llvm::cl::desc("Write the per-layer quantization report (JSON) here and "
                   "print it as a table"),
    llvm::cl::value_desc("path"), llvm::cl::cat(quantizeCategory));

/// Copies the ranges calibration stored on `from` (the same model imported
/// with another batch size) onto `to`, op by op in order.
static LogicalResult copyCalibration(ModuleOp from, ModuleOp to) {
  auto fromFunc = from.lookupSymbol<func::FuncOp>("main");
  auto toFunc = to.lookupSymbol<func::FuncOp>("main");
  SmallVector<Operation *> fromOps, toOps;
  fromFunc.walk([&](Operation *op) { fromOps.push_back(op); });
  toFunc.walk([&](Operation *op) { toOps.push_back(op); });
  auto mismatch =
      [&]() {
        return to.emitError()
               << "the model imported with --calibration-batch "
               << calibrationBatch.getValue()
               << " has other ops than with the requested shapes; give "
                  "--calibration-batch equal to --batch-size";
      };
  if (fromOps.size() != toOps.size() ||
      fromFunc.getNumArguments() != toFunc.getNumArguments())
    return mismatch();
  for (auto [a, b] : llvm::zip(fromOps, toOps)) {
    if (a->getName() != b->getName())
      return mismatch();
    if (Attribute range = a->getAttr(whittle::kRangeAttrName))
      b->setAttr(whittle::kRangeAttrName, range);
  }
  for (unsigned i = 0; i < fromFunc.getNumArguments(); ++i)
    if (Attribute range = fromFunc.getArgAttr(i, whittle::kRangeAttrName))
      toFunc.setArgAttr(i, whittle::kRangeAttrName, range);
  to->setAttr(whittle::kCalibrationAttrName,
              from->getAttr(whittle::kCalibrationAttrName));
  return success();
}

/// Calibrates on a copy imported with the calibration batch size, then
/// quantizes `module`.
static LogicalResult
quantizeModel(ModuleOp module, MLIRContext &context,
              whittle::ImportONNXOptions options,
              llvm::function_ref<LogicalResult(PassManager &)> addCompression) {
  if (quantizeScheme != "fixed-point" && quantizeScheme != "pow2") {
    llvm::errs() << "error: --quantize=" << quantizeScheme
                 << ": use fixed-point or pow2\n";
    return failure();
  }
  if (calibrationData.empty()) {
    llvm::errs() << "error: --quantize needs --calibration-data PATH (sample "
                    "inputs: IDX, .pb, .npy or a folder)\n";
    return failure();
  }
  if (calibrationBatch <= 0) {
    llvm::errs() << "error: --calibration-batch must be positive\n";
    return failure();
  }
  options.batchSize = calibrationBatch;
  OwningOpRef<ModuleOp> calibrationModule =
      whittle::importONNXFile(inputFile, &context, options);
  if (!calibrationModule)
    return failure();
  {
    PassManager pm(&context);
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    // The copy is compressed like the model, so that its ops line up.
    if (failed(addCompression(pm)))
      return failure();
    whittle::WhittleCalibrateOptions calibrate;
    calibrate.data = calibrationData;
    calibrate.limit = calibrationLimit;
    calibrate.method = calibrationMethod;
    calibrate.percentile = calibrationPercentile;
    pm.addPass(whittle::createWhittleCalibrate(calibrate));
    if (failed(pm.run(*calibrationModule)))
      return failure();
  }
  // The same folding as the calibrated copy, so the ops line up.
  {
    PassManager pm(&context);
    pm.addPass(whittle::nn::createNNFoldBatchNorm());
    if (failed(pm.run(module)))
      return failure();
  }
  if (failed(copyCalibration(*calibrationModule, module)))
    return failure();
  whittle::WhittleQuantizeOptions quantize;
  quantize.scheme = quantizeScheme;
  quantize.rounding = quantizeRounding;
  quantize.weights = quantizeWeights;
  quantize.activations = quantizeActivations;
  // The report's SQNR runs every layer's float and integer outputs through
  // the JIT: at the calibration batch size that stays small whatever
  // --batch-size is. Both copies get the same scales from the same ranges.
  if (!quantizeReport.empty()) {
    PassManager pm(&context);
    whittle::WhittleQuantizeOptions withReport = quantize;
    withReport.report = quantizeReport;
    pm.addPass(whittle::createWhittleQuantize(withReport));
    if (failed(pm.run(*calibrationModule)))
      return failure();
  }
  PassManager pm(&context);
  pm.addPass(whittle::createWhittleQuantize(quantize));
  pm.addPass(createCanonicalizerPass());
  return pm.run(module);
}

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

/// Plans the kernels for --gpu and writes the project to -o.
static LogicalResult compileCUDAProject(ModuleOp module) {
  std::optional<std::string> name = getEntrySymbol();
  if (!name)
    return failure();
  if (failed(whittle::cuda::compileToCUDA(module, cudaGPU, *name, outputFile)))
    return failure();
  llvm::outs() << "model: " << inputFile << "\ncuda project: " << outputFile
               << " (" << cudaGPU << ", API whittle_" << *name
               << "_create/_run/_destroy in include/" << *name << ".h)\n\n";
  auto report = llvm::MemoryBuffer::getFile(outputFile + "/report.txt");
  if (report)
    llvm::outs() << (*report)->getBuffer();
  return success();
}

/// Plans the design for --device (or the kernels for --gpu with --target
/// cuda) and writes the project to -o, then prints the design report.
static LogicalResult compileProject(ModuleOp module) {
  if (target == Target::CUDA)
    return compileCUDAProject(module);
  whittle::hlscpp::CompileToHLSOptions options;
  options.device = hlsDevice;
  options.clockMhz = hlsClockMhz;
  options.objective = hlsObjective;
  options.timeLimit = hlsTimeLimit;
  if (failed(whittle::hlscpp::compileToHLS(module, options, outputFile)))
    return failure();
  llvm::outs() << "model: " << inputFile << "\nhls project: " << outputFile
               << "\n\n";
  auto report = llvm::MemoryBuffer::getFile(outputFile + "/report.txt");
  if (report)
    llvm::outs() << (*report)->getBuffer();
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  whittle::registerAllPasses();
  // --help lists whittlec's options, not every LLVM backend's.
  llvm::cl::HideUnrelatedOptions(
      {&compileCategory, &quantizeCategory, &hlsCategory, &cudaCategory});
  llvm::cl::ParseCommandLineOptions(argc, argv, "whittle compiler driver\n");
  // Every compile in this process (calibration, evaluation) reads the
  // cache's folder from the environment; an empty one is no cache.
  if (noCache)
    setenv("WHITTLE_CACHE", "", /*overwrite=*/1);

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

  // Both project targets take the same integer model.
  bool hls = target == Target::HLS || target == Target::CUDA;
  StringRef targetName = target == Target::CUDA ? "cuda" : "hls";
  bool qnnInput = StringRef(inputFile).ends_with(".mlir");
  if (hls) {
    if (outputFile.empty() || outputFile == "-") {
      llvm::errs() << "error: --target " << targetName
                   << " writes a project folder: give -o OUTDIR\n";
      return 1;
    }
    if (emitKind != EmitKind::Summary) {
      llvm::errs() << "error: --emit applies to --target cpu\n";
      return 1;
    }
    // A dataflow design takes one frame at a time; a GPU model runs the
    // batch it is compiled for (--batch-size).
    if (batchSize == 0)
      options.batchSize = 1;
  }
  if (qnnInput && (!hls || !quantizeScheme.empty())) {
    llvm::errs() << "error: an .mlir model (qnn, already quantized) is "
                    "compiled with --target hls or cuda and without "
                    "--quantize\n";
    return 1;
  }

  OwningOpRef<ModuleOp> module =
      qnnInput
          ? parseSourceFile<ModuleOp>(inputFile.getValue(), sourceMgr, &context)
          : whittle::importONNXFile(inputFile, &context, options);
  if (!module)
    return 1;
  if (qnnInput)
    return failed(compileProject(*module)) ? 1 : 0;
  if (quantizeScheme.empty() && (hls || native)) {
    // An ONNX Runtime-quantized model (QDQ, QOperator) that is compiled
    // keeps its own scales, on every target. nn-to-qnn runs before anything
    // folds: the canonicalizer would fold the weights' and biases'
    // DequantizeLinear into float constants, and the convolution would run
    // in float. (The summary and the imported IR stay in nn.)
    PassManager toQNN(&context);
    toQNN.addPass(whittle::createNNToQNN());
    toQNN.addPass(createCanonicalizerPass());
    if (failed(toQNN.run(*module)))
      return 1;
    bool hasQNN = false;
    module->walk([&](Operation *op) {
      hasQNN |= isa<whittle::qnn::QNNDialect>(op->getDialect());
    });
    if (hls && !hasQNN) {
      llvm::errs() << "error: '" << inputFile << "' is a float model: --target "
                   << targetName
                   << " needs an integer one; give --quantize=fixed-point (or "
                      "pow2) and --calibration-data PATH\n";
      return 1;
    }
  }

  PassManager pm(&context);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (failed(pm.run(*module)))
    return 1;

  // The model as imported and cleaned up, kept to evaluate the compressed
  // one against.
  OwningOpRef<ModuleOp> original;
  if (!validationData.empty())
    original = module->clone();
  bool compress = !factorizeOptions.empty() ||
                  sparsifyOptions.getNumOccurrences() > 0 ||
                  !compressionPasses.empty();
  auto addCompression = [](PassManager &pm) -> LogicalResult {
    if (!factorizeOptions.empty()) {
      std::unique_ptr<Pass> factorize = whittle::createWhittleFactorize();
      if (failed(factorize->initializeOptions(
              factorizeOptions, [](const llvm::Twine &message) {
                llvm::errs() << "error: --factorize: " << message << "\n";
                return failure();
              })))
        return failure();
      pm.addPass(std::move(factorize));
      // One nn.none per factorized layer.
      pm.addPass(createCSEPass());
    }
    if (sparsifyOptions.getNumOccurrences()) {
      std::unique_ptr<Pass> sparsify = whittle::createWhittleSparsify();
      if (failed(sparsify->initializeOptions(
              sparsifyOptions, [](const llvm::Twine &message) {
                llvm::errs() << "error: --sparsify: " << message << "\n";
                return failure();
              })))
        return failure();
      pm.addPass(std::move(sparsify));
    }
    return addCompressionPasses(pm);
  };
  PassManager compression(&context);
  if (failed(addCompression(compression)))
    return 1;
  if (compress && failed(compression.run(*module)))
    return 1;
  std::optional<whittle::CompressionReport> report;
  if (!compressionReport.empty() || !validationData.empty() || compress)
    report = whittle::buildCompressionReport(*module);
  if (!validationData.empty()) {
    llvm::Expected<whittle::Dataset> data =
        whittle::loadDataset(validationData, validationLabels, validationLimit);
    if (!data) {
      llvm::errs() << "error: --validation-data: "
                   << llvm::toString(data.takeError()) << "\n";
      return 1;
    }
    llvm::Expected<whittle::CompressionReport::Evaluation> evaluation =
        whittle::evaluateCompression(*original, *module, *data);
    if (!evaluation) {
      llvm::errs() << "error: evaluation on " << validationData << ": "
                   << llvm::toString(evaluation.takeError()) << "\n";
      return 1;
    }
    report->evaluation = *evaluation;
  }
  if (!compressionReport.empty()) {
    std::string error;
    auto output = openOutputFile(compressionReport, &error);
    if (!output) {
      llvm::errs() << "error: --compression-report: " << error << "\n";
      return 1;
    }
    whittle::writeCompressionReportJSON(*report, output->os());
    output->keep();
  }

  if (!quantizeScheme.empty() &&
      failed(quantizeModel(*module, context, options, addCompression)))
    return 1;
  if (hls)
    return failed(compileProject(*module)) ? 1 : 0;

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
  if (report) {
    llvm::outs() << "\ncompression report:\n";
    whittle::printCompressionReport(*report, llvm::outs());
  }

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
