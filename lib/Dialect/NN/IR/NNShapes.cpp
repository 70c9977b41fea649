//===- NNShapes.cpp - shape rules shared by nn ops and lowerings ----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNShapes.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace whittle::nn {

bool isUnidirectionallyBroadcastable(ArrayRef<int64_t> from,
                                     ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t offset = to.size() - from.size();
  for (auto [i, d] : llvm::enumerate(from)) {
    int64_t t = to[offset + i];
    if (d == 1 || d == t || ShapedType::isDynamic(d) ||
        ShapedType::isDynamic(t))
      continue;
    return false;
  }
  return true;
}

std::string shapeToString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      ",");
  os << "]";
  return s;
}

FailureOr<SmallVector<int64_t>>
broadcastShapes(std::optional<Location> location,
                ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    size_t offset = rank - shape.size();
    for (auto [i, dim] : llvm::enumerate(shape)) {
      int64_t &out = result[offset + i];
      if (dim == 1)
        continue;
      if (out == 1 || out == dim) {
        out = dim;
        continue;
      }
      if (ShapedType::isDynamic(dim) || ShapedType::isDynamic(out)) {
        out = ShapedType::isDynamic(out) ? dim : out;
        continue;
      }
      SmallVector<std::string> names;
      for (ArrayRef<int64_t> s : shapes)
        names.push_back(shapeToString(s));
      return emitOptionalError(location, "shapes ", llvm::join(names, " and "),
                               " are not broadcast-compatible");
    }
  }
  return result;
}

FailureOr<Type> inferBroadcastResult(std::optional<Location> location, Type lhs,
                                     Type rhs, Type resultElement) {
  auto lhsType = dyn_cast<RankedTensorType>(lhs);
  auto rhsType = dyn_cast<RankedTensorType>(rhs);
  if (!lhsType || !rhsType)
    return emitOptionalError(location, "operands must be ranked tensors");
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(location, {lhsType.getShape(), rhsType.getShape()});
  if (failed(shape))
    return failure();
  return RankedTensorType::get(
      *shape, resultElement ? resultElement : lhsType.getElementType());
}

bool areRefinementsOf(TypeRange inferred, TypeRange actual) {
  if (inferred.size() != actual.size())
    return false;
  for (auto [lhs, rhs] : llvm::zip(inferred, actual)) {
    if (lhs == rhs)
      continue;
    auto l = dyn_cast<RankedTensorType>(lhs);
    auto r = dyn_cast<RankedTensorType>(rhs);
    if (!l || !r)
      return false;
    if (l.getElementType() != r.getElementType() ||
        l.getEncoding() != r.getEncoding() || l.getRank() != r.getRank())
      return false;
    for (auto [a, b] : llvm::zip(l.getShape(), r.getShape()))
      if (a != b && !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b))
        return false;
  }
  return true;
}

LogicalResult verifySameElementType(Operation *op, Type lhs, Type rhs) {
  Type lhsElement = cast<ShapedType>(lhs).getElementType();
  Type rhsElement = cast<ShapedType>(rhs).getElementType();
  if (lhsElement != rhsElement)
    return op->emitOpError("operands must have the same element type, got ")
           << lhsElement << " and " << rhsElement;
  return success();
}

FailureOr<int64_t> normalizeAxis(std::optional<Location> location, int64_t axis,
                                 int64_t rank, StringRef what) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1) ||
      (rank == 0 && axis != 0 && axis != -1))
    return emitOptionalError(location, what, " ", axis,
                             " is out of range for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

/// `a * b + c`, or nullopt when it overflows int64: window arithmetic on a
/// model's sizes and attributes, which a hostile model makes huge.
static std::optional<int64_t> mulAdd(int64_t a, int64_t b, int64_t c) {
  int64_t product, sum;
  if (llvm::MulOverflow(a, b, product) || llvm::AddOverflow(product, c, sum))
    return std::nullopt;
  return sum;
}

static LogicalResult windowOverflow(std::optional<Location> location,
                                    size_t dim) {
  return emitOptionalError(location, "window of spatial dimension ", dim,
                           " overflows: sizes, kernel, strides, dilations "
                           "or pads are too large");
}

FailureOr<WindowGeometry> resolveWindow(
    std::optional<Location> location, ArrayRef<int64_t> inputSpatial,
    ArrayRef<int64_t> kernel, std::optional<ArrayRef<int64_t>> strides,
    std::optional<ArrayRef<int64_t>> dilations,
    std::optional<ArrayRef<int64_t>> pads, StringRef autoPad, bool ceilMode) {
  size_t n = inputSpatial.size();
  WindowGeometry g;
  g.kernel.assign(kernel.begin(), kernel.end());
  if (g.kernel.size() != n)
    return emitOptionalError(location, "kernel has ", g.kernel.size(),
                             " spatial dimensions but the input has ", n);
  auto fill = [&](std::optional<ArrayRef<int64_t>> given, size_t size,
                  int64_t dflt, StringRef name,
                  SmallVectorImpl<int64_t> &out) -> LogicalResult {
    if (!given || given->empty()) {
      out.assign(size, dflt);
      return success();
    }
    if (given->size() != size)
      return emitOptionalError(location, "'", name, "' has ", given->size(),
                               " values, expected ", size);
    out.assign(given->begin(), given->end());
    return success();
  };
  if (failed(fill(strides, n, 1, "strides", g.strides)) ||
      failed(fill(dilations, n, 1, "dilations", g.dilations)) ||
      failed(fill(pads, 2 * n, 0, "pads", g.pads)))
    return failure();
  for (size_t i = 0; i < n; ++i) {
    if (g.kernel[i] <= 0 || g.strides[i] <= 0 || g.dilations[i] <= 0)
      return emitOptionalError(location,
                               "kernel, strides and dilations must be "
                               "positive");
    if (g.pads[i] < 0 || g.pads[i + n] < 0)
      return emitOptionalError(location, "pads must be non-negative");
  }
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return emitOptionalError(location, "unsupported auto_pad value '", autoPad,
                             "' (expected NOTSET, VALID, SAME_UPPER or "
                             "SAME_LOWER)");
  for (size_t i = 0; i < n; ++i) {
    int64_t in = inputSpatial[i];
    std::optional<int64_t> window = mulAdd(g.kernel[i] - 1, g.dilations[i], 1);
    if (!window)
      return windowOverflow(location, i);
    if (ShapedType::isDynamic(in)) {
      g.output.push_back(ShapedType::kDynamic);
      continue;
    }
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = llvm::divideCeil(in, g.strides[i]);
      // (out - 1) * stride < in, so only adding the window can overflow.
      std::optional<int64_t> end = mulAdd(out - 1, g.strides[i], *window);
      if (!end)
        return windowOverflow(location, i);
      int64_t total = std::max<int64_t>(0, *end - in);
      int64_t small = total / 2, large = total - total / 2;
      g.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      g.pads[i + n] = autoPad == "SAME_UPPER" ? large : small;
      g.output.push_back(out);
      continue;
    }
    if (autoPad == "VALID") {
      g.pads[i] = g.pads[i + n] = 0;
    }
    int64_t padded, span;
    if (llvm::AddOverflow(in, g.pads[i], padded) ||
        llvm::AddOverflow(padded, g.pads[i + n], padded))
      return windowOverflow(location, i);
    span = padded - *window;
    if (span < 0)
      return emitOptionalError(location, "window of size ", *window,
                               " does not fit spatial dimension ", i,
                               " of size ", in, " with padding");
    int64_t out = (ceilMode ? llvm::divideCeil(span, g.strides[i])
                            : span / g.strides[i]) +
                  1;
    // As in PyTorch and ONNX Runtime: with ceil_mode the last window must
    // start inside the input or the begin padding.
    // (out - 1) * stride >= in + begin pad, without the product.
    if (ceilMode && out - 1 >= static_cast<int64_t>(llvm::divideCeil(
                                   in + g.pads[i], g.strides[i])))
      --out;
    g.output.push_back(out);
  }
  return g;
}

//===----------------------------------------------------------------------===//
// Conv-like and matmul-like result shapes
//===----------------------------------------------------------------------===//

bool hasConvRanks(ArrayRef<int64_t> x, ArrayRef<int64_t> w) {
  return x.size() >= 3 && w.size() == x.size();
}

LogicalResult checkConvRanks(std::optional<Location> location, StringRef opName,
                             StringRef xName, StringRef wName,
                             ArrayRef<int64_t> x, ArrayRef<int64_t> w) {
  if (!hasConvRanks(x, w))
    return emitOptionalError(
        location, opName, " expects ", xName, " of rank >= 3 and ", wName,
        " of the same rank, got ranks ", x.size(), " and ", w.size());
  return success();
}

FailureOr<SmallVector<int64_t>>
inferConvShape(std::optional<Location> location, StringRef opName,
               StringRef xName, StringRef wName, ArrayRef<int64_t> x,
               ArrayRef<int64_t> w,
               std::optional<ArrayRef<int64_t>> kernelShape,
               std::optional<ArrayRef<int64_t>> strides,
               std::optional<ArrayRef<int64_t>> dilations,
               std::optional<ArrayRef<int64_t>> pads, StringRef autoPad) {
  if (failed(checkConvRanks(location, opName, xName, wName, x, w)))
    return failure();
  ArrayRef<int64_t> kernel = w.drop_front(2);
  if (kernelShape && *kernelShape != kernel)
    return emitOptionalError(location,
                             "'kernel_shape' does not match the spatial "
                             "dimensions of ",
                             wName);
  if (llvm::any_of(kernel, ShapedType::isDynamic))
    return emitOptionalError(location, opName,
                             " weights must have a static shape");
  FailureOr<WindowGeometry> window = resolveWindow(
      location, x.drop_front(2), kernel, strides, dilations, pads, autoPad);
  if (failed(window))
    return failure();
  SmallVector<int64_t> shape = {x[0], w[0]};
  shape.append(window->output);
  return shape;
}

LogicalResult verifyConvGroups(Operation *op, ArrayRef<int64_t> x,
                               ArrayRef<int64_t> w, int64_t group) {
  if (group <= 0)
    return op->emitOpError("'group' must be positive, got ") << group;
  if (x.size() < 2 || w.size() < 2)
    return success();
  int64_t channels = x[1];
  int64_t outChannels = w[0];
  if (!ShapedType::isDynamic(channels) && !ShapedType::isDynamic(w[1]) &&
      channels != w[1] * group)
    return op->emitOpError("input has ")
           << channels << " channels but the weight expects " << w[1]
           << " x group " << group;
  if (!ShapedType::isDynamic(outChannels) && outChannels % group != 0)
    return op->emitOpError("output channels (")
           << outChannels << ") must be divisible by 'group' (" << group << ")";
  return success();
}

FailureOr<SmallVector<int64_t>>
inferMatMulShape(std::optional<Location> location, ArrayRef<int64_t> lhs,
                 ArrayRef<int64_t> rhs) {
  if (lhs.empty() || rhs.empty())
    return emitOptionalError(location,
                             "matmul operands must have rank >= 1, got ranks ",
                             lhs.size(), " and ", rhs.size());
  SmallVector<int64_t> a(lhs), b(rhs);
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  int64_t k = a.back(), kb = b[b.size() - 2];
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(kb) && k != kb)
    return emitOptionalError(location, "matmul contracts dimension of size ", k,
                             " with dimension of size ", kb, "; shapes ",
                             shapeToString(lhs), " and ", shapeToString(rhs),
                             " are incompatible");
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes(
      location, {ArrayRef(a).drop_back(2), ArrayRef(b).drop_back(2)});
  if (failed(batch))
    return failure();
  SmallVector<int64_t> shape = *batch;
  if (!lhsVector)
    shape.push_back(a[a.size() - 2]);
  if (!rhsVector)
    shape.push_back(b.back());
  return shape;
}

FailureOr<TransposedWindowGeometry> resolveTransposedWindow(
    std::optional<Location> location, ArrayRef<int64_t> inputSpatial,
    ArrayRef<int64_t> kernel, std::optional<ArrayRef<int64_t>> strides,
    std::optional<ArrayRef<int64_t>> dilations,
    std::optional<ArrayRef<int64_t>> pads, StringRef autoPad,
    std::optional<ArrayRef<int64_t>> outputPadding,
    std::optional<ArrayRef<int64_t>> outputShape) {
  size_t n = inputSpatial.size();
  if (autoPad != "NOTSET" && pads && !pads->empty())
    return emitOptionalError(location,
                             "'pads' cannot be used together with "
                             "auto_pad '",
                             autoPad, "'");
  // The forward resolver checks the shared attributes; its output is unused.
  SmallVector<int64_t> unknown(n, ShapedType::kDynamic);
  FailureOr<WindowGeometry> base =
      resolveWindow(location, unknown, kernel, strides, dilations, pads,
                    autoPad == "VALID" ? StringRef("NOTSET") : autoPad);
  if (failed(base))
    return failure();
  TransposedWindowGeometry g;
  static_cast<WindowGeometry &>(g) = std::move(*base);
  g.output.clear();
  if (!outputPadding || outputPadding->empty()) {
    g.outputPadding.assign(n, 0);
  } else if (outputPadding->size() != n) {
    return emitOptionalError(location, "'output_padding' has ",
                             outputPadding->size(), " values, expected ", n);
  } else {
    g.outputPadding.assign(outputPadding->begin(), outputPadding->end());
  }
  for (size_t i = 0; i < n; ++i) {
    int64_t p = g.outputPadding[i];
    if (p < 0 || (p >= g.strides[i] && p >= g.dilations[i]))
      return emitOptionalError(location, "'output_padding' value ", p,
                               " must be non-negative and smaller than the "
                               "stride (",
                               g.strides[i], ") or the dilation (",
                               g.dilations[i], ")");
  }
  bool hasOutputShape = outputShape && !outputShape->empty();
  if (hasOutputShape && outputShape->size() != n)
    return emitOptionalError(
        location, "'output_shape' has ", outputShape->size(),
        " values, expected one per spatial dimension (", n, ")");
  if (autoPad == "VALID")
    std::fill(g.pads.begin(), g.pads.end(), 0);
  bool derivePads =
      hasOutputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  for (size_t i = 0; i < n; ++i) {
    int64_t in = inputSpatial[i];
    std::optional<int64_t> window = mulAdd(g.kernel[i] - 1, g.dilations[i], 1);
    if (!window)
      return windowOverflow(location, i);
    if (hasOutputShape && (*outputShape)[i] <= 0)
      return emitOptionalError(location, "'output_shape' values must be "
                                         "positive");
    if (ShapedType::isDynamic(in)) {
      g.output.push_back(hasOutputShape ? (*outputShape)[i]
                                        : ShapedType::kDynamic);
      continue;
    }
    int64_t tail;
    std::optional<int64_t> full;
    if (!llvm::AddOverflow(g.outputPadding[i], *window, tail))
      full = mulAdd(g.strides[i], in - 1, tail);
    std::optional<int64_t> sameOut = mulAdd(in, g.strides[i], 0);
    if (!full || !sameOut)
      return windowOverflow(location, i);
    if (derivePads) {
      int64_t out = hasOutputShape ? (*outputShape)[i] : *sameOut;
      // As ONNX Runtime: a requested size beyond the full output is reached
      // without cropping (the extra elements are bias only).
      int64_t total = *full > out ? *full - out : 0;
      int64_t small = total / 2, large = total - total / 2;
      // ONNX puts the odd element at the end for SAME_UPPER only.
      bool lower = autoPad != "SAME_UPPER";
      g.pads[i] = lower ? large : small;
      g.pads[i + n] = lower ? small : large;
      g.output.push_back(out);
      continue;
    }
    // Pads are non-negative: comparing each with what is left avoids the
    // overflow of subtracting both from a negative full size.
    if (g.pads[i] >= *full || g.pads[i + n] >= *full - g.pads[i])
      return emitOptionalError(location, "pads ", g.pads[i], " and ",
                               g.pads[i + n],
                               " leave no output in spatial "
                               "dimension ",
                               i);
    g.output.push_back(*full - g.pads[i] - g.pads[i + n]);
  }
  return g;
}

//===----------------------------------------------------------------------===//
// Slice and Shape ranges
//===----------------------------------------------------------------------===//

std::pair<int64_t, int64_t> resolveSliceRange(int64_t start, int64_t end,
                                              int64_t step, int64_t dim) {
  auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
    return std::clamp<int64_t>(v < 0 ? v + dim : v, lo, hi);
  };
  if (step > 0) {
    int64_t first = clampIndex(start, 0, dim);
    int64_t last = clampIndex(end, 0, dim);
    return {first, llvm::divideCeil(std::max<int64_t>(last - first, 0), step)};
  }
  int64_t first = clampIndex(start, 0, dim - 1);
  int64_t last = clampIndex(end, -1, dim - 1);
  return {first, llvm::divideCeil(std::max<int64_t>(first - last, 0), -step)};
}

std::pair<int64_t, int64_t> resolveShapeRange(int64_t rank, int64_t start,
                                              std::optional<int64_t> end) {
  auto clampDim = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
  };
  int64_t first = clampDim(start);
  int64_t last = end ? clampDim(*end) : rank;
  return {first, std::max(first, last)};
}

} // namespace whittle::nn
