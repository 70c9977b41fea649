//===- TensorToLinalg.cpp - data-movement nn ops to tensor and linalg -----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Shapes are static by the time these run, so every reshape-like op is a
// reshape to its result type whatever its shape operand says; the shape
// operands were checked when the op was built. Slices, splits and pads
// take their constant operands from the original op; gathers, non-constant
// pads and resizes are generics that compute source indices per element
// (resize from tap/weight tables computed here, one axis at a time).
//
//===----------------------------------------------------------------------===//

#include "StaticResultLowering.h"
#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNResizeSampling.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include <cmath>

using namespace mlir;
using namespace whittle;
using namespace whittle::nn;

namespace {

/// Reshape, Flatten, Squeeze, Unsqueeze: same elements, new static shape.
template <typename OpT>
FailureOr<Value> lowerReshapeLike(OpT op, typename OpT::Adaptor adaptor,
                                  RankedTensorType resultType,
                                  ConversionPatternRewriter &rewriter) {
  Value data = adaptor.getOperands()[0];
  return buildReshape(rewriter, op.getLoc(), data, resultType.getShape());
}

/// Transpose: `perm`, or the dimensions reversed.
FailureOr<Value> lowerTranspose(nn::TransposeOp op,
                                nn::TransposeOp::Adaptor adaptor,
                                RankedTensorType resultType,
                                ConversionPatternRewriter &rewriter) {
  int64_t rank = cast<RankedTensorType>(adaptor.getData().getType()).getRank();
  SmallVector<int64_t> permutation;
  if (auto perm = op.getPerm())
    permutation.assign(perm->begin(), perm->end());
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      permutation.push_back(i);
  return buildTranspose(rewriter, op.getLoc(), adaptor.getData(), permutation);
}

FailureOr<Value> lowerConcat(nn::ConcatOp op, nn::ConcatOp::Adaptor adaptor,
                             RankedTensorType resultType,
                             ConversionPatternRewriter &rewriter) {
  FailureOr<int64_t> axis =
      nn::normalizeAxis(op.getLoc(), op.getAxis(), resultType.getRank());
  if (failed(axis))
    return failure();
  // Empty inputs contribute nothing and tensor.concat rejects none.
  SmallVector<Value> inputs;
  for (Value input : adaptor.getInputs())
    if (cast<RankedTensorType>(input.getType()).getDimSize(*axis) != 0)
      inputs.push_back(input);
  if (inputs.empty())
    return buildEmpty(rewriter, op.getLoc(), resultType);
  if (inputs.size() == 1)
    return inputs.front();
  return tensor::ConcatOp::create(rewriter, op.getLoc(), resultType, *axis,
                                  inputs)
      .getResult();
}

/// The constant integers of an optional operand of the original op, or
/// `fallback` when it is absent. Shapes are static here, which the importer
/// only achieves with constant shape-like operands, so a non-constant one is
/// reported rather than lowered.
static FailureOr<SmallVector<int64_t>>
getStaticInts(Operation *op, Value value, StringRef name,
              std::optional<SmallVector<int64_t>> fallback = std::nullopt) {
  if (isNone(value)) {
    if (fallback)
      return *fallback;
    return op->emitOpError() << "needs '" << name << "'";
  }
  if (std::optional<SmallVector<int64_t>> ints = getConstantInts(value))
    return *ints;
  return op->emitOpError() << "can only be lowered with a constant '" << name
                           << "'";
}

/// Static `index` constant.
static Value buildIndex(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// `value mod divisor` in [0, divisor) for any sign of `value`.
static Value buildPositiveMod(OpBuilder &b, Location loc, Value value,
                              int64_t divisor) {
  Value d = buildIndex(b, loc, divisor);
  Value rem = arith::RemSIOp::create(b, loc, value, d);
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem,
                                         buildIndex(b, loc, 0));
  Value wrapped = arith::AddIOp::create(b, loc, rem, d);
  return arith::SelectOp::create(b, loc, negative, wrapped, rem);
}

/// A `linalg.generic` over `resultType` whose body computes each element
/// from the loop indices (`linalg.index`), typically by `tensor.extract`.
static Value buildIndexedGeneric(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = resultType.getRank();
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, ValueRange{}, buildEmpty(b, loc, resultType),
      AffineMap::getMultiDimIdentityMap(rank, b.getContext()),
      getIteratorTypes(rank), [&](OpBuilder &nb, Location nl, ValueRange) {
        SmallVector<Value> indices;
        for (int64_t i = 0; i < rank; ++i)
          indices.push_back(linalg::IndexOp::create(nb, nl, i));
        linalg::YieldOp::create(nb, nl, body(nb, nl, indices));
      });
  return generic.getResult(0);
}

/// A generic copying `value[offset + step * i]` for every result index `i`
/// (one affine access, any sign of step).
static Value buildStridedCopy(OpBuilder &b, Location loc, Value value,
                              RankedTensorType resultType,
                              ArrayRef<int64_t> offsets,
                              ArrayRef<int64_t> steps) {
  int64_t rank = resultType.getRank();
  MLIRContext *context = b.getContext();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    exprs.push_back(getAffineDimExpr(i, context) * steps[i] + offsets[i]);
  return buildMappedCopy(b, loc, value, AffineMap::get(rank, 0, exprs, context),
                         resultType);
}

/// Static `tensor.extract_slice` with unit strides.
static Value buildSlice(OpBuilder &b, Location loc, Value value,
                        ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                        ArrayRef<int64_t> strides = {}) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == sizes &&
      llvm::all_of(offsets, [](int64_t o) { return o == 0; }) &&
      llvm::all_of(strides, [](int64_t s) { return s == 1; }))
    return value;
  SmallVector<OpFoldResult> offsetAttrs, sizeAttrs, strideAttrs;
  for (size_t i = 0; i < offsets.size(); ++i) {
    offsetAttrs.push_back(b.getIndexAttr(offsets[i]));
    sizeAttrs.push_back(b.getIndexAttr(sizes[i]));
    strideAttrs.push_back(b.getIndexAttr(strides.empty() ? 1 : strides[i]));
  }
  auto resultType = RankedTensorType::get(sizes, type.getElementType());
  return tensor::ExtractSliceOp::create(b, loc, resultType, value, offsetAttrs,
                                        sizeAttrs, strideAttrs);
}

/// Slice: `tensor.extract_slice` for positive steps; a negative step reads
/// backwards, which extract_slice cannot say, so those become one generic
/// with the affine access `first + step * i` per dimension.
FailureOr<Value> lowerSlice(nn::SliceOp op, nn::SliceOp::Adaptor adaptor,
                            RankedTensorType resultType,
                            ConversionPatternRewriter &rewriter) {
  auto type = cast<RankedTensorType>(adaptor.getData().getType());
  int64_t rank = type.getRank();
  auto starts = getStaticInts(op, op.getStarts(), "starts");
  auto ends = getStaticInts(op, op.getEnds(), "ends");
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> defaultAxes, defaultSteps(starts->size(), 1);
  for (size_t i = 0; i < starts->size(); ++i)
    defaultAxes.push_back(i);
  auto axes = getStaticInts(op, op.getAxes(), "axes", defaultAxes);
  auto steps = getStaticInts(op, op.getSteps(), "steps", defaultSteps);
  if (failed(axes) || failed(steps))
    return failure();
  if (axes->size() != starts->size() || ends->size() != starts->size() ||
      steps->size() != starts->size())
    return op.emitOpError("'starts', 'ends', 'axes' and 'steps' must have "
                          "the same length");

  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
      strides(rank, 1);
  for (size_t i = 0; i < axes->size(); ++i) {
    FailureOr<int64_t> axis = normalizeAxis(op.getLoc(), (*axes)[i], rank);
    if (failed(axis))
      return failure();
    int64_t step = (*steps)[i];
    if (step == 0)
      return op.emitOpError("'steps' must not be 0");
    auto [first, count] = resolveSliceRange((*starts)[i], (*ends)[i], step,
                                            type.getDimSize(*axis));
    offsets[*axis] = first;
    sizes[*axis] = count;
    strides[*axis] = step;
  }
  if (ArrayRef<int64_t>(sizes) != resultType.getShape())
    return op.emitOpError("slice of ")
           << shapeToString(sizes) << " disagrees with the result type "
           << resultType;

  Location loc = op.getLoc();
  if (resultType.getNumElements() == 0)
    return buildEmpty(rewriter, loc, resultType);
  if (llvm::all_of(strides, [](int64_t s) { return s > 0; }))
    return buildSlice(rewriter, loc, adaptor.getData(), offsets, sizes,
                      strides);
  return buildStridedCopy(rewriter, loc, adaptor.getData(), resultType, offsets,
                          strides);
}

/// Split: consecutive slices along the axis, sized by the result types
/// (which already encode `split` or `num_outputs`).
struct SplitLowering : OpConversionPattern<nn::SplitOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(adaptor.getInput().getType());
    FailureOr<int64_t> axis =
        normalizeAxis(op.getLoc(), op.getAxis(), type.getRank());
    if (failed(axis))
      return failure();
    SmallVector<Value> results;
    int64_t offset = 0;
    for (Value output : op.getOutputs()) {
      auto resultType =
          convertTensorType(*getTypeConverter(), output.getType());
      if (!resultType)
        return rewriter.notifyMatchFailure(op, "dynamic shape");
      SmallVector<int64_t> offsets(type.getRank(), 0);
      offsets[*axis] = offset;
      offset += resultType.getDimSize(*axis);
      if (offset > type.getDimSize(*axis))
        return op.emitOpError("outputs exceed the split dimension");
      results.push_back(buildSlice(rewriter, op.getLoc(), adaptor.getInput(),
                                   offsets, resultType.getShape()));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Pad: negative pads crop first (a slice); then `constant` is a tensor.pad
/// and the other modes a generic that maps each result index back into the
/// input (clamped for edge, periodic for wrap, mirrored for reflect).
FailureOr<Value> lowerPad(nn::PadOp op, nn::PadOp::Adaptor adaptor,
                          RankedTensorType resultType,
                          ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  auto type = cast<RankedTensorType>(adaptor.getData().getType());
  int64_t rank = type.getRank();
  auto pads = getStaticInts(op, op.getPads(), "pads");
  if (failed(pads))
    return failure();
  SmallVector<int64_t> defaultAxes;
  for (int64_t i = 0; i < rank; ++i)
    defaultAxes.push_back(i);
  auto axes = getStaticInts(op, op.getAxes(), "axes", defaultAxes);
  if (failed(axes))
    return failure();
  int64_t count = axes->size();
  if ((int64_t)pads->size() != 2 * count)
    return op.emitOpError("'pads' must hold two entries per axis");
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    FailureOr<int64_t> axis = normalizeAxis(loc, (*axes)[i], rank);
    if (failed(axis))
      return failure();
    low[*axis] = (*pads)[i];
    high[*axis] = (*pads)[count + i];
  }

  // Crop the negative pads away, leaving only growth.
  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape());
  for (int64_t i = 0; i < rank; ++i) {
    if (low[i] < 0) {
      offsets[i] = -low[i];
      sizes[i] += low[i];
      low[i] = 0;
    }
    if (high[i] < 0) {
      sizes[i] += high[i];
      high[i] = 0;
    }
    if (sizes[i] < 0)
      return op.emitOpError("pads crop more than the dimension");
  }
  Value data = buildSlice(rewriter, loc, adaptor.getData(), offsets, sizes);

  StringRef mode = op.getMode();
  ElementKind kind = getElementKind(op.getType());
  if (mode == "constant") {
    Value padValue;
    Value given = adaptor.getConstantValue();
    auto givenType = isNone(op.getConstantValue())
                         ? RankedTensorType()
                         : cast<RankedTensorType>(given.getType());
    if (givenType && givenType.getNumElements() > 0) {
      SmallVector<Value> zeros(givenType.getRank(),
                               buildIndex(rewriter, loc, 0));
      padValue = tensor::ExtractOp::create(rewriter, loc, given, zeros);
    } else {
      padValue = buildScalar(rewriter, loc, kind.type, 0);
    }
    return buildPad(rewriter, loc, data, low, high, padValue);
  }
  if (mode != "reflect" && mode != "edge" && mode != "wrap")
    return op.emitOpError("unsupported mode '") << mode << "'";
  for (int64_t i = 0; i < rank; ++i)
    if (sizes[i] == 0 && (low[i] > 0 || high[i] > 0))
      return op.emitOpError("cannot pad an empty dimension in mode '")
             << mode << "'";
  if (resultType.getNumElements() == 0)
    return buildEmpty(rewriter, loc, resultType);
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return data;
  return buildIndexedGeneric(
      rewriter, loc, resultType,
      [&](OpBuilder &b, Location l, ValueRange indices) -> Value {
        SmallVector<Value> source;
        for (int64_t i = 0; i < rank; ++i) {
          Value index = indices[i];
          int64_t n = sizes[i];
          if (low[i] == 0 && high[i] == 0) {
            source.push_back(index);
            continue;
          }
          Value j =
              arith::SubIOp::create(b, l, index, buildIndex(b, l, low[i]));
          if (mode == "edge") {
            j = arith::MaxSIOp::create(b, l, j, buildIndex(b, l, 0));
            j = arith::MinSIOp::create(b, l, j, buildIndex(b, l, n - 1));
          } else if (mode == "wrap") {
            j = buildPositiveMod(b, l, j, n);
          } else if (n == 1) {
            j = buildIndex(b, l, 0);
          } else {
            // Reflection is periodic with period 2(n-1); the second half
            // of a period runs backwards.
            int64_t period = 2 * (n - 1);
            j = buildPositiveMod(b, l, j, period);
            Value back = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                               j, buildIndex(b, l, n));
            Value mirrored =
                arith::SubIOp::create(b, l, buildIndex(b, l, period), j);
            j = arith::SelectOp::create(b, l, back, mirrored, j);
          }
          source.push_back(j);
        }
        return tensor::ExtractOp::create(b, l, data, source);
      });
}

/// Expand: a broadcast to the (static) result shape.
FailureOr<Value> lowerExpand(nn::ExpandOp op, nn::ExpandOp::Adaptor adaptor,
                             RankedTensorType resultType,
                             ConversionPatternRewriter &rewriter) {
  if (resultType.getNumElements() == 0)
    return buildEmpty(rewriter, op.getLoc(), resultType);
  return buildBroadcastTo(rewriter, op.getLoc(), adaptor.getInput(),
                          resultType.getShape());
}

/// Tile: broadcast `[n0, n1, ...]` to `[r0, n0, r1, n1, ...]` and merge
/// each pair, so that the repeat is the outer index.
FailureOr<Value> lowerTile(nn::TileOp op, nn::TileOp::Adaptor adaptor,
                           RankedTensorType resultType,
                           ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value input = adaptor.getInput();
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  if (resultType.getNumElements() == 0)
    return buildEmpty(rewriter, loc, resultType);
  if (resultType == type)
    return input;
  MLIRContext *context = rewriter.getContext();
  SmallVector<int64_t> pairs;
  SmallVector<AffineExpr> exprs;
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t n = type.getDimSize(i);
    pairs.push_back(resultType.getDimSize(i) / n);
    pairs.push_back(n);
    exprs.push_back(getAffineDimExpr(2 * i + 1, context));
    groups.push_back({2 * i, 2 * i + 1});
  }
  auto pairType = RankedTensorType::get(pairs, type.getElementType());
  Value tiled =
      buildMappedCopy(rewriter, loc, input,
                      AffineMap::get(2 * rank, 0, exprs, context), pairType);
  return tensor::CollapseShapeOp::create(rewriter, loc, resultType, tiled,
                                         groups)
      .getResult();
}

/// Gather: a generic over the result reading the index tensor at the
/// gathered positions and `tensor.extract`ing from data. Negative indices
/// wrap; out-of-range ones (invalid in ONNX) are clamped so that a bad
/// index cannot read outside the buffer.
FailureOr<Value> lowerGather(nn::GatherOp op, nn::GatherOp::Adaptor adaptor,
                             RankedTensorType resultType,
                             ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value data = adaptor.getData();
  Value indices = adaptor.getIndices();
  auto dataType = cast<RankedTensorType>(data.getType());
  auto indicesType = cast<RankedTensorType>(indices.getType());
  FailureOr<int64_t> axis =
      normalizeAxis(loc, op.getAxis(), dataType.getRank());
  if (failed(axis))
    return failure();
  if (resultType.getNumElements() == 0)
    return buildEmpty(rewriter, loc, resultType);
  int64_t rank = resultType.getRank();
  int64_t q = indicesType.getRank();
  int64_t n = dataType.getDimSize(*axis);
  MLIRContext *context = rewriter.getContext();
  SmallVector<AffineExpr> indexExprs;
  for (int64_t i = 0; i < q; ++i)
    indexExprs.push_back(getAffineDimExpr(*axis + i, context));
  return buildMappedGeneric(
      rewriter, loc, indices, AffineMap::get(rank, 0, indexExprs, context),
      resultType, [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value index =
            arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
        Value negative = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                               index, buildIndex(b, l, 0));
        Value wrapped = arith::AddIOp::create(b, l, index, buildIndex(b, l, n));
        index = arith::SelectOp::create(b, l, negative, wrapped, index);
        index = arith::MaxSIOp::create(b, l, index, buildIndex(b, l, 0));
        index = arith::MinSIOp::create(b, l, index, buildIndex(b, l, n - 1));
        SmallVector<Value> source;
        for (int64_t i = 0; i < *axis; ++i)
          source.push_back(linalg::IndexOp::create(b, l, i));
        source.push_back(index);
        for (int64_t i = *axis + 1; i < dataType.getRank(); ++i)
          source.push_back(linalg::IndexOp::create(b, l, i + q - 1));
        return tensor::ExtractOp::create(b, l, data, source);
      });
}

/// How DepthToSpace and SpaceToDepth move the blocks of their N x C x H x W
/// input: expanded to `expandedShape` (row-major factorizations of C, H and
/// W), transposed by `permutation`, and collapsed into the result.
struct BlockShuffle {
  SmallVector<int64_t> expandedShape;
  SmallVector<ReassociationIndices> expandGroups;
  SmallVector<int64_t> permutation;
  SmallVector<ReassociationIndices> collapseGroups;
};

FailureOr<BlockShuffle> getBlockShuffle(nn::DepthToSpaceOp op, int64_t n,
                                        int64_t c, int64_t h, int64_t w,
                                        int64_t bs) {
  int64_t depth = c / (bs * bs);
  BlockShuffle shuffle;
  shuffle.expandGroups = {{0}, {1, 2, 3}, {4}, {5}};
  shuffle.collapseGroups = {{0}, {1}, {2, 3}, {4, 5}};
  if (op.getMode() == "CRD") {
    // Channels are [depth, bh, bw].
    shuffle.expandedShape = {n, depth, bs, bs, h, w};
    shuffle.permutation = {0, 1, 4, 2, 5, 3};
  } else if (op.getMode() == "DCR") {
    // Channels are [bh, bw, depth].
    shuffle.expandedShape = {n, bs, bs, depth, h, w};
    shuffle.permutation = {0, 3, 4, 1, 5, 2};
  } else {
    return op.emitOpError("unsupported mode '") << op.getMode() << "'";
  }
  return shuffle;
}

FailureOr<BlockShuffle> getBlockShuffle(nn::SpaceToDepthOp, int64_t n,
                                        int64_t c, int64_t h, int64_t w,
                                        int64_t bs) {
  // [n, c, h/b, bh, w/b, bw] -> [n, bh, bw, c, h/b, w/b].
  return BlockShuffle{{n, c, h / bs, bs, w / bs, bs},
                      {{0}, {1}, {2, 3}, {4, 5}},
                      {0, 3, 5, 1, 2, 4},
                      {{0}, {1, 2, 3}, {4}, {5}}};
}

/// DepthToSpace and SpaceToDepth: an expand, a transpose and a collapse.
template <typename OpT>
FailureOr<Value> lowerBlockShuffle(OpT op, typename OpT::Adaptor adaptor,
                                   RankedTensorType resultType,
                                   ConversionPatternRewriter &rewriter) {
  Value input = adaptor.getInput();
  auto type = cast<RankedTensorType>(input.getType());
  FailureOr<BlockShuffle> shuffle = getBlockShuffle(
      op, type.getDimSize(0), type.getDimSize(1), type.getDimSize(2),
      type.getDimSize(3), op.getBlocksize());
  if (failed(shuffle))
    return failure();
  Location loc = op.getLoc();
  Value expanded = tensor::ExpandShapeOp::create(
      rewriter, loc,
      RankedTensorType::get(shuffle->expandedShape, type.getElementType()),
      input, shuffle->expandGroups);
  Value transposed =
      buildTranspose(rewriter, loc, expanded, shuffle->permutation);
  return tensor::CollapseShapeOp::create(rewriter, loc, resultType, transposed,
                                         shuffle->collapseGroups)
      .getResult();
}

/// ConstantOfShape's one `value` read by `read` (readAsDoubles or
/// readAsInts); 0 when the attribute is absent.
template <typename T>
FailureOr<T> getFillValue(nn::ConstantOfShapeOp op,
                          std::optional<SmallVector<T>> (*read)(ElementsAttr)) {
  ElementsAttr attr = op.getValueAttr();
  if (!attr)
    return T(0);
  std::optional<SmallVector<T>> values = read(attr);
  if (!values || values->size() != 1)
    return op.emitOpError("'value' must hold one number");
  return values->front();
}

/// ConstantOfShape: a fill, which stays cheap however large the result.
FailureOr<Value> lowerConstantOfShape(nn::ConstantOfShapeOp op,
                                      nn::ConstantOfShapeOp::Adaptor adaptor,
                                      RankedTensorType resultType,
                                      ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Type element = resultType.getElementType();
  if (resultType.getNumElements() == 0)
    return buildEmpty(rewriter, loc, resultType);
  TypedAttr scalar;
  if (auto floatType = dyn_cast<FloatType>(element)) {
    FailureOr<double> value = getFillValue(op, readAsDoubles);
    if (failed(value))
      return failure();
    scalar = rewriter.getFloatAttr(floatType, *value);
  } else {
    FailureOr<int64_t> value = getFillValue(op, readAsInts);
    if (failed(value))
      return failure();
    unsigned width = element.getIntOrFloatBitWidth();
    scalar = rewriter.getIntegerAttr(
        element, APInt(width, static_cast<uint64_t>(*value),
                       /*isSigned=*/true, /*implicitTrunc=*/true));
  }
  Value fill = arith::ConstantOp::create(rewriter, loc, scalar);
  return buildFilled(rewriter, loc, resultType, fill);
}

/// An i64 tensor constant of `type` holding `values`.
static Value buildI64Constant(OpBuilder &b, Location loc, RankedTensorType type,
                              ArrayRef<int64_t> values) {
  return arith::ConstantOp::create(b, loc, type,
                                   DenseIntElementsAttr::get(type, values));
}

/// The values of Shape (the dimensions in [start, end)) and Size (the
/// element count) of a tensor of the static `type`.
static SmallVector<int64_t> getShapeQuery(nn::ShapeOp op,
                                          RankedTensorType type) {
  auto [first, last] =
      resolveShapeRange(type.getRank(), op.getStart(), op.getEnd());
  return SmallVector<int64_t>(type.getShape().slice(first, last - first));
}
static SmallVector<int64_t> getShapeQuery(nn::SizeOp, RankedTensorType type) {
  return {type.getNumElements()};
}

/// Shape and Size are known once shapes are static.
template <typename OpT>
FailureOr<Value> lowerShapeQuery(OpT op, typename OpT::Adaptor adaptor,
                                 RankedTensorType resultType,
                                 ConversionPatternRewriter &rewriter) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getData().getType());
  if (!type || !type.hasStaticShape())
    return rewriter.notifyMatchFailure(op, "dynamic shape");
  return buildI64Constant(rewriter, op.getLoc(), resultType,
                          getShapeQuery(op, type));
}

/// Resamples `value` along `axis` to `out` elements with `sampling`: one
/// generic over the result reading per-position tap and weight tables.
static Value buildAxisResample(OpBuilder &b, Location loc, Value value,
                               int64_t axis, const AxisSampling &sampling,
                               const ResizeConfig &config) {
  auto type = cast<RankedTensorType>(value.getType());
  Type element = type.getElementType();
  int64_t out = sampling.indices.size();
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = out;
  auto resultType = RankedTensorType::get(shape, element);
  int64_t rank = type.getRank();
  MLIRContext *context = b.getContext();

  // Per-tap tables along the axis: i64 indices, then element-typed weights
  // (nearest has none), then the extrapolation mask if any.
  SmallVector<Value> tables;
  auto indexType = RankedTensorType::get({out}, b.getI64Type());
  for (int64_t t = 0; t < sampling.taps; ++t) {
    SmallVector<int64_t> column;
    for (int64_t i = 0; i < out; ++i)
      column.push_back(sampling.indices[i][t]);
    tables.push_back(buildI64Constant(b, loc, indexType, column));
  }
  bool weighted = config.mode != "nearest";
  if (weighted) {
    auto weightType = RankedTensorType::get({out}, element);
    for (int64_t t = 0; t < sampling.taps; ++t) {
      SmallVector<APFloat> column;
      for (int64_t i = 0; i < out; ++i) {
        APFloat w(sampling.weights[i][t]);
        bool lost;
        w.convert(cast<FloatType>(element).getFloatSemantics(),
                  APFloat::rmNearestTiesToEven, &lost);
        column.push_back(w);
      }
      tables.push_back(arith::ConstantOp::create(
          b, loc, weightType, DenseElementsAttr::get(weightType, column)));
    }
  }
  bool extrapolates = llvm::is_contained(sampling.extrapolated, true);
  if (extrapolates) {
    auto maskType = RankedTensorType::get({out}, b.getI1Type());
    SmallVector<bool> mask(sampling.extrapolated.begin(),
                           sampling.extrapolated.end());
    tables.push_back(arith::ConstantOp::create(
        b, loc, maskType, DenseElementsAttr::get(maskType, ArrayRef(mask))));
  }

  AffineMap tableMap =
      AffineMap::get(rank, 0, getAffineDimExpr(axis, context), context);
  SmallVector<AffineMap> maps(tables.size(), tableMap);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, context));
  int64_t taps = sampling.taps;
  return linalg::GenericOp::create(
             b, loc, resultType, tables, buildEmpty(b, loc, resultType), maps,
             getIteratorTypes(rank),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               SmallVector<Value> source;
               for (int64_t i = 0; i < rank; ++i)
                 source.push_back(linalg::IndexOp::create(nb, nl, i));
               Value sum;
               for (int64_t t = 0; t < taps; ++t) {
                 source[axis] = arith::IndexCastOp::create(
                     nb, nl, nb.getIndexType(), args[t]);
                 Value tap = tensor::ExtractOp::create(nb, nl, value, source);
                 if (weighted)
                   tap = buildMul(nb, nl, tap, args[taps + t]);
                 sum = sum ? buildAdd(nb, nl, sum, tap) : tap;
               }
               if (extrapolates) {
                 Value fill =
                     buildScalar(nb, nl, element, config.extrapolationValue);
                 sum = arith::SelectOp::create(nb, nl, args[tables.size() - 1],
                                               fill, sum);
               }
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

/// Resizes `x` to `resultType` one axis at a time (the interpolation is
/// separable). `scales` and the roi give each axis's coordinate mapping.
static FailureOr<Value> buildResize(OpBuilder &b, Location loc, Operation *op,
                                    Value x, RankedTensorType resultType,
                                    ArrayRef<double> scales,
                                    ArrayRef<double> outWidths,
                                    ArrayRef<double> roi,
                                    const ResizeConfig &config) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (config.mode != "nearest" && !isa<FloatType>(type.getElementType()))
    return op->emitOpError("'")
           << config.mode << "' interpolation of " << type.getElementType()
           << " is not supported (only floating-point tensors)";
  if (resultType.getNumElements() == 0 || type.getNumElements() == 0)
    return buildEmpty(b, loc, resultType);
  Value result = x;
  for (int64_t axis = 0; axis < rank; ++axis) {
    int64_t in = type.getDimSize(axis), out = resultType.getDimSize(axis);
    double roiStart = roi.empty() ? 0.0 : roi[axis];
    double roiEnd = roi.empty() ? 1.0 : roi[rank + axis];
    bool crops = config.coordinateMode == "tf_crop_and_resize" &&
                 (roiStart != 0.0 || roiEnd != 1.0);
    if (in == out && scales[axis] == 1.0 && !crops)
      continue;
    AxisSampling sampling = getAxisSampling(config, in, out, scales[axis],
                                            outWidths[axis], roiStart, roiEnd);
    result = buildAxisResample(b, loc, result, axis, sampling, config);
  }
  return result;
}

/// The constant floats of an operand of the original op.
static std::optional<SmallVector<double>> getStaticDoubles(Value value) {
  if (ElementsAttr attr = getConstantElements(value))
    return readAsDoubles(attr);
  return std::nullopt;
}

FailureOr<Value> lowerResize(nn::ResizeOp op, nn::ResizeOp::Adaptor adaptor,
                             RankedTensorType resultType,
                             ConversionPatternRewriter &rewriter) {
  if (op.getAntialias() != 0)
    return op.emitOpError("antialias is not supported");
  FailureOr<ResizePlan> plan = getResizePlan(op, resultType);
  if (failed(plan))
    return failure();
  return buildResize(rewriter, op.getLoc(), op, adaptor.getX(), resultType,
                     plan->scales, plan->outWidths, plan->roi, plan->config);
}

/// Upsample (opset 9) samples as Resize with asymmetric coordinates: the
/// nearest input is the one at or below the source coordinate.
FailureOr<Value> lowerUpsample(nn::UpsampleOp op,
                               nn::UpsampleOp::Adaptor adaptor,
                               RankedTensorType resultType,
                               ConversionPatternRewriter &rewriter) {
  auto type = cast<RankedTensorType>(adaptor.getX().getType());
  std::optional<SmallVector<double>> scales = getStaticDoubles(op.getScales());
  if (!scales || (int64_t)scales->size() != type.getRank())
    return op.emitOpError("can only be lowered with constant 'scales'");
  SmallVector<double> outWidths;
  for (int64_t i = 0; i < type.getRank(); ++i)
    outWidths.push_back((*scales)[i] * type.getDimSize(i));
  ResizeConfig config;
  config.mode = op.getMode();
  config.coordinateMode = "asymmetric";
  config.nearestMode = "floor";
  return buildResize(rewriter, op.getLoc(), op, adaptor.getX(), resultType,
                     *scales, outWidths, {}, config);
}

} // namespace

void whittle::populateNNTensorToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  addStaticResultLowerings<
      lowerReshapeLike<nn::ReshapeOp>, lowerReshapeLike<nn::FlattenOp>,
      lowerReshapeLike<nn::SqueezeOp>, lowerReshapeLike<nn::UnsqueezeOp>,
      lowerTranspose, lowerConcat, lowerSlice, lowerPad, lowerExpand, lowerTile,
      lowerGather, lowerBlockShuffle<nn::DepthToSpaceOp>,
      lowerBlockShuffle<nn::SpaceToDepthOp>, lowerConstantOfShape,
      lowerShapeQuery<nn::ShapeOp>, lowerShapeQuery<nn::SizeOp>, lowerResize,
      lowerUpsample>(converter, patterns);
  patterns.add<SplitLowering>(converter, patterns.getContext());
}
