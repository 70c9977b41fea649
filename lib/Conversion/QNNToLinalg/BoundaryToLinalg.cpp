//===- BoundaryToLinalg.cpp - quantize and dequantize ---------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The model's edges, the only float arithmetic a qnn model has:
// - quantize divides in f32 (f16/bf16 inputs are widened exactly), rounds
//   half to even, adds the zero point and saturates to i8;
// - dequantize subtracts the zero point exactly (in i64) and multiplies by
//   the scale in f32.
//
//===----------------------------------------------------------------------===//

#include "RescaleUtils.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::qnn;

namespace {

Value buildFloatVector(OpBuilder &b, Location loc, ArrayRef<float> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getF32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// `body(x, scale, zeroPoint)` for every element `x` of `x` in a generic
/// over `op`'s result, with `op`'s (a quantize's or a dequantize's) scale
/// and zero point (of `zeroPointType`): body constants per tensor, constant
/// vectors read along its axis per channel.
template <typename OpTy>
Value buildScaledGeneric(
    OpBuilder &b, OpTy op, Value x, Type zeroPointType,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  Location loc = op.getLoc();
  RankedTensorType resultType = op.getType();
  int64_t rank = resultType.getRank();
  ArrayRef<float> scales = op.getScale();
  ArrayRef<int32_t> zeroPoints = op.getZeroPoint();
  bool perChannel = scales.size() > 1;
  SmallVector<Value> inputs = {x};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  if (perChannel) {
    SmallVector<int64_t> zps(zeroPoints.begin(), zeroPoints.end());
    inputs.push_back(buildFloatVector(b, loc, scales));
    inputs.push_back(buildVector(b, loc, zps, zeroPointType));
    maps.append(
        2, channelMap(b.getContext(), rank, normalizeAxis(op.getAxis(), rank)));
  }
  return buildMappedGeneric(
      b, loc, inputs, maps, resultType,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value scale = perChannel
                          ? args[1]
                          : buildScalar(nb, l, nb.getF32Type(), scales.front());
        Value zp = perChannel
                       ? args[2]
                       : buildInt(nb, l, zeroPointType, zeroPoints.front());
        return body(nb, l, args[0], scale, zp);
      });
}

/// quantize: `clamp(round_even(x / scale) + zp, -128, 127)`, the zero
/// point in i32.
Value quantizeElement(OpBuilder &b, Location l, Value x, Value scale,
                      Value zp) {
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  if (x.getType() != f32)
    x = arith::ExtFOp::create(b, l, f32, x);
  Value rounded =
      math::RoundEvenOp::create(b, l, arith::DivFOp::create(b, l, x, scale));
  // Beyond +-2^17 the result saturates whatever the zero point; clamping
  // first keeps the conversion defined (NaN goes low).
  rounded = arith::MaxNumFOp::create(b, l, rounded,
                                     buildScalar(b, l, f32, -131072.0));
  rounded =
      arith::MinNumFOp::create(b, l, rounded, buildScalar(b, l, f32, 131072.0));
  Value value = arith::AddIOp::create(
      b, l, arith::FPToSIOp::create(b, l, i32, rounded), zp);
  value = arith::MaxSIOp::create(b, l, value, buildInt(b, l, i32, -128));
  value = arith::MinSIOp::create(b, l, value, buildInt(b, l, i32, 127));
  return arith::TruncIOp::create(b, l, b.getI8Type(), value);
}

/// dequantize: `(x - zp) * scale`, the zero point in i64: exact for i32
/// inputs too, one rounding to f32 after.
Value dequantizeElement(OpBuilder &b, Location l, Value x, Value scale,
                        Value zp) {
  Value centered =
      arith::SubIOp::create(b, l, buildExtend(b, l, x, b.getI64Type()), zp);
  Value value = arith::SIToFPOp::create(b, l, b.getF32Type(), centered);
  return arith::MulFOp::create(b, l, value, scale);
}

/// qnn.quantize and qnn.dequantize: a scaled generic computing `element`
/// with zero points of `zeroPointBits` bits.
template <typename OpTy, unsigned zeroPointBits,
          Value (*element)(OpBuilder &, Location, Value, Value, Value)>
struct ScaledLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op,
        buildScaledGeneric(rewriter, op, adaptor.getX(),
                           rewriter.getIntegerType(zeroPointBits), element));
    return success();
  }
};

} // namespace

void whittle::populateQNNBoundaryToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ScaledLowering<QuantizeOp, 32, quantizeElement>,
               ScaledLowering<DequantizeOp, 64, dequantizeElement>>(
      patterns.getContext());
}
