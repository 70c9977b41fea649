//===- EmitStages.cpp - one printer per stage op --------------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Each printer reads its op (through the qnn interfaces where they exist)
// and its hlscpp.stage attribute, takes its input streams, prints its
// parameters at file scope and one or two stage template calls into the
// dataflow body, and defines its result's stream. Beat widths follow the
// attribute: a product reads `simd` channels per beat and writes `pe`;
// every other stage reads and writes `simd`. A width that does not divide
// the channels it applies to folds to their greatest common divisor.
//
//===----------------------------------------------------------------------===//

#include "EmitDesign.h"

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNInterfaces.h"
#include "whittle/Target/HLSCpp/CostModel.h"

#include "llvm/ADT/TypeSwitch.h"

#include <numeric>

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;
using namespace whittle::hlscpp::detail;

bool WindowSpec::isPointwise() const {
  return llvm::all_of(kernel, [](int64_t k) { return k == 1; }) &&
         llvm::all_of(strides, [](int64_t s) { return s == 1; }) &&
         llvm::all_of(padsBegin, [](int64_t p) { return p == 0; }) &&
         llvm::all_of(padsEnd, [](int64_t p) { return p == 0; });
}

static int64_t product(ArrayRef<int64_t> values) {
  return std::accumulate(values.begin(), values.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

static std::optional<SmallVector<int64_t>> readConstant(Value value) {
  ElementsAttr elements = nn::getConstantElements(value);
  if (!elements)
    return std::nullopt;
  return nn::readAsInts(elements);
}

FailureOr<int64_t> whittle::hlscpp::detail::getFrameAxis(Operation *op,
                                                         int64_t axis,
                                                         int64_t rank,
                                                         StringRef verb) {
  if (axis < 0)
    axis += rank;
  if (axis == 0)
    return op->emitOpError() << verb
                             << " along the batch dimension, which "
                                "the design's frames split";
  return axis - 1;
}

/// `values` (one or `count`) repeated to `count`.
static SmallVector<int64_t> expand(ArrayRef<int64_t> values, int64_t count) {
  if (static_cast<int64_t>(values.size()) == count)
    return SmallVector<int64_t>(values);
  return SmallVector<int64_t>(count, values.empty() ? 0 : values.front());
}

static SmallVector<int64_t> toInt64(ArrayRef<int32_t> values) {
  return SmallVector<int64_t>(values.begin(), values.end());
}

static StringRef formatBool(bool value) { return value ? "true" : "false"; }

void DesignEmitter::printStageCall(Operation *op, StringRef stage,
                                   ArrayRef<std::string> inputs, int64_t width,
                                   StringRef arguments,
                                   const StreamLayout &layout) {
  std::string out = declareStream(getStageName(op) + "_out", "int8_t", width);
  bodyOS << "  " << stage << "(";
  for (const std::string &input : inputs)
    bodyOS << input << ", ";
  bodyOS << out << ", ";
  if (!arguments.empty())
    bodyOS << arguments << ", ";
  bodyOS << "frames);\n";
  define(op->getResult(0), out, width, layout);
}

/// The window of a convolution or pool over `x` (N x C x [H x] W) with
/// result `y`: one or two spatial dimensions, as H x W.
static FailureOr<WindowSpec> getWindowSpec(Operation *op, Value x, Value y,
                                           ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> strides,
                                           ArrayRef<int64_t> dilations,
                                           ArrayRef<int64_t> pads) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto yType = cast<RankedTensorType>(y.getType());
  int64_t spatial = xType.getRank() - 2;
  if (spatial != 1 && spatial != 2)
    return op->emitOpError()
           << "slides a window over " << spatial
           << " spatial dimensions; the HLS stages handle one or two";
  WindowSpec window;
  window.channels = xType.getDimSize(1);
  // A 1-D window is a 2-D one of height 1.
  auto twoD = [&](ArrayRef<int64_t> values, int64_t fill) {
    SmallVector<int64_t, 2> result;
    if (spatial == 1)
      result.push_back(fill);
    result.append(values.begin(), values.end());
    return result;
  };
  window.input = twoD(xType.getShape().drop_front(2), 1);
  window.output = twoD(yType.getShape().drop_front(2), 1);
  window.kernel = twoD(kernel, 1);
  window.strides = twoD(strides, 1);
  window.dilations = twoD(dilations, 1);
  window.padsBegin = twoD(pads.take_front(spatial), 0);
  window.padsEnd = twoD(pads.drop_front(spatial), 0);
  return window;
}

FailureOr<std::string> DesignEmitter::printWindow(Operation *op,
                                                  const Taken &input,
                                                  const WindowSpec &window,
                                                  int32_t padValue) {
  if (window.isPointwise())
    return input.stream;
  std::string name = getStageName(op);
  std::string stream = declareStream(name + "_window", "int8_t", input.width);
  bodyOS << "  sliding_window<" << window.channels << ", " << window.input[0]
         << ", " << window.input[1] << ", " << window.kernel[0] << ", "
         << window.kernel[1] << ", " << window.strides[0] << ", "
         << window.strides[1] << ", " << window.dilations[0] << ", "
         << window.dilations[1] << ", " << window.padsBegin[0] << ", "
         << window.padsBegin[1] << ", " << window.output[0] << ", "
         << window.output[1] << ", " << input.width << ">(" << input.stream
         << ", " << stream << ", " << padValue << ", frames);\n";
  return stream;
}

//===----------------------------------------------------------------------===//
// Products
//===----------------------------------------------------------------------===//

LogicalResult DesignEmitter::printProduct(Operation *op, ProductSpec &spec) {
  StageAttr stage = getStage(op);
  std::string name = getStageName(op);
  int64_t groupChannels = spec.channels / spec.groups;
  int64_t reduction = spec.windowSize * groupChannels;
  int64_t inWidth = std::gcd(stage.getSimd(), spec.channels);
  int64_t simd = std::gcd(stage.getSimd(), reduction);
  int64_t pe = std::gcd(stage.getPe(), spec.outputs);
  int64_t folds = reduction / simd, tiles = (spec.outputs / pe) * folds;

  FailureOr<Taken> input = take(spec.input, op, 0, inWidth,
                                spec.inputOrder ? &*spec.inputOrder : nullptr);
  if (failed(input))
    return failure();
  bool streamed = stage.getWeights() == WeightPlacement::streamed;
  // A convolution with streamed weights reads its input rows itself and
  // passes over the weights once per tile of `row_tile` output rows.
  bool rowTiles = streamed && spec.window;
  int64_t rowTile = 0, passes = spec.pixels;
  if (streamed && !spec.window && stage.getRowTile() != 1)
    return op->emitOpError()
           << "has row_tile = " << stage.getRowTile()
           << "; a matrix product's unit reads streamed weights once per "
              "row of its input (row_tile = 1)";
  if (rowTiles) {
    rowTile =
        std::clamp<int64_t>(stage.getRowTile(), 1, spec.window->output[0]);
    passes = (spec.window->output[0] + rowTile - 1) / rowTile;
  }
  // A convolution with a window (not pointwise) and its weights on chip
  // reads its input rows itself too (mvu_rows), with no sliding_window.
  bool ownRows = rowTiles || (spec.window && !spec.window->isPointwise());
  if (!ownRows && stage.getRows() == WeightMemory::lutram)
    return op->emitOpError()
           << "has rows = lutram, but its unit keeps no input rows (only a "
              "convolution with a window, or with streamed weights, does)";
  std::string vector = input->stream;
  if (spec.window && !ownRows) {
    FailureOr<std::string> window =
        printWindow(op, *input, *spec.window, spec.inputZeroPoint);
    if (failed(window))
      return failure();
    vector = *window;
  }
  if (!spec.inputOrder) {
    // The vector arrives in stream order: the weight rows follow it.
    std::vector<int8_t> permuted(spec.weights.size());
    for (int64_t j = 0; j < reduction; ++j) {
      int64_t k = input->layout.getLogicalIndex(j);
      for (int64_t m = 0; m < spec.outputs; ++m)
        permuted[m * reduction + j] = spec.weights[m * reduction + k];
    }
    spec.weights = std::move(permuted);
  }

  // The weights as the unit reads them: PE banks of tiles of SIMD values
  // on chip, tile after tile (all PE lanes of a tile together) off chip.
  std::vector<int8_t> packed(spec.weights.size());
  for (int64_t nf = 0; nf < spec.outputs / pe; ++nf)
    for (int64_t lane = 0; lane < pe; ++lane)
      for (int64_t sf = 0; sf < folds; ++sf)
        for (int64_t s = 0; s < simd; ++s) {
          int64_t tile = nf * folds + sf;
          int64_t at = streamed ? (tile * pe + lane) * simd + s
                                : (lane * tiles + tile) * simd + s;
          packed[at] =
              spec.weights[(nf * pe + lane) * reduction + sf * simd + s];
        }
  int64_t offset = appendWeights(packed);

  SmallVector<int64_t> multipliers, shifts;
  if (spec.requantize) {
    multipliers =
        expand(toInt64(spec.requantize.getMultiplier()), spec.outputs);
    shifts = expand(toInt64(spec.requantize.getShift()), spec.outputs);
  }
  globalsOS << "// " << name << ": " << op->getName();
  if (spec.requantize)
    globalsOS << " + qnn.requantize";
  globalsOS << ", " << spec.channels << " -> " << spec.outputs
            << " channels in " << spec.groups << " group(s), "
            << spec.windowSize << " window position(s), " << spec.pixels
            << " vector(s) per frame; simd " << simd << ", pe " << pe << ".\n";
  std::string weightsArg, weightStream;
  if (streamed) {
    weightStream = declareStream(name + "_weight_stream", "int8_t", pe * simd);
    globalsOS << "// Weights streamed from weights.bin at offset " << offset;
    if (rowTiles)
      globalsOS << " once per tile of " << rowTile << " output row(s).\n";
    else
      globalsOS << " for every vector.\n";
    bodyOS << "  stream_weights<" << tiles << ", " << pe << ", " << simd << ", "
           << passes << ">(weights + " << offset << ", " << weightStream
           << ", frames);\n";
    weightsArg = "StreamedWeights<" + std::to_string(pe) + ", " +
                 std::to_string(simd) + ">{" + weightStream + "}";
  } else {
    std::string array = name + "_weights";
    globalsOS << "// On-chip weights, loaded from weights.bin at offset "
              << offset << ".\n"
              << "static int8_t " << array << "[" << pe << "][" << tiles << "]["
              << simd << "];\n";
    loadsOS << "  load_weights<" << packed.size() << ">(weights + " << offset
            << ", &" << array << "[0][0][0]);\n";
    if (pe > 1)
      arrayPragmasOS << "#pragma HLS ARRAY_PARTITION variable=" << array
                     << " complete dim=1\n";
    if (simd > 1)
      arrayPragmasOS << "#pragma HLS ARRAY_PARTITION variable=" << array
                     << " complete dim=3\n";
    StringRef impl = stringifyWeightMemory(stage.getMemory());
    if (impl == "none")
      impl = "bram";
    arrayPragmasOS << "#pragma HLS BIND_STORAGE variable=" << array
                   << " type=ram_2p impl=" << impl << "\n";
    weightsArg = "OnChipWeights<" + std::to_string(pe) + ", " +
                 std::to_string(tiles) + ", " + std::to_string(simd) + ">{" +
                 array + "}";
  }
  globalsOS << "static const Accumulate<" << spec.outputs << "> " << name
            << "_accumulate = {\n    " << spec.inputZeroPoint << ",\n    "
            << formatList(spec.weightZeroPoints) << ",\n    "
            << formatList(spec.bias) << "};\n";
  globalsOS << "static const Requantize<" << spec.outputs << "> " << name
            << "_requantize = ";
  if (spec.requantize)
    globalsOS << "{\n    " << formatList(multipliers) << ",\n    "
              << formatList(shifts) << ",\n    "
              << formatRounding(spec.requantize.getRounding()) << ", "
              << spec.requantize.getOutputZeroPoint() << ", "
              << spec.requantize.getMin() << ", " << spec.requantize.getMax()
              << "};\n\n";
  else
    globalsOS << "{};\n\n";

  std::string type = spec.requantize ? "int8_t" : "int32_t";
  std::string out = declareStream(name + "_out", type, pe);
  if (ownRows) {
    const WindowSpec &window = *spec.window;
    // The unit's input rows: the rows a tile (or one window) spans, in the
    // memory the planner chose, SIMD channels readable per cycle.
    int64_t rows = (rowTiles ? (rowTile - 1) * window.strides[0] : 0) +
                   (window.kernel[0] - 1) * window.dilations[0] + 1;
    std::string lines = name + "_rows";
    globalsOS << "// " << name << "'s input rows.\n"
              << "static int8_t " << lines << "[" << rows << "]["
              << window.input[1] << "][" << window.channels << "];\n\n";
    arrayPragmasOS << "#pragma HLS BIND_STORAGE variable=" << lines
                   << " type=ram_2p impl="
                   << stringifyWeightMemory(stage.getRows()) << "\n";
    if (!rowTiles)
      arrayPragmasOS << "#pragma HLS ARRAY_PARTITION variable=" << lines
                     << " complete dim=1\n";
    if (simd > 1)
      arrayPragmasOS << "#pragma HLS ARRAY_PARTITION variable=" << lines
                     << " cyclic factor=" << simd << " dim=3\n";
    bodyOS << (rowTiles ? "  mvu_row_tiles<" : "  mvu_rows<") << type << ", "
           << window.channels << ", " << window.input[0] << ", "
           << window.input[1] << ", " << window.kernel[0] << ", "
           << window.kernel[1] << ", " << window.strides[0] << ", "
           << window.strides[1] << ", " << window.dilations[0] << ", "
           << window.dilations[1] << ", " << window.padsBegin[0] << ", "
           << window.padsBegin[1] << ", " << window.output[0] << ", "
           << window.output[1] << ", " << spec.outputs << ", " << spec.groups
           << ", " << inWidth << ", " << simd << ", " << pe << ", ";
    if (rowTiles)
      bodyOS << rowTile << ", ";
    bodyOS << formatBool(bool(spec.requantize)) << ">(" << vector << ", " << out
           << ", " << lines << ", " << (rowTiles ? weightStream : weightsArg)
           << ", " << name << "_accumulate, " << name
           << "_requantize, frames);\n";
    define(spec.result, out, pe, spec.outputLayout);
    return success();
  }
  bodyOS << "  mvu<" << type << ", " << spec.pixels << ", " << spec.windowSize
         << ", " << spec.channels << ", " << spec.outputs << ", " << spec.groups
         << ", " << inWidth << ", " << simd << ", " << pe << ", "
         << (spec.requantize ? "true" : "false") << ">(" << vector << ", "
         << out << ", " << weightsArg << ", " << name << "_accumulate, " << name
         << "_requantize, frames);\n";
  define(spec.result, out, pe, spec.outputLayout);
  return success();
}

/// Checks that a fused requantize is per tensor or along `axis` of its
/// `rank`-dimensional input.
static LogicalResult
checkRequantizeAxis(Operation *op, qnn::RequantizeOp requantize, int64_t axis) {
  if (!requantize || requantize.getMultiplier().size() <= 1)
    return success();
  int64_t rank = requantize.getType().getRank();
  int64_t actual = requantize.getAxis() < 0 ? requantize.getAxis() + rank
                                            : requantize.getAxis();
  if (actual != axis)
    return op->emitOpError()
           << "is followed by a per-channel qnn.requantize along axis "
           << actual << "; the fused requantize of the HLS unit is along the "
           << "output channels (axis " << axis << ")";
  return success();
}

/// The product's optional bias (a constant), or zeros.
static LogicalResult readBias(Operation *op, Value bias, ProductSpec &spec) {
  spec.bias = SmallVector<int64_t>(spec.outputs, 0);
  if (!bias)
    return success();
  std::optional<SmallVector<int64_t>> values = readConstant(bias);
  if (!values)
    return op->emitOpError() << "has a bias that is not a constant";
  spec.bias = *values;
  return success();
}

LogicalResult DesignEmitter::printConv(qnn::ConvOp op) {
  auto conv = cast<qnn::ConvLikeOpInterface>(op.getOperation());
  std::optional<SmallVector<int64_t>> w = readConstant(op.getW());
  if (!w)
    return op.emitOpError() << "has weights that are not a constant; the "
                               "HLS unit holds or streams constant weights";
  auto wType = op.getW().getType();
  FailureOr<WindowSpec> window = getWindowSpec(
      op, op.getX(), op.getY(), wType.getShape().drop_front(2),
      conv.getStrides(), conv.getWindowDilations(), conv.getPads());
  if (failed(window))
    return failure();
  qnn::RequantizeOp requantize = getFusedRequantize(op);
  if (failed(checkRequantizeAxis(op, requantize, 1)))
    return failure();

  ProductSpec spec;
  spec.input = op.getX();
  spec.result = requantize ? requantize.getY() : op.getY();
  spec.inputOrder = StreamLayout::channelsLast(getFrameShape(op.getX()));
  spec.window = *window;
  spec.pixels = window->output[0] * window->output[1];
  spec.windowSize = window->kernel[0] * window->kernel[1];
  spec.channels = window->channels;
  spec.outputs = wType.getDimSize(0);
  spec.groups = op.getGroup();
  // w is M x C/G x K...: reorder to [m][k * C/G + c].
  int64_t groupChannels = wType.getDimSize(1);
  spec.weights.resize(w->size());
  for (int64_t m = 0; m < spec.outputs; ++m)
    for (int64_t c = 0; c < groupChannels; ++c)
      for (int64_t k = 0; k < spec.windowSize; ++k)
        spec.weights[(m * spec.windowSize + k) * groupChannels + c] =
            static_cast<int8_t>(
                (*w)[(m * groupChannels + c) * spec.windowSize + k]);
  spec.inputZeroPoint = op.getInputZeroPoint();
  spec.weightZeroPoints =
      expand(toInt64(op.getWeightZeroPoint()), spec.outputs);
  spec.requantize = requantize;
  spec.outputLayout = StreamLayout::channelsLast(getFrameShape(spec.result));
  if (failed(readBias(op, op.getBias(), spec)))
    return failure();
  return printProduct(op, spec);
}

LogicalResult DesignEmitter::printMatMul(qnn::MatMulOp op) {
  auto aType = op.getA().getType();
  auto bType = op.getB().getType();
  std::optional<SmallVector<int64_t>> b = readConstant(op.getB());
  if (!b || bType.getRank() != 2)
    return op.emitOpError()
           << "multiplies by " << bType
           << "; the HLS unit takes a constant K x N matrix as the right "
              "operand";
  if (aType.getRank() != 2 && aType.getRank() != 3)
    return op.emitOpError() << "has a left operand of rank " << aType.getRank()
                            << "; the HLS unit takes a batch of vectors or "
                               "of matrices (rank 2 or 3)";
  qnn::RequantizeOp requantize = getFusedRequantize(op);
  if (failed(checkRequantizeAxis(op, requantize, aType.getRank() - 1)))
    return failure();
  int64_t k = bType.getDimSize(0), n = bType.getDimSize(1);

  ProductSpec spec;
  spec.input = op.getA();
  spec.result = requantize ? requantize.getY() : op.getY();
  // A vector may come in any order (the weight rows follow it); the rows
  // of a matrix come one after the other.
  if (aType.getRank() == 3)
    spec.inputOrder = StreamLayout::rowMajor(getFrameShape(op.getA()));
  spec.pixels = aType.getRank() == 3 ? aType.getDimSize(1) : 1;
  spec.windowSize = 1;
  spec.channels = k;
  spec.outputs = n;
  spec.groups = 1;
  spec.weights.resize(k * n);
  for (int64_t row = 0; row < k; ++row)
    for (int64_t col = 0; col < n; ++col)
      spec.weights[col * k + row] = static_cast<int8_t>((*b)[row * n + col]);
  spec.inputZeroPoint = op.getAZeroPoint();
  spec.weightZeroPoints = expand(toInt64(op.getBZeroPoint()), n);
  spec.requantize = requantize;
  spec.outputLayout = StreamLayout::rowMajor(getFrameShape(spec.result));
  if (failed(readBias(op, op.getBias(), spec)))
    return failure();
  return printProduct(op, spec);
}

//===----------------------------------------------------------------------===//
// Elementwise stages
//===----------------------------------------------------------------------===//

FailureOr<DesignEmitter::Taken> DesignEmitter::takeElementwise(Operation *op,
                                                               Value value,
                                                               unsigned index,
                                                               int64_t &width) {
  int64_t elements = product(getFrameShape(value));
  if (width == 0)
    width = std::gcd(getStage(op).getSimd(), elements);
  return take(value, op, index, width);
}

/// Where a constant operand of an elementwise op varies over the
/// `result` tensor: nothing (a scalar, `axis` = -1) or one frame axis.
struct BroadcastConstant {
  SmallVector<int64_t> values;
  int64_t axis = -1;
};
static FailureOr<BroadcastConstant>
getBroadcastConstant(Operation *op, Value constant, RankedTensorType result) {
  std::optional<SmallVector<int64_t>> values = readConstant(constant);
  if (!values || values->empty())
    return op->emitOpError() << "has an operand that is neither a stream nor "
                                "a constant";
  auto type = cast<RankedTensorType>(constant.getType());
  int64_t offset = result.getRank() - type.getRank();
  BroadcastConstant broadcast;
  for (auto [d, size] : llvm::enumerate(type.getShape())) {
    if (size == 1)
      continue;
    if (broadcast.axis >= 0 || d + offset == 0)
      return op->emitOpError()
             << "broadcasts a constant of type " << type
             << " that varies along more than one axis or along the batch; "
                "the HLS stage takes scalars and per-channel constants";
    broadcast.axis = d + offset - 1;
  }
  if (broadcast.axis < 0)
    broadcast.values = {values->front()};
  else
    broadcast.values = *values;
  return broadcast;
}

template <typename OpTy>
LogicalResult DesignEmitter::printBinary(OpTy op, StringRef paramsType,
                                         StringRef params) {
  std::string name = getStageName(op);
  RankedTensorType resultType = op.getType();
  Value a = op.getA(), b = op.getB();
  globalsOS << "// " << name << ": " << op->getName() << ".\n"
            << "static const " << paramsType << " " << name
            << "_params = " << params << ";\n";
  if (isActivation(a) && isActivation(b)) {
    // qnn.mul scales a feature map by a per-channel stream (squeeze and
    // excitation), which the planner lets it buffer.
    if ((a.getType() != resultType || b.getType() != resultType) &&
        isa<qnn::MulOp>(op.getOperation()))
      return printBroadcastBinary(op, paramsType);
    if (a.getType() != resultType || b.getType() != resultType)
      return op.emitOpError()
             << "broadcasts one stream over another; the HLS stage combines "
                "two streams of the result's shape";
    int64_t width = 0;
    FailureOr<Taken> x = takeElementwise(op, a, 0, width);
    if (failed(x))
      return failure();
    StreamLayout order = x->layout;
    FailureOr<Taken> y = take(b, op, 1, width, &order);
    if (failed(y))
      return failure();
    globalsOS << "\n";
    printStageCall(
        op, instantiate("binary", paramsType, order.getNumElements(), width),
        {x->stream, y->stream}, width, name + "_params",
        order.reshaped(getFrameShape(op.getY())));
    return success();
  }
  bool constantFirst = !isActivation(a);
  Value stream = constantFirst ? b : a;
  if (!isActivation(stream))
    return op.emitOpError() << "has no stream operand";
  if (stream.getType() != resultType)
    return op.emitOpError() << "broadcasts a stream; the HLS stage takes a "
                               "stream of the result's shape";
  FailureOr<BroadcastConstant> constant =
      getBroadcastConstant(op, constantFirst ? a : b, resultType);
  if (failed(constant))
    return failure();
  int64_t width = 0;
  FailureOr<Taken> x = takeElementwise(op, stream, 0, width);
  if (failed(x))
    return failure();
  int64_t inner = 1;
  if (constant->axis >= 0) {
    std::optional<std::pair<int64_t, int64_t>> axis =
        x->layout.getAxisInStream(constant->axis);
    if (!axis)
      return op.emitOpError() << "broadcasts a constant along an axis the "
                                 "stream does not visit as one loop";
    inner = axis->first;
  }
  globalsOS << "static const int8_t " << name << "_constant["
            << constant->values.size() << "] = " << formatList(constant->values)
            << ";\n\n";
  printStageCall(op,
                 instantiate("binary_constant", paramsType,
                             x->layout.getNumElements(), width,
                             constant->values.size(), inner,
                             formatBool(constantFirst)),
                 {x->stream}, width, name + "_constant, " + name + "_params",
                 x->layout.reshaped(getFrameShape(op.getY())));
  return success();
}

LogicalResult DesignEmitter::printAdd(qnn::AddOp op) {
  std::string params;
  llvm::raw_string_ostream os(params);
  os << "{" << op.getAZeroPoint() << ", " << op.getBZeroPoint() << ", "
     << op.getAMultiplier() << ", " << op.getBMultiplier() << ", "
     << op.getShift() << ", " << formatRounding(op.getRounding()) << ", "
     << op.getOutputZeroPoint() << ", " << op.getMin() << ", " << op.getMax()
     << "}";
  return printBinary(op, "AddParams", params);
}

LogicalResult DesignEmitter::printMul(qnn::MulOp op) {
  std::string params;
  llvm::raw_string_ostream os(params);
  os << "{" << op.getAZeroPoint() << ", " << op.getBZeroPoint() << ", "
     << op.getMultiplier() << ", " << op.getShift() << ", "
     << formatRounding(op.getRounding()) << ", " << op.getOutputZeroPoint()
     << ", " << op.getMin() << ", " << op.getMax() << "}";
  return printBinary(op, "MulParams", params);
}

LogicalResult DesignEmitter::printRequantize(qnn::RequantizeOp op) {
  std::string name = getStageName(op);
  int64_t width = 0;
  FailureOr<Taken> x = takeElementwise(op, op.getX(), 0, width);
  if (failed(x))
    return failure();
  int64_t channels = 1, inner = 1;
  if (op.getMultiplier().size() > 1) {
    FailureOr<int64_t> axis = getFrameAxis(
        op, op.getAxis(), op.getType().getRank(), "requantizes per channel");
    if (failed(axis))
      return failure();
    std::optional<std::pair<int64_t, int64_t>> inStream =
        x->layout.getAxisInStream(*axis);
    if (!inStream)
      return op.emitOpError() << "requantizes per channel along an axis the "
                                 "stream does not visit as one loop";
    std::tie(inner, channels) = *inStream;
  }
  globalsOS << "// " << name << ": qnn.requantize.\n"
            << "static const Requantize<" << channels << "> " << name
            << "_requantize = {\n    "
            << formatList(expand(toInt64(op.getMultiplier()), channels))
            << ",\n    " << formatList(expand(toInt64(op.getShift()), channels))
            << ",\n    " << formatRounding(op.getRounding()) << ", "
            << op.getOutputZeroPoint() << ", " << op.getMin() << ", "
            << op.getMax() << "};\n\n";
  std::string type = getElementTypeOrSelf(op.getX().getType()).isInteger(32)
                         ? "int32_t"
                         : "int8_t";
  printStageCall(op,
                 instantiate("requantize_stage", type,
                             x->layout.getNumElements(), width, channels,
                             inner),
                 {x->stream}, width, name + "_requantize",
                 x->layout.reshaped(getFrameShape(op.getY())));
  return success();
}

LogicalResult DesignEmitter::printLookupTable(qnn::LookupTableOp op) {
  std::string name = getStageName(op);
  int64_t width = 0;
  FailureOr<Taken> x = takeElementwise(op, op.getX(), 0, width);
  if (failed(x))
    return failure();
  SmallVector<int64_t> table(op.getTable().begin(), op.getTable().end());
  globalsOS << "// " << name << ": qnn.lut.\n"
            << "static const int8_t " << name
            << "_table[256] = " << formatList(table) << ";\n\n";
  printStageCall(op, instantiate("lookup", x->layout.getNumElements(), width),
                 {x->stream}, width, name + "_table", x->layout);
  return success();
}

/// DivideParams{...} of an average or softmax.
static std::string formatDivide(qnn::OutputStageOpInterface stage,
                                int32_t inputZeroPoint) {
  return "{" + std::to_string(inputZeroPoint) + ", " +
         std::to_string(stage.getOutputMultipliers().front()) + ", " +
         std::to_string(stage.getOutputShifts().front()) + ", " +
         formatRounding(stage.getRounding()) + ", " +
         std::to_string(stage.getOutputZeroPoint()) + ", " +
         std::to_string(stage.getMin()) + ", " +
         std::to_string(stage.getMax()) + "}";
}

LogicalResult DesignEmitter::printSoftmax(qnn::SoftmaxOp op) {
  std::string name = getStageName(op);
  FailureOr<int64_t> axis =
      getFrameAxis(op, op.getAxis(), op.getType().getRank(), "normalizes");
  if (failed(axis))
    return failure();
  const Activation &activation = active.find(op.getX())->second;
  std::optional<std::pair<int64_t, int64_t>> inStream =
      activation.layout.reshaped(getFrameShape(op.getX()))
          .getAxisInStream(*axis);
  if (!inStream || inStream->first != 1)
    return op.emitOpError() << "normalizes along an axis the stream does "
                               "not carry innermost";
  int64_t length = inStream->second;
  int64_t width = std::gcd(getStage(op).getSimd(), length);
  FailureOr<Taken> x = take(op.getX(), op, 0, width);
  if (failed(x))
    return failure();
  auto stage = cast<qnn::OutputStageOpInterface>(op.getOperation());
  SmallVector<int64_t> table = toInt64(op.getExpTable());
  globalsOS << "// " << name << ": qnn.softmax over " << length
            << " elements.\n"
            << "static const int32_t " << name
            << "_exp_table[256] = " << formatList(table) << ";\n"
            << "static const DivideParams " << name
            << "_params = " << formatDivide(stage, 0) << ";\n\n";
  printStageCall(op,
                 instantiate("softmax", x->layout.getNumElements() / length,
                             length, width),
                 {x->stream}, width, name + "_exp_table, " + name + "_params",
                 x->layout);
  return success();
}

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

FailureOr<DesignEmitter::PoolWindows>
DesignEmitter::printPoolWindows(Operation *op, Value x, Value y,
                                ArrayRef<int64_t> kernel, int32_t padValue) {
  auto pool = cast<qnn::ConvLikeOpInterface>(op);
  FailureOr<WindowSpec> window =
      getWindowSpec(op, x, y, kernel, pool.getStrides(),
                    pool.getWindowDilations(), pool.getPads());
  if (failed(window))
    return failure();
  int64_t width = std::gcd(getStage(op).getSimd(), window->channels);
  StreamLayout order = StreamLayout::channelsLast(getFrameShape(x));
  FailureOr<Taken> input = take(x, op, 0, width, &order);
  if (failed(input))
    return failure();
  FailureOr<std::string> windows = printWindow(op, *input, *window, padValue);
  if (failed(windows))
    return failure();
  return PoolWindows{*window, width, *windows};
}

LogicalResult DesignEmitter::printMaxPool(qnn::MaxPoolOp op) {
  // Padding holds -128, which never wins.
  FailureOr<PoolWindows> pool =
      printPoolWindows(op, op.getX(), op.getY(), op.getKernelShape(), -128);
  if (failed(pool))
    return failure();
  const WindowSpec &window = pool->window;
  printStageCall(op,
                 instantiate("max_pool", window.channels,
                             window.output[0] * window.output[1],
                             window.kernel[0] * window.kernel[1], pool->width),
                 {pool->stream}, pool->width, "",
                 StreamLayout::channelsLast(getFrameShape(op.getY())));
  return success();
}

LogicalResult DesignEmitter::printAvgPool(qnn::AvgPoolOp op) {
  // Padding holds the input zero point, which adds 0 to the sum.
  FailureOr<PoolWindows> pool = printPoolWindows(
      op, op.getX(), op.getY(), op.getKernelShape(), op.getInputZeroPoint());
  if (failed(pool))
    return failure();
  const WindowSpec &window = pool->window;
  std::string name = getStageName(op);
  auto stage = cast<qnn::OutputStageOpInterface>(op.getOperation());
  globalsOS << "// " << name << ": qnn.avg_pool.\n"
            << "static const DivideParams " << name
            << "_params = " << formatDivide(stage, op.getInputZeroPoint())
            << ";\n\n";
  printStageCall(
      op,
      instantiate("avg_pool", window.channels, window.input[0], window.input[1],
                  window.kernel[0], window.kernel[1], window.strides[0],
                  window.strides[1], window.padsBegin[0], window.padsBegin[1],
                  window.padsEnd[0], window.padsEnd[1], window.output[0],
                  window.output[1], formatBool(op.getCountIncludePad()),
                  pool->width),
      {pool->stream}, pool->width, name + "_params",
      StreamLayout::channelsLast(getFrameShape(op.getY())));
  return success();
}

LogicalResult DesignEmitter::printGlobalAvgPool(qnn::GlobalAvgPoolOp op) {
  std::string name = getStageName(op);
  ArrayRef<int64_t> frame = getFrameShape(op.getX());
  int64_t channels = frame.front(), pixels = product(frame.drop_front());
  int64_t width = std::gcd(getStage(op).getSimd(), channels);
  StreamLayout order = StreamLayout::channelsLast(frame);
  FailureOr<Taken> x = take(op.getX(), op, 0, width, &order);
  if (failed(x))
    return failure();
  auto stage = cast<qnn::OutputStageOpInterface>(op.getOperation());
  globalsOS << "// " << name << ": qnn.global_avg_pool over " << pixels
            << " positions.\n"
            << "static const DivideParams " << name
            << "_params = " << formatDivide(stage, op.getInputZeroPoint())
            << ";\n\n";
  printStageCall(op, instantiate("global_avg_pool", channels, pixels, width),
                 {x->stream}, width, name + "_params",
                 StreamLayout::channelsLast(getFrameShape(op.getY())));
  return success();
}

LogicalResult DesignEmitter::printStage(Operation *op) {
  if (!isa<qnn::ConvOp>(op) && getStage(op).getRows() == WeightMemory::lutram)
    return op->emitOpError()
           << "has rows = lutram, but only a convolution keeps input rows";
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](qnn::ConvOp conv) { return printConv(conv); })
      .Case([&](qnn::MatMulOp matmul) { return printMatMul(matmul); })
      .Case([&](qnn::RequantizeOp requantize) {
        return printRequantize(requantize);
      })
      .Case([&](qnn::AddOp add) { return printAdd(add); })
      .Case([&](qnn::MulOp mul) { return printMul(mul); })
      .Case([&](qnn::MaxPoolOp pool) { return printMaxPool(pool); })
      .Case([&](qnn::AvgPoolOp pool) { return printAvgPool(pool); })
      .Case([&](qnn::GlobalAvgPoolOp pool) { return printGlobalAvgPool(pool); })
      .Case([&](qnn::LookupTableOp lut) { return printLookupTable(lut); })
      .Case([&](qnn::SoftmaxOp softmax) { return printSoftmax(softmax); })
      .Case([&](qnn::ConcatOp concat) { return printConcat(concat); })
      .Case<nn::FlattenOp, nn::ReshapeOp, nn::SqueezeOp, nn::UnsqueezeOp,
            nn::IdentityOp>(
          [&](Operation *relabel) { return printRelabel(relabel); })
      .Case([&](nn::DropoutOp dropout) -> LogicalResult {
        if (!dropout.getMask().use_empty())
          return dropout.emitOpError()
                 << "has a mask that is read; the HLS design passes only "
                    "the data through";
        return printRelabel(dropout);
      })
      .Case([&](nn::PadOp pad) { return printPad(pad); })
      .Case([&](nn::SliceOp slice) { return printSlice(slice); })
      .Case([&](nn::SplitOp split) { return printSplit(split); })
      .Case([&](nn::ConcatOp concat) { return printNNConcat(concat); })
      .Case([&](qnn::ResizeOp resize) { return printResize(resize); })
      .Case<nn::DepthToSpaceOp, nn::SpaceToDepthOp>(
          [&](Operation *rearrange) { return printBlockRearrange(rearrange); })
      .Case([&](nn::TransposeOp transpose) {
        SmallVector<int64_t> perm;
        if (std::optional<ArrayRef<int64_t>> given = transpose.getPerm())
          perm.assign(given->begin(), given->end());
        else
          for (int64_t d = transpose.getType().getRank() - 1; d >= 0; --d)
            perm.push_back(d);
        return printTranspose(transpose, perm);
      })
      .Default([](Operation *other) {
        return other->emitOpError()
               << "has no HLS stage template; the FPGA back end cannot emit "
                  "it";
      });
}
