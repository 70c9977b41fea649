//===- ONNXDataTypes.cpp - ONNX data types <-> MLIR element types ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Import/ONNX/ImportONNX.h"

#include "mlir/IR/Builders.h"
#include "onnx/onnx_pb.h"

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
