//===- PadInPlace.cpp - producers write into their padded buffer ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace whittle {
#define GEN_PASS_DEF_PADINPLACE
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// `tensor.pad` of a linalg op's result becomes a filled buffer that the
/// op writes into:
///
///   %f = linalg.fill ins(%pad_value) outs(tensor.empty)   // before the op
///   %r = <op> outs(tensor.extract_slice %f[interior])
///   %p = tensor.insert_slice %r into %f[interior]
///
/// Bufferization then places the op's output in the padded buffer's
/// interior, where a pad bufferized on its own copies it there.
struct PadProducerInPlace : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    RankedTensorType paddedType = pad.getResultType();
    Value padValue = pad.getConstantPaddingValue();
    Attribute padAttr;
    if (!padValue || !paddedType.hasStaticShape() ||
        llvm::any_of(pad.getMixedLowPad(),
                     [](OpFoldResult v) { return isa<Value>(v); }) ||
        !matchPattern(padValue, m_Constant(&padAttr)))
      return failure();
    // The padded value is the only use of a linalg op's result that the op
    // writes into a fresh tensor (an init it does not read).
    auto result = dyn_cast<OpResult>(pad.getSource());
    auto producer =
        result ? dyn_cast<linalg::LinalgOp>(result.getOwner()) : nullptr;
    if (!producer || !producer.hasPureTensorSemantics() || !result.hasOneUse())
      return failure();
    OpOperand *init = producer.getDpsInitOperand(result.getResultNumber());
    if (!init->get().getDefiningOp<tensor::EmptyOp>() ||
        producer.payloadUsesValueFromOperand(init))
      return failure();

    Location loc = pad.getLoc();
    rewriter.setInsertionPoint(producer);
    // The constant is made again where the fill goes, which it dominates.
    padValue =
        arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(padAttr));
    Value empty = tensor::EmptyOp::create(rewriter, loc, paddedType.getShape(),
                                          paddedType.getElementType());
    Value filled =
        linalg::FillOp::create(rewriter, loc, padValue, empty).getResult(0);
    auto sourceType = cast<RankedTensorType>(result.getType());
    SmallVector<OpFoldResult> offsets = pad.getMixedLowPad();
    SmallVector<OpFoldResult> sizes =
        getAsIndexOpFoldResult(rewriter.getContext(), sourceType.getShape());
    SmallVector<OpFoldResult> strides(sourceType.getRank(),
                                      rewriter.getIndexAttr(1));
    Value interior = tensor::ExtractSliceOp::create(
        rewriter, loc, sourceType, filled, offsets, sizes, strides);
    rewriter.modifyOpInPlace(producer, [&] { init->set(interior); });
    rewriter.setInsertionPoint(pad);
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(pad, result, filled,
                                                       offsets, sizes, strides);
    return success();
  }
};

struct PadInPlacePass : whittle::impl::PadInPlaceBase<PadInPlacePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    whittle::populatePadInPlacePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void whittle::populatePadInPlacePatterns(RewritePatternSet &patterns) {
  patterns.add<PadProducerInPlace>(patterns.getContext());
}
