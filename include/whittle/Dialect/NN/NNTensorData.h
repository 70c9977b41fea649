//===- NNTensorData.h - reading and writing constant tensors ----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// One place that knows how nn constants store their data (inline `dense`
// attributes for small tensors, `dense_resource` blobs for weights), used by
// the importer, the folders and every pass that rewrites weights.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNTENSORDATA_H
#define WHITTLE_DIALECT_NN_NNTENSORDATA_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace whittle::nn {

/// The bytes one element of `elementType` (an integer or float type) takes
/// in raw tensor data, as ONNX and MLIR's dense elements store it: whole
/// bytes, and one for i1.
size_t getStorageBytes(mlir::Type elementType);

/// Tensors of at least this many bytes are stored as resource blobs.
constexpr size_t kResourceThresholdBytes = 256;

/// Creates an elements attribute of `type` from row-major little-endian bytes
/// (one byte per element for i1). Small tensors become `dense`, larger ones a
/// `dense_resource` blob named after `nameHint`.
mlir::ElementsAttr createElements(mlir::RankedTensorType type,
                                  llvm::ArrayRef<char> rawData,
                                  llvm::StringRef nameHint = "tensor");

/// Takes ownership of `buffer` (allocated with `new std::string`) without
/// copying it; used by the importer for ONNX raw_data.
mlir::ElementsAttr createElementsFromBuffer(mlir::RankedTensorType type,
                                            std::string *buffer,
                                            llvm::StringRef nameHint);

/// Creates elements from doubles or int64s converted to `type`'s element
/// type (floats round to nearest, integers wrap as in a C cast).
mlir::ElementsAttr
createElementsFromDoubles(mlir::RankedTensorType type,
                          llvm::ArrayRef<double> values,
                          llvm::StringRef nameHint = "tensor");
mlir::ElementsAttr createElementsFromInts(mlir::RankedTensorType type,
                                          llvm::ArrayRef<int64_t> values,
                                          llvm::StringRef nameHint = "tensor");

/// The elements of a dense or dense_resource attribute converted to double
/// (or int64_t), splats expanded. Returns nullopt for unsupported element
/// types (strings, complex) or a resource whose blob is missing.
std::optional<llvm::SmallVector<double>> readAsDoubles(mlir::ElementsAttr attr);
std::optional<llvm::SmallVector<int64_t>> readAsInts(mlir::ElementsAttr attr);

/// The elements of `attr` with their dimensions permuted, as a constant of
/// `resultType`: result dimension i is `attr`'s dimension permutation[i].
/// Moves the stored bytes without converting them (any integer or float
/// element type but i1). Null when `attr`'s data cannot be read (a missing
/// blob, i1, strings).
mlir::ElementsAttr transposeElements(mlir::ElementsAttr attr,
                                     mlir::RankedTensorType resultType,
                                     llvm::ArrayRef<int64_t> permutation,
                                     llvm::StringRef nameHint = "transposed");

/// The constant value feeding `value`, if it is produced by a constant op.
mlir::ElementsAttr getConstantElements(mlir::Value value);

/// Shorthands for the common case of a small constant integer list operand
/// (shapes, axes, pads): nullopt if `value` is not a constant.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value value);

/// The value of a constant of exactly one element (a scalar or a
/// one-element tensor) read as double or int64_t (as readAsDoubles and
/// readAsInts do): nullopt if `value` is not such a constant.
template <typename T> std::optional<T> getConstantScalar(mlir::Value value);
extern template std::optional<double> getConstantScalar(mlir::Value value);
extern template std::optional<int64_t> getConstantScalar(mlir::Value value);

/// True if `value` is produced by `nn.none` (a missing optional input).
bool isNone(mlir::Value value);

/// True if an optional input is given: not `nn.none` and not the empty 1-D
/// tensor older exporters write for an absent one (Resize's roi, scales).
bool isGiven(mlir::Value value);

} // namespace whittle::nn

#endif // WHITTLE_DIALECT_NN_NNTENSORDATA_H
