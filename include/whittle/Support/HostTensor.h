//===- HostTensor.h - tensors in host memory and their files ----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The tensors whittle-run and the compiled models exchange: packed,
// row-major, little-endian, typed by ONNX data type codes. They are read
// from and written to ONNX `TensorProto` (.pb) files and NumPy (.npy) files.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_SUPPORT_HOSTTENSOR_H
#define WHITTLE_SUPPORT_HOSTTENSOR_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace whittle {

struct HostTensor {
  std::string name;
  /// ONNX `TensorProto.DataType`: 1 float32, 2 uint8, 3 int8, 7 int64, ...
  int32_t dataType = 0;
  llvm::SmallVector<int64_t> shape;
  /// Packed elements; bools take one byte each.
  std::vector<char> data;

  int64_t getNumElements() const;
};

/// Bytes per element of an ONNX data type whittle supports, or 0.
size_t getONNXElementSize(int32_t dataType);

/// A readable name of an ONNX data type ("float32", "uint8", "bool", ...).
std::string getONNXDataTypeName(int32_t dataType);

/// "1x3x224x224" (or "scalar").
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Reads a `.pb` (ONNX TensorProto) or `.npy` file, by extension.
llvm::Expected<HostTensor> readTensorFile(llvm::StringRef path);
llvm::Expected<HostTensor> readTensorProtoFile(llvm::StringRef path);
llvm::Expected<HostTensor> readNpyFile(llvm::StringRef path);

/// Writes `tensor` as a TensorProto (with `raw_data`) or a NumPy file.
llvm::Error writeTensorProtoFile(const HostTensor &tensor,
                                 llvm::StringRef path);
llvm::Error writeNpyFile(const HostTensor &tensor, llvm::StringRef path);

/// Rows [begin, begin + count) of `tensor` along its leading dimension (a
/// batch of samples), with the same name and type.
HostTensor sliceLeading(const HostTensor &tensor, int64_t begin, int64_t count);

/// `tensors` (same type and trailing dimensions) stacked along their
/// leading dimension, named after the first.
HostTensor concatLeading(llvm::ArrayRef<HostTensor> tensors);

} // namespace whittle

#endif // WHITTLE_SUPPORT_HOSTTENSOR_H
