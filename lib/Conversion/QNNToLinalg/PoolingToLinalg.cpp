//===- PoolingToLinalg.cpp - max, average and global average pools --------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Pools are window reductions (`linalg.generic` with a window operand that
// gives the kernel loops their extent) over an input padded to the windows'
// full extent: with -128 for the max, which never wins against a real
// element, and with the input zero point for the averages, so that padded
// positions add 0 to `sum (x - zp)`. The averages then divide by `count *
// 2^shift` where the counts, known at compile time for every output
// position, are a constant (or a scalar when all are equal).
//
//===----------------------------------------------------------------------===//

#include "RescaleUtils.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::qnn;

namespace {

/// Pads `x` (N x C x D...) for windows of `kernel` (dilated by
/// `dilations`) at `strides` producing `output` spatial sizes: the begin
/// pads as given, the end pads grown to the last window's reach (ceil
/// mode's partial windows).
Value padForWindows(OpBuilder &b, Location loc, Value x,
                    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
                    ArrayRef<int64_t> output, Value padValue) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t spatial = kernel.size();
  SmallVector<int64_t> low(2, 0), high(2, 0);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t needed =
        (output[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
    low.push_back(pads[i]);
    high.push_back(std::max<int64_t>(
        pads[spatial + i], needed - pads[i] - type.getDimSize(2 + i)));
  }
  // Windows never reach past the end when the end pad exceeds what they
  // need; crop nothing, the extra padding is just unread.
  return buildPad(b, loc, x, low, high, padValue);
}

/// Reduces the windows of `x` (already padded) into `init` (N x C x O...):
/// `combine(element, accumulator)`.
Value buildWindowReduction(OpBuilder &b, Location loc, Value x, Value init,
                           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations,
                           ReductionBuilder combine) {
  MLIRContext *context = b.getContext();
  int64_t spatial = kernel.size();
  int64_t loops = 2 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineExpr> xExprs = {dim(0), dim(1)}, yExprs = {dim(0), dim(1)},
                          windowExprs;
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(2 + i), k = dim(2 + spatial + i);
    xExprs.push_back(o * strides[i] + k * dilations[i]);
    yExprs.push_back(o);
    windowExprs.push_back(k);
  }
  // The window operand only gives the kernel loops their extent.
  Value window = tensor::EmptyOp::create(b, loc, kernel, b.getI8Type());
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, xExprs, context),
                                 AffineMap::get(loops, 0, windowExprs, context),
                                 AffineMap::get(loops, 0, yExprs, context)};
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{x, window}, init, maps,
             getIteratorTypes(2 + spatial, spatial),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       combine(nb, nl, args[0], args[2]));
             })
      .getResult(0);
}

struct MaxPoolLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Value lowest = buildInt(rewriter, loc, rewriter.getI8Type(), -128);
    Value x = padForWindows(rewriter, loc, adaptor.getX(), op.getKernelShape(),
                            op.getStrides(), op.getDilations(), op.getPads(),
                            resultType.getShape().drop_front(2), lowest);
    Value y = buildWindowReduction(
        rewriter, loc, x, buildFilled(rewriter, loc, resultType, lowest),
        op.getKernelShape(), op.getStrides(), op.getDilations(),
        [](OpBuilder &b, Location l, Value element, Value acc) -> Value {
          return arith::MaxSIOp::create(b, l, acc, element);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// `sum (x - zeroPoint)` over windows, in i32, of `x` padded with the zero
/// point.
Value buildWindowSum(OpBuilder &b, Location loc, Value x, int32_t zeroPoint,
                     RankedTensorType sumType, ArrayRef<int64_t> kernel,
                     ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  Type i32 = b.getI32Type();
  return buildWindowReduction(
      b, loc, x, buildFilled(b, loc, sumType, buildInt(b, loc, i32, 0)), kernel,
      strides, dilations,
      [&](OpBuilder &nb, Location nl, Value element, Value acc) -> Value {
        Value value = arith::ExtSIOp::create(nb, nl, i32, element);
        if (zeroPoint != 0)
          value = arith::SubIOp::create(nb, nl, value,
                                        buildInt(nb, nl, i32, zeroPoint));
        return arith::AddIOp::create(nb, nl, acc, value);
      });
}

struct AvgPoolLowering : OpConversionPattern<AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    RankedTensorType resultType = op.getType();
    auto xType = cast<RankedTensorType>(adaptor.getX().getType());
    ArrayRef<int64_t> kernel = op.getKernelShape();
    ArrayRef<int64_t> strides = op.getStrides();
    ArrayRef<int64_t> pads = op.getPads();
    ArrayRef<int64_t> output = resultType.getShape().drop_front(2);
    int64_t spatial = kernel.size();
    SmallVector<int64_t> dilations(spatial, 1);
    int32_t inputZp = op.getInputZeroPoint();
    Value x = padForWindows(
        rewriter, loc, adaptor.getX(), kernel, strides, dilations, pads, output,
        buildInt(rewriter, loc, rewriter.getI8Type(), inputZp));
    auto sumType =
        RankedTensorType::get(resultType.getShape(), rewriter.getI32Type());
    Value sums = buildWindowSum(rewriter, loc, x, inputZp, sumType, kernel,
                                strides, dilations);

    // The count of every output position: its window clipped to the
    // padded input (count_include_pad) or to the input.
    SmallVector<int64_t> counts = {1};
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t lo = op.getCountIncludePad() ? -pads[i] : 0;
      int64_t hi = xType.getDimSize(2 + i) +
                   (op.getCountIncludePad() ? pads[spatial + i] : 0);
      SmallVector<int64_t> next;
      for (int64_t count : counts)
        for (int64_t o = 0; o < output[i]; ++o) {
          int64_t start = o * strides[i] - pads[i];
          int64_t end = start + kernel[i];
          next.push_back(
              count *
              std::max<int64_t>(std::min(end, hi) - std::max(start, lo), 1));
        }
      counts = std::move(next);
    }
    int64_t maxCount = *llvm::max_element(counts);
    bool uniform = llvm::all_equal(counts);
    int64_t windowSize = 1;
    for (int64_t k : kernel)
      windowSize *= k;
    int32_t multiplier = op.getMultiplier(), shift = op.getShift();
    // |x - zp| <= 255 over at most windowSize positions.
    Type type =
        getAverageType(rewriter, 255 * windowSize, maxCount, multiplier, shift);
    unsigned width = type.getIntOrFloatBitWidth();
    auto toAPInt = [&](int64_t count) {
      __int128 d = getAverageDenominator(count, shift);
      uint64_t words[2] = {static_cast<uint64_t>(d),
                           static_cast<uint64_t>(d >> 64)};
      return APInt(128, words).trunc(width);
    };
    int64_t rank = resultType.getRank();
    SmallVector<Value> inputs = {sums};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    if (!uniform) {
      SmallVector<APInt> denominators;
      for (int64_t count : counts)
        denominators.push_back(toAPInt(count));
      auto countsType = RankedTensorType::get(output, type);
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(countsType, denominators)));
      SmallVector<AffineExpr> exprs;
      for (int64_t i = 0; i < spatial; ++i)
        exprs.push_back(getAffineDimExpr(2 + i, context));
      maps.push_back(AffineMap::get(rank, 0, exprs, context));
    }
    RoundingMode mode = op.getRounding();
    Value y = buildMappedGeneric(
        rewriter, loc, inputs, maps, resultType,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value denominator =
              uniform ? arith::ConstantOp::create(
                            b, l, b.getIntegerAttr(type, toAPInt(counts[0])))
                            .getResult()
                      : args[1];
          return buildAverage(b, l, args[0], denominator, type, multiplier,
                              shift, mode, op.getOutputZeroPoint(), op.getMin(),
                              op.getMax());
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct GlobalAvgPoolLowering : OpConversionPattern<GlobalAvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GlobalAvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(adaptor.getX().getType());
    int64_t rank = xType.getRank();
    int64_t count = 1;
    for (int64_t size : xType.getShape().drop_front(2))
      count *= size;
    int32_t inputZp = op.getInputZeroPoint();
    Type i32 = rewriter.getI32Type();
    SmallVector<bool> reduced(rank, true);
    reduced[0] = reduced[1] = false;
    // |x - zp| <= 255 over `count` positions: below 2^31 for any feature
    // map under 2^23 elements.
    Value sums = buildReduction(
        rewriter, loc, adaptor.getX(), reduced, buildInt(rewriter, loc, i32, 0),
        [&](OpBuilder &b, Location l, Value element, Value acc) -> Value {
          Value value = arith::ExtSIOp::create(b, l, i32, element);
          if (inputZp != 0)
            value = arith::SubIOp::create(b, l, value,
                                          buildInt(b, l, i32, inputZp));
          return arith::AddIOp::create(b, l, acc, value);
        });
    int32_t multiplier = op.getMultiplier(), shift = op.getShift();
    Type type = getAverageType(rewriter, 255 * count, count, multiplier, shift);
    __int128 d = getAverageDenominator(count, shift);
    uint64_t words[2] = {static_cast<uint64_t>(d),
                         static_cast<uint64_t>(d >> 64)};
    APInt denominator = APInt(128, words).trunc(type.getIntOrFloatBitWidth());
    auto pooledType = RankedTensorType::get(
        {xType.getDimSize(0), xType.getDimSize(1)}, rewriter.getI8Type());
    RoundingMode mode = op.getRounding();
    Value y = buildMappedGeneric(
        rewriter, loc, sums, rewriter.getMultiDimIdentityMap(2), pooledType,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value divisor = arith::ConstantOp::create(
              b, l, b.getIntegerAttr(type, denominator));
          return buildAverage(b, l, args[0], divisor, type, multiplier, shift,
                              mode, op.getOutputZeroPoint(), op.getMin(),
                              op.getMax());
        });
    rewriter.replaceOp(op,
                       buildReshape(rewriter, loc, y, op.getType().getShape()));
    return success();
  }
};

} // namespace

void whittle::populateQNNPoolingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AvgPoolLowering, GlobalAvgPoolLowering>(
      patterns.getContext());
}
