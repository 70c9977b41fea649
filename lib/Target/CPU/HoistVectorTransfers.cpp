//===- HoistVectorTransfers.cpp - loop-carried vectors in registers -------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/BufferAliasing.h"
#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace whittle {
#define GEN_PASS_DEF_HOISTVECTORTRANSFERS
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// Whether every memory access in `loop` other than `read` and `write` only
/// reads, from buffers that cannot be `root`'s memory.
bool onlyReadsOtherBuffers(scf::ForOp loop, Value root, Operation *read,
                           Operation *write) {
  WalkResult result = loop.getBody()->walk([&](Operation *op) {
    if (op == read || op == write)
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      // Ops with regions report their contents' effects through the walk.
      return op->hasTrait<OpTrait::HasRecursiveMemoryEffects>()
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    }
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (const MemoryEffects::EffectInstance &instance : instances) {
      if (isa<MemoryEffects::Allocate, MemoryEffects::Free>(
              instance.getEffect()))
        continue;
      Value buffer = instance.getValue();
      if (!isa<MemoryEffects::Read>(instance.getEffect()) || !buffer ||
          whittle::mayAlias(whittle::getRootBuffer(buffer), root))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// The transfer_read in `loop`'s body that reads what `write` writes (same
/// buffer, loop-invariant indices, type, map and bounds) before it, or
/// null.
vector::TransferReadOp getMatchingRead(scf::ForOp loop,
                                       vector::TransferWriteOp write) {
  if (!loop.isDefinedOutsideOfLoop(write.getBase()) ||
      !llvm::all_of(
          write.getIndices(),
          [&](Value index) { return loop.isDefinedOutsideOfLoop(index); }) ||
      write.getMask())
    return nullptr;
  for (Operation &op : *loop.getBody()) {
    if (&op == write.getOperation())
      return nullptr;
    auto read = dyn_cast<vector::TransferReadOp>(op);
    if (read && read.getBase() == write.getBase() &&
        read.getIndices() == write.getIndices() &&
        read.getVectorType() == write.getVectorType() &&
        read.getPermutationMap() == write.getPermutationMap() &&
        read.getInBoundsAttr() == write.getInBoundsAttr() && !read.getMask())
      return read;
  }
  return nullptr;
}

/// Hoists one read/write pair out of `loop`; returns whether it did.
bool hoistOnePair(RewriterBase &rewriter, scf::ForOp &loop) {
  for (Operation &op : *loop.getBody()) {
    auto write = dyn_cast<vector::TransferWriteOp>(op);
    if (!write || !isa<MemRefType>(write.getBase().getType()))
      continue;
    vector::TransferReadOp read = getMatchingRead(loop, write);
    if (!read ||
        !onlyReadsOtherBuffers(loop, whittle::getRootBuffer(write.getBase()),
                               read, write))
      continue;
    rewriter.moveOpBefore(read, loop);
    Value yielded = write.getVector();
    FailureOr<LoopLikeOpInterface> extended = loop.replaceWithAdditionalYields(
        rewriter, read.getResult(),
        /*replaceInitOperandUsesInLoop=*/true,
        [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
          return SmallVector<Value>{yielded};
        });
    if (failed(extended))
      return false;
    loop = cast<scf::ForOp>(extended->getOperation());
    rewriter.moveOpAfter(write, loop);
    rewriter.modifyOpInPlace(write, [&] {
      write.getValueToStoreMutable().assign(loop.getResults().back());
    });
    return true;
  }
  return false;
}

struct HoistVectorTransfersPass
    : whittle::impl::HoistVectorTransfersBase<HoistVectorTransfersPass> {
  void runOnOperation() override {
    linalg::hoistRedundantVectorTransfers(getOperation());
    // Upstream leaves a pair alone when its buffer is a view (it cannot
    // tell which other views overlap it): the accumulator of a convolution
    // run image by image, written through a slice of the batch's output.
    // Here the view's root buffer decides: every other access in the loop
    // must be a read of a buffer that cannot be that one.
    IRRewriter rewriter(&getContext());
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      while (hoistOnePair(rewriter, loop)) {
      }
  }
};

} // namespace
