//===- NNNeuralOps.cpp - nn conv, matmul, norm and pool ops ---------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Type inference and verifiers of the layer ops. Type inference checks what
// it needs to compute the result (ranks, kernel sizes, attributes that shape
// the output) and reports through the location, so that the importer can
// name the ONNX node; the verifiers check the rest.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;
using namespace whittle::nn;

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

static std::optional<ArrayRef<int64_t>>
optionalArray(std::optional<ArrayRef<int64_t>> attr) {
  return attr;
}

/// The type of the input `value` of `opName`, named `name`, which must have
/// at least `minRank` dimensions, laid out as `layout`.
static FailureOr<RankedTensorType>
getInputOfRank(std::optional<Location> location, Value value, int64_t minRank,
               StringRef opName, StringRef name, StringRef layout) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() < minRank)
    return emitOptionalError(location, opName, " expects ", name,
                             " of rank >= ", minRank, " (", layout,
                             "), got rank ", type.getRank());
  return type;
}

/// Checks that an integer attribute used as a boolean is 0 or 1.
static LogicalResult verifyFlag(Operation *op, StringRef name, int64_t value) {
  if (value != 0 && value != 1)
    return op->emitOpError("'") << name << "' must be 0 or 1, got " << value;
  return success();
}

/// Checks that a string attribute is one of `choices`.
static LogicalResult verifyOneOf(Operation *op, StringRef name, StringRef value,
                                 ArrayRef<StringRef> choices) {
  if (llvm::is_contained(choices, value))
    return success();
  return op->emitOpError("unsupported ")
         << name << " '" << value << "' (expected one of "
         << llvm::join(choices, ", ") << ")";
}

/// Checks that `value` is a 1-D tensor of `channels` elements (`channels`
/// may be dynamic).
static LogicalResult verifyChannelVector(Operation *op, Value value,
                                         StringRef name, int64_t channels) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() != 1)
    return op->emitOpError("'")
           << name << "' must be 1-D, got rank " << type.getRank();
  int64_t size = type.getDimSize(0);
  if (!ShapedType::isDynamic(size) && !ShapedType::isDynamic(channels) &&
      size != channels)
    return op->emitOpError("'")
           << name << "' has " << size << " elements but the input has "
           << channels << " channels";
  return success();
}

/// Checks that an optional conv bias has one element per output channel.
static LogicalResult verifyChannelBias(Operation *op, Value bias,
                                       int64_t channels) {
  if (isNone(bias))
    return success();
  auto type = cast<RankedTensorType>(bias.getType());
  if (type.getRank() != 1 || type.getDimSize(0) != channels)
    return op->emitOpError("bias must have shape [") << channels << "]";
  return success();
}

//===----------------------------------------------------------------------===//
// ConvOp
//===----------------------------------------------------------------------===//

FailureOr<Type> ConvOp::inferResultType(std::optional<Location> location,
                                        Adaptor adaptor) {
  auto xType = cast<RankedTensorType>(adaptor.getX().getType());
  auto wType = cast<RankedTensorType>(adaptor.getW().getType());
  return inferConvResult(location, "Conv", "X", "W", xType, wType, adaptor,
                         xType.getElementType());
}

LogicalResult ConvOp::verify() {
  ArrayRef<int64_t> x = getX().getType().getShape();
  ArrayRef<int64_t> w = getW().getType().getShape();
  // Ranks are checked by type inference, which runs after this verifier.
  if (!hasConvRanks(x, w))
    return success();
  if (failed(verifyConvGroups(*this, x, w, getGroup())))
    return failure();
  return verifyChannelBias(*this, getB(), w[0]);
}

//===----------------------------------------------------------------------===//
// ConvTransposeOp
//===----------------------------------------------------------------------===//

FailureOr<Type>
ConvTransposeOp::inferResultType(std::optional<Location> location,
                                 Adaptor adaptor) {
  auto xType = cast<RankedTensorType>(adaptor.getX().getType());
  auto wType = cast<RankedTensorType>(adaptor.getW().getType());
  if (failed(checkConvRanks(location, "ConvTranspose", "X", "W",
                            xType.getShape(), wType.getShape())))
    return failure();
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  if (auto given = adaptor.getKernelShape()) {
    if (*given != kernel)
      return emitOptionalError(location,
                               "'kernel_shape' does not match the spatial "
                               "dimensions of W");
  }
  if (llvm::any_of(wType.getShape(), ShapedType::isDynamic))
    return emitOptionalError(location,
                             "ConvTranspose weights must have a static shape");
  int64_t group = adaptor.getGroup();
  if (group <= 0)
    return emitOptionalError(location, "'group' must be positive, got ", group);
  FailureOr<TransposedWindowGeometry> window = resolveTransposedWindow(
      location, xType.getShape().drop_front(2), kernel,
      optionalArray(adaptor.getStrides()),
      optionalArray(adaptor.getDilations()), optionalArray(adaptor.getPads()),
      adaptor.getAutoPad(), optionalArray(adaptor.getOutputPadding()),
      optionalArray(adaptor.getOutputShape()));
  if (failed(window))
    return failure();
  SmallVector<int64_t> shape = {xType.getDimSize(0),
                                wType.getDimSize(1) * group};
  shape.append(window->output);
  return RankedTensorType::get(shape, xType.getElementType());
}

LogicalResult ConvTransposeOp::verify() {
  auto xType = cast<RankedTensorType>(getX().getType());
  auto wType = cast<RankedTensorType>(getW().getType());
  // Ranks are checked by type inference, which runs after this verifier.
  if (!hasConvRanks(xType.getShape(), wType.getShape()))
    return success();
  if (failed(verifySameElementType(*this, xType, wType)))
    return failure();
  int64_t group = getGroup();
  if (group <= 0)
    return emitOpError("'group' must be positive, got ") << group;
  int64_t channels = xType.getDimSize(1);
  int64_t wChannels = wType.getDimSize(0);
  if (!ShapedType::isDynamic(channels) && channels != wChannels)
    return emitOpError("input has ")
           << channels << " channels but W expects " << wChannels
           << " (W is C x M/group x k...)";
  if (wChannels % group != 0)
    return emitOpError("input channels (")
           << wChannels << ") must be divisible by 'group' (" << group << ")";
  int64_t outChannels = wType.getDimSize(1) * group;
  return verifyChannelBias(*this, getB(), outChannels);
}

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

FailureOr<Type> GemmOp::inferResultType(std::optional<Location> location,
                                        Adaptor adaptor) {
  auto aType = cast<RankedTensorType>(adaptor.getA().getType());
  auto bType = cast<RankedTensorType>(adaptor.getB().getType());
  if (aType.getRank() != 2 || bType.getRank() != 2)
    return emitOptionalError(location, "Gemm expects 2-D A and B, got ranks ",
                             aType.getRank(), " and ", bType.getRank());
  int64_t transA = adaptor.getTransA(), transB = adaptor.getTransB();
  if ((transA != 0 && transA != 1) || (transB != 0 && transB != 1))
    return emitOptionalError(location, "'transA' and 'transB' must be 0 or 1");
  int64_t m = aType.getDimSize(transA ? 1 : 0);
  int64_t k = aType.getDimSize(transA ? 0 : 1);
  int64_t kB = bType.getDimSize(transB ? 1 : 0);
  int64_t n = bType.getDimSize(transB ? 0 : 1);
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(kB) && k != kB)
    return emitOptionalError(location, "Gemm inner dimensions differ: A' is ",
                             shapeToString({m, k}), " and B' is ",
                             shapeToString({kB, n}));
  return RankedTensorType::get({m, n}, aType.getElementType());
}

LogicalResult GemmOp::verify() {
  if (failed(verifySameElementType(*this, getA().getType(), getB().getType())))
    return failure();
  if (isNone(getC()))
    return success();
  auto cType = cast<RankedTensorType>(getC().getType());
  if (failed(verifySameElementType(*this, getA().getType(), cType)))
    return failure();
  ArrayRef<int64_t> yShape = tensorType(getY()).getShape();
  if (!isUnidirectionallyBroadcastable(cType.getShape(), yShape))
    return emitOpError("C of shape ")
           << shapeToString(cType.getShape())
           << " is not unidirectionally broadcastable to the result shape "
           << shapeToString(yShape);
  return success();
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

FailureOr<Type> MatMulOp::inferResultType(std::optional<Location> location,
                                          Adaptor adaptor) {
  auto aType = cast<RankedTensorType>(adaptor.getA().getType());
  auto bType = cast<RankedTensorType>(adaptor.getB().getType());
  FailureOr<SmallVector<int64_t>> shape =
      inferMatMulShape(location, aType.getShape(), bType.getShape());
  if (failed(shape))
    return failure();
  return RankedTensorType::get(*shape, aType.getElementType());
}

LogicalResult MatMulOp::verify() {
  return verifySameElementType(*this, getA().getType(), getB().getType());
}

//===----------------------------------------------------------------------===//
// BatchNormalizationOp
//===----------------------------------------------------------------------===//

FailureOr<Type>
BatchNormalizationOp::inferResultType(std::optional<Location> location,
                                      Adaptor adaptor) {
  return getInputOfRank(location, adaptor.getX(), 2, "BatchNormalization", "X",
                        "N x C x ...");
}

LogicalResult BatchNormalizationOp::verify() {
  if (getTrainingMode() != 0)
    return emitOpError("training_mode=")
           << getTrainingMode()
           << " is not supported: whittle compiles inference graphs, where "
              "BatchNormalization uses the given mean and variance";
  // Ranks are checked by type inference, which runs after this verifier.
  if (tensorType(getX()).getRank() < 2)
    return success();
  int64_t channels = tensorType(getX()).getDimSize(1);
  Value params[] = {getScale(), getB(), getInputMean(), getInputVar()};
  StringRef names[] = {"scale", "B", "input_mean", "input_var"};
  for (auto [value, name] : llvm::zip_equal(params, names))
    if (failed(verifyChannelVector(*this, value, name, channels)))
      return failure();
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError("'epsilon' must be non-negative");
  return success();
}

//===----------------------------------------------------------------------===//
// InstanceNormalizationOp
//===----------------------------------------------------------------------===//

FailureOr<Type>
InstanceNormalizationOp::inferResultType(std::optional<Location> location,
                                         Adaptor adaptor) {
  return getInputOfRank(location, adaptor.getInput(), 3,
                        "InstanceNormalization", "input", "N x C x D1 ...");
}

LogicalResult InstanceNormalizationOp::verify() {
  // Ranks are checked by type inference, which runs after this verifier.
  if (tensorType(getInput()).getRank() < 3)
    return success();
  int64_t channels = tensorType(getInput()).getDimSize(1);
  if (failed(verifyChannelVector(*this, getScale(), "scale", channels)) ||
      failed(verifyChannelVector(*this, getB(), "B", channels)))
    return failure();
  if (failed(verifySameElementType(*this, getInput().getType(),
                                   getScale().getType())) ||
      failed(
          verifySameElementType(*this, getInput().getType(), getB().getType())))
    return failure();
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError("'epsilon' must be non-negative");
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormalizationOp
//===----------------------------------------------------------------------===//

LogicalResult LayerNormalizationOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto xType = cast<RankedTensorType>(adaptor.getX().getType());
  int64_t rank = xType.getRank();
  if (rank < 1)
    return emitOptionalError(location,
                             "LayerNormalization expects X of rank >= 1");
  FailureOr<int64_t> axis =
      normalizeAxis(location, adaptor.getAxis(), rank, "axis");
  if (failed(axis))
    return failure();
  Type stash;
  switch (adaptor.getStashType()) {
  case 1:
    stash = Float32Type::get(context);
    break;
  case 16:
    stash = BFloat16Type::get(context);
    break;
  default:
    return emitOptionalError(location, "unsupported stash_type ",
                             adaptor.getStashType(),
                             " (expected 1 for float or 16 for bfloat16)");
  }
  SmallVector<int64_t> statShape(xType.getShape().take_front(*axis));
  statShape.append(rank - *axis, 1);
  inferred.push_back(xType);
  inferred.push_back(RankedTensorType::get(statShape, stash));
  inferred.push_back(RankedTensorType::get(statShape, stash));
  return success();
}

LogicalResult LayerNormalizationOp::verify() {
  auto xType = tensorType(getX());
  Value params[] = {getScale(), getB()};
  StringRef names[] = {"Scale", "B"};
  for (auto [value, name] : llvm::zip_equal(params, names)) {
    if (isNone(value))
      continue;
    auto type = cast<RankedTensorType>(value.getType());
    if (failed(verifySameElementType(*this, xType, type)))
      return failure();
    if (!isUnidirectionallyBroadcastable(type.getShape(), xType.getShape()))
      return emitOpError("'")
             << name << "' of shape " << shapeToString(type.getShape())
             << " is not unidirectionally broadcastable to X of shape "
             << shapeToString(xType.getShape());
  }
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError("'epsilon' must be non-negative");
  return success();
}

//===----------------------------------------------------------------------===//
// LRNOp
//===----------------------------------------------------------------------===//

FailureOr<Type> LRNOp::inferResultType(std::optional<Location> location,
                                       Adaptor adaptor) {
  return getInputOfRank(location, adaptor.getX(), 3, "LRN", "X",
                        "N x C x D1 ...");
}

LogicalResult LRNOp::verify() {
  if (getSize() <= 0)
    return emitOpError("'size' must be positive, got ") << getSize();
  if (!isa<FloatType>(tensorType(getX()).getElementType()))
    return emitOpError("expects a floating-point input");
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Shared result shape of MaxPool and AveragePool.
template <typename AdaptorT>
static FailureOr<RankedTensorType>
inferPoolType(std::optional<Location> location, AdaptorT adaptor,
              StringRef opName) {
  FailureOr<RankedTensorType> xType = getInputOfRank(
      location, adaptor.getX(), 3, opName, "X", "N x C x D1 ...");
  if (failed(xType))
    return failure();
  DenseI64ArrayAttr kernel = adaptor.getKernelShapeAttr();
  if (!kernel)
    return emitOptionalError(location, opName,
                             " requires attribute 'kernel_shape'");
  int64_t ceilMode = adaptor.getCeilMode();
  if (ceilMode != 0 && ceilMode != 1)
    return emitOptionalError(location, "'ceil_mode' must be 0 or 1, got ",
                             ceilMode);
  FailureOr<WindowGeometry> window = resolveWindow(
      location, xType->getShape().drop_front(2), kernel.asArrayRef(),
      optionalArray(adaptor.getStrides()),
      optionalArray(adaptor.getDilations()), optionalArray(adaptor.getPads()),
      adaptor.getAutoPad(), ceilMode == 1);
  if (failed(window))
    return failure();
  SmallVector<int64_t> shape(xType->getShape().take_front(2));
  shape.append(window->output);
  return RankedTensorType::get(shape, xType->getElementType());
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> type =
      inferPoolType(location, adaptor, "MaxPool");
  if (failed(type))
    return failure();
  inferred.push_back(*type);
  inferred.push_back(type->clone(IntegerType::get(context, 64)));
  return success();
}

LogicalResult MaxPoolOp::verify() {
  return verifyFlag(*this, "storage_order", getStorageOrder());
}

FailureOr<Type> AveragePoolOp::inferResultType(std::optional<Location> location,
                                               Adaptor adaptor) {
  return inferPoolType(location, adaptor, "AveragePool");
}

LogicalResult AveragePoolOp::verify() {
  if (failed(verifyFlag(*this, "count_include_pad", getCountIncludePad())))
    return failure();
  if (!isa<FloatType>(tensorType(getX()).getElementType()))
    return emitOpError("expects a floating-point input");
  return success();
}

/// Result type of GlobalAveragePool and GlobalMaxPool.
static FailureOr<Type> inferGlobalPool(std::optional<Location> location,
                                       Value x, StringRef opName) {
  FailureOr<RankedTensorType> type =
      getInputOfRank(location, x, 3, opName, "X", "N x C x D1 ...");
  if (failed(type))
    return failure();
  SmallVector<int64_t> shape(type->getShape().take_front(2));
  shape.append(type->getRank() - 2, 1);
  return type->clone(shape);
}

#define NN_GLOBAL_POOL_OP(OpT, onnxName)                                       \
  FailureOr<Type> OpT::inferResultType(std::optional<Location> location,       \
                                       Adaptor adaptor) {                      \
    return inferGlobalPool(location, adaptor.getX(), onnxName);                \
  }
NN_GLOBAL_POOL_OP(GlobalAveragePoolOp, "GlobalAveragePool")
NN_GLOBAL_POOL_OP(GlobalMaxPoolOp, "GlobalMaxPool")
#undef NN_GLOBAL_POOL_OP

//===----------------------------------------------------------------------===//
// SoftmaxOp, LogSoftmaxOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferSoftmax(std::optional<Location> location,
                                    Value input, int64_t axis) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getRank() < 1)
    return emitOptionalError(location, "expects an input of rank >= 1");
  if (failed(normalizeAxis(location, axis, type.getRank())))
    return failure();
  return type;
}

static LogicalResult verifySoftmax(Operation *op, Type type) {
  if (!isa<FloatType>(cast<ShapedType>(type).getElementType()))
    return op->emitOpError("expects a floating-point input");
  return success();
}

/// Type inference and verifier of Softmax, LogSoftmax and Hardmax.
#define NN_SOFTMAX_LIKE_OP(OpT)                                                \
  FailureOr<Type> OpT::inferResultType(std::optional<Location> location,       \
                                       Adaptor adaptor) {                      \
    return inferSoftmax(location, adaptor.getInput(), adaptor.getAxis());      \
  }                                                                            \
  LogicalResult OpT::verify() {                                                \
    return verifySoftmax(*this, getInput().getType());                         \
  }
NN_SOFTMAX_LIKE_OP(SoftmaxOp)
NN_SOFTMAX_LIKE_OP(LogSoftmaxOp)
NN_SOFTMAX_LIKE_OP(HardmaxOp)
#undef NN_SOFTMAX_LIKE_OP

//===----------------------------------------------------------------------===//
// DropoutOp
//===----------------------------------------------------------------------===//

LogicalResult DropoutOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(adaptor.getData().getType());
  inferred.push_back(type);
  inferred.push_back(type.clone(IntegerType::get(context, 1)));
  return success();
}

/// The constant value of Dropout's training_mode: false when absent, nullopt
/// when not a constant.
static std::optional<bool> getTrainingModeValue(Value trainingMode) {
  if (isNone(trainingMode))
    return false;
  std::optional<int64_t> value = getConstantScalar<int64_t>(trainingMode);
  if (!value)
    return std::nullopt;
  return *value != 0;
}

LogicalResult DropoutOp::verify() {
  if (!isNone(getRatio())) {
    auto type = cast<RankedTensorType>(getRatio().getType());
    if (type.getRank() != 0 || !isa<FloatType>(type.getElementType()))
      return emitOpError("'ratio' must be a floating-point scalar, got ")
             << type;
    std::optional<double> ratio = getConstantScalar<double>(getRatio());
    if (ratio && (*ratio < 0 || *ratio >= 1))
      return emitOpError("'ratio' must be in [0, 1), got ") << *ratio;
  }
  if (!isNone(getTrainingMode())) {
    auto type = cast<RankedTensorType>(getTrainingMode().getType());
    if (type.getRank() != 0 || !type.getElementType().isInteger(1))
      return emitOpError("'training_mode' must be an i1 scalar, got ") << type;
    if (getTrainingModeValue(getTrainingMode()) == std::optional<bool>(true))
      return emitOpError("training_mode=true is not supported: whittle "
                         "compiles inference graphs");
  }
  return success();
}

namespace {
/// Inference-mode Dropout is the identity; its mask is all true.
struct RemoveInferenceDropout : OpRewritePattern<DropoutOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DropoutOp op,
                                PatternRewriter &rewriter) const override {
    if (getTrainingModeValue(op.getTrainingMode()) != std::optional(false))
      return rewriter.notifyMatchFailure(op, "training_mode is not known to "
                                             "be false");
    Value mask;
    if (!op.getMask().use_empty()) {
      RankedTensorType maskType = op.getMask().getType();
      if (!maskType.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "the mask is used and has a "
                                               "dynamic shape");
      mask = ConstantOp::create(rewriter, op.getLoc(),
                                DenseElementsAttr::get(maskType, true));
    }
    if (mask) {
      rewriter.replaceOp(op, {op.getData(), mask});
      return success();
    }
    rewriter.replaceAllUsesWith(op.getOutput(), op.getData());
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

void DropoutOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<RemoveInferenceDropout>(context);
}

//===----------------------------------------------------------------------===//
// ResizeOp
//===----------------------------------------------------------------------===//

/// True if an optional Resize input is present: not `none` and not an empty
/// tensor (opset 11-13 exporters pass empty roi/scales placeholders).
static bool isPresent(Value value) {
  if (isNone(value))
    return false;
  auto type = cast<RankedTensorType>(value.getType());
  return !(type.getRank() == 1 && type.getDimSize(0) == 0);
}

/// The constant floats of `value`, if it is a constant.
static std::optional<SmallVector<double>> getConstantDoubles(Value value) {
  ElementsAttr attr = getConstantElements(value);
  if (!attr)
    return std::nullopt;
  return readAsDoubles(attr);
}

static const StringRef kResizeModes[] = {"nearest", "linear", "cubic"};
// tf_half_pixel_for_nn is Resize-11's, removed from the schema in opset 13
// but still found in models exported at 11 and 12.
static const StringRef kCoordinateModes[] = {
    "half_pixel",          "half_pixel_symmetric", "pytorch_half_pixel",
    "align_corners",       "asymmetric",           "tf_crop_and_resize",
    "tf_half_pixel_for_nn"};
static const StringRef kNearestModes[] = {"round_prefer_floor",
                                          "round_prefer_ceil", "floor", "ceil"};
static const StringRef kAspectRatioPolicies[] = {"stretch", "not_larger",
                                                 "not_smaller"};

/// An output size computed in floating point from a model's scales, sizes
/// or region of interest, which may be NaN, infinite, negative or beyond
/// int64 (converting those is undefined behaviour).
static FailureOr<int64_t> toOutputSize(std::optional<Location> location,
                                       StringRef opName, double size) {
  if (!(size >= 0 && size < 0x1p63))
    return emitOptionalError(location, opName, " output size ", size,
                             " is not a valid dimension");
  return static_cast<int64_t>(size);
}

FailureOr<Type> ResizeOp::inferResultType(std::optional<Location> location,
                                          Adaptor adaptor) {
  auto xType = cast<RankedTensorType>(adaptor.getX().getType());
  int64_t rank = xType.getRank();
  if (rank < 1)
    return emitOptionalError(location, "Resize expects X of rank >= 1");
  SmallVector<int64_t> axes;
  if (auto given = adaptor.getAxes()) {
    for (int64_t axis : *given) {
      FailureOr<int64_t> normalized =
          normalizeAxis(location, axis, rank, "axis");
      if (failed(normalized))
        return failure();
      if (llvm::is_contained(axes, *normalized))
        return emitOptionalError(location, "'axes' repeats axis ", axis);
      axes.push_back(*normalized);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  int64_t count = axes.size();
  bool hasScales = isPresent(adaptor.getScales());
  bool hasSizes = isPresent(adaptor.getSizes());
  if (hasScales == hasSizes)
    return emitOptionalError(location,
                             "Resize needs exactly one of 'scales' and "
                             "'sizes', got ",
                             hasScales ? "both" : "neither");
  Value given = hasScales ? adaptor.getScales() : adaptor.getSizes();
  auto givenType = cast<RankedTensorType>(given.getType());
  StringRef givenName = hasScales ? "scales" : "sizes";
  if (givenType.getRank() != 1 ||
      (!ShapedType::isDynamic(givenType.getDimSize(0)) &&
       givenType.getDimSize(0) != count))
    return emitOptionalError(location, "'", givenName, "' must be 1-D with ",
                             count, " elements (one per resized axis), got ",
                             givenType);

  SmallVector<int64_t> shape(xType.getShape());
  for (int64_t axis : axes)
    shape[axis] = ShapedType::kDynamic;
  if (hasScales) {
    if (std::optional<SmallVector<double>> scales = getConstantDoubles(given)) {
      if ((int64_t)scales->size() != count)
        return emitOptionalError(location, "'scales' has ", scales->size(),
                                 " values, expected ", count);
      // tf_crop_and_resize resizes the region of interest only.
      std::optional<SmallVector<double>> roi;
      if (adaptor.getCoordinateTransformationMode() == "tf_crop_and_resize" &&
          isPresent(adaptor.getRoi()))
        roi = getConstantDoubles(adaptor.getRoi());
      for (auto [i, axis] : llvm::enumerate(axes)) {
        double scale = (*scales)[i];
        if (!(scale > 0))
          return emitOptionalError(location, "'scales' must be positive, got ",
                                   scale);
        int64_t in = xType.getDimSize(axis);
        if (ShapedType::isDynamic(in))
          continue;
        // As ONNX shape inference: float arithmetic, rounded down.
        float extent = static_cast<float>(in);
        if (roi && (int64_t)roi->size() == 2 * count)
          extent *= static_cast<float>((*roi)[i + count] - (*roi)[i]);
        FailureOr<int64_t> size = toOutputSize(
            location, "Resize", std::floor(extent * static_cast<float>(scale)));
        if (failed(size))
          return failure();
        shape[axis] = *size;
      }
    }
  } else if (std::optional<SmallVector<int64_t>> sizes =
                 getConstantInts(given)) {
    if ((int64_t)sizes->size() != count)
      return emitOptionalError(location, "'sizes' has ", sizes->size(),
                               " values, expected ", count);
    if (llvm::any_of(*sizes, [](int64_t s) { return s <= 0; }))
      return emitOptionalError(location, "'sizes' must be positive");
    StringRef policy = adaptor.getKeepAspectRatioPolicy();
    if (policy == "stretch") {
      for (auto [i, axis] : llvm::enumerate(axes))
        shape[axis] = (*sizes)[i];
    } else if (policy == "not_larger" || policy == "not_smaller") {
      bool known = llvm::none_of(
          axes, [&](int64_t axis) { return xType.isDynamicDim(axis); });
      if (known) {
        double scale = policy == "not_larger" ? HUGE_VAL : 0;
        for (auto [i, axis] : llvm::enumerate(axes)) {
          double s = static_cast<double>((*sizes)[i]) /
                     static_cast<double>(xType.getDimSize(axis));
          scale =
              policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
        }
        for (int64_t axis : axes) {
          FailureOr<int64_t> size = toOutputSize(
              location, "Resize",
              std::round(scale * static_cast<double>(xType.getDimSize(axis))));
          if (failed(size))
            return failure();
          shape[axis] = *size;
        }
      }
    } else {
      return emitOptionalError(location,
                               "unsupported keep_aspect_ratio_policy "
                               "'",
                               policy,
                               "' (expected stretch, not_larger or "
                               "not_smaller)");
    }
  }
  return RankedTensorType::get(shape, xType.getElementType());
}

LogicalResult ResizeOp::verify() {
  if (failed(verifyOneOf(*this, "mode", getMode(), kResizeModes)) ||
      failed(verifyOneOf(*this, "coordinate_transformation_mode",
                         getCoordinateTransformationMode(),
                         kCoordinateModes)) ||
      failed(verifyOneOf(*this, "nearest_mode", getNearestMode(),
                         kNearestModes)) ||
      failed(verifyOneOf(*this, "keep_aspect_ratio_policy",
                         getKeepAspectRatioPolicy(), kAspectRatioPolicies)) ||
      failed(verifyFlag(*this, "antialias", getAntialias())) ||
      failed(verifyFlag(*this, "exclude_outside", getExcludeOutside())))
    return failure();
  int64_t count = getAxes() ? getAxes()->size() : tensorType(getX()).getRank();
  if (isPresent(getScales())) {
    auto type = cast<RankedTensorType>(getScales().getType());
    if (!isa<FloatType>(type.getElementType()))
      return emitOpError("'scales' must hold floats, got ") << type;
  }
  if (isPresent(getSizes())) {
    auto type = cast<RankedTensorType>(getSizes().getType());
    if (!type.getElementType().isInteger(64))
      return emitOpError("'sizes' must hold i64, got ") << type;
  }
  if (isPresent(getRoi())) {
    auto type = cast<RankedTensorType>(getRoi().getType());
    if (!isa<FloatType>(type.getElementType()) || type.getRank() != 1 ||
        (!type.isDynamicDim(0) && type.getDimSize(0) != 2 * count))
      return emitOpError("'roi' must be a 1-D float tensor of ")
             << 2 * count << " elements (starts then ends), got " << type;
  } else if (getCoordinateTransformationMode() == "tf_crop_and_resize") {
    return emitOpError("coordinate_transformation_mode 'tf_crop_and_resize' "
                       "requires 'roi'");
  }
  if (getCubicCoeffA().isNaN())
    return emitOpError("'cubic_coeff_a' must not be NaN");
  return success();
}

OpFoldResult ResizeOp::fold(FoldAdaptor) {
  if (getCoordinateTransformationMode() == "tf_crop_and_resize" ||
      getX().getType() != getY().getType() ||
      !tensorType(getX()).hasStaticShape())
    return {};
  // With sizes the effective scale is output / input, here 1; with scales
  // the given scales are used as they are, so they must all be 1.
  if (isPresent(getScales())) {
    std::optional<SmallVector<double>> scales = getConstantDoubles(getScales());
    if (!scales || llvm::any_of(*scales, [](double s) { return s != 1.0; }))
      return {};
  } else if (getKeepAspectRatioPolicy() != "stretch") {
    return {};
  }
  return getX();
}

//===----------------------------------------------------------------------===//
// UpsampleOp
//===----------------------------------------------------------------------===//

FailureOr<Type> UpsampleOp::inferResultType(std::optional<Location> location,
                                            Adaptor adaptor) {
  auto xType = cast<RankedTensorType>(adaptor.getX().getType());
  auto sType = cast<RankedTensorType>(adaptor.getScales().getType());
  int64_t rank = xType.getRank();
  if (sType.getRank() != 1 ||
      (!sType.isDynamicDim(0) && sType.getDimSize(0) != rank))
    return emitOptionalError(location, "'scales' must be 1-D with ", rank,
                             " elements (one per dimension of X), got ", sType);
  SmallVector<int64_t> shape(rank, ShapedType::kDynamic);
  if (std::optional<SmallVector<double>> scales =
          getConstantDoubles(adaptor.getScales())) {
    if ((int64_t)scales->size() != rank)
      return emitOptionalError(location, "'scales' has ", scales->size(),
                               " values, expected ", rank);
    for (int64_t i = 0; i < rank; ++i) {
      int64_t in = xType.getDimSize(i);
      if (ShapedType::isDynamic(in))
        continue;
      FailureOr<int64_t> size =
          toOutputSize(location, "Upsample",
                       std::floor(static_cast<float>(in) *
                                  static_cast<float>((*scales)[i])));
      if (failed(size))
        return failure();
      shape[i] = *size;
    }
  }
  return RankedTensorType::get(shape, xType.getElementType());
}

LogicalResult UpsampleOp::verify() {
  if (failed(verifyOneOf(*this, "mode", getMode(), {"nearest", "linear"})))
    return failure();
  auto sType = tensorType(getScales());
  if (!isa<FloatType>(sType.getElementType()))
    return emitOpError("'scales' must hold floats, got ") << sType;
  if (std::optional<SmallVector<double>> scales =
          getConstantDoubles(getScales()))
    for (double s : *scales)
      if (!(s >= 1))
        return emitOpError("'scales' must be >= 1 (Upsample only enlarges), "
                           "got ")
               << s;
  return success();
}

OpFoldResult UpsampleOp::fold(FoldAdaptor) {
  std::optional<SmallVector<double>> scales = getConstantDoubles(getScales());
  if (!scales || llvm::any_of(*scales, [](double s) { return s != 1.0; }) ||
      getX().getType() != getY().getType())
    return {};
  return getX();
}
