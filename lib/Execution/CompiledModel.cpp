//===- CompiledModel.cpp - a model compiled for this CPU ------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Execution/CompiledModel.h"
#include "whittle/Execution/ExternalConstants.h"
#include "whittle/Execution/Pipeline.h"
#include "whittle/Import/ONNX/ImportONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/TargetSelect.h"

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

std::unique_ptr<CompiledModel> CompiledModel::compile(ModuleOp module,
                                                      StringRef entry) {
  auto signature = getSignature(module, entry);
  if (!signature)
    return nullptr;

  // The names are in the signature now; LLVM has no use for them.
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  func.removeArgAttrsAttr();
  func.removeResAttrsAttr();
  flattenZeroSizeBoundaryTensors(func);

  PassManager pm(module.getContext());
  buildLowerToLLVMPipeline(pm);
  if (failed(pm.run(module)))
    return nullptr;
  // The JIT reads the weights where the context holds them.
  SmallVector<ExternalConstant> constants = takeLargeConstants(module);

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());

  // LLVM's vectorizers size vectors from the target: without the host's
  // TargetMachine they see no vector registers and emit scalar code.
  auto hostBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!hostBuilder) {
    module.emitError() << "cannot describe this CPU for LLVM: "
                       << llvm::toString(hostBuilder.takeError());
    return nullptr;
  }
  hostBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto hostMachine = hostBuilder->createTargetMachine();
  if (!hostMachine) {
    module.emitError() << "cannot create a target machine for this CPU: "
                       << llvm::toString(hostMachine.takeError());
    return nullptr;
  }
  ExecutionEngineOptions options;
  options.transformer = makeOptimizingTransformer(
      /*optLevel=*/3, /*sizeLevel=*/0, hostMachine->get());
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  // memref.copy between strided views lowers to a call into MLIR's C
  // runner utilities.
  SmallVector<StringRef> libraries = {WHITTLE_MLIR_C_RUNNER_UTILS};
  options.sharedLibPaths = libraries;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine) {
    module.emitError() << "JIT compilation failed: "
                       << llvm::toString(engine.takeError());
    return nullptr;
  }
  (*engine)->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    for (const ExternalConstant &constant : constants)
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
  model->inputs = std::move(signature->first);
  model->outputs = std::move(signature->second);
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
