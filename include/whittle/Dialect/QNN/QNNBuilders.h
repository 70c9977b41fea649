//===- QNNBuilders.h - one way to build integer layers ----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The construction layer both producers of qnn call for every integer layer
// they build: --whittle-quantize (which chooses scales from calibration) and
// --nn-to-qnn (which reads them from a quantized ONNX model). The callers
// decide the integers (zero points, multipliers, shifts, clamps, tables);
// these functions only assemble the ops, through their ODS builders, so
// every qnn op is built the same way whoever made the decisions.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_QNN_QNNBUILDERS_H
#define WHITTLE_DIALECT_QNN_QNNBUILDERS_H

#include "whittle/Dialect/QNN/QNNOps.h"

#include "mlir/IR/Builders.h"

#include <cstdint>

namespace whittle::nn {
struct WindowGeometry;
} // namespace whittle::nn

namespace whittle::qnn {

/// The parameters of a per-tensor quantized value: real value = scale * (q -
/// zeroPoint).
struct QParams {
  double scale = 1.0;
  int32_t zeroPoint = 0;
};

/// An i8 value with its per-tensor parameters.
struct QValue {
  mlir::Value value;
  QParams params;
};

/// An i8 operand of a qnn op: the value and the zero point subtracted from
/// it.
struct Operand {
  mlir::Value value;
  int32_t zeroPoint = 0;
};

/// The integer rescale `round(n * multiplier / 2^shift)`.
struct Rescale {
  int32_t multiplier = 1;
  int32_t shift = 0;
};

/// The clamp of an output stage, in the output's integers; a subrange of i8
/// absorbs a fused ReLU or Clip.
struct Clamp {
  int32_t min = -128;
  int32_t max = 127;
  bool isFull() const { return min == -128 && max == 127; }
};

/// The output stage every rescaling qnn op ends with: how it rounds, the
/// output zero point it adds and the clamp.
struct OutputStage {
  RoundingMode rounding = RoundingMode::nearest_even;
  int32_t zeroPoint = 0;
  Clamp clamp;
};

//===----------------------------------------------------------------------===//
// Products and requantization
//===----------------------------------------------------------------------===//

/// qnn.conv of `x` and the weights `w` (zero points per tensor or per output
/// channel) over the resolved `geometry`, with an optional i32 `bias`.
ConvOp buildConv(mlir::OpBuilder &b, mlir::Location loc, Operand x,
                 mlir::Value w, llvm::ArrayRef<int32_t> weightZeroPoints,
                 mlir::Value bias, const nn::WindowGeometry &geometry,
                 int64_t group);

/// qnn.matmul of `a` and `w` (zero points per tensor or per column) with an
/// optional i32 `bias` per column.
MatMulOp buildMatMul(mlir::OpBuilder &b, mlir::Location loc, Operand a,
                     mlir::Value w, llvm::ArrayRef<int32_t> weightZeroPoints,
                     mlir::Value bias);

/// qnn.requantize of the accumulator `acc`: one rescale, or one per channel
/// along `axis`.
RequantizeOp buildRequantize(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value acc, llvm::ArrayRef<Rescale> rescales,
                             int64_t axis, const OutputStage &output);

/// A product followed by its requantization along the output channels
/// (axis 1 for convolutions, the last axis for matrix products).
RequantizeOp
buildRequantizedConv(mlir::OpBuilder &b, mlir::Location loc, Operand x,
                     mlir::Value w, llvm::ArrayRef<int32_t> weightZeroPoints,
                     mlir::Value bias, const nn::WindowGeometry &geometry,
                     int64_t group, llvm::ArrayRef<Rescale> rescales,
                     const OutputStage &output);
RequantizeOp buildRequantizedMatMul(mlir::OpBuilder &b, mlir::Location loc,
                                    Operand a, mlir::Value w,
                                    llvm::ArrayRef<int32_t> weightZeroPoints,
                                    mlir::Value bias,
                                    llvm::ArrayRef<Rescale> rescales,
                                    const OutputStage &output);

//===----------------------------------------------------------------------===//
// Rescaling elementwise ops and concatenation
//===----------------------------------------------------------------------===//

/// qnn.add: `(a - za) * aMultiplier + (b - zb) * bMultiplier`, shifted; a
/// negative `bMultiplier` makes a difference.
AddOp buildAdd(mlir::OpBuilder &b, mlir::Location loc, Operand lhs, Operand rhs,
               int32_t lhsMultiplier, int32_t rhsMultiplier, int32_t shift,
               const OutputStage &output);

/// qnn.mul: `(a - za) * (b - zb)` rescaled.
MulOp buildMul(mlir::OpBuilder &b, mlir::Location loc, Operand lhs, Operand rhs,
               Rescale rescale, const OutputStage &output);

/// qnn.concat along `axis` (negative counts from the end) with one rescale
/// per input.
ConcatOp buildConcat(mlir::OpBuilder &b, mlir::Location loc,
                     llvm::ArrayRef<Operand> inputs,
                     llvm::ArrayRef<Rescale> rescales, int64_t axis,
                     const OutputStage &output);

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

MaxPoolOp buildMaxPool(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       const nn::WindowGeometry &geometry, bool ceilMode);

/// qnn.avg_pool; `geometry` must not dilate.
AvgPoolOp buildAvgPool(mlir::OpBuilder &b, mlir::Location loc, Operand x,
                       const nn::WindowGeometry &geometry, bool ceilMode,
                       bool countIncludePad, Rescale rescale,
                       const OutputStage &output);

GlobalAvgPoolOp buildGlobalAvgPool(mlir::OpBuilder &b, mlir::Location loc,
                                   Operand x, Rescale rescale,
                                   const OutputStage &output);

//===----------------------------------------------------------------------===//
// Nonlinearities and the boundary
//===----------------------------------------------------------------------===//

/// qnn.lut with `table[q + 128]` the image of every i8 `q`.
LookupTableOp buildLookupTable(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value x, llvm::ArrayRef<int8_t> table);

/// qnn.softmax along `axis` of `x` (kept as given: qnn.softmax counts a
/// negative axis from the end), whose scale `inputScale` gives the
/// exponential table.
SoftmaxOp buildSoftmax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       double inputScale, int64_t axis, Rescale rescale,
                       const OutputStage &output);

/// qnn.quantize of the float `x`: `i8` of the same shape.
QuantizeOp buildQuantize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         llvm::ArrayRef<float> scales,
                         llvm::ArrayRef<int32_t> zeroPoints, int64_t axis,
                         RoundingMode rounding);

/// qnn.dequantize of `x` to f32.
DequantizeOp buildDequantize(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value x, llvm::ArrayRef<float> scales,
                             llvm::ArrayRef<int32_t> zeroPoints, int64_t axis);

} // namespace whittle::qnn

#endif // WHITTLE_DIALECT_QNN_QNNBUILDERS_H
