//===- CompiledModel.cpp - a model compiled for this CPU ------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/CompiledModel.h"
#include "whittle/Target/CPU/LowerModel.h"
#include "whittle/Target/CPU/TargetMachine.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/MathExtras.h"

#include <sys/resource.h>
#include <unistd.h>

using namespace mlir;

namespace whittle {

/// The most memory this process may use: the machine's physical memory, or
/// less under an address-space limit.
static uint64_t getUsableMemory() {
  uint64_t bytes = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                   static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
  struct rlimit limit;
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    bytes = std::min<uint64_t>(bytes, limit.rlim_cur);
  return bytes;
}

/// Refuses a model with a value larger than the memory it could run in: the
/// compiled code, or run(), would fail to allocate it and abort. Shapes come
/// from the model's file (a ConstantOfShape given 10^12 elements by an
/// initializer), so sizes are computed with overflow checks.
static LogicalResult checkValueSizes(ModuleOp module) {
  uint64_t usable = getUsableMemory();
  WalkResult walk = module.walk([&](Operation *op) {
    for (Value result : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type || !type.hasStaticShape())
        continue;
      Type element = type.getElementType();
      int64_t bytes = element.isIntOrFloat()
                          ? (element.getIntOrFloatBitWidth() + 7) / 8
                          : 1;
      bool overflow = false;
      for (int64_t d : type.getShape())
        overflow |= llvm::MulOverflow(bytes, d, bytes);
      if (!overflow && static_cast<uint64_t>(bytes) <= usable)
        continue;
      InFlightDiagnostic diag = emitError(op->getLoc());
      if (auto name = dyn_cast<NameLoc>(op->getLoc()))
        diag << "node '" << name.getName().getValue() << "' ";
      diag << "(" << op->getName() << ") computes " << type << ": ";
      if (overflow)
        diag << "more bytes than a 64-bit size holds";
      else
        diag << bytes << " bytes, more than the " << (usable >> 20)
             << " MiB of memory this process can use";
      diag << "; check the shapes the model's inputs and constants give it";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

std::unique_ptr<CompiledModel> CompiledModel::compile(ModuleOp module,
                                                      StringRef entry) {
  if (failed(checkValueSizes(module)))
    return nullptr;
  std::optional<LoweredModel> lowered = lowerModel(module, entry);
  if (!lowered)
    return nullptr;
  auto hostMachine = createTargetMachine(TargetSpec(), CodeUse::JIT);
  if (!hostMachine) {
    module.emitError() << "cannot create a target machine for this CPU: "
                       << llvm::toString(hostMachine.takeError());
    return nullptr;
  }
  // ExecutionEngineOptions::transformer is a function_ref: the callable
  // must outlive create().
  auto optimize = [machine = hostMachine->get()](llvm::Module *module) {
    optimizeModule(*module, *machine);
    return llvm::Error::success();
  };
  ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine) {
    module.emitError() << "JIT compilation failed: "
                       << llvm::toString(engine.takeError());
    return nullptr;
  }
  (*engine)->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    // The JIT reads the weights where the context holds them.
    for (const ExternalConstant &constant : lowered->constants)
      symbols[interner(constant.symbol)] = {
          llvm::orc::ExecutorAddr::fromPtr(constant.bytes.data()),
          llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  // Compile now, not on the first run.
  if (auto entryPoint = (*engine)->lookupPacked(entry); !entryPoint) {
    module.emitError() << "JIT compilation failed: "
                       << llvm::toString(entryPoint.takeError());
    return nullptr;
  }
  std::unique_ptr<CompiledModel> model(new CompiledModel);
  model->engine = std::move(*engine);
  model->entry = entry.str();
  model->inputs = std::move(lowered->inputs);
  model->outputs = std::move(lowered->outputs);
  return model;
}

llvm::Error CompiledModel::runRaw(ArrayRef<void *> buffers) {
  // The packed wrapper takes a pointer to each argument; the arguments are
  // the bare buffer pointers.
  SmallVector<void *> pointers(buffers.begin(), buffers.end());
  SmallVector<void *> arguments;
  for (void *&pointer : pointers)
    arguments.push_back(&pointer);
  return engine->invokePacked(entry, arguments);
}

llvm::Error CompiledModel::run(ArrayRef<HostTensor> inputTensors,
                               std::vector<HostTensor> &outputTensors) {
  SmallVector<void *> buffers;
  for (const HostTensor &tensor : inputTensors)
    buffers.push_back(const_cast<char *>(tensor.data.data()));
  outputTensors.resize(outputs.size());
  for (auto [spec, tensor] : llvm::zip(outputs, outputTensors)) {
    tensor.name = spec.name;
    tensor.dataType = spec.dataType;
    tensor.shape = spec.shape;
    tensor.data.assign(spec.getByteSize(), 0);
    buffers.push_back(tensor.data.data());
  }
  return runRaw(buffers);
}

} // namespace whittle
