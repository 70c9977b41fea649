//===- LoweringUtils.cpp - helpers shared by the nn lowerings -------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include <limits>

using namespace mlir;

namespace whittle {

ElementKind getElementKind(Type nnType) {
  Type element = getElementTypeOrSelf(nnType);
  if (auto integer = dyn_cast<IntegerType>(element))
    return {IntegerType::get(element.getContext(), integer.getWidth()),
            integer.isUnsigned()};
  return {element, false};
}

RankedTensorType convertTensorType(const TypeConverter &converter,
                                   Type nnType) {
  auto type = dyn_cast_or_null<RankedTensorType>(converter.convertType(nnType));
  if (!type || !type.hasStaticShape())
    return nullptr;
  return type;
}

Value buildEmpty(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value buildFilled(OpBuilder &b, Location loc, RankedTensorType type,
                  Value value) {
  return linalg::FillOp::create(b, loc, value, buildEmpty(b, loc, type))
      .getResult(0);
}

Value buildMappedGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                         ArrayRef<AffineMap> maps, RankedTensorType resultType,
                         ScalarBuilder body) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  return linalg::GenericOp::create(
             b, loc, resultType, inputs, buildEmpty(b, loc, resultType),
             allMaps, getIteratorTypes(rank),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
             })
      .getResult(0);
}

Value buildMappedCopy(OpBuilder &b, Location loc, Value input, AffineMap map,
                      RankedTensorType resultType) {
  return buildMappedGeneric(
      b, loc, input, map, resultType,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

Value buildScalar(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

/// The lowest (`lowest`) or highest value of `kind`: an infinity for floats.
static Value buildLimit(OpBuilder &b, Location loc, const ElementKind &kind,
                        bool lowest) {
  if (auto floatType = dyn_cast<FloatType>(kind.type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType,
                       APFloat::getInf(floatType.getFloatSemantics(), lowest)));
  unsigned width = kind.type.getIntOrFloatBitWidth();
  APInt limit;
  if (kind.isUnsigned || width == 1)
    limit = lowest ? APInt::getZero(width) : APInt::getMaxValue(width);
  else
    limit = lowest ? APInt::getSignedMinValue(width)
                   : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(kind.type, limit));
}

Value buildLowest(OpBuilder &b, Location loc, const ElementKind &kind) {
  return buildLimit(b, loc, kind, /*lowest=*/true);
}

Value buildHighest(OpBuilder &b, Location loc, const ElementKind &kind) {
  return buildLimit(b, loc, kind, /*lowest=*/false);
}

SmallVector<utils::IteratorType> getIteratorTypes(int64_t parallelCount,
                                                  int64_t reductionCount) {
  SmallVector<utils::IteratorType> types(parallelCount,
                                         utils::IteratorType::parallel);
  types.append(reductionCount, utils::IteratorType::reduction);
  return types;
}

AffineMap getBroadcastMap(RankedTensorType type, ArrayRef<int64_t> shape) {
  MLIRContext *context = type.getContext();
  int64_t rank = shape.size();
  int64_t offset = rank - type.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (type.getDimSize(i) == 1 && shape[i + offset] != 1)
      exprs.push_back(getAffineConstantExpr(0, context));
    else
      exprs.push_back(getAffineDimExpr(i + offset, context));
  }
  return AffineMap::get(rank, 0, exprs, context);
}

Value buildBroadcastGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                            RankedTensorType resultType, ScalarBuilder body) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(getBroadcastMap(cast<RankedTensorType>(input.getType()),
                                   resultType.getShape()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, buildEmpty(b, loc, resultType), maps,
      getIteratorTypes(rank),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value buildReshape(OpBuilder &b, Location loc, Value value,
                   ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  // tensor.reshape with a constant shape operand says it in one op; the
  // bufferization and canonicalization paths handle collapse/expand better.
  Value flat = value;
  if (type.getRank() == 0) {
    // A scalar expands (with no reassociation groups) to one element.
    flat = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1}, type.getElementType()), value,
        SmallVector<ReassociationIndices>{});
  } else if (type.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < type.getRank(); ++i)
      all[0].push_back(i);
    if (type.getRank() == 0)
      all.clear();
    flat = tensor::CollapseShapeOp::create(
        b, loc,
        RankedTensorType::get({type.getNumElements()}, type.getElementType()),
        value, all);
  }
  if (resultType.getRank() == 1)
    return flat;
  // A one-element vector collapses (not expands) to rank 0.
  if (resultType.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat,
                                           ArrayRef<ReassociationIndices>{});
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < resultType.getRank(); ++i)
    all[0].push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, resultType, flat, all);
}

Value buildPad(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> low,
               ArrayRef<int64_t> high, Value padValue) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    shape.push_back(type.getDimSize(i) + low[i] + high[i]);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> lowSizes, highSizes;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    lowSizes.push_back(b.getIndexAttr(low[i]));
    highSizes.push_back(b.getIndexAttr(high[i]));
  }
  return tensor::PadOp::create(b, loc, resultType, value, lowSizes, highSizes,
                               padValue);
}

Value buildScalarCast(OpBuilder &b, Location loc, Value value,
                      const ElementKind &from, const ElementKind &to) {
  if (from.type == to.type)
    return value;
  if (to.isBool()) {
    if (from.isFloat()) {
      Value zero = buildScalar(b, loc, from.type, 0);
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   zero);
    }
    Value zero = buildScalar(b, loc, from.type, 0);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, zero);
  }
  if (from.isFloat() && to.isFloat()) {
    if (from.type.getIntOrFloatBitWidth() < to.type.getIntOrFloatBitWidth())
      return arith::ExtFOp::create(b, loc, to.type, value);
    if (from.type.getIntOrFloatBitWidth() > to.type.getIntOrFloatBitWidth())
      return arith::TruncFOp::create(b, loc, to.type, value);
    // f16 <-> bf16: go through f32.
    Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
    return arith::TruncFOp::create(b, loc, to.type, wide);
  }
  if (from.isFloat()) {
    if (to.isUnsigned)
      return arith::FPToUIOp::create(b, loc, to.type, value);
    return arith::FPToSIOp::create(b, loc, to.type, value);
  }
  bool fromUnsigned = from.isUnsigned || from.isBool();
  if (to.isFloat()) {
    if (fromUnsigned)
      return arith::UIToFPOp::create(b, loc, to.type, value);
    return arith::SIToFPOp::create(b, loc, to.type, value);
  }
  unsigned fromWidth = from.type.getIntOrFloatBitWidth();
  unsigned toWidth = to.type.getIntOrFloatBitWidth();
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, to.type, value);
  if (fromUnsigned)
    return arith::ExtUIOp::create(b, loc, to.type, value);
  return arith::ExtSIOp::create(b, loc, to.type, value);
}

/// `FloatOp` on floats, else `IntOp`.
template <typename FloatOp, typename IntOp>
static Value buildFloatOrInt(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType()))
    return FloatOp::create(b, loc, lhs, rhs);
  return IntOp::create(b, loc, lhs, rhs);
}

/// `FloatOp` on floats, `UnsignedOp` on unsigned integers and booleans,
/// else `SignedOp`.
template <typename FloatOp, typename UnsignedOp, typename SignedOp>
static Value buildBySignedness(OpBuilder &b, Location loc, Value lhs, Value rhs,
                               bool isUnsigned) {
  if (isa<FloatType>(lhs.getType()))
    return FloatOp::create(b, loc, lhs, rhs);
  if (isUnsigned || lhs.getType().isInteger(1))
    return UnsignedOp::create(b, loc, lhs, rhs);
  return SignedOp::create(b, loc, lhs, rhs);
}

Value buildAdd(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return buildFloatOrInt<arith::AddFOp, arith::AddIOp>(b, loc, lhs, rhs);
}

Value buildMul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return buildFloatOrInt<arith::MulFOp, arith::MulIOp>(b, loc, lhs, rhs);
}

Value buildMax(OpBuilder &b, Location loc, Value lhs, Value rhs,
               bool isUnsigned) {
  return buildBySignedness<arith::MaximumFOp, arith::MaxUIOp, arith::MaxSIOp>(
      b, loc, lhs, rhs, isUnsigned);
}

Value buildMin(OpBuilder &b, Location loc, Value lhs, Value rhs,
               bool isUnsigned) {
  return buildBySignedness<arith::MinimumFOp, arith::MinUIOp, arith::MinSIOp>(
      b, loc, lhs, rhs, isUnsigned);
}

} // namespace whittle

namespace whittle {

Value buildTranspose(OpBuilder &b, Location loc, Value value,
                     ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t dim : permutation)
    shape.push_back(type.getDimSize(dim));
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, value, init, permutation)
      .getResult()[0];
}

Value buildBroadcastTo(OpBuilder &b, Location loc, Value value,
                       ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return buildBroadcastGeneric(
      b, loc, value, RankedTensorType::get(shape, type.getElementType()),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// Reassociation grouping `[0], [1, 2], [3], [4], ...`: splits (or merges)
/// dimension 1 of a rank-`rank` tensor into two.
static SmallVector<ReassociationIndices> splitSecondDim(int64_t rank) {
  SmallVector<ReassociationIndices> groups = {{0}, {1, 2}};
  for (int64_t i = 3; i <= rank; ++i)
    groups.push_back({i});
  return groups;
}

Value buildConvolution(OpBuilder &b, Location loc, Value x, Value w, Value init,
                       ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                       int64_t group) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  auto resultType = cast<RankedTensorType>(init.getType());
  int64_t spatial = xType.getRank() - 2;
  int64_t channels = xType.getDimSize(1);
  int64_t filters = wType.getDimSize(0);
  bool isFloat = isa<FloatType>(xType.getElementType());

  if (spatial == 2 && isFloat) {
    auto stridesAttr = b.getI64TensorAttr(strides);
    auto dilationsAttr = b.getI64TensorAttr(dilations);
    if (group == 1)
      return linalg::Conv2DNchwFchwOp::create(b, loc, resultType,
                                              ValueRange{x, w}, init,
                                              stridesAttr, dilationsAttr)
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

  // General case: split the channels into groups so that every loop is a
  // plain dimension of some operand:
  //   X[n, g, c, o*s + k*d] * W[g, m, c, k] -> Y[n, g, m, o]
  int64_t perGroupIn = channels / group;
  int64_t perGroupOut = filters / group;
  auto splitShape = [&](RankedTensorType type, int64_t dim, int64_t inner,
                        int64_t first) {
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] = inner;
    shape.insert(shape.begin() + dim, first);
    return RankedTensorType::get(shape, type.getElementType());
  };
  int64_t rank = xType.getRank();
  Value xGroups = tensor::ExpandShapeOp::create(
      b, loc, splitShape(xType, 1, perGroupIn, group), x, splitSecondDim(rank));
  SmallVector<ReassociationIndices> wGroups = {{0, 1}};
  for (int64_t i = 2; i <= rank; ++i)
    wGroups.push_back({i});
  Value wSplit = tensor::ExpandShapeOp::create(
      b, loc, splitShape(wType, 0, perGroupOut, group), w, wGroups);
  auto resultGroupsType = splitShape(resultType, 1, perGroupOut, group);
  Value initGroups = tensor::ExpandShapeOp::create(b, loc, resultGroupsType,
                                                   init, splitSecondDim(rank));

  MLIRContext *context = b.getContext();
  // Loops: n, g, m, o_1..o_s, c, k_1..k_s.
  int64_t numLoops = 4 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
  AffineExpr n = dim(0), g = dim(1), m = dim(2), c = dim(3 + spatial);
  SmallVector<AffineExpr> xExprs = {n, g, c}, wExprs = {g, m, c},
                          yExprs = {n, g, m};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(3 + i), k = dim(4 + spatial + i);
    xExprs.push_back(o * strides[i] + k * dilations[i]);
    wExprs.push_back(k);
    yExprs.push_back(o);
  }
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, xExprs, context),
                                 AffineMap::get(numLoops, 0, wExprs, context),
                                 AffineMap::get(numLoops, 0, yExprs, context)};
  SmallVector<utils::IteratorType> iterators =
      getIteratorTypes(3 + spatial, 1 + spatial);
  Value grouped =
      linalg::GenericOp::create(
          b, loc, resultGroupsType, ValueRange{xGroups, wSplit}, initGroups,
          maps, iterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value product = buildMul(nb, nl, args[0], args[1]);
            linalg::YieldOp::create(nb, nl, buildAdd(nb, nl, args[2], product));
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, resultType, grouped,
                                         splitSecondDim(rank));
}

} // namespace whittle

namespace whittle {

SmallVector<int64_t> getReducedShape(ArrayRef<int64_t> shape,
                                     ArrayRef<bool> reduced, bool keepDims) {
  SmallVector<int64_t> result;
  for (auto [size, isReduced] : llvm::zip_equal(shape, reduced)) {
    if (!isReduced)
      result.push_back(size);
    else if (keepDims)
      result.push_back(1);
  }
  return result;
}

Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<bool> reduced, Value identity,
                     ReductionBuilder combine) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  MLIRContext *context = b.getContext();
  SmallVector<AffineExpr> outputExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i) {
    if (reduced[i]) {
      iterators.push_back(utils::IteratorType::reduction);
    } else {
      iterators.push_back(utils::IteratorType::parallel);
      outputExprs.push_back(getAffineDimExpr(i, context));
    }
  }
  auto resultType = RankedTensorType::get(
      getReducedShape(type.getShape(), reduced, /*keepDims=*/false),
      identity.getType());
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, context),
      AffineMap::get(rank, 0, outputExprs, context)};
  return linalg::GenericOp::create(
             b, loc, resultType, input,
             buildFilled(b, loc, resultType, identity), maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       combine(nb, nl, args[0], args[1]));
             })
      .getResult(0);
}

} // namespace whittle

namespace whittle {

Value buildForwardFilter(OpBuilder &b, Location loc, Value w, int64_t group) {
  auto type = cast<RankedTensorType>(w.getType());
  int64_t rank = type.getRank();
  int64_t perGroupIn = type.getDimSize(0) / group;
  int64_t perGroupOut = type.getDimSize(1);
  MLIRContext *context = b.getContext();

  SmallVector<int64_t> splitShape = {group, perGroupIn, perGroupOut};
  SmallVector<ReassociationIndices> split = {{0, 1}, {2}};
  for (int64_t i = 2; i < rank; ++i) {
    splitShape.push_back(type.getDimSize(i));
    split.push_back({i + 1});
  }
  Value grouped = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(splitShape, type.getElementType()), w,
      split);

  // Loops: g, m, c, k... over the result [g, M/g, C/g, k...].
  int64_t numLoops = rank + 1;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineExpr> inputExprs = {dim(0), dim(2), dim(1)};
  SmallVector<int64_t> resultShape = {group, perGroupOut, perGroupIn};
  for (int64_t i = 3; i < numLoops; ++i) {
    int64_t size = splitShape[i];
    inputExprs.push_back(getAffineConstantExpr(size - 1, context) - dim(i));
    resultShape.push_back(size);
  }
  auto resultType = RankedTensorType::get(resultShape, type.getElementType());
  Value flipped = buildMappedCopy(
      b, loc, grouped, AffineMap::get(numLoops, 0, inputExprs, context),
      resultType);
  SmallVector<int64_t> forwardShape = {group * perGroupOut, perGroupIn};
  forwardShape.append(resultShape.begin() + 3, resultShape.end());
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(forwardShape, type.getElementType()),
      flipped, split);
}

Value buildSpreadTransposedInput(OpBuilder &b, Location loc, Value x,
                                 ArrayRef<int64_t> kernel,
                                 const nn::TransposedWindowGeometry &window,
                                 Value fill) {
  auto xType = cast<RankedTensorType>(x.getType());
  Type element = xType.getElementType();
  int64_t rank = xType.getRank(), spatial = rank - 2;
  // X goes into a filled tensor at offset `low` with the stride as step.
  // Negative `low`/`high` are cropped afterwards.
  SmallVector<int64_t> low(spatial), high(spatial);
  SmallVector<int64_t> bufferShape(xType.getShape().take_front(2));
  SmallVector<OpFoldResult> offsets(2, b.getIndexAttr(0)), sizes,
      steps(2, b.getIndexAttr(1));
  sizes.push_back(b.getIndexAttr(xType.getDimSize(0)));
  sizes.push_back(b.getIndexAttr(xType.getDimSize(1)));
  bool crop = false;
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t reach = (kernel[i] - 1) * window.dilations[i];
    int64_t stretched = (xType.getDimSize(2 + i) - 1) * window.strides[i] + 1;
    low[i] = reach - window.pads[i];
    // The convolution's input must be output + reach long.
    high[i] = window.output[i] + reach - stretched - low[i];
    crop |= low[i] < 0 || high[i] < 0;
    bufferShape.push_back(stretched + std::max<int64_t>(low[i], 0) +
                          std::max<int64_t>(high[i], 0));
    offsets.push_back(b.getIndexAttr(std::max<int64_t>(low[i], 0)));
    sizes.push_back(b.getIndexAttr(xType.getDimSize(2 + i)));
    steps.push_back(b.getIndexAttr(window.strides[i]));
  }
  auto bufferType = RankedTensorType::get(bufferShape, element);
  Value input = tensor::InsertSliceOp::create(
      b, loc, x, buildFilled(b, loc, bufferType, fill), offsets, sizes, steps);
  if (!crop)
    return input;
  SmallVector<OpFoldResult> cropOffsets(2, b.getIndexAttr(0)), cropSizes,
      unit(rank, b.getIndexAttr(1));
  SmallVector<int64_t> croppedShape(xType.getShape().take_front(2));
  cropSizes.push_back(b.getIndexAttr(xType.getDimSize(0)));
  cropSizes.push_back(b.getIndexAttr(xType.getDimSize(1)));
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t size = bufferShape[2 + i] - std::max<int64_t>(-low[i], 0) -
                   std::max<int64_t>(-high[i], 0);
    cropOffsets.push_back(b.getIndexAttr(std::max<int64_t>(-low[i], 0)));
    cropSizes.push_back(b.getIndexAttr(size));
    croppedShape.push_back(size);
  }
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(croppedShape, element), input, cropOffsets,
      cropSizes, unit);
}

FailureOr<PromotedMatMul> promoteMatMulOperands(OpBuilder &b, Location loc,
                                                Value a, Value bValue) {
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(bValue.getType());
  if (aType.getRank() == 1)
    a = buildReshape(b, loc, a, {1, aType.getDimSize(0)});
  if (bType.getRank() == 1)
    bValue = buildReshape(b, loc, bValue, {bType.getDimSize(0), 1});
  aType = cast<RankedTensorType>(a.getType());
  bType = cast<RankedTensorType>(bValue.getType());
  PromotedMatMul operands;
  operands.a = a;
  operands.b = bValue;
  operands.m = aType.getDimSize(aType.getRank() - 2);
  operands.k = aType.getDimSize(aType.getRank() - 1);
  operands.n = bType.getDimSize(bType.getRank() - 1);
  operands.aBatch = aType.getShape().drop_back(2);
  operands.bBatch = bType.getShape().drop_back(2);
  FailureOr<SmallVector<int64_t>> batch =
      nn::broadcastShapes(loc, {operands.aBatch, operands.bBatch});
  if (failed(batch))
    return failure();
  operands.batch = *batch;
  operands.promoted = *batch;
  operands.promoted.append({operands.m, operands.n});
  return operands;
}

Value buildPromotedMatMul(OpBuilder &b, Location loc,
                          const PromotedMatMul &operands, Type accumulator,
                          ArrayRef<int64_t> resultShape, ValueMapper widenLhs) {
  auto widen = [&](Value value) {
    return widenLhs ? widenLhs(b, loc, value) : value;
  };
  int64_t m = operands.m, k = operands.k, n = operands.n;
  Value zero = buildScalar(b, loc, accumulator, 0);
  Value result;
  if (ShapedType::getNumElements(operands.bBatch) == 1) {
    // Every batch shares B: one matmul over (batch * M) rows.
    int64_t rows = ShapedType::getNumElements(operands.aBatch) * m;
    Value lhs = widen(buildReshape(b, loc, operands.a, {rows, k}));
    Value rhs = buildReshape(b, loc, operands.b, {k, n});
    auto type = RankedTensorType::get({rows, n}, accumulator);
    result = linalg::MatmulOp::create(b, loc, type, ValueRange{lhs, rhs},
                                      buildFilled(b, loc, type, zero))
                 .getResult(0);
  } else {
    SmallVector<int64_t> aShape(operands.batch), bShape(operands.batch);
    aShape.append({m, k});
    bShape.append({k, n});
    int64_t count = ShapedType::getNumElements(operands.batch);
    Value lhs = buildReshape(
        b, loc, buildBroadcastTo(b, loc, operands.a, aShape), {count, m, k});
    Value rhs = buildReshape(
        b, loc, buildBroadcastTo(b, loc, operands.b, bShape), {count, k, n});
    auto type = RankedTensorType::get({count, m, n}, accumulator);
    result =
        linalg::BatchMatmulOp::create(b, loc, type, ValueRange{widen(lhs), rhs},
                                      buildFilled(b, loc, type, zero))
            .getResult(0);
  }
  return buildReshape(b, loc, result, resultShape);
}

} // namespace whittle
