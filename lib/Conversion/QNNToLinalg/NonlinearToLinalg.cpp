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
// rounding division of each exponential by the sum. qnn.resize is one
// generic over the output that sums every combination of one tap per
// spatial axis with the product of their integer weights, exactly, and
// rounds once.
//
//===----------------------------------------------------------------------===//

#include "RescaleUtils.h"
#include "whittle/Dialect/QNN/QNNResize.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::qnn;

namespace {

/// `table[index]` for an i32 `index` in the table's range.
Value buildTableRead(OpBuilder &b, Location loc, Value table, Value index) {
  Value position = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  return tensor::ExtractOp::create(b, loc, table, position);
}

Value lowerLookupTable(LookupTableOp op, LookupTableOp::Adaptor adaptor,
                       ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Type i8 = rewriter.getI8Type();
  Value table = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(RankedTensorType::get({256}, i8), op.getTable()));
  return buildElementwise(rewriter, loc, adaptor.getX(), i8,
                          [&](OpBuilder &b, Location l, Value x) {
                            Type i32 = b.getI32Type();
                            Value index = arith::AddIOp::create(
                                b, l, arith::ExtSIOp::create(b, l, i32, x),
                                buildInt(b, l, i32, 128));
                            return buildTableRead(b, l, table, index);
                          });
}

Value lowerSoftmax(SoftmaxOp op, SoftmaxOp::Adaptor adaptor,
                   ConversionPatternRewriter &rewriter) {
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
  Value exps =
      buildMappedGeneric(rewriter, loc, {x, maximum}, {identity, alongAxis},
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
  auto stage = cast<OutputStageOpInterface>(op.getOperation());
  int32_t multiplier = stage.getOutputMultipliers().front();
  int32_t shift = stage.getOutputShifts().front();
  __int128 maxExp = entries.front();
  __int128 maxNumerator = maxExp * multiplier << std::max<int32_t>(-shift, 0);
  __int128 maxDenominator = maxExp * resultType.getDimSize(axis)
                            << std::max<int32_t>(shift, 0);
  Type type = getDivisionType(rewriter, maxNumerator, maxDenominator);
  RoundingMode mode = stage.getRounding();
  return buildMappedGeneric(
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
        return buildOutputStage(b, l, quotient, stage);
      });
}

Value lowerResize(ResizeOp op, ResizeOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  MLIRContext *context = rewriter.getContext();
  RankedTensorType resultType = op.getType();
  int64_t rank = resultType.getRank();
  int64_t bits = op.getFractionBits();
  // |x| <= 128 times weights summing to 2^(bits * axes).
  int64_t spatial = rank - 2;
  Type accType =
      bits * spatial + 8 < 31 ? rewriter.getI32Type() : rewriter.getI64Type();

  // Per spatial axis and tap: an i64 index table and a weight table, both
  // read along that axis.
  SmallVector<Value> tables;
  SmallVector<AffineMap> maps;
  SmallVector<int64_t> taps;
  for (int64_t axis = 2; axis < rank; ++axis) {
    IntegerAxisSampling sampling = getIntegerAxisSampling(op, axis);
    taps.push_back(sampling.indices.size());
    for (auto [indices, weights] :
         llvm::zip(sampling.indices, sampling.weights)) {
      tables.push_back(
          buildVector(rewriter, loc, indices, rewriter.getI64Type()));
      tables.push_back(buildVector(rewriter, loc, weights, accType));
      AffineMap along = channelMap(context, rank, axis);
      maps.append({along, along});
    }
  }

  Value x = adaptor.getX();
  RoundingMode mode = op.getRounding();
  return buildMappedGeneric(
      rewriter, loc, tables, maps, resultType,
      [&](OpBuilder &b, Location l, ValueRange args) {
        SmallVector<Value> position;
        for (int64_t d = 0; d < rank; ++d)
          position.push_back(linalg::IndexOp::create(b, l, d));
        // Every combination of one tap per spatial axis.
        Value sum;
        SmallVector<int64_t> choice(spatial, 0);
        while (true) {
          Value weight;
          int64_t arg = 0;
          for (int64_t a = 0; a < spatial; ++a) {
            Value index = args[arg + 2 * choice[a]];
            Value w = args[arg + 2 * choice[a] + 1];
            position[a + 2] =
                arith::IndexCastOp::create(b, l, b.getIndexType(), index);
            weight = weight ? arith::MulIOp::create(b, l, weight, w) : w;
            arg += 2 * taps[a];
          }
          Value tap = buildExtend(
              b, l, tensor::ExtractOp::create(b, l, x, position), accType);
          Value term = weight ? arith::MulIOp::create(b, l, tap, weight) : tap;
          sum = sum ? arith::AddIOp::create(b, l, sum, term) : term;
          int64_t a = 0;
          while (a < spatial && ++choice[a] == taps[a])
            choice[a++] = 0;
          if (a == spatial)
            break;
        }
        if (bits * spatial > 0)
          sum = buildRoundingShiftRight(
              b, l, sum, buildInt(b, l, accType, bits * spatial), mode);
        return arith::TruncIOp::create(b, l, b.getI8Type(), sum);
      });
}

} // namespace

void whittle::populateQNNNonlinearToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<OpLowering<LookupTableOp, lowerLookupTable>,
               OpLowering<SoftmaxOp, lowerSoftmax>,
               OpLowering<ResizeOp, lowerResize>>(patterns.getContext());
}
