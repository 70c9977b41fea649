//===- NNToQNN.cpp - quantized ONNX graphs to qnn -------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Quantized ONNX models come in two forms: QDQ (float ops between
// DequantizeLinear and QuantizeLinear) and QOperator (QLinearConv and
// friends on 8-bit tensors). Both become qnn here.
//
// A uint8 tensor becomes the i8 tensor `q - 128` with zero point `z - 128`,
// so converting one op changes the type of the values it shares with its
// neighbours. The conversion therefore walks the function in order and
// keeps, for every 8-bit quantized value it has converted, its i8
// counterpart (`signedOf`). New ops are built beside the old ones; the old
// ones die when nothing reads them any more, and whatever is still read by
// an op the walk did not convert stays, so the result is always correct.
//
// Rescales use the real ratio as ONNX Runtime computes it (float32
// `x_scale * w_scale / y_scale`), which a 31-bit fixed-point multiplier
// represents exactly. Requantization of products rounds as float32
// (`round(float(acc) * ratio)`, qnn's `float32` rounding), the other
// rescales exactly to nearest even.
//
//===----------------------------------------------------------------------===//

#include "whittle/Conversion/NNToQNN/NNToQNN.h"
#include "whittle/Dialect/NN/NNOpKinds.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNScalarFunctions.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNArithmetic.h"
#include "whittle/Dialect/QNN/QNNBuilders.h"
#include "whittle/Dialect/QNN/QNNResize.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

#include <cmath>

namespace whittle {
#define GEN_PASS_DEF_NNTOQNN
#include "whittle/Conversion/Passes.h.inc"
} // namespace whittle

using namespace mlir;
using namespace whittle;

namespace {

//===----------------------------------------------------------------------===//
// Quantization parameters
//===----------------------------------------------------------------------===//

/// Constant scales and zero points of one quantized tensor as the ONNX model
/// stores them (float32, per tensor or per channel along `axis`), zero
/// points in the signed (i8) form. The ops are built from them through
/// qnn's builders (QNNBuilders.h), as --whittle-quantize builds its own.
struct ONNXParams {
  SmallVector<float> scales;
  SmallVector<int32_t> zeroPoints;
  int64_t axis = 1;

  bool isPerTensor() const { return scales.size() == 1; }
  float scale() const { return scales.front(); }
  int32_t zeroPoint() const { return zeroPoints.front(); }
  bool operator==(const ONNXParams &other) const {
    return scales == other.scales && zeroPoints == other.zeroPoints &&
           (isPerTensor() || axis == other.axis);
  }
};

using qnn::Clamp;

/// ONNX TensorProto data types, for nn.cast's `to`.
constexpr int64_t kOnnxUInt8 = 2, kOnnxInt8 = 3, kOnnxInt32 = 6;

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
  int32_t offset = dataType.isUnsignedInteger(8) ? 128 : 0;
  if (!zeroPoint || nn::isNone(zeroPoint)) {
    params.zeroPoints.assign(params.scales.size(), -offset);
  } else {
    ElementsAttr zpAttr = nn::getConstantElements(zeroPoint);
    if (!zpAttr)
      return std::nullopt;
    std::optional<SmallVector<int64_t>> zps = nn::readAsInts(zpAttr);
    if (!zps || zps->size() != params.scales.size())
      return std::nullopt;
    for (int64_t z : *zps)
      params.zeroPoints.push_back(static_cast<int32_t>(z) - offset);
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
qnn::OutputStage
getOutputStage(const ONNXParams &y, Clamp clamp,
               qnn::RoundingMode rounding = qnn::RoundingMode::nearest_even) {
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

//===----------------------------------------------------------------------===//
// The conversion
//===----------------------------------------------------------------------===//

/// An 8-bit operand in its i8 form with its parameters.
struct QOperand {
  Value value;
  ONNXParams params;
};

/// A per-tensor operand as qnn's builders take it.
qnn::Operand operand(const QOperand &q) {
  return {q.value, q.params.zeroPoint()};
}

class Converter {
public:
  explicit Converter(func::FuncOp func) : func(func), b(func.getContext()) {}

  LogicalResult run();

private:
  // Values.
  Value getSigned(Value value);
  Value buildOffset(Value value, int32_t offset, int64_t onnxType);
  Value transposeConstant(Value value);
  std::optional<QOperand> getDequantized(Value value);
  std::optional<QOperand> getOperand(Value data, Value scale, Value zeroPoint,
                                     int64_t axis = 1);
  FailureOr<Value> getBias(Value value, ArrayRef<double> expected);

  // Builders shared by the QDQ and QOperator forms.
  Value buildRequantize(Location loc, Value acc, ArrayRef<double> reals,
                        int64_t axis, const ONNXParams &y, Clamp clamp);
  Value buildConv(Location loc, const QOperand &x, const QOperand &w,
                  Value bias, Operation *convLike, const ONNXParams &y,
                  Clamp clamp);
  Value buildMatMul(Location loc, const QOperand &a, const QOperand &bOp,
                    Value bias, double alpha, const ONNXParams &y, Clamp clamp);
  Value buildAdd(Location loc, const QOperand &a, const QOperand &bOp,
                 const ONNXParams &y, Clamp clamp, bool isMul);
  Value buildAvgPool(Location loc, const QOperand &x, Operation *pool,
                     const ONNXParams &y, Clamp clamp);
  Value buildConcat(Location loc, ArrayRef<QOperand> inputs, int64_t axis,
                    const ONNXParams &y, Clamp clamp);
  Value buildSoftmax(Location loc, const QOperand &x, int64_t axis,
                     const ONNXParams &y, Clamp clamp);
  Value buildReshape(Location loc, Value value, ArrayRef<int64_t> shape);
  Value requantizeByTable(Location loc, Value value, const ONNXParams &x,
                          const ONNXParams &y);

  // QDQ.
  std::optional<Clamp> getActivationClamp(Operation *op, const ONNXParams &y);
  Value fuse(Value x, const ONNXParams &y, Clamp clamp);
  Value fuseGemm(nn::GemmOp gemm, const ONNXParams &y, Clamp clamp);
  void visitQuantize(nn::QuantizeLinearOp op);
  void visitDequantize(nn::DequantizeLinearOp op);

  // QOperator and data movement.
  void visitDataMovement(Operation *op);
  void visitMaxPool(nn::MaxPoolOp op);
  void visitQLinearConv(nn::QLinearConvOp op);
  void visitQLinearMatMul(nn::QLinearMatMulOp op);
  void visitConvInteger(nn::ConvIntegerOp op);
  void visitMatMulInteger(nn::MatMulIntegerOp op);
  void visitMicrosoftOp(Operation *op);

  func::FuncOp func;
  OpBuilder b;
  DenseMap<Value, Value> signedOf;
};

Value Converter::getSigned(Value value) {
  if (auto it = signedOf.find(value); it != signedOf.end())
    return it->second;
  if (!isInt8Tensor(value))
    return {};
  // Signless i8 already is the signed form, whatever produces it (a graph
  // input of a model with integer I/O, for one).
  if (getElementType(value).isSignlessInteger(8))
    return signedOf[value] = value;
  ElementsAttr attr = nn::getConstantElements(value);
  if (!attr)
    return signedOf[value] = buildOffset(value, -128, kOnnxInt8);
  std::optional<SmallVector<int64_t>> ints = nn::readAsInts(attr);
  if (!ints)
    return {};
  for (int64_t &v : *ints)
    v -= 128;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfterValue(value);
  auto type = RankedTensorType::get(
      cast<RankedTensorType>(value.getType()).getShape(), b.getI8Type());
  Value constant = nn::ConstantOp::create(
      b, value.getLoc(), nn::createElementsFromInts(type, *ints, "weights"));
  return signedOf[value] = constant;
}

/// `value + offset` converted to the ONNX type `onnxType`, exactly through
/// i32: `q - 128` in i8 for a uint8 value computed at run time (a graph
/// input of a uint8 model with integer I/O), and back.
Value Converter::buildOffset(Value value, int32_t offset, int64_t onnxType) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfterValue(value);
  Location loc = value.getLoc();
  Value wide = nn::CastOp::create(b, loc, value, kOnnxInt32);
  auto scalarType = RankedTensorType::get({}, b.getI32Type());
  Value constant = nn::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scalarType, offset));
  Value shifted = nn::AddOp::create(b, loc, wide, constant);
  return nn::CastOp::create(b, loc, shifted, onnxType);
}

/// The transpose of a constant i8 matrix (Gemm's transB on weights).
Value Converter::transposeConstant(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  ElementsAttr attr = nn::getConstantElements(value);
  if (!attr || type.getRank() != 2)
    return {};
  std::optional<SmallVector<int64_t>> ints = nn::readAsInts(attr);
  if (!ints)
    return {};
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  SmallVector<int64_t> transposed(ints->size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      transposed[c * rows + r] = (*ints)[r * cols + c];
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfterValue(value);
  auto newType = RankedTensorType::get({cols, rows}, b.getI8Type());
  return nn::ConstantOp::create(
      b, value.getLoc(),
      nn::createElementsFromInts(newType, transposed, "weights"));
}

std::optional<QOperand> Converter::getOperand(Value data, Value scale,
                                              Value zeroPoint, int64_t axis) {
  if (!isInt8Tensor(data))
    return std::nullopt;
  Value value = getSigned(data);
  if (!value)
    return std::nullopt;
  std::optional<ONNXParams> params =
      readParams(scale, zeroPoint, getElementType(data), axis,
                 cast<ShapedType>(data.getType()).getRank());
  if (!params)
    return std::nullopt;
  return QOperand{value, *params};
}

/// The i8 form and parameters of a float value produced by a
/// DequantizeLinear of an 8-bit tensor.
std::optional<QOperand> Converter::getDequantized(Value value) {
  auto dq = value.getDefiningOp<nn::DequantizeLinearOp>();
  if (!dq || dq.getBlockSize() != 0)
    return std::nullopt;
  return getOperand(dq.getX(), dq.getXScale(), dq.getXZeroPoint(),
                    dq.getAxis());
}

/// The int32 bias of a quantized product: `none`, or (QDQ) the constant of a
/// DequantizeLinear with zero point 0 and the scales `expected`
/// (x_scale * w_scale per output channel). Null for `none`.
FailureOr<Value> Converter::getBias(Value value, ArrayRef<double> expected) {
  if (!value || nn::isNone(value))
    return Value();
  auto dq = value.getDefiningOp<nn::DequantizeLinearOp>();
  if (!dq || !getElementType(dq.getX()).isSignlessInteger(32) ||
      cast<ShapedType>(dq.getX().getType()).getRank() != 1)
    return failure();
  std::optional<ONNXParams> params =
      readParams(dq.getXScale(), dq.getXZeroPoint(), getElementType(dq.getX()),
                 dq.getAxis(), 1);
  if (!params)
    return failure();
  for (size_t i = 0; i < expected.size(); ++i) {
    double scale = params->scales[params->isPerTensor() ? 0 : i];
    if (params->zeroPoints[params->isPerTensor() ? 0 : i] != 0 ||
        std::abs(scale - expected[i]) > 1e-6 * expected[i])
      return failure();
  }
  if (!params->isPerTensor() && params->scales.size() != expected.size())
    return failure();
  return dq.getX();
}

Value Converter::buildRequantize(Location loc, Value acc,
                                 ArrayRef<double> reals, int64_t axis,
                                 const ONNXParams &y, Clamp clamp) {
  SmallVector<qnn::Rescale> rescales;
  for (double real : reals) {
    std::optional<qnn::Rescale> rescale = getRescale(real);
    if (!rescale)
      return {};
    rescales.push_back(*rescale);
  }
  // The ratios are float32 numbers, which the multipliers hold exactly:
  // float32 rounding then gives `round(float(acc) * ratio)` as ONNX's
  // float32 definition (and ONNX Runtime) evaluates it.
  return qnn::buildRequantize(
      b, loc, acc, rescales, axis,
      getOutputStage(y, clamp, qnn::RoundingMode::float32));
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

static FailureOr<nn::WindowGeometry> getConvGeometry(Operation *op) {
  if (auto conv = dyn_cast<nn::ConvOp>(op))
    return getConvGeometry(conv);
  if (auto conv = dyn_cast<nn::QLinearConvOp>(op))
    return getConvGeometry(conv);
  if (auto conv = dyn_cast<nn::ConvIntegerOp>(op))
    return getConvGeometry(conv);
  return failure();
}

static int64_t getConvGroup(Operation *op) {
  return cast<IntegerAttr>(op->getAttr("group")).getInt();
}

Value Converter::buildConv(Location loc, const QOperand &x, const QOperand &w,
                           Value bias, Operation *convLike, const ONNXParams &y,
                           Clamp clamp) {
  int64_t channels = cast<ShapedType>(w.value.getType()).getDimSize(0);
  if (!x.params.isPerTensor() || !y.isPerTensor() ||
      (!w.params.isPerTensor() &&
       (w.params.axis != 0 ||
        static_cast<int64_t>(w.params.scales.size()) != channels)))
    return {};
  FailureOr<nn::WindowGeometry> geometry = getConvGeometry(convLike);
  if (failed(geometry))
    return {};
  Value acc = qnn::buildConv(b, convLike->getLoc(), operand(x), w.value,
                             w.params.zeroPoints, bias, *geometry,
                             getConvGroup(convLike));
  SmallVector<double> reals;
  for (float ws : w.params.scales)
    reals.push_back(ratio(x.params.scale(), ws, y.scale()));
  return buildRequantize(loc, acc, reals, 1, y, clamp);
}

/// `a` x `bOp` with `bOp`'s parameters per tensor or per column.
Value Converter::buildMatMul(Location loc, const QOperand &a,
                             const QOperand &bOp, Value bias, double alpha,
                             const ONNXParams &y, Clamp clamp) {
  auto bType = cast<RankedTensorType>(bOp.value.getType());
  if (!a.params.isPerTensor() || !y.isPerTensor() || bType.getRank() < 2 ||
      (!bOp.params.isPerTensor() &&
       (bOp.params.axis != bType.getRank() - 1 ||
        static_cast<int64_t>(bOp.params.scales.size()) !=
            bType.getDimSize(bType.getRank() - 1))))
    return {};
  if (cast<ShapedType>(a.value.getType()).getRank() < 2)
    return {};
  Value acc = qnn::buildMatMul(b, loc, operand(a), bOp.value,
                               bOp.params.zeroPoints, bias);
  SmallVector<double> reals;
  for (float bs : bOp.params.scales)
    reals.push_back(static_cast<double>(
        static_cast<float>(ratio(a.params.scale(), bs, y.scale())) *
        static_cast<float>(alpha)));
  int64_t axis = cast<ShapedType>(acc.getType()).getRank() - 1;
  return buildRequantize(loc, acc, reals, axis, y, clamp);
}

Value Converter::buildAdd(Location loc, const QOperand &a, const QOperand &bOp,
                          const ONNXParams &y, Clamp clamp, bool isMul) {
  if (!a.params.isPerTensor() || !bOp.params.isPerTensor() || !y.isPerTensor())
    return {};
  if (isMul) {
    std::optional<qnn::Rescale> rescale =
        getRescale(ratio(a.params.scale(), bOp.params.scale(), y.scale()));
    if (!rescale)
      return {};
    return qnn::buildMul(b, loc, operand(a), operand(bOp), *rescale,
                         getOutputStage(y, clamp));
  }
  // Both ratios share one shift; the larger gets a 31-bit multiplier.
  double ra = static_cast<float>(a.params.scale() / y.scale());
  double rb = static_cast<float>(bOp.params.scale() / y.scale());
  int exponent;
  std::frexp(std::max(ra, rb), &exponent);
  int shift = std::min(31 - exponent, 62);
  if (shift < -31)
    return {};
  int64_t ma = std::llround(std::ldexp(ra, shift));
  int64_t mb = std::llround(std::ldexp(rb, shift));
  if (std::max(ma, mb) >= (int64_t(1) << 31)) {
    --shift;
    ma = std::llround(std::ldexp(ra, shift));
    mb = std::llround(std::ldexp(rb, shift));
  }
  return qnn::buildAdd(b, loc, operand(a), operand(bOp),
                       static_cast<int32_t>(ma), static_cast<int32_t>(mb),
                       shift, getOutputStage(y, clamp));
}

/// AveragePool or GlobalAveragePool (`pool`, nn or com.microsoft form).
Value Converter::buildAvgPool(Location loc, const QOperand &x, Operation *pool,
                              const ONNXParams &y, Clamp clamp) {
  if (!x.params.isPerTensor() || !y.isPerTensor())
    return {};
  std::optional<qnn::Rescale> rescale =
      getRescale(ratio(x.params.scale(), 1.0f, y.scale()));
  if (!rescale)
    return {};
  if (auto channelsLast = pool->getAttrOfType<IntegerAttr>("channels_last"))
    if (channelsLast.getInt() != 0)
      return {};
  auto type = cast<RankedTensorType>(x.value.getType());
  if (!type.hasStaticShape() || type.getRank() < 3)
    return {};
  if (!pool->hasAttr("kernel_shape"))
    return qnn::buildGlobalAvgPool(b, loc, operand(x), *rescale,
                                   getOutputStage(y, clamp));
  auto kernel = pool->getAttrOfType<DenseI64ArrayAttr>("kernel_shape");
  auto optional = [&](StringRef name) -> std::optional<ArrayRef<int64_t>> {
    if (auto attr = pool->getAttrOfType<DenseI64ArrayAttr>(name))
      return attr.asArrayRef();
    return std::nullopt;
  };
  if (optional("dilations") &&
      llvm::any_of(*optional("dilations"), [](int64_t d) { return d != 1; }))
    return {};
  auto autoPad = pool->getAttrOfType<StringAttr>("auto_pad");
  auto ceilMode = pool->getAttrOfType<IntegerAttr>("ceil_mode");
  auto includePad = pool->getAttrOfType<IntegerAttr>("count_include_pad");
  FailureOr<nn::WindowGeometry> geometry = nn::resolveWindow(
      std::nullopt, type.getShape().drop_front(2), kernel.asArrayRef(),
      optional("strides"), std::nullopt, optional("pads"),
      autoPad ? autoPad.getValue() : "NOTSET",
      ceilMode && ceilMode.getInt() != 0);
  if (failed(geometry))
    return {};
  return qnn::buildAvgPool(b, loc, operand(x), *geometry,
                           ceilMode && ceilMode.getInt() != 0,
                           includePad && includePad.getInt() != 0, *rescale,
                           getOutputStage(y, clamp));
}

Value Converter::buildConcat(Location loc, ArrayRef<QOperand> inputs,
                             int64_t axis, const ONNXParams &y, Clamp clamp) {
  if (!y.isPerTensor())
    return {};
  SmallVector<qnn::Operand> operands;
  SmallVector<qnn::Rescale> rescales;
  for (const QOperand &input : inputs) {
    if (!input.params.isPerTensor())
      return {};
    operands.push_back(operand(input));
    if (input.params == y) {
      rescales.push_back(qnn::Rescale{1, 0});
      continue;
    }
    std::optional<qnn::Rescale> rescale =
        getRescale(ratio(input.params.scale(), 1.0f, y.scale()));
    if (!rescale)
      return {};
    rescales.push_back(*rescale);
  }
  return qnn::buildConcat(b, loc, operands, rescales, axis,
                          getOutputStage(y, clamp));
}

//===----------------------------------------------------------------------===//
// QDQ
//===----------------------------------------------------------------------===//

/// `value` (i8 with per-tensor parameters `x`) in `y`'s parameters: itself
/// when they agree, else a 256-entry table.
Value Converter::requantizeByTable(Location loc, Value value,
                                   const ONNXParams &x, const ONNXParams &y) {
  if (x == y)
    return value;
  nn::ScalarFunction identity(nn::ScalarFunction::Kind::Identity);
  return qnn::buildLookupTable(b, loc, value, buildTable(identity, x, y));
}

/// `value` reshaped to the static `shape` (nn.reshape, which reads its
/// shape from a constant).
Value Converter::buildReshape(Location loc, Value value,
                              ArrayRef<int64_t> shape) {
  auto shapeType = RankedTensorType::get({static_cast<int64_t>(shape.size())},
                                         b.getI64Type());
  Value shapeConstant = nn::ConstantOp::create(
      b, loc, nn::createElementsFromInts(shapeType, shape, "shape"));
  return nn::ReshapeOp::create(b, loc, value, shapeConstant);
}

/// Softmax along `axis` as qnn.softmax: the exponentials come from the
/// input scale's table and the division by the sum is rescaled by the
/// exact `1 / y_scale` (ONNX Runtime's QLinearSoftmax uses floor(1 /
/// y_scale), a step lower when that is not an integer in float32).
Value Converter::buildSoftmax(Location loc, const QOperand &x, int64_t axis,
                              const ONNXParams &y, Clamp clamp) {
  if (!x.params.isPerTensor() || !y.isPerTensor())
    return {};
  std::optional<qnn::Rescale> rescale =
      getRescale(1.0 / static_cast<double>(y.scale()));
  if (!rescale)
    return {};
  return qnn::buildSoftmax(b, loc, x.value, x.params.scale(), axis, *rescale,
                           getOutputStage(y, clamp));
}

/// The clamp a Relu or Clip before a QuantizeLinear becomes: exact, since
/// rounding is monotone and maps 0 to 0.
std::optional<Clamp> Converter::getActivationClamp(Operation *op,
                                                   const ONNXParams &y) {
  if (isa<nn::ReluOp>(op))
    return Clamp{std::max(-128, y.zeroPoint()), 127};
  auto clip = dyn_cast<nn::ClipOp>(op);
  if (!clip)
    return std::nullopt;
  Clamp clamp;
  if (!nn::isNone(clip.getMin())) {
    std::optional<float> lo = getScalarFloat(clip.getMin());
    if (!lo)
      return std::nullopt;
    clamp.min = quantizeScalar(*lo, y.scale(), y.zeroPoint());
  }
  if (!nn::isNone(clip.getMax())) {
    std::optional<float> hi = getScalarFloat(clip.getMax());
    if (!hi)
      return std::nullopt;
    clamp.max = quantizeScalar(*hi, y.scale(), y.zeroPoint());
  }
  if (clamp.min > clamp.max)
    return std::nullopt;
  return clamp;
}

Value Converter::fuseGemm(nn::GemmOp gemm, const ONNXParams &y, Clamp clamp) {
  if (gemm.getTransA() != 0 || gemm.getBeta().convertToFloat() != 1.0f)
    return {};
  std::optional<QOperand> a = getDequantized(gemm.getA());
  std::optional<QOperand> w = getDequantized(gemm.getB());
  if (!a || !w)
    return {};
  if (gemm.getTransB() != 0) {
    // The weights' columns are their rows: transpose the constant.
    auto dq = gemm.getB().getDefiningOp<nn::DequantizeLinearOp>();
    Value transposed = transposeConstant(getSigned(dq.getX()));
    if (!transposed)
      return {};
    w->value = transposed;
    if (!w->params.isPerTensor()) {
      if (w->params.axis != 0)
        return {};
      w->params.axis = 1;
    }
  }
  SmallVector<double> biasScales;
  for (float ws : w->params.scales)
    biasScales.push_back(a->params.scale() * ws);
  int64_t columns = cast<ShapedType>(w->value.getType()).getDimSize(1);
  if (biasScales.size() == 1)
    biasScales.assign(columns, biasScales.front());
  FailureOr<Value> bias = getBias(gemm.getC(), biasScales);
  if (failed(bias))
    return {};
  return buildMatMul(gemm.getLoc(), *a, *w, *bias,
                     gemm.getAlpha().convertToFloat(), y, clamp);
}

/// The qnn form of `quantize(x)` with `y`'s parameters, where `x` is computed
/// by a float op on dequantized 8-bit tensors; null if there is none.
Value Converter::fuse(Value x, const ONNXParams &y, Clamp clamp) {
  Operation *def = x.getDefiningOp();
  if (!def)
    return {};
  Location loc = def->getLoc();

  if (auto conv = dyn_cast<nn::ConvOp>(def)) {
    std::optional<QOperand> in = getDequantized(conv.getX());
    std::optional<QOperand> w = getDequantized(conv.getW());
    if (!in || !w)
      return {};
    SmallVector<double> biasScales;
    int64_t channels = cast<ShapedType>(w->value.getType()).getDimSize(0);
    for (int64_t m = 0; m < channels; ++m)
      biasScales.push_back(in->params.scale() *
                           w->params.scales[w->params.isPerTensor() ? 0 : m]);
    FailureOr<Value> bias = getBias(conv.getB(), biasScales);
    if (failed(bias))
      return {};
    return buildConv(loc, *in, *w, *bias, conv, y, clamp);
  }
  if (auto gemm = dyn_cast<nn::GemmOp>(def))
    return fuseGemm(gemm, y, clamp);
  if (auto matmul = dyn_cast<nn::MatMulOp>(def)) {
    std::optional<QOperand> a = getDequantized(matmul.getA());
    std::optional<QOperand> w = getDequantized(matmul.getB());
    if (!a || !w)
      return {};
    return buildMatMul(loc, *a, *w, Value(), 1.0, y, clamp);
  }
  if (isa<nn::AddOp, nn::MulOp>(def)) {
    std::optional<QOperand> lhs = getDequantized(def->getOperand(0));
    std::optional<QOperand> rhs = getDequantized(def->getOperand(1));
    if (!lhs || !rhs)
      return {};
    return buildAdd(loc, *lhs, *rhs, y, clamp, isa<nn::MulOp>(def));
  }
  if (isa<nn::AveragePoolOp, nn::GlobalAveragePoolOp>(def)) {
    std::optional<QOperand> in = getDequantized(def->getOperand(0));
    if (!in)
      return {};
    return buildAvgPool(loc, *in, def, y, clamp);
  }
  if (auto softmax = dyn_cast<nn::SoftmaxOp>(def)) {
    std::optional<QOperand> in = getDequantized(softmax.getInput());
    if (!in)
      return {};
    return buildSoftmax(loc, *in, static_cast<int64_t>(softmax.getAxis()), y,
                        clamp);
  }
  if (auto concat = dyn_cast<nn::ConcatOp>(def)) {
    SmallVector<QOperand> inputs;
    for (Value input : concat.getInputs()) {
      std::optional<QOperand> in = getDequantized(input);
      if (!in)
        return {};
      inputs.push_back(*in);
    }
    return buildConcat(loc, inputs, concat.getAxis(), y, clamp);
  }
  if (!clamp.isFull())
    return {};
  if (auto resize = dyn_cast<nn::ResizeOp>(def);
      resize && !isDataMovement(def)) {
    // Interpolation: qnn.resize keeps the input's parameters, then a table
    // if the output's differ.
    std::optional<QOperand> in = getDequantized(resize.getX());
    std::string reason;
    if (!in || !in->params.isPerTensor() || !y.isPerTensor())
      return {};
    FailureOr<qnn::ResizeOp> interpolated = qnn::buildResize(
        b, resize, in->value, qnn::RoundingMode::nearest_even, reason);
    if (failed(interpolated))
      return {};
    return requantizeByTable(loc, *interpolated, in->params, y);
  }
  if (isDataMovement(def) && def->getNumResults() == 1) {
    // DequantizeLinear -> Reshape -> QuantizeLinear: the reshape on i8,
    // then a table if the two sides' parameters differ.
    std::optional<QOperand> in = getDequantized(def->getOperand(0));
    if (!in || !in->params.isPerTensor() || !y.isPerTensor() ||
        llvm::any_of(def->getOperands().drop_front(), isFloatData))
      return {};
    IRMapping mapping;
    mapping.map(def->getOperand(0), in->value);
    Operation *clone = b.clone(*def, mapping);
    auto type = cast<RankedTensorType>(def->getResult(0).getType());
    clone->getResult(0).setType(
        RankedTensorType::get(type.getShape(), b.getI8Type()));
    return requantizeByTable(loc, clone->getResult(0), in->params, y);
  }
  if (auto pool = dyn_cast<nn::MaxPoolOp>(def)) {
    // Max pooling commutes with the quantization only at one scale.
    std::optional<QOperand> in = getDequantized(pool.getX());
    if (!in || !(in->params == y) || !pool.getIndices().use_empty())
      return {};
    auto type = cast<RankedTensorType>(in->value.getType());
    if (!type.hasStaticShape())
      return {};
    FailureOr<nn::WindowGeometry> geometry = nn::resolveWindow(
        std::nullopt, type.getShape().drop_front(2), pool.getKernelShape(),
        pool.getStrides(), pool.getDilations(), pool.getPads(),
        pool.getAutoPad(), pool.getCeilMode() != 0);
    if (failed(geometry))
      return {};
    return qnn::buildMaxPool(b, loc, in->value, *geometry,
                             pool.getCeilMode() != 0);
  }
  // Elementwise functions of one value, and a bare DequantizeLinear ->
  // QuantizeLinear (a change of scale), become lookup tables.
  std::optional<nn::ScalarFunction> f;
  std::optional<QOperand> in;
  if (isa<nn::DequantizeLinearOp>(def)) {
    f = nn::ScalarFunction(nn::ScalarFunction::Kind::Identity);
    in = getDequantized(x);
  } else if (def->getNumOperands() >= 1 && def->getNumResults() == 1) {
    f = getUnaryFunction(def);
    if (f)
      in = getDequantized(def->getOperand(0));
  }
  if (!f || !in || !in->params.isPerTensor() || !y.isPerTensor())
    return {};
  return qnn::buildLookupTable(b, loc, in->value,
                               buildTable(*f, in->params, y));
}

void Converter::visitQuantize(nn::QuantizeLinearOp op) {
  Type type = getElementType(op.getY());
  if (!isPlainInt8(type) || op.getBlockSize() != 0 ||
      !getElementType(op.getX()).isF32())
    return;
  if (!nn::getConstantElements(op.getYScale()) ||
      !isConstantOrNone(op.getYZeroPoint())) {
    op.emitRemark("nn-to-qnn: the scale or zero point is not a constant, so "
                  "this QuantizeLinear and the ops around it stay in nn");
    return;
  }
  int64_t rank = cast<ShapedType>(op.getX().getType()).getRank();
  std::optional<ONNXParams> y =
      readParams(op.getYScale(), op.getYZeroPoint(), type, op.getAxis(), rank);
  if (!y)
    return;
  b.setInsertionPoint(op);
  Value result;
  if (y->isPerTensor()) {
    if (Operation *def = op.getX().getDefiningOp()) {
      if (std::optional<Clamp> clamp = getActivationClamp(def, *y))
        result = fuse(def->getOperand(0), *y, *clamp);
    }
    if (!result)
      result = fuse(op.getX(), *y, Clamp());
  }
  if (!result)
    result =
        qnn::buildQuantize(b, op.getLoc(), op.getX(), y->scales, y->zeroPoints,
                           y->axis, qnn::RoundingMode::nearest_even);
  signedOf[op.getY()] = result;
}

/// A DequantizeLinear still read after the walk (the model's output, or a
/// float op without a quantized form) reads the i8 value.
void Converter::visitDequantize(nn::DequantizeLinearOp op) {
  // Constant weights keep their DequantizeLinear, which folds.
  if (op->use_empty() || op.getBlockSize() != 0 ||
      nn::getConstantElements(op.getX()))
    return;
  auto it = signedOf.find(op.getX());
  if (it == signedOf.end() || !getElementType(op.getY()).isF32())
    return;
  int64_t rank = cast<ShapedType>(op.getX().getType()).getRank();
  std::optional<ONNXParams> params =
      readParams(op.getXScale(), op.getXZeroPoint(), getElementType(op.getX()),
                 op.getAxis(), rank);
  if (!params)
    return;
  b.setInsertionPoint(op);
  Value result =
      qnn::buildDequantize(b, op.getLoc(), it->second, params->scales,
                           params->zeroPoints, params->axis);
  op.getY().replaceAllUsesWith(result);
}

//===----------------------------------------------------------------------===//
// QOperator and data movement
//===----------------------------------------------------------------------===//

/// Reshapes and other data movement copy quantized elements without looking
/// at them: the same op on the i8 tensor.
void Converter::visitDataMovement(Operation *op) {
  if (op->getNumOperands() == 0)
    return;
  auto it = signedOf.find(op->getOperand(0));
  if (it == signedOf.end())
    return;
  // Any other 8-bit operand (a pad value) would need the same shift.
  for (Value operand : op->getOperands().drop_front())
    if (isInt8Tensor(operand))
      return;
  Type element = getElementType(op->getOperand(0));
  b.setInsertionPoint(op);
  IRMapping mapping;
  mapping.map(op->getOperand(0), it->second);
  Operation *clone = b.clone(*op, mapping);
  for (auto [old, now] : llvm::zip(op->getResults(), clone->getResults())) {
    auto type = dyn_cast<RankedTensorType>(old.getType());
    if (!type || type.getElementType() != element)
      continue;
    now.setType(RankedTensorType::get(type.getShape(), b.getI8Type()));
    signedOf[old] = now;
  }
}

void Converter::visitMaxPool(nn::MaxPoolOp op) {
  auto it = signedOf.find(op.getX());
  if (it == signedOf.end() || !op.getIndices().use_empty())
    return;
  auto type = cast<RankedTensorType>(op.getX().getType());
  if (!type.hasStaticShape())
    return;
  FailureOr<nn::WindowGeometry> geometry =
      nn::resolveWindow(std::nullopt, type.getShape().drop_front(2),
                        op.getKernelShape(), op.getStrides(), op.getDilations(),
                        op.getPads(), op.getAutoPad(), op.getCeilMode() != 0);
  if (failed(geometry))
    return;
  b.setInsertionPoint(op);
  signedOf[op.getY()] = qnn::buildMaxPool(b, op.getLoc(), it->second, *geometry,
                                          op.getCeilMode() != 0);
}

void Converter::visitQLinearConv(nn::QLinearConvOp op) {
  b.setInsertionPoint(op);
  std::optional<QOperand> x =
      getOperand(op.getX(), op.getXScale(), op.getXZeroPoint());
  std::optional<QOperand> w =
      getOperand(op.getW(), op.getWScale(), op.getWZeroPoint(), 0);
  std::optional<ONNXParams> y =
      readParams(op.getYScale(), op.getYZeroPoint(), getElementType(op.getY()),
                 1, cast<ShapedType>(op.getY().getType()).getRank());
  if (!x || !w || !y)
    return;
  Value bias = nn::isNone(op.getB()) ? Value() : op.getB();
  if (Value result = buildConv(op.getLoc(), *x, *w, bias, op, *y, Clamp()))
    signedOf[op.getY()] = result;
}

void Converter::visitQLinearMatMul(nn::QLinearMatMulOp op) {
  b.setInsertionPoint(op);
  int64_t bRank = cast<ShapedType>(op.getB().getType()).getRank();
  std::optional<QOperand> a =
      getOperand(op.getA(), op.getAScale(), op.getAZeroPoint());
  std::optional<QOperand> w =
      getOperand(op.getB(), op.getBScale(), op.getBZeroPoint(), bRank - 1);
  std::optional<ONNXParams> y =
      readParams(op.getYScale(), op.getYZeroPoint(), getElementType(op.getY()),
                 1, cast<ShapedType>(op.getY().getType()).getRank());
  if (!a || !w || !y)
    return;
  if (Value result =
          buildMatMul(op.getLoc(), *a, *w, Value(), 1.0, *y, Clamp()))
    signedOf[op.getY()] = result;
}

/// The zero points of an integer product's operand in the i8 form (one, or
/// one per channel), `none` meaning 0.
static std::optional<SmallVector<int32_t>> readZeroPoints(Value zeroPoint,
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

void Converter::visitConvInteger(nn::ConvIntegerOp op) {
  b.setInsertionPoint(op);
  Value x = getSigned(op.getX());
  Value w = getSigned(op.getW());
  if (!x || !w)
    return;
  std::optional<SmallVector<int32_t>> xZero =
      readZeroPoints(op.getXZeroPoint(), getElementType(op.getX()));
  std::optional<SmallVector<int32_t>> wZero =
      readZeroPoints(op.getWZeroPoint(), getElementType(op.getW()));
  FailureOr<nn::WindowGeometry> geometry = getConvGeometry(op);
  if (!xZero || !wZero || xZero->size() != 1 || failed(geometry))
    return;
  Value acc = qnn::buildConv(b, op.getLoc(), {x, xZero->front()}, w, *wZero,
                             Value(), *geometry, op.getGroup());
  op.getY().replaceAllUsesWith(acc);
}

void Converter::visitMatMulInteger(nn::MatMulIntegerOp op) {
  b.setInsertionPoint(op);
  Value a = getSigned(op.getA());
  Value w = getSigned(op.getB());
  if (!a || !w)
    return;
  std::optional<SmallVector<int32_t>> aZero =
      readZeroPoints(op.getAZeroPoint(), getElementType(op.getA()));
  std::optional<SmallVector<int32_t>> bZero =
      readZeroPoints(op.getBZeroPoint(), getElementType(op.getB()));
  if (!aZero || !bZero || aZero->size() != 1 ||
      cast<ShapedType>(op.getA().getType()).getRank() < 2 ||
      cast<ShapedType>(op.getB().getType()).getRank() < 2 ||
      (bZero->size() != 1 &&
       cast<ShapedType>(op.getBZeroPoint().getType()).getRank() != 1))
    return;
  Value acc =
      qnn::buildMatMul(b, op.getLoc(), {a, aZero->front()}, w, *bZero, Value());
  op.getY().replaceAllUsesWith(acc);
}

/// ONNX Runtime's com.microsoft quantized ops (per-tensor parameters).
void Converter::visitMicrosoftOp(Operation *op) {
  b.setInsertionPoint(op);
  auto params = [&](Value data, Value scale, Value zeroPoint) {
    return readParams(scale, zeroPoint, getElementType(data), 1,
                      cast<ShapedType>(data.getType()).getRank());
  };
  Value result;
  if (isa<nn::MSQLinearAddOp, nn::MSQLinearMulOp>(op)) {
    // Both share the operand order A, A_scale, A_zp, B, ..., C_scale, C_zp.
    std::optional<QOperand> a =
        getOperand(op->getOperand(0), op->getOperand(1), op->getOperand(2));
    std::optional<QOperand> bOp =
        getOperand(op->getOperand(3), op->getOperand(4), op->getOperand(5));
    std::optional<ONNXParams> y =
        params(op->getResult(0), op->getOperand(6), op->getOperand(7));
    if (a && bOp && y)
      result = buildAdd(op->getLoc(), *a, *bOp, *y, Clamp(),
                        isa<nn::MSQLinearMulOp>(op));
  } else if (isa<nn::MSQLinearGlobalAveragePoolOp, nn::MSQLinearAveragePoolOp,
                 nn::MSQLinearSigmoidOp, nn::MSQLinearLeakyReluOp>(op)) {
    std::optional<QOperand> x =
        getOperand(op->getOperand(0), op->getOperand(1), op->getOperand(2));
    std::optional<ONNXParams> y =
        params(op->getResult(0), op->getOperand(3), op->getOperand(4));
    if (!x || !y || !x->params.isPerTensor() || !y->isPerTensor())
      return;
    if (isa<nn::MSQLinearSigmoidOp>(op)) {
      nn::ScalarFunction sigmoid(nn::ScalarFunction::Kind::Sigmoid);
      result = qnn::buildLookupTable(b, op->getLoc(), x->value,
                                     buildTable(sigmoid, x->params, *y));
    } else if (auto leaky = dyn_cast<nn::MSQLinearLeakyReluOp>(op)) {
      nn::ScalarFunction f(nn::ScalarFunction::Kind::LeakyRelu,
                           leaky.getAlpha().convertToDouble());
      result = qnn::buildLookupTable(b, op->getLoc(), x->value,
                                     buildTable(f, x->params, *y));
    } else {
      result = buildAvgPool(op->getLoc(), *x, op, *y, Clamp());
    }
  } else if (auto softmax = dyn_cast<nn::MSQLinearSoftmaxOp>(op)) {
    std::optional<QOperand> x = getOperand(softmax.getX(), softmax.getXScale(),
                                           softmax.getXZeroPoint());
    std::optional<ONNXParams> y =
        params(softmax.getY(), softmax.getYScale(), softmax.getYZeroPoint());
    int64_t rank = cast<ShapedType>(softmax.getX().getType()).getRank();
    auto axis = static_cast<int64_t>(softmax.getAxis());
    if (axis < 0)
      axis += rank;
    if (!x || !y)
      return;
    // Before opset 13 the reduction runs over every dimension from `axis`
    // on: those become one (a reshape on i8) around the softmax.
    auto type = cast<RankedTensorType>(x->value.getType());
    bool flatten = static_cast<int64_t>(softmax.getOpset()) < 13 &&
                   axis != rank - 1 && type.hasStaticShape();
    if (flatten) {
      SmallVector<int64_t> shape(type.getShape().take_front(axis));
      shape.push_back(ShapedType::getNumElements(type.getShape()) /
                      std::max<int64_t>(ShapedType::getNumElements(shape), 1));
      x->value = buildReshape(op->getLoc(), x->value, shape);
    }
    result = buildSoftmax(op->getLoc(), *x, axis, *y, Clamp());
    if (result && flatten)
      result = buildReshape(op->getLoc(), result, type.getShape());
  } else if (auto concat = dyn_cast<nn::MSQLinearConcatOp>(op)) {
    std::optional<ONNXParams> y =
        params(concat.getY(), concat.getYScale(), concat.getYZeroPoint());
    SmallVector<QOperand> inputs;
    ValueRange operands = concat.getInputs();
    for (size_t i = 0; i + 2 < operands.size(); i += 3) {
      std::optional<QOperand> in =
          getOperand(operands[i], operands[i + 1], operands[i + 2]);
      if (!in)
        return;
      inputs.push_back(*in);
    }
    if (y)
      result = buildConcat(op->getLoc(), inputs, concat.getAxis(), *y, Clamp());
  } else if (auto gemm = dyn_cast<nn::MSQGemmOp>(op)) {
    if (gemm.getTransA() != 0 || nn::isNone(gemm.getYScale()))
      return;
    std::optional<QOperand> a =
        getOperand(gemm.getA(), gemm.getAScale(), gemm.getAZeroPoint());
    std::optional<QOperand> w =
        getOperand(gemm.getB(), gemm.getBScale(), gemm.getBZeroPoint(),
                   gemm.getTransB() ? 0 : 1);
    std::optional<ONNXParams> y =
        params(gemm.getY(), gemm.getYScale(), gemm.getYZeroPoint());
    if (!a || !w || !y)
      return;
    if (gemm.getTransB() != 0) {
      w->value = transposeConstant(w->value);
      if (!w->value)
        return;
      if (!w->params.isPerTensor())
        w->params.axis = 1;
    }
    Value bias = nn::isNone(gemm.getC()) ? Value() : gemm.getC();
    if (bias && cast<ShapedType>(bias.getType()).getRank() != 1)
      return;
    result = buildMatMul(op->getLoc(), *a, *w, bias,
                         gemm.getAlpha().convertToFloat(), *y, Clamp());
  }
  if (result)
    signedOf[op->getResult(0)] = result;
}

LogicalResult Converter::run() {
  SmallVector<Operation *> ops;
  for (Block &block : func.getBody())
    for (Operation &op : block)
      ops.push_back(&op);
  for (Operation *op : ops) {
    if (auto q = dyn_cast<nn::QuantizeLinearOp>(op))
      visitQuantize(q);
    else if (auto conv = dyn_cast<nn::QLinearConvOp>(op))
      visitQLinearConv(conv);
    else if (auto matmul = dyn_cast<nn::QLinearMatMulOp>(op))
      visitQLinearMatMul(matmul);
    else if (auto conv = dyn_cast<nn::ConvIntegerOp>(op))
      visitConvInteger(conv);
    else if (auto matmul = dyn_cast<nn::MatMulIntegerOp>(op))
      visitMatMulInteger(matmul);
    else if (auto pool = dyn_cast<nn::MaxPoolOp>(op))
      visitMaxPool(pool);
    else if (isDataMovement(op))
      visitDataMovement(op);
    else
      visitMicrosoftOp(op);
  }
  for (Operation *op : ops)
    if (auto dq = dyn_cast<nn::DequantizeLinearOp>(op))
      visitDequantize(dq);
  // Any other reader of a converted 8-bit value (the function's return,
  // when the model has integer outputs) reads the converted form, back in
  // uint8 where the value was uint8.
  for (Operation *op : ops) {
    if (isa<nn::ConstantOp>(op))
      continue;
    for (Value value : op->getResults()) {
      auto it = signedOf.find(value);
      if (it == signedOf.end() || it->second == value || value.use_empty())
        continue;
      Value converted = it->second;
      if (value.getType() != converted.getType())
        converted = buildOffset(converted, 128, kOnnxUInt8);
      value.replaceAllUsesWith(converted);
    }
  }

  // The replaced ops (and the float sandwiches) are now unused.
  for (Block &block : func.getBody())
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
      if (isOpTriviallyDead(&op))
        op.erase();

  // The com.microsoft ops have no float lowering: one left here would only
  // fail later, in legalization, without saying why.
  WalkResult walk = func.walk([](Operation *op) {
    if (!op->getName().getStringRef().starts_with("nn.ms."))
      return WalkResult::advance();
    op->emitError() << "nn-to-qnn: cannot convert '" << op->getName()
                    << "' to qnn, the only way whittle runs com.microsoft "
                       "quantized ops: its scales and zero points must be "
                       "constants, per tensor (QGemm: per tensor or per "
                       "column of B, with transA = 0 and an output scale)";
    return WalkResult::interrupt();
  });
  return failure(walk.wasInterrupted());
}

struct NNToQNNPass : public whittle::impl::NNToQNNBase<NNToQNNPass> {
  void runOnOperation() override {
    WalkResult walk = getOperation().walk([](func::FuncOp func) {
      return failed(convertNNToQNN(func)) ? WalkResult::interrupt()
                                          : WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

LogicalResult whittle::convertNNToQNN(func::FuncOp func) {
  return Converter(func).run();
}
