//===- QNNInterfaces.cpp - what back ends read of qnn ops -----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNInterfaces.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace whittle::qnn;

#include "whittle/Dialect/QNN/QNNInterfaces.cpp.inc"

LogicalResult whittle::qnn::verifyRounding(Operation *op, RoundingMode mode,
                                           bool canRoundAsFloat32,
                                           bool dividesByCount) {
  if (mode == RoundingMode::float32 && !canRoundAsFloat32)
    return op->emitOpError()
           << "cannot round as float32 (only qnn.requantize can); use "
              "nearest_even";
  if (mode == RoundingMode::pseudo_stochastic && dividesByCount)
    return op->emitOpError()
           << "divides by a number that need not be a power of two, so it "
              "cannot round pseudo-stochastically; use nearest_even or "
              "half_away";
  return success();
}

LogicalResult
whittle::qnn::detail::verifyOutputStage(OutputStageOpInterface op) {
  if (failed(verifyRounding(op, op.getRounding(), op.canRoundAsFloat32(),
                            op.dividesByCount())))
    return failure();
  if (!op.hasSignedMultipliers())
    for (int32_t multiplier : op.getOutputMultipliers())
      if (multiplier <= 0)
        return op->emitOpError()
               << "multiplier " << multiplier << " must be positive";
  for (int32_t shift : op.getOutputShifts())
    if (shift < -31 || shift > 62)
      return op->emitOpError() << "shift " << shift << " is outside [-31, 62]";

  // The zero point and the clamp live in the result's integer type.
  auto type = cast<ShapedType>(op->getResult(0).getType());
  unsigned width = type.getElementTypeBitWidth();
  int64_t lowest = -(int64_t(1) << (width - 1));
  int64_t highest = (int64_t(1) << (width - 1)) - 1;
  auto inRange = [&](int64_t v) { return v >= lowest && v <= highest; };
  int32_t zeroPoint = op.getOutputZeroPoint();
  if (!inRange(zeroPoint))
    return op->emitOpError()
           << "output_zero_point " << zeroPoint << " is outside the i" << width
           << " range [" << lowest << ", " << highest << "]";
  int32_t min = op.getMin(), max = op.getMax();
  if (!inRange(min) || !inRange(max) || min > max)
    return op->emitOpError() << "clamp [" << min << ", " << max
                             << "] must be a non-empty subrange of [" << lowest
                             << ", " << highest << "]";
  return success();
}

LogicalResult whittle::qnn::verifyConvLike(ConvLikeOpInterface op,
                                           int64_t spatial) {
  auto count = [](auto values) { return static_cast<int64_t>(values.size()); };
  if (count(op.getWindowShape()) != spatial)
    return op->emitOpError() << "needs " << spatial << " kernel sizes";
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads();
  SmallVector<int64_t> dilations = op.getWindowDilations();
  if (count(strides) != spatial || count(dilations) != spatial ||
      count(pads) != 2 * spatial)
    return op->emitOpError() << "needs " << spatial << " strides, " << spatial
                             << " dilations and " << 2 * spatial << " pads for "
                             << spatial << " spatial dimensions";
  auto below = [](int64_t bound) {
    return [bound](int64_t v) { return v < bound; };
  };
  if (llvm::any_of(strides, below(1)) || llvm::any_of(dilations, below(1)) ||
      llvm::any_of(pads, below(0)))
    return op->emitOpError()
           << "strides and dilations must be positive and pads non-negative";
  return success();
}
