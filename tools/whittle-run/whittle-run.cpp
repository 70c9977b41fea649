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
// The model is compiled for the inputs given. Where output shapes depend on
// input values (Reshape's shape, Slice's starts, Resize's scales, ... given
// as graph inputs), whittle-run compiles those inputs' values in as
// constants (see findShapeInputs); --bind-input does so for any input.
//
// qnn models (.mlir) run with float inputs and outputs at their edges;
// --integer-io drops the input qnn.quantize and output qnn.dequantize ops,
// so the inputs are int8 .pb/.npy tensors of the quantized values and the
// outputs the int8 (or int32) tensors the model computes. Their shapes are
// fixed: inputs holding k times the model's leading dimension (k batches of
// samples) run as k batches, and the outputs are stacked the same way.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNOps.h"
#include "whittle/Import/ONNX/ImportONNX.h"
#include "whittle/InitAllDialects.h"
#include "whittle/Support/HostTensor.h"
#include "whittle/Target/CPU/CompiledModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
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

static llvm::cl::OptionCategory runCategory("whittle-run options");

static llvm::cl::opt<std::string>
    modelFile(llvm::cl::Positional,
              llvm::cl::desc("<model.onnx|.onnxtext|.mlir>"),
              llvm::cl::Required, llvm::cl::cat(runCategory));
static llvm::cl::list<std::string>
    inputFiles("input",
               llvm::cl::desc("Input tensor file (.pb or .npy), in "
                              "the model's input order"),
               llvm::cl::cat(runCategory));
static llvm::cl::opt<std::string> outputDir(
    "output-dir",
    llvm::cl::desc("Write output_<i>.pb (or .npy) files to this directory"),
    llvm::cl::init(""), llvm::cl::cat(runCategory));
static llvm::cl::opt<std::string>
    outputFormat("output-format",
                 llvm::cl::desc("Output file format: pb (default) or npy"),
                 llvm::cl::init("pb"), llvm::cl::cat(runCategory));
static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Shape of a graph input, NAME=D0xD1x... (repeatable)"),
    llvm::cl::cat(runCategory));
static llvm::cl::opt<int64_t>
    batchSize("batch-size",
              llvm::cl::desc("Value for every dynamic leading dimension"),
              llvm::cl::init(0), llvm::cl::cat(runCategory));
static llvm::cl::list<std::string> bindInputs(
    "bind-input",
    llvm::cl::desc("Compile in the value of this graph input as a constant "
                   "(repeatable); done without asking for the inputs that "
                   "output shapes depend on"),
    llvm::cl::cat(runCategory));
static llvm::cl::opt<unsigned>
    repeat("repeat", llvm::cl::desc("Run the model this many times"),
           llvm::cl::init(1), llvm::cl::cat(runCategory));
static llvm::cl::opt<bool>
    timing("timing",
           llvm::cl::desc("Print the import, compile and median run times to "
                          "stderr"),
           llvm::cl::init(false), llvm::cl::cat(runCategory));

static llvm::cl::opt<bool>
    noCache("no-cache",
            llvm::cl::desc("Compile the model even if the compile cache "
                           "($WHITTLE_CACHE, else ~/.cache/whittle) has it, "
                           "and do not add it there"),
            llvm::cl::init(false), llvm::cl::cat(runCategory));

static llvm::cl::opt<bool> integerIO(
    "integer-io",
    llvm::cl::desc("Run a qnn model on its raw integers: drop the input "
                   "qnn.quantize and output qnn.dequantize ops, so inputs "
                   "are int8 tensors (.pb/.npy) of the quantized values and "
                   "outputs the int8 (or int32) tensors the model computes"),
    llvm::cl::init(false), llvm::cl::cat(runCategory));

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

/// How many batches of an .mlir model's fixed shapes `inputs` hold: k when
/// every input is k copies of the expected shape stacked along the leading
/// dimension, else 1 (and checkInput explains any mismatch).
static int64_t countBatches(ArrayRef<HostTensor> inputs,
                            ArrayRef<TensorSpec> expected) {
  int64_t batches = 0;
  for (auto [tensor, spec] : llvm::zip(inputs, expected)) {
    if (spec.shape.empty() || tensor.shape.size() != spec.shape.size() ||
        spec.shape[0] <= 0 || tensor.shape[0] % spec.shape[0] != 0 ||
        ArrayRef<int64_t>(tensor.shape).drop_front() !=
            ArrayRef<int64_t>(spec.shape).drop_front())
      return 1;
    int64_t k = tensor.shape[0] / spec.shape[0];
    if (batches != 0 && k != batches)
      return 1;
    batches = k;
  }
  return std::max<int64_t>(batches, 1);
}

/// The entry function's arguments as the tensors the model takes, or
/// nullopt if one has no static shape or no ONNX element type.
static std::optional<SmallVector<TensorSpec>> getInputSpecs(func::FuncOp func) {
  SmallVector<TensorSpec> specs;
  for (auto [i, argument] : llvm::enumerate(func.getArguments())) {
    auto type = dyn_cast<RankedTensorType>(argument.getType());
    std::optional<int32_t> dataType =
        type ? getONNXDataType(type.getElementType()) : std::nullopt;
    if (!type || !type.hasStaticShape() || !dataType)
      return std::nullopt;
    TensorSpec &spec = specs.emplace_back();
    auto name = func.getArgAttrOfType<StringAttr>(i, "nn.name");
    spec.name = name ? name.str() : "input_" + std::to_string(i);
    spec.dataType = *dataType;
    spec.shape.assign(type.getShape().begin(), type.getShape().end());
  }
  return specs;
}

static bool hasStaticShape(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  return !shaped || shaped.hasStaticShape();
}

/// The ops where a shape stops being static: a result's shape is not static
/// although every operand's is, so it depends on operand values.
static SmallVector<Operation *> findShapeOrigins(func::FuncOp func) {
  SmallVector<Operation *> origins;
  func.walk([&](Operation *op) {
    if (llvm::all_of(op->getResultTypes(), hasStaticShape) ||
        !llvm::all_of(op->getOperandTypes(), hasStaticShape))
      return;
    origins.push_back(op);
  });
  return origins;
}

/// Adds the positions of the function arguments that `value` is computed
/// from to `arguments`.
static void collectArguments(Value value, llvm::SetVector<unsigned> &arguments,
                             llvm::DenseSet<Operation *> &visited) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    if (isa<func::FuncOp>(argument.getOwner()->getParentOp()))
      arguments.insert(argument.getArgNumber());
    return;
  }
  Operation *op = value.getDefiningOp();
  if (!op || !visited.insert(op).second)
    return;
  for (Value operand : op->getOperands())
    collectArguments(operand, arguments, visited);
}

static bool isAtMost1D(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.getRank() <= 1;
}

/// The inputs of `func` whose values its non-static shapes depend on and
/// that whittle-run compiles in: inputs of at most one dimension that the
/// at-most-1-D operands of a shape origin are computed from. Every ONNX
/// operand that determines a shape (Reshape's and Expand's shape, Tile's
/// repeats, Slice's starts/ends/axes/steps, Pad's pads, Split's split, the
/// axes operands, Resize's scales/sizes, ConstantOfShape's input, ...) is a
/// scalar or a 1-D list, so data tensors stay inputs.
static llvm::SetVector<unsigned> findShapeInputs(func::FuncOp func) {
  llvm::SetVector<unsigned> inputs;
  llvm::DenseSet<Operation *> visited;
  for (Operation *origin : findShapeOrigins(func)) {
    llvm::SetVector<unsigned> arguments;
    for (Value operand : origin->getOperands())
      if (isAtMost1D(operand.getType()))
        collectArguments(operand, arguments, visited);
    for (unsigned i : arguments)
      if (isAtMost1D(func.getArgument(i).getType()))
        inputs.insert(i);
  }
  return inputs;
}

/// Fails with an error naming the first op whose result shape is not static
/// and the inputs that shape depends on.
static LogicalResult checkStaticShapes(func::FuncOp func) {
  SmallVector<Operation *> origins = findShapeOrigins(func);
  if (origins.empty())
    return success();
  Operation *origin = origins.front();
  std::string message;
  llvm::raw_string_ostream os(message);
  os << "the shape of " << origin->getName();
  if (auto loc = dyn_cast<NameLoc>(origin->getLoc()))
    os << " '" << loc.getName().getValue() << "'";
  os << " (" << *llvm::find_if_not(origin->getResultTypes(), hasStaticShape)
     << ") depends on values unknown at compile time";
  // Name the inputs that the list-like operands are computed from, or
  // failing those, all the inputs the op reads.
  llvm::SetVector<unsigned> arguments;
  llvm::DenseSet<Operation *> visited;
  for (Value operand : origin->getOperands())
    if (isAtMost1D(operand.getType()))
      collectArguments(operand, arguments, visited);
  if (arguments.empty())
    for (Value operand : origin->getOperands())
      collectArguments(operand, arguments, visited);
  if (arguments.empty()) {
    os << "; compiled models need static shapes";
  } else {
    SmallVector<std::string> names;
    for (unsigned i : arguments) {
      auto name = func.getArgAttrOfType<StringAttr>(i, "nn.name");
      names.push_back("'" + (name ? name.str() : std::to_string(i)) + "'");
    }
    os << ", computed from input(s) " << llvm::join(names, ", ")
       << "; compile their values in with --bind-input NAME";
  }
  fail(message);
  return failure();
}

/// `tensor` as an attribute of the element type the model uses for it.
static DenseElementsAttr getElementsAttr(const HostTensor &tensor,
                                         MLIRContext *context) {
  Type elementType = getElementTypeForONNX(tensor.dataType, context);
  auto type = RankedTensorType::get(tensor.shape, elementType);
  if (elementType.isInteger(1)) {
    // Bools take a byte each in host tensors and a bit in attributes.
    SmallVector<bool> values(tensor.data.begin(), tensor.data.end());
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }
  return DenseElementsAttr::getFromRawBuffer(type, tensor.data);
}

/// --integer-io: every float argument must feed only qnn.quantize ops with
/// one set of parameters, which go (the argument takes their i8 type), and
/// every float result must come straight from a qnn.dequantize, which goes
/// (the result takes its input's type).
static LogicalResult stripEdgeQuantization(func::FuncOp func) {
  auto describe = [&](StringRef what, unsigned index) {
    return (what + " " + llvm::Twine(index)).str();
  };
  for (BlockArgument argument : func.getArguments()) {
    if (!isa<FloatType>(getElementTypeOrSelf(argument.getType())))
      continue;
    SmallVector<qnn::QuantizeOp> quantizes;
    for (Operation *user : argument.getUsers())
      if (auto quantize = dyn_cast<qnn::QuantizeOp>(user))
        quantizes.push_back(quantize);
    bool sameParameters = llvm::all_of(quantizes, [&](qnn::QuantizeOp q) {
      return q.getScale() == quantizes.front().getScale() &&
             q.getZeroPoint() == quantizes.front().getZeroPoint() &&
             q.getAxis() == quantizes.front().getAxis();
    });
    size_t uses =
        std::distance(argument.getUses().begin(), argument.getUses().end());
    if (quantizes.empty() || !sameParameters || quantizes.size() != uses) {
      fail("--integer-io: " + describe("input", argument.getArgNumber()) +
           " is a float that is not only quantized by qnn.quantize (with one "
           "scale and zero point); only qnn models whose float inputs go "
           "straight into qnn.quantize can take integer inputs");
      return failure();
    }
    argument.setType(quantizes.front().getType());
    for (qnn::QuantizeOp quantize : quantizes) {
      quantize.getY().replaceAllUsesWith(argument);
      quantize.erase();
    }
  }
  SmallVector<Type> resultTypes;
  func.walk([&](func::ReturnOp ret) {
    for (OpOperand &operand : ret->getOpOperands()) {
      if (auto dequantize = operand.get().getDefiningOp<qnn::DequantizeOp>())
        operand.set(dequantize.getX());
    }
    resultTypes.assign(ret.getOperandTypes().begin(),
                       ret.getOperandTypes().end());
  });
  for (auto [i, type] : llvm::enumerate(resultTypes))
    if (isa<FloatType>(getElementTypeOrSelf(type))) {
      fail("--integer-io: " + describe("output", i) +
           " is a float that does not come straight from a qnn.dequantize; "
           "only qnn models whose outputs are dequantized can give integer "
           "outputs");
      return failure();
    }
  func.setType(FunctionType::get(
      func.getContext(), func.getBody().getArgumentTypes(), resultTypes));
  // Dequantizes left without uses go with the rest of the dead code.
  func.walk([](qnn::DequantizeOp op) {
    if (op->use_empty())
      op->erase();
  });
  return success();
}

int main(int argc, char **argv) {
  // libLLVM registers an undocumented "-threads" of its own; here it is the
  // model's thread count, registered after the library's is taken out.
  if (llvm::cl::Option *library =
          llvm::cl::getRegisteredOptions().lookup("threads"))
    library->removeArgument();
  llvm::cl::opt<unsigned> threads(
      "threads",
      llvm::cl::desc("Run the model's parallel loops on this many threads (0, "
                     "the default: OMP_NUM_THREADS if set, else every core); "
                     "the outputs are the same bits for any number"),
      llvm::cl::init(0), llvm::cl::cat(runCategory));
  llvm::InitLLVM init(argc, argv);
  // --help lists whittle-run's options, not every LLVM backend's.
  llvm::cl::HideUnrelatedOptions(runCategory);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "whittle-run: compile a model for this CPU and run it\n");

  // The compile cache's folder comes from the environment, as in whittlec;
  // an empty one is no cache.
  if (noCache)
    setenv("WHITTLE_CACHE", "", /*overwrite=*/1);

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
  bool isMLIR = StringRef(modelFile).ends_with(".mlir");
  ImportONNXOptions options;
  if (isMLIR) {
    if (!inputShapes.empty() || batchSize > 0 || !bindInputs.empty())
      return fail("--input-shape, --batch-size and --bind-input apply to "
                  "ONNX models; an .mlir model carries its own shapes");
    module = parseSourceFile<ModuleOp>(modelFile, sourceMgr, &context);
  } else {
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

  auto func = module->lookupSymbol<func::FuncOp>("main");
  if (integerIO && func && failed(stripEdgeQuantization(func)))
    return 1;
  std::optional<SmallVector<TensorSpec>> expected =
      func ? getInputSpecs(func) : std::nullopt;
  if (!expected) {
    // getSignature says what is wrong.
    (void)getSignature(*module, "main");
    return 1;
  }
  if (inputs.size() != expected->size()) {
    SmallVector<std::string> names;
    for (const TensorSpec &spec : *expected)
      names.push_back(spec.name);
    return fail("the model has " + llvm::Twine(expected->size()) +
                " input(s) (" + llvm::join(names, ", ") + ") but " +
                llvm::Twine(inputs.size()) + " --input file(s) were given");
  }
  // An .mlir model has fixed shapes; inputs with k times its leading
  // dimension run as k batches, one after another.
  int64_t batches = isMLIR ? countBatches(inputs, *expected) : 1;
  for (auto [i, tensor] : llvm::enumerate(inputs)) {
    TensorSpec spec = (*expected)[i];
    if (batches > 1)
      spec.shape[0] *= batches;
    if (auto error = checkInput(tensor, spec, i, inputFiles[i]))
      return fail(*error);
  }

  if (!isMLIR) {
    // Compile in the inputs asked for and those the output shapes depend
    // on; they leave the function's signature, and the others keep their
    // order.
    llvm::SetVector<unsigned> bound;
    for (const std::string &name : bindInputs) {
      auto it = llvm::find_if(
          *expected, [&](const TensorSpec &spec) { return spec.name == name; });
      if (it == expected->end()) {
        SmallVector<std::string> names;
        for (const TensorSpec &spec : *expected)
          names.push_back(spec.name);
        return fail("--bind-input names '" + name +
                    "', which is not a model input (inputs: " +
                    llvm::join(names, ", ") + ")");
      }
      bound.insert(it - expected->begin());
    }
    bound.insert_range(findShapeInputs(func));
    if (!bound.empty()) {
      for (unsigned i : bound)
        options.inputValues[(*expected)[i].name] =
            getElementsAttr(inputs[i], &context);
      module = importONNXFile(modelFile, &context, options);
      if (!module)
        return 1;
      std::vector<HostTensor> unbound;
      for (auto [i, tensor] : llvm::enumerate(inputs))
        if (!bound.contains(i))
          unbound.push_back(std::move(tensor));
      inputs = std::move(unbound);
      func = module->lookupSymbol<func::FuncOp>("main");
      if (integerIO && failed(stripEdgeQuantization(func)))
        return 1;
    }
    if (failed(checkStaticShapes(func)))
      return 1;
  }
  if (!getSignature(*module, "main"))
    return 1;

  double importTime = millisecondsSince(importStart);
  auto compileStart = Clock::now();
  std::unique_ptr<CompiledModel> model = CompiledModel::compile(*module);
  if (!model)
    return 1;
  double compileTime = millisecondsSince(compileStart);
  model->setThreads(threads);

  // The inputs of each batch, sliced once (with one batch, the inputs
  // themselves) so that --repeat times the runs alone.
  std::vector<std::vector<HostTensor>> batchInputs;
  if (batches == 1)
    batchInputs.push_back(std::move(inputs));
  for (int64_t batch = 0; batches > 1 && batch < batches; ++batch) {
    std::vector<HostTensor> &slices = batchInputs.emplace_back();
    for (const HostTensor &tensor : inputs)
      slices.push_back(sliceLeading(tensor, batch * tensor.shape[0] / batches,
                                    tensor.shape[0] / batches));
  }
  std::vector<std::vector<HostTensor>> batchOutputs(batches);
  std::vector<double> times;
  for (unsigned run = 0; run < repeat; ++run) {
    auto start = Clock::now();
    for (int64_t batch = 0; batch < batches; ++batch)
      if (llvm::Error error =
              model->run(batchInputs[batch], batchOutputs[batch]))
        return fail("running the model failed: " +
                    llvm::toString(std::move(error)));
    times.push_back(millisecondsSince(start));
  }
  std::vector<HostTensor> outputs;
  for (size_t i = 0; i < batchOutputs[0].size(); ++i) {
    SmallVector<HostTensor> parts;
    for (std::vector<HostTensor> &batch : batchOutputs)
      parts.push_back(std::move(batch[i]));
    outputs.push_back(batches == 1 ? std::move(parts[0])
                                   : concatLeading(parts));
  }
  if (timing) {
    std::sort(times.begin(), times.end());
    llvm::errs() << llvm::format(
        "import: %.1f ms, compile: %.1f ms, run: "
        "%.3f ms (median of %u, %u threads); "
        "compile cache: %s\n",
        importTime, compileTime, times[times.size() / 2], repeat.getValue(),
        threads ? threads.getValue() : CompiledModel::getDefaultThreads(),
        noCache                ? "off"
        : model->isFromCache() ? "hit"
                               : "miss");
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
