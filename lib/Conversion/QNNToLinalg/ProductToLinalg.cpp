//===- ProductToLinalg.cpp - conv, conv_transpose, matmul -----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The integer products become linalg's named ops
// (`linalg.conv_2d_nchw_fchw`, `linalg.depthwise_conv_2d_nchw_chw`,
// `linalg.matmul`, `linalg.batch_matmul`) with an i32 accumulator; the
// operand the CPU's register kernel streams as vectors stays i8 (a
// quarter of f32's memory traffic), the one it broadcasts is widened to
// i32 beforehand (see buildI8Convolution). The zero points leave the
// inner loop as in gemmlowp:
//
//   sum (x - zx)(w - zw) = sum x w - zw sum x - zx sum w + K zx zw
//
// `sum w` per output channel folds into the accumulator's initial value
// with the bias; `sum x` (only when a weight zero point is not 0) is a
// second, cheap window sum. Padding holds zx, the real value 0, so the
// identity covers padded windows too. Every term is computed in wrapping
// i32 arithmetic: the sum is exact modulo 2^32, so whenever the op's
// result fits i32 (the dialect's contract) it is exact.
//
//===----------------------------------------------------------------------===//

#include "RescaleUtils.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::qnn;

namespace {

/// Reassociation `[0], [1, 2], [3], ...`: splits dimension 1 in two.
SmallVector<ReassociationIndices> splitSecondDim(int64_t rank) {
  SmallVector<ReassociationIndices> groups = {{0}, {1, 2}};
  for (int64_t i = 3; i <= rank; ++i)
    groups.push_back({i});
  return groups;
}

/// `value` (i8) sign-extended to i32 by an elementwise generic of its own.
Value buildWidened(OpBuilder &b, Location loc, Value value) {
  return buildElementwise(b, loc, value, b.getI32Type(),
                          [](OpBuilder &nb, Location nl, Value x) -> Value {
                            return arith::ExtSIOp::create(nb, nl,
                                                          nb.getI32Type(), x);
                          });
}

/// `init + conv(x, w)` for i8 `x` (already padded, N x C x D...) and `w`
/// (M x C/group x K...) into the i32 `init` (N x M x O...).
///
/// The dense 2-D convolution takes its weights sign-extended to i32 by an
/// elementwise generic of their own and its input as bytes: the CPU
/// pipeline rewrites it as a matrix product (weights x im2col of the
/// input) and tiles it into the f32 register kernel, whose row operand
/// (the weights) is read one broadcast scalar at a time and whose vector
/// operand (the im2col bytes, a quarter of f32's traffic) is sign-extended
/// after each vector load. Bytes on the scalar side would be transposed
/// element by element. The depthwise convolution keeps its bytes: LLVM
/// vectorizes its loops well as they are, and widened copies of its
/// operands cost more than its few products.
Value buildI8Convolution(OpBuilder &b, Location loc, Value x, Value w,
                         Value init, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations, int64_t group) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  auto resultType = cast<RankedTensorType>(init.getType());
  int64_t rank = xType.getRank();
  int64_t spatial = rank - 2;
  int64_t channels = xType.getDimSize(1);
  int64_t filters = wType.getDimSize(0);
  if (spatial == 2) {
    auto stridesAttr = b.getI64TensorAttr(strides);
    auto dilationsAttr = b.getI64TensorAttr(dilations);
    if (group == 1)
      return linalg::Conv2DNchwFchwOp::create(
                 b, loc, resultType, ValueRange{x, buildWidened(b, loc, w)},
                 init, stridesAttr, dilationsAttr)
          .getResult(0);
    if (group == channels && filters == channels) {
      Value depthwise = tensor::CollapseShapeOp::create(
          b, loc,
          RankedTensorType::get(
              {channels, wType.getDimSize(2), wType.getDimSize(3)},
              wType.getElementType()),
          w, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
      return linalg::DepthwiseConv2DNchwChwOp::create(
                 b, loc, resultType, ValueRange{x, depthwise}, init,
                 stridesAttr, dilationsAttr)
          .getResult(0);
    }
  }
  // Grouped and N-d: X[n, g, c, o*s + k*d] * W[g, m, c, k] -> Y[n, g, m, o].
  int64_t perGroupIn = channels / group, perGroupOut = filters / group;
  auto split = [](RankedTensorType type, int64_t dim, int64_t inner,
                  int64_t outer) {
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] = inner;
    shape.insert(shape.begin() + dim, outer);
    return RankedTensorType::get(shape, type.getElementType());
  };
  Value xGroups = tensor::ExpandShapeOp::create(
      b, loc, split(xType, 1, perGroupIn, group), x, splitSecondDim(rank));
  SmallVector<ReassociationIndices> wGroups = {{0, 1}};
  for (int64_t i = 2; i <= rank; ++i)
    wGroups.push_back({i});
  Value wGroupsValue = tensor::ExpandShapeOp::create(
      b, loc, split(wType, 0, perGroupOut, group), w, wGroups);
  auto groupsType = split(resultType, 1, perGroupOut, group);
  Value initGroups = tensor::ExpandShapeOp::create(b, loc, groupsType, init,
                                                   splitSecondDim(rank));
  MLIRContext *context = b.getContext();
  int64_t loops = 4 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineExpr> xExprs = {dim(0), dim(1), dim(3 + spatial)};
  SmallVector<AffineExpr> wExprs = {dim(1), dim(2), dim(3 + spatial)};
  SmallVector<AffineExpr> yExprs = {dim(0), dim(1), dim(2)};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(3 + i), k = dim(4 + spatial + i);
    xExprs.push_back(o * strides[i] + k * dilations[i]);
    wExprs.push_back(k);
    yExprs.push_back(o);
  }
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, xExprs, context),
                                 AffineMap::get(loops, 0, wExprs, context),
                                 AffineMap::get(loops, 0, yExprs, context)};
  Value grouped =
      linalg::GenericOp::create(
          b, loc, groupsType, ValueRange{xGroups, wGroupsValue}, initGroups,
          maps, getIteratorTypes(3 + spatial, 1 + spatial),
          [](OpBuilder &nb, Location nl, ValueRange args) {
            Type i32 = nb.getI32Type();
            Value product = arith::MulIOp::create(
                nb, nl, arith::ExtSIOp::create(nb, nl, i32, args[0]),
                arith::ExtSIOp::create(nb, nl, i32, args[1]));
            Value sum = arith::AddIOp::create(nb, nl, args[2], product);
            linalg::YieldOp::create(nb, nl, sum);
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, resultType, grouped,
                                         splitSecondDim(rank));
}

/// The elements of a constant i8 tensor (nn or arith, dense or a resource
/// blob), or nullopt when `value` is not one.
std::optional<SmallVector<int64_t>> getConstantI8(Value value) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isInteger(8))
    return std::nullopt;
  return nn::readAsInts(attr);
}

/// Sum of `value` (i8) over the dimensions `reduced` marks, in i32; the
/// other dimensions stay. The sums of a constant (the weights' sums of the
/// zero-point corrections) are computed here, not on every run.
Value buildSum(OpBuilder &b, Location loc, Value value,
               ArrayRef<bool> reduced) {
  if (std::optional<SmallVector<int64_t>> elements = getConstantI8(value)) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> kept =
        getReducedShape(type.getShape(), reduced, /*keepDims=*/false);
    SmallVector<int32_t> sums(ShapedType::getNumElements(kept), 0);
    // The index into `sums` of each element: its coordinates along the
    // dimensions that stay, row-major.
    int64_t rank = type.getRank();
    SmallVector<int64_t> coordinates(rank, 0);
    for (int64_t element : *elements) {
      int64_t index = 0;
      for (int64_t d = 0; d < rank; ++d)
        if (!reduced[d])
          index = index * type.getDimSize(d) + coordinates[d];
      sums[index] += int32_t(element);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++coordinates[d] < type.getDimSize(d))
          break;
        coordinates[d] = 0;
      }
    }
    auto sumType = RankedTensorType::get(kept, b.getI32Type());
    return arith::ConstantOp::create(
        b, loc, DenseIntElementsAttr::get(sumType, ArrayRef<int32_t>(sums)));
  }
  return buildReduction(
      b, loc, value, reduced, buildInt(b, loc, b.getI32Type(), 0),
      [](OpBuilder &nb, Location nl, Value element, Value acc) -> Value {
        return arith::AddIOp::create(
            nb, nl, acc,
            arith::ExtSIOp::create(nb, nl, nb.getI32Type(), element));
      });
}

/// Sum of `value` (i8) over every dimension but `keep`, in i32: a 1-D
/// tensor the size of dimension `keep`.
Value buildSumExcept(OpBuilder &b, Location loc, Value value, int64_t keep) {
  SmallVector<bool> reduced(cast<ShapedType>(value.getType()).getRank(), true);
  reduced[keep] = false;
  return buildSum(b, loc, value, reduced);
}

/// Sum of `value` (i8) along dimension `dim`, in i32; the other
/// dimensions stay.
Value buildSumAlong(OpBuilder &b, Location loc, Value value, int64_t dim) {
  SmallVector<bool> reduced(cast<ShapedType>(value.getType()).getRank(), false);
  reduced[dim] = true;
  return buildSum(b, loc, value, reduced);
}

bool allZero(ArrayRef<int32_t> values) {
  return llvm::all_of(values, [](int32_t v) { return v == 0; });
}

/// The exact accumulator of a convolution with zero points over `x`, which
/// is already padded (with `xZp`) to the window's extent.
Value buildZeroPointConv(OpBuilder &b, Location loc, Value x, Value w,
                         Value bias, int32_t xZp, ArrayRef<int32_t> wZp,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                         int64_t group, RankedTensorType resultType) {
  MLIRContext *context = b.getContext();
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t rank = resultType.getRank();
  int64_t filters = wType.getDimSize(0);
  int64_t reach = 1; // K: the number of products per output.
  for (int64_t size : wType.getShape().drop_front())
    reach *= size;
  Type i32 = b.getI32Type();
  bool perChannelZp = wZp.size() > 1;
  bool weightZp = !allZero(wZp);

  // init[m] = bias[m] - zx * sum w[m] + K * zx * zw[m].
  Value init;
  if (!bias && xZp == 0) {
    init = buildFilled(b, loc, resultType, buildInt(b, loc, i32, 0));
  } else {
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    AffineMap perFilter = channelMap(context, rank, 1);
    if (bias) {
      inputs.push_back(bias);
      maps.push_back(perFilter);
    }
    if (xZp != 0) {
      inputs.push_back(buildSumExcept(b, loc, w, 0));
      maps.push_back(perFilter);
      if (perChannelZp) {
        inputs.push_back(buildVector(
            b, loc, SmallVector<int64_t>(wZp.begin(), wZp.end()), i32));
        maps.push_back(perFilter);
      }
    }
    init = buildMappedGeneric(
        b, loc, inputs, maps, resultType,
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value value = buildInt(nb, nl, i32, 0);
          unsigned next = 0;
          if (bias)
            value = args[next++];
          if (xZp != 0) {
            Value sumW = args[next++];
            Value zw = perChannelZp ? args[next++]
                                    : buildInt(nb, nl, i32, wZp.front());
            Value xZpValue = buildInt(nb, nl, i32, xZp);
            value = arith::SubIOp::create(
                nb, nl, value, arith::MulIOp::create(nb, nl, xZpValue, sumW));
            Value constant = arith::MulIOp::create(
                nb, nl, buildInt(nb, nl, i32, reach * int64_t(xZp)), zw);
            value = arith::AddIOp::create(nb, nl, value, constant);
          }
          return value;
        });
  }
  Value acc = buildI8Convolution(b, loc, x, w, init, strides, dilations, group);
  if (!weightZp)
    return acc;

  // acc -= zw[m] * (window sum of x over m's group): a convolution with a
  // filter of ones, one per group.
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> onesShape = {group, xType.getDimSize(1) / group};
  llvm::append_range(onesShape, wType.getShape().drop_front(2));
  auto onesType = RankedTensorType::get(onesShape, b.getI8Type());
  Value ones = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(onesType, b.getI8IntegerAttr(1)));
  SmallVector<int64_t> sumShape(resultType.getShape());
  sumShape[1] = group;
  auto sumType = RankedTensorType::get(sumShape, i32);
  Value windowSum = buildI8Convolution(
      b, loc, x, ones, buildFilled(b, loc, sumType, buildInt(b, loc, i32, 0)),
      strides, dilations, group);
  SmallVector<AffineExpr> sumExprs;
  for (int64_t i = 0; i < rank; ++i)
    sumExprs.push_back(
        i == 1 ? getAffineDimExpr(1, context).floorDiv(filters / group)
               : getAffineDimExpr(i, context));
  SmallVector<Value> inputs = {acc, windowSum};
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, context),
      AffineMap::get(rank, 0, sumExprs, context)};
  if (perChannelZp) {
    inputs.push_back(
        buildVector(b, loc, SmallVector<int64_t>(wZp.begin(), wZp.end()), i32));
    maps.push_back(channelMap(context, rank, 1));
  }
  return buildMappedGeneric(
      b, loc, inputs, maps, resultType,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value zw = perChannelZp ? args[2] : buildInt(nb, nl, i32, wZp.front());
        return arith::SubIOp::create(
            nb, nl, args[0], arith::MulIOp::create(nb, nl, zw, args[1]));
      });
}

Value lowerConv(ConvOp op, ConvOp::Adaptor adaptor,
                ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  RankedTensorType resultType = op.getType();
  auto window = cast<ConvLikeOpInterface>(op.getOperation());
  int64_t spatial = resultType.getRank() - 2;
  ArrayRef<int64_t> pads = window.getPads();
  SmallVector<int64_t> low(2, 0), high(2, 0);
  low.append(pads.begin(), pads.begin() + spatial);
  high.append(pads.begin() + spatial, pads.end());
  // Padding holds the input zero point: the real value 0.
  Value x = buildPad(
      rewriter, loc, adaptor.getX(), low, high,
      buildInt(rewriter, loc, rewriter.getI8Type(), op.getInputZeroPoint()));
  return buildZeroPointConv(rewriter, loc, x, adaptor.getW(), adaptor.getBias(),
                            op.getInputZeroPoint(), op.getWeightZeroPoint(),
                            window.getStrides(), window.getWindowDilations(),
                            window.getWindowGroup(), resultType);
}

/// A transposed convolution is a stride-1 convolution of the input spread
/// out by the strides (the gaps and the borders hold the input zero point,
/// the real value 0) with the flipped, channel-swapped filter; the zero
/// points then work as in a forward convolution.
FailureOr<Value> lowerConvTranspose(ConvTransposeOp op,
                                    ConvTransposeOp::Adaptor adaptor,
                                    ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  RankedTensorType resultType = op.getType();
  Value x = adaptor.getX(), w = adaptor.getW();
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank(), spatial = rank - 2;
  auto convLike = cast<ConvLikeOpInterface>(op.getOperation());
  SmallVector<int64_t> kernel = convLike.getWindowShape();
  FailureOr<nn::TransposedWindowGeometry> window = nn::resolveTransposedWindow(
      loc, xType.getShape().drop_front(2), kernel, convLike.getStrides(),
      convLike.getWindowDilations(), convLike.getPads(), "NOTSET",
      op.getOutputPadding(), std::nullopt);
  if (failed(window))
    return failure();
  Type i8 = rewriter.getI8Type();
  Value fill = buildInt(rewriter, loc, i8, op.getInputZeroPoint());

  Value input =
      buildSpreadTransposedInput(rewriter, loc, x, kernel, *window, fill);
  int64_t group = convLike.getWindowGroup();
  Value filter = buildForwardFilter(rewriter, loc, w, group);
  SmallVector<int64_t> ones(spatial, 1);
  return buildZeroPointConv(rewriter, loc, input, filter, adaptor.getBias(),
                            op.getInputZeroPoint(), op.getWeightZeroPoint(),
                            ones, window->dilations, group, resultType);
}

/// The map reading a tensor of shape `batch` + `tail` (its batch dimensions
/// right-aligned with `promotedBatch`, size 1 broadcast) over the promoted
/// product's [batch..., M, N] iteration space; `tail` lists the iteration
/// dimensions of the trailing dimensions.
AffineMap batchMap(MLIRContext *context, ArrayRef<int64_t> batch,
                   ArrayRef<int64_t> promotedBatch, ArrayRef<unsigned> tail) {
  int64_t rank = promotedBatch.size() + 2;
  int64_t offset = promotedBatch.size() - batch.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(batch))
    exprs.push_back(size == 1 && promotedBatch[i + offset] != 1
                        ? getAffineConstantExpr(0, context)
                        : getAffineDimExpr(i + offset, context));
  for (unsigned d : tail)
    exprs.push_back(getAffineDimExpr(d, context));
  return AffineMap::get(rank, 0, exprs, context);
}

FailureOr<Value> lowerMatMul(MatMulOp op, MatMulOp::Adaptor adaptor,
                             ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  MLIRContext *context = rewriter.getContext();
  RankedTensorType resultType = op.getType();
  FailureOr<PromotedMatMul> operands =
      promoteMatMulOperands(rewriter, loc, adaptor.getA(), adaptor.getB());
  if (failed(operands))
    return failure();
  Value a = operands->a, bValue = operands->b;
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(bValue.getType());
  int64_t k = operands->k;
  ArrayRef<int64_t> aBatch = operands->aBatch, bBatch = operands->bBatch;
  ArrayRef<int64_t> batch = operands->batch, promoted = operands->promoted;
  Type i32 = rewriter.getI32Type();

  // The byte product, i8 x i8 -> i32, with A (the register kernel's
  // broadcast scalars) widened to i32 and B (its vectors) left as bytes,
  // as for the convolutions (buildI8Convolution).
  Value core = buildPromotedMatMul(rewriter, loc, *operands, i32, promoted,
                                   [](OpBuilder &b, Location l, Value value) {
                                     return buildWidened(b, l, value);
                                   });

  // acc = core - zb[n] * rowsum(a) - za * colsum(b)[n] + K za zb[n]
  //       + bias[n].
  int32_t aZp = op.getAZeroPoint();
  ArrayRef<int32_t> bZp = op.getBZeroPoint();
  bool perColumnZp = bZp.size() > 1;
  Value bias = adaptor.getBias();
  if (aZp == 0 && allZero(bZp) && !bias)
    return buildReshape(rewriter, loc, core, resultType.getShape());
  int64_t rank = promoted.size();
  unsigned mDim = rank - 2, nDim = rank - 1;
  auto accType = RankedTensorType::get(promoted, i32);
  SmallVector<Value> inputs = {core};
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, context)};
  AffineMap column = AffineMap::get(rank, 0, getAffineDimExpr(nDim, context));
  bool rowSums = !allZero(bZp), columnSums = aZp != 0;
  if (rowSums) {
    inputs.push_back(buildSumAlong(rewriter, loc, a, aType.getRank() - 1));
    maps.push_back(batchMap(context, aBatch, batch, {mDim}));
  }
  if (columnSums) {
    inputs.push_back(buildSumAlong(rewriter, loc, bValue, bType.getRank() - 2));
    maps.push_back(batchMap(context, bBatch, batch, {nDim}));
  }
  if (perColumnZp) {
    inputs.push_back(buildVector(
        rewriter, loc, SmallVector<int64_t>(bZp.begin(), bZp.end()), i32));
    maps.push_back(column);
  }
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(column);
  }
  Value acc = buildMappedGeneric(
      rewriter, loc, inputs, maps, accType,
      [&](OpBuilder &b, Location l, ValueRange args) {
        unsigned next = 1;
        Value rowSum = rowSums ? args[next++] : Value();
        Value columnSum = columnSums ? args[next++] : Value();
        Value zb = perColumnZp ? args[next++] : buildInt(b, l, i32, bZp[0]);
        Value value = args[0];
        if (rowSums)
          value = arith::SubIOp::create(
              b, l, value, arith::MulIOp::create(b, l, zb, rowSum));
        if (columnSums) {
          Value za = buildInt(b, l, i32, aZp);
          value = arith::SubIOp::create(
              b, l, value, arith::MulIOp::create(b, l, za, columnSum));
          value = arith::AddIOp::create(
              b, l, value,
              arith::MulIOp::create(b, l, buildInt(b, l, i32, k * aZp), zb));
        }
        if (bias)
          value = arith::AddIOp::create(b, l, value, args[next++]);
        return value;
      });
  return buildReshape(rewriter, loc, acc, resultType.getShape());
}

} // namespace

void whittle::populateQNNProductToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<OpLowering<ConvOp, lowerConv>,
               OpLowering<ConvTransposeOp, lowerConvTranspose>,
               OpLowering<MatMulOp, lowerMatMul>>(patterns.getContext());
}
