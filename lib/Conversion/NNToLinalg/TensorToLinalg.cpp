//===- TensorToLinalg.cpp - data-movement nn ops to tensor and linalg -----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Shapes are static by the time these run, so every reshape-like op is a
// reshape to its result type whatever its shape operand says; the shape
// operands were checked when the op was built.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::nn;

namespace {

/// Reshape, Flatten, Squeeze, Unsqueeze: same elements, new static shape.
template <typename OpT> struct ReshapeLikeLowering : OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = convertTensorType(*this->getTypeConverter(),
                                        op->getResult(0).getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Value data = adaptor.getOperands()[0];
    rewriter.replaceOp(
        op, buildReshape(rewriter, op.getLoc(), data, resultType.getShape()));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<nn::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(adaptor.getData().getType());
    SmallVector<int64_t> permutation;
    if (auto perm = op.getPerm())
      permutation.assign(perm->begin(), perm->end());
    else
      for (int64_t i = type.getRank() - 1; i >= 0; --i)
        permutation.push_back(i);
    rewriter.replaceOp(op, buildTranspose(rewriter, op.getLoc(),
                                          adaptor.getData(), permutation));
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<nn::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = convertTensorType(*getTypeConverter(), op.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    FailureOr<int64_t> axis =
        nn::normalizeAxis(op.getLoc(), op.getAxis(), resultType.getRank());
    if (failed(axis))
      return failure();
    // Empty inputs contribute nothing and tensor.concat rejects none.
    SmallVector<Value> inputs;
    for (Value input : adaptor.getInputs())
      if (cast<RankedTensorType>(input.getType()).getDimSize(*axis) != 0)
        inputs.push_back(input);
    if (inputs.empty()) {
      rewriter.replaceOp(op, buildEmpty(rewriter, op.getLoc(), resultType));
      return success();
    }
    if (inputs.size() == 1) {
      rewriter.replaceOp(op, inputs.front());
      return success();
    }
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(op, resultType, *axis,
                                                  inputs);
    return success();
  }
};

} // namespace

void whittle::populateNNTensorToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<
      ReshapeLikeLowering<nn::ReshapeOp>, ReshapeLikeLowering<nn::FlattenOp>,
      ReshapeLikeLowering<nn::SqueezeOp>, ReshapeLikeLowering<nn::UnsqueezeOp>,
      TransposeLowering, ConcatLowering>(converter, patterns.getContext());
}
