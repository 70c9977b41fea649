//===- Quantize.cpp - calibrated float nn to integer-only qnn -------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Walks @main in order and gives every float activation an i8 twin with a
// scale and a zero point chosen from its calibrated range, emitting the qnn
// op that computes the twin from the twins of the op's inputs. Weights and
// biases are quantized at compile time from their constants. The float ops
// die when the returned values are replaced by their dequantized twins.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNDialect.h"
#include "whittle/Dialect/NN/NNOpKinds.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/NN/Passes.h"
#include "whittle/Dialect/QNN/QNNArithmetic.h"
#include "whittle/Dialect/QNN/QNNDialect.h"
#include "whittle/Dialect/QNN/QNNOps.h"
#include "whittle/Dialect/QNN/QNNResize.h"
#include "whittle/Transforms/Calibration.h"
#include "whittle/Transforms/Passes.h"
#include "whittle/Transforms/QuantizeReport.h"
#include "whittle/Transforms/QuantizeSQNR.h"
#include "whittle/Transforms/SparsityPattern.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace whittle {
#define GEN_PASS_DEF_WHITTLEQUANTIZE
#include "whittle/Transforms/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;

namespace {

enum class Scheme { FixedPoint, PowerOfTwo };

/// Real value = scale * (q - zeroPoint).
struct QParams {
  double scale = 1.0;
  int32_t zeroPoint = 0;
};

struct QValue {
  Value value;
  QParams params;
};

/// The clamp a fused activation puts on the output stage, in real values.
struct Clamp {
  double lo = -INFINITY, hi = INFINITY;
};

struct Rescale {
  int32_t multiplier;
  int32_t shift;
};

std::string getLayerName(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(op->getLoc()))
    for (Location loc : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(loc))
        return name.getName().str();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << op->getName() << " at " << op->getLoc();
  return text;
}

class Quantizer {
public:
  Quantizer(func::FuncOp func, Scheme scheme, qnn::RoundingMode rounding,
            bool perChannel, bool symmetric, bool unsignedAfterRelu)
      : func(func), builder(func.getContext()), scheme(scheme),
        rounding(rounding), perChannel(perChannel), symmetric(symmetric),
        unsignedAfterRelu(unsignedAfterRelu) {}

  LogicalResult run();
  /// Erases the float ops, dead once the outputs are dequantized twins.
  void eraseFloatModel();
  std::vector<LayerReport> takeReport() { return std::move(report); }
  /// Each report entry's float output and its i8 twin, in report order
  /// (valid until eraseFloatModel).
  ArrayRef<QuantizedLayerOutput> getLayerOutputs() const {
    return layerOutputs;
  }

private:
  // Parameters.
  FailureOr<QParams> getActivationParams(Value floatValue, Operation *user);
  QParams getParamsForRange(double lo, double hi) const;
  double roundScale(double scale) const;
  FailureOr<Rescale> getRescale(double real, Operation *op) const;
  std::pair<int32_t, int32_t> getClampBounds(QParams params, Clamp clamp) const;
  qnn::RoundingModeAttr getRounding(bool powerOfTwoDivisor = true) const;
  /// The output stage every rescaling qnn op ends with: rounding, output
  /// zero point and clamp.
  void setOutputStage(Operation *op, qnn::RoundingModeAttr rounding,
                      int32_t zeroPoint, int32_t lo, int32_t hi);

  // Lookups and fusion.
  FailureOr<QValue> lookup(Value floatValue, Operation *user);
  FailureOr<QValue> lookupOrQuantizeConstant(Value floatValue, Operation *user,
                                             bool reciprocal);
  /// The op's result, or the result of the Relu/Clip that is its only use
  /// (then `clamp` is set and `fused` is that op).
  Value getFusedOutput(Operation *op, Clamp &clamp, Operation *&fused);
  FailureOr<Clamp> getActivationClamp(Operation *op);

  // Rewrites of each kind of op.
  LogicalResult quantizeConv(nn::ConvOp op);
  LogicalResult quantizeMatrixProduct(Operation *op, Value a, Value b, Value c,
                                      bool transB, double alpha, double beta);
  LogicalResult quantizeAddSub(Operation *op, bool subtract);
  LogicalResult quantizeMulDiv(Operation *op, bool divide);
  LogicalResult quantizeStandaloneClamp(Operation *op);
  LogicalResult quantizeMaxPool(nn::MaxPoolOp op);
  LogicalResult quantizeAveragePool(nn::AveragePoolOp op);
  LogicalResult quantizeGlobalAveragePool(nn::GlobalAveragePoolOp op);
  LogicalResult quantizeConcat(nn::ConcatOp op);
  LogicalResult quantizeLookupTable(Operation *op,
                                    llvm::function_ref<double(double)> f);
  LogicalResult quantizeSoftmax(nn::SoftmaxOp op);
  LogicalResult quantizeDataMovement(Operation *op);
  LogicalResult quantizeResize(nn::ResizeOp op);
  LogicalResult quantizeReturn(func::ReturnOp op);
  LogicalResult quantizeOp(Operation *op);

  // Checks the i32 accumulator of a product with int8 weights `weights`
  // ([channels, reduction] row-major after `channelOf`).
  LogicalResult checkAccumulator(Operation *op, QParams input,
                                 ArrayRef<int8_t> weights,
                                 ArrayRef<int64_t> channelOf,
                                 ArrayRef<int32_t> bias, int64_t channels,
                                 LayerReport &layer);

  RankedTensorType withElementType(Type type, Type element) const {
    return cast<RankedTensorType>(type).clone(element);
  }
  Value createConstant(Location loc, RankedTensorType type,
                       ArrayRef<int64_t> values, StringRef nameHint);
  void record(Value floatValue, Value value, QParams params) {
    map[floatValue] = {value, params};
  }
  /// Adds a report entry for the layer whose float output is `output`
  /// (already recorded).
  void addLayer(LayerReport layer, Value output) {
    QValue twin = map.lookup(output);
    layerOutputs.push_back(
        {output, twin.value, twin.params.scale, twin.params.zeroPoint});
    report.push_back(std::move(layer));
  }

  func::FuncOp func;
  OpBuilder builder;
  Scheme scheme;
  qnn::RoundingMode rounding;
  bool perChannel, symmetric, unsignedAfterRelu;
  DenseMap<Value, QValue> map;
  DenseSet<Operation *> fusedOps;
  std::vector<LayerReport> report;
  std::vector<QuantizedLayerOutput> layerOutputs;
};

} // namespace

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

std::pair<int32_t, int32_t> Quantizer::getClampBounds(QParams params,
                                                      Clamp clamp) const {
  auto toQ = [&](double real) {
    if (!std::isfinite(real))
      return real < 0 ? -128.0 : 127.0;
    return std::clamp(std::round(real / params.scale) + params.zeroPoint,
                      -128.0, 127.0);
  };
  return {static_cast<int32_t>(toQ(clamp.lo)),
          static_cast<int32_t>(toQ(clamp.hi))};
}

void Quantizer::setOutputStage(Operation *op, qnn::RoundingModeAttr rounding,
                               int32_t zeroPoint, int32_t lo, int32_t hi) {
  op->setAttr("rounding", rounding);
  op->setAttr("output_zero_point", builder.getI32IntegerAttr(zeroPoint));
  op->setAttr("min", builder.getI32IntegerAttr(lo));
  op->setAttr("max", builder.getI32IntegerAttr(hi));
}

qnn::RoundingModeAttr Quantizer::getRounding(bool powerOfTwoDivisor) const {
  qnn::RoundingMode mode = rounding;
  // Averages divide by window sizes: NITI's rounding needs a power of two.
  if (!powerOfTwoDivisor && mode == qnn::RoundingMode::pseudo_stochastic)
    mode = qnn::RoundingMode::nearest_even;
  return qnn::RoundingModeAttr::get(builder.getContext(), mode);
}

//===----------------------------------------------------------------------===//
// Lookups and fusion
//===----------------------------------------------------------------------===//

FailureOr<QValue> Quantizer::lookup(Value floatValue, Operation *user) {
  auto it = map.find(floatValue);
  if (it != map.end())
    return it->second;
  return user->emitError() << "whittle-quantize: operand of '"
                           << getLayerName(user)
                           << "' has no integer form (it is a constant or "
                              "comes from an op that was not quantized)";
}

Value Quantizer::createConstant(Location loc, RankedTensorType type,
                                ArrayRef<int64_t> values, StringRef nameHint) {
  ElementsAttr elements = nn::createElementsFromInts(type, values, nameHint);
  return nn::ConstantOp::create(builder, loc, type, elements);
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

FailureOr<Clamp> Quantizer::getActivationClamp(Operation *op) {
  if (isa<nn::ReluOp>(op))
    return Clamp{0.0, INFINITY};
  auto clip = dyn_cast<nn::ClipOp>(op);
  if (!clip)
    return failure();
  Clamp clamp;
  auto bound = [&](Value v, double &out) {
    if (!v || nn::isNone(v))
      return true;
    ElementsAttr elements = nn::getConstantElements(v);
    if (!elements)
      return false;
    auto values = nn::readAsDoubles(elements);
    if (!values || values->size() != 1)
      return false;
    out = (*values)[0];
    return true;
  };
  if (!bound(clip.getMin(), clamp.lo) || !bound(clip.getMax(), clamp.hi))
    return failure();
  return clamp;
}

Value Quantizer::getFusedOutput(Operation *op, Clamp &clamp,
                                Operation *&fused) {
  fused = nullptr;
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return result;
  Operation *user = *result.getUsers().begin();
  if (user->getOperand(0) != result)
    return result;
  auto activation = getActivationClamp(user);
  if (failed(activation))
    return result;
  clamp = *activation;
  fused = user;
  fusedOps.insert(user);
  return user->getResult(0);
}

//===----------------------------------------------------------------------===//
// Products
//===----------------------------------------------------------------------===//

namespace {
/// Symmetric int8 weights in [-127, 127], one scale per channel (or one for
/// all when per tensor).
struct QuantizedWeights {
  SmallVector<int8_t> values;
  SmallVector<double> scales;
};
} // namespace

static QuantizedWeights quantizeWeights(ArrayRef<double> weights,
                                        ArrayRef<int64_t> channelOf,
                                        int64_t channels, bool perChannel,
                                        bool powerOfTwo) {
  SmallVector<double> absMax(channels, 0.0);
  for (auto [w, c] : llvm::zip(weights, channelOf))
    absMax[c] = std::max(absMax[c], std::fabs(w));
  if (!perChannel) {
    double all = *llvm::max_element(absMax);
    absMax.assign(channels, all);
  }
  QuantizedWeights q;
  for (double a : absMax) {
    double scale = a > 0 ? a / 127.0 : 1.0;
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

static SmallVector<int32_t> quantizeBias(ArrayRef<double> bias,
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

LogicalResult Quantizer::quantizeConv(nn::ConvOp op) {
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  ElementsAttr wElements = nn::getConstantElements(op.getW());
  auto wType = cast<RankedTensorType>(op.getW().getType());
  auto xType = cast<RankedTensorType>(op.getX().getType());
  if (!wElements || !wType.hasStaticShape())
    return op.emitError() << "whittle-quantize: '" << getLayerName(op)
                          << "' has computed weights; only convolutions "
                             "with constant weights can be quantized";
  auto weights = nn::readAsDoubles(wElements);
  int64_t channels = wType.getDimSize(0);
  SmallVector<double> bias(channels, 0.0);
  bool hasBias = op.getB() && !nn::isNone(op.getB());
  if (hasBias) {
    ElementsAttr bElements = nn::getConstantElements(op.getB());
    auto values = bElements ? nn::readAsDoubles(bElements) : std::nullopt;
    if (!values || (int64_t)values->size() != channels)
      return op.emitError() << "whittle-quantize: '" << getLayerName(op)
                            << "' has a computed bias; only constant biases "
                               "can be quantized";
    bias.assign(values->begin(), values->end());
  }
  auto geometry =
      nn::resolveWindow(op.getLoc(), xType.getShape().drop_front(2),
                        wType.getShape().drop_front(2), op.getStrides(),
                        op.getDilations(), op.getPads(), op.getAutoPad());
  if (failed(geometry))
    return failure();

  Clamp clamp;
  Operation *fused;
  Value output = getFusedOutput(op, clamp, fused);
  auto outParams = getActivationParams(output, op);
  if (failed(outParams))
    return failure();

  int64_t perChannelCount = wType.getNumElements() / channels;
  SmallVector<int64_t> channelOf;
  for (int64_t i = 0, e = wType.getNumElements(); i < e; ++i)
    channelOf.push_back(i / perChannelCount);
  QuantizedWeights qw = quantizeWeights(
      *weights, channelOf, channels, perChannel, scheme == Scheme::PowerOfTwo);
  bool biasOverflow;
  SmallVector<int32_t> qBias =
      quantizeBias(bias, x->params.scale, qw.scales, biasOverflow);
  if (biasOverflow)
    return op.emitError() << "whittle-quantize: the bias of '"
                          << getLayerName(op)
                          << "' does not fit in i32 at scale s_x * s_w";

  LayerReport layer;
  layer.name = getLayerName(op);
  layer.kind = "conv";
  layer.input = {x->params.scale, x->params.zeroPoint};
  layer.output = {outParams->scale, outParams->zeroPoint};
  layer.weightScales = qw.scales;
  if (failed(checkAccumulator(op, x->params, qw.values, channelOf, qBias,
                              channels, layer)))
    return failure();

  SmallVector<int32_t> multipliers, shifts;
  for (int64_t c = 0; c < (perChannel ? channels : 1); ++c) {
    auto r = getRescale(x->params.scale * qw.scales[c] / outParams->scale, op);
    if (failed(r))
      return failure();
    multipliers.push_back(r->multiplier);
    shifts.push_back(r->shift);
  }
  layer.multipliers = multipliers;
  layer.shifts = shifts;

  builder.setInsertionPoint(fused ? fused : op.getOperation());
  Location loc = op.getLoc();
  SmallVector<int64_t> wInts(qw.values.begin(), qw.values.end());
  Value w = createConstant(loc, withElementType(wType, builder.getI8Type()),
                           wInts, "qweight");
  SmallVector<int64_t> bInts(qBias.begin(), qBias.end());
  Value b = createConstant(
      loc, RankedTensorType::get({channels}, builder.getI32Type()), bInts,
      "qbias");
  auto accType = withElementType(op.getType(), builder.getI32Type());
  auto conv = qnn::ConvOp::create(
      builder, loc, TypeRange{accType}, ValueRange{x->value, w, b},
      {builder.getNamedAttr("strides",
                            builder.getDenseI64ArrayAttr(geometry->strides)),
       builder.getNamedAttr("dilations",
                            builder.getDenseI64ArrayAttr(geometry->dilations)),
       builder.getNamedAttr("pads",
                            builder.getDenseI64ArrayAttr(geometry->pads)),
       builder.getNamedAttr("group", builder.getI64IntegerAttr(op.getGroup())),
       builder.getNamedAttr("input_zero_point",
                            builder.getI32IntegerAttr(x->params.zeroPoint)),
       builder.getNamedAttr("weight_zero_point",
                            builder.getDenseI32ArrayAttr({0}))});
  // The weights keep their zeros; the pattern tells the back ends so.
  transferSparsityPattern(op, conv, /*weightOperand=*/1);
  auto [lo, hi] = getClampBounds(*outParams, clamp);
  auto requantize = qnn::RequantizeOp::create(
      builder, loc, TypeRange{withElementType(accType, builder.getI8Type())},
      ValueRange{conv},
      {builder.getNamedAttr("multiplier",
                            builder.getDenseI32ArrayAttr(multipliers)),
       builder.getNamedAttr("shift", builder.getDenseI32ArrayAttr(shifts)),
       builder.getNamedAttr("axis", builder.getI64IntegerAttr(1))});
  setOutputStage(requantize, getRounding(), outParams->zeroPoint, lo, hi);
  record(output, requantize, *outParams);
  addLayer(std::move(layer), output);
  return success();
}

LogicalResult Quantizer::quantizeMatrixProduct(Operation *op, Value aFloat,
                                               Value bFloat, Value cFloat,
                                               bool transB, double alpha,
                                               double beta) {
  auto a = lookup(aFloat, op);
  if (failed(a))
    return failure();
  ElementsAttr bElements = nn::getConstantElements(bFloat);
  auto bType = cast<RankedTensorType>(bFloat.getType());
  if (!bElements || bType.getRank() != 2 || !bType.hasStaticShape())
    return op->emitError() << "whittle-quantize: '" << getLayerName(op)
                           << "' multiplies by a computed or non-2-D "
                              "matrix; only constant 2-D weights can be "
                              "quantized";
  auto bValues = nn::readAsDoubles(bElements);
  int64_t rows = bType.getDimSize(0), cols = bType.getDimSize(1);
  int64_t k = transB ? cols : rows, n = transB ? rows : cols;
  // The weight as [K, N], transposed here when the model stores [N, K].
  SmallVector<double> weights(k * n);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j)
      weights[i * n + j] =
          alpha * (transB ? (*bValues)[j * k + i] : (*bValues)[i * n + j]);
  SmallVector<double> bias(n, 0.0);
  bool hasBias = cFloat && !nn::isNone(cFloat);
  if (hasBias) {
    ElementsAttr cElements = nn::getConstantElements(cFloat);
    auto values = cElements ? nn::readAsDoubles(cElements) : std::nullopt;
    auto cType = cast<RankedTensorType>(cFloat.getType());
    bool perColumn = values &&
                     (values->size() == 1 || (int64_t)values->size() == n) &&
                     (cType.getRank() < 2 || cType.getDimSize(0) == 1);
    if (!perColumn)
      return op->emitError() << "whittle-quantize: '" << getLayerName(op)
                             << "' adds a computed or 2-D C; only a constant "
                                "bias per output column can be quantized";
    for (int64_t j = 0; j < n; ++j)
      bias[j] = beta * (*values)[values->size() == 1 ? 0 : j];
  }

  Clamp clamp;
  Operation *fused;
  Value output = getFusedOutput(op, clamp, fused);
  auto outParams = getActivationParams(output, op);
  if (failed(outParams))
    return failure();

  SmallVector<int64_t> channelOf;
  for (int64_t i = 0; i < k * n; ++i)
    channelOf.push_back(i % n);
  QuantizedWeights qw = quantizeWeights(weights, channelOf, n, perChannel,
                                        scheme == Scheme::PowerOfTwo);
  bool biasOverflow;
  SmallVector<int32_t> qBias =
      quantizeBias(bias, a->params.scale, qw.scales, biasOverflow);
  if (biasOverflow)
    return op->emitError() << "whittle-quantize: the bias of '"
                           << getLayerName(op)
                           << "' does not fit in i32 at scale s_x * s_w";
  LayerReport layer;
  layer.name = getLayerName(op);
  layer.kind = "matmul";
  layer.input = {a->params.scale, a->params.zeroPoint};
  layer.output = {outParams->scale, outParams->zeroPoint};
  layer.weightScales = qw.scales;
  if (failed(checkAccumulator(op, a->params, qw.values, channelOf, qBias, n,
                              layer)))
    return failure();
  SmallVector<int32_t> multipliers, shifts;
  for (int64_t c = 0; c < (perChannel ? n : 1); ++c) {
    auto r = getRescale(a->params.scale * qw.scales[c] / outParams->scale, op);
    if (failed(r))
      return failure();
    multipliers.push_back(r->multiplier);
    shifts.push_back(r->shift);
  }
  layer.multipliers = multipliers;
  layer.shifts = shifts;

  builder.setInsertionPoint(fused ? fused : op);
  Location loc = op->getLoc();
  SmallVector<int64_t> wInts(qw.values.begin(), qw.values.end());
  Value w =
      createConstant(loc, RankedTensorType::get({k, n}, builder.getI8Type()),
                     wInts, "qweight");
  SmallVector<Value> operands{a->value, w};
  if (hasBias) {
    SmallVector<int64_t> bInts(qBias.begin(), qBias.end());
    operands.push_back(createConstant(
        loc, RankedTensorType::get({n}, builder.getI32Type()), bInts, "qbias"));
  }
  auto accType =
      withElementType(op->getResult(0).getType(), builder.getI32Type());
  auto matmul = qnn::MatMulOp::create(
      builder, loc, TypeRange{accType}, operands,
      {builder.getNamedAttr("a_zero_point",
                            builder.getI32IntegerAttr(a->params.zeroPoint)),
       builder.getNamedAttr("b_zero_point",
                            builder.getDenseI32ArrayAttr({0}))});
  // The weight is now [K, N] whatever the Gemm's transB was.
  if (std::optional<SparsityPattern> pattern = getSparsityPattern(op)) {
    pattern->layout = WeightLayout{/*operand=*/1, /*outAxis=*/1, /*inAxis=*/0};
    setSparsityPattern(matmul, *pattern);
  }
  auto [lo, hi] = getClampBounds(*outParams, clamp);
  auto requantize = qnn::RequantizeOp::create(
      builder, loc, TypeRange{withElementType(accType, builder.getI8Type())},
      ValueRange{matmul},
      {builder.getNamedAttr("multiplier",
                            builder.getDenseI32ArrayAttr(multipliers)),
       builder.getNamedAttr("shift", builder.getDenseI32ArrayAttr(shifts)),
       builder.getNamedAttr("axis",
                            builder.getI64IntegerAttr(accType.getRank() - 1))});
  setOutputStage(requantize, getRounding(), outParams->zeroPoint, lo, hi);
  record(output, requantize, *outParams);
  addLayer(std::move(layer), output);
  return success();
}

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
  Clamp clamp;
  Operation *fused;
  Value output = getFusedOutput(op, clamp, fused);
  auto outParams = getActivationParams(output, op);
  if (failed(outParams))
    return failure();
  double ra = a->params.scale / outParams->scale;
  double rb = b->params.scale / outParams->scale;
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
  layer.output = {outParams->scale, outParams->zeroPoint};
  layer.multipliers = {static_cast<int32_t>(ma), static_cast<int32_t>(mb)};
  layer.shifts = {static_cast<int32_t>(shift)};

  builder.setInsertionPoint(fused ? fused : op);
  auto [lo, hi] = getClampBounds(*outParams, clamp);
  auto add = qnn::AddOp::create(
      builder, op->getLoc(),
      TypeRange{withElementType(output.getType(), builder.getI8Type())},
      ValueRange{a->value, b->value},
      {builder.getNamedAttr("a_zero_point",
                            builder.getI32IntegerAttr(a->params.zeroPoint)),
       builder.getNamedAttr("b_zero_point",
                            builder.getI32IntegerAttr(b->params.zeroPoint)),
       builder.getNamedAttr("a_multiplier", builder.getI32IntegerAttr(ma)),
       builder.getNamedAttr("b_multiplier", builder.getI32IntegerAttr(mb)),
       builder.getNamedAttr("shift", builder.getI32IntegerAttr(shift))});
  setOutputStage(add, getRounding(), outParams->zeroPoint, lo, hi);
  record(output, add, *outParams);
  addLayer(std::move(layer), output);
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
  Clamp clamp;
  Operation *fused;
  Value output = getFusedOutput(op, clamp, fused);
  auto outParams = getActivationParams(output, op);
  if (failed(outParams))
    return failure();
  auto r = getRescale(a->params.scale * b->params.scale / outParams->scale, op);
  if (failed(r))
    return failure();
  LayerReport layer;
  layer.name = getLayerName(op);
  layer.kind = "mul";
  layer.input = {a->params.scale, a->params.zeroPoint};
  layer.input2 = {{b->params.scale, b->params.zeroPoint}};
  layer.output = {outParams->scale, outParams->zeroPoint};
  layer.multipliers = {r->multiplier};
  layer.shifts = {r->shift};
  builder.setInsertionPoint(fused ? fused : op);
  auto [lo, hi] = getClampBounds(*outParams, clamp);
  auto mul = qnn::MulOp::create(
      builder, op->getLoc(),
      TypeRange{withElementType(output.getType(), builder.getI8Type())},
      ValueRange{a->value, b->value},
      {builder.getNamedAttr("a_zero_point",
                            builder.getI32IntegerAttr(a->params.zeroPoint)),
       builder.getNamedAttr("b_zero_point",
                            builder.getI32IntegerAttr(b->params.zeroPoint)),
       builder.getNamedAttr("multiplier",
                            builder.getI32IntegerAttr(r->multiplier)),
       builder.getNamedAttr("shift", builder.getI32IntegerAttr(r->shift))});
  setOutputStage(mul, getRounding(), outParams->zeroPoint, lo, hi);
  record(output, mul, *outParams);
  addLayer(std::move(layer), output);
  return success();
}

LogicalResult Quantizer::quantizeStandaloneClamp(Operation *op) {
  auto x = lookup(op->getOperand(0), op);
  if (failed(x))
    return failure();
  auto clamp = getActivationClamp(op);
  if (failed(clamp))
    return op->emitError() << "whittle-quantize: '" << getLayerName(op)
                           << "' clips at computed bounds; only constant "
                              "bounds can be quantized";
  // Same scale and zero point: the activation is only a clamp.
  auto [lo, hi] = getClampBounds(x->params, *clamp);
  builder.setInsertionPoint(op);
  auto requantize = qnn::RequantizeOp::create(
      builder, op->getLoc(), TypeRange{x->value.getType()},
      ValueRange{x->value},
      {builder.getNamedAttr("multiplier", builder.getDenseI32ArrayAttr({1})),
       builder.getNamedAttr("shift", builder.getDenseI32ArrayAttr({0})),
       builder.getNamedAttr("min", builder.getI32IntegerAttr(lo)),
       builder.getNamedAttr("max", builder.getI32IntegerAttr(hi))});
  record(op->getResult(0), requantize, x->params);
  return success();
}

//===----------------------------------------------------------------------===//
// Pools, concatenation, data movement
//===----------------------------------------------------------------------===//

LogicalResult Quantizer::quantizeMaxPool(nn::MaxPoolOp op) {
  if (!op.getIndices().use_empty())
    return op.emitError() << "whittle-quantize: '" << getLayerName(op)
                          << "' uses MaxPool's Indices, which integer models "
                             "do not compute";
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  auto xType = cast<RankedTensorType>(op.getX().getType());
  auto geometry =
      nn::resolveWindow(op.getLoc(), xType.getShape().drop_front(2),
                        op.getKernelShape(), op.getStrides(), op.getDilations(),
                        op.getPads(), op.getAutoPad(), op.getCeilMode() != 0);
  if (failed(geometry))
    return failure();
  builder.setInsertionPoint(op);
  auto pool = qnn::MaxPoolOp::create(
      builder, op.getLoc(),
      TypeRange{withElementType(op.getY().getType(), builder.getI8Type())},
      ValueRange{x->value},
      {builder.getNamedAttr("kernel_shape",
                            builder.getDenseI64ArrayAttr(op.getKernelShape())),
       builder.getNamedAttr("strides",
                            builder.getDenseI64ArrayAttr(geometry->strides)),
       builder.getNamedAttr("dilations",
                            builder.getDenseI64ArrayAttr(geometry->dilations)),
       builder.getNamedAttr("pads",
                            builder.getDenseI64ArrayAttr(geometry->pads)),
       builder.getNamedAttr("ceil_mode",
                            builder.getBoolAttr(op.getCeilMode() != 0))});
  record(op.getY(), pool, x->params);
  return success();
}

LogicalResult Quantizer::quantizeAveragePool(nn::AveragePoolOp op) {
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  auto xType = cast<RankedTensorType>(op.getX().getType());
  auto geometry =
      nn::resolveWindow(op.getLoc(), xType.getShape().drop_front(2),
                        op.getKernelShape(), op.getStrides(), op.getDilations(),
                        op.getPads(), op.getAutoPad(), op.getCeilMode() != 0);
  if (failed(geometry))
    return failure();
  if (llvm::any_of(geometry->dilations, [](int64_t d) { return d != 1; }))
    return op.emitError() << "whittle-quantize: '" << getLayerName(op)
                          << "' is a dilated average pool, which qnn.avg_pool "
                             "does not have";
  Clamp clamp;
  Operation *fused;
  Value output = getFusedOutput(op, clamp, fused);
  auto outParams = getActivationParams(output, op);
  if (failed(outParams))
    return failure();
  auto r = getRescale(x->params.scale / outParams->scale, op);
  if (failed(r))
    return failure();
  auto [lo, hi] = getClampBounds(*outParams, clamp);
  builder.setInsertionPoint(fused ? fused : op.getOperation());
  auto pool = qnn::AvgPoolOp::create(
      builder, op.getLoc(),
      TypeRange{withElementType(output.getType(), builder.getI8Type())},
      ValueRange{x->value},
      {builder.getNamedAttr("kernel_shape",
                            builder.getDenseI64ArrayAttr(op.getKernelShape())),
       builder.getNamedAttr("strides",
                            builder.getDenseI64ArrayAttr(geometry->strides)),
       builder.getNamedAttr("pads",
                            builder.getDenseI64ArrayAttr(geometry->pads)),
       builder.getNamedAttr("ceil_mode",
                            builder.getBoolAttr(op.getCeilMode() != 0)),
       builder.getNamedAttr("count_include_pad",
                            builder.getBoolAttr(op.getCountIncludePad() != 0)),
       builder.getNamedAttr("input_zero_point",
                            builder.getI32IntegerAttr(x->params.zeroPoint)),
       builder.getNamedAttr("multiplier",
                            builder.getI32IntegerAttr(r->multiplier)),
       builder.getNamedAttr("shift", builder.getI32IntegerAttr(r->shift))});
  setOutputStage(pool, getRounding(false), outParams->zeroPoint, lo, hi);
  record(output, pool, *outParams);
  addLayer({getLayerName(op),
            "avg_pool",
            {x->params.scale, x->params.zeroPoint},
            std::nullopt,
            {outParams->scale, outParams->zeroPoint},
            {},
            {r->multiplier},
            {r->shift},
            0,
            std::nullopt},
           output);
  return success();
}

LogicalResult Quantizer::quantizeGlobalAveragePool(nn::GlobalAveragePoolOp op) {
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  Clamp clamp;
  Operation *fused;
  Value output = getFusedOutput(op, clamp, fused);
  auto outParams = getActivationParams(output, op);
  if (failed(outParams))
    return failure();
  auto r = getRescale(x->params.scale / outParams->scale, op);
  if (failed(r))
    return failure();
  auto [lo, hi] = getClampBounds(*outParams, clamp);
  builder.setInsertionPoint(fused ? fused : op.getOperation());
  auto pool = qnn::GlobalAvgPoolOp::create(
      builder, op.getLoc(),
      TypeRange{withElementType(output.getType(), builder.getI8Type())},
      ValueRange{x->value},
      {builder.getNamedAttr("input_zero_point",
                            builder.getI32IntegerAttr(x->params.zeroPoint)),
       builder.getNamedAttr("multiplier",
                            builder.getI32IntegerAttr(r->multiplier)),
       builder.getNamedAttr("shift", builder.getI32IntegerAttr(r->shift))});
  setOutputStage(pool, getRounding(false), outParams->zeroPoint, lo, hi);
  record(output, pool, *outParams);
  addLayer({getLayerName(op),
            "global_avg_pool",
            {x->params.scale, x->params.zeroPoint},
            std::nullopt,
            {outParams->scale, outParams->zeroPoint},
            {},
            {r->multiplier},
            {r->shift},
            0,
            std::nullopt},
           output);
  return success();
}

LogicalResult Quantizer::quantizeConcat(nn::ConcatOp op) {
  Clamp clamp;
  Operation *fused;
  Value output = getFusedOutput(op, clamp, fused);
  auto outParams = getActivationParams(output, op);
  if (failed(outParams))
    return failure();
  SmallVector<Value> inputs;
  SmallVector<int32_t> zeroPoints, multipliers, shifts;
  for (Value input : op->getOperands()) {
    auto x = lookupOrQuantizeConstant(input, op, false);
    if (failed(x))
      return failure();
    inputs.push_back(x->value);
    zeroPoints.push_back(x->params.zeroPoint);
    if (x->params.scale == outParams->scale) {
      multipliers.push_back(1);
      shifts.push_back(0);
      continue;
    }
    auto r = getRescale(x->params.scale / outParams->scale, op);
    if (failed(r))
      return failure();
    multipliers.push_back(r->multiplier);
    shifts.push_back(r->shift);
  }
  auto rank = cast<RankedTensorType>(output.getType()).getRank();
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += rank;
  auto [lo, hi] = getClampBounds(*outParams, clamp);
  builder.setInsertionPoint(fused ? fused : op.getOperation());
  auto concat = qnn::ConcatOp::create(
      builder, op.getLoc(),
      TypeRange{withElementType(output.getType(), builder.getI8Type())}, inputs,
      {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis)),
       builder.getNamedAttr("input_zero_points",
                            builder.getDenseI32ArrayAttr(zeroPoints)),
       builder.getNamedAttr("multipliers",
                            builder.getDenseI32ArrayAttr(multipliers)),
       builder.getNamedAttr("shifts", builder.getDenseI32ArrayAttr(shifts))});
  setOutputStage(concat, getRounding(), outParams->zeroPoint, lo, hi);
  record(output, concat, *outParams);
  return success();
}

//===----------------------------------------------------------------------===//
// Nonlinearities
//===----------------------------------------------------------------------===//

LogicalResult
Quantizer::quantizeLookupTable(Operation *op,
                               llvm::function_ref<double(double)> f) {
  auto x = lookup(op->getOperand(0), op);
  if (failed(x))
    return failure();
  Clamp clamp;
  Operation *fused;
  Value output = getFusedOutput(op, clamp, fused);
  auto outParams = getActivationParams(output, op);
  if (failed(outParams))
    return failure();
  // Every input integer's real value through f (and the fused clamp), in
  // double, rounded once to the output grid.
  bool halfAway = rounding == qnn::RoundingMode::half_away;
  SmallVector<int8_t> table;
  for (int i = -128; i <= 127; ++i) {
    double real = f(x->params.scale * (i - x->params.zeroPoint));
    real = std::clamp(real, clamp.lo, clamp.hi);
    double q = real / outParams->scale;
    q = halfAway ? std::round(q) : std::nearbyint(q);
    if (std::isnan(q))
      return op->emitError() << "whittle-quantize: '" << getLayerName(op)
                             << "' is not defined at the input value "
                             << x->params.scale * (i - x->params.zeroPoint);
    table.push_back(static_cast<int8_t>(
        std::clamp(q + outParams->zeroPoint, -128.0, 127.0)));
  }
  builder.setInsertionPoint(fused ? fused : op);
  auto lut = qnn::LookupTableOp::create(
      builder, op->getLoc(), TypeRange{x->value.getType()},
      ValueRange{x->value},
      {builder.getNamedAttr("table", builder.getDenseI8ArrayAttr(table))});
  record(output, lut, *outParams);
  LayerReport layer;
  layer.name = getLayerName(op);
  layer.kind = "lut";
  layer.input = {x->params.scale, x->params.zeroPoint};
  layer.output = {outParams->scale, outParams->zeroPoint};
  addLayer(std::move(layer), output);
  return success();
}

LogicalResult Quantizer::quantizeSoftmax(nn::SoftmaxOp op) {
  auto x = lookup(op.getInput(), op);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(op.getType()).getRank();
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += rank;
  // Softmax is in [0, 1]: scale 1/256 with zero point -128 covers it with
  // every level (1.0 saturates to 255/256).
  QParams outParams{1.0 / 256.0, -128};
  SmallVector<int32_t> expTable = qnn::getSoftmaxExpTable(x->params.scale);
  // y = e * 256 / sum: multiplier 1 and shift -8 are exact in both schemes.
  int32_t multiplier = 1, shift = -8;
  builder.setInsertionPoint(op);
  auto softmax = qnn::SoftmaxOp::create(
      builder, op.getLoc(),
      TypeRange{withElementType(op.getType(), builder.getI8Type())},
      ValueRange{x->value},
      {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis)),
       builder.getNamedAttr("exp_table",
                            builder.getDenseI32ArrayAttr(expTable)),
       builder.getNamedAttr("multiplier",
                            builder.getI32IntegerAttr(multiplier)),
       builder.getNamedAttr("shift", builder.getI32IntegerAttr(shift)),
       builder.getNamedAttr("rounding", getRounding(false)),
       builder.getNamedAttr("output_zero_point",
                            builder.getI32IntegerAttr(outParams.zeroPoint))});
  record(op.getResult(), softmax, outParams);
  LayerReport layer;
  layer.name = getLayerName(op);
  layer.kind = "softmax";
  layer.input = {x->params.scale, x->params.zeroPoint};
  layer.output = {outParams.scale, outParams.zeroPoint};
  layer.multipliers = {multiplier};
  layer.shifts = {shift};
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

/// Interpolation stays within the input's range: qnn.resize keeps its
/// parameters.
LogicalResult Quantizer::quantizeResize(nn::ResizeOp op) {
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  builder.setInsertionPoint(op);
  std::string reason;
  FailureOr<qnn::ResizeOp> resize =
      qnn::buildResize(builder, op, x->value, getRounding().getValue(), reason);
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
    results.push_back(qnn::DequantizeOp::create(
        builder, op.getLoc(), TypeRange{operand.getType()},
        ValueRange{x->value},
        {builder.getNamedAttr(
             "scale", builder.getDenseF32ArrayAttr({float(x->params.scale)})),
         builder.getNamedAttr("zero_point", builder.getDenseI32ArrayAttr(
                                                {x->params.zeroPoint}))}));
  }
  op->setOperands(results);
  return success();
}

LogicalResult Quantizer::quantizeOp(Operation *op) {
  if (fusedOps.contains(op))
    return success();
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](nn::ConvOp conv) { return quantizeConv(conv); })
      .Case([&](nn::GemmOp gemm) {
        if (gemm.getTransA() != 0)
          return LogicalResult(gemm.emitError()
                               << "whittle-quantize: '" << getLayerName(gemm)
                               << "' transposes A; only Gemm with transA = 0 "
                                  "can be quantized");
        return quantizeMatrixProduct(gemm, gemm.getA(), gemm.getB(),
                                     gemm.getC(), gemm.getTransB() != 0,
                                     gemm.getAlpha().convertToDouble(),
                                     gemm.getBeta().convertToDouble());
      })
      .Case([&](nn::MatMulOp matmul) {
        return quantizeMatrixProduct(matmul, matmul.getA(), matmul.getB(),
                                     Value(), false, 1.0, 1.0);
      })
      .Case([&](nn::AddOp) { return quantizeAddSub(op, false); })
      .Case([&](nn::SubOp) { return quantizeAddSub(op, true); })
      .Case([&](nn::MulOp) { return quantizeMulDiv(op, false); })
      .Case([&](nn::DivOp) { return quantizeMulDiv(op, true); })
      .Case<nn::ReluOp, nn::ClipOp>(
          [&](Operation *) { return quantizeStandaloneClamp(op); })
      .Case([&](nn::MaxPoolOp pool) { return quantizeMaxPool(pool); })
      .Case([&](nn::AveragePoolOp pool) { return quantizeAveragePool(pool); })
      .Case([&](nn::GlobalAveragePoolOp pool) {
        return quantizeGlobalAveragePool(pool);
      })
      .Case([&](nn::ConcatOp concat) { return quantizeConcat(concat); })
      .Case([&](nn::SigmoidOp) {
        return quantizeLookupTable(
            op, [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
      })
      .Case([&](nn::TanhOp) {
        return quantizeLookupTable(op, [](double x) { return std::tanh(x); });
      })
      .Case([&](nn::ExpOp) {
        return quantizeLookupTable(op, [](double x) { return std::exp(x); });
      })
      .Case([&](nn::ErfOp) {
        return quantizeLookupTable(op, [](double x) { return std::erf(x); });
      })
      .Case([&](nn::GeluOp gelu) {
        if (gelu.getApproximate() == "tanh")
          return quantizeLookupTable(op, [](double x) {
            return 0.5 * x *
                   (1.0 + std::tanh(0.7978845608028654 * // sqrt(2 / pi)
                                    (x + 0.044715 * x * x * x)));
          });
        return quantizeLookupTable(op, [](double x) {
          return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
        });
      })
      .Case([&](nn::HardSigmoidOp hard) {
        double alpha = hard.getAlpha().convertToDouble(),
               beta = hard.getBeta().convertToDouble();
        return quantizeLookupTable(op, [=](double x) {
          return std::clamp(alpha * x + beta, 0.0, 1.0);
        });
      })
      .Case([&](nn::HardSwishOp) {
        return quantizeLookupTable(op, [](double x) {
          return x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0);
        });
      })
      .Case([&](nn::LeakyReluOp leaky) {
        double alpha = leaky.getAlpha().convertToDouble();
        return quantizeLookupTable(
            op, [=](double x) { return x >= 0 ? x : alpha * x; });
      })
      .Case([&](nn::SoftmaxOp softmax) { return quantizeSoftmax(softmax); })
      .Case([&](nn::ResizeOp resize) {
        return nn::isDataMovement(resize) ? quantizeDataMovement(resize)
                                          : quantizeResize(resize);
      })
      .Case([&](func::ReturnOp ret) { return quantizeReturn(ret); })
      .Default([&](Operation *) {
        // Concat matched above; Pad's value would need quantizing.
        if (nn::isDataMovement(op) && !isa<nn::PadOp>(op))
          return quantizeDataMovement(op);
        bool touchesFloats = llvm::any_of(op->getResultTypes(), [](Type t) {
          return isa<FloatType>(getElementTypeOrSelf(t));
        });
        if (!touchesFloats || op->hasTrait<OpTrait::ConstantLike>() ||
            isa<nn::NoneOp>(op))
          return success();
        return LogicalResult(
            op->emitError()
            << "whittle-quantize: cannot quantize '" << getLayerName(op)
            << "' (" << op->getName()
            << "): qnn has no integer form of it; supported are Conv, Gemm, "
               "MatMul with constant weights, Add, Sub, Mul, Div by a "
               "constant, Relu, Clip, MaxPool, AveragePool, "
               "GlobalAveragePool, Concat, Softmax, Resize, data movement "
               "and the "
               "elementwise Sigmoid, Tanh, Exp, Erf, Gelu, HardSigmoid, "
               "HardSwish and LeakyRelu. Replace it in the model or leave "
               "the model in float");
      });
}

LogicalResult Quantizer::run() {
  Block &body = func.getBody().front();
  builder.setInsertionPointToStart(&body);
  for (BlockArgument argument : body.getArguments()) {
    if (!isa<FloatType>(getElementTypeOrSelf(argument.getType())))
      continue;
    auto params = getActivationParams(argument, func);
    if (failed(params))
      return failure();
    SmallVector<NamedAttribute> attrs{
        builder.getNamedAttr(
            "scale", builder.getDenseF32ArrayAttr({float(params->scale)})),
        builder.getNamedAttr(
            "zero_point", builder.getDenseI32ArrayAttr({params->zeroPoint}))};
    if (rounding == qnn::RoundingMode::half_away)
      attrs.push_back(builder.getNamedAttr("rounding", getRounding()));
    auto quantize = qnn::QuantizeOp::create(
        builder, func.getLoc(),
        TypeRange{withElementType(argument.getType(), builder.getI8Type())},
        ValueRange{argument}, attrs);
    // The quantize op rounds the float to the recorded scale: that scale
    // must be exactly the float32 one everybody else uses.
    params->scale = float(params->scale);
    record(argument, quantize, *params);
  }
  for (Operation &op : llvm::make_early_inc_range(body))
    if (failed(quantizeOp(&op)))
      return failure();
  return success();
}

void Quantizer::eraseFloatModel() {
  // Dead from the outputs back.
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func.removeArgAttr(0, kRangeAttrName);
  layerOutputs.clear();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
struct QuantizePass : whittle::impl::WhittleQuantizeBase<QuantizePass> {
  using Base::Base;
  void runOnOperation() override;
};
} // namespace

void QuantizePass::runOnOperation() {
  ModuleOp module = getOperation();
  auto fail = [&](const Twine &message) {
    module.emitError() << "whittle-quantize: " << message;
    signalPassFailure();
  };
  Scheme parsedScheme;
  if (scheme == "fixed-point")
    parsedScheme = Scheme::FixedPoint;
  else if (scheme == "pow2")
    parsedScheme = Scheme::PowerOfTwo;
  else
    return fail("unknown scheme '" + scheme + "'; use fixed-point or pow2");
  auto mode =
      llvm::StringSwitch<std::optional<qnn::RoundingMode>>(rounding)
          .Case("nearest-even", qnn::RoundingMode::nearest_even)
          .Case("half-away", qnn::RoundingMode::half_away)
          .Case("pseudo-stochastic", qnn::RoundingMode::pseudo_stochastic)
          .Default(std::nullopt);
  if (!mode)
    return fail("unknown rounding '" + rounding +
                "'; use nearest-even, half-away or pseudo-stochastic");
  if (weights != "per-channel" && weights != "per-tensor")
    return fail("unknown weights '" + weights +
                "'; use per-channel or per-tensor");
  if (activations != "symmetric" && activations != "asymmetric")
    return fail("unknown activations '" + activations +
                "'; use symmetric or asymmetric");

  {
    RewritePatternSet patterns(&getContext());
    nn::populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
  }
  auto func = module.lookupSymbol<func::FuncOp>("main");
  if (!func || func.getBody().getBlocks().size() != 1)
    return fail("needs a function @main with one block");
  Quantizer quantizer(func, parsedScheme, *mode, weights == "per-channel",
                      activations == "symmetric", unsignedAfterRelu);
  if (failed(quantizer.run()))
    return signalPassFailure();
  std::vector<LayerReport> layers = quantizer.takeReport();
  if (!report.empty() && sqnr) {
    // By default, the samples calibration ran on.
    std::string data = sqnrData;
    int64_t limit = sqnrLimit;
    auto calibration =
        module->getAttrOfType<DictionaryAttr>(kCalibrationAttrName);
    if (data.empty() && calibration)
      if (auto path = calibration.getAs<StringAttr>("data")) {
        data = path.str();
        if (auto samples = calibration.getAs<IntegerAttr>("samples");
            samples && limit < 0)
          limit = samples.getInt();
      }
    if (!data.empty()) {
      SmallVector<std::optional<double>> sqnrs(layers.size());
      if (failed(measureLayerSQNR(module, quantizer.getLayerOutputs(), data,
                                  limit, sqnrs)))
        return signalPassFailure();
      for (auto [layer, value] : llvm::zip(layers, sqnrs))
        layer.sqnr = value;
    }
  }
  quantizer.eraseFloatModel();
  for (Operation &op : func.getBody().front())
    op.removeAttr(kRangeAttrName);
  if (!report.empty()) {
    printQuantizeReportTable(layers, llvm::outs());
    if (report != "-")
      if (auto error = writeQuantizeReport(layers, scheme, report))
        return fail(llvm::toString(std::move(error)));
  }
}
