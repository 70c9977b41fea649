//===- ReductionToLinalg.cpp - Reduce* and ArgMax/ArgMin to linalg --------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Reduce* ops become one `linalg.generic` with reduction iterators over the
// reduced axes (plus an elementwise epilogue for ReduceMean and ReduceL2);
// keepdims is a reshape of the result. ArgMax/ArgMin carry the extreme value
// and its index together in a two-result reduction.
//
//===----------------------------------------------------------------------===//

#include "StaticResultLowering.h"
#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

using namespace mlir;
using namespace whittle;

/// One reduction along the axis producing both the running extreme and its
/// i64 index; only the index is returned.
Value whittle::buildArgExtreme(OpBuilder &b, Location loc, Value data,
                               int64_t axis, ElementKind element, bool isMax,
                               bool selectLast) {
  auto dataType = cast<RankedTensorType>(data.getType());
  int64_t rank = dataType.getRank();
  SmallVector<bool> reduced(rank, false);
  reduced[axis] = true;
  SmallVector<int64_t> shape =
      getReducedShape(dataType.getShape(), reduced, /*keepDims=*/false);
  auto valueType = RankedTensorType::get(shape, element.type);
  auto indexType = RankedTensorType::get(shape, b.getI64Type());
  Value valueInit = buildFilled(b, loc, valueType,
                                isMax ? buildLowest(b, loc, element)
                                      : buildHighest(b, loc, element));
  Value indexInit =
      buildFilled(b, loc, indexType, buildScalar(b, loc, b.getI64Type(), 0));

  MLIRContext *context = b.getContext();
  SmallVector<AffineExpr> outputExprs;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      outputExprs.push_back(getAffineDimExpr(i, context));
  AffineMap outputMap = AffineMap::get(rank, 0, outputExprs, context);
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, context), outputMap, outputMap};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[axis] = utils::IteratorType::reduction;

  using CmpF = arith::CmpFPredicate;
  using CmpI = arith::CmpIPredicate;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{valueType, indexType}, data,
      ValueRange{valueInit, indexInit}, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = args[0], best = args[1], bestIndex = args[2];
        // Strict comparison keeps the first extreme; non-strict the last.
        Value better;
        if (element.isFloat()) {
          CmpF predicate = isMax ? (selectLast ? CmpF::OGE : CmpF::OGT)
                                 : (selectLast ? CmpF::OLE : CmpF::OLT);
          better = arith::CmpFOp::create(nb, l, predicate, x, best);
        } else {
          bool isUnsigned = element.isUnsigned || element.isBool();
          CmpI predicate;
          if (isMax)
            predicate = selectLast ? (isUnsigned ? CmpI::uge : CmpI::sge)
                                   : (isUnsigned ? CmpI::ugt : CmpI::sgt);
          else
            predicate = selectLast ? (isUnsigned ? CmpI::ule : CmpI::sle)
                                   : (isUnsigned ? CmpI::ult : CmpI::slt);
          better = arith::CmpIOp::create(nb, l, predicate, x, best);
        }
        Value index = arith::IndexCastOp::create(
            nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, axis));
        Value newBest = arith::SelectOp::create(nb, l, better, x, best);
        Value newIndex =
            arith::SelectOp::create(nb, l, better, index, bestIndex);
        linalg::YieldOp::create(nb, l, ValueRange{newBest, newIndex});
      });
  return generic.getResult(1);
}

Value whittle::buildReduction(OpBuilder &b, Location loc, Value input,
                              ArrayRef<bool> reduced, ReductionKind kind,
                              const ElementKind &element) {
  Value identity;
  switch (kind) {
  case ReductionKind::Max:
    identity = buildLowest(b, loc, element);
    break;
  case ReductionKind::Min:
    identity = buildHighest(b, loc, element);
    break;
  case ReductionKind::Prod:
    identity = buildScalar(b, loc, element.type, 1);
    break;
  default:
    identity = buildScalar(b, loc, element.type, 0);
  }
  Value result = buildReduction(
      b, loc, input, reduced, identity,
      [&](OpBuilder &nb, Location l, Value x, Value acc) -> Value {
        switch (kind) {
        case ReductionKind::Max:
          return buildMax(nb, l, acc, x, element.isUnsigned);
        case ReductionKind::Min:
          return buildMin(nb, l, acc, x, element.isUnsigned);
        case ReductionKind::Prod:
          return buildMul(nb, l, acc, x);
        case ReductionKind::L2:
          return buildAdd(nb, l, acc, buildMul(nb, l, x, x));
        default:
          return buildAdd(nb, l, acc, x);
        }
      });
  if (kind != ReductionKind::Mean && kind != ReductionKind::L2)
    return result;

  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t count = 1;
  for (int64_t i = 0; i < inputType.getRank(); ++i)
    if (reduced[i])
      count *= inputType.getDimSize(i);
  auto reducedType = cast<RankedTensorType>(result.getType());
  return buildBroadcastGeneric(
      b, loc, result, reducedType,
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value value = args[0];
        if (kind == ReductionKind::Mean) {
          Value divisor = buildScalar(nb, l, element.type, count);
          if (element.isFloat())
            return arith::DivFOp::create(nb, l, value, divisor);
          if (element.isUnsigned)
            return arith::DivUIOp::create(nb, l, value, divisor);
          return arith::DivSIOp::create(nb, l, value, divisor);
        }
        if (element.isFloat())
          return math::SqrtOp::create(nb, l, value);
        // Integer L2: the square root in double, truncated back.
        ElementKind f64{nb.getF64Type()};
        Value wide = buildScalarCast(nb, l, value, element, f64);
        return buildScalarCast(nb, l, math::SqrtOp::create(nb, l, wide), f64,
                               element);
      });
}

namespace {

/// The constant axes list, from the nn constant or, once that is converted,
/// the arith one.
std::optional<SmallVector<int64_t>> getConstantAxes(Value original,
                                                    Value converted) {
  if (auto ints = nn::getConstantInts(original))
    return ints;
  if (auto constant = converted.getDefiningOp<arith::ConstantOp>())
    if (auto elements = dyn_cast<ElementsAttr>(constant.getValue()))
      return nn::readAsInts(elements);
  return std::nullopt;
}

/// Reduce*: the axes from the constant operand or, when it is not constant,
/// from the static shapes; keepdims is a reshape of the result.
template <typename OpT, ReductionKind kind>
FailureOr<Value> lowerReduce(OpT op, typename OpT::Adaptor adaptor,
                             RankedTensorType resultType,
                             ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value data = adaptor.getData();
  auto dataType = cast<RankedTensorType>(data.getType());
  int64_t rank = dataType.getRank();

  // The original (nn) operand keeps the constant producer visible.
  SmallVector<int64_t> axes;
  bool inferFromShape = false;
  if (!nn::isNone(op.getAxes())) {
    auto axesType = cast<RankedTensorType>(adaptor.getAxes().getType());
    std::optional<SmallVector<int64_t>> constant =
        getConstantAxes(op.getAxes(), adaptor.getAxes());
    if (constant)
      axes = std::move(*constant);
    else if (axesType.hasStaticShape() && axesType.getNumElements() != 0)
      inferFromShape = true;
  }
  SmallVector<bool> reduced(rank, axes.empty());
  if (inferFromShape) {
    // Axes only known at run time: with keepdims the static result shape
    // says which dimensions shrink to 1. Whether a size-1 dimension is
    // reduced does not matter, except for L2 (|x|), which stays ambiguous.
    bool ambiguous = !op.getKeepdims() || resultType.getRank() != rank;
    for (int64_t i = 0; i < rank && !ambiguous; ++i) {
      reduced[i] = resultType.getDimSize(i) != dataType.getDimSize(i);
      ambiguous |= kind == ReductionKind::L2 && dataType.getDimSize(i) == 1;
    }
    if (ambiguous)
      return op.emitError("cannot lower '")
             << op->getName()
             << "' with non-constant axes that the shapes do not determine";
  } else if (axes.empty() && op.getNoopWithEmptyAxes()) {
    return data;
  }
  for (int64_t axis : axes) {
    FailureOr<int64_t> normalized = nn::normalizeAxis(loc, axis, rank);
    if (failed(normalized))
      return failure();
    reduced[*normalized] = true;
  }

  Value result = buildReduction(rewriter, loc, data, reduced, kind,
                                getElementKind(op.getData().getType()));
  return buildReshape(rewriter, loc, result, resultType.getShape());
}

/// ArgMax/ArgMin: the index of the extreme along the axis (buildArgExtreme),
/// reshaped to keepdims' form when asked.
template <typename OpT, bool isMax>
FailureOr<Value> lowerArg(OpT op, typename OpT::Adaptor adaptor,
                          RankedTensorType resultType,
                          ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value data = adaptor.getData();
  int64_t rank = cast<RankedTensorType>(data.getType()).getRank();
  FailureOr<int64_t> axis = nn::normalizeAxis(loc, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  Value index = buildArgExtreme(rewriter, loc, data, *axis,
                                getElementKind(op.getData().getType()), isMax,
                                op.getSelectLastIndex() != 0);
  return buildReshape(rewriter, loc, index, resultType.getShape());
}

} // namespace

void whittle::populateNNReductionToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  addStaticResultLowerings<lowerReduce<nn::ReduceMeanOp, ReductionKind::Mean>,
                           lowerReduce<nn::ReduceSumOp, ReductionKind::Sum>,
                           lowerReduce<nn::ReduceMaxOp, ReductionKind::Max>,
                           lowerReduce<nn::ReduceMinOp, ReductionKind::Min>,
                           lowerReduce<nn::ReduceProdOp, ReductionKind::Prod>,
                           lowerReduce<nn::ReduceL2Op, ReductionKind::L2>,
                           lowerArg<nn::ArgMaxOp, true>,
                           lowerArg<nn::ArgMinOp, false>>(converter, patterns);
}
