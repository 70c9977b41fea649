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
#include <set>
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

namespace {
/// The version converter's table of adapters, read (not run) to tell which
/// upgrade steps leave a node as it is.
class AdapterTable : public onnx::version_conversion::DefaultVersionConverter {
public:
  /// True if the converter takes `opType` from opset `from` to `from + 1`
  /// with its CompatibleAdapter, which changes nothing but the opset.
  bool isCompatibleStep(const std::string &opType, int64_t from) const {
    auto op = adapters.find(opType);
    if (op == adapters.end())
      return false;
    auto initial = op->second.find(onnx::OpSetID(from).toString());
    if (initial == op->second.end())
      return false;
    auto adapter = initial->second.find(onnx::OpSetID(from + 1).toString());
    return adapter != initial->second.end() &&
           dynamic_cast<const onnx::version_conversion::CompatibleAdapter *>(
               adapter->second.get());
  }
};
} // namespace

bool upgradeCompatibleModel(onnx::ModelProto &model, int64_t fromOpset,
                            int64_t target) {
  if (fromOpset >= target)
    return false;
  // As DefaultVersionConverter::convert_version does: at each step from v to
  // v + 1, every node whose operator has a schema introduced at v + 1 goes
  // through the adapter registered for that step. Other domains' nodes are
  // not the converter's (upgradeModel stands them in).
  static const AdapterTable table;
  std::unordered_map<std::string, bool> compatible;
  for (const onnx::NodeProto &node : model.graph().node()) {
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    auto [it, inserted] = compatible.try_emplace(node.op_type(), true);
    if (inserted) {
      for (int64_t v = fromOpset; v < target && it->second; ++v) {
        const auto *schema =
            onnx::OpSchemaRegistry::Schema(node.op_type(), v + 1, "");
        if (!schema)
          it->second = false;
        else if (schema->since_version() == v + 1)
          // Hardmax 12 -> 13 is registered as compatible but changes the
          // meaning (upgradeModel flattens it like Softmax).
          it->second = table.isCompatibleStep(node.op_type(), v) &&
                       !(node.op_type() == "Hardmax" && v == 12);
      }
    }
    if (!it->second)
      return false;
  }
  for (onnx::OperatorSetIdProto &id : *model.mutable_opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      id.set_version(target);
  return true;
}

/// The rank of every value whose shape the graph records (inputs, outputs,
/// value_info after shape inference, initializers).
static std::unordered_map<std::string, int>
getKnownRanks(const onnx::GraphProto &graph) {
  std::unordered_map<std::string, int> ranks;
  auto record = [&](const onnx::ValueInfoProto &info) {
    if (info.type().has_tensor_type() && info.type().tensor_type().has_shape())
      ranks[info.name()] = info.type().tensor_type().shape().dim_size();
  };
  for (const onnx::ValueInfoProto &info : graph.input())
    record(info);
  for (const onnx::ValueInfoProto &info : graph.value_info())
    record(info);
  for (const onnx::ValueInfoProto &info : graph.output())
    record(info);
  for (const onnx::TensorProto &init : graph.initializer())
    ranks[init.name()] = init.dims_size();
  return ranks;
}

/// Before opset 13, Softmax, LogSoftmax and Hardmax coerce their input to 2-D
/// at `axis` and normalise over everything after it. The converter's
/// Softmax/LogSoftmax adapter needs the input's shape (and asserts without
/// it) and its Hardmax adapter keeps the node as it is, which changes the
/// result unless `axis` is the last dimension. True if `node` is such an op
/// that the converter cannot be trusted with.
static bool
needsFlattenedSoftmax(const onnx::NodeProto &node,
                      const std::unordered_map<std::string, int> &ranks) {
  if ((!node.domain().empty() && node.domain() != "ai.onnx") ||
      (node.op_type() != "Softmax" && node.op_type() != "LogSoftmax" &&
       node.op_type() != "Hardmax") ||
      node.input_size() != 1 || node.output_size() != 1)
    return false;
  int64_t axis = 1;
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == "axis")
      axis = attr.i();
  auto rank = ranks.find(node.input(0));
  if (rank == ranks.end())
    return true;
  return axis != -1 && axis != rank->second - 1;
}

/// Appends the opset-13 form of an opset-12-or-older Softmax, LogSoftmax or
/// Hardmax `node` to `graph`: Flatten at `axis`, the op over the last axis,
/// and a Reshape back to the input's shape (read at run time, so no shape
/// needs to be known; whittle folds it when it is static).
static void appendFlattenedSoftmax(const onnx::NodeProto &node,
                                   onnx::GraphProto &graph) {
  int64_t axis = 1;
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == "axis")
      axis = attr.i();
  const std::string &input = node.input(0);
  const std::string &output = node.output(0);
  std::string prefix = node.name().empty() ? output : node.name();
  auto addNode = [&](const char *opType, const char *suffix,
                     std::vector<std::string> inputs, std::string result) {
    onnx::NodeProto *added = graph.add_node();
    added->set_op_type(opType);
    added->set_name(prefix + suffix);
    for (std::string &name : inputs)
      added->add_input(std::move(name));
    added->add_output(std::move(result));
    return added;
  };
  std::string flat = output + "/whittle.flattened";
  std::string normalized = output + "/whittle.normalized";
  std::string shape = output + "/whittle.shape";
  onnx::AttributeProto *flattenAxis =
      addNode("Flatten", "/flatten", {input}, flat)->add_attribute();
  flattenAxis->set_name("axis");
  flattenAxis->set_type(onnx::AttributeProto::INT);
  flattenAxis->set_i(axis);
  onnx::AttributeProto *lastAxis =
      addNode(node.op_type().c_str(), "", {flat}, normalized)->add_attribute();
  lastAxis->set_name("axis");
  lastAxis->set_type(onnx::AttributeProto::INT);
  lastAxis->set_i(-1);
  addNode("Shape", "/shape", {input}, shape);
  addNode("Reshape", "/reshape", {normalized, shape}, output);
}

namespace {
/// Nodes taken out of the version converter's hands: each is replaced by a
/// default-domain stand-in that no adapter changes (Identity for one input,
/// Sum for several; both have adapters for every version step from 7 on),
/// named "whittle.standin.K", and put back, or expanded, after conversion.
class ConverterStandIns {
public:
  /// Replaces every node the converter must not see when upgrading from
  /// `fromOpset`.
  void replace(onnx::GraphProto &graph, int64_t fromOpset) {
    std::unordered_map<std::string, int> ranks;
    if (fromOpset < 13)
      ranks = getKnownRanks(graph);
    for (onnx::NodeProto &node : *graph.mutable_node()) {
      bool foreign = !node.domain().empty() && node.domain() != "ai.onnx";
      bool standIn = foreign
                         ? node.output_size() == 1
                         : fromOpset < 13 && needsFlattenedSoftmax(node, ranks);
      if (!standIn)
        continue;
      originals.push_back(node);
      node.set_name("whittle.standin." + std::to_string(originals.size() - 1));
      node.set_domain("");
      node.set_op_type(node.input_size() == 1 ? "Identity" : "Sum");
      node.clear_attribute();
    }
  }

  /// Puts the original nodes back in place of their stand-ins, with the
  /// inputs and outputs the converter may have renamed. `converted` says
  /// whether `graph` is the converter's result (softmax-like ops are then
  /// expanded to their opset-13 form) or the input it failed on.
  void restore(onnx::GraphProto &graph, bool converted) {
    if (originals.empty())
      return;
    onnx::GraphProto rebuilt;
    for (onnx::NodeProto &node : *graph.mutable_node()) {
      llvm::StringRef name = node.name();
      size_t index;
      if (!name.consume_front("whittle.standin.") ||
          name.getAsInteger(10, index) || index >= originals.size()) {
        *rebuilt.add_node() = std::move(node);
        continue;
      }
      onnx::NodeProto original = originals[index];
      original.clear_input();
      for (const std::string &input : node.input())
        original.add_input(input);
      original.clear_output();
      for (const std::string &output : node.output())
        original.add_output(output);
      bool foreign =
          !original.domain().empty() && original.domain() != "ai.onnx";
      if (converted && !foreign)
        appendFlattenedSoftmax(original, rebuilt);
      else
        *rebuilt.add_node() = std::move(original);
    }
    graph.mutable_node()->Swap(rebuilt.mutable_node());
  }

private:
  std::vector<onnx::NodeProto> originals;
};
} // namespace

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
  auto unpark = [&](onnx::GraphProto &graph) {
    for (onnx::TensorProto &init : *graph.mutable_initializer()) {
      auto it = parked.find(init.name());
      if (it != parked.end())
        init.mutable_raw_data()->swap(it->second);
    }
  };
  // The converter knows only the default domain and stops at any other node
  // (ONNX Runtime's com.microsoft ops, which have no opset adapters anyway),
  // and it cannot upgrade old softmax-like ops without shapes: stand those
  // in for nodes it passes through unchanged.
  ConverterStandIns standIns;
  standIns.replace(*model.mutable_graph(), fromOpset);
  onnx::ModelProto converted;
  auto failure = guarded("ONNX version converter", [&] {
    converted = onnx::version_conversion::ConvertVersion(
        model, static_cast<int>(target));
  });
  if (failure) {
    standIns.restore(*model.mutable_graph(), /*converted=*/false);
    unpark(*model.mutable_graph());
    return failure;
  }
  standIns.restore(*converted.mutable_graph(), /*converted=*/true);
  unpark(*converted.mutable_graph());
  model = std::move(converted);
  return std::nullopt;
}

/// ONNX 1.12's shape inference functions trust what its checker does not
/// check. Where one reads out of bounds on a malformed node, its schema's
/// function is wrapped, once, with the missing check, which fails inference
/// as the library's own checks do (later ONNX releases added them).
static void guardLibraryShapeInference() {
  static const bool done = [] {
    // The convolutions' inference (convPoolShapeInference and its transposed
    // twin) takes the kernel shape from the weight's dimensions 2.. and
    // indexes per-axis vectors sized by the input's rank with it.
    const std::pair<const char *, size_t> convolutions[] = {
        {"Conv", 1},
        {"ConvInteger", 1},
        {"ConvTranspose", 1},
        {"QLinearConv", 3}};
    for (auto [opType, weight] : convolutions) {
      std::set<const onnx::OpSchema *> wrapped;
      for (int version = 1; version <= kLibraryOpset; ++version) {
        const onnx::OpSchema *schema =
            onnx::OpSchemaRegistry::Schema(opType, version, "");
        if (!schema || !wrapped.insert(schema).second)
          continue;
        onnx::InferenceFunction infer =
            schema->GetTypeAndShapeInferenceFunction();
        // The registry hands out const schemas but owns mutable ones.
        const_cast<onnx::OpSchema *>(schema)->TypeAndShapeInferenceFunction(
            [infer, weight = weight](onnx::InferenceContext &ctx) {
              if (onnx::hasInputShape(ctx, 0) &&
                  onnx::hasInputShape(ctx, weight) &&
                  ctx.getInputType(0)->tensor_type().shape().dim_size() !=
                      ctx.getInputType(weight)
                          ->tensor_type()
                          .shape()
                          .dim_size())
                fail_shape_inference("the input and the weight must have the "
                                     "same rank");
              infer(ctx);
            });
      }
    }
    return true;
  }();
  (void)done;
}

std::optional<std::string> inferShapes(onnx::ModelProto &model, bool strict) {
  guardLibraryShapeInference();
  return guarded("ONNX shape inference", [&] {
    onnx::ShapeInferenceOptions options(/*check_type=*/strict,
                                        /*strict_mode=*/strict ? 1 : 0,
                                        /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
  });
}

} // namespace whittle::onnx_import
