//===- LinalgLoopOrder.cpp - loop order of linalg reductions --------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace whittle {
#define GEN_PASS_DEF_LINALGLOOPORDER
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// The loop order that puts the loop of the output's innermost dimension
/// last, after the reductions; empty when the op should keep its order.
SmallVector<unsigned> getVectorFriendlyOrder(linalg::GenericOp op,
                                             int64_t minInnerSize) {
  if (op.getNumReductionLoops() == 0 || op.getNumDpsInits() != 1)
    return {};
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (outputMap.getNumResults() == 0)
    return {};
  auto inner = dyn_cast<AffineDimExpr>(outputMap.getResults().back());
  if (!inner)
    return {};
  unsigned innerLoop = inner.getPosition();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ShapedType::isDynamic(ranges[innerLoop]) ||
      ranges[innerLoop] < minInnerSize)
    return {};
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> order;
  for (unsigned i = 0; i < iterators.size(); ++i)
    if (i != innerLoop && iterators[i] == utils::IteratorType::parallel)
      order.push_back(i);
  for (unsigned i = 0; i < iterators.size(); ++i)
    if (iterators[i] == utils::IteratorType::reduction)
      order.push_back(i);
  order.push_back(innerLoop);
  bool isIdentity = true;
  for (unsigned i = 0; i < order.size(); ++i)
    isIdentity &= order[i] == i;
  if (isIdentity)
    return {};
  return order;
}

/// The groups of consecutive loops of an elementwise op (all loops
/// parallel, static) that every operand walks contiguously, when there is
/// one of more than a loop: `[1, 56, 56, 9, 16]` with identity maps is one
/// loop of 451,584 iterations. Otherwise LLVM unrolls a short innermost
/// loop (16 filters of a channel strip) and vectorizes the next one out,
/// with gathers and scatters: a ReLU6 over 1.8 MB took 0.7 ms.
SmallVector<ReassociationIndices> getContiguousLoops(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(op.getOperation()) ||
      op.getNumLoops() != op.getNumParallelLoops() || op.hasDynamicShape() ||
      !op.hasPureTensorSemantics())
    return {};
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // (Upstream collapses only projected permutations correctly.)
  if (!llvm::all_of(maps, [](AffineMap map) {
        return map.isProjectedPermutation(/*allowZeroInResults=*/false);
      }))
    return {};
  SmallVector<ReassociationIndices> groups;
  bool collapses = false;
  for (int64_t loop = 0, loops = op.getNumLoops(); loop < loops; ++loop) {
    if (!groups.empty()) {
      ReassociationIndices extended = groups.back();
      extended.push_back(loop);
      if (linalg::areDimSequencesPreserved(maps, {extended})) {
        groups.back() = std::move(extended);
        collapses = true;
        continue;
      }
    }
    groups.push_back({loop});
  }
  if (!collapses)
    return {};
  return groups;
}

struct LinalgLoopOrderPass
    : whittle::impl::LinalgLoopOrderBase<LinalgLoopOrderPass> {
  using LinalgLoopOrderBase::LinalgLoopOrderBase;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.getNumReductionLoops() > 0)
        candidates.push_back(op);
    });
    for (linalg::LinalgOp candidate : candidates) {
      rewriter.setInsertionPoint(candidate);
      auto generic = dyn_cast<linalg::GenericOp>(candidate.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, candidate);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      SmallVector<unsigned> order =
          getVectorFriendlyOrder(generic, minInnerSize);
      if (!order.empty())
        (void)linalg::interchangeGenericOp(rewriter, generic, order);
    }

    RewritePatternSet patterns(&getContext());
    linalg::populateCollapseDimensions(patterns, getContiguousLoops);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
