//===- RescaleToLinalg.cpp - requantize, add, mul, concat -----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The elementwise rescales. Each is one `linalg.generic` whose body widens
// to i64, forms the exact numerator, rescales it (RescaleUtils) and ends
// with the output stage; per-channel multipliers and shifts are constant
// i64 vectors read along the channel axis. A requantize that scales down
// (shifts of 32 or more) and rounds to nearest stays in 32-bit lanes
// instead (buildNarrowRescale), which LLVM vectorizes: the rescale of
// every convolution's accumulator.
//
//===----------------------------------------------------------------------===//

#include "RescaleUtils.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::qnn;

namespace {

// The attribute getters return i32 attributes' bits as uint32_t: every
// use below goes through int32_t.

struct RequantizeLowering : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    int64_t axis = normalizeAxis(op.getAxis(), rank);
    RescaleParams params = getRescaleParams(op.getMultiplier(), op.getShift());
    SmallVector<Value> inputs = {adaptor.getX()};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    RoundingMode mode = op.getRounding();
    int32_t zp = op.getOutputZeroPoint(), lo = op.getMin(), hi = op.getMax();
    SmallVector<int32_t> multipliers(op.getMultiplier()), shifts(op.getShift());
    if (canRescaleInI32(multipliers, shifts, mode, zp)) {
      // The usual case (an accumulator scaled down): 32-bit lanes only,
      // which LLVM vectorizes.
      Type i32 = rewriter.getI32Type();
      bool perChannel = multipliers.size() > 1;
      if (perChannel) {
        auto widen = [](ArrayRef<int32_t> values) {
          return SmallVector<int64_t>(values.begin(), values.end());
        };
        inputs.push_back(buildVector(rewriter, loc, widen(multipliers), i32));
        inputs.push_back(buildVector(rewriter, loc, widen(shifts), i32));
        maps.append(2, channelMap(rewriter.getContext(), rank, axis));
      }
      rewriter.replaceOp(
          op,
          buildMappedGeneric(
              rewriter, loc, inputs, maps, resultType,
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value x = buildExtend(b, l, args[0], i32);
                Value multiplier =
                    perChannel ? args[1] : buildInt(b, l, i32, multipliers[0]);
                Value shift =
                    perChannel ? args[2] : buildInt(b, l, i32, shifts[0]);
                return buildOutputStage(
                    b, l, buildNarrowRescale(b, l, x, multiplier, shift, mode),
                    zp, lo, hi);
              }));
      return success();
    }
    params.addInputs(rewriter, loc, rank, axis, inputs, maps);
    Value y = buildMappedGeneric(
        rewriter, loc, inputs, maps, resultType,
        [&](OpBuilder &b, Location l, ValueRange args) {
          // |x| <= 2^31 and 0 < multiplier < 2^31: the product is below
          // 2^62 in magnitude, as buildRescale needs.
          Value x = buildExtend(b, l, args[0], b.getI64Type());
          auto [multiplier, shift] = params.get(b, l, args.drop_front());
          Value scaled =
              buildRescale(b, l, x, multiplier, shift, params.signs, mode);
          return buildOutputStage(b, l, scaled, zp, lo, hi);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// `x - zeroPoint` in i64.
Value buildCentered(OpBuilder &b, Location loc, Value x, int32_t zeroPoint) {
  Type i64 = b.getI64Type();
  Value wide = buildExtend(b, loc, x, i64);
  if (zeroPoint == 0)
    return wide;
  return arith::SubIOp::create(b, loc, wide, buildInt(b, loc, i64, zeroPoint));
}

struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RoundingMode mode = op.getRounding();
    Value y = buildBroadcastGeneric(
        rewriter, op.getLoc(), {adaptor.getA(), adaptor.getB()}, op.getType(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Type i64 = b.getI64Type();
          // |x - zp| <= 255 and |multiplier| <= 2^31: the sum is below
          // 2^40 in magnitude.
          Value a = arith::MulIOp::create(
              b, l, buildCentered(b, l, args[0], op.getAZeroPoint()),
              buildInt(b, l, i64, static_cast<int32_t>(op.getAMultiplier())));
          Value c = arith::MulIOp::create(
              b, l, buildCentered(b, l, args[1], op.getBZeroPoint()),
              buildInt(b, l, i64, static_cast<int32_t>(op.getBMultiplier())));
          Value sum = arith::AddIOp::create(b, l, a, c);
          Value scaled = buildRescale(
              b, l, sum, buildInt(b, l, i64, 1),
              buildInt(b, l, i64, static_cast<int32_t>(op.getShift())),
              classifyShifts(static_cast<int32_t>(op.getShift())), mode);
          return buildOutputStage(b, l, scaled, op.getOutputZeroPoint(),
                                  op.getMin(), op.getMax());
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct MulLowering : OpConversionPattern<MulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RoundingMode mode = op.getRounding();
    Value y = buildBroadcastGeneric(
        rewriter, op.getLoc(), {adaptor.getA(), adaptor.getB()}, op.getType(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Type i64 = b.getI64Type();
          // |(a - za)(b - zb)| <= 2^16, times a multiplier below 2^31.
          Value product = arith::MulIOp::create(
              b, l, buildCentered(b, l, args[0], op.getAZeroPoint()),
              buildCentered(b, l, args[1], op.getBZeroPoint()));
          Value scaled = buildRescale(
              b, l, product,
              buildInt(b, l, i64, static_cast<int32_t>(op.getMultiplier())),
              buildInt(b, l, i64, static_cast<int32_t>(op.getShift())),
              classifyShifts(static_cast<int32_t>(op.getShift())), mode);
          return buildOutputStage(b, l, scaled, op.getOutputZeroPoint(),
                                  op.getMin(), op.getMax());
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    int64_t axis = normalizeAxis(op.getAxis(), rank);
    int32_t zp = op.getOutputZeroPoint(), lo = op.getMin(), hi = op.getMax();
    RoundingMode mode = op.getRounding();
    Value result = buildEmpty(rewriter, loc, resultType);
    int64_t offset = 0;
    for (auto [i, input] : llvm::enumerate(adaptor.getInputs())) {
      auto type = cast<RankedTensorType>(input.getType());
      int32_t inputZp = op.getInputZeroPoints()[i];
      int32_t multiplier = op.getMultipliers()[i];
      int32_t shift = op.getShifts()[i];
      Value part = input;
      // Inputs on the output's scale and zero point pass through unless
      // the clamp is narrower than i8.
      bool identity = multiplier == 1 && shift == 0 && inputZp == zp &&
                      lo == -128 && hi == 127;
      if (!identity) {
        auto partType =
            RankedTensorType::get(type.getShape(), rewriter.getI8Type());
        part = buildMappedGeneric(
            rewriter, loc, input, rewriter.getMultiDimIdentityMap(rank),
            partType, [&](OpBuilder &b, Location l, ValueRange args) {
              Type i64 = b.getI64Type();
              // |x - zp| <= 255 times a multiplier below 2^31.
              Value scaled = buildRescale(
                  b, l, buildCentered(b, l, args[0], inputZp),
                  buildInt(b, l, i64, multiplier), buildInt(b, l, i64, shift),
                  classifyShifts(shift), mode);
              return buildOutputStage(b, l, scaled, zp, lo, hi);
            });
      }
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes,
          strides(rank, rewriter.getIndexAttr(1));
      offsets[axis] = rewriter.getIndexAttr(offset);
      for (int64_t size : type.getShape())
        sizes.push_back(rewriter.getIndexAttr(size));
      result = tensor::InsertSliceOp::create(rewriter, loc, part, result,
                                             offsets, sizes, strides);
      offset += type.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void whittle::populateQNNRescaleToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<RequantizeLowering, AddLowering, MulLowering, ConcatLowering>(
      patterns.getContext());
}
