//===- ONNXDataTypes.cpp - ONNX data types <-> MLIR element types ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Import/ONNX/ImportONNX.h"

#include "mlir/IR/Builders.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <type_traits>

using namespace mlir;

namespace whittle {

namespace {
/// One row per supported type: the ONNX code and how to build it.
struct DataTypeEntry {
  int32_t code;
  Type (*build)(Builder &);
};
} // namespace

static const DataTypeEntry kDataTypes[] = {
    {onnx::TensorProto::FLOAT,
     [](Builder &b) -> Type { return b.getF32Type(); }},
    {onnx::TensorProto::DOUBLE,
     [](Builder &b) -> Type { return b.getF64Type(); }},
    {onnx::TensorProto::FLOAT16,
     [](Builder &b) -> Type { return b.getF16Type(); }},
    {onnx::TensorProto::BFLOAT16,
     [](Builder &b) -> Type { return b.getBF16Type(); }},
    {onnx::TensorProto::INT8,
     [](Builder &b) -> Type { return b.getIntegerType(8); }},
    {onnx::TensorProto::INT16,
     [](Builder &b) -> Type { return b.getIntegerType(16); }},
    {onnx::TensorProto::INT32,
     [](Builder &b) -> Type { return b.getIntegerType(32); }},
    {onnx::TensorProto::INT64,
     [](Builder &b) -> Type { return b.getIntegerType(64); }},
    {onnx::TensorProto::UINT8,
     [](Builder &b) -> Type { return b.getIntegerType(8, false); }},
    {onnx::TensorProto::UINT16,
     [](Builder &b) -> Type { return b.getIntegerType(16, false); }},
    {onnx::TensorProto::UINT32,
     [](Builder &b) -> Type { return b.getIntegerType(32, false); }},
    {onnx::TensorProto::UINT64,
     [](Builder &b) -> Type { return b.getIntegerType(64, false); }},
    {onnx::TensorProto::BOOL, [](Builder &b) -> Type { return b.getI1Type(); }},
};

Type getElementTypeForONNX(int32_t onnxType, MLIRContext *context) {
  Builder b(context);
  for (const DataTypeEntry &entry : kDataTypes)
    if (entry.code == onnxType)
      return entry.build(b);
  return nullptr;
}

std::optional<int32_t> getONNXDataType(Type type) {
  Builder b(type.getContext());
  for (const DataTypeEntry &entry : kDataTypes)
    if (entry.build(b) == type)
      return entry.code;
  return std::nullopt;
}

/// Appends `values` as little-endian elements of `bytes` bytes each.
template <typename T>
static void appendElements(std::string &out, const T &values, size_t bytes) {
  out.reserve(out.size() + values.size() * bytes);
  for (auto v : values) {
    uint64_t raw = 0;
    if constexpr (std::is_floating_point_v<std::decay_t<decltype(v)>>) {
      if (bytes == sizeof(v))
        std::memcpy(&raw, &v, sizeof(v));
    } else {
      raw = static_cast<uint64_t>(v);
    }
    out.append(reinterpret_cast<const char *>(&raw), bytes);
  }
}

namespace {
/// One of TensorProto's data fields and how many values it holds.
struct DataField {
  const char *name;
  int64_t size;
};
} // namespace

/// The typed field in which ONNX keeps values of `tensor`'s data type when
/// they are not in raw_data.
static DataField getTypedField(const onnx::TensorProto &tensor) {
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::COMPLEX64:
    return {"float_data", tensor.float_data_size()};
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::COMPLEX128:
    return {"double_data", tensor.double_data_size()};
  case onnx::TensorProto::INT64:
    return {"int64_data", tensor.int64_data_size()};
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    return {"uint64_data", tensor.uint64_data_size()};
  case onnx::TensorProto::STRING:
    return {"string_data", tensor.string_data_size()};
  default:
    return {"int32_data", tensor.int32_data_size()};
  }
}

static std::string formatDims(const onnx::TensorProto &tensor) {
  if (tensor.dims_size() == 0)
    return "scalar";
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(tensor.dims(), os, "x");
  return text;
}

llvm::Expected<int64_t> getTensorByteSize(const onnx::TensorProto &tensor,
                                          size_t elementBytes) {
  int64_t count = 1;
  bool overflow = false;
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "has negative dimension " +
                                         llvm::Twine(d));
    overflow |= llvm::MulOverflow(count, d, count);
  }
  int64_t bytes = 0;
  overflow |=
      llvm::MulOverflow(count, static_cast<int64_t>(elementBytes), bytes);
  if (overflow)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "has shape " + formatDims(tensor) +
                                       ", more bytes than a 64-bit size holds");
  return bytes;
}

llvm::Expected<int64_t> checkTensorData(const onnx::TensorProto &tensor,
                                        size_t elementBytes,
                                        llvm::StringRef typeName) {
  auto error = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return error("keeps its data in an external file, which whittle reads "
                 "only for graph initializers");
  llvm::Expected<int64_t> size = getTensorByteSize(tensor, elementBytes);
  if (!size)
    return size.takeError();
  int64_t bytes = *size;
  int64_t count = elementBytes ? bytes / elementBytes : 0;

  llvm::SmallVector<const char *> set;
  if (tensor.has_raw_data())
    set.push_back("raw_data");
  for (DataField field : {DataField{"float_data", tensor.float_data_size()},
                          DataField{"double_data", tensor.double_data_size()},
                          DataField{"int32_data", tensor.int32_data_size()},
                          DataField{"int64_data", tensor.int64_data_size()},
                          DataField{"uint64_data", tensor.uint64_data_size()},
                          DataField{"string_data", tensor.string_data_size()}})
    if (field.size > 0)
      set.push_back(field.name);
  if (set.size() > 1)
    return error("sets both " + llvm::Twine(set[0]) + " and " + set[1] +
                 "; a tensor keeps its values in one of them");
  if (tensor.has_raw_data()) {
    if (static_cast<uint64_t>(bytes) != tensor.raw_data().size())
      return error("holds " + llvm::Twine(tensor.raw_data().size()) +
                   " bytes of raw_data but its shape " + formatDims(tensor) +
                   " of " + typeName + " needs " + llvm::Twine(bytes));
    return bytes;
  }
  DataField typed = getTypedField(tensor);
  if (!set.empty() && llvm::StringRef(set[0]) != typed.name)
    return error("keeps its values in " + llvm::Twine(set[0]) +
                 ", but ONNX keeps " + typeName + " values in " + typed.name);
  if (typed.size != count)
    return error("holds " + llvm::Twine(typed.size) + " values in " +
                 typed.name + " but its shape " + formatDims(tensor) +
                 " needs " + llvm::Twine(count));
  return bytes;
}

std::unique_ptr<std::string> releaseTensorBytes(onnx::TensorProto &tensor,
                                                size_t elementBytes) {
  if (tensor.has_raw_data())
    return std::unique_ptr<std::string>(tensor.release_raw_data());
  auto data = std::make_unique<std::string>();
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    appendElements(*data, tensor.float_data(), 4);
    break;
  case onnx::TensorProto::DOUBLE:
    appendElements(*data, tensor.double_data(), 8);
    break;
  case onnx::TensorProto::INT64:
    appendElements(*data, tensor.int64_data(), 8);
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    appendElements(*data, tensor.uint64_data(), elementBytes);
    break;
  default:
    // INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16 and BFLOAT16 are
    // stored in int32_data (the 16-bit floats as their bit patterns).
    appendElements(*data, tensor.int32_data(), elementBytes);
    break;
  }
  return data;
}

} // namespace whittle
