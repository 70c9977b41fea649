//===- LowerModel.cpp - a model in the LLVM dialect -----------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Execution/LowerModel.h"
#include "whittle/Execution/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

using namespace mlir;

namespace whittle {

std::optional<LoweredModel> lowerModel(ModuleOp module, StringRef entry) {
  auto signature = getSignature(module, entry);
  if (!signature)
    return std::nullopt;

  // The names are in the signature now; LLVM has no use for them.
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  func.removeArgAttrsAttr();
  func.removeResAttrsAttr();

  PassManager pm(module.getContext());
  buildLowerToLLVMPipeline(pm);
  if (failed(pm.run(module)))
    return std::nullopt;

  LoweredModel lowered;
  lowered.inputs = std::move(signature->first);
  lowered.outputs = std::move(signature->second);
  lowered.constants = takeLargeConstants(module);
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  return lowered;
}

} // namespace whittle
