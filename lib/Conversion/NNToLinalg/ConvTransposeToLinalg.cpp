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

#include "StaticResultLowering.h"
#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

using namespace mlir;
using namespace whittle;

namespace {

FailureOr<Value> lowerConvTranspose(nn::ConvTransposeOp op,
                                    nn::ConvTransposeOp::Adaptor adaptor,
                                    RankedTensorType resultType,
                                    ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value x = adaptor.getX();
  Value w = adaptor.getW();
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t rank = xType.getRank();
  int64_t spatial = rank - 2;
  int64_t group = op.getGroup();
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  FailureOr<nn::TransposedWindowGeometry> window = nn::resolveTransposedWindow(
      loc, xType.getShape().drop_front(2), kernel, op.getStrides(),
      op.getDilations(), op.getPads(), op.getAutoPad(), op.getOutputPadding(),
      op.getOutputShape());
  if (failed(window))
    return failure();
  Type element = xType.getElementType();
  Value zero = buildScalar(rewriter, loc, element, 0);

  // Zero insertion and padding in one.
  Value input =
      buildSpreadTransposedInput(rewriter, loc, x, kernel, *window, zero);

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
  return buildConvolution(rewriter, loc, input, filter, init, ones,
                          window->dilations, group);
}

} // namespace

void whittle::populateNNConvTransposeToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  addStaticResultLowerings<lowerConvTranspose>(converter, patterns);
}
