//===- EmitDataMovement.cpp - stages that move or resample i8 -------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The printers of stages that compute nothing but move elements: relabels
// (reshapes, transposes and the block rearrangements of depth_to_space and
// space_to_depth, which change only the stream's layout, the consumer that
// needs another order getting a reorder stage), padding, slices, splits
// and concatenations; qnn.resize, which resamples a line buffer with the
// op's integer tables; and a qnn.mul whose operand is a stream broadcast
// over the other (squeeze-and-excitation).
//
// Slices, splits and concatenations stream a frame in one of two nests of
// loops over its dimensions: channels last when the (first) input comes
// so, else row-major; their results stream in the same nest.
//
//===----------------------------------------------------------------------===//

#include "EmitDesign.h"

#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNInterfaces.h"
#include "whittle/Dialect/QNN/QNNResize.h"

#include <numeric>

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;
using namespace whittle::hlscpp::detail;

static int64_t countElements(ArrayRef<int64_t> shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

/// `{{1, 2}, {3, 4}}`: a table's rows.
static std::string formatTable(ArrayRef<SmallVector<int64_t>> rows) {
  std::string text = "{";
  for (auto [i, row] : llvm::enumerate(rows))
    text += (i ? ",\n    " : "") + formatList(row, 5);
  return text + "}";
}

bool DesignEmitter::streamsChannelsLast(Value value) const {
  ArrayRef<int64_t> frame = getFrameShape(value);
  auto it = active.find(value);
  return frame.size() >= 2 && it != active.end() &&
         it->second.layout.sameOrder(StreamLayout::channelsLast(frame));
}

/// The frame dimensions in the order a slice, split or concatenation
/// streams them, outermost first.
static SmallVector<int64_t> getStreamOrder(size_t rank, bool channelsLast) {
  SmallVector<int64_t> order;
  for (size_t d = channelsLast ? 1 : 0; d < rank; ++d)
    order.push_back(d);
  if (channelsLast)
    order.push_back(0);
  return order;
}

static StreamLayout getOrderLayout(ArrayRef<int64_t> frame, bool channelsLast) {
  return channelsLast ? StreamLayout::channelsLast(frame)
                      : StreamLayout::rowMajor(frame);
}

/// Where frame axis `axis` splits a frame streamed in `order`: the stream
/// visits `outer` runs, each of `chunk` elements per part.
static void getRuns(ArrayRef<int64_t> frame, ArrayRef<int64_t> order,
                    int64_t axis, int64_t &outer, int64_t &chunk) {
  int64_t position = llvm::find(order, axis) - order.begin();
  outer = chunk = 1;
  for (auto [i, d] : llvm::enumerate(order))
    (static_cast<int64_t>(i) < position ? outer : chunk) *= frame[d];
}

//===----------------------------------------------------------------------===//
// Relabels
//===----------------------------------------------------------------------===//

LogicalResult DesignEmitter::printRelabel(Operation *op) {
  Value input = op->getOperand(0), result = op->getResult(0);
  if (countElements(getFrameShape(input)) !=
      countElements(getFrameShape(result)))
    return op->emitOpError() << "moves elements between frames (the leading "
                                "dimension); the design's frames are "
                                "independent";
  FailureOr<Taken> x = take(input, op, 0, 0);
  if (failed(x))
    return failure();
  bodyOS << "  // The stream is relabelled (" << op->getName()
         << "): no element moves.\n";
  define(result, x->stream, x->width,
         x->layout.reshaped(getFrameShape(result)));
  return success();
}

LogicalResult DesignEmitter::printTranspose(Operation *op,
                                            ArrayRef<int64_t> perm) {
  if (perm.empty() || perm.front() != 0)
    return op->emitOpError() << "moves the batch dimension; the design's "
                                "frames are independent";
  SmallVector<int64_t> framePerm;
  for (int64_t d : perm.drop_front())
    framePerm.push_back(d - 1);
  return printFrameTranspose(op, getFrameShape(op->getOperand(0)), framePerm);
}

LogicalResult DesignEmitter::printFrameTranspose(Operation *op,
                                                 ArrayRef<int64_t> view,
                                                 ArrayRef<int64_t> framePerm) {
  Value input = op->getOperand(0), result = op->getResult(0);
  const Activation &activation = active.find(input)->second;
  std::optional<StreamLayout> transposed =
      activation.layout.reshaped(view).transposed(framePerm);
  FailureOr<Taken> x;
  if (transposed) {
    x = take(input, op, 0, 0);
  } else {
    // The stream's loops do not map onto whole dimensions of the view:
    // reorder to row-major first.
    StreamLayout rowMajor = StreamLayout::rowMajor(getFrameShape(input));
    x = take(input, op, 0, 0, &rowMajor);
    transposed = StreamLayout::rowMajor(view).transposed(framePerm);
  }
  if (failed(x))
    return failure();
  bodyOS << "  // The stream is relabelled (" << op->getName()
         << "): no element moves.\n";
  define(result, x->stream, x->width,
         transposed->reshaped(getFrameShape(result)));
  return success();
}

LogicalResult DesignEmitter::printBlockRearrange(Operation *op) {
  auto type = cast<RankedTensorType>(op->getOperand(0).getType());
  if (type.getRank() != 4)
    return op->emitOpError() << "rearranges a tensor of rank " << type.getRank()
                             << "; it takes N x C x H x W";
  int64_t c = type.getDimSize(1), h = type.getDimSize(2),
          w = type.getDimSize(3);
  // ONNX's definitions: a reshape of the frame, a transpose and a reshape
  // to the result, which only relabels the stream.
  if (auto depthToSpace = dyn_cast<nn::DepthToSpaceOp>(op)) {
    int64_t b = depthToSpace.getBlocksize();
    if (depthToSpace.getMode() == "CRD")
      return printFrameTranspose(op, {c / (b * b), b, b, h, w},
                                 {0, 3, 1, 4, 2});
    return printFrameTranspose(op, {b, b, c / (b * b), h, w}, {2, 3, 0, 4, 1});
  }
  int64_t b = cast<nn::SpaceToDepthOp>(op).getBlocksize();
  return printFrameTranspose(op, {c, h / b, b, w / b, b}, {2, 4, 0, 1, 3});
}

LogicalResult DesignEmitter::printPad(nn::PadOp op) {
  auto type = cast<RankedTensorType>(op.getData().getType());
  int64_t rank = type.getRank();
  std::optional<SmallVector<int64_t>> pads = nn::getConstantInts(op.getPads());
  std::optional<int64_t> value =
      nn::isNone(op.getConstantValue())
          ? std::optional<int64_t>(0)
          : nn::getConstantScalar<int64_t>(op.getConstantValue());
  SmallVector<int64_t> axes;
  if (nn::isNone(op.getAxes()))
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  else if (std::optional<SmallVector<int64_t>> given =
               nn::getConstantInts(op.getAxes()))
    for (int64_t axis : *given)
      axes.push_back(axis < 0 ? axis + rank : axis);
  if (op.getMode() != "constant" || !pads || !value ||
      pads->size() != 2 * axes.size() || (rank != 3 && rank != 4))
    return op.emitOpError() << "is not a constant padding of a feature map "
                               "with constant pads; the HLS stage pads the "
                               "spatial dimensions of N x C x [H x] W";
  SmallVector<int64_t> begin(rank, 0), end(rank, 0);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    begin[axis] = (*pads)[i];
    end[axis] = (*pads)[axes.size() + i];
  }
  if (begin[0] || end[0] || begin[1] || end[1] ||
      llvm::any_of(begin, [](int64_t p) { return p < 0; }) ||
      llvm::any_of(end, [](int64_t p) { return p < 0; }))
    return op.emitOpError() << "pads the batch or channel dimension or crops; "
                               "the HLS stage pads the spatial dimensions";
  ArrayRef<int64_t> in = getFrameShape(op.getData());
  ArrayRef<int64_t> out = getFrameShape(op.getOutput());
  int64_t channels = in[0];
  int64_t width = std::gcd(getStage(op).getSimd(), channels);
  StreamLayout order = StreamLayout::channelsLast(in);
  FailureOr<Taken> x = take(op.getData(), op, 0, width, &order);
  if (failed(x))
    return failure();
  bool oneD = rank == 3;
  printStageCall(op,
                 instantiate("pad", channels, oneD ? 1 : in[1], in.back(),
                             oneD ? 0 : begin[2], begin[rank - 1],
                             oneD ? 1 : out[1], out.back(), width),
                 {x->stream}, width, std::to_string(*value),
                 StreamLayout::channelsLast(out));
  return success();
}

//===----------------------------------------------------------------------===//
// Slices, splits and concatenations
//===----------------------------------------------------------------------===//

LogicalResult DesignEmitter::printSlice(nn::SliceOp op) {
  auto type = cast<RankedTensorType>(op.getData().getType());
  int64_t rank = type.getRank();
  std::optional<SmallVector<int64_t>> starts =
      nn::getConstantInts(op.getStarts());
  std::optional<SmallVector<int64_t>> ends = nn::getConstantInts(op.getEnds());
  std::optional<SmallVector<int64_t>> axes, steps;
  if (!nn::isNone(op.getAxes()))
    axes = nn::getConstantInts(op.getAxes());
  else if (starts)
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts->size()));
  if (!nn::isNone(op.getSteps()))
    steps = nn::getConstantInts(op.getSteps());
  else if (starts)
    steps = SmallVector<int64_t>(starts->size(), 1);
  if (!starts || !ends || !axes || !steps || ends->size() != starts->size() ||
      axes->size() != starts->size() || steps->size() != starts->size())
    return op.emitOpError() << "has starts, ends, axes or steps that are not "
                               "constants; the HLS stage slices by constants";
  // {start, step, end} of each dimension.
  SmallVector<std::array<int64_t, 3>> ranges;
  for (int64_t size : type.getShape())
    ranges.push_back({0, 1, size});
  for (auto [i, given] : llvm::enumerate(*axes)) {
    int64_t axis = given < 0 ? given + rank : given;
    int64_t size = type.getDimSize(axis);
    int64_t step = (*steps)[i];
    if (step < 1)
      return op.emitOpError()
             << "slices with step " << step
             << "; the HLS stage keeps the stream's order (steps >= 1)";
    auto clampIndex = [&](int64_t index) {
      return std::clamp<int64_t>(index < 0 ? index + size : index, 0, size);
    };
    ranges[axis] = {clampIndex((*starts)[i]), step, clampIndex((*ends)[i])};
  }
  if (ranges[0][0] != 0 || ranges[0][1] != 1 ||
      ranges[0][2] != type.getDimSize(0))
    return op.emitOpError() << "slices the batch dimension, which the "
                               "design's frames split";
  ArrayRef<int64_t> inFrame = getFrameShape(op.getData());
  ArrayRef<int64_t> outFrame = getFrameShape(op.getOutput());
  for (auto [d, size] : llvm::enumerate(outFrame)) {
    auto [start, step, end] = ranges[d + 1];
    if (std::max<int64_t>(0, (end - start + step - 1) / step) != size)
      return op.emitOpError() << "has a result whose dimension " << d + 1
                              << " is not that of the slice";
  }
  bool channelsLast = streamsChannelsLast(op.getData());
  std::string name = getStageName(op);
  int64_t inElements = countElements(inFrame),
          outElements = countElements(outFrame);
  int64_t inWidth = std::gcd(getStage(op).getSimd(), inElements);
  int64_t outWidth = std::gcd(getStage(op).getSimd(), outElements);
  StreamLayout required = getOrderLayout(inFrame, channelsLast);
  FailureOr<Taken> x = take(op.getData(), op, 0, inWidth, &required);
  if (failed(x))
    return failure();
  SmallVector<int64_t> order = getStreamOrder(inFrame.size(), channelsLast);
  globalsOS << "// " << name << ": nn.slice; per stream loop {size, start, "
            << "step, end}.\nstatic const int " << name << "_dims["
            << order.size() << "][4] = {";
  for (auto [i, d] : llvm::enumerate(order)) {
    auto [start, step, end] = ranges[d + 1];
    globalsOS << (i ? ", " : "") << "{" << inFrame[d] << ", " << start << ", "
              << step << ", " << end << "}";
  }
  globalsOS << "};\n\n";
  printStageCall(op,
                 instantiate("slice", inElements, outElements, inWidth,
                             outWidth, order.size()),
                 {x->stream}, outWidth, name + "_dims",
                 getOrderLayout(outFrame, channelsLast));
  return success();
}

LogicalResult DesignEmitter::printSplit(nn::SplitOp op) {
  Value input = op.getInput();
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  FailureOr<int64_t> axis = getFrameAxis(op, op.getAxis(), rank, "splits");
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> frame = getFrameShape(input);
  bool channelsLast = streamsChannelsLast(input);
  SmallVector<int64_t> order = getStreamOrder(frame.size(), channelsLast);
  int64_t outer = 1, width = getStage(op).getSimd();
  SmallVector<int64_t> chunks;
  for (Value result : op.getOutputs()) {
    int64_t chunk;
    getRuns(getFrameShape(result), order, *axis, outer, chunk);
    chunks.push_back(chunk);
    width = std::gcd(width, chunk);
  }
  StreamLayout required = getOrderLayout(frame, channelsLast);
  FailureOr<Taken> x = take(input, op, 0, width, &required);
  if (failed(x))
    return failure();
  // Pairwise: each split sends one part on and splits the rest again.
  std::string name = getStageName(op), current = x->stream;
  int64_t rest = std::accumulate(chunks.begin(), chunks.end(), int64_t(0));
  size_t parts = chunks.size();
  for (size_t i = 0; i + 1 < parts; ++i) {
    std::string part =
        declareStream(name + "_out" + std::to_string(i), "int8_t", width);
    std::string next = declareStream(
        name + (i + 2 == parts ? "_out" : "_rest") + std::to_string(i + 1),
        "int8_t", width);
    rest -= chunks[i];
    bodyOS << "  split<" << outer << ", " << chunks[i] << ", " << rest << ", "
           << width << ">(" << current << ", " << part << ", " << next
           << ", frames);\n";
    Value result = op.getOutputs()[i];
    define(result, part, width,
           getOrderLayout(getFrameShape(result), channelsLast));
    current = next;
  }
  Value last = op.getOutputs().back();
  if (parts == 1)
    bodyOS << "  // The stream is relabelled (nn.split into one part): no "
              "element moves.\n";
  define(last, current, width,
         getOrderLayout(getFrameShape(last), channelsLast));
  return success();
}

LogicalResult DesignEmitter::printConcatenation(
    Operation *op, ValueRange inputs, int64_t tensorAxis, Value result,
    ArrayRef<std::string> inputParams, StringRef passThrough,
    StringRef outputStage) {
  std::string name = getStageName(op);
  FailureOr<int64_t> axis = getFrameAxis(
      op, tensorAxis, cast<RankedTensorType>(result.getType()).getRank(),
      "concatenates");
  if (failed(axis))
    return failure();
  for (Value input : inputs)
    if (!isActivation(input))
      return op->emitOpError() << "concatenates a constant; the HLS stage "
                                  "concatenates streams";
  if (inputs.size() < 2)
    return op->emitOpError() << "concatenates one input; fold it first";
  // Every input in the order of the first: channels last or row-major.
  bool channelsLast = streamsChannelsLast(inputs.front());
  SmallVector<int64_t> order =
      getStreamOrder(getFrameShape(inputs.front()).size(), channelsLast);
  int64_t outer = 1, width = getStage(op).getSimd();
  SmallVector<int64_t> chunks;
  for (Value input : inputs) {
    int64_t chunk;
    getRuns(getFrameShape(input), order, *axis, outer, chunk);
    chunks.push_back(chunk);
    width = std::gcd(width, chunk);
  }
  SmallVector<Taken> taken;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    StreamLayout required = getOrderLayout(getFrameShape(input), channelsLast);
    FailureOr<Taken> x = take(input, op, i, width, &required);
    if (failed(x))
      return failure();
    taken.push_back(*x);
  }
  // Pairwise: the part already concatenated passes through unchanged.
  std::string current = taken[0].stream;
  int64_t done = chunks[0];
  for (size_t i = 1; i < taken.size(); ++i) {
    std::string params = name + "_params" + std::to_string(i);
    globalsOS << "static const ConcatParams " << params << " = {"
              << (i == 1 ? inputParams[0] : passThrough.str()) << ", "
              << inputParams[i] << ", " << outputStage << "};\n";
    std::string out =
        declareStream(name + "_out" + std::to_string(i), "int8_t", width);
    bodyOS << "  concat<" << outer << ", " << done << ", " << chunks[i] << ", "
           << width << ">(" << current << ", " << taken[i].stream << ", " << out
           << ", " << params << ", frames);\n";
    current = out;
    done += chunks[i];
  }
  globalsOS << "\n";
  define(result, current, width,
         getOrderLayout(getFrameShape(result), channelsLast));
  return success();
}

LogicalResult DesignEmitter::printConcat(qnn::ConcatOp op) {
  auto stage = cast<qnn::OutputStageOpInterface>(op.getOperation());
  SmallVector<int32_t> multipliers = stage.getOutputMultipliers();
  SmallVector<int32_t> shifts = stage.getOutputShifts();
  ArrayRef<int32_t> zeroPoints = op.getInputZeroPoints();
  SmallVector<std::string> inputParams;
  for (size_t i = 0; i < op.getInputs().size(); ++i)
    inputParams.push_back("{" + std::to_string(zeroPoints[i]) + ", " +
                          std::to_string(multipliers[i]) + ", " +
                          std::to_string(shifts[i]) + "}");
  std::string passThrough =
      "{" + std::to_string(op.getOutputZeroPoint()) + ", 1, 0}";
  std::string outputStage = formatRounding(op.getRounding()) + ", " +
                            std::to_string(op.getOutputZeroPoint()) + ", " +
                            std::to_string(op.getMin()) + ", " +
                            std::to_string(op.getMax());
  return printConcatenation(op, op.getInputs(), op.getAxis(), op.getY(),
                            inputParams, passThrough, outputStage);
}

LogicalResult DesignEmitter::printNNConcat(nn::ConcatOp op) {
  // The inputs share the output's scale: each passes through unchanged
  // (qnn.concat's arithmetic with multiplier 1, shift 0, the full clamp).
  SmallVector<std::string> inputParams(op.getInputs().size(), "{0, 1, 0}");
  return printConcatenation(op, op.getInputs(), op.getAxis(),
                            op.getConcatResult(), inputParams, "{0, 1, 0}",
                            "RoundingMode::nearest_even, 0, -128, 127");
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

LogicalResult DesignEmitter::printResize(qnn::ResizeOp op) {
  int64_t rank = op.getX().getType().getRank();
  int64_t spatial = rank - 2;
  if (spatial != 1 && spatial != 2)
    return op.emitOpError()
           << "resizes " << spatial
           << " spatial dimensions; the HLS stage resizes one or two";
  ArrayRef<int64_t> in = getFrameShape(op.getX());
  ArrayRef<int64_t> out = getFrameShape(op.getY());
  int64_t channels = in[0];
  // The tables of the CPU lowering; a 1-D resize is a 2-D one of height 1
  // whose one row has weight 1.
  qnn::IntegerAxisSampling rows{{{0}}, {{1}}};
  if (spatial == 2)
    rows = qnn::getIntegerAxisSampling(op, 2);
  qnn::IntegerAxisSampling cols = qnn::getIntegerAxisSampling(op, rank - 1);
  int64_t inH = spatial == 2 ? in[1] : 1, outH = spatial == 2 ? out[1] : 1;
  // The line buffer keeps the rows from the lowest tap of an output row to
  // the highest row read so far (the taps move down the frame, so a row
  // once dropped is never read again).
  int64_t lines = 1, highest = 0;
  for (int64_t oy = 0; oy < outH; ++oy) {
    int64_t lowest = rows.indices[0][oy];
    for (const SmallVector<int64_t> &tap : rows.indices) {
      highest = std::max(highest, tap[oy]);
      lowest = std::min(lowest, tap[oy]);
    }
    lines = std::max(lines, highest - lowest + 1);
  }
  int64_t width = std::gcd(getStage(op).getSimd(), channels);
  StreamLayout order = StreamLayout::channelsLast(in);
  FailureOr<Taken> x = take(op.getX(), op, 0, width, &order);
  if (failed(x))
    return failure();
  std::string name = getStageName(op);
  globalsOS << "// " << name << ": qnn.resize (" << op.getMode() << ", "
            << op.getCoordinateTransformationMode();
  if (op.getMode() == "nearest")
    globalsOS << ", " << op.getNearestMode();
  globalsOS << "); per tap, each output row's and column's input index and "
               "weight (2^"
            << op.getFractionBits() << " is one).\n";
  auto printTable = [&](StringRef suffix,
                        ArrayRef<SmallVector<int64_t>> table) {
    globalsOS << "static const int32_t " << name << "_" << suffix << "["
              << table.size() << "][" << table.front().size()
              << "] = " << formatTable(table) << ";\n";
  };
  printTable("rows", rows.indices);
  printTable("row_weights", rows.weights);
  printTable("cols", cols.indices);
  printTable("col_weights", cols.weights);
  globalsOS << "\n";
  printStageCall(op,
                 instantiate("resize_stage", channels, inH, in.back(), outH,
                             out.back(), rows.indices.size(),
                             cols.indices.size(), lines,
                             op.getFractionBits() * spatial, width),
                 {x->stream}, width,
                 name + "_rows, " + name + "_row_weights, " + name + "_cols, " +
                     name + "_col_weights, " + formatRounding(op.getRounding()),
                 StreamLayout::channelsLast(out));
  return success();
}

//===----------------------------------------------------------------------===//
// Broadcast streams
//===----------------------------------------------------------------------===//

LogicalResult DesignEmitter::printBroadcastBinary(Operation *op,
                                                  StringRef paramsType) {
  Value a = op->getOperand(0), b = op->getOperand(1);
  Value result = op->getResult(0);
  bool smallFirst = a.getType() != result.getType();
  Value large = smallFirst ? b : a, small = smallFirst ? a : b;
  auto smallType = cast<RankedTensorType>(small.getType());
  auto resultType = cast<RankedTensorType>(result.getType());
  if (large.getType() != resultType ||
      smallType.getRank() != resultType.getRank())
    return op->emitOpError()
           << "broadcasts both streams or one of another rank; the HLS "
              "stage broadcasts one stream over one of the result's shape";
  // The small stream varies along at most one frame axis (one frame of it
  // per frame of the large one).
  int64_t axis = -1;
  for (auto [d, size] : llvm::enumerate(getFrameShape(small))) {
    if (size == 1)
      continue;
    if (axis >= 0)
      return op->emitOpError()
             << "broadcasts a stream of type " << smallType
             << " that varies along more than one axis; the HLS stage "
                "broadcasts a scalar or per-channel stream";
    axis = d;
  }
  int64_t width = 0;
  FailureOr<Taken> x = takeElementwise(op, large, smallFirst ? 1 : 0, width);
  if (failed(x))
    return failure();
  int64_t inner = 1;
  if (axis >= 0) {
    std::optional<std::pair<int64_t, int64_t>> inStream =
        x->layout.getAxisInStream(axis);
    if (!inStream)
      return op->emitOpError() << "broadcasts a stream along an axis the "
                                  "other stream does not visit as one loop";
    inner = inStream->first;
  }
  int64_t smallElements = countElements(getFrameShape(small));
  int64_t smallWidth = std::gcd(getStage(op).getSimd(), smallElements);
  // Its elements lie along one axis: every order of them is the same.
  FailureOr<Taken> y = take(small, op, smallFirst ? 0 : 1, smallWidth);
  if (failed(y))
    return failure();
  std::string name = getStageName(op);
  globalsOS << "\n";
  printStageCall(op,
                 instantiate("binary_broadcast", paramsType,
                             x->layout.getNumElements(), width, smallElements,
                             y->width, inner, smallFirst ? "true" : "false"),
                 {x->stream, y->stream}, width, name + "_params",
                 x->layout.reshaped(getFrameShape(result)));
  return success();
}
