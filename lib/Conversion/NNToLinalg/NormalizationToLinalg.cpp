//===- NormalizationToLinalg.cpp - norms and softmax to linalg ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Normalizations are reductions (`buildReduction`) followed by elementwise
// generics that broadcast the reduced statistics back (kept as size-1
// dimensions so `buildBroadcastGeneric` can read them). Variances are
// two-pass (mean of squared deviations), which loses less precision than
// E[x^2] - E[x]^2. Softmax subtracts the maximum before exponentiating.
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

/// Reduces `x` (of elements `element`) by `kind` over `reduced` and keeps
/// the reduced dimensions as size 1.
Value reduceKeepDims(OpBuilder &b, Location loc, Value x,
                     ArrayRef<bool> reduced, ReductionKind kind,
                     const ElementKind &element) {
  auto type = cast<RankedTensorType>(x.getType());
  Value result = buildReduction(b, loc, x, reduced, kind, element);
  return buildReshape(b, loc, result,
                      getReducedShape(type.getShape(), reduced, true));
}

Value sumKeepDims(OpBuilder &b, Location loc, Value x, ArrayRef<bool> reduced) {
  return reduceKeepDims(b, loc, x, reduced, ReductionKind::Sum,
                        getElementKind(x.getType()));
}

/// Mean and variance of `x` over `reduced`, both with kept dimensions.
std::pair<Value, Value> buildMoments(OpBuilder &b, Location loc, Value x,
                                     ArrayRef<bool> reduced) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = type.getElementType();
  int64_t count = 1;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (reduced[i])
      count *= type.getDimSize(i);
  auto divide = [&](Value sum) {
    return buildBroadcastGeneric(
        b, loc, sum, cast<RankedTensorType>(sum.getType()),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::DivFOp::create(nb, nl, args[0],
                                       buildScalar(nb, nl, element, count));
        });
  };
  Value mean = divide(sumKeepDims(b, loc, x, reduced));
  Value squares = buildBroadcastGeneric(
      b, loc, ValueRange{x, mean}, type,
      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value diff = arith::SubFOp::create(nb, nl, args[0], args[1]);
        return arith::MulFOp::create(nb, nl, diff, diff);
      });
  Value variance = divide(sumKeepDims(b, loc, squares, reduced));
  return {mean, variance};
}

/// `1 / sqrt(v + epsilon)`.
Value buildInvStdDev(OpBuilder &b, Location loc, Value v, double epsilon) {
  return arith::DivFOp::create(
      b, loc, buildScalar(b, loc, v.getType(), 1),
      math::SqrtOp::create(
          b, loc,
          arith::AddFOp::create(b, loc, v,
                                buildScalar(b, loc, v.getType(), epsilon))));
}

/// Reshapes a per-channel [C] tensor to [C, 1, ..., 1] so that it broadcasts
/// along dimension 1 of a rank-`rank` tensor.
Value perChannel(OpBuilder &b, Location loc, Value value, int64_t rank) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape = {type.getNumElements()};
  shape.append(rank - 2, 1);
  return buildReshape(b, loc, value, shape);
}

/// Softmax / LogSoftmax along one axis, the maximum subtracted first.
template <typename OpT, bool isLog>
FailureOr<Value> lowerSoftmax(OpT op, typename OpT::Adaptor adaptor,
                              RankedTensorType resultType,
                              ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value x = adaptor.getInput();
  int64_t rank = resultType.getRank();
  FailureOr<int64_t> axis = nn::normalizeAxis(loc, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  SmallVector<bool> reduced(rank, false);
  reduced[*axis] = true;
  ElementKind element = getElementKind(op.getInput().getType());

  Value max =
      reduceKeepDims(rewriter, loc, x, reduced, ReductionKind::Max, element);
  // x - max; a row of -inf would give NaN either way, as in ONNX Runtime.
  Value shifted = buildBroadcastGeneric(
      rewriter, loc, ValueRange{x, max}, resultType,
      [](OpBuilder &b, Location l, ValueRange args) -> Value {
        return arith::SubFOp::create(b, l, args[0], args[1]);
      });
  Value exps = buildBroadcastGeneric(
      rewriter, loc, shifted, resultType,
      [](OpBuilder &b, Location l, ValueRange args) -> Value {
        return math::ExpOp::create(b, l, args[0]);
      });
  Value sum = sumKeepDims(rewriter, loc, exps, reduced);
  if (isLog)
    return buildBroadcastGeneric(
        rewriter, loc, ValueRange{shifted, sum}, resultType,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::SubFOp::create(b, l, args[0],
                                       math::LogOp::create(b, l, args[1]));
        });
  return buildBroadcastGeneric(
      rewriter, loc, ValueRange{exps, sum}, resultType,
      [](OpBuilder &b, Location l, ValueRange args) -> Value {
        return arith::DivFOp::create(b, l, args[0], args[1]);
      });
}

/// Hardmax: 1 where the element is the first maximum along the axis, else 0.
FailureOr<Value> lowerHardmax(nn::HardmaxOp op, nn::HardmaxOp::Adaptor adaptor,
                              RankedTensorType resultType,
                              ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  int64_t rank = resultType.getRank();
  FailureOr<int64_t> axis = nn::normalizeAxis(loc, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  ElementKind element = getElementKind(op.getInput().getType());
  Value first =
      buildArgExtreme(rewriter, loc, adaptor.getInput(), *axis, element,
                      /*isMax=*/true, /*selectLast=*/false);
  SmallVector<bool> reduced(rank, false);
  reduced[*axis] = true;
  first = buildReshape(
      rewriter, loc, first,
      getReducedShape(resultType.getShape(), reduced, /*keepDims=*/true));
  int64_t axisDim = *axis;
  return buildBroadcastGeneric(
      rewriter, loc, first, resultType,
      [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value index = arith::IndexCastOp::create(
            b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axisDim));
        Value isFirst = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                              index, args[0]);
        return arith::SelectOp::create(b, l, isFirst,
                                       buildScalar(b, l, element.type, 1),
                                       buildScalar(b, l, element.type, 0));
      });
}

FailureOr<Value> lowerBatchNormalization(
    nn::BatchNormalizationOp op, nn::BatchNormalizationOp::Adaptor adaptor,
    RankedTensorType resultType, ConversionPatternRewriter &rewriter) {
  if (op.getTrainingMode() != 0)
    return op.emitError("cannot lower training-mode BatchNormalization");
  Location loc = op.getLoc();
  int64_t rank = resultType.getRank();
  ElementKind xKind = getElementKind(op.getX().getType());
  ElementKind statsKind = getElementKind(op.getInputMean().getType());
  ElementKind scaleKind = getElementKind(op.getScale().getType());
  double epsilon = op.getEpsilon().convertToDouble();
  SmallVector<Value> inputs = {adaptor.getX()};
  for (Value v : {adaptor.getScale(), adaptor.getB(), adaptor.getInputMean(),
                  adaptor.getInputVar()})
    inputs.push_back(perChannel(rewriter, loc, v, rank));
  return buildBroadcastGeneric(
      rewriter, loc, inputs, resultType,
      [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        // Parameters may have other float types than X (opset 15).
        auto cast = [&](Value v, const ElementKind &from) {
          return buildScalarCast(b, l, v, from, xKind);
        };
        Value scale = cast(args[1], scaleKind), bias = cast(args[2], scaleKind);
        Value mean = cast(args[3], statsKind), var = cast(args[4], statsKind);
        Value normalized = arith::MulFOp::create(
            b, l, arith::SubFOp::create(b, l, args[0], mean),
            buildInvStdDev(b, l, var, epsilon));
        return arith::AddFOp::create(
            b, l, arith::MulFOp::create(b, l, normalized, scale), bias);
      });
}

FailureOr<Value>
lowerInstanceNormalization(nn::InstanceNormalizationOp op,
                           nn::InstanceNormalizationOp::Adaptor adaptor,
                           RankedTensorType resultType,
                           ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  int64_t rank = resultType.getRank();
  double epsilon = op.getEpsilon().convertToDouble();
  SmallVector<bool> reduced(rank, true);
  reduced[0] = reduced[1] = false;
  auto [mean, variance] =
      buildMoments(rewriter, loc, adaptor.getInput(), reduced);
  return buildBroadcastGeneric(
      rewriter, loc,
      ValueRange{adaptor.getInput(), mean, variance,
                 perChannel(rewriter, loc, adaptor.getScale(), rank),
                 perChannel(rewriter, loc, adaptor.getB(), rank)},
      resultType, [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value normalized = arith::MulFOp::create(
            b, l, arith::SubFOp::create(b, l, args[0], args[1]),
            buildInvStdDev(b, l, args[2], epsilon));
        return arith::AddFOp::create(
            b, l, arith::MulFOp::create(b, l, normalized, args[3]), args[4]);
      });
}

/// LayerNormalization also converts the types of its statistics results.
struct LayerNormalizationLowering
    : OpConversionPattern<nn::LayerNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::LayerNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const TypeConverter &converter = *getTypeConverter();
    auto resultType = convertTensorType(converter, op.getY().getType());
    auto meanType = convertTensorType(converter, op.getMean().getType());
    auto invStdDevType =
        convertTensorType(converter, op.getInvStdDev().getType());
    if (!resultType || !meanType || !invStdDevType)
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    FailureOr<int64_t> axis = nn::normalizeAxis(loc, op.getAxis(), rank);
    if (failed(axis))
      return failure();
    double epsilon = op.getEpsilon().convertToDouble();
    ElementKind xKind = getElementKind(op.getX().getType());
    ElementKind stashKind{meanType.getElementType()};

    // The statistics are computed in the stash type (f32 for f16 inputs).
    Value x = adaptor.getX();
    auto stashType = resultType.clone(stashKind.type);
    Value stashX = x;
    if (stashKind.type != xKind.type)
      stashX = buildBroadcastGeneric(
          rewriter, loc, x, stashType,
          [&](OpBuilder &b, Location l, ValueRange args) {
            return buildScalarCast(b, l, args[0], xKind, stashKind);
          });
    SmallVector<bool> reduced(rank, false);
    for (int64_t i = *axis; i < rank; ++i)
      reduced[i] = true;
    auto [mean, variance] = buildMoments(rewriter, loc, stashX, reduced);
    auto momentType = cast<RankedTensorType>(variance.getType());
    Value invStdDev =
        buildBroadcastGeneric(rewriter, loc, variance, momentType,
                              [&](OpBuilder &b, Location l, ValueRange args) {
                                return buildInvStdDev(b, l, args[0], epsilon);
                              });

    SmallVector<Value> inputs = {stashX, mean, invStdDev, adaptor.getScale()};
    bool hasBias = !nn::isNone(op.getB());
    if (hasBias)
      inputs.push_back(adaptor.getB());
    Value y = buildBroadcastGeneric(
        rewriter, loc, inputs, resultType,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value normalized = arith::MulFOp::create(
              b, l, arith::SubFOp::create(b, l, args[0], args[1]), args[2]);
          normalized = buildScalarCast(b, l, normalized, stashKind, xKind);
          Value scaled = arith::MulFOp::create(b, l, normalized, args[3]);
          if (hasBias)
            scaled = arith::AddFOp::create(b, l, scaled, args[4]);
          return scaled;
        });
    rewriter.replaceOp(op,
                       {y, op.getMean().use_empty() ? Value() : mean,
                        op.getInvStdDev().use_empty() ? Value() : invStdDev});
    return success();
  }
};

/// LRN: a window sum of squares along the channels of the zero-padded
/// squared input, then the elementwise scaling.
FailureOr<Value> lowerLRN(nn::LRNOp op, nn::LRNOp::Adaptor adaptor,
                          RankedTensorType resultType,
                          ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value x = adaptor.getX();
  int64_t rank = resultType.getRank();
  int64_t size = op.getSize();
  Type element = resultType.getElementType();
  double alpha = op.getAlpha().convertToDouble();
  double beta = op.getBeta().convertToDouble();
  double bias = op.getBias().convertToDouble();

  Value squares = buildBroadcastGeneric(
      rewriter, loc, x, resultType,
      [](OpBuilder &b, Location l, ValueRange args) -> Value {
        return arith::MulFOp::create(b, l, args[0], args[0]);
      });
  // The window of channel c is [c - floor((size-1)/2), c + ceil(...)].
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  low[1] = (size - 1) / 2;
  high[1] = size - 1 - low[1];
  Value padded = buildPad(rewriter, loc, squares, low, high,
                          buildScalar(rewriter, loc, element, 0));

  MLIRContext *context = rewriter.getContext();
  int64_t numLoops = rank + 1;
  SmallVector<AffineExpr> xExprs, yExprs;
  for (int64_t i = 0; i < rank; ++i) {
    AffineExpr d = getAffineDimExpr(i, context);
    xExprs.push_back(i == 1 ? d + getAffineDimExpr(rank, context) : d);
    yExprs.push_back(d);
  }
  SmallVector<AffineMap> maps = {
      AffineMap::get(numLoops, 0, xExprs, context),
      AffineMap::get(numLoops, 0, getAffineDimExpr(rank, context)),
      AffineMap::get(numLoops, 0, yExprs, context)};
  Value window = tensor::EmptyOp::create(rewriter, loc,
                                         SmallVector<int64_t>{size}, element);
  Value sum =
      linalg::GenericOp::create(
          rewriter, loc, resultType, ValueRange{padded, window},
          buildFilled(rewriter, loc, resultType,
                      buildScalar(rewriter, loc, element, 0)),
          maps, getIteratorTypes(rank, 1),
          [](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(b, l, buildAdd(b, l, args[2], args[0]));
          })
          .getResult(0);
  return buildBroadcastGeneric(
      rewriter, loc, ValueRange{x, sum}, resultType,
      [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value scaled = arith::AddFOp::create(
            b, l, buildScalar(b, l, element, bias),
            arith::MulFOp::create(
                b, l, buildScalar(b, l, element, alpha / size), args[1]));
        Value power = math::PowFOp::create(b, l, scaled,
                                           buildScalar(b, l, element, beta));
        return arith::DivFOp::create(b, l, args[0], power);
      });
}

} // namespace

void whittle::populateNNNormalizationToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  addStaticResultLowerings<lowerSoftmax<nn::SoftmaxOp, false>,
                           lowerSoftmax<nn::LogSoftmaxOp, true>, lowerHardmax,
                           lowerBatchNormalization, lowerInstanceNormalization,
                           lowerLRN>(converter, patterns);
  patterns.add<LayerNormalizationLowering>(converter, patterns.getContext());
}
