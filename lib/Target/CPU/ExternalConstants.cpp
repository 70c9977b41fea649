//===- ExternalConstants.cpp - weights kept out of LLVM IR ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/ExternalConstants.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/bit.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Module.h"

using namespace mlir;

namespace whittle {

/// The bytes of `value` as LLVM lays out a global initialized with it, or
/// nothing when its storage is not that layout.
static std::optional<ArrayRef<char>> getLLVMLayoutBytes(Attribute value) {
  auto elements = dyn_cast<ShapedType>(
      isa<TypedAttr>(value) ? cast<TypedAttr>(value).getType() : Type());
  if (!elements || !elements.hasStaticShape())
    return std::nullopt;
  Type elementType = elements.getElementType();
  if (!elementType.isIntOrFloat())
    return std::nullopt;
  unsigned bits = elementType.getIntOrFloatBitWidth();
  // i1 is stored as bits in attributes but as bytes in memory.
  if (bits < 8 || bits % 8 != 0)
    return std::nullopt;
  uint64_t size = elements.getNumElements() * (bits / 8);

  ArrayRef<char> bytes;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    bytes = blob->getData();
  } else if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (dense.isSplat())
      return std::nullopt;
    bytes = dense.getRawData();
  } else {
    return std::nullopt;
  }
  if (bytes.size() != size)
    return std::nullopt;
  return bytes;
}

SmallVector<ExternalConstant> takeLargeConstants(ModuleOp module,
                                                 uint64_t minBytes) {
  SmallVector<ExternalConstant> constants;
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    if (!global.getConstant())
      continue;
    std::optional<Attribute> value = global.getValue();
    if (!value)
      continue;
    std::optional<ArrayRef<char>> bytes = getLLVMLayoutBytes(*value);
    if (!bytes || bytes->size() < minBytes)
      continue;
    uint64_t alignment = global.getAlignment().value_or(1);
    constants.push_back({global.getSymName().str(), *bytes, alignment});
    // Code that uses the declaration in place of the bytes (the JIT) may
    // assume no more alignment than they have: vector loads of a global
    // declared 64-byte aligned are aligned loads.
    auto address = reinterpret_cast<uintptr_t>(bytes->data());
    uint64_t actual = address ? uint64_t(1) << llvm::countr_zero(address) : 1;
    if (actual < alignment)
      global.setAlignment(actual);
    global.removeValueAttr();
    global.setLinkage(LLVM::Linkage::External);
  }
  return constants;
}

void defineConstants(llvm::Module &module,
                     ArrayRef<ExternalConstant> constants) {
  for (const ExternalConstant &constant : constants) {
    llvm::GlobalVariable *declaration =
        module.getGlobalVariable(constant.symbol);
    if (!declaration || !declaration->isDeclaration())
      continue;
    llvm::Constant *data = llvm::ConstantDataArray::getRaw(
        StringRef(constant.bytes.data(), constant.bytes.size()),
        constant.bytes.size(), llvm::Type::getInt8Ty(module.getContext()));
    auto *definition =
        new llvm::GlobalVariable(module, data->getType(), /*isConstant=*/true,
                                 llvm::GlobalValue::InternalLinkage, data);
    definition->setAlignment(llvm::Align(constant.alignment));
    // Pointers are opaque: users of the declaration take the byte array as
    // it is.
    declaration->replaceAllUsesWith(definition);
    definition->takeName(declaration);
    declaration->eraseFromParent();
  }
}

} // namespace whittle
