//===- ONNXSchemas.cpp - ONNX library calls of the exporter ---------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "ONNXSchemas.h"

#include "onnx/defs/schema.h"

std::optional<int64_t>
whittle::onnx_export::getSchemaSinceVersion(const std::string &opType,
                                            int64_t opset) {
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(opType, static_cast<int>(opset), "");
  if (!schema || schema->Deprecated())
    return std::nullopt;
  return schema->since_version();
}

std::optional<int>
whittle::onnx_export::getSchemaMinOutputs(const std::string &opType,
                                          int64_t opset) {
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(opType, static_cast<int>(opset), "");
  if (!schema)
    return std::nullopt;
  return schema->min_output();
}
