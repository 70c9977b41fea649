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
#include "NNToQNNConverter.h"
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
using namespace whittle::nntoqnn;

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
  // nn.average_pool and nn.ms.qlinear_average_pool share ONNX's pool
  // attributes but no C++ class: they are read by name.
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

namespace {
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
