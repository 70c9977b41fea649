//===- ModelSignature.cpp - what a compiled model exchanges ---------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Support/ModelSignature.h"
#include "whittle/Import/ONNX/ImportONNX.h"
#include "whittle/Support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace whittle {

int64_t TensorSpec::getNumElements() const {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

size_t TensorSpec::getByteSize() const {
  return getNumElements() * getONNXElementSize(dataType);
}

/// The spec of one argument or result of the entry function.
static std::optional<TensorSpec> getSpec(func::FuncOp func, Type type,
                                         DictionaryAttr attrs, StringRef what,
                                         unsigned index) {
  TensorSpec spec;
  if (auto name = attrs ? attrs.getAs<StringAttr>("nn.name") : nullptr)
    spec.name = name.str();
  else
    spec.name = (what + "_" + Twine(index)).str();
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape()) {
    func.emitError() << what << " '" << spec.name << "' has type " << type
                     << "; compiled models need static shapes (give "
                        "--input-shape NAME=D0xD1x... or --batch-size)";
    return std::nullopt;
  }
  std::optional<int32_t> dataType = getONNXDataType(tensor.getElementType());
  if (!dataType) {
    func.emitError() << what << " '" << spec.name << "' has element type "
                     << tensor.getElementType()
                     << ", which compiled models cannot exchange";
    return std::nullopt;
  }
  spec.dataType = *dataType;
  spec.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return spec;
}

std::optional<std::pair<SmallVector<TensorSpec>, SmallVector<TensorSpec>>>
getSignature(ModuleOp module, StringRef name) {
  auto func = module.lookupSymbol<func::FuncOp>(name);
  if (!func) {
    module.emitError() << "no function '" << name << "' to compile";
    return std::nullopt;
  }
  std::pair<SmallVector<TensorSpec>, SmallVector<TensorSpec>> signature;
  FunctionType type = func.getFunctionType();
  for (auto [i, input] : llvm::enumerate(type.getInputs())) {
    auto spec = getSpec(func, input, func.getArgAttrDict(i), "input", i);
    if (!spec)
      return std::nullopt;
    signature.first.push_back(*spec);
  }
  for (auto [i, result] : llvm::enumerate(type.getResults())) {
    auto spec = getSpec(func, result, func.getResultAttrDict(i), "output", i);
    if (!spec)
      return std::nullopt;
    signature.second.push_back(*spec);
  }
  return signature;
}

} // namespace whittle
