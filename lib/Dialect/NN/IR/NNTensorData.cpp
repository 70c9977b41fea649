//===- NNTensorData.cpp - reading and writing constant tensors ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/Endian.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

using namespace mlir;

namespace whittle::nn {

size_t getStorageBytes(Type elementType) {
  if (elementType.isInteger(1))
    return 1;
  return (elementType.getIntOrFloatBitWidth() + 7) / 8;
}

static ElementsAttr createBoolElements(RankedTensorType type,
                                       ArrayRef<char> rawData) {
  SmallVector<bool> bits;
  bits.reserve(rawData.size());
  for (char c : rawData)
    bits.push_back(c != 0);
  return DenseElementsAttr::get(type, bits);
}

ElementsAttr createElements(RankedTensorType type, ArrayRef<char> rawData,
                            StringRef nameHint) {
  Type elementType = type.getElementType();
  if (elementType.isInteger(1))
    return createBoolElements(type, rawData);
  if (rawData.size() < kResourceThresholdBytes) {
    bool detectedSplat = false;
    if (DenseElementsAttr::isValidRawBuffer(type, rawData, detectedSplat))
      return DenseElementsAttr::getFromRawBuffer(type, rawData);
  }
  size_t align = std::max<size_t>(getStorageBytes(elementType), 1);
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      rawData, align, /*dataIsMutable=*/true);
  return DenseResourceElementsAttr::get(type, nameHint, std::move(blob));
}

ElementsAttr createElementsFromBuffer(RankedTensorType type,
                                      std::string *buffer, StringRef nameHint) {
  size_t align = std::max<size_t>(getStorageBytes(type.getElementType()), 1);
  bool aligned = reinterpret_cast<uintptr_t>(buffer->data()) % align == 0;
  if (type.getElementType().isInteger(1) ||
      buffer->size() < kResourceThresholdBytes || !aligned) {
    ElementsAttr attr = createElements(
        type, ArrayRef<char>(buffer->data(), buffer->size()), nameHint);
    delete buffer;
    return attr;
  }
  ArrayRef<char> data(buffer->data(), buffer->size());
  AsmResourceBlob blob(
      data, align, [buffer](void *, size_t, size_t) { delete buffer; },
      /*dataIsMutable=*/true);
  return DenseResourceElementsAttr::get(type, nameHint, std::move(blob));
}

namespace {
/// Encodes numbers into the little-endian storage of one element type.
struct ElementCodec {
  Type type;
  size_t bytes;

  explicit ElementCodec(Type type) : type(type), bytes(getStorageBytes(type)) {}

  bool isSigned() const {
    return !type.isUnsignedInteger() && !type.isInteger(1);
  }

  void encodeFloat(double value, char *out) const {
    if (type.isF64()) {
      std::memcpy(out, &value, 8);
      return;
    }
    if (type.isF32()) {
      float f = static_cast<float>(value);
      std::memcpy(out, &f, 4);
      return;
    }
    auto floatType = cast<FloatType>(type);
    APFloat apValue(value);
    bool losesInfo = false;
    apValue.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                    &losesInfo);
    uint64_t raw = apValue.bitcastToAPInt().getZExtValue();
    std::memcpy(out, &raw, bytes);
  }

  void encodeInt(int64_t value, char *out) const {
    if (type.isInteger(1))
      value = value != 0;
    std::memcpy(out, &value, bytes);
  }

  double decodeFloat(const char *in) const {
    if (type.isF64()) {
      double d;
      std::memcpy(&d, in, 8);
      return d;
    }
    if (type.isF32()) {
      float f;
      std::memcpy(&f, in, 4);
      return f;
    }
    auto floatType = cast<FloatType>(type);
    uint64_t raw = 0;
    std::memcpy(&raw, in, bytes);
    APFloat apValue(floatType.getFloatSemantics(),
                    APInt(floatType.getWidth(), raw));
    bool losesInfo = false;
    apValue.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                    &losesInfo);
    return apValue.convertToDouble();
  }

  int64_t decodeInt(const char *in) const {
    if (type.isInteger(1))
      return *in != 0;
    uint64_t raw = 0;
    std::memcpy(&raw, in, bytes);
    unsigned width = type.getIntOrFloatBitWidth();
    if (width < 64 && isSigned())
      return llvm::SignExtend64(raw, width);
    return static_cast<int64_t>(raw);
  }
};

/// Raw bytes of an attribute with one byte per i1 element, and whether it is
/// a splat (one element stored for all).
struct RawView {
  SmallVector<char> boolStorage;
  /// The attribute's own bytes, unless it is i1.
  ArrayRef<char> attrData;
  bool isBool = false;
  bool splat = false;
  /// Computed on use rather than stored: a stored reference to
  /// `boolStorage` would dangle once the view is moved out of getRawView.
  ArrayRef<char> getData() const {
    return isBool ? ArrayRef<char>(boolStorage) : attrData;
  }
};
} // namespace

static std::optional<RawView> getRawView(ElementsAttr attr) {
  RawView view;
  Type elementType = attr.getElementType();
  if (!elementType.isIntOrFloat())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (elementType.isInteger(1)) {
      view.splat = dense.isSplat();
      for (bool b : dense.getValues<bool>()) {
        view.boolStorage.push_back(b);
        if (view.splat)
          break;
      }
      view.isBool = true;
      return view;
    }
    view.splat = dense.isSplat();
    view.attrData = dense.getRawData();
    return view;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    view.attrData = blob->getData();
    return view;
  }
  return std::nullopt;
}

template <typename T, typename Decode>
static std::optional<SmallVector<T>> readAll(ElementsAttr attr, Decode decode) {
  std::optional<RawView> view = getRawView(attr);
  if (!view)
    return std::nullopt;
  ElementCodec codec(attr.getElementType());
  int64_t count = attr.getNumElements();
  size_t stored = view->splat ? 1 : count;
  ArrayRef<char> data = view->getData();
  if (data.size() < stored * codec.bytes)
    return std::nullopt;
  SmallVector<T> values;
  values.reserve(count);
  for (int64_t i = 0; i < count; ++i)
    values.push_back(
        decode(codec, data.data() + (view->splat ? 0 : i) * codec.bytes));
  return values;
}

std::optional<SmallVector<double>> readAsDoubles(ElementsAttr attr) {
  return readAll<double>(attr, [](const ElementCodec &codec, const char *in) {
    return isa<FloatType>(codec.type) ? codec.decodeFloat(in)
           : codec.isSigned() || codec.type.isInteger(1)
               ? static_cast<double>(codec.decodeInt(in))
               : static_cast<double>(
                     static_cast<uint64_t>(codec.decodeInt(in)));
  });
}

/// `v` truncated to int64, saturating, and NaN as 0: a model's float data
/// can hold anything, and converting what int64 cannot represent is
/// undefined behaviour.
static int64_t truncateToInt64(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 0x1p63)
    return std::numeric_limits<int64_t>::max();
  if (v < -0x1p63)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

std::optional<SmallVector<int64_t>> readAsInts(ElementsAttr attr) {
  return readAll<int64_t>(attr, [](const ElementCodec &codec, const char *in) {
    return isa<FloatType>(codec.type) ? truncateToInt64(codec.decodeFloat(in))
                                      : codec.decodeInt(in);
  });
}

/// The int64 that an integer element stores for `v`.
static int64_t toStoredInt(double v) { return truncateToInt64(v); }
static int64_t toStoredInt(int64_t v) { return v; }

/// Encodes doubles or int64s as the elements of `type` (see
/// createElementsFromDoubles).
template <typename T>
static ElementsAttr createFrom(RankedTensorType type, ArrayRef<T> values,
                               StringRef nameHint) {
  ElementCodec codec(type.getElementType());
  SmallVector<char> raw(values.size() * codec.bytes);
  for (auto [i, v] : llvm::enumerate(values)) {
    char *out = raw.data() + i * codec.bytes;
    if (isa<FloatType>(codec.type))
      codec.encodeFloat(static_cast<double>(v), out);
    else
      codec.encodeInt(toStoredInt(v), out);
  }
  return createElements(type, raw, nameHint);
}

ElementsAttr createElementsFromDoubles(RankedTensorType type,
                                       ArrayRef<double> values,
                                       StringRef nameHint) {
  return createFrom(type, values, nameHint);
}

ElementsAttr createElementsFromInts(RankedTensorType type,
                                    ArrayRef<int64_t> values,
                                    StringRef nameHint) {
  return createFrom(type, values, nameHint);
}

ElementsAttr transposeElements(ElementsAttr attr, RankedTensorType resultType,
                               ArrayRef<int64_t> permutation,
                               StringRef nameHint) {
  auto sourceType = dyn_cast<RankedTensorType>(attr.getType());
  if (!sourceType || !sourceType.hasStaticShape() ||
      sourceType.getElementType().isInteger(1))
    return {};
  std::optional<RawView> view = getRawView(attr);
  if (!view)
    return {};
  if (view->splat)
    return DenseElementsAttr::get(
        resultType, cast<DenseElementsAttr>(attr).getSplatValue<Attribute>());
  size_t bytes = getStorageBytes(sourceType.getElementType());
  ArrayRef<char> data = view->getData();
  int64_t count = sourceType.getNumElements();
  if (data.size() < size_t(count) * bytes)
    return {};
  // Walk the result row-major; `offset` follows the source element through
  // the source strides of the result's dimensions.
  ArrayRef<int64_t> shape = resultType.getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t> strides =
      applyPermutation(computeStrides(sourceType.getShape()), permutation);
  SmallVector<char> result(count * bytes);
  SmallVector<int64_t> coords(rank, 0);
  int64_t offset = 0;
  for (int64_t i = 0; i < count; ++i) {
    std::memcpy(result.data() + i * bytes, data.data() + offset * bytes, bytes);
    for (int64_t d = rank - 1; d >= 0; --d) {
      offset += strides[d];
      if (++coords[d] < shape[d])
        break;
      offset -= strides[d] * shape[d];
      coords[d] = 0;
    }
  }
  return createElements(resultType, result, nameHint);
}

ElementsAttr getConstantElements(Value value) {
  if (!value)
    return {};
  if (auto constant = value.getDefiningOp<ConstantOp>())
    return constant.getValue();
  return {};
}

std::optional<SmallVector<int64_t>> getConstantInts(Value value) {
  ElementsAttr attr = getConstantElements(value);
  if (!attr || !attr.getElementType().isIntOrIndex())
    return std::nullopt;
  return readAsInts(attr);
}

template <typename T> std::optional<T> getConstantScalar(Value value) {
  ElementsAttr attr = getConstantElements(value);
  if (!attr)
    return std::nullopt;
  std::optional<SmallVector<T>> values;
  if constexpr (std::is_same_v<T, double>)
    values = readAsDoubles(attr);
  else
    values = readAsInts(attr);
  if (!values || values->size() != 1)
    return std::nullopt;
  return values->front();
}
template std::optional<double> getConstantScalar(Value value);
template std::optional<int64_t> getConstantScalar(Value value);

bool isNone(Value value) { return isa<NoneType>(value.getType()); }

bool isGiven(Value value) {
  if (isNone(value))
    return false;
  auto type = cast<RankedTensorType>(value.getType());
  return !(type.getRank() == 1 && type.getDimSize(0) == 0);
}

} // namespace whittle::nn
