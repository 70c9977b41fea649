//===- FoldConstantTransposes.cpp - permute constant weights at compile time =//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace whittle {
#define GEN_PASS_DEF_FOLDCONSTANTTRANSPOSES
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// The permutation a transpose-like op applies (result dimension i is its
/// input's dimension permutation[i]), or nothing: `linalg.transpose`, or a
/// `linalg.generic` of one input and one init, all loops parallel, that
/// yields its input element and writes the init in loop order.
std::optional<SmallVector<int64_t>> getPermutation(linalg::LinalgOp op) {
  if (auto transpose = dyn_cast<linalg::TransposeOp>(op.getOperation()))
    return SmallVector<int64_t>(transpose.getPermutation());
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumLoops() != generic.getNumParallelLoops())
    return std::nullopt;
  Block &body = generic.getRegion().front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || body.getOperations().size() != 1 ||
      yield.getValues().size() != 1 ||
      yield.getValues()[0] != body.getArgument(0))
    return std::nullopt;
  AffineMap inputMap = generic.getIndexingMapsArray()[0];
  AffineMap initMap = generic.getIndexingMapsArray()[1];
  if (!initMap.isIdentity() || !inputMap.isPermutation())
    return std::nullopt;
  // Input dimension j is loop (= result) dimension inputMap(j).
  SmallVector<int64_t> permutation(inputMap.getNumResults());
  for (auto [j, expr] : llvm::enumerate(inputMap.getResults()))
    permutation[cast<AffineDimExpr>(expr).getPosition()] = j;
  return permutation;
}

/// A transpose of a constant becomes the transposed constant: the
/// lowering's `transB` of a fully connected layer and the channels-last
/// filters of a depthwise convolution were otherwise copied on every run
/// (11% of MobileNetV2's batch-1 time was its classifier's weights).
struct FoldConstantTranspose : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    std::optional<SmallVector<int64_t>> permutation = getPermutation(op);
    if (!permutation)
      return failure();
    ElementsAttr input = whittle::getReshapedConstant(op.getDpsInputs()[0]);
    auto resultType = cast<RankedTensorType>(op->getResultTypes()[0]);
    if (!input || input.getElementType() != resultType.getElementType())
      return failure();
    ElementsAttr transposed =
        whittle::nn::transposeElements(input, resultType, *permutation);
    if (!transposed)
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, resultType,
                                                   cast<TypedAttr>(transposed));
    return success();
  }
};

struct FoldConstantTransposesPass
    : whittle::impl::FoldConstantTransposesBase<FoldConstantTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    whittle::populateFoldConstantTransposePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void whittle::populateFoldConstantTransposePatterns(
    RewritePatternSet &patterns) {
  patterns.add<FoldConstantTranspose>(patterns.getContext());
}

ElementsAttr whittle::getReshapedConstant(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return {};
  Value source = value;
  while (Operation *reshape = source.getDefiningOp()) {
    if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(reshape))
      break;
    source = reshape->getOperand(0);
  }
  Attribute attr;
  if (!matchPattern(source, m_Constant(&attr)))
    return {};
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return dense.reshape(type);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  return {};
}
