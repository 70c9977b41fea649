//===- CompiledModel.cpp - a model compiled for this CPU ------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Execution/CompiledModel.h"
#include "whittle/Execution/LowerModel.h"
#include "whittle/Execution/TargetMachine.h"

#include "llvm/ExecutionEngine/Orc/Mangling.h"

using namespace mlir;

namespace whittle {

std::unique_ptr<CompiledModel> CompiledModel::compile(ModuleOp module,
                                                      StringRef entry) {
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
