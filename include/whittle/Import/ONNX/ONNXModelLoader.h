//===- ONNXModelLoader.h - ONNX library steps of the importer ---*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The importer's calls into the ONNX C++ library (parser, checker, version
// converter, shape inference). The library reports errors by throwing, so
// these functions live in their own translation unit, built with exceptions,
// and turn every exception into an error string.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_IMPORT_ONNX_ONNXMODELLOADER_H
#define WHITTLE_IMPORT_ONNX_ONNXMODELLOADER_H

#include "onnx/onnx_pb.h"

#include <optional>
#include <string>

namespace whittle::onnx_import {

/// The newest opset the ONNX library's checker, converter and shape inference
/// know; models up to it are upgraded to it with the library.
constexpr int64_t kLibraryOpset = 17;
/// The newest opset whittle imports; the nn dialect follows its schemas.
constexpr int64_t kNewestOpset = 21;
/// The oldest opset whittle promises to import; older models are upgraded
/// with the ONNX version converter when it can.
constexpr int64_t kOldestOpset = 7;

/// Parses a binary protobuf model. Returns an error message on failure.
std::optional<std::string> parseBinaryModel(const char *data, size_t size,
                                            onnx::ModelProto &model);

/// Parses a binary protobuf model straight from a file, without holding the
/// file's bytes in memory beside the parsed model.
std::optional<std::string> parseBinaryModelFile(const std::string &path,
                                                onnx::ModelProto &model);

/// Parses the ONNX textual syntax (after the caller removed comment lines).
std::optional<std::string> parseTextModel(const std::string &text,
                                          onnx::ModelProto &model);

/// Runs the ONNX checker (opset <= kLibraryOpset only). Leaves `model`
/// unchanged.
std::optional<std::string> checkModel(onnx::ModelProto &model);

/// Upgrades the default-domain opset of `model` to `target`. Nodes whose
/// operator changed in a way the ONNX version converter adapts go through
/// it, a batch of them at a time (its IR is quadratic in the graph's size);
/// every other node only takes the new opset number. Opset-12-and-older
/// Softmax, LogSoftmax and Hardmax whose axis is not known to be the last
/// become Flatten + the op over the last axis + Reshape.
std::optional<std::string> upgradeModel(onnx::ModelProto &model,
                                        int64_t fromOpset, int64_t target);

/// Runs ONNX shape inference with data propagation, filling the graph's
/// value_info. `strict` turns node-level inference errors into failures.
std::optional<std::string> inferShapes(onnx::ModelProto &model,
                                       bool strict = true);

} // namespace whittle::onnx_import

#endif // WHITTLE_IMPORT_ONNX_ONNXMODELLOADER_H
