//===- ObjectEmitter.cpp - a model as a native object file ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Execution/ObjectEmitter.h"
#include "whittle/Execution/LowerModel.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace whittle {

/// Makes `entry` the global function `symbol` and every other definition
/// internal, so that objects of several models link into one program and
/// LLVM may optimize the helpers as it likes. False if `symbol` names
/// another function or global of the module (a libm function, say).
static bool exportOnly(llvm::Module &module, llvm::Function &entry,
                       StringRef symbol) {
  if (llvm::GlobalValue *other = module.getNamedValue(symbol);
      other && other != &entry)
    return false;
  entry.setName(symbol);
  for (llvm::GlobalValue &value : module.global_values())
    if (&value != &entry && !value.isDeclaration())
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
  return true;
}

std::optional<NativeObject> emitObject(ModuleOp module, StringRef entry,
                                       StringRef symbol,
                                       const TargetSpec &target) {
  // Position independent: the object may end up in a shared library, and
  // executables are PIE by default.
  auto machine = createTargetMachine(target, llvm::Reloc::PIC_);
  if (!machine) {
    module.emitError() << "cannot compile for the target: "
                       << llvm::toString(machine.takeError());
    return std::nullopt;
  }
  std::optional<LoweredModel> lowered = lowerModel(module, entry);
  if (!lowered)
    return std::nullopt;

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule) {
    module.emitError() << "cannot translate the model to LLVM IR";
    return std::nullopt;
  }
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  defineConstants(*llvmModule, lowered->constants);
  if (!exportOnly(*llvmModule, *llvmModule->getFunction(entry), symbol)) {
    module.emitError() << "entry point name '" << symbol
                       << "' is taken by a symbol the model uses";
    return std::nullopt;
  }

  auto optimize = makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0,
                                            machine->get());
  if (llvm::Error error = optimize(llvmModule.get())) {
    module.emitError() << "LLVM optimization failed: "
                       << llvm::toString(std::move(error));
    return std::nullopt;
  }

  NativeObject object;
  llvm::raw_svector_ostream os(object.bytes);
  llvm::legacy::PassManager codegen;
  if ((*machine)->addPassesToEmitFile(codegen, os, nullptr,
                                      llvm::CodeGenFileType::ObjectFile)) {
    module.emitError() << "LLVM cannot emit object files for "
                       << (*machine)->getTargetTriple().str();
    return std::nullopt;
  }
  codegen.run(*llvmModule);
  object.inputs = std::move(lowered->inputs);
  object.outputs = std::move(lowered->outputs);
  return object;
}

} // namespace whittle
