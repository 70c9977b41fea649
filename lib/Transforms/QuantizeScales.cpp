//===- QuantizeScales.cpp - scales, zero points, rescales -----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Every choice of the calibrated quantizer: activation scales and zero
// points from calibrated ranges, per-channel weight scales, bias scales,
// integer rescales in the fixed-point or power-of-two scheme, the clamp a
// fused activation becomes, and the i32 accumulator bound.
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
// Parameters
//===----------------------------------------------------------------------===//

double Quantizer::roundScale(double scale) const {
  if (!(scale > 0) || !std::isfinite(scale))
    scale = 1.0;
  if (scheme == Scheme::PowerOfTwo)
    return std::exp2(std::ceil(std::log2(scale)));
  return scale;
}

QParams Quantizer::getParamsForRange(double lo, double hi) const {
  // The range must hold the real 0 exactly (padding, ReLU).
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  QParams params;
  if (unsignedAfterRelu && lo >= 0.0) {
    params.scale = roundScale(hi / 255.0);
    params.zeroPoint = -128;
    return params;
  }
  if (symmetric) {
    params.scale = roundScale(std::max(-lo, hi) / 127.0);
    params.zeroPoint = 0;
    return params;
  }
  params.scale = roundScale((hi - lo) / 255.0);
  double zeroPoint = std::round(-128.0 - lo / params.scale);
  params.zeroPoint = static_cast<int32_t>(std::clamp(zeroPoint, -128.0, 127.0));
  return params;
}

FailureOr<QParams> Quantizer::getActivationParams(Value floatValue,
                                                  Operation *user) {
  auto range = getCalibratedRange(floatValue);
  if (!range) {
    Operation *where =
        floatValue.getDefiningOp() ? floatValue.getDefiningOp() : user;
    return where->emitError()
           << "whittle-quantize: no calibrated range for this value; run "
              "whittle-calibrate (data=PATH) first";
  }
  return getParamsForRange(range->first, range->second);
}

FailureOr<Rescale> Quantizer::getRescale(double real, Operation *op) const {
  if (scheme == Scheme::PowerOfTwo) {
    auto shift = qnn::getPowerOfTwoShift(real);
    if (!shift || *shift < -31 || *shift > 62)
      return op->emitError()
             << "whittle-quantize: the rescale factor " << real << " of '"
             << getLayerName(op) << "' is outside what a shift can do";
    return Rescale{1, *shift};
  }
  auto fixed = qnn::getFixedPointMultiplier(real);
  if (!fixed)
    return op->emitError() << "whittle-quantize: the rescale factor " << real
                           << " of '" << getLayerName(op)
                           << "' has no fixed-point multiplier";
  return Rescale{fixed->multiplier, fixed->shift};
}

qnn::Clamp Quantizer::getClamp(QParams params, RealBounds bounds) const {
  auto toQ = [&](double real) {
    if (!std::isfinite(real))
      return real < 0 ? -128.0 : 127.0;
    return std::clamp(std::round(real / params.scale) + params.zeroPoint,
                      -128.0, 127.0);
  };
  return {static_cast<int32_t>(toQ(bounds.lo)),
          static_cast<int32_t>(toQ(bounds.hi))};
}

qnn::RoundingMode Quantizer::getRounding(bool powerOfTwoDivisor) const {
  qnn::RoundingMode mode = rounding;
  // Averages divide by window sizes: NITI's rounding needs a power of two.
  if (!powerOfTwoDivisor && mode == qnn::RoundingMode::pseudo_stochastic)
    mode = qnn::RoundingMode::nearest_even;
  return mode;
}

qnn::OutputStage Quantizer::getOutputStage(QParams params, RealBounds bounds,
                                           bool powerOfTwoDivisor) const {
  return {getRounding(powerOfTwoDivisor), params.zeroPoint,
          getClamp(params, bounds)};
}

FailureOr<QValue> Quantizer::lookupOrQuantizeConstant(Value floatValue,
                                                      Operation *user,
                                                      bool reciprocal) {
  if (!reciprocal && map.count(floatValue))
    return map[floatValue];
  ElementsAttr elements = nn::getConstantElements(floatValue);
  if (!elements) {
    if (reciprocal)
      return user->emitError()
             << "whittle-quantize: '" << getLayerName(user)
             << "' divides by a computed tensor; only division by a "
                "constant is supported";
    return lookup(floatValue, user);
  }
  auto values = nn::readAsDoubles(elements);
  if (!values)
    return user->emitError() << "whittle-quantize: cannot read the constant "
                                "operand of '"
                             << getLayerName(user) << "'";
  double absMax = 0.0;
  for (double &v : *values) {
    if (reciprocal)
      v = 1.0 / v;
    absMax = std::max(absMax, std::fabs(v));
  }
  if (!std::isfinite(absMax))
    return user->emitError()
           << "whittle-quantize: the constant operand of '"
           << getLayerName(user) << "' is not finite (division by zero?)";
  QParams params{roundScale(absMax / 127.0), 0};
  SmallVector<int64_t> q;
  for (double v : *values)
    q.push_back(static_cast<int64_t>(
        std::clamp(std::round(v / params.scale), -127.0, 127.0)));
  auto type = withElementType(floatValue.getType(), builder.getI8Type());
  return QValue{createConstant(user->getLoc(), type, q, "quantized"), params};
}

//===----------------------------------------------------------------------===//
// Products
//===----------------------------------------------------------------------===//

QuantizedWeights quantize::quantizeWeights(ArrayRef<double> weights,
                                           ArrayRef<int64_t> channelOf,
                                           int64_t channels, bool perChannel,
                                           bool powerOfTwo,
                                           const WeightScaleBounds &bounds) {
  SmallVector<double> absMax(channels, 0.0);
  for (auto [w, c] : llvm::zip(weights, channelOf))
    absMax[c] = std::max(absMax[c], std::fabs(w));
  // Dead channels (weights ~1e-34 after training) would get scales whose
  // rescale is beyond any multiplier or shift and whose bias is beyond i32.
  double floor = std::ldexp(bounds.outputScale / bounds.inputScale, -31);
  if (!perChannel) {
    double all = *llvm::max_element(absMax);
    absMax.assign(channels, all);
  }
  SmallVector<double> scales;
  for (int64_t c = 0; c < channels; ++c) {
    double scale = absMax[c] > 0 ? absMax[c] / 127.0 : 1.0;
    scale = std::max(scale, floor);
    if (!bounds.bias.empty() && std::isfinite(bounds.bias[c]))
      scale = std::max(scale, std::fabs(bounds.bias[c]) /
                                  (bounds.inputScale * std::ldexp(1.0, 30)));
    scales.push_back(scale);
  }
  if (!perChannel) {
    // One scale for all: the largest, which every channel's bias allows.
    double all = 0.0;
    for (double scale : scales)
      all = std::max(all, scale);
    scales.assign(channels, all);
  }
  QuantizedWeights q;
  for (double scale : scales) {
    if (powerOfTwo)
      scale = std::exp2(std::ceil(std::log2(scale)));
    q.scales.push_back(scale);
  }
  for (auto [w, c] : llvm::zip(weights, channelOf))
    q.values.push_back(static_cast<int8_t>(
        std::clamp(std::round(w / q.scales[c]), -127.0, 127.0)));
  return q;
}

LogicalResult Quantizer::checkAccumulator(Operation *op, QParams input,
                                          ArrayRef<int8_t> weights,
                                          ArrayRef<int64_t> channelOf,
                                          ArrayRef<int32_t> bias,
                                          int64_t channels,
                                          LayerReport &layer) {
  // |x - zx| <= max(127 - zx, zx + 128); the bound is what the worst
  // input could make each output channel's accumulator reach.
  int64_t maxInput = std::max(127 - input.zeroPoint, input.zeroPoint + 128);
  SmallVector<int64_t> sumAbs(channels, 0);
  for (auto [w, c] : llvm::zip(weights, channelOf))
    sumAbs[c] += std::abs(static_cast<int64_t>(w));
  int64_t worst = 0, worstChannel = 0;
  for (int64_t c = 0; c < channels; ++c) {
    int64_t bound =
        sumAbs[c] * maxInput + (bias.empty() ? 0 : std::abs(int64_t(bias[c])));
    if (bound > worst) {
      worst = bound;
      worstChannel = c;
    }
  }
  layer.accumulatorBound = worst;
  if (worst >= (int64_t(1) << 31))
    return op->emitError()
           << "whittle-quantize: the i32 accumulator of '" << getLayerName(op)
           << "' can overflow: output channel " << worstChannel << " can reach "
           << worst << " >= 2^31 (sum |w| = " << sumAbs[worstChannel]
           << " times |x - zx| <= " << maxInput
           << "); split the layer's reduction (fewer input channels per "
              "layer) before quantizing";
  return success();
}

SmallVector<int32_t> quantize::quantizeBias(ArrayRef<double> bias,
                                            double inputScale,
                                            ArrayRef<double> weightScales,
                                            bool &overflow) {
  SmallVector<int32_t> q;
  overflow = false;
  for (auto [b, sw] : llvm::zip(bias, weightScales)) {
    double v = std::round(b / (inputScale * sw));
    if (std::fabs(v) >= 2147483647.0) {
      overflow = true;
      v = std::clamp(v, -2147483647.0, 2147483647.0);
    }
    q.push_back(static_cast<int32_t>(v));
  }
  return q;
}

FailureOr<SmallVector<Rescale>>
Quantizer::getProductRescales(Operation *op, double inputScale,
                              ArrayRef<double> weightScales, int64_t count,
                              double outputScale, LayerReport &layer) const {
  SmallVector<Rescale> rescales;
  for (int64_t c = 0; c < count; ++c) {
    auto r = getRescale(inputScale * weightScales[c] / outputScale, op);
    if (failed(r))
      return failure();
    rescales.push_back(*r);
    layer.multipliers.push_back(r->multiplier);
    layer.shifts.push_back(r->shift);
  }
  return rescales;
}
