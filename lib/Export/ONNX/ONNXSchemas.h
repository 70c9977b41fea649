//===- ONNXSchemas.h - ONNX library calls of the exporter -------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The exporter's questions to the ONNX library's schema registry. The
// library's headers need exceptions, so they stay in their own translation
// unit.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_LIB_EXPORT_ONNX_ONNXSCHEMAS_H
#define WHITTLE_LIB_EXPORT_ONNX_ONNXSCHEMAS_H

#include <cstdint>
#include <optional>
#include <string>

namespace whittle::onnx_export {

/// The version of the schema that `opType` (default domain) has at `opset`,
/// or nullopt if the library does not know the operator.
std::optional<int64_t> getSchemaSinceVersion(const std::string &opType,
                                             int64_t opset);

/// How many outputs a node of `opType` must have at `opset` (the rest are
/// optional), or nullopt if the library does not know the operator.
std::optional<int> getSchemaMinOutputs(const std::string &opType,
                                       int64_t opset);

} // namespace whittle::onnx_export

#endif // WHITTLE_LIB_EXPORT_ONNX_ONNXSCHEMAS_H
