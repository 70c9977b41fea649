//===- NNQuantOps.cpp - nn quantized ONNX operators -----------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Type inference, verifiers and constant folders of the quantized operators
// of the standard ONNX domain (QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear, QLinearConv, QLinearMatMul, ConvInteger,
// MatMulInteger). Type inference only computes what the result types need;
// the consistency rules of scales and zero points are the verifiers'.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include "mlir/IR/TypeUtilities.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace whittle::nn;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// The ranked tensor type of `value`, or null for `none`.
static RankedTensorType tensorTypeOf(Value value) {
  return dyn_cast<RankedTensorType>(value.getType());
}

/// A scalar or one-element 1-D tensor: per-tensor quantization parameters.
static bool isPerTensor(RankedTensorType type) {
  return type.getRank() == 0 ||
         (type.getRank() == 1 && type.getDimSize(0) == 1);
}

/// Checks that the zero point `zp` (if present) has the element type of the
/// quantized tensor `tensor` and the shape of its scale `scale`. ONNX names
/// them `name`, `name_scale` and `name_zero_point`.
static LogicalResult verifyZeroPoint(Operation *op, StringRef tensorName,
                                     Value tensor, Value scale, Value zp) {
  std::string zpName = (tensorName + "_zero_point").str();
  std::string scaleName = (tensorName + "_scale").str();
  RankedTensorType zpType = tensorTypeOf(zp);
  if (!zpType)
    return success();
  Type element = getElementTypeOrSelf(tensor);
  if (zpType.getElementType() != element)
    return op->emitOpError()
           << zpName << " must have the type of " << tensorName << " ("
           << element << "), got " << zpType.getElementType();
  auto scaleType = cast<RankedTensorType>(scale.getType());
  // ONNX Runtime's quantizer writes per-tensor parameters as a scalar next to
  // a one-element 1-D tensor (a bias scale of shape [1], zero point []);
  // both mean one value for the tensor.
  bool bothOneElement = zpType.hasStaticShape() && scaleType.hasStaticShape() &&
                        zpType.getNumElements() == 1 &&
                        scaleType.getNumElements() == 1;
  if (zpType.getShape() != scaleType.getShape() && !bothOneElement)
    return op->emitOpError()
           << zpName << " must have the shape of " << scaleName << " ("
           << scaleType << "), got " << zpType;
  return success();
}

/// A quantized operand or result `name` of a QLinear op, with its scale and
/// zero point.
struct QuantizedValue {
  StringRef name;
  Value tensor, scale, zeroPoint;
};

/// verifyZeroPoint for each of `values`, in order.
static LogicalResult verifyZeroPoints(Operation *op,
                                      ArrayRef<QuantizedValue> values) {
  for (const QuantizedValue &value : values)
    if (failed(verifyZeroPoint(op, value.name, value.tensor, value.scale,
                               value.zeroPoint)))
      return failure();
  return success();
}

/// Checks the per-tensor / per-axis / blocked shape of a QuantizeLinear or
/// DequantizeLinear scale against the quantized tensor `x`.
static LogicalResult verifyLinearScale(Operation *op, RankedTensorType xType,
                                       StringRef xName,
                                       RankedTensorType scaleType,
                                       StringRef scaleName, int64_t axis,
                                       int64_t blockSize) {
  if (blockSize < 0)
    return op->emitOpError("'block_size' must be non-negative, got ")
           << blockSize;
  if (blockSize == 0 && isPerTensor(scaleType))
    return success();
  int64_t rank = xType.getRank();
  if (blockSize == 0 && scaleType.getRank() != 1)
    return op->emitOpError()
           << scaleName
           << " must be a scalar (per-tensor) or 1-D (per-axis) unless "
              "'block_size' is set, got rank "
           << scaleType.getRank();
  if (axis < -rank || axis >= rank)
    return op->emitOpError("'axis' ")
           << axis << " is out of range for " << xName << " of rank " << rank;
  if (axis < 0)
    axis += rank;
  int64_t dim = xType.getDimSize(axis);
  if (blockSize == 0) {
    int64_t n = scaleType.getDimSize(0);
    if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(dim) && n != dim)
      return op->emitOpError("per-axis ")
             << scaleName << " has " << n << " elements but dimension " << axis
             << " of " << xName << " has " << dim;
    return success();
  }
  if (scaleType.getRank() != rank)
    return op->emitOpError("blocked quantization needs ")
           << scaleName << " of " << xName << "'s rank " << rank
           << ", got rank " << scaleType.getRank();
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = xType.getDimSize(i), s = scaleType.getDimSize(i);
    if (ShapedType::isDynamic(d) || ShapedType::isDynamic(s))
      continue;
    if (i == axis) {
      int64_t blocks = llvm::divideCeil(d, blockSize);
      if (s != blocks)
        return op->emitOpError("blocked ")
               << scaleName << " has " << s << " blocks along axis " << i
               << " but 'block_size' " << blockSize << " splits dimension " << i
               << " of size " << d << " into " << blocks;
    } else if (s != d) {
      return op->emitOpError("blocked ")
             << scaleName << " dimension " << i << " is " << s
             << " but dimension " << i << " of " << xName << " is " << d;
    }
  }
  return success();
}

/// Checks the shape of a matmul quantization parameter (a scale or zero
/// point) of `operand`: per-tensor, or per row (`perRow`, for the left
/// operand) or per column (for the right operand), either as a 1-D vector
/// or in the operand's rank with the other matrix dimension 1.
static LogicalResult verifyMatMulParam(Operation *op, RankedTensorType param,
                                       StringRef paramName,
                                       RankedTensorType operand,
                                       StringRef operandName, bool perRow) {
  if (isPerTensor(param))
    return success();
  int64_t rank = operand.getRank();
  StringRef granularity = perRow ? "per-row" : "per-column";
  // The dimension indexed by the parameter and the one that must be 1.
  int64_t kept = perRow ? rank - 2 : rank - 1;
  int64_t unit = perRow ? rank - 1 : rank - 2;
  if (rank >= 2 && param.getRank() == 1) {
    int64_t n = param.getDimSize(0), d = operand.getDimSize(kept);
    if (ShapedType::isDynamic(n) || ShapedType::isDynamic(d) || n == d)
      return success();
    return op->emitOpError() << granularity << " " << paramName << " has " << n
                             << " elements but dimension " << kept << " of "
                             << operandName << " has " << d;
  }
  if (rank >= 2 && param.getRank() == rank) {
    for (int64_t i = 0; i < rank; ++i) {
      int64_t p = param.getDimSize(i);
      int64_t d = i == unit ? 1 : operand.getDimSize(i);
      if (ShapedType::isDynamic(p) || ShapedType::isDynamic(d) || p == d)
        continue;
      return op->emitOpError()
             << granularity << " " << paramName << " of shape " << param
             << " does not match " << operandName << " " << operand
             << " (dimension " << i << " must be " << d << ")";
    }
    return success();
  }
  return op->emitOpError() << paramName << " must be a scalar (per-tensor) or "
                           << granularity << " of " << operandName << ", got "
                           << param;
}

/// Checks a per-tensor parameter (scale or zero point).
static LogicalResult verifyPerTensor(Operation *op, Value param,
                                     StringRef name) {
  RankedTensorType type = tensorTypeOf(param);
  if (!type || isPerTensor(type))
    return success();
  return op->emitOpError()
         << name << " must be a scalar or one-element tensor (per-tensor), got "
         << type;
}

/// Checks a per-tensor or per-output-channel weight parameter of a conv.
static LogicalResult verifyPerChannel(Operation *op, Value param,
                                      StringRef name, RankedTensorType wType) {
  RankedTensorType type = tensorTypeOf(param);
  if (!type || isPerTensor(type))
    return success();
  int64_t m = wType.getRank() > 0 ? wType.getDimSize(0) : 1;
  if (type.getRank() != 1)
    return op->emitOpError()
           << name
           << " must be a scalar (per-tensor) or 1-D (per output channel), got "
           << type;
  int64_t n = type.getDimSize(0);
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(m) && n != m)
    return op->emitOpError("per-channel ")
           << name << " has " << n << " elements but w has " << m
           << " output channels";
  return success();
}

/// Checks that all `scales` have the same element type.
static LogicalResult verifySameScaleType(Operation *op, ArrayRef<Value> scales,
                                         ArrayRef<StringRef> names) {
  Type first = cast<ShapedType>(scales[0].getType()).getElementType();
  for (auto [scale, name] : llvm::zip(scales.drop_front(), names.drop_front()))
    if (cast<ShapedType>(scale.getType()).getElementType() != first)
      return op->emitOpError()
             << name << " must have the element type of " << names[0] << " ("
             << first << "), got "
             << cast<ShapedType>(scale.getType()).getElementType();
  return success();
}

//===----------------------------------------------------------------------===//
// Constant folding of QuantizeLinear and DequantizeLinear
//===----------------------------------------------------------------------===//

/// Largest constant (in elements) that the (de)quantize folders expand.
constexpr int64_t kMaxFoldElements = 1024;

/// Rounds half to even, independent of the floating-point environment.
static double roundHalfToEven(double v) {
  double r = std::round(v); // Half away from zero.
  if (std::fabs(v - std::trunc(v)) == 0.5)
    r = 2.0 * std::round(v / 2.0);
  return r;
}

/// Folds QuantizeLinear (`quantize`) or DequantizeLinear `op` of a constant
/// `x` with constant scale and zero point (a `none` zero point: 0), whose
/// constant operands are `operands` (x, scale, zero point), into the elements
/// of its result type. Handles the per-tensor, per-axis and blocked forms;
/// the operands are known to verify.
template <typename OpT>
static OpFoldResult foldLinearQuantization(OpT op, bool quantize,
                                           ArrayRef<Attribute> operands) {
  bool hasZeroPoint = isa<RankedTensorType>(op->getOperand(2).getType());
  int64_t axis = op.getAxis(), blockSize = op.getBlockSize();
  auto xAttr = dyn_cast_or_null<ElementsAttr>(operands[0]);
  auto scaleAttr = dyn_cast_or_null<ElementsAttr>(operands[1]);
  auto zpAttr = dyn_cast_or_null<ElementsAttr>(operands[2]);
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!xAttr || !scaleAttr || (hasZeroPoint && !zpAttr) || !type ||
      !type.hasStaticShape() || type.getNumElements() > kMaxFoldElements)
    return {};
  auto xType = cast<RankedTensorType>(xAttr.getType());
  auto scaleType = cast<RankedTensorType>(scaleAttr.getType());
  std::optional<SmallVector<double>> xs = readAsDoubles(xAttr);
  std::optional<SmallVector<double>> scales = readAsDoubles(scaleAttr);
  if (!xs || !scales)
    return {};
  SmallVector<double> zps(scales->size(), 0.0);
  if (hasZeroPoint) {
    std::optional<SmallVector<double>> read = readAsDoubles(zpAttr);
    if (!read || read->size() != scales->size())
      return {};
    zps = *read;
  }

  // Maps each element of x to its scale: per-tensor, per-axis or blocked.
  ArrayRef<int64_t> shape = xType.getShape();
  int64_t rank = xType.getRank();
  bool perTensor = blockSize == 0 && isPerTensor(scaleType);
  if (!perTensor && rank > 0) {
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return {};
  }
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  auto scaleIndex = [&](int64_t flat) -> int64_t {
    if (perTensor)
      return 0;
    if (blockSize == 0)
      return (flat / strides[axis]) % shape[axis];
    int64_t index = 0;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t coord = (flat / strides[i]) % shape[i];
      int64_t extent = scaleType.getDimSize(i);
      if (i == axis)
        coord /= blockSize;
      index = index * extent + coord;
    }
    return index;
  };

  Type element = type.getElementType();
  Type xElement = xType.getElementType();
  // ONNX and ONNX Runtime compute in the precision of the float type (f32
  // for f16 and bf16); only int32 inputs divide in double.
  bool singlePrecision =
      isa<FloatType>(xElement) && xElement.getIntOrFloatBitWidth() <= 32;
  SmallVector<double> values;
  values.reserve(xs->size());
  for (auto [i, v] : llvm::enumerate(*xs)) {
    int64_t s = scaleIndex(i);
    if (s < 0 || s >= (int64_t)scales->size())
      return {};
    double scaleValue = (*scales)[s], zero = zps[s];
    if (!quantize) {
      values.push_back((v - zero) * scaleValue);
      continue;
    }
    double q = singlePrecision
                   ? static_cast<double>(static_cast<float>(v) /
                                         static_cast<float>(scaleValue))
                   : v / scaleValue;
    if (std::isnan(q))
      return {};
    unsigned width = element.getIntOrFloatBitWidth();
    bool isUnsigned = element.isUnsignedInteger();
    double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
    double hi = isUnsigned ? std::ldexp(1.0, width) - 1.0
                           : std::ldexp(1.0, width - 1) - 1.0;
    values.push_back(std::clamp(roundHalfToEven(q) + zero, lo, hi));
  }
  if (quantize) {
    SmallVector<int64_t> ints(values.begin(), values.end());
    return createElementsFromInts(type, ints, "quantized");
  }
  return createElementsFromDoubles(type, values, "dequantized");
}

//===----------------------------------------------------------------------===//
// QuantizeLinear
//===----------------------------------------------------------------------===//

/// The element type of ONNX TensorProto data type `dtype` among those that
/// QuantizeLinear can produce in whittle, or null.
static Type quantizedTypeFromONNX(MLIRContext *context, int64_t dtype) {
  Builder b(context);
  switch (dtype) {
  case 2: // UINT8
    return b.getIntegerType(8, /*isSigned=*/false);
  case 3: // INT8
    return b.getIntegerType(8);
  case 4: // UINT16
    return b.getIntegerType(16, /*isSigned=*/false);
  case 5: // INT16
    return b.getIntegerType(16);
  default:
    return {};
  }
}

FailureOr<Type>
QuantizeLinearOp::inferResultType(std::optional<Location> location,
                                  Adaptor adaptor) {
  auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
  if (!xType)
    return emitOptionalError(location, "x must be a ranked tensor");
  Type element;
  if (auto zpType =
          dyn_cast<RankedTensorType>(adaptor.getYZeroPoint().getType())) {
    element = zpType.getElementType();
  } else if (int64_t dtype = adaptor.getOutputDtype()) {
    element = quantizedTypeFromONNX(xType.getContext(), dtype);
    if (!element)
      return emitOptionalError(
          location, "'output_dtype' ", dtype,
          " is not a quantized type that whittle supports (2 = uint8, "
          "3 = int8, 4 = uint16, 5 = int16)");
  } else {
    element = IntegerType::get(xType.getContext(), 8, IntegerType::Unsigned);
  }
  return RankedTensorType::get(xType.getShape(), element);
}

LogicalResult QuantizeLinearOp::verify() {
  auto xType = cast<RankedTensorType>(getX().getType());
  auto scaleType = cast<RankedTensorType>(getYScale().getType());
  if (scaleType.getElementType() != xType.getElementType())
    return emitOpError("y_scale must have the element type of x (")
           << xType.getElementType() << "), got " << scaleType.getElementType();
  if (failed(verifyZeroPoint(*this, "y", getY(), getYScale(), getYZeroPoint())))
    return failure();
  if (int64_t dtype = getOutputDtype()) {
    Type fromDtype = quantizedTypeFromONNX(getContext(), dtype);
    if (!fromDtype)
      return emitOpError("'output_dtype' ")
             << dtype
             << " is not a quantized type that whittle supports (2 = uint8, "
                "3 = int8, 4 = uint16, 5 = int16)";
    Type element = getElementTypeOrSelf(getY());
    if (fromDtype != element)
      return emitOpError("'output_dtype' ")
             << dtype << " (" << fromDtype
             << ") does not match the type of y_zero_point (" << element << ")";
  }
  if (getSaturate() != 0 && getSaturate() != 1)
    return emitOpError("'saturate' must be 0 or 1, got ") << getSaturate();
  return verifyLinearScale(*this, xType, "x", scaleType, "y_scale", getAxis(),
                           getBlockSize());
}

OpFoldResult QuantizeLinearOp::fold(FoldAdaptor adaptor) {
  return foldLinearQuantization(*this, /*quantize=*/true,
                                adaptor.getOperands());
}

//===----------------------------------------------------------------------===//
// DequantizeLinear
//===----------------------------------------------------------------------===//

FailureOr<Type>
DequantizeLinearOp::inferResultType(std::optional<Location> location,
                                    Adaptor adaptor) {
  auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
  auto scaleType = dyn_cast<RankedTensorType>(adaptor.getXScale().getType());
  if (!xType || !scaleType)
    return emitOptionalError(location, "x and x_scale must be ranked tensors");
  return RankedTensorType::get(xType.getShape(), scaleType.getElementType());
}

LogicalResult DequantizeLinearOp::verify() {
  if (failed(verifyZeroPoint(*this, "x", getX(), getXScale(), getXZeroPoint())))
    return failure();
  return verifyLinearScale(*this, getX().getType(), "x",
                           cast<RankedTensorType>(getXScale().getType()),
                           "x_scale", getAxis(), getBlockSize());
}

OpFoldResult DequantizeLinearOp::fold(FoldAdaptor adaptor) {
  return foldLinearQuantization(*this, /*quantize=*/false,
                                adaptor.getOperands());
}

//===----------------------------------------------------------------------===//
// DynamicQuantizeLinear
//===----------------------------------------------------------------------===//

LogicalResult DynamicQuantizeLinearOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
  if (!xType)
    return emitOptionalError(location, "x must be a ranked tensor");
  Type u8 = IntegerType::get(context, 8, IntegerType::Unsigned);
  inferred.push_back(RankedTensorType::get(xType.getShape(), u8));
  inferred.push_back(RankedTensorType::get({}, Float32Type::get(context)));
  inferred.push_back(RankedTensorType::get({}, u8));
  return success();
}

//===----------------------------------------------------------------------===//
// QLinearConv and ConvInteger
//===----------------------------------------------------------------------===//

FailureOr<Type> QLinearConvOp::inferResultType(std::optional<Location> location,
                                               Adaptor adaptor) {
  auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
  auto wType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
  auto zpType = dyn_cast<RankedTensorType>(adaptor.getYZeroPoint().getType());
  if (!xType || !wType || !zpType)
    return emitOptionalError(location,
                             "x, w and y_zero_point must be ranked tensors");
  return inferConvResult(location, "QLinearConv", "x", "w", xType, wType,
                         adaptor, zpType.getElementType());
}

LogicalResult QLinearConvOp::verify() {
  auto wType = cast<RankedTensorType>(getW().getType());
  if (failed(verifyConvGroups(*this, getX().getType().getShape(),
                              wType.getShape(), getGroup())) ||
      failed(verifyZeroPoints(*this,
                              {{"x", getX(), getXScale(), getXZeroPoint()},
                               {"w", getW(), getWScale(), getWZeroPoint()},
                               {"y", getY(), getYScale(), getYZeroPoint()}})) ||
      failed(verifyPerTensor(*this, getXScale(), "x_scale")) ||
      failed(verifyPerTensor(*this, getYScale(), "y_scale")) ||
      failed(verifyPerChannel(*this, getWScale(), "w_scale", wType)))
    return failure();
  if (RankedTensorType bType = tensorTypeOf(getB())) {
    int64_t m = wType.getDimSize(0);
    if (bType.getRank() != 1 || (!ShapedType::isDynamic(m) &&
                                 !ShapedType::isDynamic(bType.getDimSize(0)) &&
                                 bType.getDimSize(0) != m))
      return emitOpError("bias B must have shape [") << m << "], got " << bType;
  }
  return success();
}

FailureOr<Type> ConvIntegerOp::inferResultType(std::optional<Location> location,
                                               Adaptor adaptor) {
  auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
  auto wType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
  if (!xType || !wType)
    return emitOptionalError(location, "x and w must be ranked tensors");
  return inferConvResult(location, "ConvInteger", "x", "w", xType, wType,
                         adaptor, IntegerType::get(xType.getContext(), 32));
}

/// Checks a zero point of an integer layer that has no scale to share a
/// shape with: its element type must be its tensor's.
static LogicalResult verifyZeroPointType(Operation *op, Value zp,
                                         StringRef zpName, Value tensor,
                                         StringRef tensorName) {
  RankedTensorType zpType = tensorTypeOf(zp);
  Type element = getElementTypeOrSelf(tensor);
  if (zpType && zpType.getElementType() != element)
    return op->emitOpError()
           << zpName << " must have the type of " << tensorName << " ("
           << element << "), got " << zpType.getElementType();
  return success();
}

LogicalResult ConvIntegerOp::verify() {
  auto wType = cast<RankedTensorType>(getW().getType());
  if (failed(verifyConvGroups(*this, getX().getType().getShape(),
                              wType.getShape(), getGroup())) ||
      failed(verifyZeroPointType(*this, getXZeroPoint(), "x_zero_point", getX(),
                                 "x")) ||
      failed(verifyZeroPointType(*this, getWZeroPoint(), "w_zero_point", getW(),
                                 "w")) ||
      failed(verifyPerTensor(*this, getXZeroPoint(), "x_zero_point")) ||
      failed(verifyPerChannel(*this, getWZeroPoint(), "w_zero_point", wType)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// QLinearMatMul and MatMulInteger
//===----------------------------------------------------------------------===//

/// The numpy matmul result of the ranked tensors `a` and `b` with element
/// type `element`; fails with `notRanked` if an operand is unranked or
/// `element` is null (an unranked zero point).
static FailureOr<Type>
inferIntegerMatMulResult(std::optional<Location> location, Value a, Value b,
                         Type element, StringRef notRanked) {
  auto aType = dyn_cast<RankedTensorType>(a.getType());
  auto bType = dyn_cast<RankedTensorType>(b.getType());
  if (!aType || !bType || !element)
    return emitOptionalError(location, notRanked);
  FailureOr<SmallVector<int64_t>> shape =
      inferMatMulShape(location, aType.getShape(), bType.getShape());
  if (failed(shape))
    return failure();
  return RankedTensorType::get(*shape, element);
}

FailureOr<Type>
QLinearMatMulOp::inferResultType(std::optional<Location> location,
                                 Adaptor adaptor) {
  auto zpType = dyn_cast<RankedTensorType>(adaptor.getYZeroPoint().getType());
  return inferIntegerMatMulResult(
      location, adaptor.getA(), adaptor.getB(),
      zpType ? zpType.getElementType() : Type(),
      "a, b and y_zero_point must be ranked tensors");
}

LogicalResult QLinearMatMulOp::verify() {
  auto aType = cast<RankedTensorType>(getA().getType());
  auto bType = cast<RankedTensorType>(getB().getType());
  if (failed(verifySameScaleType(*this, {getAScale(), getBScale(), getYScale()},
                                 {"a_scale", "b_scale", "y_scale"})) ||
      failed(verifyZeroPoints(*this,
                              {{"a", getA(), getAScale(), getAZeroPoint()},
                               {"b", getB(), getBScale(), getBZeroPoint()},
                               {"y", getY(), getYScale(), getYZeroPoint()}})) ||
      failed(verifyMatMulParam(*this,
                               cast<RankedTensorType>(getAScale().getType()),
                               "a_scale", aType, "a", /*perRow=*/true)) ||
      failed(verifyMatMulParam(*this,
                               cast<RankedTensorType>(getBScale().getType()),
                               "b_scale", bType, "b", /*perRow=*/false)) ||
      failed(verifyPerTensor(*this, getYScale(), "y_scale")))
    return failure();
  return success();
}

FailureOr<Type>
MatMulIntegerOp::inferResultType(std::optional<Location> location,
                                 Adaptor adaptor) {
  return inferIntegerMatMulResult(
      location, adaptor.getA(), adaptor.getB(),
      IntegerType::get(adaptor.getA().getContext(), 32),
      "A and B must be ranked tensors");
}

LogicalResult MatMulIntegerOp::verify() {
  auto aType = cast<RankedTensorType>(getA().getType());
  auto bType = cast<RankedTensorType>(getB().getType());
  if (failed(verifyZeroPointType(*this, getAZeroPoint(), "a_zero_point", getA(),
                                 "A")) ||
      failed(verifyZeroPointType(*this, getBZeroPoint(), "b_zero_point", getB(),
                                 "B")))
    return failure();
  if (RankedTensorType zp = tensorTypeOf(getAZeroPoint()))
    if (failed(verifyMatMulParam(*this, zp, "a_zero_point", aType, "A",
                                 /*perRow=*/true)))
      return failure();
  if (RankedTensorType zp = tensorTypeOf(getBZeroPoint()))
    return verifyMatMulParam(*this, zp, "b_zero_point", bType, "B",
                             /*perRow=*/false);
  return success();
}

//===----------------------------------------------------------------------===//
// ONNX Runtime's quantized operators (com.microsoft)
//===----------------------------------------------------------------------===//

/// Checks per-tensor (scale, zero point) pairs of a com.microsoft quantized
/// op: one-element scales, zero points of the data's 8-bit type.
static LogicalResult verifyPerTensorParams(Operation *op, Value data,
                                           StringRef dataName, Value scale,
                                           StringRef scaleName, Value zeroPoint,
                                           StringRef zpName) {
  if (!isPerTensor(cast<RankedTensorType>(scale.getType())))
    return op->emitOpError()
           << scaleName << " must be a scalar or one-element tensor";
  RankedTensorType zpType = tensorTypeOf(zeroPoint);
  if (!zpType)
    return success();
  if (!isPerTensor(zpType))
    return op->emitOpError()
           << zpName << " must be a scalar or one-element tensor";
  if (zpType.getElementType() != getElementTypeOrSelf(data))
    return op->emitOpError() << zpName << " must have the type of " << dataName
                             << " (" << getElementTypeOrSelf(data) << "), got "
                             << zpType.getElementType();
  return success();
}

#define NN_MS_BINARY(OpT)                                                      \
  FailureOr<Type> OpT::inferResultType(std::optional<Location> location,       \
                                       Adaptor adaptor) {                      \
    return inferBroadcastResult(location, adaptor.getA().getType(),            \
                                adaptor.getB().getType(), Type());             \
  }                                                                            \
  LogicalResult OpT::verify() {                                                \
    if (getElementTypeOrSelf(getA()) != getElementTypeOrSelf(getB()))          \
      return emitOpError("A and B must have the same element type");           \
    if (failed(verifyPerTensorParams(*this, getA(), "A", getAScale(),          \
                                     "A_scale", getAZeroPoint(),               \
                                     "A_zero_point")) ||                       \
        failed(verifyPerTensorParams(*this, getB(), "B", getBScale(),          \
                                     "B_scale", getBZeroPoint(),               \
                                     "B_zero_point")))                         \
      return failure();                                                        \
    return verifyPerTensorParams(*this, getC(), "C", getCScale(), "C_scale",   \
                                 getCZeroPoint(), "C_zero_point");             \
  }
NN_MS_BINARY(MSQLinearAddOp)
NN_MS_BINARY(MSQLinearMulOp)
#undef NN_MS_BINARY

/// Checks the per-tensor (scale, zero point) pairs of the input X and the
/// output Y of a one-input com.microsoft op, named `xScale`, `xZp`, `yScale`
/// and `yZp` in diagnostics.
template <typename OpT>
static LogicalResult verifyUnaryPerTensorParams(OpT op, StringRef xScale,
                                                StringRef xZp, StringRef yScale,
                                                StringRef yZp) {
  if (failed(verifyPerTensorParams(op, op.getX(), "X", op.getXScale(), xScale,
                                   op.getXZeroPoint(), xZp)))
    return failure();
  return verifyPerTensorParams(op, op.getY(), "Y", op.getYScale(), yScale,
                               op.getYZeroPoint(), yZp);
}

// These name their parameters by the C++ accessor (as they always have).
#define NN_MS_UNARY(OpT)                                                       \
  FailureOr<Type> OpT::inferResultType(std::optional<Location>,                \
                                       Adaptor adaptor) {                      \
    return adaptor.getX().getType();                                           \
  }                                                                            \
  LogicalResult OpT::verify() {                                                \
    return verifyUnaryPerTensorParams(*this, "XScale", "XZeroPoint", "YScale", \
                                      "YZeroPoint");                           \
  }
NN_MS_UNARY(MSQLinearSigmoidOp)
NN_MS_UNARY(MSQLinearLeakyReluOp)
NN_MS_UNARY(MSQLinearSoftmaxOp)
#undef NN_MS_UNARY

FailureOr<Type>
MSQLinearGlobalAveragePoolOp::inferResultType(std::optional<Location> location,
                                              Adaptor adaptor) {
  auto type = cast<RankedTensorType>(adaptor.getX().getType());
  if (type.getRank() < 3)
    return emitOptionalError(location, "X must have rank 3 or more");
  SmallVector<int64_t> shape(type.getShape());
  bool channelsLast = adaptor.getChannelsLast() != 0;
  for (int64_t d = channelsLast ? 1 : 2,
               e = channelsLast ? type.getRank() - 1 : type.getRank();
       d < e; ++d)
    shape[d] = 1;
  return RankedTensorType::get(shape, type.getElementType());
}

FailureOr<Type>
MSQLinearAveragePoolOp::inferResultType(std::optional<Location> location,
                                        Adaptor adaptor) {
  auto type = cast<RankedTensorType>(adaptor.getX().getType());
  if (adaptor.getChannelsLast() != 0)
    return emitOptionalError(location,
                             "channels_last = 1 is not supported; export "
                             "the model in NCHW layout");
  if (type.getRank() < 3)
    return emitOptionalError(location, "X must have rank 3 or more");
  FailureOr<WindowGeometry> geometry = resolveWindow(
      location, type.getShape().drop_front(2), adaptor.getKernelShape(),
      adaptor.getStrides(), std::nullopt, adaptor.getPads(),
      adaptor.getAutoPad(), adaptor.getCeilMode() != 0);
  if (failed(geometry))
    return failure();
  SmallVector<int64_t> shape(type.getShape().take_front(2));
  llvm::append_range(shape, geometry->output);
  return RankedTensorType::get(shape, type.getElementType());
}

// The pools name their parameters by ONNX Runtime's input names.
#define NN_MS_POOL_VERIFIER(OpT)                                               \
  LogicalResult OpT::verify() {                                                \
    return verifyUnaryPerTensorParams(*this, "x_scale", "x_zero_point",        \
                                      "y_scale", "y_zero_point");              \
  }
NN_MS_POOL_VERIFIER(MSQLinearGlobalAveragePoolOp)
NN_MS_POOL_VERIFIER(MSQLinearAveragePoolOp)
#undef NN_MS_POOL_VERIFIER

FailureOr<Type>
MSQLinearConcatOp::inferResultType(std::optional<Location> location,
                                   Adaptor adaptor) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty() || inputs.size() % 3 != 0)
    return emitOptionalError(location, "inputs must be (tensor, scale, zero "
                                       "point) triples");
  auto first = cast<RankedTensorType>(inputs[0].getType());
  FailureOr<int64_t> axis =
      normalizeAxis(location, adaptor.getAxis(), first.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (size_t i = 3; i < inputs.size(); i += 3) {
    auto type = cast<RankedTensorType>(inputs[i].getType());
    if (type.getRank() != first.getRank())
      return emitOptionalError(location, "inputs must have the same rank");
    int64_t d = type.getDimSize(*axis);
    shape[*axis] =
        ShapedType::isDynamic(d) || ShapedType::isDynamic(shape[*axis])
            ? ShapedType::kDynamic
            : shape[*axis] + d;
  }
  return RankedTensorType::get(
      shape, cast<RankedTensorType>(adaptor.getYZeroPoint().getType())
                 .getElementType());
}

LogicalResult MSQLinearConcatOp::verify() {
  if (failed(verifyPerTensorParams(*this, getY(), "Y", getYScale(), "Y_scale",
                                   getYZeroPoint(), "Y_zero_point")))
    return failure();
  ValueRange inputs = getInputs();
  for (size_t i = 0; i + 2 < inputs.size(); i += 3) {
    if (!isa<IntegerType>(getElementTypeOrSelf(inputs[i])) ||
        !cast<RankedTensorType>(inputs[i + 1].getType())
             .getElementType()
             .isF32())
      return emitOpError() << "input " << i / 3
                           << " must be an 8-bit tensor with an f32 scale";
    if (failed(verifyPerTensorParams(*this, inputs[i], "input", inputs[i + 1],
                                     "input scale", inputs[i + 2],
                                     "input zero point")))
      return failure();
  }
  return success();
}

FailureOr<Type> MSQGemmOp::inferResultType(std::optional<Location> location,
                                           Adaptor adaptor) {
  auto a = cast<RankedTensorType>(adaptor.getA().getType());
  auto b = cast<RankedTensorType>(adaptor.getB().getType());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(location, "A and B must be matrices");
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  Type element = Float32Type::get(a.getContext());
  if (!isa<NoneType>(adaptor.getYScale().getType())) {
    auto zp = dyn_cast<RankedTensorType>(adaptor.getYZeroPoint().getType());
    element = zp ? zp.getElementType() : a.getElementType();
  }
  return RankedTensorType::get({m, n}, element);
}

LogicalResult MSQGemmOp::verify() {
  if (failed(verifyPerTensorParams(*this, getA(), "A", getAScale(), "a_scale",
                                   getAZeroPoint(), "a_zero_point")))
    return failure();
  auto b = cast<RankedTensorType>(getB().getType());
  int64_t columns = b.getDimSize(getTransB() ? 0 : 1);
  auto bScale = cast<RankedTensorType>(getBScale().getType());
  if (!isPerTensor(bScale) &&
      !(bScale.getRank() == 1 && bScale.getDimSize(0) == columns))
    return emitOpError() << "b_scale must have one element or " << columns
                         << " (one per column)";
  if (getElementTypeOrSelf(getBZeroPoint()) != getElementTypeOrSelf(getB()))
    return emitOpError("b_zero_point must have the type of B");
  if (auto yScale = dyn_cast<RankedTensorType>(getYScale().getType()))
    if (!isPerTensor(yScale))
      return emitOpError("y_scale must be a scalar or one-element tensor");
  return success();
}
