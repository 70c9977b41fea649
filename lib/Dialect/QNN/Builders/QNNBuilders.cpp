//===- QNNBuilders.cpp - one way to build integer layers ------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/QNN/QNNBuilders.h"

#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/QNN/QNNArithmetic.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::qnn;

namespace {
/// The multipliers and shifts of `rescales` as the two arrays qnn stores.
struct RescaleArrays {
  SmallVector<int32_t> multipliers, shifts;
  explicit RescaleArrays(ArrayRef<Rescale> rescales) {
    for (Rescale r : rescales) {
      multipliers.push_back(r.multiplier);
      shifts.push_back(r.shift);
    }
  }
};

int64_t normalizeAxis(int64_t axis, Value value) {
  return axis < 0 ? axis + cast<ShapedType>(value.getType()).getRank() : axis;
}
} // namespace

ConvOp qnn::buildConv(OpBuilder &b, Location loc, Operand x, Value w,
                      ArrayRef<int32_t> weightZeroPoints, Value bias,
                      const nn::WindowGeometry &geometry, int64_t group) {
  return ConvOp::create(b, loc, x.value, w, bias, geometry.strides,
                        geometry.dilations, geometry.pads, group, x.zeroPoint,
                        weightZeroPoints);
}

MatMulOp qnn::buildMatMul(OpBuilder &b, Location loc, Operand a, Value w,
                          ArrayRef<int32_t> weightZeroPoints, Value bias) {
  return MatMulOp::create(b, loc, a.value, w, bias, a.zeroPoint,
                          weightZeroPoints);
}

RequantizeOp qnn::buildRequantize(OpBuilder &b, Location loc, Value acc,
                                  ArrayRef<Rescale> rescales, int64_t axis,
                                  const OutputStage &output) {
  RescaleArrays arrays(rescales);
  return RequantizeOp::create(b, loc, acc, arrays.multipliers, arrays.shifts,
                              axis, output.rounding, output.zeroPoint,
                              output.clamp.min, output.clamp.max);
}

RequantizeOp
qnn::buildRequantizedConv(OpBuilder &b, Location loc, Operand x, Value w,
                          ArrayRef<int32_t> weightZeroPoints, Value bias,
                          const nn::WindowGeometry &geometry, int64_t group,
                          ArrayRef<Rescale> rescales,
                          const OutputStage &output) {
  ConvOp conv =
      buildConv(b, loc, x, w, weightZeroPoints, bias, geometry, group);
  return buildRequantize(b, loc, conv, rescales, /*axis=*/1, output);
}

RequantizeOp qnn::buildRequantizedMatMul(OpBuilder &b, Location loc, Operand a,
                                         Value w,
                                         ArrayRef<int32_t> weightZeroPoints,
                                         Value bias, ArrayRef<Rescale> rescales,
                                         const OutputStage &output) {
  MatMulOp matmul = buildMatMul(b, loc, a, w, weightZeroPoints, bias);
  int64_t lastAxis = matmul.getType().getRank() - 1;
  return buildRequantize(b, loc, matmul, rescales, lastAxis, output);
}

AddOp qnn::buildAdd(OpBuilder &b, Location loc, Operand lhs, Operand rhs,
                    int32_t lhsMultiplier, int32_t rhsMultiplier, int32_t shift,
                    const OutputStage &output) {
  return AddOp::create(b, loc, lhs.value, rhs.value, lhs.zeroPoint,
                       rhs.zeroPoint, lhsMultiplier, rhsMultiplier, shift,
                       output.rounding, output.zeroPoint, output.clamp.min,
                       output.clamp.max);
}

MulOp qnn::buildMul(OpBuilder &b, Location loc, Operand lhs, Operand rhs,
                    Rescale rescale, const OutputStage &output) {
  return MulOp::create(b, loc, lhs.value, rhs.value, lhs.zeroPoint,
                       rhs.zeroPoint, rescale.multiplier, rescale.shift,
                       output.rounding, output.zeroPoint, output.clamp.min,
                       output.clamp.max);
}

ConcatOp qnn::buildConcat(OpBuilder &b, Location loc, ArrayRef<Operand> inputs,
                          ArrayRef<Rescale> rescales, int64_t axis,
                          const OutputStage &output) {
  SmallVector<Value> values;
  SmallVector<int32_t> zeroPoints;
  for (const Operand &input : inputs) {
    values.push_back(input.value);
    zeroPoints.push_back(input.zeroPoint);
  }
  RescaleArrays arrays(rescales);
  return ConcatOp::create(b, loc, values, normalizeAxis(axis, values.front()),
                          zeroPoints, arrays.multipliers, arrays.shifts,
                          output.rounding, output.zeroPoint, output.clamp.min,
                          output.clamp.max);
}

MaxPoolOp qnn::buildMaxPool(OpBuilder &b, Location loc, Value x,
                            const nn::WindowGeometry &geometry, bool ceilMode) {
  return MaxPoolOp::create(b, loc, x, geometry.kernel, geometry.strides,
                           geometry.dilations, geometry.pads, ceilMode);
}

AvgPoolOp qnn::buildAvgPool(OpBuilder &b, Location loc, Operand x,
                            const nn::WindowGeometry &geometry, bool ceilMode,
                            bool countIncludePad, Rescale rescale,
                            const OutputStage &output) {
  return AvgPoolOp::create(
      b, loc, x.value, geometry.kernel, geometry.strides, geometry.pads,
      ceilMode, countIncludePad, x.zeroPoint, rescale.multiplier, rescale.shift,
      output.rounding, output.zeroPoint, output.clamp.min, output.clamp.max);
}

GlobalAvgPoolOp qnn::buildGlobalAvgPool(OpBuilder &b, Location loc, Operand x,
                                        Rescale rescale,
                                        const OutputStage &output) {
  return GlobalAvgPoolOp::create(
      b, loc, x.value, x.zeroPoint, rescale.multiplier, rescale.shift,
      output.rounding, output.zeroPoint, output.clamp.min, output.clamp.max);
}

LookupTableOp qnn::buildLookupTable(OpBuilder &b, Location loc, Value x,
                                    ArrayRef<int8_t> table) {
  return LookupTableOp::create(b, loc, x, table);
}

SoftmaxOp qnn::buildSoftmax(OpBuilder &b, Location loc, Value x,
                            double inputScale, int64_t axis, Rescale rescale,
                            const OutputStage &output) {
  return SoftmaxOp::create(b, loc, x, axis, getSoftmaxExpTable(inputScale),
                           rescale.multiplier, rescale.shift, output.rounding,
                           output.zeroPoint, output.clamp.min,
                           output.clamp.max);
}

QuantizeOp qnn::buildQuantize(OpBuilder &b, Location loc, Value x,
                              ArrayRef<float> scales,
                              ArrayRef<int32_t> zeroPoints, int64_t axis,
                              RoundingMode rounding) {
  return QuantizeOp::create(b, loc, x, scales, zeroPoints, axis, rounding);
}

DequantizeOp qnn::buildDequantize(OpBuilder &b, Location loc, Value x,
                                  ArrayRef<float> scales,
                                  ArrayRef<int32_t> zeroPoints, int64_t axis) {
  return DequantizeOp::create(b, loc, x, scales, zeroPoints, axis);
}
