//===- LinalgLoopOrder.cpp - loop order of linalg reductions --------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

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
  }
};

} // namespace
