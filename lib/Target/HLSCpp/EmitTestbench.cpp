//===- EmitTestbench.cpp - the testbench's view of the design's edges -----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Prints tb/model_io.h for the generic tb/csim_main.cpp: the model's inputs
// and outputs as whittle-run takes and writes them (float, or the integers
// with --integer-io), and the code that turns a frame of a model input into
// a frame of a design port (the float ops before qnn.quantize, the quantize,
// the port's stream order) and a frame of a design port into a frame of a
// model output (stream order, qnn.dequantize). The arithmetic of the edges
// is whittle_hls_arith.h's quantize and dequantize, as the CPU lowering
// computes them.
//
//===----------------------------------------------------------------------===//

#include "EmitDesign.h"

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;
using namespace whittle::hlscpp::detail;

static std::string getDType(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (element.isInteger(32))
    return "<i4";
  if (element.isInteger(8))
    return "|i1";
  return "<f4";
}

static std::string formatSpec(StringRef name, StringRef dtype,
                              ArrayRef<int64_t> shape) {
  std::string text = "{\"" + name.str() + "\", \"" + dtype.str() + "\", " +
                     std::to_string(shape.size()) + ", {";
  text += llvm::join(
      llvm::map_range(shape, [](int64_t d) { return std::to_string(d); }),
      ", ");
  return text + "}}";
}

static std::string formatLoops(const StreamLayout &layout) {
  std::string text = "{";
  for (auto [i, dim] : llvm::enumerate(layout.getDims()))
    text += (i ? ", {" : "{") + std::to_string(dim.size) + ", " +
            std::to_string(dim.stride) + "}";
  if (layout.getDims().empty())
    text += "{1, 1}";
  return text + "}";
}

/// `(i / inner) % size` picking the element of a per-axis list along frame
/// axis `axis` of `frame` for logical index `i`; "0" for one element.
static std::string formatAxisIndex(ArrayRef<int64_t> frame, int64_t axis,
                                   size_t count) {
  if (count <= 1 || axis < 0)
    return "0";
  int64_t inner = 1;
  for (int64_t d : frame.drop_front(axis + 1))
    inner *= d;
  return "(i / " + std::to_string(inner) + ") % " + std::to_string(count);
}

static std::string formatFloats(ArrayRef<float> values) {
  std::string text = "{";
  for (auto [i, value] : llvm::enumerate(values))
    text += (i ? (i % 4 ? ", " : ",\n        ") : "") + formatFloat(value);
  return text + "}";
}

/// Prints the float op `op` of an input's host part as `v = v OP c;`.
static void printHostOp(Operation *op, Value chain, ArrayRef<int64_t> frame,
                        unsigned index, raw_ostream &os) {
  Value constant =
      op->getOperand(0) == chain ? op->getOperand(1) : op->getOperand(0);
  bool constantFirst = op->getOperand(0) != chain;
  SmallVector<double> values =
      nn::readAsDoubles(nn::getConstantElements(constant))
          .value_or(SmallVector<double>{0.0});
  // The constant varies along at most one axis (checked by the caller).
  auto type = cast<RankedTensorType>(constant.getType());
  int64_t axis = -1;
  int64_t offset = static_cast<int64_t>(frame.size()) + 1 - type.getRank();
  for (auto [d, size] : llvm::enumerate(type.getShape()))
    if (size > 1)
      axis = d + offset - 1;
  SmallVector<float> floats(values.begin(), values.end());
  char symbol = TypeSwitch<Operation *, char>(op)
                    .Case([](nn::AddOp) { return '+'; })
                    .Case([](nn::SubOp) { return '-'; })
                    .Case([](nn::MulOp) { return '*'; })
                    .Default([](Operation *) { return '/'; });
  std::string c = "c" + std::to_string(index);
  os << "      static const float " << c << "[] = " << formatFloats(floats)
     << ";\n";
  std::string element =
      c + "[" + formatAxisIndex(frame, axis, floats.size()) + "]";
  os << "      v = " << (constantFirst ? element : std::string("v")) << " "
     << symbol << " " << (constantFirst ? std::string("v") : element) << "; // "
     << op->getName() << "\n";
}

/// Whether the float ops of `port`'s host part keep the argument's shape
/// and have constants that vary along at most one frame axis.
static LogicalResult checkHostOps(const InputPort &port) {
  for (Operation *op : port.hostOps) {
    auto result = cast<RankedTensorType>(op->getResult(0).getType());
    Value constant = op->getOperand(0).getDefiningOp<nn::ConstantOp>()
                         ? op->getOperand(0)
                         : op->getOperand(1);
    auto type = cast<RankedTensorType>(constant.getType());
    int64_t varying =
        llvm::count_if(type.getShape(), [](int64_t d) { return d > 1; });
    bool batchVaries = type.getRank() == result.getRank() &&
                       type.getRank() > 0 && type.getDimSize(0) > 1;
    qnn::QuantizeOp quantize = port.quantize;
    if (result.getShape() != quantize.getX().getType().getShape() ||
        varying > 1 || batchVaries)
      return op->emitOpError()
             << "before the input's qnn.quantize broadcasts in a way the "
                "testbench does not compute (a scalar or a per-axis constant "
                "of the input's shape)";
  }
  return success();
}

/// Why whittle-run --integer-io refuses the model, or "".
static std::string getIntegerIOError(const DesignEmitter &emitter) {
  for (BlockArgument argument : emitter.getFunction().getArguments()) {
    if (!isa<FloatType>(getElementTypeOrSelf(argument.getType())))
      continue;
    SmallVector<qnn::QuantizeOp> quantizes;
    bool direct = true;
    for (Operation *user : argument.getUsers()) {
      auto quantize = dyn_cast<qnn::QuantizeOp>(user);
      direct &= quantize != nullptr;
      if (quantize)
        quantizes.push_back(quantize);
    }
    bool same = llvm::all_of(quantizes, [&](qnn::QuantizeOp q) {
      return q.getScale() == quantizes.front().getScale() &&
             q.getZeroPoint() == quantizes.front().getZeroPoint() &&
             q.getAxis() == quantizes.front().getAxis();
    });
    if (!direct || quantizes.empty() || !same)
      return "--integer-io: input " + std::to_string(argument.getArgNumber()) +
             " is a float that is not only quantized by qnn.quantize (with "
             "one scale and zero point); only qnn models whose float inputs "
             "go straight into qnn.quantize can take integer inputs";
  }
  return "";
}

/// Prints the scale and zero point tables of an edge op (qnn.quantize or
/// qnn.dequantize) on `frame`; the index expression that picks an
/// element's entry.
template <typename OpTy>
static std::string printScaleTables(OpTy op, ArrayRef<int64_t> frame,
                                    raw_ostream &os) {
  int64_t rank = cast<RankedTensorType>(op.getX().getType()).getRank();
  int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
  SmallVector<float> scales(op.getScale().begin(), op.getScale().end());
  SmallVector<int64_t> zeroPoints(op.getZeroPoint().begin(),
                                  op.getZeroPoint().end());
  os << "      static const float scale[] = " << formatFloats(scales) << ";\n"
     << "      static const int32_t zero_point[] = "
     << formatList(zeroPoints, 8) << ";\n";
  return formatAxisIndex(frame, axis - 1, scales.size());
}

/// Opens the loop over a port's frame in stream order: `j` the stream
/// position, `i` the logical index, `at` the element of the model tensor.
static void printPortLoop(const StreamLayout &layout, raw_ostream &os) {
  int64_t n = layout.getNumElements();
  os << "    static const whittle_tb::Loop loops[] = " << formatLoops(layout)
     << ";\n"
     << "    for (long long j = 0; j < " << n << "; ++j) {\n"
     << "      long long i = whittle_tb::logical_index(j, loops, "
     << std::max<size_t>(layout.getDims().size(), 1) << ");\n"
     << "      long long at = frame * " << n << " + i;\n";
}

void whittle::hlscpp::detail::printTestbenchIO(const DesignEmitter &emitter,
                                               raw_ostream &os) {
  func::FuncOp func = emitter.getFunction();
  os << "//===- model_io.h - the design's edges for the testbench ---------"
        "---------===//\n"
     << "//\n"
     << "// Generated by whittle; do not edit.\n"
     << "//\n"
     << "// The model's tensors as whittle-run takes and writes them, and how "
        "a frame\n"
     << "// (one element of the leading dimension) of each becomes a frame of "
        "a design\n"
     << "// port: the float ops before qnn.quantize, the quantize, the port's "
        "stream\n"
     << "// order; and back: stream order, qnn.dequantize.\n"
     << "//\n"
     << "//===-------------------------------------------------------------"
        "---------===//\n\n"
     << "#ifndef WHITTLE_MODEL_IO_H\n#define WHITTLE_MODEL_IO_H\n\n"
     << "#include \"model.h\"\n"
     << "#include \"whittle_hls_arith.h\"\n"
     << "#include \"whittle_tb.h\"\n\n"
     << "namespace whittle_model {\n\n";

  auto name = [&](unsigned index, bool result) {
    auto attr = result ? func.getResultAttrOfType<StringAttr>(index, "nn.name")
                       : func.getArgAttrOfType<StringAttr>(index, "nn.name");
    return attr ? attr.str()
                : (result ? "output_" : "input_") + std::to_string(index);
  };
  // Model inputs and outputs, float and with --integer-io.
  SmallVector<std::string> inputs, integerInputs, outputs, integerOutputs;
  for (BlockArgument argument : func.getArguments()) {
    auto type = cast<RankedTensorType>(argument.getType());
    std::string dtype = getDType(type);
    inputs.push_back(formatSpec(name(argument.getArgNumber(), false), dtype,
                                type.getShape()));
    integerInputs.push_back(formatSpec(name(argument.getArgNumber(), false),
                                       dtype == "<f4" ? "|i1" : dtype,
                                       type.getShape()));
  }
  for (const OutputPort &port : emitter.getOutputs()) {
    auto type = cast<RankedTensorType>(port.value.getType());
    std::string dtype = getDType(type);
    outputs.push_back(formatSpec(name(port.result, true),
                                 port.dequantize ? "<f4" : dtype,
                                 type.getShape()));
    integerOutputs.push_back(
        formatSpec(name(port.result, true), dtype, type.getShape()));
  }
  auto printSpecs = [&](StringRef var, ArrayRef<std::string> specs) {
    os << "static const whittle_tb::TensorSpec " << var << "[] = {\n    "
       << llvm::join(specs, ",\n    ") << "};\n";
  };
  os << "constexpr int kNumModelInputs = " << inputs.size() << ";\n"
     << "constexpr int kNumModelOutputs = " << outputs.size() << ";\n";
  printSpecs("kModelInputs", inputs);
  printSpecs("kModelIntegerInputs", integerInputs);
  printSpecs("kModelOutputs", outputs);
  printSpecs("kModelIntegerOutputs", integerOutputs);
  std::string integerIOError = getIntegerIOError(emitter);
  os << "/// Why --integer-io cannot run this model (as whittle-run says), "
        "or null.\n"
     << "static const char *const kIntegerIOError = ";
  if (integerIOError.empty())
    os << "nullptr;\n";
  else
    os << "\"" << integerIOError << "\";\n";
  os << "/// The leading dimension: the frames of one run.\n"
     << "constexpr long long kFrames = " << emitter.getBatch() << ";\n\n";

  ArrayRef<InputPort> ports = emitter.getInputs();
  ArrayRef<OutputPort> outPorts = emitter.getOutputs();
  os << "constexpr int kNumInputPorts = " << ports.size() << ";\n"
     << "constexpr int kNumOutputPorts = " << outPorts.size() << ";\n"
     << "static const long long kInputPortElements[] = {";
  for (size_t i = 0; i < ports.size(); ++i)
    os << (i ? ", " : "") << emitter.getInputLayout(i).getNumElements();
  os << "};\nstatic const long long kOutputPortElements[] = {";
  for (size_t i = 0; i < outPorts.size(); ++i)
    os << (i ? ", " : "") << emitter.getOutputLayout(i).getNumElements();
  os << "};\nstatic const int kOutputPortBytes[] = {";
  for (auto [i, port] : llvm::enumerate(outPorts))
    os << (i ? ", " : "")
       << (getElementTypeOrSelf(port.value.getType()).isInteger(32) ? 4 : 1);
  os << "};\n\n";

  // Model inputs to ports.
  os << "/// Writes frame `frame` of the model's inputs (float, or int8 with\n"
     << "/// integer_io) into one frame of each input port.\n"
     << "inline void fill_inputs(const void *const *inputs, bool integer_io,\n"
     << "                        long long frame, int8_t *const *ports) {\n";
  unsigned constants = 0;
  for (auto [p, port] : llvm::enumerate(ports)) {
    ArrayRef<int64_t> frame = emitter.getFrameShape(port.value);
    os << "  { // port " << p << ": model input " << port.argument;
    if (port.quantize)
      os << " through " << port.hostOps.size()
         << " float op(s) and qnn.quantize";
    os << "\n";
    printPortLoop(emitter.getInputLayout(p), os);
    if (!port.quantize) {
      os << "      (void)integer_io;\n"
         << "      ports[" << p << "][j] = static_cast<const int8_t *>(inputs["
         << port.argument << "])[at];\n    }\n  }\n";
      continue;
    }
    os << "      if (integer_io) {\n"
       << "        ports[" << p << "][j] = static_cast<const int8_t *>(inputs["
       << port.argument << "])[at];\n"
       << "        continue;\n      }\n"
       << "      float v = static_cast<const float *>(inputs[" << port.argument
       << "])[at];\n";
    Value chain = func.getArgument(port.argument);
    for (Operation *op : port.hostOps) {
      printHostOp(op, chain, frame, constants++, os);
      chain = op->getResult(0);
    }
    std::string index = printScaleTables(port.quantize, frame, os);
    os << "      ports[" << p << "][j] = whittle_hls::quantize(v, scale["
       << index << "], zero_point[" << index << "]);\n"
       << "    }\n  }\n";
  }
  os << "}\n\n";

  // Ports to model outputs.
  os << "/// Writes one frame of each output port into frame `frame` of the\n"
     << "/// model's outputs (dequantized, or the integers with integer_io).\n"
     << "inline void read_outputs(const void *const *ports, bool integer_io,\n"
     << "                         long long frame, void *const *outputs) {\n";
  for (auto [p, port] : llvm::enumerate(outPorts)) {
    std::string type = getElementTypeOrSelf(port.value.getType()).isInteger(32)
                           ? "int32_t"
                           : "int8_t";
    os << "  { // port " << p << ": model output " << port.result << "\n"
       << "    const " << type << " *port = static_cast<const " << type
       << " *>(ports[" << p << "]);\n";
    printPortLoop(emitter.getOutputLayout(p), os);
    if (!port.dequantize) {
      os << "      (void)integer_io;\n"
         << "      static_cast<" << type << " *>(outputs[" << port.result
         << "])[at] = port[j];\n    }\n  }\n";
      continue;
    }
    os << "      if (integer_io) {\n"
       << "        static_cast<" << type << " *>(outputs[" << port.result
       << "])[at] = port[j];\n"
       << "        continue;\n      }\n";
    std::string index = printScaleTables(port.dequantize,
                                         emitter.getFrameShape(port.value), os);
    os << "      static_cast<float *>(outputs[" << port.result
       << "])[at] = whittle_hls::dequantize(port[j], scale[" << index
       << "], zero_point[" << index << "]);\n"
       << "    }\n  }\n";
  }
  os << "}\n\n";

  os << "/// Calls the design on `frames` frames of each port.\n"
     << "inline void run_design(int8_t *const *inputs, void *const *outputs,\n"
     << "                       const int8_t *weights, int frames,\n"
     << "                       int load_weights) {\n"
     << "  whittle_top(";
  for (size_t i = 0; i < ports.size(); ++i)
    os << "inputs[" << i << "], ";
  for (auto [i, port] : llvm::enumerate(outPorts))
    os << "static_cast<"
       << (getElementTypeOrSelf(port.value.getType()).isInteger(32) ? "int32_t"
                                                                    : "int8_t")
       << " *>(outputs[" << i << "]), ";
  os << "weights, frames, load_weights);\n}\n\n"
     << "} // namespace whittle_model\n\n#endif // WHITTLE_MODEL_IO_H\n";
}

LogicalResult
whittle::hlscpp::detail::checkTestbenchEdges(ArrayRef<InputPort> ports) {
  for (const InputPort &port : ports)
    if (failed(checkHostOps(port)))
      return failure();
  return success();
}
