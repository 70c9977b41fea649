//===- NNTensorOps.cpp - nn shape, data movement and reduction ops --------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Result type inference and verifiers of the shape, data movement and
// reduction ops. Folders and canonicalizations are in NNTensorFolds.cpp.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace whittle::nn;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

static std::string listString(ArrayRef<int64_t> values) {
  return "[" +
         llvm::join(llvm::map_range(
                        values, [](int64_t v) { return std::to_string(v); }),
                    ", ") +
         "]";
}

/// Product of `dims`, dynamic if any of them is.
static int64_t product(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d))
      return ShapedType::kDynamic;
    result *= d;
  }
  return result;
}

/// Number of entries of a 1-D list operand (shape, axes, pads, ...), which
/// must have static size. `what` names the operand in diagnostics.
/// The most entries a shape or axes list may have (ONNX sets no bound; real
/// models stay far below it).
static constexpr int64_t kMaxListLength = 1024;

static FailureOr<int64_t> getListLength(std::optional<Location> location,
                                        Value list, StringRef opName,
                                        StringRef what) {
  auto type = tensorType(list);
  if (type.getRank() != 1)
    return emitOptionalError(location, opName, " ", what,
                             " must be a 1-D tensor, got rank ",
                             type.getRank());
  if (type.isDynamicDim(0))
    return emitOptionalError(location, opName, " ", what,
                             " must have a static number of entries");
  // The length of a shape or axes list becomes a rank: bound it before a
  // result type of that rank is allocated.
  if (type.getDimSize(0) > kMaxListLength)
    return emitOptionalError(location, opName, " ", what, " has ",
                             type.getDimSize(0),
                             " entries; whittle supports "
                             "at most ",
                             kMaxListLength);
  return type.getDimSize(0);
}

/// A 1-D list operand: its number of entries (see getListLength) and, when
/// it is a constant, the entries.
struct ListOperand {
  int64_t length;
  std::optional<SmallVector<int64_t>> values;
};

static FailureOr<ListOperand> readList(std::optional<Location> location,
                                       Value list, StringRef opName,
                                       StringRef what) {
  FailureOr<int64_t> length = getListLength(location, list, opName, what);
  if (failed(length))
    return failure();
  return ListOperand{*length, getConstantInts(list)};
}

/// The dimensions that a shape operand (`what` of `opName`) gives: its
/// constant entries, which must not be negative, else as many dynamic sizes.
static FailureOr<SmallVector<int64_t>>
readShapeList(std::optional<Location> location, Value list, StringRef opName,
              StringRef what) {
  FailureOr<ListOperand> shape = readList(location, list, opName, what);
  if (failed(shape))
    return failure();
  if (!shape->values)
    return SmallVector<int64_t>(shape->length, ShapedType::kDynamic);
  for (int64_t d : *shape->values)
    if (d < 0)
      return emitOptionalError(location, opName, " shape ",
                               listString(*shape->values),
                               " has a negative entry");
  return *shape->values;
}

/// A tensor of rank `rank` whose sizes are all unknown: the result when a
/// list operand that shapes it is not a constant.
static RankedTensorType getUnknownShape(int64_t rank, Type element) {
  return RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                               element);
}

/// Normalizes a list of axes for a tensor of rank `rank`, rejecting
/// out-of-range and duplicate axes.
static FailureOr<SmallVector<int64_t>>
normalizeAxes(std::optional<Location> location, ArrayRef<int64_t> axes,
              int64_t rank, StringRef opName) {
  SmallVector<int64_t> normalized;
  for (int64_t axis : axes) {
    if (rank == 0 || axis < -rank || axis >= rank)
      return emitOptionalError(location, opName, " axis ", axis,
                               " is out of range for rank ", rank);
    int64_t a = axis < 0 ? axis + rank : axis;
    if (llvm::is_contained(normalized, a))
      return emitOptionalError(location, opName, " has duplicate axis ", axis);
    normalized.push_back(a);
  }
  return normalized;
}

/// Normalizes a single `axis` attribute in [-rank, rank) of a tensor that
/// must have rank at least 1. `axis` is an I64Attr's value, which the
/// getter returns as the attribute's bits unsigned.
static FailureOr<int64_t> normalizeSingleAxis(std::optional<Location> location,
                                              uint64_t axis, int64_t rank,
                                              StringRef opName) {
  if (rank == 0)
    return emitOptionalError(location, opName,
                             " input must have rank at least 1");
  return normalizeAxis(location, static_cast<int64_t>(axis), rank,
                       (opName + " axis").str());
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

/// Resolves ONNX Reshape's target shape: 0 copies the input dimension
/// (unless allowzero), one -1 is inferred from the element count.
static FailureOr<SmallVector<int64_t>>
resolveReshape(std::optional<Location> location, ArrayRef<int64_t> input,
               ArrayRef<int64_t> target, bool allowZero) {
  SmallVector<int64_t> shape;
  int64_t inferIndex = -1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == -1) {
      if (inferIndex >= 0)
        return emitOptionalError(location,
                                 "Reshape shape has more than one -1");
      inferIndex = i;
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (d < -1)
      return emitOptionalError(location, "Reshape shape entry ", d,
                               " is invalid");
    if (d == 0 && !allowZero) {
      if (i >= input.size())
        return emitOptionalError(location, "Reshape shape entry ", i,
                                 " is 0 but the input has rank ", input.size());
      shape.push_back(input[i]);
      continue;
    }
    shape.push_back(d);
  }
  if (allowZero && inferIndex >= 0 && llvm::is_contained(target, 0))
    return emitOptionalError(location,
                             "Reshape with allowzero=1 cannot have both 0 "
                             "and -1 in the shape");
  bool staticInput = llvm::none_of(input, ShapedType::isDynamic);
  // The shape operand may come from a hostile model: its element count can
  // overflow.
  int64_t inCount = 1;
  for (int64_t d : input)
    if (llvm::MulOverflow(inCount, ShapedType::isDynamic(d) ? 1 : d, inCount))
      return emitOptionalError(location, "Reshape input ", shapeToString(input),
                               " has too many elements");
  int64_t known = 1;
  for (auto [i, d] : llvm::enumerate(shape))
    if ((int64_t)i != inferIndex &&
        llvm::MulOverflow(known, ShapedType::isDynamic(d) ? 1 : d, known))
      return emitOptionalError(location, "Reshape shape ", shapeToString(shape),
                               " has too many elements");
  bool staticOutput = llvm::all_of(llvm::enumerate(shape), [&](auto it) {
    return (int64_t)it.index() == inferIndex ||
           !ShapedType::isDynamic(it.value());
  });
  if (!staticInput || !staticOutput)
    return shape;
  if (inferIndex >= 0) {
    if (known == 0 || inCount % known != 0)
      return emitOptionalError(location, "cannot reshape ", inCount,
                               " elements: the -1 dimension is not integral");
    shape[inferIndex] = inCount / known;
  } else if (known != inCount) {
    return emitOptionalError(location, "cannot reshape ", inCount,
                             " elements into a shape of ", known, " elements");
  }
  return shape;
}

FailureOr<Type> ReshapeOp::inferResultType(std::optional<Location> location,
                                           Adaptor adaptor) {
  auto dataType = tensorType(adaptor.getData());
  FailureOr<ListOperand> target =
      readList(location, adaptor.getShape(), "Reshape", "shape");
  if (failed(target))
    return failure();
  if (!target->values)
    return getUnknownShape(target->length, dataType.getElementType());
  FailureOr<SmallVector<int64_t>> shape =
      resolveReshape(location, dataType.getShape(), *target->values,
                     adaptor.getAllowzero() != 0);
  if (failed(shape))
    return failure();
  return RankedTensorType::get(*shape, dataType.getElementType());
}

LogicalResult ReshapeOp::verify() {
  auto in = tensorType(getData());
  auto out = tensorType(getReshaped());
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("input has ")
           << in.getNumElements() << " elements but the result has "
           << out.getNumElements();
  return success();
}

//===----------------------------------------------------------------------===//
// FlattenOp
//===----------------------------------------------------------------------===//

FailureOr<Type> FlattenOp::inferResultType(std::optional<Location> location,
                                           Adaptor adaptor) {
  auto type = tensorType(adaptor.getInput());
  int64_t rank = type.getRank();
  int64_t axis = static_cast<int64_t>(adaptor.getAxis());
  if (axis < -rank || axis > rank)
    return emitOptionalError(location, "Flatten axis ", axis,
                             " is out of range [", -rank, ", ", rank,
                             "] for rank ", rank);
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> shape = type.getShape();
  return RankedTensorType::get(
      {product(shape.take_front(axis)), product(shape.drop_front(axis))},
      type.getElementType());
}

//===----------------------------------------------------------------------===//
// SqueezeOp / UnsqueezeOp
//===----------------------------------------------------------------------===//

FailureOr<Type> SqueezeOp::inferResultType(std::optional<Location> location,
                                           Adaptor adaptor) {
  auto type = tensorType(adaptor.getData());
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> result;
  if (isNone(adaptor.getAxes())) {
    if (!type.hasStaticShape())
      return emitOptionalError(location,
                               "Squeeze without axes needs a static input "
                               "shape to know which dimensions are 1");
    llvm::copy_if(shape, std::back_inserter(result),
                  [](int64_t d) { return d != 1; });
  } else {
    FailureOr<ListOperand> axes =
        readList(location, adaptor.getAxes(), "Squeeze", "axes");
    if (failed(axes))
      return failure();
    if (!axes->values) {
      if (axes->length > type.getRank())
        return emitOptionalError(location, "Squeeze has ", axes->length,
                                 " axes but the input has rank ",
                                 type.getRank());
      result.assign(type.getRank() - axes->length, ShapedType::kDynamic);
    } else {
      FailureOr<SmallVector<int64_t>> normalized =
          normalizeAxes(location, *axes->values, type.getRank(), "Squeeze");
      if (failed(normalized))
        return failure();
      for (auto [i, d] : llvm::enumerate(shape)) {
        if (!llvm::is_contained(*normalized, (int64_t)i)) {
          result.push_back(d);
          continue;
        }
        if (!ShapedType::isDynamic(d) && d != 1)
          return emitOptionalError(location, "Squeeze axis ", i, " has size ",
                                   d, ", not 1");
      }
    }
  }
  return RankedTensorType::get(result, type.getElementType());
}

FailureOr<Type> UnsqueezeOp::inferResultType(std::optional<Location> location,
                                             Adaptor adaptor) {
  auto type = tensorType(adaptor.getData());
  FailureOr<ListOperand> axes =
      readList(location, adaptor.getAxes(), "Unsqueeze", "axes");
  if (failed(axes))
    return failure();
  int64_t outRank = type.getRank() + axes->length;
  if (!axes->values)
    return getUnknownShape(outRank, type.getElementType());
  FailureOr<SmallVector<int64_t>> normalized =
      normalizeAxes(location, *axes->values, outRank, "Unsqueeze");
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> result;
  ArrayRef<int64_t> rest = type.getShape();
  for (int64_t i = 0; i < outRank; ++i) {
    if (llvm::is_contained(*normalized, i)) {
      result.push_back(1);
    } else {
      result.push_back(rest.front());
      rest = rest.drop_front();
    }
  }
  return RankedTensorType::get(result, type.getElementType());
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

FailureOr<Type> TransposeOp::inferResultType(std::optional<Location> location,
                                             Adaptor adaptor) {
  auto type = tensorType(adaptor.getData());
  int64_t rank = type.getRank();
  SmallVector<int64_t> perm;
  if (std::optional<ArrayRef<int64_t>> given = adaptor.getPerm())
    perm.assign(given->begin(), given->end());
  else
    perm.assign(llvm::reverse(llvm::seq<int64_t>(0, rank)).begin(),
                llvm::reverse(llvm::seq<int64_t>(0, rank)).end());
  SmallVector<bool> seen(rank, false);
  bool valid = (int64_t)perm.size() == rank;
  for (int64_t p : perm) {
    if (!valid || p < 0 || p >= rank || seen[p]) {
      valid = false;
      break;
    }
    seen[p] = true;
  }
  if (!valid)
    return emitOptionalError(location, "Transpose perm ", listString(perm),
                             " is not a permutation of [0, ", rank, ")");
  SmallVector<int64_t> result;
  for (int64_t p : perm)
    result.push_back(type.getDimSize(p));
  return RankedTensorType::get(result, type.getElementType());
}

//===----------------------------------------------------------------------===//
// DepthToSpaceOp / SpaceToDepthOp
//===----------------------------------------------------------------------===//

/// Checks the common NCHW input and blocksize of DepthToSpace and
/// SpaceToDepth.
static LogicalResult checkBlockOp(std::optional<Location> location,
                                  RankedTensorType type, int64_t blocksize,
                                  StringRef opName) {
  if (type.getRank() != 4)
    return emitOptionalError(location, opName,
                             " input must have rank 4 (NCHW), got rank ",
                             type.getRank());
  if (blocksize <= 0)
    return emitOptionalError(location, opName,
                             " blocksize must be positive, "
                             "got ",
                             blocksize);
  int64_t square;
  if (llvm::MulOverflow(blocksize, blocksize, square))
    return emitOptionalError(location, opName, " blocksize ", blocksize,
                             " is too large");
  return success();
}

/// `d * factor` or `d / factor`, propagating dynamic sizes; the product
/// (of a model's dimension and blocksize) may overflow.
static FailureOr<int64_t> scaleDim(std::optional<Location> location,
                                   StringRef opName, int64_t d, int64_t factor,
                                   bool multiply) {
  if (ShapedType::isDynamic(d))
    return d;
  if (!multiply)
    return d / factor;
  int64_t product;
  if (llvm::MulOverflow(d, factor, product))
    return emitOptionalError(location, opName, " output dimension ", d, " x ",
                             factor, " is too large");
  return product;
}

/// The NCHW result type of DepthToSpace (`toSpace`, with its `mode`) or
/// SpaceToDepth of `input`: channels scaled by blocksize squared, height and
/// width by blocksize, the other way round; the scaled-down dimensions must
/// divide.
static FailureOr<Type> inferBlockOp(std::optional<Location> location,
                                    Value input, uint64_t blocksize,
                                    std::optional<StringRef> mode,
                                    StringRef opName) {
  auto type = tensorType(input);
  int64_t b = static_cast<int64_t>(blocksize);
  if (failed(checkBlockOp(location, type, b, opName)))
    return failure();
  bool toSpace = mode.has_value();
  if (toSpace && *mode != "DCR" && *mode != "CRD")
    return emitOptionalError(location, opName,
                             " mode must be DCR or CRD, "
                             "got '",
                             *mode, "'");
  if (toSpace) {
    int64_t c = type.getDimSize(1);
    if (!ShapedType::isDynamic(c) && c % (b * b) != 0)
      return emitOptionalError(location, opName, " blocksize ", b,
                               " squared does not divide the ", c, " channels");
  } else {
    for (int64_t i : {2, 3}) {
      int64_t d = type.getDimSize(i);
      if (!ShapedType::isDynamic(d) && d % b != 0)
        return emitOptionalError(location, opName, " blocksize ", b,
                                 " does not divide dimension ", i, " of size ",
                                 d);
    }
  }
  FailureOr<int64_t> c =
      scaleDim(location, opName, type.getDimSize(1), b * b, !toSpace);
  FailureOr<int64_t> h =
      scaleDim(location, opName, type.getDimSize(2), b, toSpace);
  FailureOr<int64_t> w =
      scaleDim(location, opName, type.getDimSize(3), b, toSpace);
  if (failed(c) || failed(h) || failed(w))
    return failure();
  return RankedTensorType::get({type.getDimSize(0), *c, *h, *w},
                               type.getElementType());
}

FailureOr<Type>
DepthToSpaceOp::inferResultType(std::optional<Location> location,
                                Adaptor adaptor) {
  return inferBlockOp(location, adaptor.getInput(), adaptor.getBlocksize(),
                      adaptor.getMode(), "DepthToSpace");
}

FailureOr<Type>
SpaceToDepthOp::inferResultType(std::optional<Location> location,
                                Adaptor adaptor) {
  return inferBlockOp(location, adaptor.getInput(), adaptor.getBlocksize(),
                      /*mode=*/std::nullopt, "SpaceToDepth");
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

FailureOr<Type> ConcatOp::inferResultType(std::optional<Location> location,
                                          Adaptor adaptor) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(location, "Concat needs at least one input");
  auto first = tensorType(inputs.front());
  FailureOr<int64_t> axis = normalizeSingleAxis(location, adaptor.getAxis(),
                                                first.getRank(), "Concat");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> result(first.getShape());
  result[*axis] = 0;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    auto type = tensorType(input);
    if (type.getElementType() != first.getElementType())
      return emitOptionalError(location, "Concat input ", i,
                               " has element type ", type.getElementType(),
                               " but input 0 has ", first.getElementType());
    if (type.getRank() != first.getRank())
      return emitOptionalError(location, "Concat input ", i, " has rank ",
                               type.getRank(), " but input 0 has rank ",
                               first.getRank());
    for (auto [d, size] : llvm::enumerate(type.getShape())) {
      int64_t &out = result[d];
      if ((int64_t)d == *axis) {
        out = ShapedType::isDynamic(out) || ShapedType::isDynamic(size)
                  ? ShapedType::kDynamic
                  : out + size;
        continue;
      }
      if (ShapedType::isDynamic(size))
        continue;
      if (!ShapedType::isDynamic(out) && out != size)
        return emitOptionalError(location, "Concat input ", i, " has size ",
                                 size, " in dimension ", d,
                                 " but another input has ", out);
      out = size;
    }
  }
  return RankedTensorType::get(result, first.getElementType());
}

//===----------------------------------------------------------------------===//
// SplitOp
//===----------------------------------------------------------------------===//

LogicalResult SplitOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(adaptor.getInput());
  FailureOr<int64_t> axis =
      normalizeSingleAxis(location, adaptor.getAxis(), type.getRank(), "Split");
  if (failed(axis))
    return failure();
  int64_t dim = type.getDimSize(*axis);
  std::optional<uint64_t> numOutputs = adaptor.getNumOutputs();
  bool hasSplit = !isNone(adaptor.getSplit());
  SmallVector<int64_t> sizes;
  if (hasSplit && numOutputs) {
    return emitOptionalError(location, "Split takes either the split input "
                                       "or num_outputs, not both");
  } else if (hasSplit) {
    FailureOr<ListOperand> given =
        readList(location, adaptor.getSplit(), "Split", "split");
    if (failed(given))
      return failure();
    if (std::optional<SmallVector<int64_t>> &split = given->values) {
      int64_t sum = 0;
      for (int64_t s : *split) {
        if (s < 0)
          return emitOptionalError(location, "Split size ", s, " is negative");
        sum += s;
      }
      if (!ShapedType::isDynamic(dim) && sum != dim)
        return emitOptionalError(location, "Split sizes ", listString(*split),
                                 " sum to ", sum, " but dimension ", *axis,
                                 " has size ", dim);
      sizes = *split;
    } else {
      sizes.assign(given->length, ShapedType::kDynamic);
    }
  } else if (numOutputs) {
    int64_t n = static_cast<int64_t>(*numOutputs);
    if (n <= 0)
      return emitOptionalError(location,
                               "Split num_outputs must be positive, "
                               "got ",
                               n);
    if (ShapedType::isDynamic(dim)) {
      sizes.assign(n, ShapedType::kDynamic);
    } else {
      int64_t chunk = llvm::divideCeil(dim, n);
      int64_t last = dim - chunk * (n - 1);
      if (last < 0 || (last == 0 && dim != 0))
        return emitOptionalError(location, "Split cannot divide dimension ",
                                 *axis, " of size ", dim, " into ", n,
                                 " outputs");
      sizes.assign(n - 1, chunk);
      sizes.push_back(last);
    }
  } else {
    return emitOptionalError(location,
                             "Split needs the split input or the "
                             "num_outputs attribute to know its number of "
                             "outputs");
  }
  for (int64_t size : sizes) {
    SmallVector<int64_t> shape(type.getShape());
    shape[*axis] = size;
    inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

FailureOr<Type> SliceOp::inferResultType(std::optional<Location> location,
                                         Adaptor adaptor) {
  auto type = tensorType(adaptor.getData());
  int64_t rank = type.getRank();
  FailureOr<int64_t> n =
      getListLength(location, adaptor.getStarts(), "Slice", "starts");
  FailureOr<int64_t> nEnds =
      getListLength(location, adaptor.getEnds(), "Slice", "ends");
  if (failed(n) || failed(nEnds))
    return failure();
  if (*nEnds != *n)
    return emitOptionalError(location, "Slice starts has ", *n,
                             " entries but ends has ", *nEnds);
  for (auto [operand, name] : {std::pair(adaptor.getAxes(), "axes"),
                               std::pair(adaptor.getSteps(), "steps")}) {
    if (isNone(operand))
      continue;
    FailureOr<int64_t> count = getListLength(location, operand, "Slice", name);
    if (failed(count))
      return failure();
    if (*count != *n)
      return emitOptionalError(location, "Slice ", name, " has ", *count,
                               " entries but starts has ", *n);
  }
  if (*n > rank)
    return emitOptionalError(location, "Slice has ", *n,
                             " axes but the input has rank ", rank);
  SmallVector<int64_t> result(type.getShape());
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, *n));
  if (!isNone(adaptor.getAxes())) {
    std::optional<SmallVector<int64_t>> given =
        getConstantInts(adaptor.getAxes());
    if (!given)
      return getUnknownShape(rank, type.getElementType());
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(location, *given, rank, "Slice");
    if (failed(normalized))
      return failure();
    axes = *normalized;
  }
  std::optional<SmallVector<int64_t>> steps(SmallVector<int64_t>(*n, 1));
  if (!isNone(adaptor.getSteps()))
    steps = getConstantInts(adaptor.getSteps());
  if (steps)
    for (int64_t step : *steps)
      if (step == 0)
        return emitOptionalError(location, "Slice step must not be 0");
  std::optional<SmallVector<int64_t>> starts =
      getConstantInts(adaptor.getStarts());
  std::optional<SmallVector<int64_t>> ends = getConstantInts(adaptor.getEnds());
  for (auto [i, axis] : llvm::enumerate(axes)) {
    int64_t dim = type.getDimSize(axis);
    if (!starts || !ends || !steps || ShapedType::isDynamic(dim)) {
      result[axis] = ShapedType::kDynamic;
      continue;
    }
    result[axis] =
        resolveSliceRange((*starts)[i], (*ends)[i], (*steps)[i], dim).second;
  }
  return RankedTensorType::get(result, type.getElementType());
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

FailureOr<Type> PadOp::inferResultType(std::optional<Location> location,
                                       Adaptor adaptor) {
  StringRef mode = adaptor.getMode();
  if (!llvm::is_contained({"constant", "reflect", "edge", "wrap"}, mode))
    return emitOptionalError(location,
                             "Pad mode must be constant, reflect, "
                             "edge or wrap, got '",
                             mode, "'");
  auto type = tensorType(adaptor.getData());
  int64_t rank = type.getRank();
  FailureOr<int64_t> padCount =
      getListLength(location, adaptor.getPads(), "Pad", "pads");
  if (failed(padCount))
    return failure();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  bool knownAxes = true;
  if (!isNone(adaptor.getAxes())) {
    FailureOr<ListOperand> given =
        readList(location, adaptor.getAxes(), "Pad", "axes");
    if (failed(given))
      return failure();
    if (given->values) {
      FailureOr<SmallVector<int64_t>> normalized =
          normalizeAxes(location, *given->values, rank, "Pad");
      if (failed(normalized))
        return failure();
      axes = *normalized;
    } else {
      knownAxes = false;
      axes.assign(given->length, 0);
    }
  }
  int64_t n = axes.size();
  if (*padCount != 2 * n)
    return emitOptionalError(
        location, "Pad pads has ", *padCount, " entries but ", 2 * n,
        " are needed (begin and end for each of ", n, " axes)");
  SmallVector<int64_t> result(type.getShape());
  std::optional<SmallVector<int64_t>> pads = getConstantInts(adaptor.getPads());
  if (!knownAxes) {
    result.assign(rank, ShapedType::kDynamic);
  } else {
    for (auto [i, axis] : llvm::enumerate(axes)) {
      int64_t dim = type.getDimSize(axis);
      if (!pads || ShapedType::isDynamic(dim)) {
        result[axis] = ShapedType::kDynamic;
        continue;
      }
      int64_t size = dim + (*pads)[i] + (*pads)[i + n];
      if (size < 0)
        return emitOptionalError(location, "Pad pads ", listString(*pads),
                                 " make dimension ", axis, " of size ", dim,
                                 " negative");
      result[axis] = size;
    }
  }
  return RankedTensorType::get(result, type.getElementType());
}

LogicalResult PadOp::verify() {
  if (!isNone(getConstantValue())) {
    auto valueType = tensorType(getConstantValue());
    if (valueType.getElementType() != tensorType(getData()).getElementType())
      return emitOpError("constant_value has element type ")
             << valueType.getElementType() << " but data has "
             << tensorType(getData()).getElementType();
    if (valueType.getRank() > 1 ||
        (valueType.getRank() == 1 && valueType.getDimSize(0) != 1))
      return emitOpError("constant_value must be a scalar or a one-element "
                         "tensor, got ")
             << valueType;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ExpandOp / TileOp
//===----------------------------------------------------------------------===//

FailureOr<Type> ExpandOp::inferResultType(std::optional<Location> location,
                                          Adaptor adaptor) {
  auto type = tensorType(adaptor.getInput());
  FailureOr<SmallVector<int64_t>> target =
      readShapeList(location, adaptor.getShape(), "Expand", "shape");
  if (failed(target))
    return failure();
  FailureOr<SmallVector<int64_t>> result =
      broadcastShapes(location, {type.getShape(), *target});
  if (failed(result))
    return failure();
  return RankedTensorType::get(*result, type.getElementType());
}

FailureOr<Type> TileOp::inferResultType(std::optional<Location> location,
                                        Adaptor adaptor) {
  auto type = tensorType(adaptor.getInput());
  FailureOr<ListOperand> given =
      readList(location, adaptor.getRepeats(), "Tile", "repeats");
  if (failed(given))
    return failure();
  if (given->length != type.getRank())
    return emitOptionalError(location, "Tile repeats has ", given->length,
                             " entries but the input has rank ",
                             type.getRank());
  SmallVector<int64_t> result(type.getRank(), ShapedType::kDynamic);
  if (std::optional<SmallVector<int64_t>> &repeats = given->values) {
    for (auto [i, r] : llvm::enumerate(*repeats)) {
      if (r < 0)
        return emitOptionalError(location, "Tile repeats ",
                                 listString(*repeats), " has a negative entry");
      FailureOr<int64_t> dim =
          scaleDim(location, "Tile", type.getDimSize(i), r, true);
      if (failed(dim))
        return failure();
      result[i] = *dim;
    }
  }
  return RankedTensorType::get(result, type.getElementType());
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

FailureOr<Type> GatherOp::inferResultType(std::optional<Location> location,
                                          Adaptor adaptor) {
  auto type = tensorType(adaptor.getData());
  FailureOr<int64_t> axis = normalizeSingleAxis(location, adaptor.getAxis(),
                                                type.getRank(), "Gather");
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> result(shape.take_front(*axis));
  llvm::append_range(result, tensorType(adaptor.getIndices()).getShape());
  llvm::append_range(result, shape.drop_front(*axis + 1));
  return RankedTensorType::get(result, type.getElementType());
}

LogicalResult GatherOp::verify() {
  auto type = tensorType(getData());
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += type.getRank();
  int64_t dim = type.getDimSize(axis);
  std::optional<SmallVector<int64_t>> indices = getConstantInts(getIndices());
  if (!indices || ShapedType::isDynamic(dim))
    return success();
  for (int64_t index : *indices)
    if (index < -dim || index >= dim)
      return emitOpError("index ") << index << " is out of range for axis "
                                   << axis << " of size " << dim;
  return success();
}

//===----------------------------------------------------------------------===//
// IdentityOp, ConstantOfShapeOp, ShapeOp, SizeOp, CastOp
//===----------------------------------------------------------------------===//

FailureOr<Type> IdentityOp::inferResultType(std::optional<Location>,
                                            Adaptor adaptor) {
  return adaptor.getInput().getType();
}

FailureOr<Type>
ConstantOfShapeOp::inferResultType(std::optional<Location> location,
                                   Adaptor adaptor) {
  Type elementType = Float32Type::get(adaptor.getInput().getContext());
  if (ElementsAttr value = adaptor.getValueAttr()) {
    if (value.getNumElements() != 1)
      return emitOptionalError(location,
                               "ConstantOfShape value must have exactly one "
                               "element, got ",
                               value.getNumElements());
    elementType = value.getElementType();
  }
  FailureOr<SmallVector<int64_t>> shape =
      readShapeList(location, adaptor.getInput(), "ConstantOfShape", "input");
  if (failed(shape))
    return failure();
  return RankedTensorType::get(*shape, elementType);
}

FailureOr<Type> ShapeOp::inferResultType(std::optional<Location>,
                                         Adaptor adaptor) {
  std::optional<int64_t> end;
  if (std::optional<uint64_t> given = adaptor.getEnd())
    end = static_cast<int64_t>(*given);
  auto [start, stop] =
      resolveShapeRange(tensorType(adaptor.getData()).getRank(),
                        static_cast<int64_t>(adaptor.getStart()), end);
  return RankedTensorType::get(
      {stop - start}, IntegerType::get(adaptor.getData().getContext(), 64));
}

FailureOr<Type> SizeOp::inferResultType(std::optional<Location>,
                                        Adaptor adaptor) {
  return RankedTensorType::get(
      {}, IntegerType::get(adaptor.getData().getContext(), 64));
}

/// The MLIR element type for an ONNX TensorProto data type, or null.
static Type getCastTarget(MLIRContext *context, int64_t to) {
  Builder b(context);
  switch (to) {
  case 1:
    return b.getF32Type();
  case 2:
    return b.getIntegerType(8, /*isSigned=*/false);
  case 3:
    return b.getIntegerType(8);
  case 4:
    return b.getIntegerType(16, /*isSigned=*/false);
  case 5:
    return b.getIntegerType(16);
  case 6:
    return b.getIntegerType(32);
  case 7:
    return b.getIntegerType(64);
  case 9:
    return b.getI1Type();
  case 10:
    return b.getF16Type();
  case 11:
    return b.getF64Type();
  case 12:
    return b.getIntegerType(32, /*isSigned=*/false);
  case 13:
    return b.getIntegerType(64, /*isSigned=*/false);
  case 16:
    return b.getBF16Type();
  default:
    return {};
  }
}

FailureOr<Type> CastOp::inferResultType(std::optional<Location> location,
                                        Adaptor adaptor) {
  int64_t to = static_cast<int64_t>(adaptor.getTo());
  Type target = getCastTarget(adaptor.getInput().getContext(), to);
  if (!target)
    return emitOptionalError(location, "Cast to ONNX data type ", to,
                             " is not supported (supported: FLOAT, DOUBLE, "
                             "FLOAT16, BFLOAT16, INT8-64, UINT8-64, BOOL)");
  return tensorType(adaptor.getInput()).clone(target);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// Result type of Reduce* over the optional axes operand.
static FailureOr<Type> inferReduceType(std::optional<Location> location,
                                       StringRef opName, Value data, Value axes,
                                       bool keepDims, bool noopWithEmptyAxes) {
  auto type = tensorType(data);
  int64_t rank = type.getRank();
  SmallVector<int64_t> reduced;
  bool allAxes = isNone(axes);
  if (!allAxes) {
    FailureOr<ListOperand> given = readList(location, axes, opName, "axes");
    if (failed(given))
      return failure();
    int64_t count = given->length;
    if (!given->values && count > 0) {
      // The reduced axes are unknown: only the rank is.
      if (!keepDims && count > rank)
        return emitOptionalError(location, opName, " has ", count,
                                 " axes but the input has rank ", rank);
      return getUnknownShape(keepDims ? rank : rank - count,
                             type.getElementType());
    }
    if (given->values) {
      FailureOr<SmallVector<int64_t>> normalized =
          normalizeAxes(location, *given->values, rank, opName);
      if (failed(normalized))
        return failure();
      reduced = *normalized;
    }
    allAxes = reduced.empty();
  }
  if (allAxes) {
    if (noopWithEmptyAxes)
      return type;
    reduced = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  SmallVector<int64_t> result;
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    if (!llvm::is_contained(reduced, (int64_t)i))
      result.push_back(d);
    else if (keepDims)
      result.push_back(1);
  }
  return RankedTensorType::get(result, type.getElementType());
}

#define NN_REDUCE_INFERENCE(OpClass, onnxName)                                 \
  FailureOr<Type> OpClass::inferResultType(std::optional<Location> location,   \
                                           Adaptor adaptor) {                  \
    return inferReduceType(location, onnxName, adaptor.getData(),              \
                           adaptor.getAxes(), adaptor.getKeepdims() != 0,      \
                           adaptor.getNoopWithEmptyAxes() != 0);               \
  }
NN_REDUCE_INFERENCE(ReduceMeanOp, "ReduceMean")
NN_REDUCE_INFERENCE(ReduceSumOp, "ReduceSum")
NN_REDUCE_INFERENCE(ReduceMaxOp, "ReduceMax")
NN_REDUCE_INFERENCE(ReduceMinOp, "ReduceMin")
NN_REDUCE_INFERENCE(ReduceProdOp, "ReduceProd")
NN_REDUCE_INFERENCE(ReduceL2Op, "ReduceL2")
#undef NN_REDUCE_INFERENCE

/// Result type of ArgMax/ArgMin.
static FailureOr<Type> inferArgReduceType(std::optional<Location> location,
                                          StringRef opName, Value data,
                                          uint64_t axis, bool keepDims) {
  auto type = tensorType(data);
  FailureOr<int64_t> normalized =
      normalizeSingleAxis(location, axis, type.getRank(), opName);
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> result(type.getShape());
  if (keepDims)
    result[*normalized] = 1;
  else
    result.erase(result.begin() + *normalized);
  return RankedTensorType::get(result, IntegerType::get(data.getContext(), 64));
}

#define NN_ARG_REDUCE_INFERENCE(OpClass, onnxName)                             \
  FailureOr<Type> OpClass::inferResultType(std::optional<Location> location,   \
                                           Adaptor adaptor) {                  \
    return inferArgReduceType(location, onnxName, adaptor.getData(),           \
                              adaptor.getAxis(), adaptor.getKeepdims() != 0);  \
  }
NN_ARG_REDUCE_INFERENCE(ArgMaxOp, "ArgMax")
NN_ARG_REDUCE_INFERENCE(ArgMinOp, "ArgMin")
#undef NN_ARG_REDUCE_INFERENCE
