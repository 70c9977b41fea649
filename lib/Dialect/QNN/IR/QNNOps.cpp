//===- QNNOps.cpp - integer-only layers: verifiers, types, folders --------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/QNN/QNNArithmetic.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace whittle;
using namespace whittle::qnn;

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

static bool isInt8(int64_t value) { return value >= -128 && value <= 127; }

static LogicalResult verifyZeroPoints(Operation *op, StringRef name,
                                      ArrayRef<int32_t> zeroPoints) {
  for (int32_t zeroPoint : zeroPoints)
    if (!isInt8(zeroPoint))
      return op->emitOpError() << name << " " << zeroPoint
                               << " is outside the i8 range [-128, 127]";
  return success();
}

/// `float32` rounding models a float multiply by a scale: only
/// qnn.requantize has one.
static LogicalResult verifyNotFloat32(Operation *op, RoundingMode rounding) {
  return verifyRounding(op, rounding, /*canRoundAsFloat32=*/false,
                        /*dividesByCount=*/false);
}

/// Per-tensor (one element) or per-channel (one per element of `type`'s
/// dimension `axis`) parameter arrays of equal size.
static LogicalResult verifyGranularity(Operation *op, ShapedType type,
                                       int64_t axis, StringRef name,
                                       size_t size, StringRef otherName,
                                       size_t otherSize) {
  if (size != otherSize)
    return op->emitOpError() << name << " has " << size << " elements but "
                             << otherName << " has " << otherSize;
  if (size == 0)
    return op->emitOpError() << name << " must not be empty";
  if (size == 1)
    return success();
  if (axis < 0 || axis >= type.getRank())
    return op->emitOpError()
           << "axis " << axis << " is outside a tensor of rank "
           << type.getRank();
  int64_t channels = type.getDimSize(axis);
  if (!ShapedType::isDynamic(channels) &&
      static_cast<int64_t>(size) != channels)
    return op->emitOpError()
           << name << " has " << size << " elements for " << channels
           << " channels along axis " << axis
           << "; give one element per channel, or one for the tensor";
  return success();
}

/// The shape of `x`: the result shape of the ops that change only the
/// element type (qnn.quantize, qnn.dequantize, qnn.requantize).
static FailureOr<SmallVector<int64_t>> getShapeOf(Value x) {
  return llvm::to_vector(cast<ShapedType>(x.getType()).getShape());
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

static LogicalResult verifyScales(Operation *op, ArrayRef<float> scales) {
  for (float scale : scales)
    if (!(scale > 0) || !std::isfinite(scale))
      return op->emitOpError()
             << "scale " << scale << " must be positive and finite";
  return success();
}

LogicalResult QuantizeOp::verify() {
  if (failed(verifyNotFloat32(*this, getRounding())) ||
      failed(verifyScales(*this, getScale())) ||
      failed(verifyZeroPoints(*this, "zero_point", getZeroPoint())))
    return failure();
  return verifyGranularity(*this, getX().getType(), getAxis(), "scale",
                           getScale().size(), "zero_point",
                           getZeroPoint().size());
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyScales(*this, getScale())))
    return failure();
  // An i32 input is an accumulator (zero point 0 in practice, any i32
  // allowed); i8 inputs need i8 zero points.
  if (getX().getType().getElementType().isInteger(8) &&
      failed(verifyZeroPoints(*this, "zero_point", getZeroPoint())))
    return failure();
  return verifyGranularity(*this, getX().getType(), getAxis(), "scale",
                           getScale().size(), "zero_point",
                           getZeroPoint().size());
}

//===----------------------------------------------------------------------===//
// Products
//===----------------------------------------------------------------------===//

static LogicalResult verifyBias(Operation *op, Value bias, int64_t channels) {
  if (!bias)
    return success();
  auto type = cast<ShapedType>(bias.getType());
  if (type.getRank() != 1 ||
      (!type.isDynamicDim(0) && !ShapedType::isDynamic(channels) &&
       type.getDimSize(0) != channels))
    return op->emitOpError() << "bias must have shape [" << channels
                             << "], one i32 per output channel";
  return success();
}

static LogicalResult verifyWeightZeroPoints(Operation *op,
                                            ArrayRef<int32_t> zeroPoints,
                                            int64_t channels, StringRef name) {
  if (failed(verifyZeroPoints(op, name, zeroPoints)))
    return failure();
  if (zeroPoints.size() != 1 &&
      (ShapedType::isDynamic(channels) ||
       static_cast<int64_t>(zeroPoints.size()) != channels))
    return op->emitOpError()
           << name << " has " << zeroPoints.size() << " elements for "
           << channels << " output channels; give one, or one per channel";
  return success();
}

FailureOr<SmallVector<int64_t>>
ConvOp::inferResultShape(std::optional<Location> location, Adaptor adaptor) {
  auto x = cast<ShapedType>(adaptor.getX().getType());
  auto w = cast<ShapedType>(adaptor.getW().getType());
  return nn::inferConvShape(location, "qnn.conv", "x", "w", x.getShape(),
                            w.getShape(), std::nullopt, adaptor.getStrides(),
                            adaptor.getDilations(), adaptor.getPads(),
                            "NOTSET");
}

LogicalResult ConvOp::verify() {
  ShapedType x = getX().getType(), w = getW().getType();
  if (!nn::hasConvRanks(x.getShape(), w.getShape()))
    return emitOpError("needs x (N x C x D...) and w (M x C/group x K...) of "
                       "the same rank, at least 3");
  if (failed(verifyConvLike(*this, x.getRank() - 2)) ||
      failed(nn::verifyConvGroups(*this, x.getShape(), w.getShape(),
                                  getGroup())) ||
      failed(verifyZeroPoints(*this, "input_zero_point", getInputZeroPoint())))
    return failure();
  if (failed(verifyWeightZeroPoints(*this, getWeightZeroPoint(),
                                    w.getDimSize(0), "weight_zero_point")))
    return failure();
  return verifyBias(*this, getBias(), w.getDimSize(0));
}

FailureOr<SmallVector<int64_t>>
ConvTransposeOp::inferResultShape(std::optional<Location> location,
                                  Adaptor adaptor) {
  auto x = cast<ShapedType>(adaptor.getX().getType());
  auto w = cast<ShapedType>(adaptor.getW().getType());
  if (!nn::hasConvRanks(x.getShape(), w.getShape()))
    return emitOptionalError(location,
                             "qnn.conv_transpose needs x (N x C x D...) and w "
                             "(C x M/group x K...) of the same rank, at least "
                             "3");
  auto window = nn::resolveTransposedWindow(
      location, x.getShape().drop_front(2), w.getShape().drop_front(2),
      adaptor.getStrides(), adaptor.getDilations(), adaptor.getPads(), "NOTSET",
      adaptor.getOutputPadding(), std::nullopt);
  if (failed(window))
    return failure();
  SmallVector<int64_t> shape = {x.getDimSize(0),
                                w.getDimSize(1) * adaptor.getGroup()};
  llvm::append_range(shape, window->output);
  return shape;
}

LogicalResult ConvTransposeOp::verify() {
  ShapedType x = getX().getType(), w = getW().getType();
  int64_t spatial = x.getRank() - 2;
  if (failed(verifyConvLike(*this, spatial)))
    return failure();
  if (static_cast<int64_t>(getOutputPadding().size()) != spatial)
    return emitOpError() << "needs " << spatial << " output_padding values";
  if (getGroup() < 1 || x.getDimSize(1) != w.getDimSize(0) ||
      x.getDimSize(1) % getGroup() != 0)
    return emitOpError() << "input channels " << x.getDimSize(1)
                         << " must equal w's first dimension "
                         << w.getDimSize(0) << " and divide by group "
                         << getGroup();
  int64_t channels = w.getDimSize(1) * getGroup();
  if (failed(
          verifyZeroPoints(*this, "input_zero_point", getInputZeroPoint())) ||
      failed(verifyWeightZeroPoints(*this, getWeightZeroPoint(), channels,
                                    "weight_zero_point")))
    return failure();
  return verifyBias(*this, getBias(), channels);
}

/// The convolutions' windows are their filters' spatial dimensions.
SmallVector<int64_t> ConvOp::getWindowShape() {
  return llvm::to_vector(getW().getType().getShape().drop_front(2));
}
int64_t ConvOp::getWindowGroup() { return getGroup(); }
SmallVector<int64_t> ConvTransposeOp::getWindowShape() {
  return llvm::to_vector(getW().getType().getShape().drop_front(2));
}
int64_t ConvTransposeOp::getWindowGroup() { return getGroup(); }

FailureOr<SmallVector<int64_t>>
MatMulOp::inferResultShape(std::optional<Location> location, Adaptor adaptor) {
  auto a = cast<ShapedType>(adaptor.getA().getType());
  auto b = cast<ShapedType>(adaptor.getB().getType());
  return nn::inferMatMulShape(location, a.getShape(), b.getShape());
}

LogicalResult MatMulOp::verify() {
  ShapedType b = getB().getType();
  int64_t columns = b.getRank() == 1 ? 1 : b.getShape().back();
  if (failed(verifyZeroPoints(*this, "a_zero_point", getAZeroPoint())) ||
      failed(verifyWeightZeroPoints(*this, getBZeroPoint(), columns,
                                    "b_zero_point")))
    return failure();
  return verifyBias(*this, getBias(), columns);
}

//===----------------------------------------------------------------------===//
// Rescaling
//===----------------------------------------------------------------------===//

// The output stage (OutputStageOpInterface) verifies the values; the ops
// verify how many there are.

SmallVector<int32_t> RequantizeOp::getOutputMultipliers() {
  return llvm::to_vector(getMultiplier());
}
SmallVector<int32_t> RequantizeOp::getOutputShifts() {
  return llvm::to_vector(getShift());
}
bool RequantizeOp::canRoundAsFloat32() { return true; }

LogicalResult RequantizeOp::verify() {
  return verifyGranularity(*this, getX().getType(), getAxis(), "multiplier",
                           getMultiplier().size(), "shift", getShift().size());
}

OpFoldResult RequantizeOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_if_present<DenseIntElementsAttr>(adaptor.getX());
  if (!input || !getType().hasStaticShape())
    return {};
  ArrayRef<int64_t> shape = getType().getShape();
  ArrayRef<int32_t> multipliers = getMultiplier(), shifts = getShift();
  int64_t inner = 1;
  if (multipliers.size() > 1)
    for (int64_t d = getAxis() + 1, e = shape.size(); d < e; ++d)
      inner *= shape[d];
  SmallVector<int8_t> values;
  values.reserve(getType().getNumElements());
  int64_t index = 0;
  for (const APInt &value : input.getValues<APInt>()) {
    size_t channel =
        multipliers.size() > 1 ? (index / inner) % multipliers.size() : 0;
    values.push_back(static_cast<int8_t>(
        requantize(value.getSExtValue(), multipliers[channel], shifts[channel],
                   getRounding(), getOutputZeroPoint(), getMin(), getMax())));
    ++index;
  }
  return DenseIntElementsAttr::get(getType(), ArrayRef<int8_t>(values));
}

/// The broadcast shape of qnn.add's and qnn.mul's operands.
static FailureOr<SmallVector<int64_t>>
inferBroadcastShape(std::optional<Location> location, Type lhs, Type rhs) {
  return nn::broadcastShapes(location, {cast<ShapedType>(lhs).getShape(),
                                        cast<ShapedType>(rhs).getShape()});
}

SmallVector<int32_t> AddOp::getOutputMultipliers() {
  return {getAMultiplier(), getBMultiplier()};
}
SmallVector<int32_t> AddOp::getOutputShifts() { return {getShift()}; }
bool AddOp::hasSignedMultipliers() { return true; }

/// The zero points of a binary op's inputs (qnn.add, qnn.mul).
static LogicalResult verifyInputZeroPoints(Operation *op, int32_t a,
                                           int32_t b) {
  if (failed(verifyZeroPoints(op, "a_zero_point", a)))
    return failure();
  return verifyZeroPoints(op, "b_zero_point", b);
}

FailureOr<SmallVector<int64_t>>
ConcatOp::inferResultShape(std::optional<Location> location, Adaptor adaptor) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(location, "qnn.concat needs at least one input");
  auto first = cast<ShapedType>(adaptor.getInputs().front().getType());
  auto axis = nn::normalizeAxis(location, adaptor.getAxis(), first.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (Value input : adaptor.getInputs().drop_front()) {
    auto type = cast<ShapedType>(input.getType());
    if (type.getRank() != first.getRank())
      return emitOptionalError(location,
                               "qnn.concat inputs must have the same rank");
    for (int64_t d = 0; d < first.getRank(); ++d) {
      if (d == *axis) {
        shape[d] = ShapedType::isDynamic(shape[d]) || type.isDynamicDim(d)
                       ? ShapedType::kDynamic
                       : shape[d] + type.getDimSize(d);
      } else if (type.getDimSize(d) != shape[d]) {
        return emitOptionalError(location,
                                 "qnn.concat inputs differ in "
                                 "dimension ",
                                 d, " outside the axis");
      }
    }
  }
  return shape;
}

SmallVector<int32_t> ConcatOp::getOutputMultipliers() {
  return llvm::to_vector(getMultipliers());
}
SmallVector<int32_t> ConcatOp::getOutputShifts() {
  return llvm::to_vector(getShifts());
}

LogicalResult ConcatOp::verify() {
  size_t inputs = getInputs().size();
  if (getInputZeroPoints().size() != inputs ||
      getMultipliers().size() != inputs || getShifts().size() != inputs)
    return emitOpError() << "needs one input zero point, multiplier and "
                            "shift per input ("
                         << inputs << ")";
  return verifyZeroPoints(*this, "input zero point", getInputZeroPoints());
}

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

static FailureOr<SmallVector<int64_t>>
inferPool(std::optional<Location> location, Type input,
          ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
          ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads, bool ceilMode) {
  auto x = cast<ShapedType>(input);
  if (x.getRank() < 3)
    return emitOptionalError(
        location, "pooling needs x of rank at least 3 (N x C x D...)");
  auto window = nn::resolveWindow(location, x.getShape().drop_front(2), kernel,
                                  strides, dilations, pads, "NOTSET", ceilMode);
  if (failed(window))
    return failure();
  SmallVector<int64_t> shape = {x.getDimSize(0), x.getDimSize(1)};
  llvm::append_range(shape, window->output);
  return shape;
}

FailureOr<SmallVector<int64_t>>
MaxPoolOp::inferResultShape(std::optional<Location> location, Adaptor adaptor) {
  return inferPool(location, adaptor.getX().getType(), adaptor.getKernelShape(),
                   adaptor.getStrides(), adaptor.getDilations(),
                   adaptor.getPads(), adaptor.getCeilMode());
}

LogicalResult MaxPoolOp::verify() {
  return verifyConvLike(*this, getX().getType().getRank() - 2);
}

bool AvgPoolOp::dividesByCount() { return true; }
/// qnn.avg_pool has no dilations: its windows are dense.
SmallVector<int64_t> AvgPoolOp::getWindowDilations() {
  return SmallVector<int64_t>(getKernelShape().size(), 1);
}

FailureOr<SmallVector<int64_t>>
AvgPoolOp::inferResultShape(std::optional<Location> location, Adaptor adaptor) {
  SmallVector<int64_t> dilations(adaptor.getKernelShape().size(), 1);
  return inferPool(location, adaptor.getX().getType(), adaptor.getKernelShape(),
                   adaptor.getStrides(), dilations, adaptor.getPads(),
                   adaptor.getCeilMode());
}

LogicalResult AvgPoolOp::verify() {
  if (failed(verifyConvLike(*this, getX().getType().getRank() - 2)))
    return failure();
  return verifyZeroPoints(*this, "input_zero_point", getInputZeroPoint());
}

FailureOr<SmallVector<int64_t>>
GlobalAvgPoolOp::inferResultShape(std::optional<Location> location,
                                  Adaptor adaptor) {
  auto x = cast<ShapedType>(adaptor.getX().getType());
  if (x.getRank() < 3)
    return emitOptionalError(location, "qnn.global_avg_pool needs x of rank "
                                       "at least 3 (N x C x D...)");
  SmallVector<int64_t> shape(x.getRank(), 1);
  shape[0] = x.getDimSize(0);
  shape[1] = x.getDimSize(1);
  return shape;
}

bool GlobalAvgPoolOp::dividesByCount() { return true; }

LogicalResult GlobalAvgPoolOp::verify() {
  return verifyZeroPoints(*this, "input_zero_point", getInputZeroPoint());
}

//===----------------------------------------------------------------------===//
// Nonlinearities
//===----------------------------------------------------------------------===//

LogicalResult LookupTableOp::verify() {
  if (getTable().size() != 256)
    return emitOpError() << "table has " << getTable().size()
                         << " entries; it needs 256, one per i8 value";
  return success();
}

OpFoldResult LookupTableOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int8_t> table = getTable();
  bool identity = true;
  for (int i = 0; i < 256 && identity; ++i)
    identity = table[i] == static_cast<int8_t>(i - 128);
  if (identity)
    return getX();
  auto input = dyn_cast_if_present<DenseIntElementsAttr>(adaptor.getX());
  if (!input)
    return {};
  SmallVector<int8_t> values;
  for (const APInt &value : input.getValues<APInt>())
    values.push_back(table[value.getSExtValue() + 128]);
  return DenseIntElementsAttr::get(getType(), ArrayRef<int8_t>(values));
}

FailureOr<SmallVector<int64_t>>
SoftmaxOp::inferResultShape(std::optional<Location> location, Adaptor adaptor) {
  auto x = cast<ShapedType>(adaptor.getX().getType());
  if (failed(nn::normalizeAxis(location, adaptor.getAxis(), x.getRank())))
    return failure();
  return llvm::to_vector(x.getShape());
}

bool SoftmaxOp::dividesByCount() { return true; }

LogicalResult SoftmaxOp::verify() {
  ArrayRef<int32_t> table = getExpTable();
  if (table.size() != 256)
    return emitOpError() << "exp_table has " << table.size()
                         << " entries; it needs 256, one per difference "
                            "from the maximum";
  if (llvm::any_of(table, [](int32_t v) { return v < 0; }) ||
      llvm::any_of(table, [&](int32_t v) { return v > table[0]; }) ||
      table[0] == 0)
    return emitOpError("exp_table entries must be non-negative with the "
                       "first, exp(0), positive and the largest");
  return success();
}

LogicalResult ResizeOp::verify() {
  if (failed(verifyNotFloat32(*this, getRounding())))
    return failure();
  ShapedType x = getX().getType(), y = getY().getType();
  if (x.getRank() < 3 || y.getRank() != x.getRank() ||
      x.getDimSize(0) != y.getDimSize(0) || x.getDimSize(1) != y.getDimSize(1))
    return emitOpError("resizes the spatial dimensions of x (N x C x D...): "
                       "the result must have x's rank, N and C");
  if (getMode() != "nearest" && getMode() != "linear")
    return emitOpError() << "mode '" << getMode()
                         << "' is not supported; use nearest or linear";
  static constexpr StringLiteral transforms[] = {
      "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
      "align_corners", "asymmetric"};
  if (!llvm::is_contained(transforms, getCoordinateTransformationMode()))
    return emitOpError() << "coordinate_transformation_mode '"
                         << getCoordinateTransformationMode()
                         << "' is not supported";
  static constexpr StringLiteral nearestModes[] = {
      "round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
  if (!llvm::is_contained(nearestModes, getNearestMode()))
    return emitOpError() << "nearest_mode '" << getNearestMode()
                         << "' is not supported";
  if (getScales() && static_cast<int64_t>(getScales()->size()) != x.getRank())
    return emitOpError() << "needs one scale per dimension (" << x.getRank()
                         << ")";
  int64_t fractionBits = getFractionBits();
  if (fractionBits < 0 || fractionBits > 15)
    return emitOpError() << "fraction_bits " << fractionBits
                         << " must be in [0, 15]";
  return success();
}

#define GET_OP_CLASSES
#include "whittle/Dialect/QNN/QNNOps.cpp.inc"
