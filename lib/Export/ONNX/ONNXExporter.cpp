//===- ONNXExporter.cpp - nn dialect to ONNX graph ------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The inverse of the importer. One generic node writer covers every op of
// the importer's table (ONNXOps.def): nn ops keep ONNX's operand order (a
// missing optional input is `nn.none`) and ONNX's attribute names and kinds,
// so each inherent attribute that differs from its default is written back
// under its own name. Constants become initializers; the opset is the
// newest one that any node's semantics needs, which keeps ordinary CNNs at
// opsets the ONNX library can still check.
//
//===----------------------------------------------------------------------===//

#include "whittle/Export/ONNX/ExportONNX.h"

#include "ONNXSchemas.h"
#include "whittle/Dialect/NN/LayerName.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Import/ONNX/ImportONNX.h"
#include "whittle/Import/ONNX/ONNXModelLoader.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace whittle;

//===----------------------------------------------------------------------===//
// Op table and opsets
//===----------------------------------------------------------------------===//

/// nn op name -> ONNX op type, from the importer's table.
static const llvm::StringMap<StringRef> &getOpTypes() {
  static const llvm::StringMap<StringRef> table = [] {
    llvm::StringMap<StringRef> map;
#define NN_ONNX_OP(onnxName, opClass)                                          \
  map[nn::opClass::getOperationName()] = #onnxName;
#include "whittle/Import/ONNX/ONNXOps.def"
    return map;
  }();
  return table;
}

StringRef whittle::getONNXOpType(Operation *op) {
  return getOpTypes().lookup(op->getName().getStringRef());
}

/// The oldest opset the exporter writes: the importer's oldest.
constexpr int64_t kOldestExportOpset = onnx_import::kOldestOpset;

/// Features of the opset-18 to 21 schemas that the nn ops follow and the
/// ONNX library (opset 17) does not know: a node using one needs `opset`.
/// A feature is an attribute that differs from its default (equal to
/// `value` when one is given) or an optional operand that is present.
struct NewerOpsetFeature {
  StringRef opType;
  StringRef attribute;
  int operand;
  int64_t opset;
  StringRef value = "";
};
static const NewerOpsetFeature kNewerOpsetFeatures[] = {
    {"ReduceMean", "", 1, 18},
    {"ReduceMean", "noop_with_empty_axes", -1, 18},
    {"ReduceMax", "", 1, 18},
    {"ReduceMax", "noop_with_empty_axes", -1, 18},
    {"ReduceMin", "", 1, 18},
    {"ReduceMin", "noop_with_empty_axes", -1, 18},
    {"ReduceProd", "", 1, 18},
    {"ReduceProd", "noop_with_empty_axes", -1, 18},
    {"ReduceL2", "", 1, 18},
    {"ReduceL2", "noop_with_empty_axes", -1, 18},
    {"Split", "num_outputs", -1, 18},
    {"Pad", "", 3, 18},
    {"Pad", "mode", -1, 19, "wrap"},
    {"Resize", "antialias", -1, 18},
    {"Resize", "axes", -1, 18},
    {"Resize", "keep_aspect_ratio_policy", -1, 18},
    {"Resize", "coordinate_transformation_mode", -1, 19,
     "half_pixel_symmetric"},
    {"AveragePool", "dilations", -1, 19},
    {"Cast", "saturate", -1, 19},
    {"QuantizeLinear", "saturate", -1, 19},
    {"QuantizeLinear", "block_size", -1, 21},
    {"QuantizeLinear", "output_dtype", -1, 21},
    {"DequantizeLinear", "block_size", -1, 21},
};
/// Operators newer than the ONNX library, with the opset that added them.
static const std::pair<StringRef, int64_t> kNewerOperators[] = {
    {"Gelu", 20},
};

/// The IR version that came with each opset (ONNX's versioning table).
static int64_t getIRVersion(int64_t opset) {
  if (opset >= 21)
    return 10;
  if (opset >= 19)
    return 9;
  if (opset >= 14)
    return 8;
  if (opset >= 13)
    return 7;
  return 6;
}

//===----------------------------------------------------------------------===//
// Exporter
//===----------------------------------------------------------------------===//

namespace {

class ModelExporter {
public:
  ModelExporter(ModuleOp module, const ExportONNXOptions &options)
      : module(module), options(options), graph(model.mutable_graph()) {}

  LogicalResult run(std::string &bytes);

private:
  LogicalResult checkSupported(func::FuncOp func);
  LogicalResult setValueType(onnx::ValueInfoProto &info, Value value,
                             Location loc, StringRef role);
  FailureOr<int32_t> getDataType(Type elementType, Location loc,
                                 const Twine &what);
  LogicalResult fillTensor(onnx::TensorProto &tensor, ElementsAttr value,
                           Location loc);
  LogicalResult exportConstant(nn::ConstantOp op);
  LogicalResult exportNode(Operation *op);
  LogicalResult exportUpsample(nn::UpsampleOp op);
  LogicalResult addAttribute(onnx::NodeProto &node, StringRef name,
                             Attribute value, Operation *op);
  void requireOpset(int64_t needed) { opset = std::max(opset, needed); }
  void requireOpsetFor(Operation *op, StringRef opType);
  DictionaryAttr getDefaults(Operation *op);
  bool isNonDefault(Operation *op, StringRef name, Attribute value);
  LogicalResult moveToExternalData();

  std::string uniqueValueName(StringRef base);
  std::string uniqueNodeName(StringRef base);
  onnx::NodeProto *addNode(Operation *op, StringRef opType);

  ModuleOp module;
  const ExportONNXOptions &options;
  onnx::ModelProto model;
  onnx::GraphProto *graph;
  int64_t opset = kOldestExportOpset;
  llvm::DenseMap<Value, std::string> names;
  llvm::StringSet<> valueNames, nodeNames;
  llvm::DenseMap<OperationName, DictionaryAttr> defaults;
};

} // namespace

static std::string uniqueName(llvm::StringSet<> &used, StringRef base) {
  std::string name = base.str();
  for (int i = 1; !used.insert(name).second; ++i)
    name = (base + "_" + Twine(i)).str();
  return name;
}

std::string ModelExporter::uniqueValueName(StringRef base) {
  return uniqueName(valueNames, base);
}

std::string ModelExporter::uniqueNodeName(StringRef base) {
  return uniqueName(nodeNames, base);
}

void ModelExporter::requireOpsetFor(Operation *op, StringRef opType) {
  for (const auto &[newOp, since] : kNewerOperators)
    if (newOp == opType)
      return requireOpset(since);
  if (std::optional<int64_t> since = onnx_export::getSchemaSinceVersion(
          opType.str(), onnx_import::kLibraryOpset))
    requireOpset(*since);
  for (const NewerOpsetFeature &feature : kNewerOpsetFeatures) {
    if (feature.opType != opType)
      continue;
    if (feature.operand >= 0) {
      if (feature.operand < (int)op->getNumOperands() &&
          !nn::isNone(op->getOperand(feature.operand)))
        requireOpset(feature.opset);
      continue;
    }
    Attribute value = op->getInherentAttr(feature.attribute).value_or(nullptr);
    if (!value || !isNonDefault(op, feature.attribute, value))
      continue;
    auto string = dyn_cast<StringAttr>(value);
    if (feature.value.empty() || (string && string == feature.value))
      requireOpset(feature.opset);
  }
}

DictionaryAttr ModelExporter::getDefaults(Operation *op) {
  auto it = defaults.find(op->getName());
  if (it != defaults.end())
    return it->second;
  // A detached op with nothing set has exactly the default-valued
  // attributes.
  Operation *blank =
      Operation::create(op->getLoc(), op->getName(), {}, {}, NamedAttrList(),
                        OpaqueProperties(nullptr), {}, /*numRegions=*/0);
  if (blank->getPropertiesStorageSize())
    op->getName().populateDefaultProperties(blank->getPropertiesStorage());
  NamedAttrList values;
  for (StringAttr name : op->getName().getAttributeNames())
    if (std::optional<Attribute> value = blank->getInherentAttr(name))
      if (*value)
        values.append(name, *value);
  blank->destroy();
  DictionaryAttr dictionary = values.getDictionary(op->getContext());
  defaults[op->getName()] = dictionary;
  return dictionary;
}

bool ModelExporter::isNonDefault(Operation *op, StringRef name,
                                 Attribute value) {
  return getDefaults(op).get(name) != value;
}

FailureOr<int32_t> ModelExporter::getDataType(Type elementType, Location loc,
                                              const Twine &what) {
  if (std::optional<int32_t> code = getONNXDataType(elementType))
    return *code;
  emitError(loc) << what << " has element type " << elementType
                 << ", which has no ONNX form";
  return failure();
}

LogicalResult ModelExporter::setValueType(onnx::ValueInfoProto &info,
                                          Value value, Location loc,
                                          StringRef role) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  std::string what = (role + " '" + info.name() + "'").str();
  if (!type) {
    emitError(loc) << what << " has type " << value.getType()
                   << "; ONNX graphs take ranked tensors only";
    return failure();
  }
  FailureOr<int32_t> code = getDataType(type.getElementType(), loc, what);
  if (failed(code))
    return failure();
  onnx::TypeProto_Tensor *tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(*code);
  onnx::TensorShapeProto *shape = tensor->mutable_shape();
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    if (ShapedType::isDynamic(d))
      shape->add_dim()->set_dim_param(info.name() + "_d" + std::to_string(i));
    else
      shape->add_dim()->set_dim_value(d);
  }
  return success();
}

LogicalResult ModelExporter::fillTensor(onnx::TensorProto &tensor,
                                        ElementsAttr value, Location loc) {
  auto type = cast<ShapedType>(value.getType());
  FailureOr<int32_t> code = getDataType(type.getElementType(), loc,
                                        "constant '" + tensor.name() + "'");
  if (failed(code))
    return failure();
  tensor.set_data_type(*code);
  for (int64_t d : type.getShape())
    tensor.add_dims(d);
  Type elementType = type.getElementType();
  size_t bytes = nn::getStorageBytes(elementType);
  std::string *raw = tensor.mutable_raw_data();

  // Resource blobs (imported weights) hold the bytes exactly as ONNX's
  // raw_data does: copy them as they are.
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      emitError(loc) << "constant's resource blob '"
                     << resource.getRawHandle().getKey()
                     << "' has no data (was it elided when printing?)";
      return failure();
    }
    ArrayRef<char> data = blob->getData();
    if (data.size() != type.getNumElements() * bytes) {
      emitError(loc) << "constant's resource blob holds " << data.size()
                     << " bytes but its type needs "
                     << type.getNumElements() * bytes;
      return failure();
    }
    raw->assign(data.data(), data.size());
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense) {
    emitError(loc) << "constant of kind " << value
                   << " cannot be exported (dense or dense_resource only)";
    return failure();
  }
  raw->reserve(type.getNumElements() * bytes);
  auto append = [&](const APInt &bits) {
    uint64_t word = bits.getZExtValue();
    raw->append(reinterpret_cast<const char *>(&word), bytes);
  };
  if (isa<FloatType>(dense.getElementType())) {
    for (const APFloat &v : dense.getValues<APFloat>())
      append(v.bitcastToAPInt());
  } else if (dense.getElementType().isIntOrIndex()) {
    for (const APInt &v : dense.getValues<APInt>())
      append(v);
  } else {
    emitError(loc) << "constant with elements of type "
                   << dense.getElementType() << " cannot be exported";
    return failure();
  }
  return success();
}

LogicalResult ModelExporter::checkSupported(func::FuncOp func) {
  bool ok = true;
  if (!func.getBody().hasOneBlock()) {
    func.emitError() << "has " << func.getBody().getBlocks().size()
                     << " blocks; an ONNX graph is one block of ops";
    return failure();
  }
  for (Operation &op : func.getBody().front()) {
    if (isa<nn::ConstantOp, nn::NoneOp, nn::UpsampleOp, func::ReturnOp>(op) ||
        !getONNXOpType(&op).empty())
      continue;
    op.emitError() << "'" << op.getName()
                   << "' has no ONNX form; the ONNX exporter writes nn ops "
                      "only (export before lowering or quantizing to other "
                      "dialects)";
    ok = false;
  }
  return success(ok);
}

onnx::NodeProto *ModelExporter::addNode(Operation *op, StringRef opType) {
  onnx::NodeProto *node = graph->add_node();
  node->set_op_type(opType.str());
  std::optional<StringRef> locName = nn::getLayerName(op->getLoc());
  node->set_name(uniqueNodeName(locName ? *locName : opType));
  for (Value operand : op->getOperands())
    node->add_input(names.lookup(operand));
  // Missing optional inputs at the end are left out.
  while (node->input_size() > 0 && node->input(node->input_size() - 1).empty())
    node->mutable_input()->RemoveLast();
  for (OpResult result : op->getResults()) {
    auto it = names.find(result);
    if (it == names.end()) {
      std::string base =
          op->getNumResults() == 1
              ? node->name()
              : node->name() + "_" + std::to_string(result.getResultNumber());
      it = names.try_emplace(result, uniqueValueName(base)).first;
    }
    node->add_output(it->second);
  }
  // Unused optional outputs (MaxPool's Indices, Dropout's mask) are left
  // out, so that runtimes need not compute them; variadic results are all
  // outputs ONNX needs.
  if (!op->hasTrait<OpTrait::VariadicResults>()) {
    int required = onnx_export::getSchemaMinOutputs(opType.str(),
                                                    onnx_import::kLibraryOpset)
                       .value_or(op->getNumResults());
    while (node->output_size() > required &&
           op->getResult(node->output_size() - 1).use_empty())
      node->mutable_output()->RemoveLast();
  }
  return node;
}

LogicalResult ModelExporter::addAttribute(onnx::NodeProto &node, StringRef name,
                                          Attribute value, Operation *op) {
  onnx::AttributeProto *attr = node.add_attribute();
  attr->set_name(name.str());
  if (auto i = dyn_cast<IntegerAttr>(value)) {
    attr->set_type(onnx::AttributeProto::INT);
    attr->set_i(i.getValue().getSExtValue());
  } else if (auto f = dyn_cast<FloatAttr>(value)) {
    attr->set_type(onnx::AttributeProto::FLOAT);
    attr->set_f(static_cast<float>(f.getValueAsDouble()));
  } else if (auto s = dyn_cast<StringAttr>(value)) {
    attr->set_type(onnx::AttributeProto::STRING);
    attr->set_s(s.str());
  } else if (auto ints = dyn_cast<DenseI64ArrayAttr>(value)) {
    attr->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : ints.asArrayRef())
      attr->add_ints(v);
  } else if (auto floats = dyn_cast<DenseF32ArrayAttr>(value)) {
    attr->set_type(onnx::AttributeProto::FLOATS);
    for (float v : floats.asArrayRef())
      attr->add_floats(v);
  } else if (auto elements = dyn_cast<ElementsAttr>(value)) {
    attr->set_type(onnx::AttributeProto::TENSOR);
    attr->mutable_t()->set_name(name.str());
    if (failed(fillTensor(*attr->mutable_t(), elements, op->getLoc())))
      return failure();
  } else if (auto array = dyn_cast<ArrayAttr>(value);
             array && llvm::all_of(array, llvm::IsaPred<StringAttr>)) {
    attr->set_type(onnx::AttributeProto::STRINGS);
    for (Attribute s : array)
      attr->add_strings(cast<StringAttr>(s).str());
  } else {
    op->emitError() << "attribute '" << name << "' (" << value
                    << ") has no ONNX attribute kind";
    return failure();
  }
  return success();
}

LogicalResult ModelExporter::exportConstant(nn::ConstantOp op) {
  std::optional<StringRef> locName = nn::getLayerName(op.getLoc());
  std::string name = uniqueValueName(locName ? *locName : "constant");
  names[op.getResult()] = name;
  onnx::TensorProto *tensor = graph->add_initializer();
  tensor->set_name(name);
  return fillTensor(*tensor, op.getValue(), op.getLoc());
}

LogicalResult ModelExporter::exportUpsample(nn::UpsampleOp op) {
  // Upsample left ONNX at opset 10; Resize with asymmetric coordinates and
  // floored nearest neighbours computes the same.
  onnx::NodeProto *node = addNode(op, "Resize");
  std::string scales = node->input(1);
  node->mutable_input()->RemoveLast();
  node->add_input("");
  node->add_input(scales);
  StringRef mode = op.getMode();
  auto *attr = node->add_attribute();
  attr->set_name("mode");
  attr->set_type(onnx::AttributeProto::STRING);
  attr->set_s(mode.str());
  attr = node->add_attribute();
  attr->set_name("coordinate_transformation_mode");
  attr->set_type(onnx::AttributeProto::STRING);
  attr->set_s("asymmetric");
  if (mode == "nearest") {
    attr = node->add_attribute();
    attr->set_name("nearest_mode");
    attr->set_type(onnx::AttributeProto::STRING);
    attr->set_s("floor");
  }
  requireOpsetFor(op, "Resize");
  return success();
}

LogicalResult ModelExporter::exportNode(Operation *op) {
  if (auto constant = dyn_cast<nn::ConstantOp>(op))
    return exportConstant(constant);
  if (isa<nn::NoneOp>(op)) {
    names[op->getResult(0)] = "";
    return success();
  }
  if (auto upsample = dyn_cast<nn::UpsampleOp>(op))
    return exportUpsample(upsample);
  StringRef opType = getONNXOpType(op);
  onnx::NodeProto *node = addNode(op, opType);
  // Inherent attributes only: discardable ones (whittle.*) are whittle's
  // annotations, not ONNX's.
  for (StringAttr name : op->getName().getAttributeNames()) {
    Attribute value = op->getInherentAttr(name).value_or(nullptr);
    if (!value || !isNonDefault(op, name, value))
      continue;
    if (failed(addAttribute(*node, name, value, op)))
      return failure();
  }
  requireOpsetFor(op, opType);
  return success();
}

LogicalResult ModelExporter::moveToExternalData() {
  std::string location =
      llvm::sys::path::filename(options.externalDataPath).str();
  std::error_code error;
  llvm::ToolOutputFile file(options.externalDataPath, error,
                            llvm::sys::fs::OF_None);
  if (error) {
    emitError(module.getLoc())
        << "cannot write external data file '" << options.externalDataPath
        << "': " << error.message();
    return failure();
  }
  uint64_t offset = 0;
  for (onnx::TensorProto &tensor : *graph->mutable_initializer()) {
    int64_t size = tensor.raw_data().size();
    if (size < options.externalDataThreshold)
      continue;
    // ONNX Runtime maps external data with page-aligned offsets in mind;
    // align like onnx.save does.
    uint64_t aligned = (offset + 4095) / 4096 * 4096;
    file.os().write_zeros(aligned - offset);
    file.os() << tensor.raw_data();
    auto addEntry = [&](StringRef key, StringRef value) {
      onnx::StringStringEntryProto *entry = tensor.add_external_data();
      entry->set_key(key.str());
      entry->set_value(value.str());
    };
    addEntry("location", location);
    addEntry("offset", std::to_string(aligned));
    addEntry("length", std::to_string(size));
    tensor.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
    tensor.clear_raw_data();
    offset = aligned + size;
  }
  file.keep();
  return success();
}

LogicalResult ModelExporter::run(std::string &bytes) {
  SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
  if (funcs.size() != 1) {
    emitError(module.getLoc())
        << "expected one func.func to export as the ONNX graph, found "
        << funcs.size();
    return failure();
  }
  func::FuncOp func = funcs.front();
  if (failed(checkSupported(func)))
    return failure();
  graph->set_name(func.getSymName().str());

  // Graph inputs and outputs keep the ONNX names the importer recorded.
  for (BlockArgument arg : func.getArguments()) {
    auto name =
        func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "nn.name");
    std::string unique = uniqueValueName(
        name ? name.getValue()
             : StringRef("input_" + std::to_string(arg.getArgNumber())));
    names[arg] = unique;
    onnx::ValueInfoProto *info = graph->add_input();
    info->set_name(unique);
    if (failed(setValueType(*info, arg, func.getLoc(), "graph input")))
      return failure();
  }
  auto returnOp = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  SmallVector<std::string> outputNames;
  SmallVector<std::pair<std::string, Value>> identities;
  llvm::DenseSet<Value> namedByOutput;
  for (auto [i, value] : llvm::enumerate(returnOp.getOperands())) {
    auto name = func.getResultAttrOfType<StringAttr>(i, "nn.name");
    std::string unique = uniqueValueName(
        name ? name.getValue() : StringRef("output_" + std::to_string(i)));
    outputNames.push_back(unique);
    // A node's result takes the output's name; an input, a constant or a
    // value returned twice goes through an Identity node instead.
    bool byNode = !isa<BlockArgument>(value) && value.getDefiningOp() &&
                  !isa<nn::ConstantOp, nn::NoneOp>(value.getDefiningOp()) &&
                  namedByOutput.insert(value).second;
    if (byNode)
      names[value] = unique;
    else
      identities.push_back({unique, value});
  }

  for (Operation &op : func.getBody().front().without_terminator())
    if (failed(exportNode(&op)))
      return failure();
  for (auto &[name, value] : identities) {
    onnx::NodeProto *node = graph->add_node();
    node->set_op_type("Identity");
    node->set_name(uniqueNodeName(name + "_identity"));
    node->add_input(names.lookup(value));
    node->add_output(name);
    requireOpset(onnx_export::getSchemaSinceVersion("Identity",
                                                    onnx_import::kLibraryOpset)
                     .value_or(1));
  }
  for (auto [name, value] : llvm::zip(outputNames, returnOp.getOperands())) {
    onnx::ValueInfoProto *info = graph->add_output();
    info->set_name(name);
    if (failed(setValueType(*info, value, returnOp.getLoc(), "graph output")))
      return failure();
  }

  model.set_ir_version(getIRVersion(opset));
  model.set_producer_name("whittle");
  onnx::OperatorSetIdProto *opsetId = model.add_opset_import();
  opsetId->set_domain("");
  opsetId->set_version(opset);

  // The library knows the schemas up to its own opset; newer models are
  // left to the runtime's checks, as on import.
  if (options.check && opset <= onnx_import::kLibraryOpset) {
    if (std::optional<std::string> error = onnx_import::checkModel(model)) {
      emitError(module.getLoc())
          << "the exported model fails the ONNX checker: " << *error;
      return failure();
    }
  }
  if (!options.externalDataPath.empty() && failed(moveToExternalData()))
    return failure();
  if (model.ByteSizeLong() > static_cast<size_t>(INT32_MAX)) {
    emitError(module.getLoc())
        << "the model is over 2 GiB, the protobuf limit; export the weights "
           "as external data";
    return failure();
  }
  if (!model.SerializeToString(&bytes)) {
    emitError(module.getLoc()) << "cannot serialize the ONNX model";
    return failure();
  }
  return success();
}

LogicalResult whittle::exportONNX(ModuleOp module, std::string &bytes,
                                  const ExportONNXOptions &options) {
  ModelExporter exporter(module, options);
  return exporter.run(bytes);
}
