//===- ONNXModelLoader.cpp - ONNX library steps of the importer -----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Import/ONNX/ONNXModelLoader.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <exception>
#include <fcntl.h>
#include <functional>
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

namespace {
/// The version converter, built once (registering its adapters takes as
/// long as converting a hundred nodes), whose table of adapters is also read
/// to tell which upgrade steps leave a node as it is.
class VersionConverter
    : public onnx::version_conversion::DefaultVersionConverter {
public:
  static const VersionConverter &get() {
    static const VersionConverter converter;
    return converter;
  }

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

/// True if the converter would change a default-domain `opType` node on the
/// way from `fromOpset` to `target` (some step has an adapter other than
/// CompatibleAdapter, which changes nothing but the opset). As
/// DefaultVersionConverter::convert_version does: at each step from v to
/// v + 1, a node whose operator has a schema introduced at v + 1 goes through
/// the adapter registered for that step.
static bool needsAdapter(const std::string &opType, int64_t fromOpset,
                         int64_t target) {
  const VersionConverter &converter = VersionConverter::get();
  for (int64_t v = fromOpset; v < target; ++v) {
    const auto *schema = onnx::OpSchemaRegistry::Schema(opType, v + 1, "");
    if (!schema)
      return true;
    if (schema->since_version() == v + 1 &&
        !converter.isCompatibleStep(opType, v))
      return true;
  }
  return false;
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

/// The type of every value the graph records (inputs, outputs, value_info
/// after shape inference, initializers).
static std::unordered_map<std::string, onnx::TypeProto>
getKnownTypes(const onnx::GraphProto &graph) {
  std::unordered_map<std::string, onnx::TypeProto> types;
  for (const auto *infos :
       {&graph.input(), &graph.value_info(), &graph.output()})
    for (const onnx::ValueInfoProto &info : *infos)
      if (info.has_type())
        types[info.name()] = info.type();
  for (const onnx::TensorProto &init : graph.initializer()) {
    onnx::TypeProto_Tensor *tensor = types[init.name()].mutable_tensor_type();
    tensor->set_elem_type(init.data_type());
    tensor->clear_shape();
    for (int64_t d : init.dims())
      tensor->mutable_shape()->add_dim()->set_dim_value(d);
  }
  return types;
}

/// The version converter's Gemm 6 -> 7 adapter indexes dimensions 0 and 1 of
/// A's and B's shapes unchecked (ONNX 1.12): an error unless both are known
/// matrices.
static std::optional<std::string> checkGemmUpgrade(
    const onnx::NodeProto &node,
    const std::unordered_map<std::string, onnx::TypeProto> &types) {
  for (int i = 0; i < 2 && i < node.input_size(); ++i) {
    auto it = types.find(node.input(i));
    if (it == types.end() || !it->second.tensor_type().has_shape() ||
        it->second.tensor_type().shape().dim_size() != 2)
      return "Gemm input '" + node.input(i) +
             "' must be a matrix of known shape to upgrade the node from "
             "opset 6";
  }
  return std::nullopt;
}

/// Upgrades `nodes` (default-domain nodes of `graph` that the converter must
/// adapt) with the ONNX version converter, one small model per batch:
/// each node alone with its inputs as graph inputs (typed as `types` says,
/// which is what the shape-reading adapters need) and its outputs as graph
/// outputs. The converter's IR names values by scanning the whole graph, so
/// converting the model at once is quadratic in its size; batches keep it
/// linear. `replacements[i]` receives the nodes that replace `nodes[i]`.
static std::optional<std::string>
upgradeNodes(const onnx::ModelProto &model,
             llvm::ArrayRef<const onnx::NodeProto *> nodes,
             const std::unordered_map<std::string, onnx::TypeProto> &types,
             int64_t fromOpset, int64_t target,
             std::vector<std::vector<onnx::NodeProto>> &replacements) {
  constexpr size_t kBatch = 128;
  replacements.assign(nodes.size(), {});
  for (size_t first = 0; first < nodes.size(); first += kBatch) {
    size_t last = std::min(nodes.size(), first + kBatch);
    std::string prefix = "whittle.upgrade." + std::to_string(first) + ".";
    onnx::ModelProto batch;
    batch.set_ir_version(model.ir_version());
    onnx::OperatorSetIdProto *opset = batch.add_opset_import();
    opset->set_domain("");
    opset->set_version(fromOpset);
    onnx::GraphProto *graph = batch.mutable_graph();
    graph->set_name("whittle.upgrade");
    // Renamed inputs and outputs map back to the model's names.
    std::unordered_map<std::string, std::string> original;
    // Which node of the batch produces each renamed output.
    std::unordered_map<std::string, size_t> ownerOf;
    auto addValue =
        [&](google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> *list,
            const std::string &name, const std::string &renamed) {
          onnx::ValueInfoProto *info = list->Add();
          info->set_name(renamed);
          auto type = types.find(name);
          if (type != types.end())
            *info->mutable_type() = type->second;
          original[renamed] = name;
        };
    for (size_t i = first; i < last; ++i) {
      onnx::NodeProto *node = graph->add_node();
      *node = *nodes[i];
      std::string tag = prefix + std::to_string(i - first) + ".";
      for (int j = 0; j < node->input_size(); ++j) {
        if (node->input(j).empty())
          continue;
        std::string renamed = tag + "in" + std::to_string(j);
        addValue(graph->mutable_input(), node->input(j), renamed);
        node->set_input(j, renamed);
      }
      for (int j = 0; j < node->output_size(); ++j) {
        if (node->output(j).empty())
          continue;
        std::string renamed = tag + "out" + std::to_string(j);
        addValue(graph->mutable_output(), node->output(j), renamed);
        ownerOf[renamed] = i;
        node->set_output(j, renamed);
      }
    }
    onnx::ModelProto converted;
    if (auto failure = guarded("ONNX version converter", [&] {
          converted = VersionConverter::get().convert_version(
              batch, onnx::OpSetID(fromOpset), onnx::OpSetID(target));
        }))
      return failure;
    // Values the adapters made (constants) get names no model value has.
    auto rename = [&](std::string *name) {
      if (name->empty())
        return;
      auto it = original.find(*name);
      *name = it != original.end() ? it->second : prefix + *name;
    };
    // Every node the converter emitted belongs to the original node whose
    // output it computes, or else to the node that reads its result: walk
    // backwards (the converter's graph is topologically sorted).
    onnx::GraphProto &result = *converted.mutable_graph();
    std::vector<size_t> ownerOfNode(result.node_size(), 0);
    for (int n = result.node_size() - 1; n >= 0; --n) {
      const onnx::NodeProto &node = result.node(n);
      size_t owner = SIZE_MAX;
      for (const std::string &output : node.output()) {
        auto it = ownerOf.find(output);
        if (it != ownerOf.end()) {
          owner = it->second;
          break;
        }
      }
      if (owner == SIZE_MAX)
        return std::string("ONNX version converter: node '") + node.name() +
               "' (" + node.op_type() +
               ") of the upgraded graph computes "
               "nothing the original nodes use";
      ownerOfNode[n] = owner;
      for (const std::string &input : node.input())
        if (!input.empty() && !original.count(input))
          ownerOf.try_emplace(input, owner);
    }
    for (int n = 0; n < result.node_size(); ++n) {
      onnx::NodeProto node = std::move(*result.mutable_node(n));
      for (std::string &name : *node.mutable_input())
        rename(&name);
      for (std::string &name : *node.mutable_output())
        rename(&name);
      replacements[ownerOfNode[n]].push_back(std::move(node));
    }
    // Constants the adapters stored as initializers go to the node that
    // reads them first (as Constant nodes, so that no initializer list
    // needs merging).
    for (onnx::TensorProto &init : *result.mutable_initializer()) {
      auto owner = ownerOf.find(init.name());
      if (owner == ownerOf.end() || original.count(init.name()))
        continue;
      onnx::NodeProto constant;
      constant.set_op_type("Constant");
      std::string name = init.name();
      rename(&name);
      constant.add_output(name);
      onnx::AttributeProto *value = constant.add_attribute();
      value->set_name("value");
      value->set_type(onnx::AttributeProto::TENSOR);
      *value->mutable_t() = std::move(init);
      value->mutable_t()->clear_name();
      auto &list = replacements[owner->second];
      list.insert(list.begin(), std::move(constant));
    }
  }
  return std::nullopt;
}

std::optional<std::string> upgradeModel(onnx::ModelProto &model,
                                        int64_t fromOpset, int64_t target) {
  if (fromOpset >= target)
    return std::nullopt;
  onnx::GraphProto &graph = *model.mutable_graph();
  // Only nodes whose operator changed in a way the converter adapts go
  // through it; everything else (other domains included, which the
  // converter does not know) just takes the new opset number. Old
  // softmax-like ops are whittle's to upgrade.
  std::unordered_map<std::string, bool> adapted;
  bool anyAdapted = false, anySoftmax = false;
  for (const onnx::NodeProto &node : graph.node()) {
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    if (fromOpset < 13 &&
        (node.op_type() == "Softmax" || node.op_type() == "LogSoftmax" ||
         node.op_type() == "Hardmax")) {
      anySoftmax = true;
      continue;
    }
    auto [it, inserted] = adapted.try_emplace(node.op_type(), false);
    if (inserted)
      it->second = needsAdapter(node.op_type(), fromOpset, target);
    anyAdapted |= it->second;
  }
  if (anyAdapted || anySoftmax) {
    // Several adapters, and the softmax rule, need shapes: give them what
    // inference knows.
    if (auto error = inferShapes(model, /*strict=*/false))
      return error;
    std::unordered_map<std::string, onnx::TypeProto> types =
        getKnownTypes(graph);
    std::vector<const onnx::NodeProto *> toAdapt;
    for (const onnx::NodeProto &node : graph.node()) {
      auto it = adapted.find(node.op_type());
      if ((node.domain().empty() || node.domain() == "ai.onnx") &&
          it != adapted.end() && it->second)
        toAdapt.push_back(&node);
    }
    if (fromOpset < 7)
      for (const onnx::NodeProto *node : toAdapt)
        if (node->op_type() == "Gemm")
          if (auto error = checkGemmUpgrade(*node, types))
            return error;
    std::vector<std::vector<onnx::NodeProto>> replacements;
    if (auto error = upgradeNodes(model, toAdapt, types, fromOpset, target,
                                  replacements))
      return error;
    std::unordered_map<std::string, int> ranks;
    for (const auto &[name, type] : types)
      if (type.has_tensor_type() && type.tensor_type().has_shape())
        ranks[name] = type.tensor_type().shape().dim_size();
    onnx::GraphProto rebuilt;
    size_t next = 0;
    for (onnx::NodeProto &node : *graph.mutable_node()) {
      if (next < toAdapt.size() && toAdapt[next] == &node) {
        for (onnx::NodeProto &replacement : replacements[next])
          *rebuilt.add_node() = std::move(replacement);
        ++next;
      } else if (fromOpset < 13 && needsFlattenedSoftmax(node, ranks)) {
        appendFlattenedSoftmax(node, rebuilt);
      } else {
        *rebuilt.add_node() = std::move(node);
      }
    }
    graph.mutable_node()->Swap(rebuilt.mutable_node());
  }
  for (onnx::OperatorSetIdProto &id : *model.mutable_opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      id.set_version(target);
  return std::nullopt;
}

/// The rank of input `index` when inference knows its shape, else -1.
static int getKnownRank(onnx::InferenceContext &ctx, size_t index) {
  return onnx::hasInputShape(ctx, index)
             ? ctx.getInputType(index)->tensor_type().shape().dim_size()
             : -1;
}

/// Fails inference of a convolution or pool node whose attributes or
/// operand ranks ONNX 1.12's convPoolShapeInference (and its transposed
/// twin) would trust: it divides by the strides, and takes a convolution's
/// kernel shape from the weight's dimensions 2.. to index per-axis vectors
/// sized by the input's rank. `weight` is the weight's operand index, or -1
/// for pools.
static void checkWindowNode(onnx::InferenceContext &ctx, int weight) {
  for (const char *name : {"kernel_shape", "strides", "dilations"})
    if (const onnx::AttributeProto *attr = ctx.getAttribute(name))
      for (int64_t value : attr->ints())
        if (value <= 0)
          fail_shape_inference("'", name, "' values must be positive");
  if (weight >= 0 && getKnownRank(ctx, 0) >= 0 &&
      getKnownRank(ctx, weight) >= 0 &&
      getKnownRank(ctx, 0) != getKnownRank(ctx, weight))
    fail_shape_inference("the input and the weight must have the same rank");
}

/// Fails inference of a Gemm whose A or B is not a matrix: the inference of
/// Gemm before opset 13 reads dimensions 0 and 1 of both unchecked.
static void checkGemmNode(onnx::InferenceContext &ctx) {
  for (size_t i : {0, 1})
    if (int rank = getKnownRank(ctx, i); rank >= 0 && rank != 2)
      fail_shape_inference("input ", i, " must have rank 2, got rank ", rank);
}

/// ONNX 1.12's shape inference functions trust what its checker does not
/// check. Where one reads out of bounds or divides by zero on a malformed
/// node, its schema's function is wrapped, once, with the missing checks,
/// which fail inference as the library's own checks do (later ONNX releases
/// added some of them).
static void guardLibraryShapeInference() {
  static const bool done = [] {
    using Check = std::function<void(onnx::InferenceContext &)>;
    auto window = [](int weight) -> Check {
      return [weight](onnx::InferenceContext &ctx) {
        checkWindowNode(ctx, weight);
      };
    };
    const std::pair<const char *, Check> checks[] = {
        {"Conv", window(1)},          {"ConvInteger", window(1)},
        {"ConvTranspose", window(1)}, {"QLinearConv", window(3)},
        {"MaxPool", window(-1)},      {"AveragePool", window(-1)},
        {"LpPool", window(-1)},       {"Gemm", checkGemmNode}};
    for (const auto &[opType, check] : checks) {
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
            [infer, check = check](onnx::InferenceContext &ctx) {
              check(ctx);
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
