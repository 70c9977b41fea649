//===- QNNInterfaces.h - what back ends read of qnn ops ---------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// OutputStageOpInterface (the rescale, zero point and clamp every rescaling
// op ends with) and ConvLikeOpInterface (the window of convolutions and
// pools); see QNNInterfaces.td.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_QNN_QNNINTERFACES_H
#define WHITTLE_DIALECT_QNN_QNNINTERFACES_H

#include "whittle/Dialect/QNN/QNNDialect.h"

#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

namespace whittle::qnn {
class OutputStageOpInterface;
class ConvLikeOpInterface;

namespace detail {
/// The checks every output stage needs (OutputStageOpInterface's verifier).
mlir::LogicalResult verifyOutputStage(OutputStageOpInterface op);
} // namespace detail

/// Whether `op` can round by `mode`: `float32` only where the rounding
/// models a float multiply by a scale, `pseudo_stochastic` not where it
/// divides by a count that need not be a power of two.
mlir::LogicalResult verifyRounding(mlir::Operation *op, RoundingMode mode,
                                   bool canRoundAsFloat32, bool dividesByCount);

/// The window attributes of `op` over `spatial` dimensions: one stride,
/// dilation and window extent per dimension and two pads, strides and
/// dilations positive, pads non-negative, and a positive group.
mlir::LogicalResult verifyConvLike(ConvLikeOpInterface op, int64_t spatial);
} // namespace whittle::qnn

#include "whittle/Dialect/QNN/QNNInterfaces.h.inc"

#endif // WHITTLE_DIALECT_QNN_QNNINTERFACES_H
