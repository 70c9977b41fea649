//===- DistinctResultBuffers.cpp - one buffer per returned result ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace whittle {
#define GEN_PASS_DEF_DISTINCTRESULTBUFFERS
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// A new buffer of `value`'s type (identity layout) holding a copy of it.
Value buildCopy(OpBuilder &b, Location loc, Value value, MemRefType type) {
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicSizes.push_back(memref::DimOp::create(b, loc, value, d));
  Value copy = memref::AllocOp::create(b, loc, type, dynamicSizes);
  memref::CopyOp::create(b, loc, value, copy);
  return copy;
}

struct DistinctResultBuffersPass
    : whittle::impl::DistinctResultBuffersBase<DistinctResultBuffersPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      OpBuilder b(ret);
      llvm::SmallPtrSet<Value, 8> returned;
      for (OpOperand &operand : ret->getOpOperands()) {
        auto type = dyn_cast<MemRefType>(operand.get().getType());
        if (!type || returned.insert(operand.get()).second)
          continue;
        // The function's result types fix the layout of what it returns;
        // a copy only replaces a buffer of the identity layout it has.
        if (!type.getLayout().isIdentity())
          continue;
        operand.set(buildCopy(b, ret.getLoc(), operand.get(), type));
      }
    });
  }
};

} // namespace
