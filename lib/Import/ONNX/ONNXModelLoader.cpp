//===- ONNXModelLoader.cpp - ONNX library steps of the importer -----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "ONNXModelLoader.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include "llvm/ADT/StringRef.h"
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <exception>
#include <fcntl.h>
#include <unistd.h>
#include <unordered_map>

namespace whittle::onnx_import {

/// Runs `fn`, turning any exception into its message.
template <typename Fn>
static std::optional<std::string> guarded(const char *step, Fn &&fn) {
  try {
    fn();
  } catch (const std::exception &e) {
    return std::string(step) + ": " + e.what();
  } catch (...) {
    return std::string(step) + ": unknown error";
  }
  return std::nullopt;
}

std::optional<std::string> parseBinaryModel(const char *data, size_t size,
                                            onnx::ModelProto &model) {
  if (size > static_cast<size_t>(INT32_MAX))
    return std::string("models over 2 GiB must keep their weights in external "
                       "data files");
  std::optional<std::string> error;
  auto failure = guarded("protobuf parser", [&] {
    if (!model.ParseFromArray(data, static_cast<int>(size)))
      error = "not a valid ONNX protobuf (truncated or corrupt file?)";
  });
  return failure ? failure : error;
}

std::optional<std::string> parseBinaryModelFile(const std::string &path,
                                                onnx::ModelProto &model) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0)
    return std::string("cannot open file");
  std::optional<std::string> error;
  auto failure = guarded("protobuf parser", [&] {
    google::protobuf::io::FileInputStream stream(fd, 1 << 20);
    if (!model.ParseFromZeroCopyStream(&stream))
      error = "not a valid ONNX protobuf (truncated or corrupt file?)";
  });
  ::close(fd);
  return failure ? failure : error;
}

std::optional<std::string> parseTextModel(const std::string &text,
                                          onnx::ModelProto &model) {
  std::optional<std::string> error;
  auto failure = guarded("ONNX text parser", [&] {
    onnx::OnnxParser parser(text.c_str());
    onnx::Status status = parser.Parse(model);
    if (!status.IsOK())
      error = status.ErrorMessage();
  });
  return failure ? failure : error;
}

std::optional<std::string> checkModel(onnx::ModelProto &model) {
  // Exporters stamp the IR version of the onnx package they were built with;
  // the graph rules for opsets up to kLibraryOpset are the same in later IR
  // versions, so check as the newest IR version the library knows.
  int64_t irVersion = model.ir_version();
  model.set_ir_version(std::min<int64_t>(irVersion, onnx::IR_VERSION));
  auto error =
      guarded("ONNX checker", [&] { onnx::checker::check_model(model); });
  model.set_ir_version(irVersion);
  return error;
}

/// True if some node of the default domain has a different schema at
/// `target` than at `from`, i.e. the version converter has work to do.
static bool needsConversion(const onnx::GraphProto &graph, int64_t from,
                            int64_t target) {
  for (const onnx::NodeProto &node : graph.node()) {
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    const auto *old = onnx::OpSchemaRegistry::Schema(node.op_type(), from, "");
    const auto *now =
        onnx::OpSchemaRegistry::Schema(node.op_type(), target, "");
    if (!old || !now || old->since_version() != now->since_version())
      return true;
  }
  return false;
}

std::optional<std::string> upgradeModel(onnx::ModelProto &model,
                                        int64_t fromOpset, int64_t target) {
  if (fromOpset >= target || !needsConversion(model.graph(), fromOpset, target))
    return std::nullopt;
  // Several adapters need input shapes; give them what inference knows.
  if (auto error = inferShapes(model, /*strict=*/false))
    return error;
  // The converter copies every tensor through its own IR; park the raw data
  // of large initializers and put it back afterwards.
  std::unordered_map<std::string, std::string> parked;
  for (onnx::TensorProto &init :
       *model.mutable_graph()->mutable_initializer()) {
    if (init.raw_data().size() >= 4096) {
      parked[init.name()].swap(*init.mutable_raw_data());
    }
  }
  // The converter knows only the default domain and stops at any other
  // node (ONNX Runtime's com.microsoft ops). Those have no opset adapters
  // anyway: stand each in for a default-domain op that no adapter touches
  // (Sum: any number of inputs, one output, unchanged since opset 13), and
  // restore it after the conversion.
  std::vector<onnx::NodeProto> foreign;
  for (onnx::NodeProto &node : *model.mutable_graph()->mutable_node()) {
    if (node.domain().empty() || node.domain() == "ai.onnx" ||
        node.output_size() != 1 || fromOpset < 13)
      continue;
    foreign.push_back(node);
    node.set_name("whittle.foreign." + std::to_string(foreign.size() - 1));
    node.set_domain("");
    node.set_op_type("Sum");
    node.clear_attribute();
  }
  onnx::ModelProto converted;
  auto failure = guarded("ONNX version converter", [&] {
    converted = onnx::version_conversion::ConvertVersion(
        model, static_cast<int>(target));
  });
  auto restoreForeign = [&](onnx::GraphProto &graph) {
    for (onnx::NodeProto &node : *graph.mutable_node()) {
      llvm::StringRef name = node.name();
      size_t index;
      if (!name.consume_front("whittle.foreign.") ||
          name.getAsInteger(10, index) || index >= foreign.size())
        continue;
      onnx::NodeProto original = foreign[index];
      original.clear_input();
      for (const std::string &input : node.input())
        original.add_input(input);
      original.clear_output();
      for (const std::string &output : node.output())
        original.add_output(output);
      node = std::move(original);
    }
  };
  restoreForeign(*model.mutable_graph());
  if (failure) {
    for (onnx::TensorProto &init :
         *model.mutable_graph()->mutable_initializer()) {
      auto it = parked.find(init.name());
      if (it != parked.end())
        init.mutable_raw_data()->swap(it->second);
    }
    return failure;
  }
  for (onnx::TensorProto &init :
       *converted.mutable_graph()->mutable_initializer()) {
    auto it = parked.find(init.name());
    if (it != parked.end())
      init.mutable_raw_data()->swap(it->second);
  }
  restoreForeign(*converted.mutable_graph());
  model = std::move(converted);
  return std::nullopt;
}

std::optional<std::string> inferShapes(onnx::ModelProto &model, bool strict) {
  return guarded("ONNX shape inference", [&] {
    onnx::ShapeInferenceOptions options(/*check_type=*/strict,
                                        /*strict_mode=*/strict ? 1 : 0,
                                        /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
  });
}

} // namespace whittle::onnx_import
