//===- BufferAliasing.cpp - which buffers may overlap ---------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/BufferAliasing.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace whittle {

Value getRootBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

bool mayAlias(Value a, Value b) {
  if (a == b)
    return true;
  auto globalA = a.getDefiningOp<memref::GetGlobalOp>();
  auto globalB = b.getDefiningOp<memref::GetGlobalOp>();
  if (globalA && globalB)
    return globalA.getNameAttr() == globalB.getNameAttr();
  if (!isa<BlockArgument>(a) || !isa<BlockArgument>(b))
    return false;
  // Unless one of them is declared not to.
  auto isNoAlias = [](Value value) {
    auto argument = cast<BlockArgument>(value);
    auto func = dyn_cast<func::FuncOp>(argument.getOwner()->getParentOp());
    return func && func.getArgAttr(argument.getArgNumber(), "llvm.noalias");
  };
  return !isNoAlias(a) && !isNoAlias(b);
}

} // namespace whittle
