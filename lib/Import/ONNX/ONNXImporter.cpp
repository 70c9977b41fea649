//===- ONNXImporter.cpp - ONNX graph to nn dialect ------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Builds a func.func of nn ops from an ONNX ModelProto. The model is first
// validated, normalized and its inputs shaped (ONNXModelPreparation.cpp, with
// the ONNX library through ONNXModelLoader.cpp); this file maps values,
// initializers and nodes. Every node is built by one
// generic builder driven by the op table (ONNXOps.def), which relies on the nn
// ops using ONNX's operand and attribute names; the builder infers result
// types with the op's own type inference and folds constants as it goes, so
// that shape arithmetic (Shape -> Gather -> Concat -> Reshape) resolves to
// static shapes during import.
//
//===----------------------------------------------------------------------===//

#include "whittle/Import/ONNX/ImportONNX.h"

#include "ONNXGraphImporter.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Import/ONNX/ONNXModelLoader.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <functional>
#include <queue>
#include <utility>

using namespace mlir;
using namespace whittle;
using namespace whittle::onnx_import;

std::string whittle::onnx_import::printable(StringRef text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      unsigned length = llvm::getNumBytesForUTF8(byte);
      const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.data() + i);
      if (i + length <= text.size() &&
          llvm::isLegalUTF8Sequence(begin, begin + length)) {
        out.append(text.data() + i, length);
        i += length;
        continue;
      }
    }
    if (byte < 0x20 || byte >= 0x7f) {
      out += '\\';
      out += llvm::hexdigit(byte >> 4);
      out += llvm::hexdigit(byte & 15);
    } else if (byte == '\\') {
      out += "\\\\";
    } else {
      out += byte;
    }
    ++i;
  }
  return out;
}

namespace whittle::onnx_import {

//===----------------------------------------------------------------------===//
// Op table
//===----------------------------------------------------------------------===//

class NodeImporter;
using NodeBuilder = std::function<LogicalResult(NodeImporter &)>;

/// Number of operands of `OpT` if fixed, or -1 for variadic ops.
template <typename OpT, int... N>
constexpr int fixedOperandCount(std::integer_sequence<int, N...>) {
  int count = -1;
  ((OpT::template hasTrait<OpTrait::NOperands<N>::template Impl>()
        ? (count = N, 0)
        : 0),
   ...);
  return count;
}
template <typename OpT> constexpr int fixedOperandCount() {
  if constexpr (OpT::template hasTrait<OpTrait::ZeroOperands>())
    return 0;
  else if constexpr (OpT::template hasTrait<OpTrait::OneOperand>())
    return 1;
  else
    return fixedOperandCount<OpT>(
        std::integer_sequence<int, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11>{});
}

/// ONNX attributes of older opsets that later became inputs; the importer
/// turns them into constant operands so that nn ops follow opset 21.
struct AttributeToInput {
  StringRef opType;
  int64_t inputSinceOpset;
  StringRef attribute;
  unsigned inputIndex;
};
constexpr AttributeToInput kAttributesToInputs[] = {
    {"ReduceSum", 13, "axes", 1},  {"ReduceMean", 18, "axes", 1},
    {"ReduceMax", 18, "axes", 1},  {"ReduceMin", 18, "axes", 1},
    {"ReduceProd", 18, "axes", 1}, {"ReduceL2", 18, "axes", 1},
    {"Squeeze", 13, "axes", 1},    {"Unsqueeze", 13, "axes", 1},
    {"Split", 13, "split", 1},
};

/// State for building one node: its operands, attributes and location.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
               SmallVector<Value> operands, Location loc)
      : graph(graph), node(node), operands(std::move(operands)), loc(loc) {}

  InFlightDiagnostic emitNodeError() {
    InFlightDiagnostic diag = emitError(loc);
    diag << describeNode(node) << ": ";
    return diag;
  }

  FailureOr<NamedAttribute> convertAttribute(const onnx::AttributeProto &attr);

  template <typename OpT> LogicalResult buildGeneric();
  /// Verifies a freshly built op, reporting failures against the node.
  LogicalResult verifyNodeOp(Operation *op);
  LogicalResult buildConstant();

  GraphImporter &graph;
  const onnx::NodeProto &node;
  SmallVector<Value> operands;
  Location loc;
  /// Node attributes already turned into operands (see importNode).
  SmallVector<StringRef> consumedAttributes;
  /// Attributes the importer adds to the node's own (see importNode).
  SmallVector<NamedAttribute> impliedAttributes;
  /// Results that the node's ONNX outputs map to, in order.
  SmallVector<Value> results;
};

} // namespace whittle::onnx_import

//===----------------------------------------------------------------------===//
// Types and tensors
//===----------------------------------------------------------------------===//

FailureOr<Type> GraphImporter::convertElementType(int32_t onnxType,
                                                  StringRef what) {
  if (Type type = getElementTypeForONNX(onnxType, context))
    return type;
  StringRef name = "unknown";
  if (onnx::TensorProto_DataType_IsValid(onnxType))
    name = onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(onnxType));
  emitFileError() << what << " has element type " << name << " (" << onnxType
                  << "), which whittle does not support";
  return failure();
}

FailureOr<ElementsAttr> GraphImporter::convertTensor(onnx::TensorProto &tensor,
                                                     StringRef what) {
  FailureOr<Type> elementType = convertElementType(tensor.data_type(), what);
  if (failed(elementType))
    return failure();
  size_t bytes = nn::getStorageBytes(*elementType);
  // Sizes are checked against the data before anything is allocated: the
  // file's dimensions alone must not decide how much memory is taken.
  std::string typeName;
  llvm::raw_string_ostream(typeName) << *elementType;
  llvm::Expected<int64_t> size = checkTensorData(tensor, bytes, typeName);
  if (!size) {
    emitFileError() << what << " " << llvm::toString(size.takeError())
                    << "; the file is corrupt or was cut short, re-export "
                       "the model";
    return failure();
  }
  int64_t count = *size / bytes;
  auto type = RankedTensorType::get(
      SmallVector<int64_t>(tensor.dims().begin(), tensor.dims().end()),
      *elementType);
  std::unique_ptr<std::string> owned = releaseTensorBytes(tensor, bytes);
  if (isa<FloatType>(*elementType) && (bytes == 4 || bytes == 8)) {
    for (int64_t i = 0; i < count; ++i) {
      double v;
      if (bytes == 4) {
        float f;
        std::memcpy(&f, owned->data() + i * 4, 4);
        v = f;
      } else {
        std::memcpy(&v, owned->data() + i * 8, 8);
      }
      if (std::isnan(v)) {
        emitFileError() << what << " contains NaN (element " << i
                        << "); replace or retrain the weights before "
                           "compiling";
        return failure();
      }
    }
  }
  std::string hint = tensor.name().empty() ? "tensor" : tensor.name();
  return nn::createElementsFromBuffer(type, owned.release(), hint);
}

Value GraphImporter::getNone() {
  if (!noneValue) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(builder.getInsertionBlock());
    noneValue = nn::NoneOp::create(builder, fileLoc);
  }
  return noneValue;
}

//===----------------------------------------------------------------------===//
// Node building
//===----------------------------------------------------------------------===//

FailureOr<NamedAttribute>
NodeImporter::convertAttribute(const onnx::AttributeProto &attr) {
  Builder &b = graph.builder;
  StringRef name = attr.name();
  switch (attr.type()) {
  case onnx::AttributeProto::INT:
    return b.getNamedAttr(name, b.getI64IntegerAttr(attr.i()));
  case onnx::AttributeProto::FLOAT:
    return b.getNamedAttr(name, b.getF32FloatAttr(attr.f()));
  case onnx::AttributeProto::STRING:
    return b.getNamedAttr(name, b.getStringAttr(attr.s()));
  case onnx::AttributeProto::INTS:
    return b.getNamedAttr(name, b.getDenseI64ArrayAttr(SmallVector<int64_t>(
                                    attr.ints().begin(), attr.ints().end())));
  case onnx::AttributeProto::FLOATS:
    return b.getNamedAttr(
        name, b.getDenseF32ArrayAttr(SmallVector<float>(attr.floats().begin(),
                                                        attr.floats().end())));
  case onnx::AttributeProto::STRINGS: {
    SmallVector<Attribute> strings;
    for (const std::string &s : attr.strings())
      strings.push_back(b.getStringAttr(s));
    return b.getNamedAttr(name, b.getArrayAttr(strings));
  }
  case onnx::AttributeProto::TENSOR: {
    onnx::TensorProto tensor = attr.t();
    FailureOr<ElementsAttr> value = graph.convertTensor(
        tensor, "attribute '" + printable(name) + "' of " + describeNode(node));
    if (failed(value))
      return failure();
    return b.getNamedAttr(name, *value);
  }
  default:
    emitNodeError() << "attribute '" << printable(name) << "' has kind "
                    << onnx::AttributeProto_AttributeType_Name(attr.type())
                    << ", which whittle does not support";
    return failure();
  }
}

/// Runs OpT's ODS attribute checks (required attributes present, values
/// within their constraints) on what a node gives: type inference reads the
/// attributes before the op exists to be verified.
template <typename OpT>
static LogicalResult verifyAttributes(OperationState &state,
                                      DictionaryAttr dictionary, Location loc) {
  if constexpr (OpT::hasProperties())
    return
        typename OpT::Adaptor(
            state.operands, dictionary,
            state.getOrAddProperties<typename OpT::Properties>(), state.regions)
            .verify(loc);
  else
    return success();
}

template <typename OpT> LogicalResult NodeImporter::buildGeneric() {
  MLIRContext *context = graph.context;
  constexpr int expectedOperands = fixedOperandCount<OpT>();
  if (expectedOperands >= 0) {
    if ((int)operands.size() > expectedOperands) {
      emitNodeError() << "has " << operands.size()
                      << " inputs; the operator takes at most "
                      << expectedOperands;
      return failure();
    }
    while ((int)operands.size() < expectedOperands)
      operands.push_back(graph.getNone());
  } else {
    // Variadic operators have no optional inputs to fill in.
    operands.erase(llvm::remove_if(operands, nn::isNone), operands.end());
  }

  auto opName =
      RegisteredOperationName::lookup(OpT::getOperationName(), context);
  ArrayRef<StringAttr> known = opName->getAttributeNames();
  NamedAttrList attributes;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (llvm::is_contained(consumedAttributes, attr.name()))
      continue;
    if (!llvm::any_of(known, [&](StringAttr s) { return s == attr.name(); })) {
      emitNodeError() << "attribute '" << printable(attr.name())
                      << "' is not supported by whittle's " << node.op_type();
      return failure();
    }
    FailureOr<NamedAttribute> converted = convertAttribute(attr);
    if (failed(converted))
      return failure();
    attributes.push_back(*converted);
  }
  attributes.append(impliedAttributes);
  if (failed(opName->verifyInherentAttrs(attributes,
                                         [&] { return emitNodeError(); })))
    return failure();

  OperationState state(loc, OpT::getOperationName());
  state.addOperands(operands);
  state.addAttributes(attributes);
  DictionaryAttr dictionary = attributes.getDictionary(context);
  if constexpr (OpT::hasProperties()) {
    auto &properties = state.getOrAddProperties<typename OpT::Properties>();
    if (failed(OpT::setPropertiesFromAttr(properties, dictionary,
                                          [&] { return emitNodeError(); })))
      return failure();
    // ONNX defaults are the ops' default-valued attributes.
    opName->populateDefaultProperties(OpaqueProperties(&properties));
  }

  // Type inference reports through diagnostics at `loc`; prefix them with
  // the node so that the user sees which ONNX node is wrong.
  SmallVector<Type> resultTypes;
  std::string message;
  bool inferred;
  {
    ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return failure();
      if (message.empty())
        message = diag.str();
      return success();
    });
    inferred = succeeded(verifyAttributes<OpT>(state, dictionary, loc)) &&
               succeeded(OpT::inferReturnTypes(
                   context, loc, state.operands, dictionary,
                   state.getRawProperties(), state.regions, resultTypes));
  }
  if (!inferred) {
    emitNodeError() << (message.empty() ? "invalid operands or attributes"
                                        : message);
    return failure();
  }
  state.addTypes(resultTypes);
  Operation *op = graph.builder.create(state);
  if (failed(verifyNodeOp(op)))
    return failure();

  // Fold as we go: constant shape arithmetic must become constants before
  // the ops that consume it infer their shapes. A DequantizeLinear of
  // constant weights stays: it is what marks them as quantized, and
  // --nn-to-qnn needs their integers and scales (canonicalize folds it).
  SmallVector<Value> folded;
  if (!isa<nn::DequantizeLinearOp>(op) &&
      succeeded(graph.builder.tryFold(op, folded)) && !folded.empty()) {
    op->erase();
    results.assign(folded.begin(), folded.end());
    return success();
  }
  results.assign(op->result_begin(), op->result_end());
  return success();
}

LogicalResult NodeImporter::verifyNodeOp(Operation *op) {
  std::string message;
  bool verified;
  {
    ScopedDiagnosticHandler capture(graph.context, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return failure();
      if (message.empty())
        message = diag.str();
      return success();
    });
    verified = succeeded(verify(op, /*verifyRecursively=*/false));
  }
  if (verified)
    return success();
  op->erase();
  emitNodeError() << message;
  return failure();
}

LogicalResult NodeImporter::buildConstant() {
  if (node.attribute_size() != 1) {
    emitNodeError() << "must have exactly one value attribute";
    return failure();
  }
  const onnx::AttributeProto &attr = node.attribute(0);
  Builder &b = graph.builder;
  ElementsAttr value;
  StringRef name = attr.name();
  if (name == "value") {
    onnx::TensorProto tensor = attr.t();
    FailureOr<ElementsAttr> converted =
        graph.convertTensor(tensor, "value of " + describeNode(node));
    if (failed(converted))
      return failure();
    value = *converted;
  } else if (name == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   attr.f());
  } else if (name == "value_floats") {
    SmallVector<float> floats(attr.floats().begin(), attr.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)floats.size()}, b.getF32Type()),
        ArrayRef<float>(floats));
  } else if (name == "value_int") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   static_cast<int64_t>(attr.i()));
  } else if (name == "value_ints") {
    SmallVector<int64_t> ints(attr.ints().begin(), attr.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)ints.size()}, b.getI64Type()),
        ArrayRef<int64_t>(ints));
  } else {
    emitNodeError() << "attribute '" << name
                    << "' is not supported (string and sparse constants are "
                       "not)";
    return failure();
  }
  results.push_back(nn::ConstantOp::create(graph.builder, loc, value));
  return success();
}

/// The builder for each ONNX op type in scope.
static const llvm::StringMap<NodeBuilder> &getNodeBuilders() {
  static const llvm::StringMap<NodeBuilder> builders = [] {
    llvm::StringMap<NodeBuilder> map;
#define NN_ONNX_OP(onnxName, opClass)                                          \
  map[#onnxName] = [](NodeImporter &n) {                                       \
    return n.buildGeneric<whittle::nn::opClass>();                             \
  };
#include "whittle/Import/ONNX/ONNXOps.def"
    map["Constant"] = [](NodeImporter &n) { return n.buildConstant(); };
    return map;
  }();
  return builders;
}

std::string whittle::onnx_import::describeNode(const onnx::NodeProto &node) {
  std::string opType = printable(node.op_type());
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    opType = printable(node.domain()) + "." + opType;
  if (!node.name().empty())
    return "node '" + printable(node.name()) + "' (" + opType + ")";
  if (node.output_size() > 0)
    return "unnamed node with output '" + printable(node.output(0)) + "' (" +
           opType + ")";
  return "unnamed " + opType + " node";
}

bool whittle::onnx_import::isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// The op table's name of a node's operator: the op type in the default
/// domain, `domain.op_type` in others (`com.microsoft.QLinearAdd`).
static std::string getBuilderKey(const onnx::NodeProto &node) {
  if (isDefaultDomain(node.domain()))
    return node.op_type();
  return node.domain() + "." + node.op_type();
}

//===----------------------------------------------------------------------===//
// Graph import
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::checkSupportedOps(const onnx::GraphProto &graph) {
  const auto &builders = getNodeBuilders();
  SmallVector<std::string> unsupported;
  for (const onnx::NodeProto &node : graph.node()) {
    if (builders.contains(getBuilderKey(node)))
      continue;
    unsupported.push_back(describeNode(node));
  }
  if (unsupported.empty())
    return success();
  // A long list names the first few: the message stays one readable line.
  constexpr size_t kListed = 20;
  size_t total = unsupported.size();
  if (total > kListed) {
    unsupported.resize(kListed);
    unsupported.push_back("and " + std::to_string(total - kListed) + " more");
  }
  emitFileError() << total
                  << " node(s) use operators whittle does not support: "
                  << llvm::join(unsupported, ", ");
  return failure();
}

/// Checked before the ONNX library sees the graph: its checker lets an
/// undefined graph output pass, and its version converter then dereferences
/// a null value; its message for an undefined node input stops at the first
/// NUL byte of the name.
LogicalResult GraphImporter::checkDefinedValues(const onnx::GraphProto &graph) {
  llvm::StringSet<> defined;
  for (const onnx::ValueInfoProto &input : graph.input())
    defined.insert(input.name());
  for (const onnx::TensorProto &init : graph.initializer())
    defined.insert(init.name());
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &output : node.output())
      defined.insert(output);
  for (const onnx::ValueInfoProto &output : graph.output()) {
    if (!defined.contains(output.name())) {
      emitFileError() << "graph output '" << printable(output.name())
                      << "' is not produced by any node";
      return failure();
    }
  }
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &in : node.input()) {
      if (in.empty() || defined.contains(in))
        continue;
      emitFileError() << describeNode(node) << " reads '" << printable(in)
                      << "', which no node, graph input or initializer "
                         "defines";
      return failure();
    }
  }
  return success();
}

FailureOr<SmallVector<const onnx::NodeProto *>>
GraphImporter::sortNodes(const onnx::GraphProto &graph) {
  // Kahn's algorithm over value names; ONNX requires topological order but
  // some exporters do not keep it.
  llvm::StringSet<> available;
  for (const onnx::ValueInfoProto &input : graph.input())
    available.insert(input.name());
  for (const onnx::TensorProto &init : graph.initializer())
    available.insert(init.name());
  // checkDefinedValues made sure that every input is defined somewhere.
  // Each node waits for its inputs not yet available; ready nodes are taken
  // lowest index first, so that a sorted graph keeps its order, and a graph
  // in any order sorts in O(n log n) (passes over the pending nodes until
  // none is left took 3.5 s for 16,000 nodes in reverse order).
  int numNodes = graph.node_size();
  std::vector<int> missing(numNodes, 0);
  llvm::StringMap<SmallVector<int, 1>> consumers;
  for (int i = 0; i < numNodes; ++i) {
    for (const std::string &in : graph.node(i).input()) {
      if (in.empty() || available.contains(in))
        continue;
      ++missing[i];
      consumers[in].push_back(i);
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < numNodes; ++i)
    if (missing[i] == 0)
      ready.push(i);
  SmallVector<const onnx::NodeProto *> order;
  order.reserve(numNodes);
  while (!ready.empty()) {
    const onnx::NodeProto &node = graph.node(ready.top());
    ready.pop();
    order.push_back(&node);
    for (const std::string &out : node.output()) {
      // A name defined twice releases its consumers once.
      if (out.empty() || !available.insert(out).second)
        continue;
      auto it = consumers.find(out);
      if (it == consumers.end())
        continue;
      for (int consumer : it->second)
        if (--missing[consumer] == 0)
          ready.push(consumer);
    }
  }
  if (static_cast<int>(order.size()) != numNodes) {
    int first =
        llvm::find_if(missing, [](int m) { return m > 0; }) - missing.begin();
    emitFileError() << "the graph has a cycle through "
                    << describeNode(graph.node(first));
    return failure();
  }
  return order;
}

FailureOr<RankedTensorType>
GraphImporter::convertValueType(const onnx::ValueInfoProto &info,
                                StringRef role) {
  const onnx::TypeProto_Tensor &tensor = info.type().tensor_type();
  FailureOr<Type> element = convertElementType(
      tensor.elem_type(), (role + " '" + printable(info.name()) + "'").str());
  if (failed(element))
    return failure();
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto_Dimension &dim : tensor.shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value()
                                        : ShapedType::kDynamic);
  // Every size computation downstream (type inference, buffers) assumes the
  // byte size fits in int64_t.
  int64_t bytes = nn::getStorageBytes(*element);
  for (int64_t d : shape) {
    if (ShapedType::isDynamic(d) || !llvm::MulOverflow(bytes, d, bytes))
      continue;
    emitFileError() << role << " '" << printable(info.name()) << "' has shape "
                    << nn::shapeToString(shape)
                    << ", more bytes than a 64-bit size holds; fix the "
                       "model's or --input-shape's dimensions";
    return failure();
  }
  return RankedTensorType::get(shape, *element);
}

/// Nodes where ONNX 1.12's shape inference is known to disagree with the
/// ONNX specification as ONNX Runtime and PyTorch implement it: pools with
/// ceil_mode (the last window may not start in the end padding) and
/// ConvTranspose with SAME_* padding (output = input * stride).
static bool hasKnownShapeInferenceBug(const onnx::NodeProto &node) {
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.name() == "ceil_mode" && attr.i() != 0)
      return true;
    if (node.op_type() == "ConvTranspose" && attr.name() == "auto_pad" &&
        StringRef(attr.s()).starts_with("SAME"))
      return true;
  }
  return false;
}

LogicalResult GraphImporter::crossCheck(const onnx::NodeProto &node,
                                        StringRef output, Type type) {
  if (hasKnownShapeInferenceBug(node))
    return success();
  auto it = onnxTypes.find(output);
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (it == onnxTypes.end() || !ranked ||
      !it->second->tensor_type().has_shape())
    return success();
  const auto &dims = it->second->tensor_type().shape().dim();
  if (dims.size() != ranked.getRank())
    return success(); // ONNX inference may leave the rank unknown.
  SmallVector<int64_t> expected;
  for (const auto &dim : dims)
    expected.push_back(dim.has_dim_value() ? dim.dim_value()
                                           : ShapedType::kDynamic);
  for (auto [ours, theirs] : llvm::zip(ranked.getShape(), expected)) {
    if (ShapedType::isDynamic(ours) || ShapedType::isDynamic(theirs) ||
        ours == theirs)
      continue;
    emitError(NameLoc::get(StringAttr::get(context, node.name()), fileLoc))
        << describeNode(node) << ": output '" << printable(output)
        << "' has shape " << nn::shapeToString(ranked.getShape())
        << " by whittle's inference but " << nn::shapeToString(expected)
        << " by ONNX shape inference";
    return failure();
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node) {
  Location loc =
      NameLoc::get(StringAttr::get(context, node.name().empty() ? node.op_type()
                                                                : node.name()),
                   fileLoc);
  SmallVector<Value> operands;
  for (const std::string &in : node.input())
    operands.push_back(in.empty() ? getNone() : values.lookup(in));

  NodeImporter importer(*this, node, std::move(operands), loc);
  // Older opsets' attributes that are inputs in opset 21.
  for (const AttributeToInput &rule : kAttributesToInputs) {
    if (rule.opType != node.op_type() || opset >= rule.inputSinceOpset)
      continue;
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.name() != rule.attribute)
        continue;
      SmallVector<int64_t> ints(attr.ints().begin(), attr.ints().end());
      auto type =
          RankedTensorType::get({(int64_t)ints.size()}, builder.getI64Type());
      Value constant = nn::ConstantOp::create(
          builder, loc, DenseElementsAttr::get(type, ArrayRef<int64_t>(ints)));
      SmallVector<Value> &inputs = importer.operands;
      while (inputs.size() < rule.inputIndex)
        inputs.push_back(getNone());
      inputs.insert(inputs.begin() + rule.inputIndex, constant);
      importer.consumedAttributes.push_back(rule.attribute);
    }
  }

  // Resize-10 and Upsample sample with asymmetric coordinates; the ONNX
  // 1.12 converter drops that when it upgrades them to Resize-11+. Nearest
  // sampling rounds down where a dimension grows (Upsample allows nothing
  // else) and, as ONNX Runtime's Resize-10 and ONNX's opset-10 backend test
  // data do, up where it shrinks.
  if (node.op_type() == "Resize" && sourceOpset < 11) {
    auto hasAttribute = [&](StringRef name) {
      return llvm::any_of(node.attribute(),
                          [&](const auto &a) { return a.name() == name; });
    };
    // ONNX attributes by their ONNX names: the generic builder maps them
    // onto the nn op's ODS attributes like those the node spells out.
    if (!hasAttribute("coordinate_transformation_mode"))
      importer.impliedAttributes.push_back(
          builder.getNamedAttr("coordinate_transformation_mode",
                               builder.getStringAttr("asymmetric")));
    if (!hasAttribute("nearest_mode")) {
      StringRef rounding = "floor";
      // After the upgrade the operands are X, roi, scales.
      auto scales = importer.operands.size() > 2
                        ? importer.operands[2].getDefiningOp<nn::ConstantOp>()
                        : nn::ConstantOp();
      std::optional<SmallVector<double>> values;
      if (scales)
        values = nn::readAsDoubles(scales.getValue());
      if (values) {
        bool grows = llvm::any_of(*values, [](double s) { return s > 1; });
        bool shrinks = llvm::any_of(*values, [](double s) { return s < 1; });
        if (grows && shrinks) {
          importer.emitNodeError()
              << "opset-10 Resize both grows and shrinks dimensions (scales "
              << llvm::join(
                     llvm::map_range(
                         *values, [](double s) { return std::to_string(s); }),
                     ", ")
              << "), whose nearest rounding differs per dimension; re-export "
                 "the model at opset 11 or later";
          return failure();
        }
        if (shrinks)
          rounding = "ceil";
      }
      importer.impliedAttributes.push_back(builder.getNamedAttr(
          "nearest_mode", builder.getStringAttr(rounding)));
    }
  }
  // Before opset 7 PRelu's slope was per channel; since then it broadcasts
  // from the right, so a [C] slope becomes [C, 1, ..., 1].
  if (node.op_type() == "PRelu" && sourceOpset < 7 &&
      importer.operands.size() == 2) {
    auto x = dyn_cast<RankedTensorType>(importer.operands[0].getType());
    auto slope = dyn_cast<RankedTensorType>(importer.operands[1].getType());
    if (x && slope && x.getRank() > 2 && slope.getRank() == 1 &&
        slope.getDimSize(0) == x.getDimSize(1) && slope.getDimSize(0) != 1) {
      SmallVector<int64_t> shape(x.getRank() - 1, 1);
      shape[0] = slope.getDimSize(0);
      Value target = nn::ConstantOp::create(
          builder, loc,
          DenseElementsAttr::get(RankedTensorType::get({(int64_t)shape.size()},
                                                       builder.getI64Type()),
                                 ArrayRef<int64_t>(shape)));
      importer.operands[1] =
          nn::ReshapeOp::create(builder, loc, importer.operands[1], target);
    }
  }
  // Before opset 18 a Split without sizes splits evenly into as many parts
  // as the node has outputs; opset 18 says so with `num_outputs`.
  if (node.op_type() == "Split" && opset < 18 &&
      (node.input_size() < 2 || node.input(1).empty()))
    importer.impliedAttributes.push_back(builder.getNamedAttr(
        "num_outputs", builder.getI64IntegerAttr(node.output_size())));
  if (failed(getNodeBuilders().lookup(getBuilderKey(node))(importer)))
    return failure();
  if (node.output_size() > (int)importer.results.size()) {
    importer.emitNodeError()
        << "has " << node.output_size() << " outputs; whittle's op has "
        << importer.results.size();
    return failure();
  }
  for (auto [name, value] : llvm::zip_first(node.output(), importer.results)) {
    if (name.empty())
      continue;
    if (libraryChecked && options.crossCheckShapes &&
        failed(crossCheck(node, name, value.getType())))
      return failure();
    values[name] = value;
  }
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::import(onnx::ModelProto &model) {
  if (failed(normalizeModel(model)))
    return nullptr;
  onnx::GraphProto &graph = *model.mutable_graph();
  for (const onnx::ValueInfoProto &info : graph.value_info())
    onnxTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.output())
    onnxTypes[info.name()] = &info.type();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  // Discardable attributes of the builtin module and func ops (named with
  // the dialect prefix, as MLIR requires), which have no ODS accessors.
  module->getOperation()->setAttr("nn.opset", builder.getI64IntegerAttr(opset));
  if (sourceOpset != opset)
    module->getOperation()->setAttr("nn.source_opset",
                                    builder.getI64IntegerAttr(sourceOpset));
  if (!model.producer_name().empty())
    module->getOperation()->setAttr(
        "nn.producer", builder.getStringAttr(model.producer_name() + " " +
                                             model.producer_version()));

  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &init : graph.initializer())
    initializerNames.insert(init.name());

  SmallVector<Type> inputTypes;
  SmallVector<std::string> inputNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    FailureOr<RankedTensorType> type = convertValueType(input, "input");
    if (failed(type))
      return nullptr;
    inputTypes.push_back(*type);
    inputNames.push_back(input.name());
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, options.functionName,
                                   builder.getFunctionType(inputTypes, {}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  // All argument attributes at once: setting them one at a time makes a new
  // uniqued array per argument, quadratic memory (900 MB for 10,000 inputs).
  SmallVector<DictionaryAttr> argAttrs;
  for (auto [i, name] : llvm::enumerate(inputNames)) {
    values[name] = entry->getArgument(i);
    argAttrs.push_back(builder.getDictionaryAttr(
        builder.getNamedAttr("nn.name", builder.getStringAttr(name))));
  }
  func.setAllArgAttrs(argAttrs);

  for (onnx::TensorProto &init : *graph.mutable_initializer()) {
    FailureOr<ElementsAttr> value =
        convertTensor(init, "initializer '" + printable(init.name()) + "'");
    if (failed(value))
      return nullptr;
    Location loc = NameLoc::get(builder.getStringAttr(init.name()), fileLoc);
    values[init.name()] = nn::ConstantOp::create(builder, loc, *value);
  }

  FailureOr<SmallVector<const onnx::NodeProto *>> order = sortNodes(graph);
  if (failed(order))
    return nullptr;
  for (const onnx::NodeProto *node : *order)
    if (failed(importNode(*node)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    Value value = values.lookup(output.name());
    if (!value) {
      emitFileError() << "graph output '" << printable(output.name())
                      << "' is not produced by any node";
      return nullptr;
    }
    results.push_back(value);
    resultTypes.push_back(value.getType());
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setFunctionType(builder.getFunctionType(inputTypes, resultTypes));
  SmallVector<DictionaryAttr> resultAttrs;
  for (const onnx::ValueInfoProto &output : graph.output())
    resultAttrs.push_back(builder.getDictionaryAttr(
        builder.getNamedAttr("nn.name", builder.getStringAttr(output.name()))));
  func.setAllResultAttrs(resultAttrs);

  if (failed(verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

std::optional<std::string>
whittle::parseInputShape(StringRef value, ImportONNXOptions &options) {
  auto [name, dims] = value.rsplit('=');
  if (name.empty() || dims.empty())
    return "expected NAME=D0xD1x..., got '" + value.str() + "'";
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t d;
    if (part.getAsInteger(10, d) || d < 0)
      return "invalid dimension '" + part.str() + "' in '" + value.str() + "'";
    shape.push_back(d);
  }
  options.inputShapes[name] = shape;
  return std::nullopt;
}

bool whittle::isTextualONNXPath(StringRef path) {
  StringRef ext = llvm::sys::path::extension(path);
  return ext == ".onnxtext" || ext == ".onnxtxt" || ext == ".txt";
}

/// Removes comment lines (`#` or `//` first) so that lit RUN lines can live
/// in textual ONNX tests.
static std::string stripComments(StringRef text) {
  std::string out;
  out.reserve(text.size());
  SmallVector<StringRef> lines;
  text.split(lines, '\n');
  for (StringRef line : lines) {
    StringRef trimmed = line.ltrim();
    if (trimmed.starts_with("#") || trimmed.starts_with("//")) {
      out += '\n';
      continue;
    }
    out += line;
    out += '\n';
  }
  return out;
}

/// Parses `buffer`, or for binary models the file at `path` when it is one,
/// and imports the model.
static OwningOpRef<ModuleOp> parseAndImport(std::optional<StringRef> buffer,
                                            StringRef path, bool isText,
                                            MLIRContext *context,
                                            const ImportONNXOptions &options) {
  context->loadDialect<nn::NNDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);
  onnx::ModelProto model;
  std::optional<std::string> error;
  if (isText)
    error = parseTextModel(stripComments(*buffer), model);
  else if (buffer)
    error = parseBinaryModel(buffer->data(), buffer->size(), model);
  else
    error = parseBinaryModelFile(path.str(), model);
  if (error) {
    emitError(fileLoc) << "cannot parse " << (isText ? "textual " : "")
                       << "ONNX model: " << printable(*error);
    return nullptr;
  }
  GraphImporter importer(context, path, options);
  return importer.import(model);
}

OwningOpRef<ModuleOp> whittle::importONNX(StringRef buffer, StringRef path,
                                          bool isText, MLIRContext *context,
                                          const ImportONNXOptions &options) {
  return parseAndImport(buffer, path, isText, context, options);
}

OwningOpRef<ModuleOp>
whittle::importONNXFile(StringRef path, MLIRContext *context,
                        const ImportONNXOptions &options) {
  if (!llvm::sys::fs::is_regular_file(path)) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot open ONNX model: "
        << (llvm::sys::fs::exists(path) ? "not a regular file"
                                        : "No such file or directory");
    return nullptr;
  }
  if (!isTextualONNXPath(path))
    return parseAndImport(std::nullopt, path, /*isText=*/false, context,
                          options);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot open ONNX model: " << buffer.getError().message();
    return nullptr;
  }
  return parseAndImport((*buffer)->getBuffer(), path, /*isText=*/true, context,
                        options);
}
