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

/// Per-tensor parameters become body constants; per-channel ones constant
/// vectors read along `axis`.
struct ChannelParams {
  bool perChannel;
  int64_t axis;
};

ChannelParams getChannelParams(size_t count, int64_t axis, int64_t rank) {
  return {count > 1, axis < 0 ? axis + rank : axis};
}

Value buildFloatVector(OpBuilder &b, Location loc, ArrayRef<float> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getF32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    ArrayRef<float> scales = op.getScale();
    ArrayRef<int32_t> zeroPoints = op.getZeroPoint();
    ChannelParams params = getChannelParams(
        scales.size(), normalizeAxis(op.getAxis(), rank), rank);
    SmallVector<Value> inputs = {adaptor.getX()};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    if (params.perChannel) {
      SmallVector<int64_t> zps(zeroPoints.begin(), zeroPoints.end());
      inputs.push_back(buildFloatVector(rewriter, loc, scales));
      inputs.push_back(buildVector(rewriter, loc, zps, rewriter.getI32Type()));
      maps.append(2, channelMap(rewriter.getContext(), rank, params.axis));
    }
    Value y = buildMappedGeneric(
        rewriter, loc, inputs, maps, resultType,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Type f32 = b.getF32Type(), i32 = b.getI32Type();
          Value x = args[0];
          if (x.getType() != f32)
            x = arith::ExtFOp::create(b, l, f32, x);
          Value scale = params.perChannel
                            ? args[1]
                            : buildScalar(b, l, f32, scales.front());
          Value zp = params.perChannel
                         ? args[2]
                         : buildInt(b, l, i32, zeroPoints.front());
          Value rounded = math::RoundEvenOp::create(
              b, l, arith::DivFOp::create(b, l, x, scale));
          // Beyond +-2^17 the result saturates whatever the zero point;
          // clamping first keeps the conversion defined (NaN goes low).
          rounded = arith::MaxNumFOp::create(b, l, rounded,
                                             buildScalar(b, l, f32, -131072.0));
          rounded = arith::MinNumFOp::create(b, l, rounded,
                                             buildScalar(b, l, f32, 131072.0));
          Value value = arith::AddIOp::create(
              b, l, arith::FPToSIOp::create(b, l, i32, rounded), zp);
          value =
              arith::MaxSIOp::create(b, l, value, buildInt(b, l, i32, -128));
          value = arith::MinSIOp::create(b, l, value, buildInt(b, l, i32, 127));
          return arith::TruncIOp::create(b, l, b.getI8Type(), value);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    ArrayRef<float> scales = op.getScale();
    ArrayRef<int32_t> zeroPoints = op.getZeroPoint();
    ChannelParams params = getChannelParams(
        scales.size(), normalizeAxis(op.getAxis(), rank), rank);
    SmallVector<Value> inputs = {adaptor.getX()};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    if (params.perChannel) {
      SmallVector<int64_t> zps(zeroPoints.begin(), zeroPoints.end());
      inputs.push_back(buildFloatVector(rewriter, loc, scales));
      inputs.push_back(buildVector(rewriter, loc, zps, rewriter.getI64Type()));
      maps.append(2, channelMap(rewriter.getContext(), rank, params.axis));
    }
    Value y = buildMappedGeneric(
        rewriter, loc, inputs, maps, resultType,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Type f32 = b.getF32Type(), i64 = b.getI64Type();
          Value scale = params.perChannel
                            ? args[1]
                            : buildScalar(b, l, f32, scales.front());
          Value zp = params.perChannel
                         ? args[2]
                         : buildInt(b, l, i64, zeroPoints.front());
          // Exact in i64 for i32 inputs too; one rounding to f32 after.
          Value centered =
              arith::SubIOp::create(b, l, buildExtend(b, l, args[0], i64), zp);
          Value value = arith::SIToFPOp::create(b, l, f32, centered);
          return arith::MulFOp::create(b, l, value, scale);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void whittle::populateQNNBoundaryToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DequantizeLowering>(patterns.getContext());
}
