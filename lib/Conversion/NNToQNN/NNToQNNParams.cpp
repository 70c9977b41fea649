//===- NNToQNNParams.cpp - ONNX's scales and zero points ------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "NNToQNNConverter.h"

#include "whittle/Dialect/NN/NNOpKinds.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNArithmetic.h"

#include <cmath>

using namespace mlir;
using namespace whittle;
using namespace whittle::nntoqnn;

namespace whittle::nntoqnn {

Type getElementType(Value value) {
  return cast<ShapedType>(value.getType()).getElementType();
}

bool isPlainInt8(Type type) {
  return type.isSignlessInteger(8) || type.isUnsignedInteger(8);
}

bool isInt8Tensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isPlainInt8(type.getElementType());
}

bool isConstantOrNone(Value value) {
  return !value || nn::isNone(value) || nn::getConstantElements(value);
}

/// Reads constant scales (f32) and zero points (`none` meaning 0) of a tensor
/// whose element type is `dataType`; a uint8 zero point becomes `z - 128`.
std::optional<ONNXParams> readParams(Value scale, Value zeroPoint,
                                     Type dataType, int64_t axis,
                                     int64_t rank) {
  if (!getElementType(scale).isF32())
    return std::nullopt;
  ElementsAttr scaleAttr = nn::getConstantElements(scale);
  if (!scaleAttr)
    return std::nullopt;
  std::optional<SmallVector<double>> scales = nn::readAsDoubles(scaleAttr);
  if (!scales || scales->empty())
    return std::nullopt;
  ONNXParams params;
  for (double s : *scales)
    params.scales.push_back(static_cast<float>(s));
  if (!zeroPoint || nn::isNone(zeroPoint)) {
    int32_t none = dataType.isUnsignedInteger(8) ? -128 : 0;
    params.zeroPoints.assign(params.scales.size(), none);
  } else {
    std::optional<SmallVector<int32_t>> zps =
        readZeroPoints(zeroPoint, dataType);
    if (!zps || zps->size() != params.scales.size())
      return std::nullopt;
    params.zeroPoints = std::move(*zps);
  }
  params.axis = axis < 0 ? axis + rank : axis;
  return params;
}

/// ONNX Runtime's real rescale ratio `a * b / c`, evaluated in float32 as
/// its kernels do.
double ratio(float a, float b, float c) {
  float product = a * b;
  return static_cast<double>(product / c);
}

/// `round(value / scale) + zeroPoint` saturated to i8, as QuantizeLinear
/// computes it (float32 division, half to even).
int32_t quantizeScalar(float value, float scale, int32_t zeroPoint) {
  double q = std::nearbyint(static_cast<double>(value / scale)) + zeroPoint;
  return static_cast<int32_t>(std::clamp(q, -128.0, 127.0));
}

/// The 31-bit fixed-point rescale of the real ratio `real`.
std::optional<qnn::Rescale> getRescale(double real) {
  std::optional<qnn::FixedPointMultiplier> fixed =
      qnn::getFixedPointMultiplier(real);
  if (!fixed)
    return std::nullopt;
  return qnn::Rescale{fixed->multiplier, fixed->shift};
}

/// The output stage of a rescale to `y` clamped by `clamp`.
qnn::OutputStage getOutputStage(const ONNXParams &y, Clamp clamp,
                                qnn::RoundingMode rounding) {
  return {rounding, y.zeroPoint(), clamp};
}

std::optional<float> getScalarFloat(Value value) {
  ElementsAttr attr = nn::getConstantElements(value);
  if (!attr)
    return std::nullopt;
  std::optional<SmallVector<double>> values = nn::readAsDoubles(attr);
  if (!values || values->size() != 1)
    return std::nullopt;
  return static_cast<float>(values->front());
}

/// The elementwise function of one float that `op` computes, if it is one
/// whose quantized form is a lookup table: the activations between
/// DequantizeLinear and QuantizeLinear that ONNX Runtime's quantizer leaves
/// in float.
std::optional<nn::ScalarFunction> getUnaryFunction(Operation *op) {
  using Kind = nn::ScalarFunction::Kind;
  std::optional<nn::ScalarFunction> f = nn::getScalarFunction(op);
  if (!f)
    return std::nullopt;
  switch (f->getKind()) {
  case Kind::Identity:
  case Kind::Relu:
  case Kind::Clip:
  case Kind::LeakyRelu:
  case Kind::Sigmoid:
  case Kind::Tanh:
  case Kind::HardSigmoid:
  case Kind::HardSwish:
  case Kind::Exp:
    return f;
  default:
    return std::nullopt;
  }
}

/// A 256-entry table of `quantize(f(dequantize(q)))` for every i8 `q`.
SmallVector<int8_t> buildTable(const nn::ScalarFunction &f, const ONNXParams &x,
                               const ONNXParams &y) {
  SmallVector<int8_t> table;
  for (int32_t q = -128; q <= 127; ++q) {
    float real = static_cast<float>(q - x.zeroPoint()) * x.scale();
    table.push_back(
        static_cast<int8_t>(quantizeScalar(f(real), y.scale(), y.zeroPoint())));
  }
  return table;
}

/// Ops that move quantized elements without looking at their values. Not
/// Concat (its inputs may differ in scale: qnn.concat) nor Pad (its value
/// would need quantizing).
bool isDataMovement(Operation *op) {
  return nn::isDataMovement(op) && !isa<nn::ConcatOp, nn::PadOp>(op);
}

/// An operand of data movement that is float data rather than a shape, an
/// index or a constant scale (a nearest Resize's `scales` and `roi`).
bool isFloatData(Value value) {
  auto type = dyn_cast<ShapedType>(value.getType());
  return type && isa<FloatType>(type.getElementType()) &&
         !nn::getConstantElements(value);
}

/// Explicit strides, dilations and pads of a Conv, QLinearConv or
/// ConvInteger (they share ONNX's Conv attributes).
template <typename ConvLikeOp>
static FailureOr<nn::WindowGeometry> getConvGeometry(ConvLikeOp op) {
  auto x = cast<RankedTensorType>(op.getX().getType());
  auto w = cast<RankedTensorType>(op.getW().getType());
  if (!x.hasStaticShape() || !w.hasStaticShape() || x.getRank() < 3)
    return failure();
  return nn::resolveWindow(std::nullopt, x.getShape().drop_front(2),
                           w.getShape().drop_front(2), op.getStrides(),
                           op.getDilations(), op.getPads(), op.getAutoPad());
}

FailureOr<nn::WindowGeometry> getConvGeometry(Operation *op) {
  if (auto conv = dyn_cast<nn::ConvOp>(op))
    return getConvGeometry(conv);
  if (auto conv = dyn_cast<nn::QLinearConvOp>(op))
    return getConvGeometry(conv);
  if (auto conv = dyn_cast<nn::ConvIntegerOp>(op))
    return getConvGeometry(conv);
  return failure();
}

int64_t getConvGroup(Operation *op) {
  if (auto conv = dyn_cast<nn::ConvOp>(op))
    return conv.getGroup();
  if (auto conv = dyn_cast<nn::QLinearConvOp>(op))
    return conv.getGroup();
  return cast<nn::ConvIntegerOp>(op).getGroup();
}

/// The zero points of an integer product's operand in the i8 form (one, or
/// one per channel), `none` meaning 0.
std::optional<SmallVector<int32_t>> readZeroPoints(Value zeroPoint,
                                                   Type dataType) {
  int32_t offset = dataType.isUnsignedInteger(8) ? 128 : 0;
  if (nn::isNone(zeroPoint))
    return SmallVector<int32_t>{-offset};
  ElementsAttr attr = nn::getConstantElements(zeroPoint);
  if (!attr)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> ints = nn::readAsInts(attr);
  if (!ints || ints->empty())
    return std::nullopt;
  SmallVector<int32_t> result;
  for (int64_t z : *ints)
    result.push_back(static_cast<int32_t>(z) - offset);
  return result;
}

} // namespace whittle::nntoqnn
