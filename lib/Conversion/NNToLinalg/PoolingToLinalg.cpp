//===- PoolingToLinalg.cpp - pooling ops to linalg ------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A window reduction `Y[n, c, o] = reduce_k X[n, c, o*s + k*d]` for any
// number of spatial dimensions; the kernel's extent comes from a shape-only
// `tensor.empty` operand, as in linalg's named pooling ops. Padding is
// explicit: -inf (or the type's lowest value) for max, zero for average,
// which then divides by a constant tensor of per-position window counts so
// that `count_include_pad` and `ceil_mode` windows are exact.
//
//===----------------------------------------------------------------------===//

#include "StaticResultLowering.h"
#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::nn;

namespace {

enum class PoolKind { Max, Sum };

/// Pads `x` for `window`, extending the end so that every `ceil_mode` window
/// lies inside the padded input.
Value padForWindow(OpBuilder &b, Location loc, Value x,
                   const WindowGeometry &window, Value padValue) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t spatial = type.getRank() - 2;
  SmallVector<int64_t> low(2, 0), high(2, 0);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t needed = (window.output[i] - 1) * window.strides[i] +
                     (window.kernel[i] - 1) * window.dilations[i] + 1;
    int64_t available =
        type.getDimSize(2 + i) + window.pads[i] + window.pads[spatial + i];
    low.push_back(window.pads[i]);
    high.push_back(window.pads[spatial + i] +
                   std::max<int64_t>(0, needed - available));
  }
  return buildPad(b, loc, x, low, high, padValue);
}

/// How a window reduction reads its operands: over the loops
/// `n, c, o_1..o_s, k_1..k_s`, X at `[n, c, o*s + k*d]`, the shape-only
/// kernel operand (whose extent sets the `k` loops) at `[k]` and the result
/// at `[n, c, o]`.
struct WindowAccess {
  SmallVector<AffineMap> maps; // X, kernel, result.
  Value kernel;
};

WindowAccess buildWindowAccess(OpBuilder &b, Location loc,
                               const WindowGeometry &window,
                               const ElementKind &element) {
  int64_t spatial = window.kernel.size();
  MLIRContext *context = b.getContext();
  int64_t numLoops = 2 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineExpr> xExprs = {dim(0), dim(1)}, kExprs,
                          yExprs = {dim(0), dim(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(2 + i), k = dim(2 + spatial + i);
    xExprs.push_back(o * window.strides[i] + k * window.dilations[i]);
    kExprs.push_back(k);
    yExprs.push_back(o);
  }
  WindowAccess access;
  access.maps = {AffineMap::get(numLoops, 0, xExprs, context),
                 AffineMap::get(numLoops, 0, kExprs, context),
                 AffineMap::get(numLoops, 0, yExprs, context)};
  access.kernel = tensor::EmptyOp::create(b, loc, window.kernel, element.type);
  return access;
}

/// What pads and starts a `kind` window reduction: the lowest value for
/// max, zero for sums.
Value buildPoolIdentity(OpBuilder &b, Location loc, PoolKind kind,
                        const ElementKind &element) {
  return kind == PoolKind::Max ? buildLowest(b, loc, element)
                               : buildScalar(b, loc, element.type, 0);
}

/// The window reduction over the padded `x` into `resultType`.
Value buildPool(OpBuilder &b, Location loc, Value x,
                RankedTensorType resultType, const WindowGeometry &window,
                PoolKind kind, const ElementKind &element) {
  int64_t spatial = resultType.getRank() - 2;
  WindowAccess access = buildWindowAccess(b, loc, window, element);
  Value init =
      buildFilled(b, loc, resultType, buildPoolIdentity(b, loc, kind, element));
  return linalg::GenericOp::create(
             b, loc, resultType, ValueRange{x, access.kernel}, init,
             access.maps, getIteratorTypes(2 + spatial, spatial),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value result =
                   kind == PoolKind::Max
                       ? buildMax(nb, nl, args[2], args[0], element.isUnsigned)
                       : buildAdd(nb, nl, args[2], args[0]);
               linalg::YieldOp::create(nb, nl, result);
             })
      .getResult(0);
}

/// Max pooling that also yields, per output, the flattened index into the
/// unpadded X of the first maximum: `(n * C + c) * prod(D) + spatial`, the
/// spatial part row-major, or column-major with `columnMajor`
/// (storage_order 1), as ONNX Runtime computes it.
std::pair<Value, Value> buildMaxPoolWithIndices(OpBuilder &b, Location loc,
                                                Value x, RankedTensorType xType,
                                                RankedTensorType resultType,
                                                const WindowGeometry &window,
                                                const ElementKind &element,
                                                bool columnMajor) {
  int64_t spatial = resultType.getRank() - 2;
  WindowAccess access = buildWindowAccess(b, loc, window, element);
  // The index result is read like the value result.
  AffineMap resultMap = access.maps.back();
  access.maps.push_back(resultMap);
  auto indexType = resultType.clone(b.getI64Type());
  Value valueInit =
      buildFilled(b, loc, resultType, buildLowest(b, loc, element));
  Value indexInit =
      buildFilled(b, loc, indexType, buildScalar(b, loc, b.getI64Type(), 0));
  ArrayRef<int64_t> sizes = xType.getShape().drop_front(2);
  int64_t channels = xType.getDimSize(1);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType, indexType}, ValueRange{x, access.kernel},
      ValueRange{valueInit, indexInit}, access.maps,
      getIteratorTypes(2 + spatial, spatial),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        auto constant = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(nb, nl, v);
        };
        auto index = [&](int64_t d) -> Value {
          return linalg::IndexOp::create(nb, nl, d);
        };
        auto mulAdd = [&](Value a, int64_t m, Value c) -> Value {
          return arith::AddIOp::create(
              nb, nl, arith::MulIOp::create(nb, nl, a, constant(m)), c);
        };
        // Position along each spatial dimension of the unpadded X.
        SmallVector<Value> positions;
        for (int64_t i = 0; i < spatial; ++i) {
          Value o = arith::MulIOp::create(nb, nl, index(2 + i),
                                          constant(window.strides[i]));
          Value k = arith::MulIOp::create(nb, nl, index(2 + spatial + i),
                                          constant(window.dilations[i]));
          positions.push_back(
              arith::SubIOp::create(nb, nl, arith::AddIOp::create(nb, nl, o, k),
                                    constant(window.pads[i])));
        }
        Value flat = mulAdd(index(0), channels, index(1));
        if (!columnMajor) {
          for (int64_t i = 0; i < spatial; ++i)
            flat = mulAdd(flat, sizes[i], positions[i]);
        } else {
          int64_t plane = 1;
          for (int64_t size : sizes)
            plane *= size;
          Value offset = constant(0);
          for (int64_t i = spatial - 1; i >= 0; --i)
            offset = mulAdd(offset, sizes[i], positions[i]);
          flat = mulAdd(flat, plane, offset);
        }
        Value flat64 =
            arith::IndexCastOp::create(nb, nl, nb.getI64Type(), flat);
        // Strictly greater keeps the first maximum.
        Value better;
        if (element.isFloat())
          better = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OGT,
                                         args[0], args[2]);
        else
          better = arith::CmpIOp::create(nb, nl,
                                         element.isUnsigned
                                             ? arith::CmpIPredicate::ugt
                                             : arith::CmpIPredicate::sgt,
                                         args[0], args[2]);
        linalg::YieldOp::create(
            nb, nl,
            ValueRange{
                arith::SelectOp::create(nb, nl, better, args[0], args[2]),
                arith::SelectOp::create(nb, nl, better, flat64, args[3])});
      });
  return {generic.getResult(0), generic.getResult(1)};
}

/// The input X of a MaxPool or AveragePool (of `type`, elements `element`)
/// resolved against the op's window and padded for it with `kind`'s
/// identity.
struct PoolInput {
  Value padded;
  RankedTensorType type;
  ElementKind element;
  WindowGeometry window;
};

template <typename OpT>
FailureOr<PoolInput> padPoolInput(OpBuilder &b, OpT op,
                                  typename OpT::Adaptor adaptor,
                                  PoolKind kind) {
  PoolInput input;
  input.type = cast<RankedTensorType>(adaptor.getX().getType());
  Location loc = op.getLoc();
  FailureOr<WindowGeometry> window =
      resolveWindow(loc, input.type.getShape().drop_front(2),
                    op.getKernelShape(), op.getStrides(), op.getDilations(),
                    op.getPads(), op.getAutoPad(), op.getCeilMode());
  if (failed(window))
    return failure();
  input.window = std::move(*window);
  input.element = getElementKind(op.getX().getType());
  input.padded = padForWindow(b, loc, adaptor.getX(), input.window,
                              buildPoolIdentity(b, loc, kind, input.element));
  return input;
}

/// MaxPool, with the indices only when they are used.
FailureOr<SmallVector<Value>>
lowerMaxPool(nn::MaxPoolOp op, nn::MaxPoolOp::Adaptor adaptor,
             RankedTensorType resultType, ConversionPatternRewriter &rewriter) {
  FailureOr<PoolInput> x = padPoolInput(rewriter, op, adaptor, PoolKind::Max);
  if (failed(x))
    return failure();
  if (!op.getIndices().use_empty()) {
    auto [y, indices] = buildMaxPoolWithIndices(
        rewriter, op.getLoc(), x->padded, x->type, resultType, x->window,
        x->element, op.getStorageOrder() != 0);
    return SmallVector<Value>{y, indices};
  }
  Value y = buildPool(rewriter, op.getLoc(), x->padded, resultType, x->window,
                      PoolKind::Max, x->element);
  return SmallVector<Value>{y, Value()};
}

/// The number of window positions that count for output `o` along one
/// dimension: inside the input, or inside input plus pads when padding
/// counts.
int64_t countWindow(int64_t o, int64_t size, int64_t kernel, int64_t stride,
                    int64_t dilation, int64_t padBegin, int64_t padEnd,
                    bool includePad) {
  int64_t lowest = includePad ? -padBegin : 0;
  int64_t limit = includePad ? size + padEnd : size;
  int64_t count = 0;
  for (int64_t k = 0; k < kernel; ++k) {
    int64_t index = o * stride + k * dilation - padBegin;
    if (index >= lowest && index < limit)
      ++count;
  }
  return count;
}

FailureOr<Value> lowerAveragePool(nn::AveragePoolOp op,
                                  nn::AveragePoolOp::Adaptor adaptor,
                                  RankedTensorType resultType,
                                  ConversionPatternRewriter &rewriter) {
  FailureOr<PoolInput> x = padPoolInput(rewriter, op, adaptor, PoolKind::Sum);
  if (failed(x))
    return failure();
  Location loc = op.getLoc();
  Value sum = buildPool(rewriter, loc, x->padded, resultType, x->window,
                        PoolKind::Sum, x->element);

  // Divisors per output position: the window is a box, so the count is
  // the product of the per-dimension counts.
  int64_t spatial = resultType.getRank() - 2;
  ArrayRef<int64_t> outputs = resultType.getShape().drop_front(2);
  SmallVector<double> divisors(1, 1.0);
  for (int64_t i = 0; i < spatial; ++i) {
    SmallVector<double> next;
    for (double prefix : divisors)
      for (int64_t o = 0; o < outputs[i]; ++o)
        next.push_back(prefix *
                       countWindow(o, x->type.getDimSize(2 + i),
                                   x->window.kernel[i], x->window.strides[i],
                                   x->window.dilations[i], x->window.pads[i],
                                   x->window.pads[spatial + i],
                                   op.getCountIncludePad()));
    divisors = std::move(next);
  }
  auto divisorType = RankedTensorType::get(outputs, x->element.type);
  Value divisor =
      arith::ConstantOp::create(rewriter, loc,
                                cast<TypedAttr>(nn::createElementsFromDoubles(
                                    divisorType, divisors, "pool_counts")));
  return buildBroadcastGeneric(
      rewriter, loc, ValueRange{sum, divisor}, resultType,
      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        return arith::DivFOp::create(nb, nl, args[0], args[1]);
      });
}

/// GlobalAveragePool / GlobalMaxPool: reduce all spatial dimensions to 1.
template <typename OpT, PoolKind kind>
FailureOr<Value> lowerGlobalPool(OpT op, typename OpT::Adaptor adaptor,
                                 RankedTensorType resultType,
                                 ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value x = adaptor.getX();
  auto xType = cast<RankedTensorType>(x.getType());
  ElementKind element = getElementKind(op.getX().getType());
  // Keep N and C, reduce every spatial dimension.
  SmallVector<bool> spatial(xType.getRank(), true);
  spatial[0] = spatial[1] = false;
  Value reduced = buildReduction(
      rewriter, loc, x, spatial,
      kind == PoolKind::Max ? ReductionKind::Max : ReductionKind::Sum, element);
  if (kind == PoolKind::Sum) {
    // ONNX defines the average for floats only: a float division (not
    // ReductionKind::Mean, which also divides integers).
    int64_t count = 1;
    for (int64_t d : xType.getShape().drop_front(2))
      count *= d;
    reduced = buildBroadcastGeneric(
        rewriter, loc, reduced, cast<RankedTensorType>(reduced.getType()),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::DivFOp::create(
              nb, nl, args[0], buildScalar(nb, nl, element.type, count));
        });
  }
  return buildReshape(rewriter, loc, reduced, resultType.getShape());
}

} // namespace

void whittle::populateNNPoolingToLinalgPatterns(const TypeConverter &converter,
                                                RewritePatternSet &patterns) {
  addStaticResultLowerings<
      lowerMaxPool, lowerAveragePool,
      lowerGlobalPool<nn::GlobalAveragePoolOp, PoolKind::Sum>,
      lowerGlobalPool<nn::GlobalMaxPoolOp, PoolKind::Max>>(converter, patterns);
}
