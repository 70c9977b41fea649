//===- QuantizeLayers.cpp - every other layer to qnn ----------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Elementwise arithmetic, pools, concatenation, lookup tables, softmax,
// resize, data movement and the function's return.
//
//===----------------------------------------------------------------------===//

#include "Quantizer.h"

#include "whittle/Dialect/NN/NNOpKinds.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNArithmetic.h"
#include "whittle/Dialect/QNN/QNNResize.h"
#include "whittle/Transforms/Calibration.h"
#include "whittle/Transforms/SparsityPattern.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace whittle;
using namespace whittle::quantize;

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult Quantizer::quantizeAddSub(Operation *op, bool subtract) {
  auto a = lookupOrQuantizeConstant(op->getOperand(0), op, false);
  if (failed(a))
    return failure();
  auto b = lookupOrQuantizeConstant(op->getOperand(1), op, false);
  if (failed(b))
    return failure();
  auto out = getLayerOutput(op);
  if (failed(out))
    return failure();
  double ra = a->params.scale / out->params.scale;
  double rb = b->params.scale / out->params.scale;
  int64_t ma, mb, shift;
  if (scheme == Scheme::PowerOfTwo) {
    int32_t sa = *qnn::getPowerOfTwoShift(ra),
            sb = *qnn::getPowerOfTwoShift(rb);
    shift = std::max({sa, sb, 0});
    if (shift - sa > 30 || shift - sb > 30 || shift > 62)
      return op->emitError()
             << "whittle-quantize: the scales of the operands "
                "of '"
             << getLayerName(op) << "' are too far apart for a shift";
    ma = int64_t(1) << (shift - sa);
    mb = int64_t(1) << (shift - sb);
  } else {
    auto fixed = qnn::getFixedPointMultiplier(std::max(ra, rb));
    if (!fixed)
      return op->emitError() << "whittle-quantize: no fixed-point multiplier "
                                "for the operand scales of '"
                             << getLayerName(op) << "'";
    shift = fixed->shift;
    ma = std::llround(std::ldexp(ra, shift));
    mb = std::llround(std::ldexp(rb, shift));
  }
  if (subtract)
    mb = -mb;
  LayerReport layer;
  layer.name = getLayerName(op);
  layer.kind = subtract ? "sub" : "add";
  layer.input = {a->params.scale, a->params.zeroPoint};
  layer.input2 = {{b->params.scale, b->params.zeroPoint}};
  layer.output = {out->params.scale, out->params.zeroPoint};
  layer.multipliers = {static_cast<int32_t>(ma), static_cast<int32_t>(mb)};
  layer.shifts = {static_cast<int32_t>(shift)};

  builder.setInsertionPoint(out->insertionPoint);
  auto add = qnn::buildAdd(builder, op->getLoc(), operand(*a), operand(*b),
                           static_cast<int32_t>(ma), static_cast<int32_t>(mb),
                           static_cast<int32_t>(shift),
                           getOutputStage(out->params, out->bounds));
  record(out->value, add, out->params);
  addLayer(std::move(layer), out->value);
  return success();
}

LogicalResult Quantizer::quantizeMulDiv(Operation *op, bool divide) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  // Scaling by a positive constant is free in fixed point: the integers
  // stay, the scale changes.
  if (scheme == Scheme::FixedPoint && map.count(lhs)) {
    ElementsAttr elements = nn::getConstantElements(rhs);
    auto values = elements ? nn::readAsDoubles(elements) : std::nullopt;
    if (values && values->size() == 1 && (*values)[0] > 0 &&
        std::isfinite((*values)[0]) &&
        cast<RankedTensorType>(rhs.getType()).getNumElements() == 1 &&
        lhs.getType() == op->getResult(0).getType()) {
      QValue in = map[lhs];
      double factor = divide ? 1.0 / (*values)[0] : (*values)[0];
      record(op->getResult(0), in.value,
             {in.params.scale * factor, in.params.zeroPoint});
      return success();
    }
  }
  if (!divide && !map.count(lhs) && map.count(rhs))
    std::swap(lhs, rhs);
  auto a = lookup(lhs, op);
  if (failed(a))
    return failure();
  auto b = lookupOrQuantizeConstant(rhs, op, divide);
  if (failed(b))
    return failure();
  auto out = getLayerOutput(op);
  if (failed(out))
    return failure();
  auto r =
      getRescale(a->params.scale * b->params.scale / out->params.scale, op);
  if (failed(r))
    return failure();
  LayerReport layer;
  layer.name = getLayerName(op);
  layer.kind = "mul";
  layer.input = {a->params.scale, a->params.zeroPoint};
  layer.input2 = {{b->params.scale, b->params.zeroPoint}};
  layer.output = {out->params.scale, out->params.zeroPoint};
  layer.multipliers = {r->multiplier};
  layer.shifts = {r->shift};
  builder.setInsertionPoint(out->insertionPoint);
  auto mul = qnn::buildMul(builder, op->getLoc(), operand(*a), operand(*b), *r,
                           getOutputStage(out->params, out->bounds));
  record(out->value, mul, out->params);
  addLayer(std::move(layer), out->value);
  return success();
}

LogicalResult Quantizer::quantizeStandaloneClamp(Operation *op) {
  auto x = lookup(op->getOperand(0), op);
  if (failed(x))
    return failure();
  auto bounds = getActivationBounds(op);
  if (failed(bounds))
    return op->emitError() << "whittle-quantize: '" << getLayerName(op)
                           << "' clips at computed bounds; only constant "
                              "bounds can be quantized";
  // Same scale and zero point: the activation is only a clamp (of the
  // integers themselves: output zero point 0, no rescale).
  builder.setInsertionPoint(op);
  qnn::OutputStage clampOnly;
  clampOnly.clamp = getClamp(x->params, *bounds);
  auto requantize = qnn::buildRequantize(
      builder, op->getLoc(), x->value, {Rescale{1, 0}}, /*axis=*/1, clampOnly);
  record(op->getResult(0), requantize, x->params);
  return success();
}

//===----------------------------------------------------------------------===//
// Pools, concatenation, data movement
//===----------------------------------------------------------------------===//

/// A pool's window over the spatial dimensions of its input.
template <typename PoolOp>
static FailureOr<nn::WindowGeometry> resolvePoolWindow(PoolOp op) {
  auto xType = cast<RankedTensorType>(op.getX().getType());
  return nn::resolveWindow(op.getLoc(), xType.getShape().drop_front(2),
                           op.getKernelShape(), op.getStrides(),
                           op.getDilations(), op.getPads(), op.getAutoPad(),
                           op.getCeilMode() != 0);
}

LogicalResult Quantizer::quantizeMaxPool(nn::MaxPoolOp op) {
  if (!op.getIndices().use_empty())
    return op.emitError() << "whittle-quantize: '" << getLayerName(op)
                          << "' uses MaxPool's Indices, which integer models "
                             "do not compute";
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  auto geometry = resolvePoolWindow(op);
  if (failed(geometry))
    return failure();
  builder.setInsertionPoint(op);
  auto pool = qnn::buildMaxPool(builder, op.getLoc(), x->value, *geometry,
                                op.getCeilMode() != 0);
  record(op.getY(), pool, x->params);
  return success();
}

LogicalResult Quantizer::quantizeAveragePool(nn::AveragePoolOp op) {
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  auto geometry = resolvePoolWindow(op);
  if (failed(geometry))
    return failure();
  if (llvm::any_of(geometry->dilations, [](int64_t d) { return d != 1; }))
    return op.emitError() << "whittle-quantize: '" << getLayerName(op)
                          << "' is a dilated average pool, which qnn.avg_pool "
                             "does not have";
  return quantizeAverage(
      op, *x, "avg_pool", [&](const Rescale &r, const qnn::OutputStage &stage) {
        return qnn::buildAvgPool(builder, op.getLoc(), operand(*x), *geometry,
                                 op.getCeilMode() != 0,
                                 op.getCountIncludePad() != 0, r, stage);
      });
}

LogicalResult Quantizer::quantizeGlobalAveragePool(nn::GlobalAveragePoolOp op) {
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  return quantizeAverage(op, *x, "global_avg_pool",
                         [&](const Rescale &r, const qnn::OutputStage &stage) {
                           return qnn::buildGlobalAvgPool(
                               builder, op.getLoc(), operand(*x), r, stage);
                         });
}

LogicalResult Quantizer::quantizeAverage(
    Operation *op, const QValue &x, StringRef kind,
    function_ref<Value(const Rescale &, const qnn::OutputStage &)> buildPool) {
  auto out = getLayerOutput(op);
  if (failed(out))
    return failure();
  auto r = getRescale(x.params.scale / out->params.scale, op);
  if (failed(r))
    return failure();
  builder.setInsertionPoint(out->insertionPoint);
  Value pool = buildPool(*r, getOutputStage(out->params, out->bounds,
                                            /*powerOfTwoDivisor=*/false));
  record(out->value, pool, out->params);
  addLayer({getLayerName(op),
            kind.str(),
            {x.params.scale, x.params.zeroPoint},
            std::nullopt,
            {out->params.scale, out->params.zeroPoint},
            {},
            {r->multiplier},
            {r->shift},
            0,
            std::nullopt},
           out->value);
  return success();
}

LogicalResult Quantizer::quantizeConcat(nn::ConcatOp op) {
  auto out = getLayerOutput(op);
  if (failed(out))
    return failure();
  SmallVector<qnn::Operand> inputs;
  SmallVector<Rescale> rescales;
  for (Value input : op->getOperands()) {
    auto x = lookupOrQuantizeConstant(input, op, false);
    if (failed(x))
      return failure();
    inputs.push_back(operand(*x));
    if (x->params.scale == out->params.scale) {
      rescales.push_back(Rescale{1, 0});
      continue;
    }
    auto r = getRescale(x->params.scale / out->params.scale, op);
    if (failed(r))
      return failure();
    rescales.push_back(*r);
  }
  builder.setInsertionPoint(out->insertionPoint);
  auto concat = qnn::buildConcat(builder, op.getLoc(), inputs, rescales,
                                 static_cast<int64_t>(op.getAxis()),
                                 getOutputStage(out->params, out->bounds));
  record(out->value, concat, out->params);
  return success();
}

//===----------------------------------------------------------------------===//
// Nonlinearities
//===----------------------------------------------------------------------===//

LogicalResult Quantizer::quantizeLookupTable(Operation *op,
                                             nn::ScalarFunction f) {
  auto x = lookup(op->getOperand(0), op);
  if (failed(x))
    return failure();
  auto out = getLayerOutput(op);
  if (failed(out))
    return failure();
  // Every input integer's real value through f (and the fused clamp), in
  // double, rounded once to the output grid.
  bool halfAway = rounding == qnn::RoundingMode::half_away;
  SmallVector<int8_t> table;
  for (int i = -128; i <= 127; ++i) {
    double real = f(x->params.scale * (i - x->params.zeroPoint));
    real = std::clamp(real, out->bounds.lo, out->bounds.hi);
    double q = real / out->params.scale;
    q = halfAway ? std::round(q) : std::nearbyint(q);
    if (std::isnan(q))
      return op->emitError() << "whittle-quantize: '" << getLayerName(op)
                             << "' is not defined at the input value "
                             << x->params.scale * (i - x->params.zeroPoint);
    table.push_back(static_cast<int8_t>(
        std::clamp(q + out->params.zeroPoint, -128.0, 127.0)));
  }
  builder.setInsertionPoint(out->insertionPoint);
  auto lut = qnn::buildLookupTable(builder, op->getLoc(), x->value, table);
  record(out->value, lut, out->params);
  LayerReport layer;
  layer.name = getLayerName(op);
  layer.kind = "lut";
  layer.input = {x->params.scale, x->params.zeroPoint};
  layer.output = {out->params.scale, out->params.zeroPoint};
  addLayer(std::move(layer), out->value);
  return success();
}

LogicalResult Quantizer::quantizeSoftmax(nn::SoftmaxOp op) {
  auto x = lookup(op.getInput(), op);
  if (failed(x))
    return failure();
  // Softmax is in [0, 1]: scale 1/256 with zero point -128 covers it with
  // every level (1.0 saturates to 255/256).
  QParams outParams{1.0 / 256.0, -128};
  // y = e * 256 / sum: multiplier 1 and shift -8 are exact in both schemes.
  Rescale rescale{1, -8};
  builder.setInsertionPoint(op);
  int64_t rank = cast<RankedTensorType>(op.getType()).getRank();
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += rank;
  auto softmax = qnn::buildSoftmax(
      builder, op.getLoc(), x->value, x->params.scale, axis, rescale,
      getOutputStage(outParams, {}, /*powerOfTwoDivisor=*/false));
  record(op.getResult(), softmax, outParams);
  LayerReport layer;
  layer.name = getLayerName(op);
  layer.kind = "softmax";
  layer.input = {x->params.scale, x->params.zeroPoint};
  layer.output = {outParams.scale, outParams.zeroPoint};
  layer.multipliers = {rescale.multiplier};
  layer.shifts = {rescale.shift};
  addLayer(std::move(layer), op.getResult());
  return success();
}

LogicalResult Quantizer::quantizeDataMovement(Operation *op) {
  // Operand 0 is the data; the others (shapes, axes, indices, a nearest
  // Resize's scales) are values the copy keeps using.
  auto x = lookup(op->getOperand(0), op);
  if (failed(x))
    return failure();
  builder.setInsertionPoint(op);
  IRMapping mapping;
  mapping.map(op->getOperand(0), x->value);
  Operation *copy = builder.clone(*op, mapping);
  copy->removeAttr(kRangeAttrName);
  for (auto [result, copied] :
       llvm::zip(op->getResults(), copy->getResults())) {
    if (!isa<FloatType>(getElementTypeOrSelf(result.getType())))
      continue;
    copied.setType(withElementType(result.getType(), builder.getI8Type()));
    record(result, copied, x->params);
  }
  return success();
}

/// Pad in every mode stays nn.pad, on i8 with the input's parameters:
/// reflect, edge and wrap copy input elements, and constant padding fills
/// with the pad value quantized at those parameters (0, the default, is the
/// zero point), saturated to i8 as the calibrated range may not hold it (a
/// -inf pad stays the smallest value).
LogicalResult Quantizer::quantizePad(nn::PadOp op) {
  auto x = lookup(op.getData(), op);
  if (failed(x))
    return failure();
  double value = 0.0;
  Value given = op.getConstantValue();
  if (op.getMode() == "constant" && given && !nn::isNone(given)) {
    ElementsAttr elements = nn::getConstantElements(given);
    auto values = elements ? nn::readAsDoubles(elements) : std::nullopt;
    if (!values)
      return op.emitError() << "whittle-quantize: '" << getLayerName(op)
                            << "' pads with a computed value; only a "
                               "constant pad value can be quantized";
    if (!values->empty())
      value = values->front();
  }
  builder.setInsertionPoint(op);
  Value padValue = given;
  if (op.getMode() == "constant" || (given && !nn::isNone(given))) {
    double q = std::isnan(value)
                   ? x->params.zeroPoint
                   : std::clamp(std::round(value / x->params.scale) +
                                    x->params.zeroPoint,
                                -128.0, 127.0);
    padValue = createConstant(op.getLoc(),
                              RankedTensorType::get({}, builder.getI8Type()),
                              {static_cast<int64_t>(q)}, "pad_value");
  }
  auto pad = nn::PadOp::create(
      builder, op.getLoc(), withElementType(op.getType(), builder.getI8Type()),
      x->value, op.getPads(), padValue, op.getAxes(), op.getModeAttr());
  record(op.getOutput(), pad, x->params);
  return success();
}

/// Interpolation stays within the input's range: qnn.resize keeps its
/// parameters.
LogicalResult Quantizer::quantizeResize(nn::ResizeOp op) {
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  builder.setInsertionPoint(op);
  std::string reason;
  FailureOr<qnn::ResizeOp> resize =
      qnn::buildResize(builder, op, x->value, getRounding(), reason);
  if (failed(resize))
    return op.emitError() << "whittle-quantize: cannot quantize '"
                          << getLayerName(op) << "' (nn.resize): " << reason;
  record(op.getY(), *resize, x->params);
  return success();
}

LogicalResult Quantizer::quantizeReturn(func::ReturnOp op) {
  builder.setInsertionPoint(op);
  SmallVector<Value> results;
  for (Value operand : op.getOperands()) {
    if (!isa<FloatType>(getElementTypeOrSelf(operand.getType()))) {
      results.push_back(operand);
      continue;
    }
    auto x = lookup(operand, op);
    if (failed(x))
      return failure();
    results.push_back(qnn::buildDequantize(builder, op.getLoc(), x->value,
                                           {float(x->params.scale)},
                                           {x->params.zeroPoint}, /*axis=*/1));
  }
  op->setOperands(results);
  return success();
}
