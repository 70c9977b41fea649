//===- ContractionToLinalg.cpp - Conv, Gemm and MatMul to linalg ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Convolutions pad their input with tensor.pad and accumulate into an init
// tensor that already holds the bias, so the bias costs no extra pass over
// the result. Matrix products become linalg.matmul / linalg.batch_matmul
// after the ONNX rank rules (1-D promotion, batch broadcasting) are made
// explicit with reshapes and broadcasts.
//
//===----------------------------------------------------------------------===//

#include "StaticResultLowering.h"
#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::nn;

namespace {

/// The init of a product: the per-channel `bias` broadcast along dimension
/// `channelDim` of `type`, or zeros when there is no bias.
Value buildBiasInit(OpBuilder &b, Location loc, RankedTensorType type,
                    Value bias, int64_t channelDim) {
  if (!bias)
    return buildFilled(b, loc, type,
                       buildScalar(b, loc, type.getElementType(), 0));
  return buildMappedCopy(
      b, loc, bias,
      AffineMap::get(type.getRank(), 0,
                     getAffineDimExpr(channelDim, b.getContext())),
      type);
}

/// Conv: the padded input convolved into the bias.
FailureOr<Value> lowerConv(nn::ConvOp op, nn::ConvOp::Adaptor adaptor,
                           RankedTensorType resultType,
                           ConversionPatternRewriter &rewriter) {
  auto xType = cast<RankedTensorType>(adaptor.getX().getType());
  auto wType = cast<RankedTensorType>(adaptor.getW().getType());
  if (!xType.hasStaticShape() || !wType.hasStaticShape())
    return rewriter.notifyMatchFailure(op, "dynamic shape");
  Location loc = op.getLoc();
  int64_t spatial = xType.getRank() - 2;
  FailureOr<WindowGeometry> window = resolveWindow(
      loc, xType.getShape().drop_front(2), wType.getShape().drop_front(2),
      op.getStrides(), op.getDilations(), op.getPads(), op.getAutoPad());
  if (failed(window))
    return failure();

  SmallVector<int64_t> low(2, 0), high(2, 0);
  for (int64_t i = 0; i < spatial; ++i) {
    low.push_back(window->pads[i]);
    high.push_back(window->pads[spatial + i]);
  }
  Value zero = buildScalar(rewriter, loc, xType.getElementType(), 0);
  Value x = buildPad(rewriter, loc, adaptor.getX(), low, high, zero);
  Value bias = nn::isNone(op.getB()) ? Value() : adaptor.getB();
  Value init = buildBiasInit(rewriter, loc, resultType, bias, 1);
  return buildConvolution(rewriter, loc, x, adaptor.getW(), init,
                          window->strides, window->dilations, op.getGroup());
}

/// `alpha * A' * B' + beta * C`.
FailureOr<Value> lowerGemm(nn::GemmOp op, nn::GemmOp::Adaptor adaptor,
                           RankedTensorType resultType,
                           ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Type element = resultType.getElementType();
  Value a = adaptor.getA(), b = adaptor.getB();
  if (op.getTransA())
    a = buildTranspose(rewriter, loc, a, {1, 0});
  if (op.getTransB())
    b = buildTranspose(rewriter, loc, b, {1, 0});
  double alpha = op.getAlpha().convertToDouble();
  double beta = op.getBeta().convertToDouble();
  bool hasC = !nn::isNone(op.getC()) && beta != 0;

  // With alpha == 1 the product accumulates straight onto beta * C.
  Value init;
  if (hasC && alpha == 1) {
    Value c = adaptor.getC();
    if (beta != 1) {
      auto cType = cast<RankedTensorType>(c.getType());
      c = buildBroadcastGeneric(
          rewriter, loc, c, cType,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            return buildMul(nb, nl, args[0],
                            buildScalar(nb, nl, element, beta));
          });
    }
    init = buildBroadcastTo(rewriter, loc, c, resultType.getShape());
  } else {
    init = buildFilled(rewriter, loc, resultType,
                       buildScalar(rewriter, loc, element, 0));
  }
  Value product = linalg::MatmulOp::create(rewriter, loc, resultType,
                                           ValueRange{a, b}, init)
                      .getResult(0);
  if (alpha != 1) {
    SmallVector<Value> inputs = {product};
    if (hasC)
      inputs.push_back(adaptor.getC());
    product = buildBroadcastGeneric(
        rewriter, loc, inputs, resultType,
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value scaled =
              buildMul(nb, nl, args[0], buildScalar(nb, nl, element, alpha));
          if (args.size() == 1)
            return scaled;
          Value c =
              buildMul(nb, nl, args[1], buildScalar(nb, nl, element, beta));
          return buildAdd(nb, nl, scaled, c);
        });
  }
  return product;
}

/// NumPy matmul: 1-D operands are promoted and the added dimension dropped;
/// batch dimensions broadcast.
FailureOr<Value> lowerMatMul(nn::MatMulOp op, nn::MatMulOp::Adaptor adaptor,
                             RankedTensorType resultType,
                             ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  FailureOr<PromotedMatMul> operands =
      promoteMatMulOperands(rewriter, loc, adaptor.getA(), adaptor.getB());
  if (failed(operands))
    return failure();
  return buildPromotedMatMul(rewriter, loc, *operands,
                             resultType.getElementType(),
                             resultType.getShape());
}

} // namespace

void whittle::populateNNContractionToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  addStaticResultLowerings<lowerConv, lowerGemm, lowerMatMul>(converter,
                                                              patterns);
}
