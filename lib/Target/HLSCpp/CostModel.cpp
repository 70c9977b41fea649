//===- CostModel.cpp - cycles and resources of dataflow stages ------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Sources of the constants (algorithms.md section 4 quotes each):
// - FINN, custom op classes (finn repo, src/finn/custom_op/fpgadataflow):
//   MVAU/VVAU cycles, the BRAM18 packing by width, URAM = ceil(width/72) x
//   ceil(depth/4096), and FINN-R's LUT model (c0 = 300, c1 = 1.1, LUT
//   multiplier (2 ceil((w+a)/6) - 1)(w+a), adder tree (w+a)(2 SIMD - 1)).
// - Xilinx WP486: two int8 products that share one operand fit one DSP48E2.
// - UG579 (UltraScale DSP48E2): a 27 x 18 signed multiplier per slice.
// - UG574 (UltraScale CLB): a LUT6 is a 64 x 1 distributed RAM or ROM, or a
//   32-deep shift register (SRLC32E).
// Figures marked "estimate" are whittle's own, from the structure of the
// hardware the emitter writes, not from a published model.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/HLSCpp/CostModel.h"

#include "whittle/Dialect/NN/NNDialect.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNDialect.h"
#include "whittle/Dialect/QNN/QNNInterfaces.h"
#include "whittle/Dialect/QNN/QNNOps.h"
#include "whittle/Target/HLSCpp/DeviceModel.h"
#include "whittle/Transforms/SparsityPattern.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace whittle;
using namespace whittle::hlscpp;

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

//===----------------------------------------------------------------------===//
// Formulas
//===----------------------------------------------------------------------===//

int64_t formulas::bram18(int64_t elementBits, int64_t widthBits,
                         int64_t depth) {
  if (widthBits <= 0 || depth <= 0)
    return 0;
  // FINN's bram_estimation: the BRAM18 aspect ratio follows the element
  // width (4K x 4, 2K x 9, 1K x 18, 512 x 36).
  if (elementBits <= 4)
    return ceilDiv(depth, 4096) * ceilDiv(widthBits, 4);
  if (elementBits <= 9)
    return ceilDiv(depth, 2048) * ceilDiv(widthBits, 9);
  if (elementBits <= 18 || depth > 512)
    return ceilDiv(depth, 1024) * ceilDiv(widthBits, 18);
  return ceilDiv(depth, 512) * ceilDiv(widthBits, 36);
}

int64_t formulas::uram(int64_t widthBits, int64_t depth) {
  if (widthBits <= 0 || depth <= 0)
    return 0;
  // FINN's uram_estimation: a URAM is 4096 x 72.
  return ceilDiv(widthBits, 72) * ceilDiv(depth, 4096);
}

int64_t formulas::lutram(int64_t widthBits, int64_t depth) {
  if (widthBits <= 0 || depth <= 0)
    return 0;
  // UG574: one LUT6 holds 64 x 1 bits of distributed RAM.
  return widthBits * ceilDiv(depth, 64);
}

int64_t formulas::dspPerProduct(int64_t bitsA, int64_t bitsB) {
  // UG579: the DSP48E2 multiplies 27 x 18 bits (signed); wider operands
  // split into partial products, one slice each.
  int64_t wide = std::max(bitsA, bitsB), narrow = std::min(bitsA, bitsB);
  return ceilDiv(wide, 27) * ceilDiv(narrow, 18);
}

int64_t formulas::lutPerMultiplier(int64_t bitsA, int64_t bitsB) {
  // FINN-R: a w x a multiplier in LUTs ~ (2 ceil((w+a)/6) - 1)(w+a).
  int64_t sum = bitsA + bitsB;
  return (2 * ceilDiv(sum, 6) - 1) * sum;
}

void formulas::fifoCost(int64_t widthBits, int64_t depth, int64_t &lut,
                        int64_t &bram) {
  lut = bram = 0;
  // UG574: an SRLC32E (one LUT6) is a 32-deep shift register of one bit,
  // which is how Vitis HLS builds shallow streams; deeper ones go to BRAM.
  if (depth <= 32) {
    lut = widthBits;
    return;
  }
  bram = bram18(std::min<int64_t>(widthBits, 36), widthBits, depth);
}

//===----------------------------------------------------------------------===//
// Resources
//===----------------------------------------------------------------------===//

namespace {
/// Where each resource is counted: in a candidate, in the device's budget
/// and in its utilisation cap, with its name in messages.
struct ResourceFields {
  const char *name;
  int64_t Candidate::*usage;
  int64_t DeviceModel::*budget;
  int64_t DeviceModel::*capPercent;
};
} // namespace

static const ResourceFields &getFields(Resource resource) {
  // In the order of Resource.
  static const ResourceFields fields[] = {
      {"DSP48E2", &Candidate::dsp, &DeviceModel::dsp, &DeviceModel::capDsp},
      {"BRAM18", &Candidate::bram18, &DeviceModel::bram18,
       &DeviceModel::capBram},
      {"URAM", &Candidate::uram, &DeviceModel::uram, &DeviceModel::capUram},
      {"LUT", &Candidate::lut, &DeviceModel::lut, &DeviceModel::capLut},
      {"FF", &Candidate::ff, &DeviceModel::ff, &DeviceModel::capFf}};
  return fields[static_cast<int>(resource)];
}

int64_t hlscpp::getUsage(const Candidate &candidate, Resource resource) {
  return candidate.*getFields(resource).usage;
}

StringRef hlscpp::getResourceName(Resource resource) {
  return getFields(resource).name;
}

int64_t hlscpp::getBudget(const DeviceModel &device, Resource resource) {
  return device.*getFields(resource).budget;
}

int64_t hlscpp::getCapPercent(const DeviceModel &device, Resource resource) {
  return device.*getFields(resource).capPercent;
}

//===----------------------------------------------------------------------===//
// Which ops are stages
//===----------------------------------------------------------------------===//

qnn::RequantizeOp hlscpp::getFusedRequantize(Operation *op) {
  if (!isa<qnn::ConvOp, qnn::ConvTransposeOp, qnn::MatMulOp>(op) ||
      !op->getResult(0).hasOneUse())
    return nullptr;
  return dyn_cast<qnn::RequantizeOp>(*op->getResult(0).getUsers().begin());
}

bool hlscpp::isFusedRequantize(Operation *op) {
  if (!isa<qnn::RequantizeOp>(op))
    return false;
  Operation *producer = op->getOperand(0).getDefiningOp();
  return producer && getFusedRequantize(producer) == op;
}

static bool isI8(Type type) { return getElementTypeOrSelf(type).isInteger(8); }

bool hlscpp::isStage(Operation *op) {
  if (isa<qnn::QNNDialect>(op->getDialect()))
    return !isa<qnn::QuantizeOp, qnn::DequantizeOp>(op) &&
           !isFusedRequantize(op);
  if (!isa<nn::NNDialect>(op->getDialect()) || isa<nn::ConstantOp>(op))
    return false;
  return llvm::any_of(op->getOperandTypes(), isI8) ||
         llvm::any_of(op->getResultTypes(), isI8);
}

//===----------------------------------------------------------------------===//
// Stage shapes
//===----------------------------------------------------------------------===//

static bool isConstant(Value value) {
  Operation *def = value.getDefiningOp();
  return def && (isa<nn::ConstantOp, arith::ConstantOp>(def) ||
                 def->hasTrait<OpTrait::ConstantLike>());
}

static int64_t numElements(Value value) {
  return cast<ShapedType>(value.getType()).getNumElements();
}

static ArrayRef<int64_t> shapeOf(Value value) {
  return cast<ShapedType>(value.getType()).getShape();
}

/// NCHW extents of a value of rank >= 2 (missing spatial dims are 1).
static void getNCHW(Value value, int64_t &n, int64_t &c, int64_t &h,
                    int64_t &w) {
  ArrayRef<int64_t> shape = shapeOf(value);
  n = shape.empty() ? 1 : shape[0];
  c = shape.size() > 1 ? shape[1] : 1;
  h = shape.size() > 2 ? shape[2] : 1;
  w = 1;
  for (size_t i = 3; i < shape.size(); ++i)
    w *= shape[i];
}

/// The products of an output stage's rescale: none when every multiplier is
/// a power of two (then a shift), else one `value x multiplier` product per
/// multiplier the op applies to each output element.
static void addRescale(StageShape &shape, Operation *op, int64_t valueBits,
                       int64_t productsPerElement) {
  auto stage = dyn_cast_or_null<qnn::OutputStageOpInterface>(op);
  if (!stage)
    return;
  bool shiftsOnly = llvm::all_of(stage.getOutputMultipliers(), [](int32_t m) {
    return m > 0 && llvm::isPowerOf2_32(uint32_t(m));
  });
  if (shiftsOnly && stage.getRounding() != qnn::RoundingMode::float32)
    return;
  for (int64_t i = 0; i < productsPerElement; ++i)
    shape.rescaleProducts.push_back({valueBits, 32});
}

/// The input elements a sliding window needs before its first output: the
/// rows above the first window's last row, then that row up to the
/// window's last column, every channel.
static int64_t windowFirstNeed(int64_t channels, int64_t inW, int64_t kernelH,
                               int64_t kernelW, int64_t dilationH,
                               int64_t dilationW, int64_t padTop,
                               int64_t padLeft) {
  int64_t rows = std::max<int64_t>(1, (kernelH - 1) * dilationH + 1 - padTop);
  int64_t cols = std::max<int64_t>(1, (kernelW - 1) * dilationW + 1 - padLeft);
  return ((rows - 1) * inW + std::min(cols, inW)) * channels;
}

/// A weight viewed as [out][in][position] with its per-output zero point,
/// for counting all-zero SIMD x PE tiles of block-sparse weights.
struct WeightView {
  int64_t outCount = 0, inCount = 0, positions = 1;
  /// nonzero[(o * inCount + i) * positions + k].
  std::vector<uint8_t> nonzero;
};

static std::optional<WeightView>
readWeightView(Value weight, ArrayRef<int32_t> zeroPoints, bool matmul) {
  std::optional<SmallVector<int64_t>> values = nn::getConstantInts(weight);
  if (!values)
    return std::nullopt;
  ArrayRef<int64_t> shape = shapeOf(weight);
  WeightView view;
  if (matmul) {
    // b is [K, N]: out = N, in = K.
    view.inCount = shape[shape.size() - 2];
    view.outCount = shape.back();
  } else {
    view.outCount = shape[0];
    view.inCount = shape[1];
    for (size_t i = 2; i < shape.size(); ++i)
      view.positions *= shape[i];
  }
  view.nonzero.assign(view.outCount * view.inCount * view.positions, 0);
  for (int64_t index = 0, e = values->size(); index < e; ++index) {
    int64_t o, i, k;
    if (matmul) {
      // Leading batch dimensions of a constant b repeat the same matrix.
      int64_t inMatrix = index % (view.inCount * view.outCount);
      i = inMatrix / view.outCount;
      o = inMatrix % view.outCount;
      k = 0;
    } else {
      o = index / (view.inCount * view.positions);
      i = (index / view.positions) % view.inCount;
      k = index % view.positions;
    }
    int32_t zero = zeroPoints.size() == 1 ? zeroPoints[0] : zeroPoints[o];
    if ((*values)[index] != zero)
      view.nonzero[(o * view.inCount + i) * view.positions + k] = 1;
  }
  return view;
}

/// Counts the all-zero tiles of `pe` outputs x `simd` inputs (MVAU: inputs
/// within one group at one kernel position) or of `pe` channels x `simd`
/// kernel positions (VVAU). PE divides a group's outputs, so no tile
/// straddles two groups.
static int64_t countZeroTiles(const WeightView &view, bool depthwise,
                              int64_t simd, int64_t pe) {
  int64_t zero = 0;
  auto at = [&](int64_t o, int64_t i, int64_t k) {
    return view.nonzero[(o * view.inCount + i) * view.positions + k];
  };
  if (depthwise) {
    for (int64_t o0 = 0; o0 < view.outCount; o0 += pe)
      for (int64_t k0 = 0; k0 < view.positions; k0 += simd) {
        bool allZero = true;
        for (int64_t o = o0; o < std::min(o0 + pe, view.outCount) && allZero;
             ++o)
          for (int64_t k = k0;
               k < std::min(k0 + simd, view.positions) && allZero; ++k)
            allZero = !at(o, 0, k);
        zero += allZero;
      }
    return zero;
  }
  for (int64_t o0 = 0; o0 < view.outCount; o0 += pe) {
    for (int64_t k = 0; k < view.positions; ++k)
      for (int64_t i0 = 0; i0 < view.inCount; i0 += simd) {
        bool allZero = true;
        for (int64_t o = o0; o < std::min(o0 + pe, view.outCount) && allZero;
             ++o)
          for (int64_t i = i0; i < std::min(i0 + simd, view.inCount) && allZero;
               ++i)
            allZero = !at(o, i, k);
        zero += allZero;
      }
  }
  return zero;
}

/// Block-sparse weights (`whittle.sparsity` with granularity block): the
/// all-zero tiles a candidate can skip, counted in the data.
static void addZeroTiles(StageShape &shape, Operation *op, Value weight,
                         ArrayRef<int32_t> zeroPoints, bool matmul,
                         bool depthwise) {
  std::optional<SparsityPattern> pattern = getSparsityPattern(op);
  if (!pattern || pattern->granularity != SparsityGranularity::Block)
    return;
  std::optional<WeightView> view = readWeightView(weight, zeroPoints, matmul);
  if (!view)
    return;
  auto shared = std::make_shared<WeightView>(std::move(*view));
  shape.zeroTiles = [shared, depthwise](int64_t simd, int64_t pe) {
    return countZeroTiles(*shared, depthwise, simd, pe);
  };
}

/// The stage's activation operands, their sizes and what the stage needs of
/// each before its first output (by default one element, read at the rate
/// of the output).
static void addActivations(StageShape &shape, Operation *op) {
  int64_t out = std::max<int64_t>(1, shape.outElements);
  for (OpOperand &operand : op->getOpOperands()) {
    if (isConstant(operand.get()) || !isa<ShapedType>(operand.get().getType()))
      continue;
    shape.activationOperands.push_back(operand.getOperandNumber());
    int64_t elements = numElements(operand.get());
    // Operands stream in parallel: the busiest one bounds the cycles.
    shape.inElements = std::max(shape.inElements, elements);
    shape.firstOutputNeed.push_back(1);
    shape.inputsPerOutput.push_back(double(elements) / double(out));
  }
}

static LogicalResult analyzeWindow(StageShape &shape, Operation *op,
                                   Value input, Value output) {
  auto window = cast<qnn::ConvLikeOpInterface>(op);
  SmallVector<int64_t> kernel = window.getWindowShape();
  SmallVector<int64_t> dilations = window.getWindowDilations();
  ArrayRef<int64_t> strides = window.getStrides();
  ArrayRef<int64_t> pads = window.getPads();
  if (kernel.size() > 2)
    return op->emitError() << "the FPGA back end supports 1-D and 2-D "
                              "windows, not "
                           << kernel.size() << "-D";
  int64_t n, c, h, w, outC;
  getNCHW(input, n, c, h, w);
  shape.frames = n;
  shape.inH = h;
  shape.inW = w;
  getNCHW(output, n, outC, shape.outH, shape.outW);
  // A 1-D window is a 2-D one of height 1 (as the emitted stages see it):
  // its one spatial dimension is the width.
  if (kernel.size() == 1) {
    std::swap(shape.inH, shape.inW);
    std::swap(shape.outH, shape.outW);
    w = shape.inW;
  }
  shape.kernelH = kernel.size() == 2 ? kernel[0] : 1;
  shape.kernelW = kernel.back();
  shape.strideH = strides.size() == 2 ? strides[0] : 1;
  int64_t dilationH = dilations.size() == 2 ? dilations[0] : 1;
  int64_t dilationW = dilations.back();
  shape.dilationH = dilationH;
  int64_t padTop = kernel.size() == 2 ? pads[0] : 0;
  int64_t padLeft = pads[kernel.size() - 1];
  auto isOne = [](int64_t v) { return v == 1; };
  shape.pointwise = llvm::all_of(kernel, isOne) &&
                    llvm::all_of(strides, isOne) &&
                    llvm::all_of(pads, [](int64_t v) { return v == 0; });
  shape.outElements = numElements(output) / std::max<int64_t>(1, n);
  addActivations(shape, op);
  shape.inElements /= std::max<int64_t>(1, n);
  if (!shape.scatters)
    shape.firstOutputNeed[0] =
        windowFirstNeed(c, w, shape.kernelH, shape.kernelW, dilationH,
                        dilationW, padTop, padLeft);
  else
    // A transposed convolution's first output row gathers from the first
    // ceil(K / stride) input rows.
    shape.firstOutputNeed[0] = ceilDiv(shape.kernelH, shape.strideH) * w * c;
  return success();
}

/// The stream position of a slice's first kept element, in channels-last
/// or row-major order of the frame (the later of the two), when its starts
/// and axes are constants.
static std::optional<int64_t> getFirstSlicedElement(nn::SliceOp slice) {
  ArrayRef<int64_t> shape = shapeOf(slice.getData());
  int64_t rank = shape.size();
  std::optional<SmallVector<int64_t>> starts =
      nn::getConstantInts(slice.getStarts());
  if (!starts || rank < 2)
    return std::nullopt;
  SmallVector<int64_t> axes;
  if (slice.getAxes()) {
    std::optional<SmallVector<int64_t>> given =
        nn::getConstantInts(slice.getAxes());
    if (!given)
      return std::nullopt;
    axes = *given;
  } else {
    for (int64_t axis = 0; axis < int64_t(starts->size()); ++axis)
      axes.push_back(axis);
  }
  // The first kept index along each frame dimension (the batch is the
  // frame count).
  SmallVector<int64_t> first(rank, 0);
  for (auto [axis, start] : llvm::zip(axes, *starts)) {
    if (axis < 0)
      axis += rank;
    if (axis <= 0 || axis >= rank)
      continue;
    int64_t extent = shape[axis];
    int64_t at = start < 0 ? start + extent : start;
    first[axis] = std::clamp<int64_t>(at, 0, std::max<int64_t>(0, extent - 1));
  }
  int64_t rowMajor = 0, channelsLast = 0;
  for (int64_t d = 1; d < rank; ++d)
    rowMajor = rowMajor * shape[d] + first[d];
  for (int64_t d = 2; d < rank; ++d)
    channelsLast = channelsLast * shape[d] + first[d];
  channelsLast = channelsLast * shape[1] + first[1];
  return std::max(rowMajor, channelsLast);
}

FailureOr<StageShape> hlscpp::analyzeStage(Operation *op) {
  StageShape shape;
  Operation *requantize = getFusedRequantize(op);
  Value output = requantize ? requantize->getResult(0) : op->getResult(0);
  if (!isI8(output.getType()))
    shape.outBits = 32;

  auto analyzeProduct = [&](Value x, Value w, int64_t groups,
                            ArrayRef<int32_t> zeroPoints) -> LogicalResult {
    if (!isConstant(w))
      return op->emitError() << "the FPGA back end needs constant weights for '"
                             << op->getName() << "'";
    shape.hasWeights = true;
    shape.weightElements = numElements(w);
    shape.groups = groups;
    if (failed(analyzeWindow(shape, op, x, output)))
      return failure();
    int64_t inC = shapeOf(x)[1];
    int64_t outC = shapeOf(output)[1];
    bool depthwise = groups > 1 && groups == inC && groups == outC;
    shape.kind = depthwise ? StageKind::Depthwise : StageKind::MatrixVector;
    shape.inChannels = depthwise ? inC : inC / groups;
    shape.outChannels = depthwise ? outC : outC / groups;
    shape.laneExtent = shape.outChannels;
    if (depthwise)
      shape.groups = 1;
    addZeroTiles(shape, op, w, zeroPoints, /*matmul=*/false, depthwise);
    if (requantize)
      addRescale(shape, requantize, 32, 1);
    return success();
  };

  // Products and windows; nullopt for the elementwise stages below.
  std::optional<LogicalResult> result =
      llvm::TypeSwitch<Operation *, std::optional<LogicalResult>>(op)
          .Case([&](qnn::ConvOp conv) -> std::optional<LogicalResult> {
            shape.tilesRows = true;
            return analyzeProduct(conv.getX(), conv.getW(), conv.getGroup(),
                                  conv.getWeightZeroPoint());
          })
          .Case([&](qnn::ConvTransposeOp conv) -> std::optional<LogicalResult> {
            shape.scatters = true;
            if (failed(analyzeProduct(conv.getX(), conv.getW(), conv.getGroup(),
                                      conv.getWeightZeroPoint())))
              return failure();
            // w is C x M/group x K: the MVAU's inputs are C / group.
            shape.kind = StageKind::MatrixVector;
            shape.groups = conv.getGroup();
            shape.inChannels = shapeOf(conv.getX())[1] / shape.groups;
            shape.outChannels = shapeOf(output)[1] / shape.groups;
            shape.laneExtent = shape.outChannels;
            return success();
          })
          .Case([&](qnn::MatMulOp matmul) -> std::optional<LogicalResult> {
            Value b = matmul.getB();
            if (!isConstant(b))
              return op->emitError()
                     << "the FPGA back end supports 'qnn.matmul' with a "
                        "constant right-hand side only";
            ArrayRef<int64_t> aShape = shapeOf(matmul.getA());
            shape.kind = StageKind::MatrixVector;
            shape.hasWeights = true;
            shape.weightElements = numElements(b);
            shape.inChannels = aShape.back();
            shape.outChannels = shapeOf(b).back();
            shape.laneExtent = shape.outChannels;
            shape.frames = aShape.size() > 2 ? aShape[0] : 1;
            int64_t rows =
                numElements(matmul.getA()) / shape.inChannels / shape.frames;
            shape.inH = shape.outH = rows;
            shape.outElements = numElements(output) / shape.frames;
            addActivations(shape, op);
            shape.inElements /= shape.frames;
            // One row of a before the first output.
            shape.firstOutputNeed[0] = shape.inChannels;
            addZeroTiles(shape, op, b, matmul.getBZeroPoint(),
                         /*matmul=*/true, /*depthwise=*/false);
            if (requantize)
              addRescale(shape, requantize, 32, 1);
            return success();
          })
          .Case<qnn::MaxPoolOp, qnn::AvgPoolOp>(
              [&](Operation *pool) -> std::optional<LogicalResult> {
                shape.kind = StageKind::Pool;
                if (failed(analyzeWindow(shape, op, op->getOperand(0), output)))
                  return failure();
                shape.inChannels = shape.outChannels = shapeOf(output)[1];
                shape.laneExtent = shape.outChannels;
                if (isa<qnn::AvgPoolOp>(pool)) {
                  // The window's sum (8 + log2 of the window's size bits) times
                  // the multiplier, divided by the count.
                  addRescale(shape, op, 24, 1);
                  shape.divides = true;
                }
                return success();
              })
          .Default([&](Operation *) { return std::nullopt; });
  if (result) {
    if (failed(*result))
      return failure();
    return shape;
  }

  // Everything else streams each element through once (or a fixed number
  // of times): PE lanes along the channels.
  shape.kind = StageKind::Elementwise;
  shape.frames = op->getNumResults() && isa<ShapedType>(output.getType()) &&
                         !shapeOf(output).empty()
                     ? shapeOf(output)[0]
                     : 1;
  int64_t frames = std::max<int64_t>(1, shape.frames);
  for (Value result : op->getResults())
    shape.outElements += numElements(result) / frames;
  addActivations(shape, op);
  shape.inElements /= frames;
  ArrayRef<int64_t> outShape = shapeOf(output);
  shape.laneExtent = outShape.size() > 1 ? outShape[1]
                     : outShape.empty()  ? 1
                                         : outShape[0];
  StringRef name = op->getName().getStringRef();
  bool supported =
      llvm::TypeSwitch<Operation *, bool>(op)
          .Case([&](qnn::GlobalAvgPoolOp pool) {
            // Sums the whole plane before the first output.
            shape.firstOutputNeed[0] = shape.inElements;
            addRescale(shape, op, 32, 1);
            shape.divides = true;
            return true;
          })
          .Case([&](qnn::AddOp) {
            // (a - za) M_a + (b - zb) M_b: two 9 x 32-bit products.
            addRescale(shape, op, 9, 2);
            return true;
          })
          .Case([&](qnn::MulOp) {
            // (a - za)(b - zb) (9 x 9 bits), then the rescale (18 x 32).
            shape.rescaleProducts.push_back({9, 9});
            addRescale(shape, op, 18, 1);
            // A stream broadcast over the other (squeeze-and-excitation's
            // per-channel scale) is held whole before the first output.
            for (auto [j, index] : llvm::enumerate(shape.activationOperands))
              if (op->getOperand(index).getType() != output.getType())
                shape.firstOutputNeed[j] =
                    numElements(op->getOperand(index)) / frames;
            return true;
          })
          .Case([&](qnn::ConcatOp concat) {
            addRescale(shape, op, 9, 1);
            // The inputs are read one after the other (a pixel's channels
            // of the first input, then the next input's).
            shape.inElements = shape.outElements;
            return true;
          })
          .Case([&](qnn::RequantizeOp) {
            shape.rescaleProducts.clear();
            addRescale(shape, op, 32, 1);
            return true;
          })
          .Case([&](qnn::LookupTableOp) {
            // Every lane has its own 256 x 8 table.
            shape.laneTableBits = 256 * 8;
            return true;
          })
          .Case([&](qnn::SoftmaxOp softmax) {
            ArrayRef<int64_t> inShape = shapeOf(softmax.getX());
            int64_t axis = softmax.getAxis();
            if (axis < 0)
              axis += inShape.size();
            int64_t length = inShape[axis];
            shape.laneExtent = length;
            // Three passes over a row (maximum, sum of the table's
            // exponentials, output): the row is buffered, its exponentials
            // too (32 bits).
            shape.firstOutputNeed[0] = length;
            shape.inputsPerOutput[0] = 1;
            shape.passes = 3;
            shape.bufferBits = length * (8 + 32);
            shape.rescaleProducts.push_back({32, 32});
            shape.divides = true;
            return true;
          })
          .Case([&](qnn::ResizeOp resize) {
            int64_t n, c, h, w;
            getNCHW(resize.getX(), n, c, h, w);
            // Two input rows (the taps of a linear resize) before the
            // first output.
            bool linear = resize.getMode() == "linear";
            shape.firstOutputNeed[0] = (linear ? 2 : 1) * w * c;
            shape.bufferBits = 2 * w * c * 8;
            if (linear) {
              int64_t taps = 1;
              for (size_t i = 2; i < shapeOf(resize.getX()).size(); ++i)
                taps *= 2;
              for (int64_t t = 0; t < taps; ++t)
                shape.rescaleProducts.push_back({9, 16});
            }
            return true;
          })
          .Case([&](nn::SliceOp slice) {
            // The first element kept comes after those before it in the
            // stream: channels last or row-major, whichever is later.
            shape.firstOutputNeed[0] =
                1 + getFirstSlicedElement(slice).value_or(0);
            return true;
          })
          .Default([&](Operation *) {
            if (!isa<nn::NNDialect>(op->getDialect()))
              return false;
            if (!llvm::all_of(op->getResultTypes(), isI8))
              return false;
            // i8 data movement: reshapes stream through; transposes and
            // channel/space reorders hold the whole tensor.
            if (name == "nn.concat")
              shape.inElements = shape.outElements;
            shape.relabels =
                llvm::is_contained({"nn.flatten", "nn.reshape", "nn.squeeze",
                                    "nn.unsqueeze", "nn.identity"},
                                   name);
            if (shape.relabels ||
                llvm::is_contained({"nn.dropout", "nn.pad", "nn.slice",
                                    "nn.concat", "nn.split"},
                                   name))
              return true;
            if (llvm::is_contained(
                    {"nn.transpose", "nn.depth_to_space", "nn.space_to_depth"},
                    name)) {
              shape.buffersFrame = true;
              shape.firstOutputNeed[0] = shape.inElements;
              return true;
            }
            return false;
          });
  if (!supported)
    return op->emitError() << "'" << op->getName()
                           << "' is not supported by the FPGA back end";
  if (shape.frames < 1)
    shape.frames = 1;
  return shape;
}

//===----------------------------------------------------------------------===//
// Costs
//===----------------------------------------------------------------------===//

namespace {
/// FINN-R's LUT model: c0 + c1 * PE * (per-lane logic).
constexpr double kFinnLutC0 = 300, kFinnLutC1 = 1.1;
/// Accumulator width of the products (qnn's i32 accumulators).
constexpr int64_t kAccumulatorBits = 32;
/// Weight and activation widths: int8 weights, activations minus their
/// zero point (9 bits).
constexpr int64_t kWeightBits = 8, kActivationBits = 9;
/// Estimate: a streamed weight's reader (address generator and burst
/// control) in front of the AXI4 master it shares with the design's other
/// ports (Vitis HLS builds one adapter per m_axi bundle).
constexpr int64_t kWeightReaderLut = 300, kWeightReaderFF = 400;
/// The burst FIFO between the AXI4 master and a reader: 32 words deep (one
/// SRL per bit).
constexpr int64_t kBurstWords = 32;
/// Estimate: a 64-bit division pipelined to one result per cycle is an
/// array of 64 64-bit subtractors (~4k LUT); a sequential one that takes
/// 64 cycles per result is ~300 LUT.
constexpr int64_t kDividerLut = 4096, kSequentialDividerLut = 300,
                  kDividerCycles = 64;
/// Estimate: control logic of a stage (loop counters, stream handshakes).
constexpr int64_t kStageControlFF = 200;
} // namespace

/// Puts `bits` of memory of `widthBits`-wide words in LUTRAM when it is at
/// most 64 words deep, else in BRAM (what Vitis HLS does for arrays by
/// default); returns the BRAM18s and adds LUTs to `lut`.
static int64_t placeMemory(int64_t elementBits, int64_t widthBits, int64_t bits,
                           int64_t &lut) {
  if (bits <= 0 || widthBits <= 0)
    return 0;
  int64_t depth = ceilDiv(bits, widthBits);
  if (depth <= 64) {
    lut += formulas::lutram(widthBits, depth);
    return 0;
  }
  return formulas::bram18(elementBits, widthBits, depth);
}

/// Elements per cycle a stage reads from each input stream.
static int64_t inputWidth(const StageShape &shape, int64_t simd, int64_t pe) {
  return shape.kind == StageKind::MatrixVector ? simd : pe;
}

Candidate hlscpp::costCandidate(const StageShape &shape, int64_t simd,
                                int64_t pe, Multiplier multiplier,
                                WeightPlacement weights, WeightMemory memory,
                                int64_t rowTile, ArrayRef<int64_t> fifoElements,
                                int64_t pixels, WeightMemory rowsMemory) {
  Candidate c;
  c.simd = simd;
  c.pe = pe;
  if (shape.relabels) {
    // The stream passes through unchanged; one cycle keeps the period
    // positive.
    c.cycles = 1;
    return c;
  }
  c.multiplier = multiplier;
  c.weights = weights;
  c.memory = memory;
  c.rowTile = rowTile;
  c.rows = rowsMemory;
  int64_t kernel = shape.kernelH * shape.kernelW;
  int64_t inWidth = inputWidth(shape, simd, pe);

  // Cycles per frame at II = 1: the MVAU's (MH/PE)(MW/SIMD) per input
  // vector, the VVAU's C*K/(PE*SIMD) per pixel (FINN), a pool's window
  // element per channel lane, one element per lane elsewhere; never less
  // than reading every input and writing every output once. Parallelism
  // that does not divide its extent rounds up (a partial last tile), and
  // `pixels` output pixels may be computed at once (the DPU's pixel
  // parallelism; 1 in every dataflow stage).
  int64_t tiles = 0, compute = 0;
  switch (shape.kind) {
  case StageKind::MatrixVector: {
    tiles = shape.groups * ceilDiv(shape.outChannels, pe) * kernel *
            ceilDiv(shape.inChannels, simd);
    if (shape.zeroTiles)
      tiles -= shape.zeroTiles(simd, pe);
    int64_t vectors =
        shape.scatters ? shape.inH * shape.inW : shape.outH * shape.outW;
    compute = tiles * ceilDiv(vectors, pixels);
    break;
  }
  case StageKind::Depthwise:
    tiles = ceilDiv(shape.inChannels, pe) * ceilDiv(kernel, simd);
    if (shape.zeroTiles)
      tiles -= shape.zeroTiles(simd, pe);
    compute = tiles * ceilDiv(shape.outH * shape.outW, pixels);
    break;
  case StageKind::Pool:
    compute = ceilDiv(shape.outChannels, pe) *
              ceilDiv(shape.outH * shape.outW, pixels) * kernel;
    break;
  case StageKind::Elementwise:
    compute = ceilDiv(shape.outElements, pe * pixels);
    compute *= shape.passes;
    break;
  }
  int64_t perFrame =
      std::max({compute, ceilDiv(shape.inElements, inWidth * pixels),
                ceilDiv(shape.outElements, pe * pixels), int64_t(1)});
  // Which unit the emitter builds, and what it does not overlap. Windowed
  // convolutions read their input rows themselves and do not compute while
  // they read (mvu_rows; mvu_row_tiles for streamed weights, which also
  // writes each tile after computing it). mvu (pointwise convolutions,
  // matrix products) computes its first PE block as the vector arrives,
  // except with groups, whose blocks read scattered parts of the vector.
  bool streamed = weights == WeightPlacement::streamed;
  bool ownRows = shape.tilesRows && (streamed || !shape.pointwise);
  bool products = shape.kind == StageKind::MatrixVector ||
                  shape.kind == StageKind::Depthwise;
  if (products && pixels == 1) {
    int64_t reads = ceilDiv(shape.inElements, inWidth);
    if (ownRows)
      perFrame =
          compute + reads + (streamed ? ceilDiv(shape.outElements, pe) : 0);
    else if (shape.groups > 1 || shape.kind == StageKind::Depthwise)
      perFrame = compute + reads;
  }
  c.cycles = perFrame * shape.frames;

  // Multipliers of the MACs.
  int64_t lanes = 0;
  if (shape.kind == StageKind::MatrixVector ||
      shape.kind == StageKind::Depthwise)
    lanes = simd * pe;
  int64_t laneLut = 0;
  if (lanes > 0) {
    if (multiplier == Multiplier::dsp) {
      // WP486: the PE outputs of an MVAU share each input activation, so
      // pairs of them share one DSP48E2; a VVAU's products share nothing.
      c.dsp += shape.kind == StageKind::MatrixVector ? simd * ceilDiv(pe, 2)
                                                     : simd * pe;
    } else {
      laneLut +=
          simd * formulas::lutPerMultiplier(kWeightBits, kActivationBits);
    }
    // FINN-R: adder tree (w+a)(2 SIMD - 1) and the accumulator per PE.
    laneLut +=
        (kWeightBits + kActivationBits) * (2 * simd - 1) + kAccumulatorBits;
    c.ff += pe * (simd * (kWeightBits + kActivationBits) + kAccumulatorBits);
  } else {
    // A comparator, adder or multiplexer per lane and bit (estimate).
    laneLut += 2 * 8 + (shape.kind == StageKind::Pool ? kAccumulatorBits : 0);
    c.ff += pe * (8 + kAccumulatorBits);
  }
  c.lut += int64_t(kFinnLutC0 + kFinnLutC1 * double(pe * laneLut));
  c.ff += kStageControlFF;

  // The output stage: as many rescale units as outputs per cycle.
  int64_t outputs = shape.outElements * shape.frames;
  int64_t rescaleLanes = std::max<int64_t>(1, ceilDiv(outputs, c.cycles));
  for (auto [bitsA, bitsB] : shape.rescaleProducts) {
    if (multiplier == Multiplier::dsp)
      c.dsp += rescaleLanes * formulas::dspPerProduct(bitsA, bitsB);
    else
      c.lut += rescaleLanes * formulas::lutPerMultiplier(bitsA, bitsB);
    c.ff += rescaleLanes * (bitsA + bitsB);
  }
  if (shape.divides) {
    bool sequential =
        c.cycles / std::max<int64_t>(1, outputs) >= kDividerCycles;
    c.lut += sequential ? kSequentialDividerLut : rescaleLanes * kDividerLut;
    c.ff += sequential ? 2 * 64 : rescaleLanes * 64 * 64 / 4;
  }

  // Weights.
  int64_t weightWidth = simd * pe * kWeightBits;
  int64_t weightDepth = tiles;
  int64_t storedWeightBytes = tiles * simd * pe;
  int64_t rowsIn = shape.kernelH;
  if (weights == WeightPlacement::onchip) {
    switch (memory) {
    case WeightMemory::bram:
      c.bram18 += formulas::bram18(kWeightBits, weightWidth, weightDepth);
      break;
    case WeightMemory::uram:
      c.uram += formulas::uram(weightWidth, weightDepth);
      break;
    case WeightMemory::lutram:
      c.lut += formulas::lutram(weightWidth, weightDepth);
      break;
    case WeightMemory::none:
      break;
    }
  }
  // The input rows of a unit that reads them itself: in BRAM (LUTRAM when
  // shallow, as Vitis HLS places arrays by default) or, as the planner may
  // choose to save BRAM, in LUTRAM.
  auto placeRows = [&](int64_t bytes) {
    if (rowsMemory == WeightMemory::lutram)
      c.lut += formulas::lutram(inWidth * 8, ceilDiv(bytes, inWidth));
    else
      c.bram18 += placeMemory(8, inWidth * 8, bytes * 8, c.lut);
  };
  if (weights == WeightPlacement::streamed) {
    // The weights pass once per tile of `rowTile` output rows (input rows
    // for a transposed convolution): the stage buffers the input rows the
    // tile reads, the tile's outputs (to emit them pixel by pixel) and the
    // accumulators of PE channels over the tile.
    int64_t rows = shape.scatters ? shape.inH : shape.outH;
    c.ddrBytes += storedWeightBytes * ceilDiv(rows, rowTile) * shape.frames;
    c.lut += kWeightReaderLut;
    c.ff += kWeightReaderFF;
    int64_t burstLut, burstBram;
    formulas::fifoCost(weightWidth, kBurstWords, burstLut, burstBram);
    c.lut += burstLut;
    c.bram18 += burstBram;
    rowsIn = (rowTile - 1) * shape.strideH +
             (shape.kernelH - 1) * shape.dilationH + 1;
    int64_t inRowBytes = shape.inW * shape.inChannels * shape.groups;
    placeRows(rowsIn * inRowBytes);
    int64_t tileOutputs =
        rowTile * shape.outW * shape.outChannels * shape.groups;
    c.bram18 += placeMemory(8, pe * 8, tileOutputs * 8, c.lut);
    c.bram18 +=
        placeMemory(kAccumulatorBits, pe * kAccumulatorBits,
                    rowTile * shape.outW * pe * kAccumulatorBits, c.lut);
  }

  // The line buffer: the (K - 1) D + 1 input rows one window spans
  // (sliding_window in front of a pool; mvu_rows' own rows), unless the
  // window is one pixel (the stream is its own window) or the unit holds a
  // tile of rows (mvu_row_tiles, above). mvu keeps the vector it reduces
  // (K x K x C values), which every PE block reads again.
  int64_t channels = shape.kind == StageKind::MatrixVector
                         ? shape.inChannels * shape.groups
                         : shape.inChannels;
  if (!(ownRows && streamed) && !shape.pointwise && !shape.scatters) {
    int64_t rows = (shape.kernelH - 1) * shape.dilationH + 1;
    int64_t bytes = rows * shape.inW * channels;
    if (ownRows)
      placeRows(bytes);
    else
      c.bram18 += placeMemory(8, inWidth * 8, bytes * 8, c.lut);
  }
  if (products && !ownRows)
    c.bram18 += placeMemory(8, simd * 8, kernel * channels * 8, c.lut);
  // A transposed convolution accumulates K rows of its output (i32).
  if (shape.scatters)
    c.bram18 += placeMemory(kAccumulatorBits, pe * kAccumulatorBits,
                            shape.kernelH * shape.outW * shape.outChannels *
                                shape.groups * kAccumulatorBits,
                            c.lut);
  // A reorder holds a whole frame.
  if (shape.buffersFrame)
    c.bram18 += placeMemory(8, pe * 8, shape.inElements * 8, c.lut);
  // Lookup tables are per lane (LUTRAM ROMs); row buffers are shared.
  c.lut += pe * formulas::lutram(8, shape.laneTableBits / 8);
  c.bram18 += placeMemory(8, pe * 8, shape.bufferBits, c.lut);

  // The input streams (FIFOs) the stage owns.
  for (int64_t elements : fifoElements) {
    int64_t depth = ceilDiv(elements, inWidth) + 2;
    int64_t fifoLut, fifoBram;
    formulas::fifoCost(inWidth * 8, depth, fifoLut, fifoBram);
    c.lut += fifoLut;
    c.bram18 += fifoBram;
  }
  return c;
}

Candidate hlscpp::getDesignOverhead() {
  // Estimate: the one AXI4 master (m_axi bundle) the design's inputs,
  // outputs, on-chip weights' initial load and streamed weights share, and
  // the AXI4-Lite control port: ~1.5k LUT, ~2k FF and two BRAM18 of burst
  // buffers in typical Vitis HLS csynth reports.
  Candidate overhead;
  overhead.lut = 1500 + 300;
  overhead.ff = 2000 + 400;
  overhead.bram18 = 2;
  return overhead;
}

static SmallVector<int64_t> divisors(int64_t n, int64_t limit) {
  SmallVector<int64_t> result;
  for (int64_t d = 1; d <= n && d <= limit; ++d)
    if (n % d == 0)
      result.push_back(d);
  return result;
}

static bool dominates(const Candidate &a, const Candidate &b) {
  return a.cycles <= b.cycles && a.ddrBytes <= b.ddrBytes &&
         llvm::all_of(kResources, [&](Resource r) {
           return getUsage(a, r) <= getUsage(b, r);
         });
}

std::vector<Candidate> hlscpp::paretoFilter(std::vector<Candidate> all) {
  std::stable_sort(all.begin(), all.end(),
                   [](const Candidate &a, const Candidate &b) {
                     return a.cycles < b.cycles;
                   });
  std::vector<Candidate> kept;
  for (const Candidate &candidate : all)
    if (llvm::none_of(
            kept, [&](const Candidate &k) { return dominates(k, candidate); }))
      kept.push_back(candidate);
  return kept;
}

/// Largest parallelism (SIMD x PE) the enumeration offers: beyond 4096
/// MACs per cycle a single stage outgrows every part in the table.
static constexpr int64_t kMaxParallelism = 4096;
/// LUT6s (64 x 1 bits of LUTRAM each) that hold what one BRAM18 holds.
static constexpr int64_t kLutsPerBram18 = 18 * 1024 / 64;
/// Deepest weight memory offered in LUTRAM (two LUT6 per bit).
static constexpr int64_t kMaxLutramDepth = 128;
/// Lanes of stages without MACs: the next stage consumes at most a few
/// elements per cycle, more lanes only cost.
static constexpr int64_t kMaxLanes = 64;

std::vector<Candidate>
hlscpp::enumerateCandidates(const StageShape &shape, const DeviceModel &device,
                            ArrayRef<int64_t> fifoElements, bool withinCaps) {
  SmallVector<std::pair<int64_t, int64_t>> splits;
  switch (shape.kind) {
  case StageKind::MatrixVector:
    for (int64_t simd : divisors(shape.inChannels, kMaxParallelism))
      for (int64_t pe : divisors(shape.outChannels, kMaxParallelism))
        if (simd * pe <= kMaxParallelism)
          splits.push_back({simd, pe});
    break;
  case StageKind::Depthwise:
    for (int64_t pe : divisors(shape.inChannels, kMaxParallelism))
      for (int64_t simd : divisors(shape.kernelH * shape.kernelW, 64))
        if (simd * pe <= kMaxParallelism)
          splits.push_back({simd, pe});
    break;
  case StageKind::Pool:
  case StageKind::Elementwise:
    for (int64_t lanes : divisors(shape.laneExtent, kMaxLanes))
      splits.push_back({lanes, lanes});
    break;
  }
  // Splits of the same parallelism SIMD x PE take the same cycles and
  // almost the same resources (the same weight memory, DSPs up to PE's
  // parity, LUTs growing with PE): only the one that takes the smallest
  // share of the caps in its reference form (DSP multipliers, weights in
  // BRAM) is offered, which keeps the program small.
  auto capShare = [&](const Candidate &c) {
    double share = 0;
    for (Resource r : kResources)
      if (int64_t capacity = getBudget(device, r) * getCapPercent(device, r))
        share += double(getUsage(c, r)) * 100.0 / double(capacity);
    return share;
  };
  llvm::MapVector<int64_t, std::pair<std::pair<int64_t, int64_t>, double>>
      bestSplit;
  for (auto [simd, pe] : splits) {
    Candidate reference = costCandidate(
        shape, simd, pe, Multiplier::dsp,
        shape.hasWeights ? WeightPlacement::onchip : WeightPlacement::none,
        shape.hasWeights ? WeightMemory::bram : WeightMemory::none, 0,
        fifoElements);
    double share = capShare(reference);
    auto [it, inserted] =
        bestSplit.try_emplace(simd * pe, std::make_pair(simd, pe), share);
    if (!inserted && share < it->second.second)
      it->second = {{simd, pe}, share};
  }
  SmallVector<std::pair<int64_t, int64_t>> parallelism;
  for (auto &[product, split] : bestSplit)
    parallelism.push_back(split.first);
  bool multiplies = shape.kind == StageKind::MatrixVector ||
                    shape.kind == StageKind::Depthwise ||
                    !shape.rescaleProducts.empty();
  SmallVector<Multiplier> multipliers = {Multiplier::dsp};
  if (multiplies)
    multipliers.push_back(Multiplier::lut);
  SmallVector<std::tuple<WeightPlacement, WeightMemory, int64_t>> placements;
  if (!shape.hasWeights) {
    placements.push_back({WeightPlacement::none, WeightMemory::none, 0});
  } else {
    placements.push_back({WeightPlacement::onchip, WeightMemory::bram, 0});
    if (device.uram > 0)
      placements.push_back({WeightPlacement::onchip, WeightMemory::uram, 0});
    placements.push_back({WeightPlacement::onchip, WeightMemory::lutram, 0});
    // Streamed weights pass once per tile of rows: 1, 4, 16, ... rows or
    // the whole frame (once per frame).
    int64_t rows = shape.tilesRows ? shape.outH : 1;
    for (int64_t tile = 1; tile < rows; tile *= 4)
      placements.push_back(
          {WeightPlacement::streamed, WeightMemory::none, tile});
    placements.push_back({WeightPlacement::streamed, WeightMemory::none,
                          std::max<int64_t>(1, rows)});
  }

  std::vector<Candidate> all;
  for (auto [simd, pe] : parallelism)
    for (Multiplier multiplier : multipliers)
      for (auto [weights, memory, tile] : placements) {
        // Vitis HLS keeps only shallow arrays in LUTRAM; deep ones in LUTs
        // cost more than any BRAM they save.
        int64_t depth = shape.weightElements / (simd * pe);
        if (memory == WeightMemory::lutram && depth > kMaxLutramDepth)
          continue;
        Candidate inBram = costCandidate(shape, simd, pe, multiplier, weights,
                                         memory, tile, fifoElements);
        SmallVector<Candidate, 2> variants = {inBram};
        // A unit that reads its own input rows may keep them in LUTRAM,
        // where that replaces BRAM18s at no more LUTs each than a full
        // BRAM18 holds (18 Kb = 288 LUT6 of 64 bits): elsewhere the trade
        // never pays for itself.
        if (shape.tilesRows &&
            (weights == WeightPlacement::streamed || !shape.pointwise)) {
          Candidate inLutram =
              costCandidate(shape, simd, pe, multiplier, weights, memory, tile,
                            fifoElements, /*pixels=*/1, WeightMemory::lutram);
          int64_t saved = inBram.bram18 - inLutram.bram18;
          if (saved > 0 && inLutram.lut - inBram.lut <= saved * kLutsPerBram18)
            variants.push_back(inLutram);
        }
        for (const Candidate &candidate : variants) {
          // A candidate over a cap on its own fits no design.
          bool fits = llvm::all_of(kResources, [&](Resource r) {
            return getUsage(candidate, r) * 100 <=
                   getBudget(device, r) * getCapPercent(device, r);
          });
          if (fits || !withinCaps)
            all.push_back(candidate);
        }
      }
  return paretoFilter(std::move(all));
}
