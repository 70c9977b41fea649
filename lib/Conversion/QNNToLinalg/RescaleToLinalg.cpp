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

Value lowerRequantize(RequantizeOp op, RequantizeOp::Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  RankedTensorType resultType = op.getType();
  int64_t rank = resultType.getRank();
  auto stage = cast<OutputStageOpInterface>(op.getOperation());
  RoundingMode mode = stage.getRounding();
  // The usual case (an accumulator scaled down) stays in 32-bit lanes,
  // which LLVM vectorizes.
  bool narrow = canRescaleInI32(stage);
  Type lane = narrow ? rewriter.getI32Type() : rewriter.getI64Type();
  RescaleParams params = getRescaleParams(stage, lane);
  SmallVector<Value> inputs = {adaptor.getX()};
  SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
  params.addInputs(rewriter, loc, rank, normalizeAxis(op.getAxis(), rank),
                   inputs, maps);
  return buildMappedGeneric(
      rewriter, loc, inputs, maps, resultType,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value x = buildExtend(b, l, args[0], lane);
        auto [multiplier, shift] = params.get(b, l, args.drop_front());
        // Wide: |x| <= 2^31 and 0 < multiplier < 2^31, so the
        // product is below 2^62 in magnitude, as buildRescale
        // needs.
        Value scaled =
            narrow
                ? buildNarrowRescale(b, l, x, multiplier, shift, mode)
                : buildRescale(b, l, x, multiplier, shift, params.signs, mode);
        return buildOutputStage(b, l, scaled, stage);
      });
}

/// `x - zeroPoint` in i64.
Value buildCentered(OpBuilder &b, Location loc, Value x, int32_t zeroPoint) {
  Type i64 = b.getI64Type();
  Value wide = buildExtend(b, loc, x, i64);
  if (zeroPoint == 0)
    return wide;
  return arith::SubIOp::create(b, loc, wide, buildInt(b, loc, i64, zeroPoint));
}

/// qnn.add and qnn.mul: one broadcast generic whose body forms the exact
/// i64 value of the two centered inputs and rescales it.
template <typename OpTy>
Value lowerBinaryRescale(OpTy op, typename OpTy::Adaptor adaptor,
                         ConversionPatternRewriter &rewriter) {
  auto stage = cast<OutputStageOpInterface>(op.getOperation());
  SmallVector<int32_t> multipliers = stage.getOutputMultipliers();
  int32_t shift = stage.getOutputShifts().front();
  return buildBroadcastGeneric(
      rewriter, op.getLoc(), {adaptor.getA(), adaptor.getB()}, op.getType(),
      [&](OpBuilder &b, Location l, ValueRange args) {
        Type i64 = b.getI64Type();
        Value a = buildCentered(b, l, args[0], op.getAZeroPoint());
        if constexpr (std::is_same_v<OpTy, AddOp>) {
          // One multiplier per input: |x - zp| <= 255 and |multiplier| <=
          // 2^31, so the sum is below 2^40 in magnitude.
          a = arith::MulIOp::create(b, l, a,
                                    buildInt(b, l, i64, multipliers[0]));
          Value c = buildCentered(b, l, args[1], op.getBZeroPoint());
          c = arith::MulIOp::create(b, l, c,
                                    buildInt(b, l, i64, multipliers[1]));
          return buildRescaleAndOutput(b, l, arith::AddIOp::create(b, l, a, c),
                                       1, shift, stage);
        }
        // |(a - za)(b - zb)| <= 2^16, times a multiplier below 2^31.
        Value c = buildCentered(b, l, args[1], op.getBZeroPoint());
        return buildRescaleAndOutput(b, l, arith::MulIOp::create(b, l, a, c),
                                     multipliers[0], shift, stage);
      });
}

Value lowerConcat(ConcatOp op, ConcatOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  RankedTensorType resultType = op.getType();
  int64_t rank = resultType.getRank();
  int64_t axis = normalizeAxis(op.getAxis(), rank);
  auto stage = cast<OutputStageOpInterface>(op.getOperation());
  SmallVector<int32_t> multipliers = stage.getOutputMultipliers();
  SmallVector<int32_t> shifts = stage.getOutputShifts();
  // Inputs on the output's scale and zero point pass through unless the
  // clamp is narrower than i8.
  bool fullClamp = stage.getMin() == -128 && stage.getMax() == 127;
  Value result = buildEmpty(rewriter, loc, resultType);
  int64_t offset = 0;
  for (auto [i, input] : llvm::enumerate(adaptor.getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    int32_t inputZp = op.getInputZeroPoints()[i];
    int32_t multiplier = multipliers[i], shift = shifts[i];
    Value part = input;
    if (multiplier != 1 || shift != 0 ||
        inputZp != stage.getOutputZeroPoint() || !fullClamp)
      // |x - zp| <= 255 times a multiplier below 2^31.
      part = buildElementwise(rewriter, loc, input, rewriter.getI8Type(),
                              [&](OpBuilder &b, Location l, Value x) {
                                return buildRescaleAndOutput(
                                    b, l, buildCentered(b, l, x, inputZp),
                                    multiplier, shift, stage);
                              });
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes,
        strides(rank, rewriter.getIndexAttr(1));
    offsets[axis] = rewriter.getIndexAttr(offset);
    for (int64_t size : type.getShape())
      sizes.push_back(rewriter.getIndexAttr(size));
    result = tensor::InsertSliceOp::create(rewriter, loc, part, result, offsets,
                                           sizes, strides);
    offset += type.getDimSize(axis);
  }
  return result;
}

} // namespace

void whittle::populateQNNRescaleToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<OpLowering<RequantizeOp, lowerRequantize>,
               OpLowering<AddOp, lowerBinaryRescale<AddOp>>,
               OpLowering<MulOp, lowerBinaryRescale<MulOp>>,
               OpLowering<ConcatOp, lowerConcat>>(patterns.getContext());
}
