//===- EmitCUDA.cpp - print a planned qnn model as CUDA -------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Prints cuda/model.cu and include/<name>.h of a module planned by
// whittle-cuda-plan. Every decision (kernel, tile, epilogue, buffer
// offsets, layouts) is read from the plan's attributes; what is computed
// here is only their spelling and the weights in the kernels' layouts.
//
// The printed run has two modes: float (the model's own inputs and
// outputs) and integer (whittle-run --integer-io: each input's qnn.quantize
// and each output's qnn.dequantize left out, their int8/int32 sides copied
// instead). Inputs are copied into, and outputs out of, row-major staging
// regions of the arena, so that the layers between them are captured once
// per mode as a CUDA graph and replayed.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CUDA/EmitCUDA.h"

#include "whittle/Dialect/NN/LayerName.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNResizeSampling.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNOps.h"
#include "whittle/Dialect/QNN/QNNResize.h"
#include "whittle/Target/CUDA/KernelPlan.h"

#include "whittle_cuda_epilogue.h"
#include "whittle_cuda_layout.h"
#include "whittle_cuda_sparse_layout.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

#include <cstring>

using namespace mlir;
using namespace whittle;
using namespace whittle::cuda;

namespace {

/// A tensor as the runtime's View spells it: logical sizes and strides.
struct ViewSpec {
  SmallVector<int64_t> sizes, strides;
  bool operator==(const ViewSpec &other) const {
    return sizes == other.sizes && strides == other.strides;
  }
};

std::string join(ArrayRef<int64_t> values) {
  std::string text;
  for (auto [i, v] : llvm::enumerate(values))
    text += (i ? ", " : "") + std::to_string(v);
  return text;
}

ViewSpec rowMajorView(ArrayRef<int64_t> shape) {
  ViewSpec view;
  view.sizes.assign(shape.begin(), shape.end());
  view.strides.assign(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    view.strides[d] = view.strides[d + 1] * shape[d + 1];
  return view;
}

/// Channels innermost: N, the spatial dimensions, then C.
ViewSpec channelsLastView(ArrayRef<int64_t> shape) {
  ViewSpec view;
  view.sizes.assign(shape.begin(), shape.end());
  view.strides.assign(shape.size(), 1);
  int64_t stride = shape[1];
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 2; --d) {
    view.strides[d] = stride;
    stride *= shape[d];
  }
  view.strides[0] = stride;
  return view;
}

std::string printView(const ViewSpec &view) {
  return "View{" + std::to_string(view.sizes.size()) + ", {" +
         join(view.sizes) + "}, {" + join(view.strides) + "}}";
}

/// `view` broadcast to `shape` (numpy's rules: aligned on the right, size
/// 1 repeated with stride 0).
ViewSpec broadcastView(const ViewSpec &view, ArrayRef<int64_t> shape) {
  ViewSpec out;
  size_t lead = shape.size() - view.sizes.size();
  for (size_t d = 0; d < shape.size(); ++d) {
    out.sizes.push_back(shape[d]);
    if (d < lead || view.sizes[d - lead] != shape[d])
      out.strides.push_back(0);
    else
      out.strides.push_back(view.strides[d - lead]);
  }
  return out;
}

std::string cType(Type element) {
  if (element.isF32())
    return "float";
  if (element.isInteger(32))
    return "int32_t";
  return "int8_t";
}

std::string npyDtype(Type element) {
  if (element.isF32())
    return "<f4";
  if (element.isInteger(32))
    return "<i4";
  return "|i1";
}

RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

std::string rounding(qnn::RoundingMode mode) {
  return ("RoundingMode::" + qnn::stringifyRoundingMode(mode)).str();
}

class Emitter {
public:
  Emitter(ModuleOp module, StringRef name, EmittedModel &model)
      : module(module), name(name.str()), model(model), body(bodyText),
        globals(globalsText) {}

  LogicalResult emit();

private:
  /// Appends `bytes` to the weights, 256-byte aligned; returns the offset.
  int64_t addWeights(const void *bytes, size_t size);
  template <class T> int64_t addArray(ArrayRef<T> values) {
    return addWeights(values.data(), values.size() * sizeof(T));
  }

  /// Where `value` is: "at<T>(a, offset)" in the arena or the weights.
  FailureOr<std::string> pointer(Value value, bool mutableData = false);
  FailureOr<ViewSpec> view(Value value);
  FailureOr<int64_t> offsetOf(Value value);

  LogicalResult emitOp(Operation *op);
  LogicalResult emitProduct(Operation *product);
  LogicalResult emitElementwise(Operation *op);
  LogicalResult emitPool(Operation *op);
  LogicalResult emitRelayout(Operation *op);
  void emitModelFunctions();
  void emitHeader();

  /// "if ((e = CALL) != cudaSuccess) return e;" for a launch.
  void launch(const std::string &call) {
    body << "  if ((e = " << call << ") != cudaSuccess)\n    return e;\n";
  }

  ModuleOp module;
  func::FuncOp func;
  std::string name;
  EmittedModel &model;
  std::string bodyText, globalsText;
  llvm::raw_string_ostream body, globals;
  /// Constants written to the weights as data an op reads (not weights a
  /// product packs).
  DenseMap<Value, int64_t> constantOffsets;
};

} // namespace

int64_t Emitter::addWeights(const void *bytes, size_t size) {
  size_t offset = (model.weights.size() + 255) / 256 * 256;
  model.weights.resize(offset + size);
  if (size)
    std::memcpy(model.weights.data() + offset, bytes, size);
  return static_cast<int64_t>(offset);
}

FailureOr<int64_t> Emitter::offsetOf(Value value) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    // An integer input copied into channels-last order has a buffer of its
    // own; the others are read where the caller's data lands.
    if (auto buffer = func.getArgAttrOfType<IntegerAttr>(
            argument.getArgNumber(), kOffsetAttr))
      return buffer.getInt();
    auto staging = func.getArgAttrOfType<IntegerAttr>(argument.getArgNumber(),
                                                      kStagingAttr);
    if (!staging)
      return func.emitOpError()
             << "has argument " << argument.getArgNumber() << " without "
             << kStagingAttr << "; run whittle-cuda-plan first";
    return staging.getInt();
  }
  Operation *op = value.getDefiningOp();
  // One offset per result where the op has several (nn.split).
  unsigned number = cast<OpResult>(value).getResultNumber();
  if (auto offsets = op->getAttrOfType<DenseI64ArrayAttr>(kOffsetAttr))
    if (number < offsets.size())
      return offsets[number];
  auto offset = op->getAttrOfType<IntegerAttr>(kOffsetAttr);
  if (!offset)
    return op->emitOpError()
           << "has no " << kOffsetAttr << "; run whittle-cuda-plan first";
  return offset.getInt();
}

FailureOr<std::string> Emitter::pointer(Value value, bool mutableData) {
  std::string type = cType(tensorType(value).getElementType());
  if (auto constant = value.getDefiningOp<nn::ConstantOp>()) {
    auto it = constantOffsets.find(value);
    if (it == constantOffsets.end()) {
      Type element = tensorType(value).getElementType();
      int64_t offset;
      if (element.isF32()) {
        std::optional<SmallVector<double>> values =
            nn::readAsDoubles(constant.getValue());
        if (!values)
          return constant.emitOpError() << "has float data the CUDA back end "
                                           "cannot read";
        SmallVector<float> floats(values->begin(), values->end());
        offset = addArray<float>(floats);
      } else if (element.isInteger(8)) {
        std::optional<SmallVector<int64_t>> ints = nn::getConstantInts(value);
        if (!ints)
          return constant.emitOpError() << "has data the CUDA back end "
                                           "cannot read";
        SmallVector<int8_t> bytes(ints->begin(), ints->end());
        offset = addArray<int8_t>(bytes);
      } else {
        return constant.emitOpError()
               << "is read as an activation but is neither i8 nor f32; the "
                  "CUDA back end reads i8 and f32 constants";
      }
      it = constantOffsets.insert({value, offset}).first;
    }
    return "at<const " + type + ">(w, " + std::to_string(it->second) + ")";
  }
  FailureOr<int64_t> offset = offsetOf(value);
  if (failed(offset))
    return failure();
  return "at<" + std::string(mutableData ? "" : "const ") + type + ">(a, " +
         std::to_string(*offset) + ")";
}

FailureOr<ViewSpec> Emitter::view(Value value) {
  ArrayRef<int64_t> shape = tensorType(value).getShape();
  if (auto argument = dyn_cast<BlockArgument>(value))
    return func.getArgAttr(argument.getArgNumber(), kOffsetAttr)
               ? channelsLastView(shape)
               : rowMajorView(shape);
  if (value.getDefiningOp<nn::ConstantOp>())
    return rowMajorView(shape);
  Operation *op = value.getDefiningOp();
  auto layout = op->getAttrOfType<StringAttr>(kLayoutAttr);
  if (auto layouts = op->getAttrOfType<ArrayAttr>(kLayoutAttr))
    layout =
        dyn_cast<StringAttr>(layouts[cast<OpResult>(value).getResultNumber()]);
  if (!layout)
    return value.getDefiningOp()->emitOpError()
           << "has no " << kLayoutAttr << "; run whittle-cuda-plan first";
  return layout.getValue() == "nhwc" ? channelsLastView(shape)
                                     : rowMajorView(shape);
}

/// The NHWC window of the conv-like `op` from `x` to `y` as the runtime's
/// ConvShape (a 1-D window is a 2-D one of height 1), and its bottom and
/// right pads, which ConvShape leaves implied.
static whittle_cuda::ConvShape getWindowShape(qnn::ConvLikeOpInterface op,
                                              Value x, Value y,
                                              int64_t &padBottom,
                                              int64_t &padRight) {
  auto xType = tensorType(x), yType = tensorType(y);
  bool oneD = xType.getRank() == 3;
  // Along height (0) or width (1): a 1-D window's height is 1.
  auto spatial = [&](RankedTensorType t, int d) -> int {
    return static_cast<int>(oneD ? (d == 0 ? 1 : t.getDimSize(2))
                                 : t.getDimSize(2 + d));
  };
  auto pick = [&](ArrayRef<int64_t> values, int d, int64_t oneDHeight) {
    return static_cast<int>(oneD ? (d == 0 ? oneDHeight : values[0])
                                 : values[d]);
  };
  SmallVector<int64_t> window = op.getWindowShape();
  SmallVector<int64_t> dilations = op.getWindowDilations();
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads();
  int64_t spatialRank = oneD ? 1 : 2;
  whittle_cuda::ConvShape shape{};
  shape.batch = static_cast<int>(xType.getDimSize(0));
  shape.channels = static_cast<int>(xType.getDimSize(1));
  shape.height = spatial(xType, 0);
  shape.width = spatial(xType, 1);
  shape.outChannels = static_cast<int>(yType.getDimSize(1));
  shape.kernelH = pick(window, 0, 1);
  shape.kernelW = pick(window, 1, 1);
  shape.strideH = pick(strides, 0, 1);
  shape.strideW = pick(strides, 1, 1);
  shape.dilationH = pick(dilations, 0, 1);
  shape.dilationW = pick(dilations, 1, 1);
  shape.padTop = pick(pads, 0, 0);
  shape.padLeft = pick(pads, 1, 0);
  shape.outH = spatial(yType, 0);
  shape.outW = spatial(yType, 1);
  padBottom = oneD ? 0 : pads[spatialRank];
  padRight = pads[2 * spatialRank - 1];
  return shape;
}

/// `shape` as a C++ braced initializer of ConvShape.
static std::string printConvShape(const whittle_cuda::ConvShape &s) {
  return "{" +
         join({s.batch, s.height, s.width, s.channels, s.outChannels, s.kernelH,
               s.kernelW, s.strideH, s.strideW, s.padTop, s.padLeft,
               s.dilationH, s.dilationW, s.outH, s.outW}) +
         "}";
}

/// The fused chain's last op, the op whose result the product's kernel
/// writes, as the product's epilogue says: itself, its requantize, or the
/// add after that.
static Operation *getChainEnd(Operation *product, Operation *&requantize,
                              Operation *&add) {
  requantize = add = nullptr;
  auto epilogue = product->getAttrOfType<StringAttr>(kEpilogueAttr);
  if (!epilogue || epilogue.getValue() == "accumulator")
    return product;
  requantize = *product->getResult(0).user_begin();
  if (epilogue.getValue() != "requantize_add")
    return requantize;
  add = *requantize->getResult(0).user_begin();
  return add;
}

LogicalResult Emitter::emitProduct(Operation *product) {
  StringRef kernel = product->getAttrOfType<StringAttr>(kKernelAttr).getValue();
  Operation *requantizeOp, *addOp;
  Operation *end = getChainEnd(product, requantizeOp, addOp);
  FailureOr<std::string> out = pointer(end->getResult(0), /*mutable=*/true);
  if (failed(out))
    return failure();

  // The product's operands, in the kernels' terms.
  Value x, weights, bias;
  int32_t inputZeroPoint;
  ArrayRef<int32_t> weightZeroPoints;
  int64_t columns, k, group = 1;
  whittle_cuda::ConvShape shape{};
  SmallVector<int8_t> bT; // [columns][k], the kernels' B^T / OHWI
  SmallVector<uint32_t> packedDepthwise;
  bool depthwise = kernel == "conv.depthwise";
  if (auto conv = dyn_cast<qnn::ConvOp>(product)) {
    x = conv.getX();
    weights = conv.getW();
    bias = conv.getBias();
    inputZeroPoint = conv.getInputZeroPoint();
    weightZeroPoints = conv.getWeightZeroPoint();
    group = conv.getGroup();
    int64_t padBottom, padRight;
    shape = getWindowShape(conv, x, conv.getY(), padBottom, padRight);
    columns = shape.outChannels;
    int64_t perGroup = shape.channels / group;
    // Channels padded in a scratch copy of the input (the planner's
    // whittle.cuda.padded_channels): the weights get zeros there.
    int64_t stored = perGroup;
    if (auto padded = product->getAttrOfType<IntegerAttr>(kPaddedChannelsAttr))
      stored = padded.getInt();
    int64_t taps = int64_t(shape.kernelH) * shape.kernelW;
    k = taps * stored;
    std::optional<SmallVector<int64_t>> w = nn::getConstantInts(weights);
    if (!w)
      return product->emitOpError() << "has weights that are not constant";
    // OIHW -> OHWI: [m][c][t] to [m][t][c].
    bT.assign(columns * k, 0);
    for (int64_t m = 0; m < columns; ++m)
      for (int64_t c = 0; c < perGroup; ++c)
        for (int64_t t = 0; t < taps; ++t)
          bT[(m * taps + t) * stored + c] =
              static_cast<int8_t>((*w)[(m * perGroup + c) * taps + t]);
    if (depthwise) {
      // [c][t] (OIHW with one input channel each) -> HWC, then dp4a words.
      SmallVector<int8_t> hwc(taps * columns);
      for (int64_t c = 0; c < columns; ++c)
        for (int64_t t = 0; t < taps; ++t)
          hwc[t * columns + c] = static_cast<int8_t>((*w)[c * taps + t]);
      packedDepthwise.resize(whittle_cuda::depthwiseTapGroups(taps) * columns);
      whittle_cuda::packDepthwiseWeights(hwc.data(), static_cast<int>(taps),
                                         static_cast<int>(columns),
                                         packedDepthwise.data());
    }
  } else {
    auto matmul = cast<qnn::MatMulOp>(product);
    x = matmul.getA();
    weights = matmul.getB();
    bias = matmul.getBias();
    inputZeroPoint = matmul.getAZeroPoint();
    weightZeroPoints = matmul.getBZeroPoint();
    auto bType = tensorType(weights);
    k = bType.getDimSize(0);
    columns = bType.getDimSize(1);
    std::optional<SmallVector<int64_t>> b = nn::getConstantInts(weights);
    if (!b)
      return product->emitOpError() << "has a right operand that is not "
                                       "constant";
    bT.resize(columns * k);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t n = 0; n < columns; ++n)
        bT[n * k + i] = static_cast<int8_t>((*b)[i * columns + n]);
    int64_t rows = tensorType(x).getNumElements() / std::max<int64_t>(k, 1);
    // A matrix product is a 1x1 convolution of `rows` pixels.
    shape = whittle_cuda::ConvShape{static_cast<int>(rows),
                                    1,
                                    1,
                                    static_cast<int>(k),
                                    static_cast<int>(columns),
                                    1,
                                    1,
                                    1,
                                    1,
                                    0,
                                    0,
                                    1,
                                    1,
                                    1,
                                    1};
  }

  // The column constants, folded with the runtime's own function.
  SmallVector<int32_t> biasValues;
  if (bias) {
    std::optional<SmallVector<int64_t>> values = nn::getConstantInts(bias);
    if (!values)
      return product->emitOpError() << "has a bias that is not constant";
    biasValues.assign(values->begin(), values->end());
  }
  bool weightZeroPointsUsed =
      llvm::any_of(weightZeroPoints, [](int32_t zp) { return zp != 0; });
  SmallVector<int32_t> zeroPoints(weightZeroPoints.begin(),
                                  weightZeroPoints.end());
  SmallVector<int32_t> folded(columns);
  whittle_cuda::foldBiases(
      bT.data(), columns, k, bias ? biasValues.data() : nullptr, inputZeroPoint,
      zeroPoints.data(), zeroPoints.size() > 1, folded.data());
  // A depthwise kernel's k is its taps; its weights are [c][taps] as
  // foldBiases reads B^T, the same bytes as bT. A 2:4-sparse kernel reads
  // the kept values and their metadata, compressed here with the
  // runtime's own function.
  bool sparse = kernel.ends_with(".sparse_tensor_core");
  int64_t weightsOffset, metadataOffset = 0;
  if (sparse) {
    SmallVector<int8_t> values(whittle_cuda::sparseValueBytes(columns, k));
    SmallVector<uint32_t> metadata(
        whittle_cuda::sparseMetadataWords(columns, k));
    if (!whittle_cuda::compressSparse24(bT.data(), columns, k, values.data(),
                                        metadata.data()))
      return product->emitOpError()
             << "says its weights are 2:4 sparse (whittle.sparsity), but a "
                "group of four along K holds more than two non-zeros; run "
                "whittle-verify-sparsity, or sparsify again";
    weightsOffset = addArray<int8_t>(values);
    metadataOffset = addArray<uint32_t>(metadata);
  } else {
    weightsOffset =
        depthwise ? addArray<uint32_t>(packedDepthwise) : addArray<int8_t>(bT);
  }
  int64_t foldedOffset = addArray<int32_t>(folded);

  body << "  {\n";
  std::string epilogueType;
  StringRef epilogueKind =
      product->getAttrOfType<StringAttr>(kEpilogueAttr).getValue();
  std::string zp = weightZeroPointsUsed ? "true" : "false";
  if (epilogueKind == "accumulator")
    epilogueType = "AccumulatorEpilogue<" + zp + ">";
  else
    epilogueType = "RequantizeEpilogue<" + zp + ">";
  body << "    " << epilogueType << " epilogue;\n"
       << "    epilogue.foldedBias = at<const int32_t>(w, " << foldedOffset
       << ");\n";
  if (weightZeroPointsUsed)
    body << "    epilogue.bZeroPoints = at<const int32_t>(w, "
         << addArray<int32_t>(zeroPoints) << ");\n"
         << "    epilogue.perColumnZeroPoint = "
         << (zeroPoints.size() > 1 ? "true" : "false") << ";\n";
  if (auto requantize = dyn_cast_or_null<qnn::RequantizeOp>(requantizeOp)) {
    ArrayRef<int32_t> multipliers = requantize.getMultiplier();
    body << "    epilogue.multipliers = at<const int32_t>(w, "
         << addArray<int32_t>(multipliers) << ");\n"
         << "    epilogue.shifts = at<const int32_t>(w, "
         << addArray<int32_t>(requantize.getShift()) << ");\n"
         << "    epilogue.perColumnScale = "
         << (multipliers.size() > 1 ? "true" : "false") << ";\n"
         << "    epilogue.rounding = " << rounding(requantize.getRounding())
         << ";\n"
         << "    epilogue.outputZeroPoint = " << requantize.getOutputZeroPoint()
         << ";\n"
         << "    epilogue.min = " << requantize.getMin() << ";\n"
         << "    epilogue.max = " << requantize.getMax() << ";\n";
  }
  if (auto add = dyn_cast_or_null<qnn::AddOp>(addOp)) {
    // The epilogue's y is the add's `a`; a residual in `a` swaps the sides.
    bool residualIsA = add.getB() == requantizeOp->getResult(0);
    Value residual = residualIsA ? add.getA() : add.getB();
    FailureOr<std::string> residualPointer = pointer(residual);
    if (failed(residualPointer))
      return failure();
    body << "    epilogue.residual = " << *residualPointer << ";\n"
         << "    epilogue.ldResidual = " << columns << ";\n"
         << "    epilogue.addAZeroPoint = "
         << (residualIsA ? add.getBZeroPoint() : add.getAZeroPoint()) << ";\n"
         << "    epilogue.addBZeroPoint = "
         << (residualIsA ? add.getAZeroPoint() : add.getBZeroPoint()) << ";\n"
         << "    epilogue.addAMultiplier = "
         << (residualIsA ? add.getBMultiplier() : add.getAMultiplier()) << ";\n"
         << "    epilogue.addBMultiplier = "
         << (residualIsA ? add.getAMultiplier() : add.getBMultiplier()) << ";\n"
         << "    epilogue.addShift = " << add.getShift() << ";\n"
         << "    epilogue.addRounding = " << rounding(add.getRounding())
         << ";\n"
         << "    epilogue.addOutputZeroPoint = " << add.getOutputZeroPoint()
         << ";\n"
         << "    epilogue.addMin = " << add.getMin() << ";\n"
         << "    epilogue.addMax = " << add.getMax() << ";\n";
  }
  body << "    epilogue.out = " << *out << ";\n"
       << "    epilogue.ldOut = " << columns << ";\n";
  FailureOr<std::string> input = pointer(x);
  if (failed(input))
    return failure();
  auto padded = product->getAttrOfType<IntegerAttr>(kPaddedChannelsAttr);
  auto scratch = product->getAttrOfType<IntegerAttr>(kScratchAttr);
  if (padded && !scratch)
    return product->emitOpError()
           << "has " << kPaddedChannelsAttr << " but no " << kScratchAttr
           << "; run whittle-cuda-plan first";
  if (padded) {
    // The input into the scratch buffer with its channels padded: the
    // padding holds the input zero point, qnn's real value 0.
    int64_t channels = shape.channels;
    shape.channels = static_cast<int>(padded.getInt());
    SmallVector<int64_t> sizes{shape.batch, channels, shape.height,
                               shape.width};
    SmallVector<int64_t> paddedSizes{shape.batch, shape.channels, shape.height,
                                     shape.width};
    ViewSpec into = channelsLastView(paddedSizes);
    into.sizes[1] = channels;
    std::string scratchPointer =
        "at<int8_t>(a, " + std::to_string(scratch.getInt()) + ")";
    body << "    if ((e = fill(" << scratchPointer << ", "
         << printView(channelsLastView(paddedSizes)) << ", " << inputZeroPoint
         << ", stream)) != cudaSuccess)\n      return e;\n"
         << "    if ((e = copy<int8_t>(" << *input << ", "
         << printView(channelsLastView(sizes)) << ", " << scratchPointer << ", "
         << printView(into) << ", stream)) != cudaSuccess)\n"
         << "      return e;\n";
    input = "at<const int8_t>(a, " + std::to_string(scratch.getInt()) + ")";
  }
  body << "    const ConvShape shape" << printConvShape(shape) << ";\n";
  std::string tile;
  if (auto tileAttr = product->getAttrOfType<DenseI64ArrayAttr>(kTileAttr))
    tile = (sparse                       ? "SparseGemmTile<"
            : kernel.ends_with(".wgmma") ? "WgmmaTile<"
                                         : "GemmTile<") +
           join(tileAttr.asArrayRef()) + ">";
  std::string weightsPointer =
      "at<const int8_t>(w, " + std::to_string(weightsOffset) + ")";
  std::string call;
  if (kernel == "conv.tensor_core")
    call = "launchConv2d<" + tile + ">(shape, " + *input + ", " +
           std::to_string(inputZeroPoint) + ", " + weightsPointer +
           ", epilogue, stream)";
  else if (kernel == "conv.sparse_tensor_core")
    call = "launchSparseConv2d<" + tile + ">(shape, " + *input + ", " +
           std::to_string(inputZeroPoint) + ", " + weightsPointer +
           ", at<const uint32_t>(w, " + std::to_string(metadataOffset) +
           "), epilogue, stream)";
  else if (kernel == "matmul.sparse_tensor_core")
    call = "launchSparseGemm<" + tile + ">(" + *input + ", " +
           std::to_string(k) + ", " + weightsPointer +
           ", at<const uint32_t>(w, " + std::to_string(metadataOffset) +
           "), shape.batch, " + std::to_string(columns) + ", " +
           std::to_string(k) + ", epilogue, stream)";
  else if (kernel == "conv.wgmma" || kernel == "matmul.wgmma")
    // A pointwise convolution's NHWC input is the GEMM's A: pixels x C.
    call = "launchWgmmaGemm<" + tile + ">(" + *input + ", " +
           std::to_string(k) + ", " + weightsPointer + ", " +
           std::to_string(k) + ", shape.gemmM(), " + std::to_string(columns) +
           ", " + std::to_string(k) + ", epilogue, stream)";
  else if (kernel == "matmul.tensor_core")
    call = "launchGemm<" + tile + ">(" + *input + ", " + std::to_string(k) +
           ", " + weightsPointer + ", " + std::to_string(k) +
           ", shape.batch, " + std::to_string(columns) + ", " +
           std::to_string(k) + ", epilogue, stream)";
  else if (depthwise)
    call = "launchDepthwiseConv2d(shape, " + *input + ", " +
           std::to_string(inputZeroPoint) + ", at<const uint32_t>(w, " +
           std::to_string(weightsOffset) + "), epilogue, stream)";
  else if (kernel == "conv.direct" || kernel == "matmul.direct")
    call = "launchDirectConv2d(shape, " + std::to_string(group) + ", " +
           *input + ", " + std::to_string(inputZeroPoint) + ", " +
           weightsPointer + ", epilogue, stream)";
  else
    return product->emitOpError()
           << "has an unknown CUDA kernel '" << kernel << "'";
  body << "    if ((e = " << call << ") != cudaSuccess)\n      return e;\n"
       << "  }\n";
  return success();
}

LogicalResult Emitter::emitPool(Operation *op) {
  Value x = op->getOperand(0), y = op->getResult(0);
  FailureOr<std::string> in = pointer(x), out = pointer(y, true);
  if (failed(in) || failed(out))
    return failure();
  auto xType = tensorType(x);
  auto outputStage = [&](qnn::OutputStageOpInterface stage, int32_t izp,
                         int64_t padBottom, int64_t padRight, bool includePad) {
    return "AvgPoolParams{" + std::to_string(padBottom) + ", " +
           std::to_string(padRight) + ", " + (includePad ? "true" : "false") +
           ", " + std::to_string(izp) + ", " +
           std::to_string(stage.getOutputMultipliers()[0]) + ", " +
           std::to_string(stage.getOutputShifts()[0]) + ", " +
           rounding(stage.getRounding()) + ", " +
           std::to_string(stage.getOutputZeroPoint()) + ", " +
           std::to_string(stage.getMin()) + ", " +
           std::to_string(stage.getMax()) + "}";
  };
  if (auto pool = dyn_cast<qnn::GlobalAvgPoolOp>(op)) {
    int64_t pixels =
        xType.getNumElements() / (xType.getDimSize(0) * xType.getDimSize(1));
    launch("globalAvgPool(" + std::to_string(xType.getDimSize(0)) + ", " +
           std::to_string(pixels) + ", " + std::to_string(xType.getDimSize(1)) +
           ", " + *in + ", " + *out + ", " +
           outputStage(pool, pool.getInputZeroPoint(), 0, 0, false) +
           ", stream)");
    return success();
  }
  int64_t padBottom, padRight;
  std::string shape =
      "ConvShape" +
      printConvShape(getWindowShape(cast<qnn::ConvLikeOpInterface>(op), x, y,
                                    padBottom, padRight));
  if (isa<qnn::MaxPoolOp>(op)) {
    launch("maxPool2d(" + shape + ", " + *in + ", " + *out + ", stream)");
    return success();
  }
  auto pool = cast<qnn::AvgPoolOp>(op);
  launch("avgPool2d(" + shape + ", " + *in + ", " + *out + ", " +
         outputStage(pool, pool.getInputZeroPoint(), padBottom, padRight,
                     pool.getCountIncludePad()) +
         ", stream)");
  return success();
}

LogicalResult Emitter::emitRelayout(Operation *op) {
  // A reshape between element orders: element i of the input's row-major
  // logical order goes to element i of the result's.
  Value x = op->getOperand(0), y = op->getResult(0);
  FailureOr<std::string> in = pointer(x), out = pointer(y, true);
  FailureOr<ViewSpec> inView = view(x), outView = view(y);
  if (failed(in) || failed(out) || failed(inView) || failed(outView))
    return failure();
  std::string type = cType(tensorType(x).getElementType());
  launch("reshapeCopy<" + type + ">(" + *in + ", " + printView(*inView) + ", " +
         *out + ", " + printView(*outView) + ", stream)");
  return success();
}

LogicalResult Emitter::emitElementwise(Operation *op) {
  StringRef kernel = op->getAttrOfType<StringAttr>(kKernelAttr).getValue();
  Value y = op->getResult(0);
  FailureOr<std::string> out = pointer(y, true);
  FailureOr<ViewSpec> outView = view(y);
  if (failed(out) || failed(outView))
    return failure();
  ArrayRef<int64_t> shape = tensorType(y).getShape();
  auto operand = [&](Value value) -> FailureOr<std::string> {
    FailureOr<std::string> p = pointer(value);
    FailureOr<ViewSpec> v = view(value);
    if (failed(p) || failed(v))
      return failure();
    return *p + ", " + printView(broadcastView(*v, shape));
  };
  std::string outArgs = *out + ", " + printView(*outView);
  auto axisOf = [&](size_t count, int64_t axis) {
    return count > 1 ? std::to_string(axis) : std::string("-1");
  };
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](qnn::QuantizeOp quantize) -> LogicalResult {
        FailureOr<std::string> in = operand(quantize.getX());
        if (failed(in))
          return failure();
        std::string call =
            "quantize(" + *in + ", " + outArgs + ", at<const float>(w, " +
            std::to_string(addArray<float>(quantize.getScale())) +
            "), at<const int32_t>(w, " +
            std::to_string(addArray<int32_t>(quantize.getZeroPoint())) + "), " +
            axisOf(quantize.getScale().size(), quantize.getAxis()) +
            ", stream)";
        if (!isa<BlockArgument>(quantize.getX())) {
          launch(call);
          return success();
        }
        // --integer-io: the int8 input lies row-major in the argument's
        // staging region.
        FailureOr<int64_t> staging = offsetOf(quantize.getX());
        if (failed(staging))
          return failure();
        body << "  if (integer) {\n";
        body << "    if ((e = copy<int8_t>(at<const int8_t>(a, " << *staging
             << "), " << printView(rowMajorView(shape)) << ", " << outArgs
             << ", stream)) != cudaSuccess)\n      return e;\n";
        body << "  } else {\n";
        body << "    if ((e = " << call
             << ") != cudaSuccess)\n      return e;\n";
        body << "  }\n";
        return success();
      })
      .Case([&](qnn::DequantizeOp dequantize) -> LogicalResult {
        FailureOr<std::string> in = operand(dequantize.getX());
        if (failed(in))
          return failure();
        body << "  if (!integer) {\n";
        body << "    if ((e = dequantize(" << *in << ", " << outArgs
             << ", at<const float>(w, "
             << addArray<float>(dequantize.getScale())
             << "), at<const int32_t>(w, "
             << addArray<int32_t>(dequantize.getZeroPoint()) << "), "
             << axisOf(dequantize.getScale().size(), dequantize.getAxis())
             << ", stream)) != cudaSuccess)\n      return e;\n";
        body << "  }\n";
        return success();
      })
      .Case([&](qnn::RequantizeOp requantize) -> LogicalResult {
        FailureOr<std::string> in = operand(requantize.getX());
        if (failed(in))
          return failure();
        launch("requantize(" + *in + ", " + outArgs +
               ", RequantizeParams{at<const int32_t>(w, " +
               std::to_string(addArray<int32_t>(requantize.getMultiplier())) +
               "), at<const int32_t>(w, " +
               std::to_string(addArray<int32_t>(requantize.getShift())) +
               "), " +
               axisOf(requantize.getMultiplier().size(), requantize.getAxis()) +
               ", " + rounding(requantize.getRounding()) + ", " +
               std::to_string(requantize.getOutputZeroPoint()) + ", " +
               std::to_string(requantize.getMin()) + ", " +
               std::to_string(requantize.getMax()) + "}, stream)");
        return success();
      })
      .Case([&](qnn::AddOp add) -> LogicalResult {
        FailureOr<std::string> a = operand(add.getA()), b = operand(add.getB());
        if (failed(a) || failed(b))
          return failure();
        launch("add(" + *a + ", " + *b + ", " + outArgs + ", AddParams{" +
               std::to_string(add.getAZeroPoint()) + ", " +
               std::to_string(add.getBZeroPoint()) + ", " +
               std::to_string(add.getAMultiplier()) + ", " +
               std::to_string(add.getBMultiplier()) + ", " +
               std::to_string(add.getShift()) + ", " +
               rounding(add.getRounding()) + ", " +
               std::to_string(add.getOutputZeroPoint()) + ", " +
               std::to_string(add.getMin()) + ", " +
               std::to_string(add.getMax()) + "}, stream)");
        return success();
      })
      .Case([&](qnn::MulOp mul) -> LogicalResult {
        FailureOr<std::string> a = operand(mul.getA()), b = operand(mul.getB());
        if (failed(a) || failed(b))
          return failure();
        launch("mul(" + *a + ", " + *b + ", " + outArgs + ", MulParams{" +
               std::to_string(mul.getAZeroPoint()) + ", " +
               std::to_string(mul.getBZeroPoint()) + ", " +
               std::to_string(mul.getMultiplier()) + ", " +
               std::to_string(mul.getShift()) + ", " +
               rounding(mul.getRounding()) + ", " +
               std::to_string(mul.getOutputZeroPoint()) + ", " +
               std::to_string(mul.getMin()) + ", " +
               std::to_string(mul.getMax()) + "}, stream)");
        return success();
      })
      .Case([&](qnn::LookupTableOp lut) -> LogicalResult {
        FailureOr<std::string> in = operand(lut.getX());
        if (failed(in))
          return failure();
        launch("lookupTable(" + *in + ", " + outArgs +
               ", at<const int8_t>(w, " +
               std::to_string(addArray<int8_t>(lut.getTable())) + "), stream)");
        return success();
      })
      .Case([&](qnn::ConcatOp concat) -> LogicalResult {
        int64_t axis = concat.getAxis();
        int64_t rank = static_cast<int64_t>(shape.size());
        if (axis < 0)
          axis += rank;
        int64_t start = 0;
        SmallVector<int32_t> multipliers = concat.getOutputMultipliers();
        SmallVector<int32_t> shifts = concat.getOutputShifts();
        for (auto [i, input] : llvm::enumerate(concat.getInputs())) {
          // Each input in its own shape, the slab's.
          FailureOr<std::string> in = pointer(input);
          FailureOr<ViewSpec> inView = view(input);
          if (failed(in) || failed(inView))
            return failure();
          // The output's slab for this input: its size along the axis,
          // starting `start` elements in.
          ViewSpec slab = *outView;
          int64_t size = tensorType(input).getDimSize(axis);
          slab.sizes[axis] = size;
          launch("concatInput(" + *in + ", " + printView(*inView) + ", " +
                 *out + " + " + std::to_string(start * outView->strides[axis]) +
                 ", " + printView(slab) + ", ConcatInputParams{" +
                 std::to_string(concat.getInputZeroPoints()[i]) + ", " +
                 std::to_string(multipliers[i]) + ", " +
                 std::to_string(shifts[i]) + ", " +
                 rounding(concat.getRounding()) + ", " +
                 std::to_string(concat.getOutputZeroPoint()) + ", " +
                 std::to_string(concat.getMin()) + ", " +
                 std::to_string(concat.getMax()) + "}, stream)");
          start += size;
        }
        return success();
      })
      .Case<nn::AddOp, nn::SubOp, nn::MulOp, nn::DivOp>(
          [&](Operation *binary) -> LogicalResult {
            FailureOr<std::string> a = operand(binary->getOperand(0)),
                                   b = operand(binary->getOperand(1));
            if (failed(a) || failed(b))
              return failure();
            launch("floatBinary(" + *a + ", " + *b + ", " + outArgs +
                   ", FloatBinary::" + binary->getName().stripDialect().str() +
                   ", stream)");
            return success();
          })
      .Case([&](qnn::SoftmaxOp softmax) -> LogicalResult {
        FailureOr<std::string> in = operand(softmax.getX());
        if (failed(in))
          return failure();
        int64_t axis = softmax.getAxis();
        if (axis < 0)
          axis += static_cast<int64_t>(shape.size());
        launch("softmax(" + *in + ", " + outArgs + ", " + std::to_string(axis) +
               ", at<const int32_t>(w, " +
               std::to_string(addArray<int32_t>(softmax.getExpTable())) +
               "), SoftmaxParams{" + std::to_string(softmax.getMultiplier()) +
               ", " + std::to_string(softmax.getShift()) + ", " +
               rounding(softmax.getRounding()) + ", " +
               std::to_string(softmax.getOutputZeroPoint()) + ", " +
               std::to_string(softmax.getMin()) + ", " +
               std::to_string(softmax.getMax()) + "}, stream)");
        return success();
      })
      .Case([&](qnn::ResizeOp resize) -> LogicalResult {
        FailureOr<std::string> in = pointer(resize.getX());
        if (failed(in))
          return failure();
        auto xType = tensorType(resize.getX());
        int64_t rank = xType.getRank(), spatial = rank - 2;
        // The CPU lowering's tables; a 1-D resize is a 2-D one of height 1
        // whose one row has weight 1 (2^fraction_bits).
        qnn::IntegerAxisSampling rows{{{0}}, {{1}}};
        if (spatial == 2)
          rows = qnn::getIntegerAxisSampling(resize, 2);
        qnn::IntegerAxisSampling cols =
            qnn::getIntegerAxisSampling(resize, rank - 1);
        auto table = [&](ArrayRef<SmallVector<int64_t>> values) {
          SmallVector<int32_t> flat;
          for (const SmallVector<int64_t> &tap : values)
            flat.append(tap.begin(), tap.end());
          return "at<const int32_t>(w, " +
                 std::to_string(addArray<int32_t>(flat)) + ")";
        };
        int64_t inH = spatial == 2 ? xType.getDimSize(2) : 1;
        int64_t outH = spatial == 2 ? shape[2] : 1;
        int64_t shift = resize.getFractionBits() * spatial;
        launch("resize2d(ResizeShape{" + std::to_string(xType.getDimSize(0)) +
               ", " + std::to_string(inH) + ", " +
               std::to_string(xType.getShape().back()) + ", " +
               std::to_string(xType.getDimSize(1)) + ", " +
               std::to_string(outH) + ", " + std::to_string(shape.back()) +
               ", " + std::to_string(rows.indices.size()) + ", " +
               std::to_string(cols.indices.size()) + "}, " + *in + ", " +
               table(rows.indices) + ", " + table(rows.weights) + ", " +
               table(cols.indices) + ", " + table(cols.weights) + ", " +
               std::to_string(shift) + ", " + rounding(resize.getRounding()) +
               ", " + *out + ", stream)");
        return success();
      })
      .Case([&](nn::ResizeOp resize) -> LogicalResult {
        FailureOr<std::string> in = pointer(resize.getX());
        if (failed(in))
          return failure();
        auto xType = tensorType(resize.getX());
        int64_t rank = xType.getRank();
        FailureOr<ResizePlan> plan = getResizePlan(resize, tensorType(y));
        if (failed(plan))
          return failure();
        // The sampling of every axis, as the CPU lowering's: N and C must
        // stay, H and W get one index per output position.
        SmallVector<SmallVector<int64_t>> indices;
        for (int64_t axis = 0; axis < rank; ++axis) {
          int64_t inSize = xType.getDimSize(axis), outSize = shape[axis];
          double roiStart = plan->roi.empty() ? 0.0 : plan->roi[axis];
          double roiEnd = plan->roi.empty() ? 1.0 : plan->roi[rank + axis];
          bool crops = plan->config.coordinateMode == "tf_crop_and_resize" &&
                       (roiStart != 0.0 || roiEnd != 1.0);
          SmallVector<int64_t> axisIndices;
          if (inSize == outSize && plan->scales[axis] == 1.0 && !crops) {
            axisIndices = llvm::to_vector(llvm::seq<int64_t>(0, outSize));
          } else {
            if (axis < 2)
              return resize.emitOpError()
                     << "resizes dimension " << axis
                     << "; the CUDA back end resizes the spatial dimensions";
            AxisSampling sampling = getAxisSampling(
                plan->config, inSize, outSize, plan->scales[axis],
                plan->outWidths[axis], roiStart, roiEnd);
            if (llvm::is_contained(sampling.extrapolated, true))
              return resize.emitOpError()
                     << "extrapolates outside its roi; the CUDA back end "
                        "samples inside the input";
            for (const SmallVector<int64_t> &taps : sampling.indices)
              axisIndices.push_back(taps.front());
          }
          if (axis >= 2)
            indices.push_back(axisIndices);
        }
        SmallVector<int64_t> rows =
            rank == 4 ? indices.front() : SmallVector<int64_t>{0};
        SmallVector<int64_t> cols = indices.back();
        auto table = [&](ArrayRef<int64_t> values) {
          SmallVector<int32_t> narrow(values.begin(), values.end());
          return "at<const int32_t>(w, " +
                 std::to_string(addArray<int32_t>(narrow)) + ")";
        };
        // One tap of weight 1 per axis, no rounding shift: a copy.
        SmallVector<int64_t> rowOnes(rows.size(), 1), colOnes(cols.size(), 1);
        launch("resize2d(ResizeShape{" + std::to_string(xType.getDimSize(0)) +
               ", " + std::to_string(rank == 4 ? xType.getDimSize(2) : 1) +
               ", " + std::to_string(xType.getShape().back()) + ", " +
               std::to_string(xType.getDimSize(1)) + ", " +
               std::to_string(rows.size()) + ", " +
               std::to_string(cols.size()) + ", 1, 1}, " + *in + ", " +
               table(rows) + ", " + table(rowOnes) + ", " + table(cols) + ", " +
               table(colOnes) + ", 0, RoundingMode::nearest_even, " + *out +
               ", stream)");
        return success();
      })
      .Case([&](nn::SliceOp slice) -> LogicalResult {
        auto type = tensorType(slice.getData());
        int64_t rank = type.getRank();
        std::optional<SmallVector<int64_t>> starts =
            nn::getConstantInts(slice.getStarts());
        std::optional<SmallVector<int64_t>> ends =
            nn::getConstantInts(slice.getEnds());
        std::optional<SmallVector<int64_t>> axes, steps;
        if (!nn::isNone(slice.getAxes()))
          axes = nn::getConstantInts(slice.getAxes());
        else if (starts)
          axes = llvm::to_vector(llvm::seq<int64_t>(0, starts->size()));
        if (!nn::isNone(slice.getSteps()))
          steps = nn::getConstantInts(slice.getSteps());
        else if (starts)
          steps = SmallVector<int64_t>(starts->size(), 1);
        if (!starts || !ends || !axes || !steps ||
            ends->size() != starts->size() || axes->size() != starts->size() ||
            steps->size() != starts->size())
          return slice.emitOpError()
                 << "has starts, ends, axes or steps that are not constants; "
                    "the CUDA back end slices by constants";
        FailureOr<std::string> in = pointer(slice.getData());
        FailureOr<ViewSpec> inView = view(slice.getData());
        if (failed(in) || failed(inView))
          return failure();
        // The slice as a view of the input: its first element's offset and
        // each dimension's stride times its step.
        ViewSpec sliced = *inView;
        int64_t base = 0;
        for (auto [i, given] : llvm::enumerate(*axes)) {
          int64_t axis = given < 0 ? given + rank : given;
          int64_t size = type.getDimSize(axis), step = (*steps)[i];
          if (step < 1)
            return slice.emitOpError()
                   << "slices with step " << step
                   << "; the CUDA back end takes steps >= 1";
          int64_t start = std::clamp<int64_t>(
              (*starts)[i] < 0 ? (*starts)[i] + size : (*starts)[i], 0, size);
          base += start * inView->strides[axis];
          sliced.strides[axis] *= step;
        }
        sliced.sizes.assign(shape.begin(), shape.end());
        std::string element = cType(type.getElementType());
        launch("copy<" + element + ">(" + *in + " + " + std::to_string(base) +
               ", " + printView(sliced) + ", " + outArgs + ", stream)");
        return success();
      })
      .Case([&](nn::PadOp pad) -> LogicalResult {
        auto type = tensorType(pad.getData());
        int64_t rank = type.getRank();
        std::optional<SmallVector<int64_t>> pads =
            nn::getConstantInts(pad.getPads());
        std::optional<int64_t> value =
            nn::isNone(pad.getConstantValue())
                ? std::optional<int64_t>(0)
                : nn::getConstantScalar<int64_t>(pad.getConstantValue());
        SmallVector<int64_t> axes;
        if (nn::isNone(pad.getAxes()))
          axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
        else if (std::optional<SmallVector<int64_t>> given =
                     nn::getConstantInts(pad.getAxes()))
          for (int64_t axis : *given)
            axes.push_back(axis < 0 ? axis + rank : axis);
        if (pad.getMode() != "constant" || !pads || !value ||
            pads->size() != 2 * axes.size() ||
            !type.getElementType().isInteger(8))
          return pad.emitOpError()
                 << "is not a constant padding of an i8 tensor by constant "
                    "pads; the CUDA back end pads i8 tensors with a constant";
        SmallVector<int64_t> begin(rank, 0);
        for (auto [i, axis] : llvm::enumerate(axes)) {
          begin[axis] = (*pads)[i];
          if ((*pads)[i] < 0 || (*pads)[axes.size() + i] < 0)
            return pad.emitOpError() << "crops (a negative pad); the CUDA "
                                        "back end pads";
        }
        FailureOr<std::string> in = operand(pad.getData());
        if (failed(in))
          return failure();
        // Fill the result, then copy the input into its interior.
        ViewSpec interior = *outView;
        int64_t base = 0;
        for (int64_t d = 0; d < rank; ++d) {
          interior.sizes[d] = type.getDimSize(d);
          base += begin[d] * outView->strides[d];
        }
        FailureOr<std::string> input = pointer(pad.getData());
        FailureOr<ViewSpec> inView = view(pad.getData());
        if (failed(input) || failed(inView))
          return failure();
        launch("fill(" + outArgs + ", " + std::to_string(*value) + ", stream)");
        launch("copy<int8_t>(" + *input + ", " + printView(*inView) + ", " +
               *out + " + " + std::to_string(base) + ", " +
               printView(interior) + ", stream)");
        return success();
      })
      .Case([&](nn::SplitOp split) -> LogicalResult {
        Value input = split.getInput();
        int64_t axis = split.getAxis();
        if (axis < 0)
          axis += tensorType(input).getRank();
        FailureOr<std::string> in = pointer(input);
        FailureOr<ViewSpec> inView = view(input);
        if (failed(in) || failed(inView))
          return failure();
        std::string element = cType(tensorType(input).getElementType());
        int64_t start = 0;
        for (Value result : split.getOutputs()) {
          int64_t size = tensorType(result).getDimSize(axis);
          if (result.use_empty()) {
            start += size;
            continue;
          }
          FailureOr<std::string> part = pointer(result, true);
          FailureOr<ViewSpec> partView = view(result);
          if (failed(part) || failed(partView))
            return failure();
          ViewSpec slab = *inView;
          slab.sizes[axis] = tensorType(result).getDimSize(axis);
          launch("copy<" + element + ">(" + *in + " + " +
                 std::to_string(start * inView->strides[axis]) + ", " +
                 printView(slab) + ", " + *part + ", " + printView(*partView) +
                 ", stream)");
          start += slab.sizes[axis];
        }
        return success();
      })
      .Case([&](nn::ConcatOp concat) -> LogicalResult {
        int64_t axis = concat.getAxis();
        if (axis < 0)
          axis += static_cast<int64_t>(shape.size());
        std::string element = cType(tensorType(y).getElementType());
        int64_t start = 0;
        for (Value input : concat.getInputs()) {
          FailureOr<std::string> in = pointer(input);
          FailureOr<ViewSpec> inView = view(input);
          if (failed(in) || failed(inView))
            return failure();
          ViewSpec slab = *outView;
          slab.sizes[axis] = tensorType(input).getDimSize(axis);
          launch("copy<" + element + ">(" + *in + ", " + printView(*inView) +
                 ", " + *out + " + " +
                 std::to_string(start * outView->strides[axis]) + ", " +
                 printView(slab) + ", stream)");
          start += slab.sizes[axis];
        }
        return success();
      })
      .Case<nn::DepthToSpaceOp, nn::SpaceToDepthOp>(
          [&](Operation *rearrange) -> LogicalResult {
            Value x = rearrange->getOperand(0);
            if (tensorType(x).getRank() != 4)
              return rearrange->emitOpError()
                     << "rearranges a tensor of rank "
                     << tensorType(x).getRank() << "; it takes N x C x H x W";
            FailureOr<std::string> in = pointer(x);
            FailureOr<ViewSpec> inView = view(x);
            if (failed(in) || failed(inView))
              return failure();
            // Six dimensions that both tensors are views of (ONNX's
            // reshape, transpose, reshape): for DepthToSpace (n, c, h, i,
            // w, j) with y[n][c][h*b+i][w*b+j]; for SpaceToDepth (n, i, j,
            // c, h, w) with x[n][c][h*b+i][w*b+j].
            const ViewSpec &xs = *inView, &ys = *outView;
            ViewSpec from, to;
            auto dims = [](ViewSpec &v, ArrayRef<int64_t> sizes,
                           ArrayRef<int64_t> strides) {
              v.sizes.assign(sizes.begin(), sizes.end());
              v.strides.assign(strides.begin(), strides.end());
            };
            if (auto d2s = dyn_cast<nn::DepthToSpaceOp>(rearrange)) {
              int64_t b = d2s.getBlocksize();
              int64_t c = ys.sizes[1];
              SmallVector<int64_t> sizes{ys.sizes[0], c,           xs.sizes[2],
                                         b,           xs.sizes[3], b};
              dims(to, sizes,
                   {ys.strides[0], ys.strides[1], b * ys.strides[2],
                    ys.strides[2], b * ys.strides[3], ys.strides[3]});
              if (d2s.getMode() == "CRD")
                dims(from, sizes,
                     {xs.strides[0], b * b * xs.strides[1], xs.strides[2],
                      b * xs.strides[1], xs.strides[3], xs.strides[1]});
              else
                dims(from, sizes,
                     {xs.strides[0], xs.strides[1], xs.strides[2],
                      b * c * xs.strides[1], xs.strides[3], c * xs.strides[1]});
            } else {
              int64_t b = cast<nn::SpaceToDepthOp>(rearrange).getBlocksize();
              int64_t c = xs.sizes[1];
              SmallVector<int64_t> sizes{ys.sizes[0], b,           b,
                                         c,           ys.sizes[2], ys.sizes[3]};
              dims(to, sizes,
                   {ys.strides[0], b * c * ys.strides[1], c * ys.strides[1],
                    ys.strides[1], ys.strides[2], ys.strides[3]});
              dims(from, sizes,
                   {xs.strides[0], xs.strides[2], xs.strides[3], xs.strides[1],
                    b * xs.strides[2], b * xs.strides[3]});
            }
            launch("copy<" + cType(tensorType(y).getElementType()) + ">(" +
                   *in + ", " + printView(from) + ", " + *out + ", " +
                   printView(to) + ", stream)");
            return success();
          })
      .Case([&](nn::TransposeOp transpose) -> LogicalResult {
        FailureOr<std::string> in = pointer(transpose.getData());
        FailureOr<ViewSpec> inView = view(transpose.getData());
        if (failed(in) || failed(inView))
          return failure();
        SmallVector<int64_t> perm;
        if (std::optional<ArrayRef<int64_t>> given = transpose.getPerm())
          perm.assign(given->begin(), given->end());
        else
          for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d)
            perm.push_back(d);
        ViewSpec permuted;
        for (int64_t d : perm) {
          permuted.sizes.push_back(inView->sizes[d]);
          permuted.strides.push_back(inView->strides[d]);
        }
        launch("copy<" + cType(tensorType(y).getElementType()) + ">(" + *in +
               ", " + printView(permuted) + ", " + outArgs + ", stream)");
        return success();
      })
      .Default([&](Operation *other) {
        return other->emitOpError()
               << "has CUDA kernel '" << kernel << "', which the emitter "
               << "does not print";
      });
}

LogicalResult Emitter::emitOp(Operation *op) {
  if (isa<nn::ConstantOp, nn::NoneOp, func::ReturnOp>(op))
    return success();
  auto kernelAttr = op->getAttrOfType<StringAttr>(kKernelAttr);
  if (!kernelAttr)
    return op->emitOpError()
           << "has no " << kKernelAttr << "; run whittle-cuda-plan first";
  StringRef kernel = kernelAttr.getValue();
  if (kernel == "fused" || kernel == "view")
    return success();
  body << "  // " << nn::describeLayer(op) << ": " << op->getName() << " -> "
       << kernel;
  if (auto time = op->getAttrOfType<FloatAttr>(kTimeAttr))
    body << llvm::format(", %.1f us predicted", time.getValueAsDouble());
  body << "\n";
  if (kernel.starts_with("conv.") || kernel.starts_with("matmul."))
    return emitProduct(op);
  if (kernel == "max_pool" || kernel == "avg_pool" ||
      kernel == "global_avg_pool")
    return emitPool(op);
  if (kernel == "relayout")
    return emitRelayout(op);
  return emitElementwise(op);
}

/// The model's inputs and outputs, float and integer, as run_model reads
/// and writes them.
struct Port {
  std::string name, dtype, integerDtype;
  SmallVector<int64_t> shape, integerShape;
  int64_t staging, bytes, integerBytes;
};

static int64_t bytesOf(RankedTensorType type) {
  return type.getNumElements() *
         std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
}

static std::string portName(func::FuncOp func, unsigned index, bool result) {
  auto attr = result ? func.getResultAttrOfType<StringAttr>(index, "nn.name")
                     : func.getArgAttrOfType<StringAttr>(index, "nn.name");
  if (attr)
    return attr.getValue().str();
  return (result ? "output_" : "input_") + std::to_string(index);
}

LogicalResult Emitter::emit() {
  SmallVector<func::FuncOp> funcs;
  for (auto f : module.getOps<func::FuncOp>())
    if (f.isPublic() && !f.isExternal())
      funcs.push_back(f);
  if (funcs.size() != 1)
    return module.emitError() << "--emit-cuda needs one public function, the "
                                 "model; found "
                              << funcs.size();
  func = funcs.front();
  auto arena = module->getAttrOfType<IntegerAttr>(kArenaBytesAttr);
  auto gpu = module->getAttrOfType<StringAttr>(kGPUAttr);
  if (!arena || !gpu)
    return module.emitError()
           << "is not planned for CUDA (no " << kArenaBytesAttr
           << "); run whittle-cuda-plan first";

  // Integer inputs into their channels-last buffers.
  for (BlockArgument argument : func.getArguments()) {
    auto buffer = func.getArgAttrOfType<IntegerAttr>(argument.getArgNumber(),
                                                     kOffsetAttr);
    auto staging = func.getArgAttrOfType<IntegerAttr>(argument.getArgNumber(),
                                                      kStagingAttr);
    if (!buffer || !staging)
      continue;
    auto type = tensorType(argument);
    std::string element = cType(type.getElementType());
    body << "  // Input " << argument.getArgNumber()
         << " into channels-last order.\n";
    launch("copy<" + element + ">(at<const " + element + ">(a, " +
           std::to_string(staging.getInt()) + "), " +
           printView(rowMajorView(type.getShape())) + ", at<" + element +
           ">(a, " + std::to_string(buffer.getInt()) + "), " +
           printView(channelsLastView(type.getShape())) + ", stream)");
  }
  for (Operation &op : func.getBody().front())
    if (failed(emitOp(&op)))
      return failure();

  // The ports.
  SmallVector<Port> inputs, outputs;
  for (BlockArgument argument : func.getArguments()) {
    Port port;
    unsigned i = argument.getArgNumber();
    port.name = portName(func, i, false);
    auto type = tensorType(argument);
    port.dtype = npyDtype(type.getElementType());
    port.shape.assign(type.getShape().begin(), type.getShape().end());
    port.bytes = bytesOf(type);
    port.integerDtype = port.dtype;
    port.integerShape = port.shape;
    port.integerBytes = port.bytes;
    if (isa<FloatType>(type.getElementType()) && !argument.use_empty() &&
        llvm::all_of(argument.getUsers(), [](Operation *user) {
          return isa<qnn::QuantizeOp>(user);
        })) {
      port.integerDtype = "|i1";
      port.integerBytes = type.getNumElements();
    }
    auto staging = func.getArgAttrOfType<IntegerAttr>(i, kStagingAttr);
    if (!staging)
      return func.emitOpError()
             << "has argument " << i << " without " << kStagingAttr
             << "; run whittle-cuda-plan first";
    port.staging = staging.getInt();
    inputs.push_back(port);
  }
  Operation *terminator = func.getBody().front().getTerminator();
  std::string outputCopies;
  llvm::raw_string_ostream copies(outputCopies);
  for (OpOperand &operand : terminator->getOpOperands()) {
    unsigned i = operand.getOperandNumber();
    Value value = operand.get();
    Port port;
    port.name = portName(func, i, true);
    auto type = tensorType(value);
    port.dtype = npyDtype(type.getElementType());
    port.shape.assign(type.getShape().begin(), type.getShape().end());
    port.bytes = bytesOf(type);
    auto staging = func.getResultAttrOfType<IntegerAttr>(i, kStagingAttr);
    if (!staging)
      return func.emitOpError()
             << "has result " << i << " without " << kStagingAttr
             << "; run whittle-cuda-plan first";
    port.staging = staging.getInt();
    Value integerValue = value;
    if (auto dequantize = value.getDefiningOp<qnn::DequantizeOp>())
      integerValue = dequantize.getX();
    auto integerType = tensorType(integerValue);
    port.integerDtype = npyDtype(integerType.getElementType());
    port.integerShape.assign(integerType.getShape().begin(),
                             integerType.getShape().end());
    port.integerBytes = bytesOf(integerType);
    // Into the row-major staging region: the float value (when it is not
    // already there), or in integer mode the dequantize's operand.
    auto copyInto = [&](Value from) -> LogicalResult {
      FailureOr<std::string> p = pointer(from);
      FailureOr<ViewSpec> v = view(from);
      if (failed(p) || failed(v))
        return failure();
      copies << "    if ((e = copy<" << cType(tensorType(from).getElementType())
             << ">(" << *p << ", " << printView(*v) << ", at<"
             << cType(tensorType(from).getElementType()) << ">(a, "
             << port.staging << "), "
             << printView(rowMajorView(tensorType(from).getShape()))
             << ", stream)) != cudaSuccess)\n      return e;\n";
      return success();
    };
    FailureOr<int64_t> valueOffset = offsetOf(value);
    if (failed(valueOffset))
      return failure();
    copies << "  if (integer) {\n";
    if (integerValue != value) {
      if (failed(copyInto(integerValue)))
        return failure();
    } else if (*valueOffset != port.staging && failed(copyInto(value))) {
      return failure();
    }
    copies << "  } else {\n";
    if (*valueOffset != port.staging && failed(copyInto(value)))
      return failure();
    copies << "  }\n";
    outputs.push_back(port);
  }

  bool usesWgmma = false;
  func.walk([&](Operation *op) {
    if (auto kernel = op->getAttrOfType<StringAttr>(kKernelAttr))
      usesWgmma |= kernel.getValue().ends_with(".wgmma");
  });

  // The weights' checksum (FNV-1a), so that a weights file of another
  // model is refused.
  uint64_t checksum = 1469598103934665603ull;
  for (char c : model.weights)
    checksum = (checksum ^ static_cast<unsigned char>(c)) * 1099511628211ull;

  std::string &s = model.source;
  llvm::raw_string_ostream os(s);
  os << "// Generated by whittle (--target cuda --gpu " << gpu.getValue()
     << ") from model.qnn.mlir, whose whittle.cuda.* attributes hold every\n"
        "// decision printed here; do not edit.\n\n"
     << (usesWgmma
             ? "// The wgmma kernels (sm_90a).\n#define WHITTLE_CUDA_WGMMA\n"
             : "")
     << "#include \"whittle_cuda_model.h\"\n\n"
     << "#include \"" << name << ".h\"\n"
     << "#include \"whittle_cuda_api.h\"\n\n"
     << "#include <cstdio>\n#include <cstring>\n#include <new>\n"
     << "#include <vector>\n\n"
     << "namespace {\n\nusing namespace whittle_cuda;\n\n"
     << "constexpr int64_t kArenaBytes = " << arena.getInt() << ";\n"
     << "constexpr int64_t kWeightBytes = " << model.weights.size() << ";\n"
     << "constexpr uint64_t kWeightChecksum = " << checksum << "ull;\n\n"
     << "template <class T> T *at(char *base, int64_t offset) {\n"
     << "  return reinterpret_cast<T *>(base + offset);\n}\n"
     << "template <class T> const T *at(const char *base, int64_t offset) {\n"
     << "  return reinterpret_cast<const T *>(base + offset);\n}\n\n";
  os << "/// The layers, from the inputs' staging regions to the outputs'.\n"
     << "/// `integer`: the inputs are the int8 values after each "
        "qnn.quantize\n"
     << "/// and the outputs those before each qnn.dequantize.\n"
     << "cudaError_t runLayers(char *a, const char *w, bool integer,\n"
     << "                      cudaStream_t stream) {\n"
     << "  cudaError_t e = cudaSuccess;\n"
     << "  (void)w;\n  (void)integer;\n"
     << bodyText << "  // The outputs into their staging regions.\n"
     << outputCopies << "  return e;\n}\n\n";

  auto printPorts = [&](StringRef arrayName, ArrayRef<Port> ports,
                        bool integer) {
    os << "const whittle_tb::TensorSpec " << arrayName << "[] = {\n";
    for (const Port &port : ports) {
      ArrayRef<int64_t> shape = integer ? port.integerShape : port.shape;
      os << "    {\"" << port.name << "\", \""
         << (integer ? port.integerDtype : port.dtype) << "\", " << shape.size()
         << ", {" << join(shape) << "}},\n";
    }
    if (ports.empty())
      os << "    {\"\", \"\", 0, {0}},\n";
    os << "};\n";
  };
  printPorts("kInputs", inputs, false);
  printPorts("kIntegerInputs", inputs, true);
  printPorts("kOutputs", outputs, false);
  printPorts("kIntegerOutputs", outputs, true);
  auto printOffsets = [&](StringRef arrayName, ArrayRef<Port> ports,
                          auto field) {
    os << "const int64_t " << arrayName << "[] = {";
    for (auto [i, port] : llvm::enumerate(ports))
      os << (i ? ", " : "") << field(port);
    os << (ports.empty() ? "0" : "") << "};\n";
  };
  printOffsets("kInputStaging", inputs,
               [](const Port &p) { return p.staging; });
  printOffsets("kOutputStaging", outputs,
               [](const Port &p) { return p.staging; });
  printOffsets("kInputBytes", inputs, [](const Port &p) { return p.bytes; });
  printOffsets("kIntegerInputBytes", inputs,
               [](const Port &p) { return p.integerBytes; });
  printOffsets("kOutputBytes", outputs, [](const Port &p) { return p.bytes; });
  printOffsets("kIntegerOutputBytes", outputs,
               [](const Port &p) { return p.integerBytes; });
  os << "constexpr int kInputCount = " << inputs.size() << ";\n"
     << "constexpr int kOutputCount = " << outputs.size() << ";\n\n"
     << "} // namespace\n\n";
  os << "#define WHITTLE_MODEL_NAME " << name << "\n"
     << "#include \"whittle_cuda_model_api.inc\"\n";
  emitHeader();
  return success();
}

void Emitter::emitHeader() {
  std::string guard = "WHITTLE_MODEL_" + llvm::StringRef(name).upper() + "_H";
  llvm::raw_string_ostream os(model.header);
  os << "/* Generated by whittle: the C API of the model '" << name
     << "'; do not edit. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stddef.h>\n\n"
     << "#ifdef WHITTLE_CUDA_HOST\n#include \"whittle_cuda_host.h\"\n"
     << "#else\n#include <cuda_runtime_api.h>\n#endif\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "typedef struct whittle_" << name << " whittle_" << name << ";\n\n"
     << "/* Loads the weights file (weights.bin of the project) onto the "
        "current\n   device. Returns NULL and writes the reason into "
        "`error` (when not\n   NULL) on failure. */\n"
     << "whittle_" << name << " *whittle_" << name
     << "_create(const char *weights_path, char *error, size_t error_size);\n\n"
     << "/* Runs the model on `stream`: inputs[i] and outputs[i] in the "
        "model's\n   order, row-major, on the device when `device_buffers`, "
        "else on the host\n   (the call then returns when the outputs are "
        "written). With `integer_io`\n   the inputs are the int8 values "
        "after each input's quantize and the\n   outputs the integers "
        "before each output's dequantize. Returns a\n   cudaError_t. */\n"
     << "int whittle_" << name << "_run(whittle_" << name
     << " *model, const void *const *inputs,\n"
     << "    void *const *outputs, int integer_io, int device_buffers,\n"
     << "    cudaStream_t stream);\n\n"
     << "void whittle_" << name << "_destroy(whittle_" << name
     << " *model);\n\n"
     << "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
}

LogicalResult whittle::cuda::emitCUDA(ModuleOp module, StringRef name,
                                      EmittedModel &model) {
  model = EmittedModel();
  model.name = name.str();
  return Emitter(module, name, model).emit();
}
