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

/// A pool's window, read through ConvLikeOpInterface.
struct Window {
  explicit Window(ConvLikeOpInterface op)
      : kernel(op.getWindowShape()), strides(op.getStrides()),
        dilations(op.getWindowDilations()), pads(op.getPads()) {}
  SmallVector<int64_t> kernel;
  SmallVector<int64_t> strides, dilations, pads;
};

/// Pads `x` (N x C x D...) for `window` producing `output` spatial sizes:
/// the begin pads as given, the end pads grown to the last window's reach
/// (ceil mode's partial windows).
Value padForWindows(OpBuilder &b, Location loc, Value x, const Window &window,
                    ArrayRef<int64_t> output, Value padValue) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t spatial = window.kernel.size();
  SmallVector<int64_t> low(2, 0), high(2, 0);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t needed = (output[i] - 1) * window.strides[i] +
                     (window.kernel[i] - 1) * window.dilations[i] + 1;
    low.push_back(window.pads[i]);
    high.push_back(
        std::max<int64_t>(window.pads[spatial + i],
                          needed - window.pads[i] - type.getDimSize(2 + i)));
  }
  // Windows never reach past the end when the end pad exceeds what they
  // need; crop nothing, the extra padding is just unread.
  return buildPad(b, loc, x, low, high, padValue);
}

/// Reduces the windows of `x` (already padded) into `init` (N x C x O...):
/// `combine(element, accumulator)`.
Value buildWindowReduction(OpBuilder &b, Location loc, Value x, Value init,
                           const Window &window, ReductionBuilder combine) {
  MLIRContext *context = b.getContext();
  int64_t spatial = window.kernel.size();
  int64_t loops = 2 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineExpr> xExprs = {dim(0), dim(1)}, yExprs = {dim(0), dim(1)},
                          windowExprs;
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(2 + i), k = dim(2 + spatial + i);
    xExprs.push_back(o * window.strides[i] + k * window.dilations[i]);
    yExprs.push_back(o);
    windowExprs.push_back(k);
  }
  // The window operand only gives the kernel loops their extent.
  Value extent = tensor::EmptyOp::create(b, loc, window.kernel, b.getI8Type());
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, xExprs, context),
                                 AffineMap::get(loops, 0, windowExprs, context),
                                 AffineMap::get(loops, 0, yExprs, context)};
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{x, extent}, init, maps,
             getIteratorTypes(2 + spatial, spatial),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       combine(nb, nl, args[0], args[2]));
             })
      .getResult(0);
}

Value lowerMaxPool(MaxPoolOp op, MaxPoolOp::Adaptor adaptor,
                   ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  RankedTensorType resultType = op.getType();
  Window window(cast<ConvLikeOpInterface>(op.getOperation()));
  Value lowest = buildInt(rewriter, loc, rewriter.getI8Type(), -128);
  Value x = padForWindows(rewriter, loc, adaptor.getX(), window,
                          resultType.getShape().drop_front(2), lowest);
  return buildWindowReduction(
      rewriter, loc, x, buildFilled(rewriter, loc, resultType, lowest), window,
      [](OpBuilder &b, Location l, Value element, Value acc) -> Value {
        return arith::MaxSIOp::create(b, l, acc, element);
      });
}

/// `acc + (element - zeroPoint)` in i32: the step of an average's sum. A
/// functor, as a temporary of which lives through the call that builds the
/// reduction (ReductionBuilder only refers to it).
struct CenteredSum {
  int32_t zeroPoint;
  Value operator()(OpBuilder &b, Location l, Value element, Value acc) const {
    Type i32 = b.getI32Type();
    Value value = arith::ExtSIOp::create(b, l, i32, element);
    if (zeroPoint != 0)
      value =
          arith::SubIOp::create(b, l, value, buildInt(b, l, i32, zeroPoint));
    return arith::AddIOp::create(b, l, acc, value);
  }
};

/// The counts of an average pool's output positions: each window clipped
/// to the padded input (count_include_pad) or to the input, in row-major
/// order of the output's spatial dimensions.
SmallVector<int64_t> getWindowCounts(AvgPoolOp op, const Window &window,
                                     ArrayRef<int64_t> output) {
  ArrayRef<int64_t> pads = window.pads;
  int64_t spatial = window.kernel.size();
  SmallVector<int64_t> counts = {1};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t lo = op.getCountIncludePad() ? -pads[i] : 0;
    int64_t hi = op.getX().getType().getDimSize(2 + i) +
                 (op.getCountIncludePad() ? pads[spatial + i] : 0);
    SmallVector<int64_t> next;
    for (int64_t count : counts)
      for (int64_t o = 0; o < output[i]; ++o) {
        int64_t start = o * window.strides[i] - pads[i];
        int64_t end = start + window.kernel[i];
        next.push_back(count * std::max<int64_t>(
                                   std::min(end, hi) - std::max(start, lo), 1));
      }
    counts = std::move(next);
  }
  return counts;
}

Value lowerAvgPool(AvgPoolOp op, AvgPoolOp::Adaptor adaptor,
                   ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  MLIRContext *context = rewriter.getContext();
  RankedTensorType resultType = op.getType();
  Window window(cast<ConvLikeOpInterface>(op.getOperation()));
  ArrayRef<int64_t> output = resultType.getShape().drop_front(2);
  int64_t spatial = window.kernel.size();
  int32_t inputZp = op.getInputZeroPoint();
  Value x =
      padForWindows(rewriter, loc, adaptor.getX(), window, output,
                    buildInt(rewriter, loc, rewriter.getI8Type(), inputZp));
  auto sumType =
      RankedTensorType::get(resultType.getShape(), rewriter.getI32Type());
  Value sums = buildWindowReduction(
      rewriter, loc, x,
      buildFilled(rewriter, loc, sumType,
                  buildInt(rewriter, loc, rewriter.getI32Type(), 0)),
      window, CenteredSum{inputZp});

  SmallVector<int64_t> counts = getWindowCounts(op, window, output);
  bool uniform = llvm::all_equal(counts);
  int64_t windowSize = 1;
  for (int64_t k : window.kernel)
    windowSize *= k;
  // |x - zp| <= 255 over at most windowSize positions.
  AverageRescale average(rewriter,
                         cast<OutputStageOpInterface>(op.getOperation()),
                         255 * windowSize, *llvm::max_element(counts));
  int64_t rank = resultType.getRank();
  SmallVector<Value> inputs = {sums};
  SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
  if (!uniform) {
    SmallVector<APInt> denominators;
    for (int64_t count : counts)
      denominators.push_back(average.getDenominator(count));
    auto countsType = RankedTensorType::get(output, average.type);
    inputs.push_back(arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(countsType, denominators)));
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < spatial; ++i)
      exprs.push_back(getAffineDimExpr(2 + i, context));
    maps.push_back(AffineMap::get(rank, 0, exprs, context));
  }
  return buildMappedGeneric(
      rewriter, loc, inputs, maps, resultType,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value denominator =
            uniform ? arith::ConstantOp::create(
                          b, l,
                          b.getIntegerAttr(average.type,
                                           average.getDenominator(counts[0])))
                          .getResult()
                    : args[1];
        return average.build(b, l, args[0], denominator);
      });
}

Value lowerGlobalAvgPool(GlobalAvgPoolOp op, GlobalAvgPoolOp::Adaptor adaptor,
                         ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  auto xType = cast<RankedTensorType>(adaptor.getX().getType());
  int64_t rank = xType.getRank();
  int64_t count = 1;
  for (int64_t size : xType.getShape().drop_front(2))
    count *= size;
  SmallVector<bool> reduced(rank, true);
  reduced[0] = reduced[1] = false;
  // |x - zp| <= 255 over `count` positions: below 2^31 for any feature
  // map under 2^23 elements.
  Value sums = buildReduction(rewriter, loc, adaptor.getX(), reduced,
                              buildInt(rewriter, loc, rewriter.getI32Type(), 0),
                              CenteredSum{op.getInputZeroPoint()});
  AverageRescale average(rewriter,
                         cast<OutputStageOpInterface>(op.getOperation()),
                         255 * count, count);
  APInt denominator = average.getDenominator(count);
  Value y =
      buildElementwise(rewriter, loc, sums, rewriter.getI8Type(),
                       [&](OpBuilder &b, Location l, Value sum) {
                         Value divisor = arith::ConstantOp::create(
                             b, l, b.getIntegerAttr(average.type, denominator));
                         return average.build(b, l, sum, divisor);
                       });
  return buildReshape(rewriter, loc, y, op.getType().getShape());
}

} // namespace

void whittle::populateQNNPoolingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<OpLowering<MaxPoolOp, lowerMaxPool>,
               OpLowering<AvgPoolOp, lowerAvgPool>,
               OpLowering<GlobalAvgPoolOp, lowerGlobalAvgPool>>(
      patterns.getContext());
}
