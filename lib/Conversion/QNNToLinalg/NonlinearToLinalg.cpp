//===- NonlinearToLinalg.cpp - lookup tables, softmax, resize -------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Tables are constant tensors read with `tensor.extract` inside a
// `linalg.generic` (a gather the vectorizer leaves scalar, which is what a
// 256-entry table costs anyway). The integer softmax is three passes along
// its axis: the maximum, the table's exponentials and their i64 sum, and a
// rounding division of each exponential by the sum. qnn.resize has no
// lowering yet (the pass reports it).
//
//===----------------------------------------------------------------------===//

#include "RescaleUtils.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::qnn;

namespace {

/// `table[index]` for an i32 `index` in the table's range.
Value buildTableRead(OpBuilder &b, Location loc, Value table, Value index) {
  Value position = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  return tensor::ExtractOp::create(b, loc, table, position);
}

struct LookupTableLowering : OpConversionPattern<LookupTableOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LookupTableOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    ArrayRef<int8_t> entries = op.getTable();
    Value table = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({256}, rewriter.getI8Type()), entries));
    Value y = buildMappedGeneric(
        rewriter, loc, adaptor.getX(),
        rewriter.getMultiDimIdentityMap(resultType.getRank()), resultType,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Type i32 = b.getI32Type();
          Value index = arith::AddIOp::create(
              b, l, arith::ExtSIOp::create(b, l, i32, args[0]),
              buildInt(b, l, i32, 128));
          return buildTableRead(b, l, table, index);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    int64_t axis = normalizeAxis(op.getAxis(), rank);
    Value x = adaptor.getX();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type(),
         i64 = rewriter.getI64Type();
    SmallVector<bool> reduced(rank, false);
    reduced[axis] = true;
    SmallVector<AffineExpr> reducedExprs;
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis)
        reducedExprs.push_back(getAffineDimExpr(i, context));
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap alongAxis = AffineMap::get(rank, 0, reducedExprs, context);

    Value maximum = buildReduction(
        rewriter, loc, x, reduced, buildInt(rewriter, loc, i8, -128),
        [](OpBuilder &b, Location l, Value element, Value acc) -> Value {
          return arith::MaxSIOp::create(b, l, acc, element);
        });
    ArrayRef<int32_t> entries = op.getExpTable();
    Value table = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({256}, i32), entries));
    // e = exp_table[max - x], with max - x in [0, 255].
    Value exps = buildMappedGeneric(
        rewriter, loc, {x, maximum}, {identity, alongAxis},
        RankedTensorType::get(resultType.getShape(), i32),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value difference = arith::SubIOp::create(
              b, l, arith::ExtSIOp::create(b, l, i32, args[1]),
              arith::ExtSIOp::create(b, l, i32, args[0]));
          return buildTableRead(b, l, table, difference);
        });
    Value sums = buildReduction(
        rewriter, loc, exps, reduced, buildInt(rewriter, loc, i64, 0),
        [&](OpBuilder &b, Location l, Value element, Value acc) -> Value {
          return arith::AddIOp::create(
              b, l, acc, arith::ExtSIOp::create(b, l, i64, element));
        });

    // e * multiplier * 2^-shift over sum * 2^shift. Bounds: e <= table[0]
    // and sum <= table[0] * length.
    int32_t multiplier = op.getMultiplier(), shift = op.getShift();
    __int128 maxExp = entries.front();
    __int128 maxNumerator = maxExp * multiplier << std::max<int32_t>(-shift, 0);
    __int128 maxDenominator = maxExp * resultType.getDimSize(axis)
                              << std::max<int32_t>(shift, 0);
    Type type = getDivisionType(rewriter, maxNumerator, maxDenominator);
    RoundingMode mode = op.getRounding();
    Value y = buildMappedGeneric(
        rewriter, loc, {exps, sums}, {identity, alongAxis}, resultType,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value numerator =
              arith::MulIOp::create(b, l, buildExtend(b, l, args[0], type),
                                    buildInt(b, l, type, multiplier));
          Value denominator = buildExtend(b, l, args[1], type);
          if (shift < 0)
            numerator = arith::ShLIOp::create(b, l, numerator,
                                              buildInt(b, l, type, -shift));
          if (shift > 0)
            denominator = arith::ShLIOp::create(b, l, denominator,
                                                buildInt(b, l, type, shift));
          Value quotient =
              buildRoundingDivide(b, l, numerator, denominator, mode);
          return buildOutputStage(b, l, quotient, op.getOutputZeroPoint(),
                                  op.getMin(), op.getMax());
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void whittle::populateQNNNonlinearToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LookupTableLowering, SoftmaxLowering>(patterns.getContext());
}
