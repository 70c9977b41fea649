//===- NNTensorFolds.cpp - folders of the shape and data movement ops -----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Constant folding of shape arithmetic (Shape, Size, Gather, Concat, Slice,
// Squeeze, Unsqueeze, Reshape, Cast, ConstantOfShape, ...) and the
// canonicalizations that remove no-op data movement. The importer folds
// every op right after building it, so that PyTorch-style shape computations
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) become constants before
// their consumers infer their result types.
//
// Folds that compute new data only handle "small" tensors (at most
// kMaxFoldElements elements), except where a splat input gives a splat
// result, which is cheap at any size.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace whittle::nn;

/// Largest tensor (in elements) whose data the folders compute.
static constexpr int64_t kMaxFoldElements = 1024;

//===----------------------------------------------------------------------===//
// Shared helpers: one per shape of transformation
//===----------------------------------------------------------------------===//

namespace {
/// The elements of a constant, kept exact: integers (including i1) as
/// int64_t, floats as double.
struct ConstantValues {
  bool isFloat = false;
  SmallVector<int64_t> ints;
  SmallVector<double> floats;

  /// Reads `attr` if it is an elements attribute of at most `limit`
  /// elements.
  static std::optional<ConstantValues> read(Attribute attr,
                                            int64_t limit = kMaxFoldElements) {
    auto elements = dyn_cast_if_present<ElementsAttr>(attr);
    if (!elements || elements.getNumElements() > limit)
      return std::nullopt;
    ConstantValues values;
    values.isFloat = isa<FloatType>(elements.getElementType());
    if (values.isFloat) {
      std::optional<SmallVector<double>> floats = readAsDoubles(elements);
      if (!floats)
        return std::nullopt;
      values.floats = std::move(*floats);
    } else {
      std::optional<SmallVector<int64_t>> ints = readAsInts(elements);
      if (!ints)
        return std::nullopt;
      values.ints = std::move(*ints);
    }
    return values;
  }

  void append(const ConstantValues &other, int64_t index) {
    if (isFloat)
      floats.push_back(other.floats[index]);
    else
      ints.push_back(other.ints[index]);
  }

  Attribute build(RankedTensorType type) const {
    return isFloat ? createElementsFromDoubles(type, floats)
                   : createElementsFromInts(type, ints);
  }
};
} // namespace

/// The value of a splat dense constant, or null.
static Attribute getSplatValue(Attribute attr) {
  auto dense = dyn_cast_if_present<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat())
    return {};
  return dense.getSplatValue<Attribute>();
}

/// Row-major strides of `shape`.
static SmallVector<int64_t> getStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Folds a data-movement op on constants: element `coords` of the result
/// (row-major over `resultType`) is element `source(coords)` of the
/// row-major concatenation of `inputs`. Inputs that are all the same splat
/// give a splat result of any size; otherwise inputs and result must be
/// small.
static Attribute
foldDataMovement(ArrayRef<Attribute> inputs, RankedTensorType resultType,
                 function_ref<int64_t(ArrayRef<int64_t>)> source) {
  if (!resultType.hasStaticShape() || inputs.empty())
    return {};
  Attribute splat = getSplatValue(inputs.front());
  if (splat && llvm::all_of(inputs, [&](Attribute a) {
        return getSplatValue(a) == splat;
      }))
    return DenseElementsAttr::get(resultType, splat);
  if (resultType.getNumElements() > kMaxFoldElements)
    return {};
  std::optional<ConstantValues> all;
  for (Attribute input : inputs) {
    std::optional<ConstantValues> values = ConstantValues::read(input);
    if (!values)
      return {};
    if (!all) {
      all = std::move(values);
      continue;
    }
    llvm::append_range(all->ints, values->ints);
    llvm::append_range(all->floats, values->floats);
  }
  ConstantValues result;
  result.isFloat = all->isFloat;
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<int64_t> coords(shape.size(), 0);
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    result.append(*all, source(coords));
    for (int64_t d = (int64_t)shape.size() - 1; d >= 0; --d) {
      if (++coords[d] < shape[d])
        break;
      coords[d] = 0;
    }
  }
  return result.build(resultType);
}

/// Folds a reshape-like op (same data, new shape): dense constants are
/// reshaped in place, small resource constants are copied.
static Attribute foldReshapeLike(Attribute input, RankedTensorType resultType) {
  if (!resultType.hasStaticShape())
    return {};
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(input))
    return dense.reshape(resultType);
  std::optional<ConstantValues> values = ConstantValues::read(input);
  if (!values)
    return {};
  return values->build(resultType);
}

/// Returns `input` if it already has the op's result type (a no-op).
static OpFoldResult foldNoOp(Value input, Type resultType) {
  return input.getType() == resultType ? OpFoldResult(input) : OpFoldResult();
}

/// The integer list held by a constant operand's folded attribute.
static std::optional<SmallVector<int64_t>> getInts(Attribute attr) {
  auto elements = dyn_cast_if_present<ElementsAttr>(attr);
  if (!elements || !elements.getElementType().isIntOrIndex())
    return std::nullopt;
  return readAsInts(elements);
}

//===----------------------------------------------------------------------===//
// Reshape-like ops
//===----------------------------------------------------------------------===//

/// Folds a reshape-like op whose data operand is `input` (folded to
/// `data`): to `input` if it has the result type, else reshapes a constant.
static OpFoldResult foldReshapeLikeOp(Value input, Attribute data,
                                      Type resultType) {
  if (OpFoldResult same = foldNoOp(input, resultType))
    return same;
  return foldReshapeLike(data, cast<RankedTensorType>(resultType));
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLikeOp(getData(), adaptor.getData(), getType());
}

OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLikeOp(getInput(), adaptor.getInput(), getType());
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLikeOp(getData(), adaptor.getData(), getType());
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLikeOp(getData(), adaptor.getData(), getType());
}

OpFoldResult IdentityOp::fold(FoldAdaptor) {
  return foldNoOp(getInput(), getType());
}

namespace {
/// reshape(reshape(x, s1), s2) -> reshape(x, s2) when s2 does not copy
/// dimensions of the intermediate shape (no 0 entries, or allowzero), else
/// reshape(x, <static result shape>) when the result is static.
struct FoldReshapeOfReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getData().getDefiningOp<ReshapeOp>();
    if (!inner)
      return failure();
    Value shape = op.getShape();
    std::optional<SmallVector<int64_t>> target = getConstantInts(shape);
    bool copiesDims =
        op.getAllowzero() == 0 && (!target || llvm::is_contained(*target, 0));
    if (copiesDims) {
      auto type = cast<RankedTensorType>(op.getType());
      if (!type.hasStaticShape())
        return failure();
      auto shapeType =
          RankedTensorType::get({type.getRank()}, rewriter.getI64Type());
      shape = ConstantOp::create(
          rewriter, op.getLoc(),
          createElementsFromInts(shapeType, type.getShape(), "shape"));
    }
    auto replacement = ReshapeOp::create(rewriter, op.getLoc(), inner.getData(),
                                         shape, op.getAllowzero());
    if (replacement.getType() != op.getType()) {
      // The new op may infer a more static type; keep the old one so that
      // users stay valid.
      replacement.getResult().setType(cast<RankedTensorType>(op.getType()));
    }
    rewriter.replaceOp(op, replacement);
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<FoldReshapeOfReshape>(context);
}

//===----------------------------------------------------------------------===//
// Data movement on constants
//===----------------------------------------------------------------------===//

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  auto type = cast<RankedTensorType>(getType());
  SmallVector<int64_t> perm;
  if (std::optional<ArrayRef<int64_t>> given = getPerm())
    perm.assign(given->begin(), given->end());
  else
    perm.assign(llvm::reverse(llvm::seq<int64_t>(0, type.getRank())).begin(),
                llvm::reverse(llvm::seq<int64_t>(0, type.getRank())).end());
  if (llvm::equal(perm, llvm::seq<int64_t>(0, type.getRank())))
    return foldNoOp(getData(), type);
  auto inType = cast<RankedTensorType>(getData().getType());
  if (!inType.hasStaticShape())
    return {};
  SmallVector<int64_t> strides = getStrides(inType.getShape());
  return foldDataMovement(adaptor.getData(), type,
                          [&](ArrayRef<int64_t> coords) {
                            int64_t index = 0;
                            for (auto [i, p] : llvm::enumerate(perm))
                              index += coords[i] * strides[p];
                            return index;
                          });
}

/// Zero pads leave the data as it is whatever the mode and value.
OpFoldResult PadOp::fold(FoldAdaptor adaptor) {
  std::optional<SmallVector<int64_t>> pads = getInts(adaptor.getPads());
  if (!pads || !llvm::all_of(*pads, [](int64_t pad) { return pad == 0; }))
    return {};
  return foldNoOp(getData(), getType());
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1)
    return foldNoOp(getInputs().front(), getType());
  auto type = cast<RankedTensorType>(getType());
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += type.getRank();
  // Offset of each input in the concatenated data and its size on `axis`.
  SmallVector<int64_t> offsets, sizes;
  int64_t offset = 0;
  for (Value input : getInputs()) {
    auto inType = cast<RankedTensorType>(input.getType());
    if (!inType.hasStaticShape())
      return {};
    offsets.push_back(offset);
    sizes.push_back(inType.getDimSize(axis));
    offset += inType.getNumElements();
  }
  SmallVector<int64_t> strides = getStrides(type.getShape());
  int64_t inner = strides[axis];
  return foldDataMovement(
      adaptor.getInputs(), type, [&](ArrayRef<int64_t> coords) {
        int64_t c = coords[axis];
        unsigned k = 0;
        while (c >= sizes[k])
          c -= sizes[k++];
        // Linear index within input k: outer * (size_k * inner) +
        // c * inner + the position within the inner block.
        int64_t outer = 0;
        for (int64_t d = 0; d < axis; ++d)
          outer = outer * type.getDimSize(d) + coords[d];
        int64_t within = 0;
        for (int64_t d = axis + 1; d < type.getRank(); ++d)
          within = within * type.getDimSize(d) + coords[d];
        return offsets[k] + (outer * sizes[k] + c) * inner + within;
      });
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto type = cast<RankedTensorType>(getType());
  auto inType = cast<RankedTensorType>(getData().getType());
  if (!inType.hasStaticShape())
    return {};
  std::optional<SmallVector<int64_t>> starts = getInts(adaptor.getStarts());
  std::optional<SmallVector<int64_t>> ends = getInts(adaptor.getEnds());
  if (!starts || !ends)
    return {};
  int64_t n = starts->size();
  std::optional<SmallVector<int64_t>> axes =
      llvm::to_vector(llvm::seq<int64_t>(0, n));
  std::optional<SmallVector<int64_t>> steps = SmallVector<int64_t>(n, 1);
  if (!isNone(getAxes()))
    axes = getInts(adaptor.getAxes());
  if (!isNone(getSteps()))
    steps = getInts(adaptor.getSteps());
  if (!axes || !steps)
    return {};
  // Per input dimension: first index and step.
  int64_t rank = inType.getRank();
  SmallVector<int64_t> first(rank, 0), step(rank, 1);
  for (int64_t i = 0; i < n; ++i) {
    int64_t axis = (*axes)[i] < 0 ? (*axes)[i] + rank : (*axes)[i];
    step[axis] = (*steps)[i];
    first[axis] = resolveSliceRange((*starts)[i], (*ends)[i], step[axis],
                                    inType.getDimSize(axis))
                      .first;
  }
  if (llvm::all_of(first, [](int64_t f) { return f == 0; }) &&
      llvm::all_of(step, [](int64_t s) { return s == 1; }))
    if (OpFoldResult same = foldNoOp(getData(), type))
      return same;
  SmallVector<int64_t> strides = getStrides(inType.getShape());
  return foldDataMovement(
      adaptor.getData(), type, [&](ArrayRef<int64_t> coords) {
        int64_t index = 0;
        for (int64_t d = 0; d < rank; ++d)
          index += (first[d] + coords[d] * step[d]) * strides[d];
        return index;
      });
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto type = cast<RankedTensorType>(getType());
  auto inType = cast<RankedTensorType>(getData().getType());
  auto indicesType = cast<RankedTensorType>(getIndices().getType());
  std::optional<ConstantValues> indices =
      ConstantValues::read(adaptor.getIndices());
  if (!inType.hasStaticShape() || !indices)
    return {};
  int64_t rank = inType.getRank();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  int64_t dim = inType.getDimSize(axis);
  for (int64_t &index : indices->ints) {
    if (index < -dim || index >= dim)
      return {};
    if (index < 0)
      index += dim;
  }
  SmallVector<int64_t> strides = getStrides(inType.getShape());
  SmallVector<int64_t> indexStrides = getStrides(indicesType.getShape());
  int64_t indexRank = indicesType.getRank();
  return foldDataMovement(adaptor.getData(), type,
                          [&](ArrayRef<int64_t> coords) {
                            int64_t index = 0;
                            for (int64_t d = 0; d < axis; ++d)
                              index += coords[d] * strides[d];
                            int64_t position = 0;
                            for (int64_t d = 0; d < indexRank; ++d)
                              position += coords[axis + d] * indexStrides[d];
                            index += indices->ints[position] * strides[axis];
                            for (int64_t d = axis + 1; d < rank; ++d)
                              index += coords[d + indexRank - 1] * strides[d];
                            return index;
                          });
}

/// Folds an op whose result repeats `input` (folded to `data`) along each
/// dimension, the input aligned to the result's trailing dimensions: Expand
/// (a broadcast: a dimension of 1 repeats, others match) and Tile. Result
/// element `coords` is the input element at `coords` modulo the input shape.
static OpFoldResult foldRepeat(Value input, Attribute data, Type resultType) {
  if (OpFoldResult same = foldNoOp(input, resultType))
    return same;
  auto type = cast<RankedTensorType>(resultType);
  auto inType = cast<RankedTensorType>(input.getType());
  if (!inType.hasStaticShape())
    return {};
  SmallVector<int64_t> strides = getStrides(inType.getShape());
  int64_t offset = type.getRank() - inType.getRank();
  // An empty input gives an empty result: no element is read.
  return foldDataMovement(data, type, [&](ArrayRef<int64_t> coords) {
    int64_t index = 0;
    for (int64_t d = 0; d < inType.getRank(); ++d)
      index += (coords[d + offset] % inType.getDimSize(d)) * strides[d];
    return index;
  });
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  return foldRepeat(getInput(), adaptor.getInput(), getType());
}

OpFoldResult TileOp::fold(FoldAdaptor adaptor) {
  // Tile leaves an empty input alone unless it is a no-op.
  RankedTensorType inType = getInput().getType();
  if (inType != getType() && inType.hasStaticShape() &&
      inType.getNumElements() == 0)
    return {};
  return foldRepeat(getInput(), adaptor.getInput(), getType());
}

//===----------------------------------------------------------------------===//
// Shape arithmetic
//===----------------------------------------------------------------------===//

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto inType = cast<RankedTensorType>(getData().getType());
  std::optional<int64_t> end;
  if (std::optional<uint64_t> given = getEnd())
    end = static_cast<int64_t>(*given);
  auto [first, last] = resolveShapeRange(inType.getRank(),
                                         static_cast<int64_t>(getStart()), end);
  ArrayRef<int64_t> dims = inType.getShape().slice(first, last - first);
  if (llvm::any_of(dims, ShapedType::isDynamic))
    return {};
  return createElementsFromInts(cast<RankedTensorType>(getType()), dims,
                                "shape");
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto inType = cast<RankedTensorType>(getData().getType());
  if (!inType.hasStaticShape())
    return {};
  return createElementsFromInts(cast<RankedTensorType>(getType()),
                                {inType.getNumElements()}, "size");
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  auto type = cast<RankedTensorType>(getType());
  if (!type.hasStaticShape())
    return {};
  ElementsAttr value = getValueAttr();
  if (!value)
    return DenseElementsAttr::get(type,
                                  FloatAttr::get(type.getElementType(), 0.0));
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return DenseElementsAttr::get(type, *dense.value_begin<Attribute>());
  std::optional<ConstantValues> values = ConstantValues::read(value);
  if (!values)
    return {};
  auto scalar = dyn_cast<DenseElementsAttr>(
      values->build(RankedTensorType::get({}, type.getElementType())));
  if (!scalar)
    return {};
  return DenseElementsAttr::get(type, *scalar.value_begin<Attribute>());
}

/// Converts one element to `target` as ONNX Cast does: floats truncate
/// toward zero when cast to integers (NaN to 0, out-of-range values clamped
/// to the int64 range before wrapping), anything nonzero is true.
static void castValue(const ConstantValues &in, int64_t index, Type target,
                      ConstantValues &out) {
  if (isa<FloatType>(target)) {
    if (in.isFloat)
      out.floats.push_back(in.floats[index]);
    else
      out.floats.push_back(static_cast<double>(in.ints[index]));
    return;
  }
  if (target.isInteger(1)) {
    out.ints.push_back(in.isFloat ? in.floats[index] != 0.0
                                  : in.ints[index] != 0);
    return;
  }
  if (!in.isFloat) {
    out.ints.push_back(in.ints[index]);
    return;
  }
  double v = std::trunc(in.floats[index]);
  constexpr double kLimit = 9.2233720368547758e18;
  if (std::isnan(v))
    v = 0;
  out.ints.push_back(v >= kLimit    ? std::numeric_limits<int64_t>::max()
                     : v <= -kLimit ? std::numeric_limits<int64_t>::min()
                                    : static_cast<int64_t>(v));
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult same = foldNoOp(getInput(), getType()))
    return same;
  auto type = cast<RankedTensorType>(getType());
  Type target = type.getElementType();
  if (!type.hasStaticShape())
    return {};
  // A splat converts its one value; other constants must be small.
  Attribute input = adaptor.getInput();
  bool splat = static_cast<bool>(getSplatValue(input));
  if (splat)
    input = cast<DenseElementsAttr>(input).resizeSplat(
        RankedTensorType::get({}, cast<ElementsAttr>(input).getElementType()));
  std::optional<ConstantValues> values = ConstantValues::read(input);
  if (!values)
    return {};
  ConstantValues result;
  result.isFloat = isa<FloatType>(target);
  int64_t count = values->isFloat ? values->floats.size() : values->ints.size();
  for (int64_t i = 0; i < count; ++i)
    castValue(*values, i, target, result);
  if (!splat)
    return result.build(type);
  auto scalar = dyn_cast<DenseElementsAttr>(
      result.build(RankedTensorType::get({}, target)));
  if (!scalar)
    return {};
  return scalar.resizeSplat(type);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// Reduce* with no (or empty constant) axes and noop_with_empty_axes=1 is
/// the identity.
static OpFoldResult foldReduce(Value data, Value axes, Attribute axesAttr,
                               bool noopWithEmptyAxes, Type resultType) {
  if (!noopWithEmptyAxes)
    return {};
  if (!isNone(axes)) {
    std::optional<SmallVector<int64_t>> given = getInts(axesAttr);
    if (!given || !given->empty())
      return {};
  }
  return foldNoOp(data, resultType);
}

#define NN_REDUCE_FOLD(OpClass)                                                \
  OpFoldResult OpClass::fold(FoldAdaptor adaptor) {                            \
    return foldReduce(getData(), getAxes(), adaptor.getAxes(),                 \
                      getNoopWithEmptyAxes() != 0, getType());                 \
  }
NN_REDUCE_FOLD(ReduceMeanOp)
NN_REDUCE_FOLD(ReduceSumOp)
NN_REDUCE_FOLD(ReduceMaxOp)
NN_REDUCE_FOLD(ReduceMinOp)
NN_REDUCE_FOLD(ReduceProdOp)
NN_REDUCE_FOLD(ReduceL2Op)
#undef NN_REDUCE_FOLD
