//===- ConvTransposeToLinalg.cpp - ConvTranspose to linalg ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A transposed convolution is a plain stride-1 convolution of the input with
// `stride - 1` zeros inserted between elements, padded by
// `(k - 1) * dilation - pad` on each side, using the spatially flipped
// kernel with input and output channels swapped per group. This avoids any
// scatter: the zero insertion is a strided `tensor.insert_slice` into a zero
// tensor, and the convolution is `buildConvolution`. Negative padding (pads
// larger than the kernel's reach) crops with `tensor.extract_slice`.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

using namespace mlir;
using namespace whittle;

namespace {

/// W (C x M/g x k...) to the forward filter (M x C/g x k...) with every
/// spatial dimension reversed: Wf[g, m, c, k] = W[g, c, m, K - 1 - k].
Value buildForwardFilter(OpBuilder &b, Location loc, Value w, int64_t group) {
  auto type = cast<RankedTensorType>(w.getType());
  int64_t rank = type.getRank();
  int64_t perGroupIn = type.getDimSize(0) / group;
  int64_t perGroupOut = type.getDimSize(1);
  MLIRContext *context = b.getContext();

  SmallVector<int64_t> splitShape = {group, perGroupIn, perGroupOut};
  SmallVector<ReassociationIndices> split = {{0, 1}, {2}};
  for (int64_t i = 2; i < rank; ++i) {
    splitShape.push_back(type.getDimSize(i));
    split.push_back({i + 1});
  }
  Value grouped = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(splitShape, type.getElementType()), w,
      split);

  // Loops: g, m, c, k... over the result [g, M/g, C/g, k...].
  int64_t numLoops = rank + 1;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineExpr> inputExprs = {dim(0), dim(2), dim(1)};
  SmallVector<int64_t> resultShape = {group, perGroupOut, perGroupIn};
  for (int64_t i = 3; i < numLoops; ++i) {
    int64_t size = splitShape[i];
    inputExprs.push_back(getAffineConstantExpr(size - 1, context) - dim(i));
    resultShape.push_back(size);
  }
  auto resultType = RankedTensorType::get(resultShape, type.getElementType());
  SmallVector<AffineMap> maps = {
      AffineMap::get(numLoops, 0, inputExprs, context),
      AffineMap::getMultiDimIdentityMap(numLoops, context)};
  Value flipped =
      linalg::GenericOp::create(
          b, loc, resultType, grouped, buildEmpty(b, loc, resultType), maps,
          getIteratorTypes(numLoops),
          [](OpBuilder &nb, Location nl, ValueRange args) {
            linalg::YieldOp::create(nb, nl, args[0]);
          })
          .getResult(0);
  SmallVector<int64_t> forwardShape = {group * perGroupOut, perGroupIn};
  forwardShape.append(resultShape.begin() + 3, resultShape.end());
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(forwardShape, type.getElementType()),
      flipped, split);
}

struct ConvTransposeLowering : OpConversionPattern<nn::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = convertTensorType(*getTypeConverter(), op.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    Value w = adaptor.getW();
    auto xType = cast<RankedTensorType>(x.getType());
    auto wType = cast<RankedTensorType>(w.getType());
    int64_t rank = xType.getRank();
    int64_t spatial = rank - 2;
    int64_t group = op.getGroup();
    ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
    FailureOr<nn::TransposedWindowGeometry> window =
        nn::resolveTransposedWindow(loc, xType.getShape().drop_front(2), kernel,
                                    op.getStrides(), op.getDilations(),
                                    op.getPads(), op.getAutoPad(),
                                    op.getOutputPadding(), op.getOutputShape());
    if (failed(window))
      return failure();
    Type element = xType.getElementType();
    Value zero = buildScalar(rewriter, loc, element, 0);

    // Zero insertion and padding in one: X goes into a zero tensor at
    // offset `low` with the stride as step. Negative `low`/`high` are
    // cropped afterwards.
    SmallVector<int64_t> low(spatial), high(spatial);
    SmallVector<int64_t> bufferShape(xType.getShape().take_front(2));
    SmallVector<OpFoldResult> offsets(2, rewriter.getIndexAttr(0)), sizes,
        steps(2, rewriter.getIndexAttr(1));
    sizes.push_back(rewriter.getIndexAttr(xType.getDimSize(0)));
    sizes.push_back(rewriter.getIndexAttr(xType.getDimSize(1)));
    bool crop = false;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t reach = (kernel[i] - 1) * window->dilations[i];
      int64_t stretched =
          (xType.getDimSize(2 + i) - 1) * window->strides[i] + 1;
      low[i] = reach - window->pads[i];
      // The convolution's input must be output + reach long.
      high[i] = window->output[i] + reach - stretched - low[i];
      crop |= low[i] < 0 || high[i] < 0;
      bufferShape.push_back(stretched + std::max<int64_t>(low[i], 0) +
                            std::max<int64_t>(high[i], 0));
      offsets.push_back(rewriter.getIndexAttr(std::max<int64_t>(low[i], 0)));
      sizes.push_back(rewriter.getIndexAttr(xType.getDimSize(2 + i)));
      steps.push_back(rewriter.getIndexAttr(window->strides[i]));
    }
    auto bufferType = RankedTensorType::get(bufferShape, element);
    Value input = tensor::InsertSliceOp::create(
        rewriter, loc, x, buildFilled(rewriter, loc, bufferType, zero), offsets,
        sizes, steps);
    if (crop) {
      SmallVector<OpFoldResult> cropOffsets(2, rewriter.getIndexAttr(0)),
          cropSizes, unit(rank, rewriter.getIndexAttr(1));
      SmallVector<int64_t> croppedShape(xType.getShape().take_front(2));
      cropSizes.push_back(rewriter.getIndexAttr(xType.getDimSize(0)));
      cropSizes.push_back(rewriter.getIndexAttr(xType.getDimSize(1)));
      for (int64_t i = 0; i < spatial; ++i) {
        int64_t size = bufferShape[2 + i] - std::max<int64_t>(-low[i], 0) -
                       std::max<int64_t>(-high[i], 0);
        cropOffsets.push_back(
            rewriter.getIndexAttr(std::max<int64_t>(-low[i], 0)));
        cropSizes.push_back(rewriter.getIndexAttr(size));
        croppedShape.push_back(size);
      }
      input = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get(croppedShape, element), input,
          cropOffsets, cropSizes, unit);
    }

    Value filter = buildForwardFilter(rewriter, loc, w, group);
    Value init;
    if (nn::isNone(op.getB())) {
      init = buildFilled(rewriter, loc, resultType, zero);
    } else {
      SmallVector<int64_t> biasShape = {resultType.getDimSize(1)};
      biasShape.append(spatial, 1);
      init = buildBroadcastTo(
          rewriter, loc, buildReshape(rewriter, loc, adaptor.getB(), biasShape),
          resultType.getShape());
    }
    SmallVector<int64_t> ones(spatial, 1);
    Value y = buildConvolution(rewriter, loc, input, filter, init, ones,
                               window->dilations, group);
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void whittle::populateNNConvTransposeToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConvTransposeLowering>(converter, patterns.getContext());
}
