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

/// Normalizes a single axis attribute in [-rank, rank) of a tensor that must
/// have rank at least 1.
static FailureOr<int64_t> normalizeSingleAxis(std::optional<Location> location,
                                              int64_t axis, int64_t rank,
                                              StringRef opName) {
  if (rank == 0)
    return emitOptionalError(location, opName,
                             " input must have rank at least 1");
  return normalizeAxis(location, axis, rank, (opName + " axis").str());
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

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto dataType = tensorType(adaptor.getData());
  FailureOr<int64_t> count =
      getListLength(location, adaptor.getShape(), "Reshape", "shape");
  if (failed(count))
    return failure();
  std::optional<SmallVector<int64_t>> target =
      getConstantInts(adaptor.getShape());
  if (!target) {
    inferred.push_back(RankedTensorType::get(
        SmallVector<int64_t>(*count, ShapedType::kDynamic),
        dataType.getElementType()));
    return success();
  }
  FailureOr<SmallVector<int64_t>> shape = resolveReshape(
      location, dataType.getShape(), *target, adaptor.getAllowzero() != 0);
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, dataType.getElementType()));
  return success();
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

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
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
  inferred.push_back(RankedTensorType::get(
      {product(shape.take_front(axis)), product(shape.drop_front(axis))},
      type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// SqueezeOp / UnsqueezeOp
//===----------------------------------------------------------------------===//

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
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
    FailureOr<int64_t> count =
        getListLength(location, adaptor.getAxes(), "Squeeze", "axes");
    if (failed(count))
      return failure();
    std::optional<SmallVector<int64_t>> axes =
        getConstantInts(adaptor.getAxes());
    if (!axes) {
      if (*count > type.getRank())
        return emitOptionalError(location, "Squeeze has ", *count,
                                 " axes but the input has rank ",
                                 type.getRank());
      result.assign(type.getRank() - *count, ShapedType::kDynamic);
    } else {
      FailureOr<SmallVector<int64_t>> normalized =
          normalizeAxes(location, *axes, type.getRank(), "Squeeze");
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
  inferred.push_back(RankedTensorType::get(result, type.getElementType()));
  return success();
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(adaptor.getData());
  FailureOr<int64_t> count =
      getListLength(location, adaptor.getAxes(), "Unsqueeze", "axes");
  if (failed(count))
    return failure();
  int64_t outRank = type.getRank() + *count;
  std::optional<SmallVector<int64_t>> axes = getConstantInts(adaptor.getAxes());
  if (!axes) {
    inferred.push_back(RankedTensorType::get(
        SmallVector<int64_t>(outRank, ShapedType::kDynamic),
        type.getElementType()));
    return success();
  }
  FailureOr<SmallVector<int64_t>> normalized =
      normalizeAxes(location, *axes, outRank, "Unsqueeze");
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
  inferred.push_back(RankedTensorType::get(result, type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
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
  inferred.push_back(RankedTensorType::get(result, type.getElementType()));
  return success();
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

/// The NCHW result type of DepthToSpace or SpaceToDepth: channels scaled by
/// blocksize squared, height and width by blocksize, the other way round.
static LogicalResult inferBlockOp(std::optional<Location> location,
                                  RankedTensorType type, int64_t b,
                                  bool toSpace, StringRef opName,
                                  SmallVectorImpl<Type> &inferred) {
  FailureOr<int64_t> c =
      scaleDim(location, opName, type.getDimSize(1), b * b, !toSpace);
  FailureOr<int64_t> h =
      scaleDim(location, opName, type.getDimSize(2), b, toSpace);
  FailureOr<int64_t> w =
      scaleDim(location, opName, type.getDimSize(3), b, toSpace);
  if (failed(c) || failed(h) || failed(w))
    return failure();
  inferred.push_back(RankedTensorType::get({type.getDimSize(0), *c, *h, *w},
                                           type.getElementType()));
  return success();
}

LogicalResult DepthToSpaceOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(adaptor.getInput());
  int64_t b = static_cast<int64_t>(adaptor.getBlocksize());
  if (failed(checkBlockOp(location, type, b, "DepthToSpace")))
    return failure();
  if (adaptor.getMode() != "DCR" && adaptor.getMode() != "CRD")
    return emitOptionalError(location,
                             "DepthToSpace mode must be DCR or CRD, "
                             "got '",
                             adaptor.getMode(), "'");
  int64_t c = type.getDimSize(1);
  if (!ShapedType::isDynamic(c) && c % (b * b) != 0)
    return emitOptionalError(location, "DepthToSpace blocksize ", b,
                             " squared does not divide the ", c, " channels");
  return inferBlockOp(location, type, b, /*toSpace=*/true, "DepthToSpace",
                      inferred);
}

LogicalResult SpaceToDepthOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(adaptor.getInput());
  int64_t b = static_cast<int64_t>(adaptor.getBlocksize());
  if (failed(checkBlockOp(location, type, b, "SpaceToDepth")))
    return failure();
  for (int64_t i : {2, 3}) {
    int64_t d = type.getDimSize(i);
    if (!ShapedType::isDynamic(d) && d % b != 0)
      return emitOptionalError(location, "SpaceToDepth blocksize ", b,
                               " does not divide dimension ", i, " of size ",
                               d);
  }
  return inferBlockOp(location, type, b, /*toSpace=*/false, "SpaceToDepth",
                      inferred);
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(location, "Concat needs at least one input");
  auto first = tensorType(inputs.front());
  FailureOr<int64_t> axis =
      normalizeSingleAxis(location, static_cast<int64_t>(adaptor.getAxis()),
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
  inferred.push_back(RankedTensorType::get(result, first.getElementType()));
  return success();
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
      normalizeSingleAxis(location, static_cast<int64_t>(adaptor.getAxis()),
                          type.getRank(), "Split");
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
    FailureOr<int64_t> count =
        getListLength(location, adaptor.getSplit(), "Split", "split");
    if (failed(count))
      return failure();
    if (std::optional<SmallVector<int64_t>> split =
            getConstantInts(adaptor.getSplit())) {
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
      sizes.assign(*count, ShapedType::kDynamic);
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

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
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
    if (!given) {
      inferred.push_back(RankedTensorType::get(
          SmallVector<int64_t>(rank, ShapedType::kDynamic),
          type.getElementType()));
      return success();
    }
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
  inferred.push_back(RankedTensorType::get(result, type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> location,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
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
    FailureOr<int64_t> count =
        getListLength(location, adaptor.getAxes(), "Pad", "axes");
    if (failed(count))
      return failure();
    if (std::optional<SmallVector<int64_t>> given =
            getConstantInts(adaptor.getAxes())) {
      FailureOr<SmallVector<int64_t>> normalized =
          normalizeAxes(location, *given, rank, "Pad");
      if (failed(normalized))
        return failure();
      axes = *normalized;
    } else {
      knownAxes = false;
      axes.assign(*count, 0);
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
  inferred.push_back(RankedTensorType::get(result, type.getElementType()));
  return success();
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

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(adaptor.getInput());
  FailureOr<int64_t> count =
      getListLength(location, adaptor.getShape(), "Expand", "shape");
  if (failed(count))
    return failure();
  SmallVector<int64_t> target(*count, ShapedType::kDynamic);
  if (std::optional<SmallVector<int64_t>> shape =
          getConstantInts(adaptor.getShape())) {
    for (int64_t d : *shape)
      if (d < 0)
        return emitOptionalError(location, "Expand shape ", listString(*shape),
                                 " has a negative entry");
    target = *shape;
  }
  FailureOr<SmallVector<int64_t>> result =
      broadcastShapes(location, {type.getShape(), target});
  if (failed(result))
    return failure();
  inferred.push_back(RankedTensorType::get(*result, type.getElementType()));
  return success();
}

LogicalResult TileOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> location,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(adaptor.getInput());
  FailureOr<int64_t> count =
      getListLength(location, adaptor.getRepeats(), "Tile", "repeats");
  if (failed(count))
    return failure();
  if (*count != type.getRank())
    return emitOptionalError(location, "Tile repeats has ", *count,
                             " entries but the input has rank ",
                             type.getRank());
  SmallVector<int64_t> result(type.getRank(), ShapedType::kDynamic);
  if (std::optional<SmallVector<int64_t>> repeats =
          getConstantInts(adaptor.getRepeats())) {
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
  inferred.push_back(RankedTensorType::get(result, type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(adaptor.getData());
  FailureOr<int64_t> axis =
      normalizeSingleAxis(location, static_cast<int64_t>(adaptor.getAxis()),
                          type.getRank(), "Gather");
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> result(shape.take_front(*axis));
  llvm::append_range(result, tensorType(adaptor.getIndices()).getShape());
  llvm::append_range(result, shape.drop_front(*axis + 1));
  inferred.push_back(RankedTensorType::get(result, type.getElementType()));
  return success();
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

LogicalResult IdentityOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult ConstantOfShapeOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  Type elementType = Float32Type::get(context);
  if (ElementsAttr value = adaptor.getValueAttr()) {
    if (value.getNumElements() != 1)
      return emitOptionalError(location,
                               "ConstantOfShape value must have exactly one "
                               "element, got ",
                               value.getNumElements());
    elementType = value.getElementType();
  }
  FailureOr<int64_t> count =
      getListLength(location, adaptor.getInput(), "ConstantOfShape", "input");
  if (failed(count))
    return failure();
  SmallVector<int64_t> shape(*count, ShapedType::kDynamic);
  if (std::optional<SmallVector<int64_t>> given =
          getConstantInts(adaptor.getInput())) {
    for (int64_t d : *given)
      if (d < 0)
        return emitOptionalError(location, "ConstantOfShape shape ",
                                 listString(*given), " has a negative entry");
    shape = *given;
  }
  inferred.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location>,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  std::optional<int64_t> end;
  if (std::optional<uint64_t> given = adaptor.getEnd())
    end = static_cast<int64_t>(*given);
  auto [start, stop] =
      resolveShapeRange(tensorType(adaptor.getData()).getRank(),
                        static_cast<int64_t>(adaptor.getStart()), end);
  inferred.push_back(
      RankedTensorType::get({stop - start}, IntegerType::get(context, 64)));
  return success();
}

LogicalResult SizeOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location>, Adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  inferred.push_back(RankedTensorType::get({}, IntegerType::get(context, 64)));
  return success();
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

LogicalResult CastOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> location,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  int64_t to = static_cast<int64_t>(adaptor.getTo());
  Type target = getCastTarget(context, to);
  if (!target)
    return emitOptionalError(location, "Cast to ONNX data type ", to,
                             " is not supported (supported: FLOAT, DOUBLE, "
                             "FLOAT16, BFLOAT16, INT8-64, UINT8-64, BOOL)");
  inferred.push_back(tensorType(adaptor.getInput()).clone(target));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// Result type of Reduce* over the optional axes operand.
static LogicalResult inferReduceType(std::optional<Location> location,
                                     StringRef opName, Value data, Value axes,
                                     bool keepDims, bool noopWithEmptyAxes,
                                     SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(data);
  int64_t rank = type.getRank();
  SmallVector<int64_t> reduced;
  bool allAxes = isNone(axes);
  if (!allAxes) {
    FailureOr<int64_t> count = getListLength(location, axes, opName, "axes");
    if (failed(count))
      return failure();
    std::optional<SmallVector<int64_t>> given = getConstantInts(axes);
    if (!given && *count > 0) {
      // The reduced axes are unknown: only the rank is.
      if (!keepDims && *count > rank)
        return emitOptionalError(location, opName, " has ", *count,
                                 " axes but the input has rank ", rank);
      inferred.push_back(RankedTensorType::get(
          SmallVector<int64_t>(keepDims ? rank : rank - *count,
                               ShapedType::kDynamic),
          type.getElementType()));
      return success();
    }
    if (given) {
      FailureOr<SmallVector<int64_t>> normalized =
          normalizeAxes(location, *given, rank, opName);
      if (failed(normalized))
        return failure();
      reduced = *normalized;
    }
    allAxes = reduced.empty();
  }
  if (allAxes) {
    if (noopWithEmptyAxes) {
      inferred.push_back(type);
      return success();
    }
    reduced = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  SmallVector<int64_t> result;
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    if (!llvm::is_contained(reduced, (int64_t)i))
      result.push_back(d);
    else if (keepDims)
      result.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(result, type.getElementType()));
  return success();
}

#define NN_REDUCE_INFERENCE(OpClass, onnxName)                                 \
  LogicalResult OpClass::inferReturnTypes(                                     \
      MLIRContext *, std::optional<Location> location, Adaptor adaptor,        \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferReduceType(location, onnxName, adaptor.getData(),              \
                           adaptor.getAxes(), adaptor.getKeepdims() != 0,      \
                           adaptor.getNoopWithEmptyAxes() != 0, inferred);     \
  }
NN_REDUCE_INFERENCE(ReduceMeanOp, "ReduceMean")
NN_REDUCE_INFERENCE(ReduceSumOp, "ReduceSum")
NN_REDUCE_INFERENCE(ReduceMaxOp, "ReduceMax")
NN_REDUCE_INFERENCE(ReduceMinOp, "ReduceMin")
NN_REDUCE_INFERENCE(ReduceProdOp, "ReduceProd")
NN_REDUCE_INFERENCE(ReduceL2Op, "ReduceL2")
#undef NN_REDUCE_INFERENCE

/// Result type of ArgMax/ArgMin.
static LogicalResult inferArgReduceType(std::optional<Location> location,
                                        StringRef opName, Value data,
                                        int64_t axis, bool keepDims,
                                        SmallVectorImpl<Type> &inferred) {
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
  inferred.push_back(
      RankedTensorType::get(result, IntegerType::get(data.getContext(), 64)));
  return success();
}

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferArgReduceType(location, "ArgMax", adaptor.getData(),
                            static_cast<int64_t>(adaptor.getAxis()),
                            adaptor.getKeepdims() != 0, inferred);
}

LogicalResult ArgMinOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferArgReduceType(location, "ArgMin", adaptor.getData(),
                            static_cast<int64_t>(adaptor.getAxis()),
                            adaptor.getKeepdims() != 0, inferred);
}
