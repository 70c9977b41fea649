//===- PlanKernels.cpp - choose every op's CUDA kernel and buffer ---------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The CUDA planning pass. It walks the entry function once in program
// order and decides, per op:
//
// - its kernel (KernelPlan.h's names), folding a qnn.requantize (and a
//   residual qnn.add after it) into the epilogue of the product before;
// - for tensor-core products, the tile with the least predicted time under
//   GPUModel's waves-of-blocks model;
// - the layout of every value in device memory: channels innermost (NHWC)
//   for every tensor of rank 3 or more that a window op reads or writes,
//   row-major otherwise, with relabels (flatten, reshape, ...) reading
//   their operand's buffer when the element order allows and copying
//   otherwise;
// - one arena for all activations, offsets from live ranges (greedy by
//   size: the largest buffer first, each at the lowest offset free for its
//   whole life), where a kernel's output never shares memory with its
//   inputs.
//
// Everything is decided before anything is written, so an error leaves the
// module as it was.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CUDA/KernelPlan.h"
#include "whittle/Target/CUDA/Passes.h"

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNOps.h"
#include "whittle/Transforms/EntryFunction.h"
#include "whittle/Transforms/SparsityPattern.h"

#include "whittle_cuda_layout.h"
#include "whittle_cuda_sparse_layout.h"
#include "whittle_cuda_wgmma_layout.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>

namespace whittle::cuda {
#define GEN_PASS_DEF_CUDAPLANKERNELS
#include "whittle/Target/CUDA/Passes.h.inc"
} // namespace whittle::cuda

using namespace mlir;
using namespace whittle;
using namespace whittle::cuda;

//===----------------------------------------------------------------------===//
// The GPU model
//===----------------------------------------------------------------------===//

const GPUModel *whittle::cuda::getGPUModel(StringRef gpu) {
  // Peak dense int8 tensor rates from NVIDIA's A100 and H100 SXM data
  // sheets, derated to what mma.sync kernels reach (about 75% on A100 and
  // 55% on H100, whose full rate needs wgmma) and, on H100, wgmma kernels
  // (about 80%); CUDA-core int32 rates are SMs x 64 lanes x boost clock;
  // bandwidths are the HBM data sheets'.
  static const GPUModel sm80{"sm_80",        "A100", 108,           164 * 1024,
                             2048,           65536,  624e12 * 0.75,
                             /*wgmmaOps=*/0, 9.7e12, 1.555e12,      2.0};
  static const GPUModel sm90a{
      "sm_90a",       "H100 SXM",    132,     228 * 1024, 2048, 65536,
      1979e12 * 0.55, 1979e12 * 0.8, 16.7e12, 3.35e12,    2.0};
  if (gpu == sm80.arch)
    return &sm80;
  if (gpu == sm90a.arch)
    return &sm90a;
  return nullptr;
}

namespace {
/// A TileShape of the runtime's tile type `Tile`.
template <class Tile> TileShape mmaTile(int64_t registers) {
  return {ProductKernel::mma,
          {Tile::BM, Tile::BN, Tile::BK, Tile::WM, Tile::WN, Tile::kStages},
          Tile::BM,
          Tile::BN,
          Tile::BK,
          Tile::kThreads,
          Tile::kSharedBytes,
          registers};
}
template <class Tile> TileShape wgmmaTile(int64_t registers) {
  return {ProductKernel::wgmma,
          {Tile::kConsumerGroups, Tile::BN, Tile::kStages},
          Tile::BM,
          Tile::BN,
          Tile::BK,
          Tile::kThreads,
          Tile::kSharedBytes,
          registers};
}
template <class Tile> TileShape sparseTile(int64_t registers) {
  // C^T = W X^T: the block's BC weight rows are channels, BP pixels.
  return {ProductKernel::sparse,
          {Tile::BC, Tile::BP, Tile::BK, Tile::WC, Tile::WP, Tile::kStages},
          Tile::BP,
          Tile::BC,
          Tile::BK,
          Tile::kThreads,
          Tile::kSharedBytes,
          registers};
}
} // namespace

ArrayRef<TileShape> whittle::cuda::getTileCandidates(ProductKernel kernel) {
  // Registers per thread from cuobjdump -res-usage of the requantize
  // epilogue's instantiations (test/Target/CUDA/*-sass.cu).
  using namespace whittle_cuda;
  static const TileShape mma[] = {
      mmaTile<GemmTile<128, 128, 64, 64, 32, 3>>(128),
      mmaTile<GemmTile<128, 64, 64, 64, 32, 3>>(128),
      mmaTile<GemmTile<64, 64, 64, 32, 32, 4>>(96),
  };
  static const TileShape wgmma[] = {
      wgmmaTile<WgmmaTile<2, 256, 4>>(168),
      wgmmaTile<WgmmaTile<1, 128, 4>>(105),
  };
  static const TileShape sparse[] = {
      sparseTile<SparseGemmTile<128, 128, 128, 64, 32, 3>>(172),
      sparseTile<SparseGemmTile<128, 128, 64, 64, 32, 4>>(168),
  };
  switch (kernel) {
  case ProductKernel::mma:
    return mma;
  case ProductKernel::wgmma:
    return wgmma;
  case ProductKernel::sparse:
    return sparse;
  }
  return {};
}

const TileShape *whittle::cuda::findTile(ProductKernel kernel,
                                         ArrayRef<int64_t> arguments) {
  for (const TileShape &tile : getTileCandidates(kernel))
    if (ArrayRef<int64_t>(tile.arguments) == arguments)
      return &tile;
  return nullptr;
}

double whittle::cuda::predictProductMicros(const GPUModel &gpu,
                                           const TileShape &tile, int64_t m,
                                           int64_t n, int64_t k,
                                           int64_t inputBytes) {
  double rate =
      tile.kernel == ProductKernel::wgmma ? gpu.wgmmaOps : gpu.tensorOps;
  if (rate <= 0)
    return std::numeric_limits<double>::infinity();
  int64_t perSM = std::min<int64_t>(
      {gpu.sharedPerSM / tile.sharedBytes, gpu.threadsPerSM / tile.threads,
       gpu.registersPerSM / (tile.threads * tile.registers)});
  perSM = std::max<int64_t>(perSM, 1);
  int64_t blocks = ((m + tile.pixels - 1) / tile.pixels) *
                   ((n + tile.channels - 1) / tile.channels);
  int64_t waves = (blocks + gpu.sms * perSM - 1) / (gpu.sms * perSM);
  // The sparse kernel pads K to whole mma.sp steps and multiplies half of
  // it (the kept values).
  int64_t paddedK = tile.kernel == ProductKernel::sparse
                        ? (k + 63) / 64 * 64 / 2
                        : (k + tile.bk - 1) / tile.bk * tile.bk;
  // A full wave keeps every SM's tensor cores busy with perSM blocks, each
  // getting 1 / perSM of the SM; a grid smaller than a wave puts fewer
  // blocks on each SM, which then run faster.
  int64_t resident = std::min<int64_t>(perSM, (blocks + gpu.sms - 1) / gpu.sms);
  double blockOps = 2.0 * tile.pixels * tile.channels * paddedK;
  double compute = waves * resident * blockOps / (rate / gpu.sms);
  double weights =
      tile.kernel == ProductKernel::sparse ? n * k * 9.0 / 16 : double(n) * k;
  double bytes = double(inputBytes) + weights + double(m) * n;
  double memory = bytes / gpu.bandwidth;
  return std::max(compute, memory) * 1e6 + gpu.launchMicros;
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

namespace {

int64_t getElements(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.getNumElements();
}

int64_t getBytes(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.getNumElements() *
         std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
}

int64_t getRank(Value value) {
  return cast<RankedTensorType>(value.getType()).getRank();
}

/// Whether a tensor of `shape` has the same element order channels-last as
/// row-major: at most one of the channel and spatial dimensions is not 1.
bool channelsLastIsRowMajor(ArrayRef<int64_t> shape) {
  if (shape.size() < 3)
    return true;
  int64_t spatial = 1;
  for (int64_t d : shape.drop_front(2))
    spatial *= d;
  return spatial == 1 || shape[1] == 1;
}

/// What the planner decided for one op.
struct OpPlan {
  Operation *op;
  NamedAttrList attrs;
};

class Planner {
public:
  Planner(func::FuncOp func, const GPUModel &gpu) : func(func), gpu(gpu) {}

  LogicalResult plan();
  void write(ModuleOp module);

private:
  LogicalResult planOp(Operation *op, int64_t index);
  LogicalResult planConv(qnn::ConvOp conv, int64_t index);
  LogicalResult planMatMul(qnn::MatMulOp matmul, int64_t index);
  LogicalResult planRelabel(Operation *op, int64_t index);
  /// The tensor-core kernel and tile of least predicted time for an M
  /// (pixels) x N (channels) x K product: mma.sync, wgmma where `wgmma`
  /// allows it and the GPU has it, mma.sp where the weights are 2:4
  /// sparse (whittle.sparsity) and symmetric. Sets the tile and returns
  /// the kernel's name ("<prefix>.tensor_core", ".wgmma",
  /// ".sparse_tensor_core").
  std::string chooseProduct(Operation *product, StringRef prefix, int64_t m,
                            int64_t n, int64_t k, int64_t inputBytes,
                            bool wgmma, ArrayRef<int32_t> weightZeroPoints,
                            NamedAttrList &attrs, double &micros);
  /// The op that ends `product`'s fused chain (its requantize, or the add
  /// after it), setting the product's epilogue.
  Operation *fuseEpilogue(Operation *product, int channelAxis,
                          NamedAttrList &attrs);
  LogicalResult requireChannelsLast(Operation *op, Value input);
  /// Records that `op` (the head of its kernel) writes `value` in `layout`.
  void define(Value value, Layout layout, int64_t index);
  void setKernel(Operation *op, StringRef kernel, NamedAttrList attrs = {});
  LogicalResult placeBuffers();

  Builder builder() { return Builder(func.getContext()); }

  func::FuncOp func;
  const GPUModel &gpu;
  SmallVector<OpPlan> plans;
  DenseMap<Operation *, size_t> planOf;
  /// The op whose kernel computes an op's result (itself unless fused).
  DenseMap<Operation *, Operation *> headOf;
  DenseMap<Operation *, int64_t> indexOf;
  DenseMap<Value, Layout> layouts;

  /// A region of device memory, shared by a value and its views.
  struct Buffer {
    int64_t bytes = 0;
    int64_t first = 0, last = 0;
    int64_t offset = -1;
  };
  SmallVector<Buffer> buffers;
  DenseMap<Value, size_t> bufferOf;
  /// A product's scratch buffer (channels padded), alive while it runs.
  DenseMap<Operation *, size_t> scratchOf;
  SmallVector<std::pair<unsigned, size_t>> argumentStaging, resultStaging;
  int64_t arenaBytes = 0;
  double totalMicros = 0;
};

} // namespace

void Planner::setKernel(Operation *op, StringRef kernel, NamedAttrList attrs) {
  attrs.set(kKernelAttr, builder().getStringAttr(kernel));
  planOf[op] = plans.size();
  plans.push_back({op, std::move(attrs)});
}

void Planner::define(Value value, Layout layout, int64_t index) {
  layouts[value] = layout;
  Buffer buffer;
  buffer.bytes = getBytes(value);
  buffer.first = buffer.last = index;
  bufferOf[value] = buffers.size();
  buffers.push_back(buffer);
}

LogicalResult Planner::requireChannelsLast(Operation *op, Value input) {
  auto it = layouts.find(input);
  if (it != layouts.end() && it->second == Layout::nhwc)
    return success();
  return op->emitOpError()
         << "reads a constant, which the CUDA back end holds row-major, but "
            "its kernel reads channels innermost; compute the input in the "
            "model instead";
}

Operation *Planner::fuseEpilogue(Operation *product, int channelAxis,
                                 NamedAttrList &attrs) {
  Value result = product->getResult(0);
  auto requantize = result.hasOneUse()
                        ? dyn_cast<qnn::RequantizeOp>(*result.user_begin())
                        : nullptr;
  bool perTensor = requantize && requantize.getMultiplier().size() == 1;
  if (!requantize || (!perTensor && requantize.getAxis() != channelAxis)) {
    attrs.set(kEpilogueAttr, builder().getStringAttr("accumulator"));
    return product;
  }
  headOf[requantize] = product;
  setKernel(requantize, "fused");
  Value y = requantize.getY();
  auto add = y.hasOneUse() ? dyn_cast<qnn::AddOp>(*y.user_begin()) : nullptr;
  Value residual;
  if (add)
    residual = add.getA() == y ? add.getB() : add.getA();
  // The residual must be complete before the product's kernel runs, of the
  // same shape (the epilogue reads it at the output's index) and layout.
  bool fusable = add && add.getA() != add.getB() &&
                 residual.getType() == y.getType() &&
                 add.getType() == y.getType() && layouts.count(residual) &&
                 layouts[residual] ==
                     (getRank(y) >= 3 ? Layout::nhwc : Layout::rowMajor) &&
                 (isa<BlockArgument>(residual) ||
                  residual.getDefiningOp()->isBeforeInBlock(product));
  if (!fusable) {
    attrs.set(kEpilogueAttr, builder().getStringAttr("requantize"));
    return requantize;
  }
  headOf[add] = product;
  setKernel(add, "fused");
  attrs.set(kEpilogueAttr, builder().getStringAttr("requantize_add"));
  return add;
}

std::string Planner::chooseProduct(Operation *product, StringRef prefix,
                                   int64_t m, int64_t n, int64_t k,
                                   int64_t inputBytes, bool wgmma,
                                   ArrayRef<int32_t> weightZeroPoints,
                                   NamedAttrList &attrs, double &micros) {
  std::optional<SparsityPattern> pattern = getSparsityPattern(product);
  // Compression keeps the stored bytes' zeros: a weight zero point makes
  // them non-zero.
  bool sparse =
      pattern && pattern->granularity == SparsityGranularity::NM &&
      pattern->m == 4 && pattern->n <= 2 &&
      llvm::all_of(weightZeroPoints, [](int32_t zp) { return zp == 0; });
  SmallVector<ProductKernel> kernels{ProductKernel::mma};
  if (wgmma && gpu.wgmmaOps > 0)
    kernels.push_back(ProductKernel::wgmma);
  if (sparse)
    kernels.push_back(ProductKernel::sparse);
  // In a near tie (within 5%, inside the model's error) the kernel listed
  // first wins: mma.sync is the most general and the most exercised.
  const TileShape *best = nullptr;
  for (ProductKernel kernel : kernels)
    for (const TileShape &tile : getTileCandidates(kernel)) {
      double t = predictProductMicros(gpu, tile, m, n, k, inputBytes);
      bool sameKernel = best && best->kernel == kernel;
      if (!best || t < (sameKernel ? micros : 0.95 * micros)) {
        best = &tile;
        micros = t;
      }
    }
  attrs.set(kTileAttr, builder().getDenseI64ArrayAttr(best->arguments));
  StringRef suffix = best->kernel == ProductKernel::wgmma ? "wgmma"
                     : best->kernel == ProductKernel::sparse
                         ? "sparse_tensor_core"
                         : "tensor_core";
  return (prefix + "." + suffix).str();
}

LogicalResult Planner::planConv(qnn::ConvOp conv, int64_t index) {
  int64_t rank = getRank(conv.getX());
  if (rank != 3 && rank != 4)
    return conv.emitOpError()
           << "is a " << rank - 2
           << "-D convolution; the CUDA back end has 1-D and 2-D ones";
  if (!nn::getConstantElements(conv.getW()))
    return conv.emitOpError() << "has weights computed at run time; the CUDA "
                                 "back end takes constant weights";
  if (conv.getBias() && !nn::getConstantElements(conv.getBias()))
    return conv.emitOpError() << "has a bias computed at run time; the CUDA "
                                 "back end takes a constant bias";
  if (failed(requireChannelsLast(conv, conv.getX())))
    return failure();
  auto xType = cast<RankedTensorType>(conv.getX().getType());
  auto yType = cast<RankedTensorType>(conv.getY().getType());
  int64_t channels = xType.getDimSize(1), outChannels = yType.getDimSize(1);
  int64_t group = conv.getGroup();
  int64_t pixels = yType.getNumElements() / outChannels;
  int64_t windowSize = 1;
  for (int64_t d : conv.getWindowShape())
    windowSize *= d;
  int64_t k = windowSize * (channels / group);

  NamedAttrList attrs;
  double micros = 0;
  std::string kernel;
  if (group == 1 && channels % 16 == 0) {
    // A 1x1 convolution of stride 1 without padding reads its input as the
    // GEMM's A matrix, which the wgmma kernel takes.
    bool pointwise =
        windowSize == 1 &&
        llvm::all_of(conv.getStrides(), [](int64_t v) { return v == 1; }) &&
        llvm::all_of(conv.getPads(), [](int64_t v) { return v == 0; });
    kernel = chooseProduct(conv, "conv", pixels, outChannels, k,
                           getBytes(conv.getX()), pointwise,
                           conv.getWeightZeroPoint(), attrs, micros);
  } else if (group == channels && group == outChannels && channels % 4 == 0) {
    kernel = "conv.depthwise";
    // dp4a: four MACs per lane and instruction, plus the byte transposes.
    double macs = double(pixels) * outChannels * windowSize;
    micros = std::max(macs / (gpu.coreOps * 2),
                      double(getBytes(conv.getX()) + pixels * outChannels) /
                          gpu.bandwidth) *
                 1e6 +
             gpu.launchMicros;
  } else {
    kernel = "conv.direct";
    double macs = double(pixels) * outChannels * k;
    micros = std::max(macs * 2 / gpu.coreOps,
                      double(getBytes(conv.getX()) + pixels * outChannels) /
                          gpu.bandwidth) *
                 1e6 +
             gpu.launchMicros;
    // A stem convolution (3 channels, 7x7) is most of a network's CUDA-core
    // time: its input copied into a scratch buffer with the channels padded
    // to a multiple of 16 with the input zero point (the real value 0, so
    // zero-padded weights add nothing) takes the tensor cores instead.
    if (group == 1) {
      int64_t padded = (channels + 15) / 16 * 16;
      int64_t scratchBytes = getBytes(conv.getX()) / channels * padded;
      double copy =
          (getBytes(conv.getX()) + scratchBytes) / gpu.bandwidth * 1e6 +
          2 * gpu.launchMicros;
      NamedAttrList paddedAttrs;
      double paddedMicros = 0;
      std::string paddedKernel =
          chooseProduct(conv, "conv", pixels, outChannels, windowSize * padded,
                        scratchBytes, /*wgmma=*/false,
                        conv.getWeightZeroPoint(), paddedAttrs, paddedMicros);
      if (paddedMicros + copy < 0.95 * micros) {
        kernel = paddedKernel;
        micros = paddedMicros + copy;
        attrs = paddedAttrs;
        attrs.set(kPaddedChannelsAttr, builder().getI64IntegerAttr(padded));
        Buffer scratch;
        scratch.bytes = scratchBytes;
        scratch.first = scratch.last = index;
        scratchOf[conv] = buffers.size();
        buffers.push_back(scratch);
      }
    }
  }
  attrs.set(kTimeAttr, builder().getF64FloatAttr(micros));
  totalMicros += micros;
  Operation *last = fuseEpilogue(conv, /*channelAxis=*/1, attrs);
  setKernel(conv, kernel, attrs);
  define(last->getResult(0), Layout::nhwc, index);
  return success();
}

LogicalResult Planner::planMatMul(qnn::MatMulOp matmul, int64_t index) {
  auto bType = cast<RankedTensorType>(matmul.getB().getType());
  if (bType.getRank() != 2 || !nn::getConstantElements(matmul.getB()))
    return matmul.emitOpError()
           << "multiplies by a computed or batched right operand; the CUDA "
              "back end takes a constant K x N matrix";
  if (matmul.getBias() && !nn::getConstantElements(matmul.getBias()))
    return matmul.emitOpError() << "has a bias computed at run time; the CUDA "
                                   "back end takes a constant bias";
  if (layouts.lookup(matmul.getA()) != Layout::rowMajor)
    return matmul.emitOpError()
           << "reads a channels-last tensor of rank " << getRank(matmul.getA())
           << "; the CUDA back end multiplies row-major matrices (flatten "
              "the input first)";
  int64_t k = bType.getDimSize(0), n = bType.getDimSize(1);
  int64_t m = getElements(matmul.getA()) / std::max<int64_t>(k, 1);
  NamedAttrList attrs;
  double micros = 0;
  std::string kernel;
  if (k % 16 == 0) {
    kernel = chooseProduct(matmul, "matmul", m, n, k, m * k, /*wgmma=*/true,
                           matmul.getBZeroPoint(), attrs, micros);
  } else {
    kernel = "matmul.direct";
    micros = std::max(2.0 * m * n * k / gpu.coreOps,
                      double(m * k + n * k + m * n) / gpu.bandwidth) *
                 1e6 +
             gpu.launchMicros;
  }
  attrs.set(kTimeAttr, builder().getF64FloatAttr(micros));
  totalMicros += micros;
  Operation *last = fuseEpilogue(matmul, getRank(matmul.getY()) - 1, attrs);
  setKernel(matmul, kernel, attrs);
  define(last->getResult(0), Layout::rowMajor, index);
  return success();
}

LogicalResult Planner::planRelabel(Operation *op, int64_t index) {
  Value input = op->getOperand(0), result = op->getResult(0);
  auto inType = cast<RankedTensorType>(input.getType());
  auto outType = cast<RankedTensorType>(result.getType());
  Layout inLayout = layouts.lookup(input);
  Layout outLayout = outType.getRank() >= 3 ? Layout::nhwc : Layout::rowMajor;
  bool inRowMajor =
      inLayout == Layout::rowMajor || channelsLastIsRowMajor(inType.getShape());
  bool outRowMajor = outLayout == Layout::rowMajor ||
                     channelsLastIsRowMajor(outType.getShape());
  bool sameShapeSameLayout =
      inType.getShape() == outType.getShape() && inLayout == outLayout;
  // An argument or a constant has no buffer of the arena to share.
  bool inArena = bufferOf.count(input);
  if (inArena && ((inRowMajor && outRowMajor) || sameShapeSameLayout)) {
    // The element order is the same: read the operand's buffer.
    if (inRowMajor && outRowMajor &&
        !channelsLastIsRowMajor(outType.getShape()))
      outLayout = Layout::rowMajor;
    else if (sameShapeSameLayout)
      outLayout = inLayout;
    setKernel(op, "view");
    layouts[result] = outLayout;
    bufferOf[result] = bufferOf.lookup(input);
    return success();
  }
  double micros =
      2.0 * getBytes(input) / gpu.bandwidth * 1e6 + gpu.launchMicros;
  totalMicros += micros;
  setKernel(
      op, "relayout",
      {builder().getNamedAttr(kTimeAttr, builder().getF64FloatAttr(micros))});
  define(result, outLayout, index);
  return success();
}

LogicalResult Planner::planOp(Operation *op, int64_t index) {
  auto elementwise = [&](StringRef kernel, Value shaped) {
    Layout layout = getRank(shaped) >= 3 ? Layout::nhwc : Layout::rowMajor;
    int64_t bytes = getBytes(op->getResult(0));
    for (Value operand : op->getOperands())
      if (isa<RankedTensorType>(operand.getType()))
        bytes += getBytes(operand);
    double micros = double(bytes) / gpu.bandwidth * 1e6 + gpu.launchMicros;
    totalMicros += micros;
    setKernel(
        op, kernel,
        {builder().getNamedAttr(kTimeAttr, builder().getF64FloatAttr(micros))});
    define(op->getResult(0), layout, index);
    return success();
  };
  auto window = [&](StringRef kernel, Value input) -> LogicalResult {
    if (getRank(input) != 3 && getRank(input) != 4)
      return op->emitOpError() << "pools a " << getRank(input) - 2
                               << "-D tensor; the CUDA back end pools 1-D "
                                  "and 2-D ones";
    if (failed(requireChannelsLast(op, input)))
      return failure();
    return elementwise(kernel, input);
  };
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](nn::ConstantOp constant) {
        // Weights are read from the weights file; a constant that an op
        // reads as an activation lives there too, row-major.
        layouts[constant.getResult()] = Layout::rowMajor;
        return success();
      })
      .Case([&](nn::NoneOp none) {
        // An absent optional operand (a pad's value, a slice's steps).
        layouts[none.getResult()] = Layout::rowMajor;
        return success();
      })
      .Case([&](func::ReturnOp) { return success(); })
      .Case([&](qnn::QuantizeOp quantize) {
        return elementwise("quantize", quantize.getY());
      })
      .Case([&](qnn::DequantizeOp dequantize) {
        // The model's float output, row-major as the caller reads it.
        int64_t bytes =
            getBytes(dequantize.getX()) + getBytes(dequantize.getY());
        double micros = double(bytes) / gpu.bandwidth * 1e6 + gpu.launchMicros;
        totalMicros += micros;
        setKernel(op, "dequantize",
                  {builder().getNamedAttr(kTimeAttr,
                                          builder().getF64FloatAttr(micros))});
        define(dequantize.getY(), Layout::rowMajor, index);
        return success();
      })
      .Case([&](qnn::ConvOp conv) { return planConv(conv, index); })
      .Case([&](qnn::MatMulOp matmul) { return planMatMul(matmul, index); })
      .Case([&](qnn::RequantizeOp requantize) -> LogicalResult {
        if (planOf.count(op))
          return success();
        return elementwise("requantize", requantize.getX());
      })
      .Case([&](qnn::AddOp add) -> LogicalResult {
        if (planOf.count(op))
          return success();
        return elementwise("add", add.getY());
      })
      .Case([&](qnn::MulOp mul) { return elementwise("mul", mul.getY()); })
      .Case([&](qnn::LookupTableOp lut) {
        return elementwise("lut", lut.getY());
      })
      .Case([&](qnn::ConcatOp concat) {
        return elementwise("concat", concat.getY());
      })
      .Case([&](qnn::SoftmaxOp softmax) {
        return elementwise("softmax", softmax.getY());
      })
      .Case(
          [&](qnn::ResizeOp resize) { return window("resize", resize.getX()); })
      // ONNX Resize on int8 (a quantized model's upsampling): nearest
      // sampling moves bytes, as qnn.resize with one tap.
      .Case([&](nn::ResizeOp resize) -> LogicalResult {
        if (!getElementTypeOrSelf(resize.getX()).isInteger(8) ||
            resize.getMode() != "nearest")
          return resize.emitOpError()
                 << "is a '" << resize.getMode() << "' resize of "
                 << getElementTypeOrSelf(resize.getX())
                 << "; the CUDA back end resizes i8 tensors by nearest "
                    "sampling (qnn.resize interpolates)";
        return window("resize", resize.getX());
      })
      .Case(
          [&](qnn::MaxPoolOp pool) { return window("max_pool", pool.getX()); })
      .Case(
          [&](qnn::AvgPoolOp pool) { return window("avg_pool", pool.getX()); })
      .Case([&](qnn::GlobalAvgPoolOp pool) {
        return window("global_avg_pool", pool.getX());
      })
      .Case([&](nn::TransposeOp transpose) {
        return elementwise("transpose", transpose.getResult());
      })
      // Data movement: copies between views (and a fill for a pad).
      .Case([&](nn::SliceOp slice) {
        return elementwise("slice", slice.getResult());
      })
      .Case([&](nn::PadOp pad) { return elementwise("pad", pad.getResult()); })
      .Case([&](nn::ConcatOp concat) {
        return elementwise("concat", concat.getResult());
      })
      .Case<nn::DepthToSpaceOp, nn::SpaceToDepthOp>([&](Operation *rearrange) {
        return elementwise("rearrange", rearrange->getResult(0));
      })
      .Case([&](nn::SplitOp split) {
        double micros = 2.0 * getBytes(split.getInput()) / gpu.bandwidth * 1e6 +
                        gpu.launchMicros * split.getNumResults();
        totalMicros += micros;
        setKernel(op, "split",
                  {builder().getNamedAttr(kTimeAttr,
                                          builder().getF64FloatAttr(micros))});
        for (Value result : split.getOutputs())
          define(result, getRank(result) >= 3 ? Layout::nhwc : Layout::rowMajor,
                 index);
        return success();
      })
      // Float arithmetic before the first quantize (input normalisation).
      .Case<nn::AddOp, nn::SubOp, nn::MulOp, nn::DivOp>([&](Operation *binary)
                                                            -> LogicalResult {
        if (!getElementTypeOrSelf(binary->getResult(0)).isF32())
          return binary->emitOpError()
                 << "computes on " << getElementTypeOrSelf(binary->getResult(0))
                 << "; the CUDA back end runs nn arithmetic on f32 "
                    "only (an integer model's layers are qnn ops)";
        return elementwise(("float." + binary->getName().stripDialect()).str(),
                           binary->getResult(0));
      })
      .Case<nn::FlattenOp, nn::ReshapeOp, nn::SqueezeOp, nn::UnsqueezeOp,
            nn::IdentityOp>(
          [&](Operation *relabel) { return planRelabel(relabel, index); })
      .Case([&](nn::DropoutOp dropout) -> LogicalResult {
        if (!dropout.getMask().use_empty())
          return dropout.emitOpError()
                 << "has a mask that is read; the CUDA back end passes only "
                    "the data through";
        return planRelabel(dropout, index);
      })
      .Default([&](Operation *other) {
        return other->emitOpError()
               << "has no CUDA kernel; the CUDA back end cannot emit it";
      });
}

LogicalResult Planner::placeBuffers() {
  // A value's buffer lives from the kernel that writes it to the last
  // kernel that reads it (a fused op reads when its chain's head runs).
  int64_t end = static_cast<int64_t>(indexOf.size()) + 1;
  for (auto &[value, id] : bufferOf) {
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      Operation *head = headOf.lookup(user);
      int64_t at =
          isa<func::ReturnOp>(user) ? end : indexOf.lookup(head ? head : user);
      buffers[id].last = std::max(buffers[id].last, at);
    }
  }
  // The caller's data: every argument and result has a row-major region
  // that lives through the whole run (the run copies into and out of it).
  for (BlockArgument argument : func.getArguments()) {
    Buffer staging;
    staging.bytes = getBytes(argument);
    staging.first = -1;
    staging.last = end;
    argumentStaging.push_back({argument.getArgNumber(), buffers.size()});
    buffers.push_back(staging);
  }
  Operation *terminator = func.getBody().front().getTerminator();
  for (OpOperand &operand : terminator->getOpOperands()) {
    Value value = operand.get();
    // An integer run (--integer-io) returns the dequantize's operand, read
    // after the last layer.
    if (auto dequantize = value.getDefiningOp<qnn::DequantizeOp>()) {
      auto input = bufferOf.find(dequantize.getX());
      if (input != bufferOf.end())
        buffers[input->second].last = end;
    }
    auto it = bufferOf.find(value);
    if (it == bufferOf.end())
      return terminator->emitOpError()
             << "returns operand " << operand.getOperandNumber()
             << " straight from an argument or a constant; the CUDA back end "
                "returns values that a kernel computes";
    Layout layout = layouts.lookup(value);
    auto type = cast<RankedTensorType>(value.getType());
    if (layout == Layout::rowMajor || channelsLastIsRowMajor(type.getShape())) {
      resultStaging.push_back({operand.getOperandNumber(), it->second});
      continue;
    }
    Buffer staging;
    staging.bytes = getBytes(value);
    staging.first = -1;
    staging.last = end;
    resultStaging.push_back({operand.getOperandNumber(), buffers.size()});
    buffers.push_back(staging);
  }

  // Greedy by size: each buffer, largest first, at the lowest 256-byte
  // aligned offset that no placed buffer alive at the same time covers.
  constexpr int64_t kAlign = 256;
  SmallVector<size_t> order(buffers.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  llvm::stable_sort(order, [&](size_t a, size_t b) {
    return buffers[a].bytes > buffers[b].bytes;
  });
  SmallVector<size_t> placed;
  for (size_t id : order) {
    Buffer &buffer = buffers[id];
    SmallVector<std::pair<int64_t, int64_t>> taken;
    for (size_t other : placed) {
      const Buffer &o = buffers[other];
      if (o.first <= buffer.last && buffer.first <= o.last)
        taken.push_back({o.offset, o.offset + o.bytes});
    }
    llvm::sort(taken);
    int64_t offset = 0;
    for (auto [begin, finish] : taken) {
      if (offset + buffer.bytes <= begin)
        break;
      offset = std::max(offset, (finish + kAlign - 1) / kAlign * kAlign);
    }
    buffer.offset = offset;
    arenaBytes = std::max(arenaBytes, offset + buffer.bytes);
    placed.push_back(id);
  }
  arenaBytes = (arenaBytes + kAlign - 1) / kAlign * kAlign;
  return success();
}

LogicalResult Planner::plan() {
  Block &body = func.getBody().front();
  int64_t index = 0;
  for (Operation &op : body)
    indexOf[&op] = index++;
  for (BlockArgument argument : func.getArguments()) {
    layouts[argument] = Layout::rowMajor;
    // An integer input that window ops may read: copied from its staging
    // region into channels-last order before the first layer.
    auto type = dyn_cast<RankedTensorType>(argument.getType());
    if (type && type.getRank() >= 3 &&
        isa<IntegerType>(type.getElementType()) && !argument.use_empty())
      define(argument, Layout::nhwc, -1);
  }
  for (Operation &op : body)
    if (failed(planOp(&op, indexOf[&op])))
      return failure();
  for (Operation &op : body) {
    if (op.getNumRegions())
      return op.emitOpError() << "has regions; the CUDA back end plans flat "
                                 "qnn functions";
    // A result inside a fused chain lives in the kernel's registers.
    for (Value result : op.getResults())
      if (!result.use_empty() && !layouts.count(result) &&
          !llvm::all_of(result.getUsers(),
                        [&](Operation *user) { return headOf.count(user); }))
        return op.emitOpError() << "has a result the CUDA back end did not "
                                   "place";
  }
  return placeBuffers();
}

void Planner::write(ModuleOp module) {
  Builder b = builder();
  for (OpPlan &plan : plans) {
    for (NamedAttribute attr : plan.attrs)
      plan.op->setAttr(attr.getName(), attr.getValue());
  }
  for (Operation &op : func.getBody().front()) {
    // One offset and layout per result (nn.split has several; -1 for a
    // result that is not held, as nn.dropout's unread mask).
    SmallVector<int64_t> offsets;
    SmallVector<Attribute> layoutNames;
    int64_t held = 0;
    for (Value result : op.getResults()) {
      auto it = bufferOf.find(result);
      bool used = it != bufferOf.end() && !result.use_empty();
      held += used;
      offsets.push_back(used ? buffers[it->second].offset : -1);
      layoutNames.push_back(b.getStringAttr(
          used ? stringifyLayout(layouts[result]) : StringRef("none")));
    }
    if (!held)
      continue;
    if (held == 1 && offsets.front() >= 0) {
      op.setAttr(kOffsetAttr, b.getI64IntegerAttr(offsets.front()));
      op.setAttr(kLayoutAttr, layoutNames.front());
    } else {
      op.setAttr(kOffsetAttr, b.getDenseI64ArrayAttr(offsets));
      op.setAttr(kLayoutAttr, b.getArrayAttr(layoutNames));
    }
  }
  for (auto [op, id] : scratchOf)
    op->setAttr(kScratchAttr, b.getI64IntegerAttr(buffers[id].offset));
  for (BlockArgument argument : func.getArguments())
    if (auto it = bufferOf.find(argument); it != bufferOf.end())
      func.setArgAttr(argument.getArgNumber(), kOffsetAttr,
                      b.getI64IntegerAttr(buffers[it->second].offset));
  for (auto [argument, id] : argumentStaging)
    func.setArgAttr(argument, kStagingAttr,
                    b.getI64IntegerAttr(buffers[id].offset));
  for (auto [result, id] : resultStaging)
    func.setResultAttr(result, kStagingAttr,
                       b.getI64IntegerAttr(buffers[id].offset));
  module->setAttr(kGPUAttr, b.getStringAttr(gpu.arch));
  module->setAttr(kArenaBytesAttr, b.getI64IntegerAttr(arenaBytes));
  module->setAttr(kTimeAttr, b.getF64FloatAttr(totalMicros));
}

namespace {
struct CUDAPlanKernelsPass
    : whittle::cuda::impl::CUDAPlanKernelsBase<CUDAPlanKernelsPass> {
  using CUDAPlanKernelsBase::CUDAPlanKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    const GPUModel *model = getGPUModel(gpu);
    if (!model) {
      module.emitError() << "unknown GPU '" << gpu
                         << "'; give gpu=sm_80 (A100) or gpu=sm_90a (H100, "
                            "H200)";
      return signalPassFailure();
    }
    func::FuncOp func = getEntryFunction(module, "whittle-cuda-plan");
    if (!func)
      return signalPassFailure();
    if (!llvm::hasSingleElement(func.getBody())) {
      func.emitOpError() << "has several blocks; the CUDA back end plans "
                            "straight-line functions";
      return signalPassFailure();
    }
    Planner planner(func, *model);
    if (failed(planner.plan()))
      return signalPassFailure();
    planner.write(module);
  }
};
} // namespace
