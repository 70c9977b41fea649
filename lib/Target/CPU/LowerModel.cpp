//===- LowerModel.cpp - a model in the LLVM dialect -----------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/LowerModel.h"
#include "whittle/Target/CPU/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

using namespace mlir;

namespace whittle {

/// The bare-pointer calling convention cannot pass a memref with a zero
/// dimension after the first (its strides are not static). The entry
/// function takes and returns tensors without elements as tensor<0xT>
/// instead, reshaped to their real types inside; the caller's buffers stay
/// as they are.
static void flattenZeroSizeBoundaryTensors(func::FuncOp func) {
  auto isZeroSize = [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && tensor.getRank() > 1 && tensor.hasStaticShape() &&
           tensor.getNumElements() == 0;
  };
  auto allDims = [](Type type) {
    int64_t rank = cast<RankedTensorType>(type).getRank();
    return SmallVector<ReassociationIndices>{
        llvm::to_vector(llvm::seq<int64_t>(0, rank))};
  };
  func.getContext()->getOrLoadDialect<tensor::TensorDialect>();
  Block &body = func.front();
  OpBuilder builder = OpBuilder::atBlockBegin(&body);
  for (BlockArgument argument : body.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(argument.getType());
    if (!isZeroSize(type))
      continue;
    argument.setType(RankedTensorType::get({0}, type.getElementType()));
    auto expanded = tensor::ExpandShapeOp::create(builder, func.getLoc(), type,
                                                  argument, allDims(type));
    argument.replaceAllUsesExcept(expanded, expanded);
  }
  SmallVector<Type> resultTypes(func.getResultTypes());
  func.walk([&](func::ReturnOp ret) {
    builder.setInsertionPoint(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      if (!isZeroSize(operand.get().getType()))
        continue;
      auto collapsed =
          tensor::CollapseShapeOp::create(builder, ret.getLoc(), operand.get(),
                                          allDims(operand.get().getType()));
      operand.set(collapsed);
      resultTypes[operand.getOperandNumber()] = collapsed.getType();
    }
  });
  func.setType(FunctionType::get(func.getContext(), body.getArgumentTypes(),
                                 resultTypes));
}
std::optional<LoweredModel> lowerModel(ModuleOp module, StringRef entry,
                                       StringRef int8Kernel) {
  auto signature = getSignature(module, entry);
  if (!signature)
    return std::nullopt;

  // The names are in the signature now; LLVM has no use for them.
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  func.removeArgAttrsAttr();
  func.removeResAttrsAttr();
  flattenZeroSizeBoundaryTensors(func);

  PassManager pm(module.getContext());
  buildLowerToLLVMPipeline(pm, int8Kernel);
  if (failed(pm.run(module)))
    return std::nullopt;

  LoweredModel lowered;
  lowered.inputs = std::move(signature->first);
  lowered.outputs = std::move(signature->second);
  lowered.constants = takeLargeConstants(module);
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  registerOpenMPDialectTranslation(*module.getContext());
  return lowered;
}

} // namespace whittle
