//===- EmitDesign.cpp - the dataflow design's structure -------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The emitter's walk: find the design's ports (the input qnn.quantize ops
// and the output qnn.dequantize ops, which the testbench or host computes),
// check that every stage carries its configuration, then print each stage
// in program order, keeping one stream per reader of every activation
// (forks where several stages read one value, width converters and
// reorders where a reader wants another beat width or order), and finally
// the top function around them.
//
//===----------------------------------------------------------------------===//

#include "EmitDesign.h"

#include "whittle/Dialect/HLSCpp/HLSCppDialect.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Support/CHeader.h"
#include "whittle/Target/HLSCpp/CostModel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

#include <numeric>

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;
using namespace whittle::hlscpp::detail;

//===----------------------------------------------------------------------===//
// StreamLayout
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> getRowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Drops dimensions of size 1 and merges an outer dimension into the next
/// when together they step through one contiguous run.
static SmallVector<StreamLayout::Dim>
normalizeDims(ArrayRef<StreamLayout::Dim> dims) {
  SmallVector<StreamLayout::Dim> result;
  for (StreamLayout::Dim dim : dims) {
    if (dim.size == 1)
      continue;
    if (!result.empty() && result.back().stride == dim.stride * dim.size) {
      result.back() = {result.back().size * dim.size, dim.stride};
      continue;
    }
    result.push_back(dim);
  }
  return result;
}

StreamLayout::StreamLayout(ArrayRef<int64_t> shape, ArrayRef<Dim> dims)
    : shape(shape), dims(normalizeDims(dims)) {}

StreamLayout StreamLayout::rowMajor(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides = getRowMajorStrides(shape);
  SmallVector<Dim> dims;
  for (auto [size, stride] : llvm::zip(shape, strides))
    dims.push_back({size, stride});
  return StreamLayout(shape, dims);
}

StreamLayout StreamLayout::channelsLast(ArrayRef<int64_t> shape) {
  if (shape.size() < 2)
    return rowMajor(shape);
  SmallVector<int64_t> strides = getRowMajorStrides(shape);
  SmallVector<Dim> dims;
  for (size_t i = 1; i < shape.size(); ++i)
    dims.push_back({shape[i], strides[i]});
  dims.push_back({shape[0], strides[0]});
  return StreamLayout(shape, dims);
}

StreamLayout StreamLayout::reshaped(ArrayRef<int64_t> newShape) const {
  return StreamLayout(newShape, dims);
}

int64_t StreamLayout::getNumElements() const {
  int64_t n = 1;
  for (Dim dim : dims)
    n *= dim.size;
  return n;
}

std::optional<StreamLayout>
StreamLayout::transposed(ArrayRef<int64_t> perm) const {
  SmallVector<int64_t> strides = getRowMajorStrides(shape);
  SmallVector<int64_t> newShape, inverse(perm.size());
  for (auto [j, d] : llvm::enumerate(perm)) {
    newShape.push_back(shape[d]);
    inverse[d] = j;
  }
  SmallVector<int64_t> newStrides = getRowMajorStrides(newShape);
  SmallVector<Dim> newDims;
  for (Dim dim : dims) {
    // The run of frame dimensions [first, last] this stream loop covers.
    int64_t last = -1;
    for (size_t i = 0; i < shape.size(); ++i)
      if (shape[i] > 1 && strides[i] == dim.stride)
        last = i;
    if (last < 0)
      return std::nullopt;
    int64_t first = last, covered = shape[last];
    while (covered < dim.size && first > 0) {
      --first;
      covered *= shape[first];
    }
    if (covered != dim.size)
      return std::nullopt;
    for (int64_t d = first; d <= last; ++d)
      newDims.push_back({shape[d], newStrides[inverse[d]]});
  }
  return StreamLayout(newShape, newDims);
}

int64_t StreamLayout::getLogicalIndex(int64_t position) const {
  int64_t index = 0;
  for (const Dim &dim : llvm::reverse(dims)) {
    index += (position % dim.size) * dim.stride;
    position /= dim.size;
  }
  return index;
}

std::optional<std::pair<int64_t, int64_t>>
StreamLayout::getAxisInStream(int64_t axis) const {
  int64_t size = shape[axis];
  if (size == 1)
    return std::make_pair(int64_t(1), int64_t(1));
  int64_t stride = getRowMajorStrides(shape)[axis];
  int64_t inner = 1;
  for (const Dim &dim : llvm::reverse(dims)) {
    if (stride % dim.stride == 0) {
      int64_t step = stride / dim.stride;
      if (dim.size % (step * size) == 0)
        return std::make_pair(inner * step, size);
    }
    inner *= dim.size;
  }
  return std::nullopt;
}

std::string StreamLayout::describe() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "frame ";
  llvm::interleave(shape, os, "x");
  os << ", streamed as ";
  if (dims.empty())
    os << "one element";
  llvm::interleave(
      dims, os,
      [&](const Dim &dim) { os << dim.size << " (step " << dim.stride << ")"; },
      " x ");
  return text;
}

//===----------------------------------------------------------------------===//
// Formatting
//===----------------------------------------------------------------------===//

std::string whittle::hlscpp::detail::formatFloat(float value) {
  // %a prints the exact binary value; C++17 reads hexadecimal floats.
  if (std::isnan(value))
    return "(0.0f / 0.0f)";
  if (std::isinf(value))
    return value > 0 ? "(1.0f / 0.0f)" : "(-1.0f / 0.0f)";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%af", static_cast<double>(value));
  return buffer;
}

std::string whittle::hlscpp::detail::formatList(ArrayRef<int64_t> values,
                                                unsigned indent) {
  std::string text = "{";
  size_t lineStart = 0;
  for (auto [i, value] : llvm::enumerate(values)) {
    std::string item = std::to_string(value);
    if (i + 1 < values.size())
      item += ",";
    if (text.size() - lineStart + item.size() + 1 > 76) {
      text += "\n" + std::string(indent, ' ');
      lineStart = text.size() - indent;
    } else if (i > 0) {
      text += " ";
    }
    text += item;
  }
  return text + "}";
}

std::string whittle::hlscpp::detail::formatRounding(qnn::RoundingMode mode) {
  return ("RoundingMode::" + qnn::stringifyRoundingMode(mode)).str();
}

static std::string getCType(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (element.isInteger(32))
    return "int32_t";
  return "int8_t";
}

static std::string describeLocation(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return "'" + name.getName().str() + "'";
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (llvm::sys::path::filename(file.getFilename().getValue()) + ":" +
            Twine(file.getLine()))
        .str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      return describeLocation(fused.getLocations().front());
  return "";
}

//===----------------------------------------------------------------------===//
// Ports and stages
//===----------------------------------------------------------------------===//

/// Float elementwise ops before an input qnn.quantize that the testbench
/// computes: one operand the input's chain, the other a constant.
static bool isHostOp(Operation *op) {
  return isa<nn::AddOp, nn::SubOp, nn::MulOp, nn::DivOp>(op) &&
         op->getNumOperands() == 2 &&
         isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType())) &&
         llvm::count_if(op->getOperands(), [](Value operand) {
           return operand.getDefiningOp<nn::ConstantOp>() != nullptr;
         }) == 1;
}

/// Follows `value` (float, from argument `argument`) to the qnn.quantize
/// ops that end the host's part.
static LogicalResult collectInputs(Value value, unsigned argument,
                                   SmallVector<Operation *> hostOps,
                                   SmallVectorImpl<InputPort> &ports) {
  for (Operation *user : value.getUsers()) {
    if (auto quantize = dyn_cast<qnn::QuantizeOp>(user)) {
      ports.push_back({argument, hostOps, quantize, quantize.getY()});
      continue;
    }
    if (!isHostOp(user))
      return user->emitOpError()
             << "reads the float input " << argument
             << " before its qnn.quantize; the HLS design starts at "
                "qnn.quantize and the testbench computes only elementwise "
                "add, sub, mul and div with a constant before it";
    SmallVector<Operation *> chain = hostOps;
    chain.push_back(user);
    if (failed(collectInputs(user->getResult(0), argument, chain, ports)))
      return failure();
  }
  return success();
}

LogicalResult DesignEmitter::findPorts() {
  for (BlockArgument argument : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(argument.getType());
    if (!type || !type.hasStaticShape() || type.getRank() < 1)
      return func.emitError() << "input " << argument.getArgNumber()
                              << " has no static shape with a leading "
                                 "(batch) dimension";
    Type element = type.getElementType();
    if (isa<FloatType>(element)) {
      if (failed(collectInputs(argument, argument.getArgNumber(), {}, inputs)))
        return failure();
    } else if (element.isInteger(8)) {
      inputs.push_back({argument.getArgNumber(), {}, nullptr, argument});
    } else {
      return func.emitError() << "input " << argument.getArgNumber()
                              << " is neither float nor i8";
    }
  }
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (OpOperand &operand : ret->getOpOperands()) {
    Value value = operand.get();
    auto dequantize = value.getDefiningOp<qnn::DequantizeOp>();
    if (dequantize)
      value = dequantize.getX();
    Type element = getElementTypeOrSelf(value.getType());
    if (!element.isInteger(8) && !element.isInteger(32))
      return ret.emitOpError()
             << "returns output " << operand.getOperandNumber()
             << ", which is neither an integer tensor nor a qnn.dequantize "
                "of one; the HLS design ends at qnn.dequantize";
    outputs.push_back({operand.getOperandNumber(), dequantize, value});
  }
  if (inputs.empty())
    return func.emitError() << "has no input the design could read";
  batch = cast<RankedTensorType>(inputs.front().value.getType()).getDimSize(0);
  return success();
}

LogicalResult DesignEmitter::checkStages() {
  for (Operation &op : func.getBody().front()) {
    if (!isStage(&op))
      continue;
    if (!op.getAttrOfType<StageAttr>(HLSCppDialect::kStageAttrName))
      return op.emitOpError()
             << "is a dataflow stage without an '"
             << HLSCppDialect::kStageAttrName
             << "' attribute; run the HLS planning passes first";
    for (Type type : op.getResultTypes()) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() || tensor.getRank() < 1 ||
          tensor.getDimSize(0) != batch)
        return op.emitOpError()
               << "has result type " << type
               << "; every stage of the design keeps the leading (batch) "
                  "dimension of "
               << batch << " that the frames loop over";
    }
  }
  return success();
}

StageAttr DesignEmitter::getStage(Operation *op) const {
  return op->getAttrOfType<StageAttr>(HLSCppDialect::kStageAttrName);
}

std::string DesignEmitter::getStageName(Operation *op) {
  auto [it, inserted] = stageNames.try_emplace(op);
  if (inserted)
    it->second =
        (op->getName().stripDialect() + "_" + Twine(stageNames.size() - 1))
            .str();
  return it->second;
}

int64_t DesignEmitter::getFifoDepth(Operation *op, unsigned index) const {
  StageAttr stage = op ? getStage(op) : StageAttr();
  if (!stage || index >= stage.getFifoDepths().size())
    return 2;
  return stage.getFifoDepths()[index];
}

ArrayRef<int64_t> DesignEmitter::getFrameShape(Value value) const {
  return cast<RankedTensorType>(value.getType()).getShape().drop_front();
}

//===----------------------------------------------------------------------===//
// Streams
//===----------------------------------------------------------------------===//

std::string DesignEmitter::declareStream(StringRef hint, StringRef type,
                                         int64_t width, int64_t depth) {
  std::string base = sanitizeCIdentifier(hint, "s_");
  std::string name = base;
  for (unsigned i = 1; streamIndex.count(name); ++i)
    name = base + "_" + std::to_string(i);
  streamIndex[name] = streams.size();
  streams.push_back({name, type.str(), width, depth});
  return name;
}

unsigned DesignEmitter::countReaders(Value value) const {
  unsigned readers = 0;
  for (OpOperand &use : value.getUses())
    if (isStage(use.getOwner()))
      ++readers;
  for (const OutputPort &port : outputs)
    if (port.value == value)
      ++readers;
  return readers;
}

void DesignEmitter::define(Value value, StringRef stream, int64_t width,
                           StreamLayout layout) {
  Activation activation{layout, getCType(value.getType()), width, {}};
  int64_t beats = layout.getNumElements() / width;
  unsigned readers = countReaders(value);
  std::string type = activation.type;
  if (readers == 0) {
    // Nothing reads it: drain it so the FIFO never fills.
    bodyOS << "  discard<" << type << ", " << width << ", " << beats << ">("
           << stream << ", frames);\n";
  } else if (readers == 1) {
    activation.copies.push_back(stream.str());
  } else {
    // A chain of forks, one copy per reader in program order.
    std::string current = stream.str();
    for (unsigned i = 0; i + 1 < readers; ++i) {
      std::string copy =
          declareStream((stream + "_copy" + Twine(i)).str(), type, width);
      std::string rest =
          i + 2 == readers
              ? declareStream((stream + "_copy" + Twine(i + 1)).str(), type,
                              width)
              : declareStream((stream + "_rest" + Twine(i)).str(), type, width);
      bodyOS << "  fork<" << type << ", " << width << ", " << beats << ">("
             << current << ", " << copy << ", " << rest << ", frames);\n";
      activation.copies.push_back(copy);
      current = rest;
    }
    activation.copies.push_back(current);
  }
  active.insert_or_assign(value, std::move(activation));
}

/// `{{size, stride, inner}, ...}`: a layout's loops for reorder.
static std::string formatLoops(const StreamLayout &layout) {
  std::string text = "{";
  int64_t inner = layout.getNumElements();
  for (auto [i, dim] : llvm::enumerate(layout.getDims())) {
    inner /= dim.size;
    text += (i ? ", {" : "{") + std::to_string(dim.size) + ", " +
            std::to_string(dim.stride) + ", " + std::to_string(inner) + "}";
  }
  return text + "}";
}

FailureOr<DesignEmitter::Taken>
DesignEmitter::take(Value value, Operation *consumer, unsigned index,
                    int64_t width, const StreamLayout *required) {
  auto it = active.find(value);
  if (it == active.end() || it->second.next >= it->second.copies.size()) {
    Operation *at = consumer ? consumer : func.getOperation();
    return at->emitOpError() << "reads a value the design has no stream for";
  }
  Activation &activation = it->second;
  std::string stream = activation.copies[activation.next++];
  int64_t depth = consumer ? getFifoDepth(consumer, index) : 2;
  int64_t elements = activation.layout.getNumElements();
  if (width == 0)
    width = activation.width;
  std::string prefix = consumer ? getStageName(consumer) : std::string("out");
  if (required && !activation.layout.sameOrder(*required) && elements > 1) {
    std::string name = prefix + "_reordered" + Twine(index).str();
    std::string out = declareStream(name, activation.type, width, depth);
    StreamLayout from = activation.layout;
    globalsOS << "// " << prefix << " reads operand " << index
              << " in another order: a reorder stage holds one frame.\n"
              << "static const long long " << name << "_from["
              << from.getDims().size() << "][3] = " << formatLoops(from)
              << ";\nstatic const long long " << name << "_to["
              << required->getDims().size()
              << "][3] = " << formatLoops(*required) << ";\n\n";
    bodyOS << "  reorder<" << activation.type << ", " << elements << ", "
           << activation.width << ", " << width << ">(" << stream << ", " << out
           << ", " << name << "_from, " << name << "_to, frames);\n";
    return Taken{out, width, required->reshaped(activation.layout.getShape())};
  }
  if (width != activation.width) {
    std::string out = declareStream(prefix + "_in" + Twine(index).str() + "_w" +
                                        Twine(width).str(),
                                    activation.type, width, depth);
    bodyOS << "  convert_width<" << activation.type << ", " << elements << ", "
           << activation.width << ", " << width << ">(" << stream << ", " << out
           << ", frames);\n";
    return Taken{out, width, activation.layout};
  }
  StreamDecl &decl = streams[streamIndex[stream]];
  decl.depth = std::max(decl.depth, depth);
  return Taken{stream, width, activation.layout};
}

int64_t DesignEmitter::appendWeights(ArrayRef<int8_t> bytes) {
  while (weights->size() % 64)
    weights->push_back(0);
  int64_t offset = weights->size();
  weights->insert(weights->end(), bytes.begin(), bytes.end());
  return offset;
}

//===----------------------------------------------------------------------===//
// The design
//===----------------------------------------------------------------------===//

/// Whether the first stage that does more than elementwise work on
/// `value` slides a window over it (so it should stream channels last).
static bool feedsWindow(Value value) {
  for (Operation *user : value.getUsers()) {
    if (isa<qnn::ConvOp, qnn::MaxPoolOp, qnn::AvgPoolOp, qnn::GlobalAvgPoolOp,
            nn::PadOp, qnn::ResizeOp>(user))
      return true;
    if (isa<qnn::AddOp, qnn::MulOp, qnn::RequantizeOp, qnn::LookupTableOp>(
            user) &&
        feedsWindow(user->getResult(0)))
      return true;
  }
  return false;
}

/// The beat width a stage reading `value` first would like.
static int64_t getPreferredWidth(Value value, int64_t elements) {
  for (Operation *user : value.getUsers())
    if (auto stage =
            user->getAttrOfType<StageAttr>(HLSCppDialect::kStageAttrName))
      return std::gcd(stage.getSimd(), elements);
  return 1;
}

LogicalResult DesignEmitter::emit(Design &design) {
  func = module.lookupSymbol<func::FuncOp>("main");
  if (!func)
    return module.emitError()
           << "the module has no entry function 'main' to emit";
  weights = &design.weights;
  if (failed(findPorts()) || failed(checkTestbenchEdges(inputs)) ||
      failed(checkStages()))
    return failure();

  for (auto [i, port] : llvm::enumerate(inputs)) {
    ArrayRef<int64_t> frame = getFrameShape(port.value);
    StreamLayout layout = feedsWindow(port.value)
                              ? StreamLayout::channelsLast(frame)
                              : StreamLayout::rowMajor(frame);
    int64_t elements = layout.getNumElements();
    int64_t innermost =
        layout.getDims().empty() ? 1 : layout.getDims().back().size;
    int64_t width = getPreferredWidth(port.value, innermost);
    std::string stream =
        declareStream("in" + std::to_string(i), "int8_t", width);
    bodyOS << "  mem_to_stream<int8_t, " << elements << ", " << width
           << ">(input_" << i << ", " << stream << ", frames);\n";
    inputLayouts.push_back(layout);
    define(port.value, stream, width, layout);
  }

  DenseSet<Operation *> edges;
  for (const InputPort &port : inputs) {
    edges.insert(port.hostOps.begin(), port.hostOps.end());
    if (port.quantize)
      edges.insert(port.quantize);
  }
  for (const OutputPort &port : outputs)
    if (port.dequantize)
      edges.insert(port.dequantize);

  for (Operation &op : func.getBody().front()) {
    if (isa<nn::ConstantOp, nn::NoneOp, func::ReturnOp>(op) ||
        edges.contains(&op) || isFusedRequantize(&op))
      continue;
    if (!isStage(&op))
      return op.emitOpError()
             << "is neither a dataflow stage nor an edge of the design (an "
                "input qnn.quantize or an output qnn.dequantize)";
    bodyOS << "\n  // " << getStageName(&op) << ": " << op.getName();
    if (qnn::RequantizeOp requantize = getFusedRequantize(&op))
      bodyOS << " + " << requantize->getName();
    std::string where = describeLocation(op.getLoc());
    if (!where.empty())
      bodyOS << " " << where;
    bodyOS << "\n";
    if (failed(printStage(&op)))
      return failure();
  }

  bodyOS << "\n";
  for (auto [i, port] : llvm::enumerate(outputs)) {
    FailureOr<Taken> taken = take(port.value, nullptr, 0, 0);
    if (failed(taken))
      return failure();
    std::string type = getCType(port.value.getType());
    bodyOS << "  stream_to_mem<" << type << ", "
           << taken->layout.getNumElements() << ", " << taken->width << ">("
           << taken->stream << ", output_" << i << ", frames);\n";
    outputLayouts.push_back(taken->layout);
  }

  design.module = module;
  llvm::raw_string_ostream cpp(design.modelCpp), header(design.modelH),
      io(design.modelIO);
  printModelCpp(cpp);
  printModelH(header);
  printTestbenchIO(*this, io);
  return success();
}

/// The top function's parameters: "const int8_t *input_0, int8_t *output_0,
/// const int8_t *weights, int frames".
static std::string getPortParameters(ArrayRef<InputPort> inputs,
                                     ArrayRef<OutputPort> outputs) {
  std::string text;
  for (size_t i = 0; i < inputs.size(); ++i)
    text += "const int8_t *input_" + std::to_string(i) + ", ";
  for (auto [i, port] : llvm::enumerate(outputs))
    text +=
        getCType(port.value.getType()) + " *output_" + std::to_string(i) + ", ";
  return text + "const int8_t *weights, int frames";
}

static std::string getPortArguments(size_t numInputs, size_t numOutputs) {
  std::string text;
  for (size_t i = 0; i < numInputs; ++i)
    text += "input_" + std::to_string(i) + ", ";
  for (size_t i = 0; i < numOutputs; ++i)
    text += "output_" + std::to_string(i) + ", ";
  return text + "weights, frames";
}

void DesignEmitter::printModelCpp(raw_ostream &os) {
  os << "//===- model.cpp - the dataflow design ---------------------------"
        "---------===//\n"
     << "//\n"
     << "// Generated by whittle from a planned qnn model; do not edit.\n"
     << "// Regenerate: whittle-translate --emit-hls MODEL.qnn.mlir\n"
     << "//\n";
  if (auto device =
          module->getAttrOfType<DeviceAttr>(HLSCppDialect::kDeviceAttrName))
    os << "// Planned for " << device.getName() << " (" << device.getPart()
       << ") at " << device.getClockMhz() << " MHz.\n";
  os << "// whittle_top(load_weights = 1) copies the on-chip weights from\n"
     << "// `weights` (weights.bin); whittle_top(load_weights = 0) runs "
        "`frames`\n"
     << "// frames through the " << stageNames.size()
     << " stages of the DATAFLOW region, one\n"
     << "// stage template call (whittle_hls_stages.h) per stage.\n"
     << "//\n"
     << "//===-------------------------------------------------------------"
        "---------===//\n\n"
     << "#include \"model.h\"\n\n"
     << "#include \"whittle_hls_stages.h\"\n\n"
     << "using namespace whittle_hls;\n\n"
     << globalsText;

  os << "static void load_all_weights(const int8_t *weights) {\n";
  if (loadsText.empty())
    os << "  (void)weights;\n";
  os << loadsText << "}\n\n";

  std::string parameters = getPortParameters(inputs, outputs);
  os << "static void dataflow(" << parameters << ") {\n"
     << "#pragma HLS DATAFLOW\n";
  for (const StreamDecl &stream : streams)
    os << "  hls::stream<Vec<" << stream.type << ", " << stream.width << ">> "
       << stream.name << "(\"" << stream.name << "\");\n"
       << "#pragma HLS STREAM variable=" << stream.name
       << " depth=" << stream.depth << "\n";
  os << bodyText;
  os << "#ifndef __SYNTHESIS__\n";
  for (const StreamDecl &stream : streams)
    os << "  check_drained(" << stream.name << ");\n";
  os << "#endif\n}\n\n";

  os << "void whittle_top(" << parameters << ", int load_weights) {\n";
  for (size_t i = 0; i < inputs.size(); ++i)
    os << "#pragma HLS INTERFACE m_axi port=input_" << i
       << " offset=slave bundle=gmem_in" << i
       << " depth=" << inputLayouts[i].getNumElements() << "\n";
  for (size_t i = 0; i < outputs.size(); ++i)
    os << "#pragma HLS INTERFACE m_axi port=output_" << i
       << " offset=slave bundle=gmem_out" << i
       << " depth=" << outputLayouts[i].getNumElements() << "\n";
  os << "#pragma HLS INTERFACE m_axi port=weights offset=slave "
        "bundle=gmem_weights depth="
     << std::max<size_t>(weights->size(), 1) << "\n"
     << "#pragma HLS INTERFACE s_axilite port=frames\n"
     << "#pragma HLS INTERFACE s_axilite port=load_weights\n"
     << "#pragma HLS INTERFACE s_axilite port=return\n"
     << arrayPragmasText << "  if (load_weights) {\n"
     << "    load_all_weights(weights);\n"
     << "    return;\n"
     << "  }\n"
     << "  dataflow(" << getPortArguments(inputs.size(), outputs.size())
     << ");\n"
     << "}\n";
}

void DesignEmitter::printModelH(raw_ostream &os) {
  os << "//===- model.h - the dataflow design's top function ---------------"
        "--------===//\n"
     << "//\n"
     << "// Generated by whittle; do not edit.\n"
     << "//\n"
     << "// One frame is one element of the model's leading dimension ("
     << batch << " in\n"
     << "// the model). Each port holds `frames` frames back to back, each in "
        "the\n"
     << "// stream order model.cpp describes (channels last for feature "
        "maps).\n"
     << "//\n"
     << "//===-------------------------------------------------------------"
        "---------===//\n\n"
     << "#ifndef WHITTLE_MODEL_H\n#define WHITTLE_MODEL_H\n\n"
     << "#include <cstdint>\n\n";
  for (size_t i = 0; i < inputs.size(); ++i)
    os << "/// Elements of one frame of input_" << i << ".\n"
       << "constexpr long long kInputElements" << i << " = "
       << inputLayouts[i].getNumElements() << ";\n";
  for (size_t i = 0; i < outputs.size(); ++i)
    os << "/// Elements of one frame of output_" << i << ".\n"
       << "constexpr long long kOutputElements" << i << " = "
       << outputLayouts[i].getNumElements() << ";\n";
  os << "/// Bytes of weights.bin.\n"
     << "constexpr long long kWeightBytes = " << weights->size() << ";\n\n"
     << "void whittle_top(" << getPortParameters(inputs, outputs)
     << ", int load_weights);\n\n"
     << "#endif // WHITTLE_MODEL_H\n";
}
