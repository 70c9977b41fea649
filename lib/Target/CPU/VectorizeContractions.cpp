//===- VectorizeContractions.cpp - register-blocked matrix products -------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/TargetParser/Host.h"

#include <cstdlib>

namespace whittle {
#define GEN_PASS_DEF_VECTORIZECONTRACTIONS
#define GEN_PASS_DEF_VECTORIZETRANSPOSES
#define GEN_PASS_DEF_X86DOTPRODUCTS
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// Marks the tiles of a contraction with their vector shape until they are
/// vectorized (tiling clones the op with its attributes).
constexpr StringLiteral kVectorShapeAttr = "whittle.vector_shape";

//===----------------------------------------------------------------------===//
// Integer dot-product kernels (x86 vpdpbusd and vpmaddwd)
//===----------------------------------------------------------------------===//

/// The instruction an i8 x i8 -> i32 product is built on.
enum class Int8Kernel {
  /// The i32 outer-product kernel of the float path.
  None,
  /// AVX-512 VNNI `vpdpbusd`: 16 lanes of 4 u8 x s8 products.
  VNNI,
  /// AVX2 `vpmaddwd`: 8 lanes of 2 i16 x i16 products.
  MaddWd,
};

/// `option` ("auto", "vnni", "vpmaddwd", "none") resolved against the host
/// CPU's features for "auto" (the JIT compiles for the host).
/// `WHITTLE_INT8_KERNEL` in the environment overrides "auto" (the tests run
/// every kernel the host can run through the whole pipeline).
Int8Kernel resolveInt8Kernel(StringRef option) {
  if (option == "auto")
    if (const char *forced = std::getenv("WHITTLE_INT8_KERNEL"))
      option = forced;
  if (option == "vnni")
    return Int8Kernel::VNNI;
  if (option == "vpmaddwd")
    return Int8Kernel::MaddWd;
  if (option != "auto")
    return Int8Kernel::None;
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512vnni") && features.lookup("avx512bw") &&
      features.lookup("avx512f"))
    return Int8Kernel::VNNI;
  if (features.lookup("avx2"))
    return Int8Kernel::MaddWd;
  return Int8Kernel::None;
}

/// The shape of a dot-product kernel: `lanes` i32 lanes per vector, each
/// the sum of `group` products of `element`s; tiles of `rows` filters by
/// `vectors` vectors of output pixels.
struct DotKernelShape {
  Int8Kernel kind;
  int64_t lanes, group;
  Type element;
  int64_t rows, vectors;

  static DotKernelShape get(Int8Kernel kind, MLIRContext *context) {
    if (kind == Int8Kernel::VNNI)
      // 12 zmm accumulators, 2 panel vectors and a broadcast weight.
      return {kind, 16, 4, IntegerType::get(context, 8), 6, 2};
    // 16 ymm registers: 12 accumulators, 2 panel vectors, one weight and
    // one product.
    return {kind, 8, 2, IntegerType::get(context, 16), 6, 2};
  }
  /// Output pixels per panel (and per tile).
  int64_t panelWidth() const { return lanes * vectors; }
  /// Elements of one packed vector.
  int64_t packedElements() const { return lanes * group; }
};

/// The values of the i8 constant `value`, row-major, or nothing when it is
/// not a constant.
std::optional<SmallVector<int8_t>> getConstantI8(Value value) {
  ElementsAttr attr = whittle::getReshapedConstant(value);
  if (!attr || !attr.getElementType().isInteger(8))
    return std::nullopt;
  std::optional<SmallVector<int64_t>> ints = whittle::nn::readAsInts(attr);
  if (!ints)
    return std::nullopt;
  return SmallVector<int8_t>(ints->begin(), ints->end());
}

/// The i8 tensor whose elementwise sign extension `value` is (as the qnn
/// lowering widens a convolution's weights), `value` itself when it is i8,
/// or null.
Value getI8Source(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType().isInteger(8))
    return value;
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || generic.getNumReductionLoops() != 0 ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return {};
  Value input = generic.getDpsInputs()[0];
  auto inputType = dyn_cast<RankedTensorType>(input.getType());
  if (!inputType || !inputType.getElementType().isInteger(8))
    return {};
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2)
    return {};
  auto ext = dyn_cast<arith::ExtSIOp>(&body.front());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (!ext || ext.getIn() != body.getArgument(0) ||
      yield.getValues().front() != ext.getResult())
    return {};
  return input;
}

Value constantIndex(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// A value built by `body` over the `total / size` whole chunks of `size`
/// (in an scf.for) and then over the partial chunk, if there is one:
/// `body(b, value, start, extent)` where `start` is the chunk's number
/// times `stride` and `extent` the elements it covers.
using ChunkBody = llvm::function_ref<Value(OpBuilder &, Value, Value, int64_t)>;
Value buildChunks(OpBuilder &b, Location loc, int64_t total, int64_t size,
                  int64_t stride, Value value, ChunkBody body) {
  int64_t whole = total / size;
  if (whole > 0)
    value = scf::ForOp::create(
                b, loc, constantIndex(b, loc, 0),
                constantIndex(b, loc, whole * stride),
                constantIndex(b, loc, stride), value,
                [&](OpBuilder &b, Location loc, Value start, ValueRange args) {
                  scf::YieldOp::create(b, loc, body(b, args[0], start, size));
                })
                .getResult(0);
  if (total % size != 0)
    value = body(b, value, constantIndex(b, loc, whole * stride), total % size);
  return value;
}

/// `a * scale + offset` on indices.
Value affineIndex(OpBuilder &b, Location loc, Value a, int64_t scale,
                  int64_t offset) {
  Value result = a;
  if (scale != 1)
    result =
        arith::MulIOp::create(b, loc, result, constantIndex(b, loc, scale));
  if (offset != 0)
    result =
        arith::AddIOp::create(b, loc, result, constantIndex(b, loc, offset));
  return result;
}

/// The lanes of `a` and `b` (1-D, same type) interleaved: a0 b0 a1 b1 ...
Value interleave(OpBuilder &builder, Location loc, Value a, Value b) {
  int64_t n = cast<VectorType>(a.getType()).getNumElements();
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < n; ++i) {
    mask.push_back(i);
    mask.push_back(n + i);
  }
  return vector::ShuffleOp::create(builder, loc, a, b, mask);
}

Value bitcastTo(OpBuilder &b, Location loc, Value value, Type element) {
  auto type = cast<VectorType>(value.getType());
  int64_t bits =
      type.getNumElements() * type.getElementType().getIntOrFloatBitWidth();
  return vector::BitCastOp::create(
      b, loc,
      VectorType::get({bits / element.getIntOrFloatBitWidth()}, element),
      value);
}

/// Packs the i8 matrix `x` [N, K, P] into panels [N, ceil(P / W), ceil(K /
/// G), W * G] (W = the panel width, G = the group): lane p of panel row
/// kg holds x[kg * G .. kg * G + G - 1, p], as u8 `x + 128` for vnni and
/// as i16 for vpmaddwd. Reduction rows past K are 0; pixels past P are
/// not written (their lanes' results are never stored).
Value buildPackedPanels(OpBuilder &b, Location loc, Value x,
                        const DotKernelShape &kernel) {
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t batch = xType.getDimSize(0), depth = xType.getDimSize(1),
          pixels = xType.getDimSize(2);
  int64_t width = kernel.panelWidth(), group = kernel.group,
          lanes = kernel.lanes;
  int64_t panels = llvm::divideCeil(pixels, width);
  int64_t groups = llvm::divideCeil(depth, group);
  Type i8 = b.getI8Type();
  auto packedType = RankedTensorType::get(
      {batch, panels, groups, kernel.packedElements() * kernel.vectors},
      kernel.element);
  Value packed =
      tensor::EmptyOp::create(b, loc, packedType.getShape(), kernel.element);
  Value padding = arith::ConstantIntOp::create(b, loc, i8, 0);
  auto rowType = VectorType::get({lanes}, i8);

  // One group of reduction rows of one panel: `rows` rows are inside K,
  // `valid` pixels inside P.
  auto packGroup = [&](OpBuilder &b, Value packed, Value n, Value panel,
                       Value kg, int64_t rows, int64_t valid) -> Value {
    for (int64_t v = 0; v < kernel.vectors; ++v) {
      int64_t validHere = std::clamp<int64_t>(valid - v * lanes, 0, lanes);
      if (validHere == 0)
        continue;
      Value pixel = affineIndex(b, loc, panel, width, v * lanes);
      SmallVector<Value> lanesOfRows;
      for (int64_t r = 0; r < group; ++r) {
        Value row;
        if (r < rows) {
          Value k = affineIndex(b, loc, kg, group, r);
          row = vector::TransferReadOp::create(
              b, loc, rowType, x, ValueRange{n, k, pixel}, padding,
              ArrayRef<bool>{validHere == lanes});
        } else {
          row = arith::ConstantOp::create(
              b, loc, DenseElementsAttr::get(rowType, b.getI8IntegerAttr(0)));
        }
        if (kernel.kind == Int8Kernel::VNNI)
          row = arith::XOrIOp::create(
              b, loc, row,
              arith::ConstantOp::create(
                  b, loc,
                  DenseElementsAttr::get(rowType, b.getI8IntegerAttr(-128))));
        else
          row = arith::ExtSIOp::create(
              b, loc, VectorType::get({lanes}, kernel.element), row);
        lanesOfRows.push_back(row);
      }
      Value vec;
      if (group == 2) {
        vec = interleave(b, loc, lanesOfRows[0], lanesOfRows[1]);
      } else {
        Value low = interleave(b, loc, lanesOfRows[0], lanesOfRows[1]);
        Value high = interleave(b, loc, lanesOfRows[2], lanesOfRows[3]);
        vec =
            bitcastTo(b, loc,
                      interleave(b, loc, bitcastTo(b, loc, low, b.getI16Type()),
                                 bitcastTo(b, loc, high, b.getI16Type())),
                      i8);
      }
      packed =
          vector::TransferWriteOp::create(
              b, loc, vec, packed,
              ValueRange{n, panel, kg,
                         constantIndex(b, loc, v * kernel.packedElements())},
              ArrayRef<bool>{true})
              .getResult();
    }
    return packed;
  };

  // One panel: the full groups in a loop, then the partial one.
  auto packPanel = [&](OpBuilder &b, Value packed, Value n, Value panel,
                       int64_t valid) -> Value {
    return buildChunks(b, loc, depth, group, 1, packed,
                       [&](OpBuilder &b, Value packed, Value kg, int64_t rows) {
                         return packGroup(b, packed, n, panel, kg, rows, valid);
                       });
  };

  // Every image, every panel.
  return buildChunks(b, loc, batch, 1, 1, packed,
                     [&](OpBuilder &b, Value packed, Value n, int64_t) {
                       return buildChunks(b, loc, pixels, width, 1, packed,
                                          [&](OpBuilder &b, Value packed,
                                              Value panel, int64_t valid) {
                                            return packPanel(b, packed, n,
                                                             panel, valid);
                                          });
                     });
}

/// `corr[m] = -128 * sum_k w[m, k]` for the i8 weights `w` [M, K]: a
/// constant when `w` is one, else a reduction.
Value buildUnsignedCorrection(OpBuilder &b, Location loc, Value w) {
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t filters = wType.getDimSize(0), depth = wType.getDimSize(1);
  Type i32 = b.getI32Type();
  auto corrType = RankedTensorType::get({filters}, i32);
  if (std::optional<SmallVector<int8_t>> values = getConstantI8(w)) {
    SmallVector<int32_t> corr(filters, 0);
    for (int64_t m = 0; m < filters; ++m) {
      int64_t sum = 0;
      for (int64_t k = 0; k < depth; ++k)
        sum += (*values)[m * depth + k];
      corr[m] = static_cast<int32_t>(-128 * sum);
    }
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(corrType, ArrayRef<int32_t>(corr)));
  }
  MLIRContext *context = b.getContext();
  Value zero = arith::ConstantIntOp::create(b, loc, i32, 0);
  Value init =
      linalg::FillOp::create(
          b, loc, zero,
          tensor::EmptyOp::create(b, loc, corrType.getShape(), i32).getResult())
          .getResult(0);
  AffineExpr m, k;
  bindDims(context, m, k);
  return linalg::GenericOp::create(
             b, loc, corrType, w, init,
             {AffineMap::get(2, 0, {m, k}, context),
              AffineMap::get(2, 0, {m}, context)},
             {utils::IteratorType::parallel, utils::IteratorType::reduction},
             [](OpBuilder &b, Location loc, ValueRange args) {
               Type i32 = b.getI32Type();
               Value wide = arith::ExtSIOp::create(b, loc, i32, args[0]);
               Value scaled = arith::ShLIOp::create(
                   b, loc, wide, arith::ConstantIntOp::create(b, loc, i32, 7));
               linalg::YieldOp::create(
                   b, loc,
                   arith::SubIOp::create(b, loc, args[1], scaled).getResult());
             })
      .getResult(0);
}

/// Marks the grouped dot products that `whittle-x86-dot-products` turns
/// into an intrinsic (named by the attribute's value).
constexpr StringLiteral kX86DotAttr = "whittle.x86_dot";

/// `acc + sum_j a[i*G + j] * b[i*G + j]` per lane i (G = `group`; `a`
/// unsigned for vnni, both signed otherwise), written as plain vector ops
/// (a multiply and a `vector.multi_reduction` marked with `intrinsic`):
/// exact wherever it runs, and free of the unknown memory effects of an
/// intrinsic call, which buffer deallocation rejects. After bufferization,
/// `whittle-x86-dot-products` replaces it with the intrinsic.
Value buildGroupedDot(OpBuilder &b, Location loc, Value acc, Value a, Value w,
                      int64_t group, bool unsignedA, StringAttr intrinsic) {
  auto accType = cast<VectorType>(acc.getType());
  int64_t lanes = accType.getNumElements();
  Type element = cast<VectorType>(a.getType()).getElementType();
  auto groupedType = VectorType::get({lanes, group}, element);
  auto wideType = VectorType::get({lanes, group}, accType.getElementType());
  Value ga = vector::ShapeCastOp::create(b, loc, groupedType, a);
  Value gw = vector::ShapeCastOp::create(b, loc, groupedType, w);
  Value wa = unsignedA
                 ? arith::ExtUIOp::create(b, loc, wideType, ga).getResult()
                 : arith::ExtSIOp::create(b, loc, wideType, ga).getResult();
  Value ww = arith::ExtSIOp::create(b, loc, wideType, gw);
  Value product = arith::MulIOp::create(b, loc, wa, ww);
  auto reduction = vector::MultiDimReductionOp::create(
      b, loc, product, acc, ArrayRef<bool>{false, true},
      vector::CombiningKind::ADD);
  reduction->setAttr(kX86DotAttr, intrinsic);
  return reduction.getResult();
}

/// `init + w x` for the i8 weights `w` [M, K], the i8 matrix `x` [N, K, P]
/// and the i32 `init` [N, M, P], by the dot-product kernel `kernel`.
Value buildDotProduct(OpBuilder &b, Location loc, Value w, Value x, Value init,
                      const DotKernelShape &kernel) {
  auto wType = cast<RankedTensorType>(w.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t filters = wType.getDimSize(0), depth = wType.getDimSize(1);
  int64_t batch = initType.getDimSize(0), pixels = initType.getDimSize(2);
  int64_t group = kernel.group, lanes = kernel.lanes;
  int64_t groups = llvm::divideCeil(depth, group);
  int64_t width = kernel.panelWidth();
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  bool vnni = kernel.kind == Int8Kernel::VNNI;

  // Weights with K padded to whole groups with zeros (whose products
  // vanish whatever the padded input rows hold).
  Value corr = vnni ? buildUnsignedCorrection(b, loc, w) : Value();
  Value weights = w;
  if (groups * group != depth)
    weights = tensor::createPadHighOp(
        RankedTensorType::get({filters, groups * group}, i8), w,
        arith::ConstantIntOp::create(b, loc, i8, 0), /*nofold=*/false, loc, b);
  Value packed = buildPackedPanels(b, loc, x, kernel);

  Value zero = constantIndex(b, loc, 0);
  Value one = constantIndex(b, loc, 1);
  auto accType = VectorType::get({lanes}, i32);
  auto packedVecType =
      VectorType::get({kernel.packedElements()}, kernel.element);
  Value accPadding = arith::ConstantIntOp::create(b, loc, i32, 0);
  Value elementPadding =
      arith::ConstantIntOp::create(b, loc, kernel.element, 0);
  Value zeroAcc = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(accType, b.getI32IntegerAttr(0)));
  StringAttr intrinsic = b.getStringAttr(vnni ? "llvm.x86.avx512.vpdpbusd.512"
                                              : "llvm.x86.avx2.pmadd.wd");

  // One tile: `rows` filters from `m0` by the panel `panel`, of which
  // `valid` pixels are inside P.
  auto emitTile = [&](OpBuilder &b, Value y, Value n, Value m0, int64_t rows,
                      Value panel, int64_t valid) -> Value {
    SmallVector<Value> filterIndex, pixelIndex;
    SmallVector<int64_t> validLanes;
    for (int64_t r = 0; r < rows; ++r)
      filterIndex.push_back(affineIndex(b, loc, m0, 1, r));
    for (int64_t v = 0; v < kernel.vectors; ++v) {
      pixelIndex.push_back(affineIndex(b, loc, panel, width, v * lanes));
      validLanes.push_back(std::clamp<int64_t>(valid - v * lanes, 0, lanes));
    }
    SmallVector<Value> accs;
    for (int64_t r = 0; r < rows; ++r) {
      Value bias;
      if (vnni)
        bias = vector::BroadcastOp::create(
            b, loc, accType,
            tensor::ExtractOp::create(b, loc, corr, filterIndex[r]));
      for (int64_t v = 0; v < kernel.vectors; ++v) {
        if (validLanes[v] == 0) {
          accs.push_back(zeroAcc);
          continue;
        }
        Value acc = vector::TransferReadOp::create(
            b, loc, accType, y, ValueRange{n, filterIndex[r], pixelIndex[v]},
            accPadding, ArrayRef<bool>{validLanes[v] == lanes});
        if (bias)
          acc = arith::AddIOp::create(b, loc, acc, bias);
        accs.push_back(acc);
      }
    }
    auto reduction = scf::ForOp::create(
        b, loc, zero, constantIndex(b, loc, groups), one, accs,
        [&](OpBuilder &b, Location loc, Value kg, ValueRange args) {
          SmallVector<Value> inputs;
          for (int64_t v = 0; v < kernel.vectors; ++v)
            inputs.push_back(
                validLanes[v] == 0
                    ? Value()
                    : vector::TransferReadOp::create(
                          b, loc, packedVecType, packed,
                          ValueRange{n, panel, kg,
                                     constantIndex(
                                         b, loc, v * kernel.packedElements())},
                          elementPadding, ArrayRef<bool>{true})
                          .getResult());
          Value k = affineIndex(b, loc, kg, group, 0);
          SmallVector<Value> results(args.begin(), args.end());
          for (int64_t r = 0; r < rows; ++r) {
            // The row's `group` weight bytes as one 32-bit lane, broadcast.
            Value bytes = vector::TransferReadOp::create(
                b, loc, VectorType::get({group}, i8), weights,
                ValueRange{filterIndex[r], k},
                arith::ConstantIntOp::create(b, loc, i8, 0),
                ArrayRef<bool>{true});
            if (!vnni)
              bytes = arith::ExtSIOp::create(
                  b, loc, VectorType::get({group}, kernel.element), bytes);
            Value lane = vector::ExtractOp::create(
                b, loc, bitcastTo(b, loc, bytes, i32), ArrayRef<int64_t>{0});
            Value weightVec = bitcastTo(
                b, loc, vector::BroadcastOp::create(b, loc, accType, lane),
                kernel.element);
            for (int64_t v = 0; v < kernel.vectors; ++v) {
              if (!inputs[v])
                continue;
              Value &acc = results[r * kernel.vectors + v];
              acc = buildGroupedDot(b, loc, acc, inputs[v], weightVec, group,
                                    vnni, intrinsic);
            }
          }
          scf::YieldOp::create(b, loc, results);
        });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < kernel.vectors; ++v) {
        if (validLanes[v] == 0)
          continue;
        y = vector::TransferWriteOp::create(
                b, loc, reduction.getResult(r * kernel.vectors + v), y,
                ValueRange{n, filterIndex[r], pixelIndex[v]},
                ArrayRef<bool>{validLanes[v] == lanes})
                .getResult();
      }
    return y;
  };

  // All filters of one panel: full row blocks, then the remainder.
  auto emitPanel = [&](OpBuilder &b, Value y, Value n, Value panel,
                       int64_t valid) -> Value {
    return buildChunks(b, loc, filters, kernel.rows, kernel.rows, y,
                       [&](OpBuilder &b, Value y, Value m0, int64_t rows) {
                         return emitTile(b, y, n, m0, rows, panel, valid);
                       });
  };

  // Every image, every panel.
  return buildChunks(
      b, loc, batch, 1, 1, init, [&](OpBuilder &b, Value y, Value n, int64_t) {
        return buildChunks(
            b, loc, pixels, width, 1, y,
            [&](OpBuilder &b, Value y, Value panel, int64_t valid) {
              return emitPanel(b, y, n, panel, valid);
            });
      });
}

/// The largest divisor of `extent` that is at most `limit`.
int64_t getLargestDivisor(int64_t extent, int64_t limit) {
  for (int64_t size = std::min(extent, limit); size > 1; --size)
    if (extent % size == 0)
      return size;
  return 1;
}

/// `value` with its dimensions permuted: result dim i is `value`'s dim
/// permutation[i].
Value buildTranspose(OpBuilder &builder, Location loc, Value value,
                     ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  Value empty = tensor::EmptyOp::create(
      builder, loc, applyPermutation(type.getShape(), permutation),
      type.getElementType());
  // A generic, not linalg.transpose, so that elementwise fusion merges it
  // into its producer or consumer.
  SmallVector<AffineExpr> inputDims(permutation.size());
  for (auto [i, dim] : llvm::enumerate(permutation))
    inputDims[dim] = builder.getAffineDimExpr(i);
  unsigned rank = permutation.size();
  auto transpose = linalg::GenericOp::create(
      builder, loc, empty.getType(), value, empty,
      {AffineMap::get(rank, 0, inputDims, builder.getContext()),
       builder.getMultiDimIdentityMap(rank)},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [](OpBuilder &builder, Location loc, ValueRange args) {
        linalg::YieldOp::create(builder, loc, args[0]);
      });
  return transpose.getResult(0);
}

/// The register tile of the float matrix products.
struct KernelTiles {
  int64_t rows, width, reduction;
};

/// `init + lhs * rhs` in f32 as a generic with `maps` for (lhs, rhs, init)
/// over loops that are all parallel but the last, the reduction.
linalg::GenericOp buildFloatProduct(OpBuilder &builder, Location loc, Value lhs,
                                    Value rhs, Value init,
                                    ArrayRef<AffineMap> maps) {
  SmallVector<utils::IteratorType> iterators(maps.front().getNumDims() - 1,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
      builder, loc, init.getType(), ValueRange{lhs, rhs}, init, maps, iterators,
      [](OpBuilder &builder, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(builder, loc, args[0], args[1]);
        Value sum = arith::AddFOp::create(builder, loc, product, args[2]);
        linalg::YieldOp::create(builder, loc, sum);
      });
}

/// The matrix product Y[b, m, n] += W[m, k] * X[b, k, n] on tensors.
Value buildBatchedMatmul(OpBuilder &builder, Location loc, Value weights,
                         Value input, Value output) {
  MLIRContext *context = builder.getContext();
  AffineExpr b, m, n, k;
  bindDims(context, b, m, n, k);
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {m, k}, context),
                                 AffineMap::get(4, 0, {b, k, n}, context),
                                 AffineMap::get(4, 0, {b, m, n}, context)};
  if (!isa<FloatType>(getElementTypeOrSelf(output.getType()))) {
    // Integer products (i8 or i32 operands, i32 accumulator) are the named
    // op with W broadcast over the batch: its vectorization reads the
    // narrow operands as they are and extends them after the load, where
    // a generic with `arith.extsi` in its body would vectorize as a 3-D
    // broadcast contraction.
    SmallVector<Attribute> mapAttrs;
    for (AffineMap map : maps)
      mapAttrs.push_back(AffineMapAttr::get(map));
    // Upstream's BatchMatmulOp builder takes its optional indexing maps
    // only as a named attribute.
    return linalg::BatchMatmulOp::create(
               builder, loc, output.getType(), ValueRange{weights, input},
               output,
               builder.getNamedAttr("indexing_maps",
                                    builder.getArrayAttr(mapAttrs)))
        .getResult(0);
  }
  // Float products iterate (b, n, m, k): tiling makes the loop over
  // columns of the input matrix the outer one, so that a column strip of
  // the im2col matrix (K x 16 elements) is read from memory once and stays
  // in the caches while every row block of the weights passes over it. With
  // the rows outer, the whole matrix (22 MB in a 3x3 layer of the text
  // detector) was read again for each block of 6 filters.
  SmallVector<AffineMap> columnsFirst = {
      AffineMap::get(4, 0, {n, k}, context),
      AffineMap::get(4, 0, {b, k, m}, context),
      AffineMap::get(4, 0, {b, n, m}, context)};
  return buildFloatProduct(builder, loc, weights, input, output, columnsFirst)
      .getResult(0);
}

/// Marks a matrix product built with its kernel tile sizes already chosen
/// (the channel-strip product, which the generic tile choice would read in
/// the other orientation).
constexpr StringLiteral kKernelTileAttr = "whittle.kernel_tile";

/// The width of the channel strips that a convolution's product Y[b, m, p]
/// += W[m, k] X[b, k, p] runs on, or 0 for vectors of pixels (`weights`
/// has the filters first: the matrix W or the convolution's filter). Strips are
/// for constant weights whose filters fill whole vectors of `width` lanes
/// where the pixels do not: vectors along the pixels would leave a tail at
/// every row (49 pixels at 7x7 are 3 vectors and a remainder as costly as
/// one of them), and each vector of 16 pixels is a strided read of the
/// matrix. A strip is two vectors wide where the filters allow: each
/// broadcast pixel then feeds two multiply-adds (ResNet-50 at batch 1, one
/// thread: 4% faster than strips of one vector; 6 or 8 pixels by two or
/// four vectors within 2% of each other).
int64_t getChannelStripWidth(Value weights, int64_t width, int64_t pixels) {
  auto weightsType = cast<ShapedType>(weights.getType());
  int64_t filters = weightsType.getDimSize(0);
  if (width <= 1 || !weightsType.getElementType().isF32() ||
      filters % width != 0 || (pixels && pixels % width == 0) ||
      !whittle::getReshapedConstant(weights))
    return 0;
  return filters % (2 * width) == 0 ? 2 * width : width;
}

/// The float product Y[b, m, p] += W[m, k] * X[b, k, p] on strips of
/// `width` filters: the weights are repacked at compile time (a transpose
/// of the constant, folded) into panels Wp[m / width, k, width] that the
/// kernel reads contiguously, each row holding `width` filters of one
/// reduction element, multiplied by broadcast input pixels. The loops run
/// strip by strip, so one strip's panel (K x width) stays in the caches
/// while the pixels pass over it; each tile is `rows` pixels by one strip.
Value buildChannelStripMatmul(OpBuilder &builder, Location loc, Value weights,
                              Value input, Value output, int64_t width,
                              int64_t rows, int64_t reductionTile,
                              bool channelsLast) {
  MLIRContext *context = builder.getContext();
  auto weightsType = cast<RankedTensorType>(weights.getType());
  int64_t filters = weightsType.getDimSize(0);
  int64_t reduction = weightsType.getDimSize(1);
  Value strips = tensor::ExpandShapeOp::create(
      builder, loc,
      RankedTensorType::get({filters / width, width, reduction},
                            weightsType.getElementType()),
      weights, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
  Value panels = buildTranspose(builder, loc, strips, {0, 2, 1});
  auto outputType = cast<RankedTensorType>(output.getType());
  int64_t batch = outputType.getDimSize(0);
  int64_t pixels = outputType.getDimSize(channelsLast ? 1 : 2);
  Type element = outputType.getElementType();
  // The product's output is pixel-major within a strip, so that the
  // accumulator tile is `rows` vectors of filters: channels-last, [b, p, m]
  // is already [b, p, s, j]; otherwise [b, s, j, p] is transposed to [b, s,
  // p, j] and back, elementwise ops that fuse with the init's producer and
  // the product's consumers.
  const SmallVector<int64_t> swapInner = {0, 1, 3, 2};
  SmallVector<ReassociationIndices> filterStrips =
      channelsLast ? SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}}
                   : SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}};
  SmallVector<int64_t> stripShape =
      channelsLast
          ? SmallVector<int64_t>{batch, pixels, filters / width, width}
          : SmallVector<int64_t>{batch, filters / width, width, pixels};
  Value init = tensor::ExpandShapeOp::create(
      builder, loc, RankedTensorType::get(stripShape, element), output,
      filterStrips);
  if (!channelsLast)
    init = buildTranspose(builder, loc, init, swapInner);
  // The pixels are the left-hand operand: upstream lowers the contraction
  // of a tile to outer products of a pixel column and a filter row, one
  // broadcast multiply-add per pixel (with the operands the other way
  // round, it multiplies vectors of pixels and shuffles them into place).
  AffineExpr b, s, p, j, k;
  bindDims(context, b, s, p, j, k);
  SmallVector<AffineMap> maps = {
      AffineMap::get(5, 0, {b, channelsLast ? p : k, channelsLast ? k : p},
                     context),
      AffineMap::get(5, 0, {s, k, j}, context),
      channelsLast ? AffineMap::get(5, 0, {b, p, s, j}, context)
                   : AffineMap::get(5, 0, {b, s, p, j}, context)};
  linalg::GenericOp matmul =
      buildFloatProduct(builder, loc, input, panels, init, maps);
  matmul->setAttr(kKernelTileAttr,
                  builder.getDenseI64ArrayAttr(
                      {1, 1, std::min(rows, pixels), width,
                       getLargestDivisor(reduction, reductionTile)}));
  Value product = matmul.getResult(0);
  if (!channelsLast)
    product = buildTranspose(builder, loc, product, swapInner);
  return tensor::CollapseShapeOp::create(builder, loc, outputType, product,
                                         filterStrips);
}

/// The im2col matrix of a convolution's input, as a [N, C, KH, KW, OH, OW]
/// tensor whose collapse is [N, C*KH*KW, OH*OW]: each element is a plain
/// strided read of the input, with no division by the output width, and
/// the innermost loop walks the output (and, for unit strides, the
/// input) contiguously.
Value buildIm2Col(OpBuilder &builder, Location loc,
                  linalg::Conv2DNchwFchwOp conv) {
  Value input = conv.getInputs()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(conv.getInputs()[1].getType());
  auto outputType = cast<RankedTensorType>(conv.getOutputs()[0].getType());
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());

  MLIRContext *context = builder.getContext();
  AffineExpr n, c, kh, kw, oh, ow;
  bindDims(context, n, c, kh, kw, oh, ow);
  AffineMap inputMap =
      AffineMap::get(6, 0,
                     {n, c, oh * strides[0] + kh * dilations[0],
                      ow * strides[1] + kw * dilations[1]},
                     context);
  SmallVector<int64_t> shape = {
      outputType.getDimSize(0), inputType.getDimSize(1),
      filterType.getDimSize(2), filterType.getDimSize(3),
      outputType.getDimSize(2), outputType.getDimSize(3)};
  Value empty =
      tensor::EmptyOp::create(builder, loc, shape, inputType.getElementType());
  auto im2col = linalg::GenericOp::create(
      builder, loc, empty.getType(), input, empty,
      {inputMap, builder.getMultiDimIdentityMap(6)},
      SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel),
      [](OpBuilder &builder, Location loc, ValueRange args) {
        linalg::YieldOp::create(builder, loc, args[0]);
      });
  return tensor::CollapseShapeOp::create(builder, loc, im2col.getResult(0),
                                         {{0}, {1, 2, 3}, {4, 5}});
}

/// Whether `conv` multiplies bytes into i32: an i8 input and i8 weights
/// (possibly sign-extended to i32 by a generic of their own).
bool isByteConvolution(linalg::Conv2DNchwFchwOp conv) {
  return cast<ShapedType>(conv.getInputs()[0].getType())
             .getElementType()
             .isInteger(8) &&
         cast<ShapedType>(conv.getOutputs()[0].getType())
             .getElementType()
             .isInteger(32) &&
         getI8Source(conv.getInputs()[1]);
}

/// Whether `matmul` is C[m, n] += A[m, k] B[k, n] (plain maps, static
/// shapes) of bytes into i32, A possibly sign-extended to i32 by a generic
/// of its own (as the qnn lowering gives it).
bool isByteMatmul(linalg::MatmulOp matmul) {
  if (!matmul.hasPureTensorSemantics() || matmul.hasDynamicShape() ||
      matmul.hasUserDefinedMaps())
    return false;
  return cast<ShapedType>(matmul.getInputs()[1].getType())
             .getElementType()
             .isInteger(8) &&
         cast<ShapedType>(matmul.getOutputs()[0].getType())
             .getElementType()
             .isInteger(32) &&
         getI8Source(matmul.getInputs()[0]);
}

/// Rewrites a byte matrix product on the dot-product kernel: A takes the
/// weights' place (broadcast), B is packed as a batch of one.
void rewriteByteMatmul(RewriterBase &rewriter, linalg::MatmulOp matmul,
                       Int8Kernel int8Kernel) {
  Location loc = matmul.getLoc();
  Value a = getI8Source(matmul.getInputs()[0]);
  auto expand = [&](Value value) -> Value {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> shape = {1};
    llvm::append_range(shape, type.getShape());
    return tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
        value, SmallVector<ReassociationIndices>{{0, 1}, {2}});
  };
  Value product =
      buildDotProduct(rewriter, loc, a, expand(matmul.getInputs()[1]),
                      expand(matmul.getOutputs()[0]),
                      DotKernelShape::get(int8Kernel, rewriter.getContext()));
  rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
      matmul, matmul.getResultTypes()[0], product,
      SmallVector<ReassociationIndices>{{0, 1}, {2}});
}

/// Whether `op` is an elementwise generic: one output, all loops parallel.
bool isElementwise(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  return generic && generic.getNumDpsInits() == 1 &&
         generic.getNumParallelLoops() == generic.getNumLoops();
}

/// Whether `op` is a depthwise convolution this pass runs channels-last
/// (static shapes, f32, on tensors).
bool runsChannelsLast(Operation *op) {
  auto conv = dyn_cast_or_null<linalg::DepthwiseConv2DNchwChwOp>(op);
  return conv && conv.hasPureTensorSemantics() && !conv.hasDynamicShape() &&
         cast<ShapedType>(conv.getResultTypes()[0]).getElementType().isF32();
}

/// Whether a 1x1 convolution reads the output of a depthwise convolution
/// or feeds the input of one, through elementwise ops and pads: in
/// channels-last layout its transposes then cancel the depthwise
/// convolution's.
bool isNextToDepthwise(linalg::Conv2DNchwFchwOp conv) {
  Value input = conv.getInputs()[0];
  for (int depth = 0; depth < 4 && input; ++depth) {
    Operation *producer = input.getDefiningOp();
    if (runsChannelsLast(producer))
      return true;
    if (!isElementwise(producer))
      break;
    // The operand of the producer's shape (a bias or bound broadcast along
    // it has another).
    input = nullptr;
    for (Value operand : cast<linalg::GenericOp>(producer).getDpsInputs())
      if (operand.getType() == producer->getResult(0).getType())
        input = operand;
  }
  SmallVector<std::pair<Value, int>> worklist = {{conv.getResult(0), 0}};
  while (!worklist.empty()) {
    auto [value, depth] = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (runsChannelsLast(user) && user->getOperand(0) == value)
        return true;
      if (depth < 4 && (isElementwise(user) || isa<tensor::PadOp>(user)))
        worklist.emplace_back(user->getResult(0), depth + 1);
    }
  }
  return false;
}

/// Rewrites a convolution as a matrix product: Y[n, f, p] += W[f, k] *
/// X'[n, k, p], where X' is the input itself for a 1x1 convolution with
/// unit strides and its im2col matrix otherwise.
void rewriteConvAsMatmul(RewriterBase &rewriter, linalg::Conv2DNchwFchwOp conv,
                         Int8Kernel int8Kernel, const KernelTiles &tiles) {
  Location loc = conv.getLoc();
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1];
  auto filterType = cast<RankedTensorType>(filter.getType());
  bool isPointwise = filterType.getDimSize(2) == 1 &&
                     filterType.getDimSize(3) == 1 &&
                     llvm::all_of(conv.getStrides().getValues<int64_t>(),
                                  [](int64_t s) { return s == 1; });
  // A batch with an im2col matrix runs image by image, in a loop over the
  // images: one image's matrix stays in the caches (ResNet-50's first 3x3
  // layer has a 7 MB matrix per image, 58 MB at batch 8), and the loop is
  // the one the parallel lowering hands to threads, each with a matrix of
  // its own.
  auto inputType = cast<RankedTensorType>(input.getType());
  if (!isPointwise && inputType.getDimSize(0) > 1) {
    Value init = conv.getOutputs()[0];
    auto initType = cast<RankedTensorType>(init.getType());
    linalg::Conv2DNchwFchwOp imageConv;
    auto loop = scf::ForOp::create(
        rewriter, loc, constantIndex(rewriter, loc, 0),
        constantIndex(rewriter, loc, inputType.getDimSize(0)),
        constantIndex(rewriter, loc, 1), ValueRange{init},
        [&](OpBuilder &b, Location loc, Value n, ValueRange args) {
          // Rank-preserving slices of one image; the filter is the
          // convolution's own value (the int8 kernel looks through it to
          // the weights' bytes).
          auto imageOf = [&](RankedTensorType type) {
            SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
            offsets[0] = n;
            SmallVector<OpFoldResult> sizes =
                getAsIndexOpFoldResult(b.getContext(), type.getShape());
            sizes[0] = b.getIndexAttr(1);
            SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
            return std::make_tuple(offsets, sizes, strides);
          };
          auto [inOffsets, inSizes, inStrides] = imageOf(inputType);
          Value image = tensor::ExtractSliceOp::create(b, loc, input, inOffsets,
                                                       inSizes, inStrides);
          auto [outOffsets, outSizes, outStrides] = imageOf(initType);
          Value imageInit = tensor::ExtractSliceOp::create(
              b, loc, args[0], outOffsets, outSizes, outStrides);
          imageConv = linalg::Conv2DNchwFchwOp::create(
              b, loc, imageInit.getType(), ValueRange{image, filter}, imageInit,
              conv.getStrides(), conv.getDilations());
          Value inserted = tensor::InsertSliceOp::create(
              b, loc, imageConv.getResult(0), args[0], outOffsets, outSizes,
              outStrides);
          scf::YieldOp::create(b, loc, inserted);
        });
    rewriter.replaceOp(conv, loop.getResults());
    rewriter.setInsertionPoint(imageConv);
    rewriteConvAsMatmul(rewriter, imageConv, int8Kernel, tiles);
    return;
  }
  SmallVector<ReassociationIndices> spatial = {{0}, {1}, {2, 3}};
  if (isPointwise && isNextToDepthwise(conv)) {
    if (int64_t width =
            getChannelStripWidth(filter, tiles.width, /*pixels=*/0)) {
      Value matrixFilter = tensor::CollapseShapeOp::create(
          rewriter, loc, filter, {{0}, {1, 2, 3}});
      // [N, C, H, W] -> [N, H*W, C] and back: transposes that cancel
      // against the depthwise convolution's own after elementwise fusion.
      const SmallVector<int64_t> toChannelsLast = {0, 2, 3, 1};
      SmallVector<ReassociationIndices> pixelsOf = {{0}, {1, 2}, {3}};
      Value pixels = tensor::CollapseShapeOp::create(
          rewriter, loc, buildTranspose(rewriter, loc, input, toChannelsLast),
          pixelsOf);
      Value init =
          buildTranspose(rewriter, loc, conv.getOutputs()[0], toChannelsLast);
      Value product = buildChannelStripMatmul(
          rewriter, loc, matrixFilter, pixels,
          tensor::CollapseShapeOp::create(rewriter, loc, init, pixelsOf), width,
          tiles.rows, tiles.reduction, /*channelsLast=*/true);
      Value image = tensor::ExpandShapeOp::create(rewriter, loc, init.getType(),
                                                  product, pixelsOf);
      rewriter.replaceOp(conv,
                         buildTranspose(rewriter, loc, image, {0, 3, 1, 2}));
      return;
    }
  }
  Value matrixInput =
      isPointwise
          ? tensor::CollapseShapeOp::create(rewriter, loc, input, spatial)
                .getResult()
          : buildIm2Col(rewriter, loc, conv);
  Value matrixOutput = tensor::CollapseShapeOp::create(
      rewriter, loc, conv.getOutputs()[0], spatial);
  // Integer convolutions of bytes (the weights possibly widened to i32 by
  // the qnn lowering) take the dot-product kernel where there is one.
  Value product;
  if (int8Kernel != Int8Kernel::None && isByteConvolution(conv)) {
    Value filterBytes = getI8Source(filter);
    Value matrixBytes = tensor::CollapseShapeOp::create(
        rewriter, loc, filterBytes, {{0}, {1, 2, 3}});
    product =
        buildDotProduct(rewriter, loc, matrixBytes, matrixInput, matrixOutput,
                        DotKernelShape::get(int8Kernel, rewriter.getContext()));
  } else {
    Value matrixFilter = tensor::CollapseShapeOp::create(rewriter, loc, filter,
                                                         {{0}, {1, 2, 3}});
    int64_t stripWidth =
        isa<FloatType>(getElementTypeOrSelf(matrixInput.getType()))
            ? getChannelStripWidth(
                  matrixFilter, tiles.width,
                  cast<ShapedType>(matrixInput.getType()).getDimSize(2))
            : 0;
    product = stripWidth ? buildChannelStripMatmul(rewriter, loc, matrixFilter,
                                                   matrixInput, matrixOutput,
                                                   stripWidth, tiles.rows,
                                                   tiles.reduction,
                                                   /*channelsLast=*/false)
                         : buildBatchedMatmul(rewriter, loc, matrixFilter,
                                              matrixInput, matrixOutput);
  }
  rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
      conv, conv.getResultTypes()[0], product, spatial);
}

/// `input` (NCHW) in channels-last layout. A padded input is transposed
/// before it is padded: the transpose then fuses with the elementwise op
/// that produced the data (a ReLU6, in MobileNets) into one pass, where
/// the padded NCHW tensor was a pass of its own.
Value buildChannelsLastInput(OpBuilder &builder, Location loc, Value input) {
  const SmallVector<int64_t> toChannelsLast = {0, 2, 3, 1};
  auto pad = input.getDefiningOp<tensor::PadOp>();
  Value padValue = pad ? pad.getConstantPaddingValue() : Value();
  // (A value made inside the pad's body cannot serve the new pad.)
  if (!padValue || padValue.getParentRegion() == &pad.getRegion() ||
      !pad.getResultType().hasStaticShape())
    return buildTranspose(builder, loc, input, toChannelsLast);
  Value source = buildTranspose(builder, loc, pad.getSource(), toChannelsLast);
  RankedTensorType type = pad.getResultType();
  return tensor::PadOp::create(
      builder, loc,
      type.clone(applyPermutation(type.getShape(), toChannelsLast)), source,
      applyPermutation(pad.getMixedLowPad(), toChannelsLast),
      applyPermutation(pad.getMixedHighPad(), toChannelsLast), padValue);
}

/// Rewrites a depthwise convolution in channels-last layout, where the
/// channels are contiguous for every stride, so that its tiles vectorize
/// along the channels (upstream's 1-D depthwise vectorization). Returns the
/// channels-last convolution.
linalg::DepthwiseConv2DNhwcHwcOp
rewriteDepthwiseChannelsLast(RewriterBase &rewriter,
                             linalg::DepthwiseConv2DNchwChwOp conv) {
  Location loc = conv.getLoc();
  Value input = buildChannelsLastInput(rewriter, loc, conv.getInputs()[0]);
  Value filter = buildTranspose(rewriter, loc, conv.getInputs()[1], {1, 2, 0});
  Value init =
      buildTranspose(rewriter, loc, conv.getOutputs()[0], {0, 2, 3, 1});
  auto channelsLast = linalg::DepthwiseConv2DNhwcHwcOp::create(
      rewriter, loc, init.getType(), ValueRange{input, filter}, init,
      conv.getStrides(), conv.getDilations());
  rewriter.replaceOp(
      conv,
      buildTranspose(rewriter, loc, channelsLast.getResult(0), {0, 3, 1, 2}));
  return channelsLast;
}

/// Tile sizes for a contraction, one per loop, or nothing when the op is not
/// a contraction with a contiguous `n` dimension and static shapes.
std::optional<SmallVector<int64_t>>
getKernelTileSizes(linalg::LinalgOp op, int64_t registerRows,
                   int64_t vectorWidth, int64_t maxReductionTile) {
  if (!linalg::isaContractionOpInterface(op) || op.hasDynamicShape() ||
      op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics())
    return std::nullopt;
  auto outputType = cast<ShapedType>(op.getDpsInits()[0].getType());
  // f32 products, and integer products accumulating in i32 (the vector
  // body sign-extends the narrower operands).
  if (!outputType.getElementType().isF32() &&
      !outputType.getElementType().isInteger(32))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.empty() || dims->n.empty() || dims->k.empty())
    return std::nullopt;
  // The vectors run along the innermost output dimension; it must be `n`
  // and innermost in the right-hand operand too, so that every vector
  // load and store is contiguous.
  unsigned n = dims->n.back();
  auto isInnermost = [&](AffineMap map) {
    if (map.getNumResults() == 0)
      return false;
    auto last = dyn_cast<AffineDimExpr>(map.getResults().back());
    return last && last.getPosition() == n;
  };
  if (!isInnermost(op.getMatchingIndexingMap(op.getDpsInitOperand(0))))
    return std::nullopt;
  bool rhsContiguous = false;
  for (OpOperand *input : op.getDpsInputOperands())
    rhsContiguous |= isInnermost(op.getMatchingIndexingMap(input));
  if (!rhsContiguous)
    return std::nullopt;

  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> sizes(ranges.size(), 1);
  unsigned m = dims->m.back(), k = dims->k.back();
  sizes[m] = std::min(ranges[m], registerRows);
  sizes[n] = std::min(ranges[n], vectorWidth);
  sizes[k] = getLargestDivisor(ranges[k], maxReductionTile);
  return sizes;
}

/// Tiles `op` into kernel tiles and peels the remainder of its `n` loop;
/// the tiles are marked with their vector shape.
LogicalResult tileAndPeel(RewriterBase &rewriter, linalg::LinalgOp op,
                          ArrayRef<int64_t> sizes) {
  op->setAttr(kVectorShapeAttr, rewriter.getDenseI64ArrayAttr(sizes));
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  rewriter.replaceOp(op, tiled->replacements);
  // One loop per dimension (all tile sizes are non-zero); only those whose
  // extent the tile does not divide have a remainder. Inner loops go first
  // so that peeling an outer loop copies them already peeled.
  if (tiled->loops.size() != ranges.size())
    return success();
  for (auto [loop, range, size] :
       llvm::reverse(llvm::zip_equal(tiled->loops, ranges, sizes))) {
    auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
    scf::ForOp remainder;
    if (forOp && range % size != 0)
      (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, remainder);
  }
  return success();
}

/// Vectorizes every op that tileAndPeel marked (a contraction becomes a
/// vector.contract), masked where its shape is not static.
void vectorizeTiles(RewriterBase &rewriter, func::FuncOp func) {
  SmallVector<linalg::LinalgOp> tiles;
  func.walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kVectorShapeAttr))
      tiles.push_back(op);
  });
  for (linalg::LinalgOp tile : tiles) {
    auto shape = tile->getAttrOfType<DenseI64ArrayAttr>(kVectorShapeAttr);
    tile->removeAttr(kVectorShapeAttr);
    SmallVector<int64_t> vectorSizes;
    if (tile.hasDynamicShape())
      vectorSizes.assign(shape.asArrayRef().begin(), shape.asArrayRef().end());
    rewriter.setInsertionPoint(tile);
    FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
        rewriter, tile, vectorSizes, /*inputScalableVecDims=*/{},
        /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false,
        /*createNamedContraction=*/true);
    if (failed(result))
      continue;
    rewriter.replaceOp(tile, result->replacements);
  }
}

/// Canonicalizes the tiles that peeling left with constant sizes into
/// static shapes.
LogicalResult makeTilesStatic(func::FuncOp func) {
  MLIRContext *context = func.getContext();
  RewritePatternSet patterns(context);
  affine::AffineMinOp::getCanonicalizationPatterns(patterns, context);
  tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, context);
  tensor::InsertSliceOp::getCanonicalizationPatterns(patterns, context);
  tensor::populateFoldTensorEmptyPatterns(patterns);
  linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
  return applyPatternsGreedily(func, std::move(patterns));
}

struct VectorizeContractionsPass
    : whittle::impl::VectorizeContractionsBase<VectorizeContractionsPass> {
  using VectorizeContractionsBase::VectorizeContractionsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    IRRewriter rewriter(context);

    // Convolutions become matrix products.
    KernelTiles tiles{registerRows, vectorWidth, maxReductionTile};
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    func.walk([&](linalg::Conv2DNchwFchwOp conv) {
      if (conv.hasPureTensorSemantics() && !conv.hasDynamicShape())
        convs.push_back(conv);
    });
    // Integer ones with a dot-product kernel are rewritten last, after the
    // vector patterns below (which would fold the kernel's marked
    // reductions into contractions).
    Int8Kernel int8 = resolveInt8Kernel(int8Kernel);
    SmallVector<linalg::Conv2DNchwFchwOp> int8Convs;
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      // A convolution with an output row or column of one is rewritten
      // now: the convolution decomposition below would replace it by a 1-D
      // one before its turn (and leave this list pointing at nothing).
      auto outputType = cast<ShapedType>(conv.getResultTypes()[0]);
      bool unitSpatial =
          outputType.getDimSize(2) == 1 || outputType.getDimSize(3) == 1;
      if (int8 != Int8Kernel::None && !unitSpatial && isByteConvolution(conv)) {
        int8Convs.push_back(conv);
        continue;
      }
      rewriter.setInsertionPoint(conv);
      rewriteConvAsMatmul(rewriter, conv, Int8Kernel::None, tiles);
    }

    // So are byte matrix products.
    SmallVector<linalg::MatmulOp> int8Matmuls;
    if (int8 != Int8Kernel::None)
      func.walk([&](linalg::MatmulOp matmul) {
        if (isByteMatmul(matmul))
          int8Matmuls.push_back(matmul);
      });

    // Depthwise convolutions go channels-last and are tiled into rows of
    // `dw-width` output pixels by `vector-width` channels, one filter row
    // at a time; upstream patterns make each tile a 1-D depthwise
    // convolution and vectorize it along the channels.
    SmallVector<linalg::DepthwiseConv2DNchwChwOp> depthwiseConvs;
    func.walk([&](linalg::DepthwiseConv2DNchwChwOp conv) {
      if (runsChannelsLast(conv))
        depthwiseConvs.push_back(conv);
    });
    for (linalg::DepthwiseConv2DNchwChwOp conv : depthwiseConvs) {
      rewriter.setInsertionPoint(conv);
      linalg::DepthwiseConv2DNhwcHwcOp channelsLast =
          rewriteDepthwiseChannelsLast(rewriter, conv);
      // Loops: n, oh, ow, c, kh, kw.
      SmallVector<int64_t> ranges =
          cast<linalg::LinalgOp>(channelsLast.getOperation())
              .getStaticLoopRanges();
      SmallVector<int64_t> sizes = {1,
                                    1,
                                    getLargestDivisor(ranges[2], 8),
                                    std::min(ranges[3], vectorWidth.getValue()),
                                    1,
                                    ranges[5]};
      if (failed(tileAndPeel(rewriter, channelsLast, sizes)))
        return signalPassFailure();
    }

    // Matrix products become loops of kernel tiles.
    SmallVector<std::pair<linalg::LinalgOp, SmallVector<int64_t>>> kernels;
    func.walk([&](linalg::LinalgOp op) {
      if (auto matmul = dyn_cast<linalg::MatmulOp>(op.getOperation()))
        if (llvm::is_contained(int8Matmuls, matmul))
          return;
      if (auto chosen = op->getAttrOfType<DenseI64ArrayAttr>(kKernelTileAttr)) {
        op->removeAttr(kKernelTileAttr);
        kernels.emplace_back(op, SmallVector<int64_t>(chosen.asArrayRef()));
        return;
      }
      if (auto sizes = getKernelTileSizes(op, registerRows, vectorWidth,
                                          maxReductionTile))
        kernels.emplace_back(op, std::move(*sizes));
    });
    for (auto &[op, sizes] : kernels)
      if (failed(tileAndPeel(rewriter, op, sizes)))
        return signalPassFailure();

    // Peeled tiles get static shapes.
    if (failed(makeTilesStatic(func)))
      return signalPassFailure();

    // Depthwise tiles become 1-D depthwise convolutions.
    {
      RewritePatternSet patterns(context);
      linalg::populateDecomposeConvolutionPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
      SmallVector<linalg::DepthwiseConv1DNwcWcOp> rows;
      func.walk([&](linalg::DepthwiseConv1DNwcWcOp row) {
        if (!row.hasDynamicShape())
          rows.push_back(row);
      });
      for (linalg::DepthwiseConv1DNwcWcOp row : rows) {
        rewriter.setInsertionPoint(row);
        FailureOr<linalg::VectorizationResult> result =
            linalg::vectorize(rewriter, row);
        if (succeeded(result))
          rewriter.replaceOp(row, result->replacements);
      }
    }

    // Each tile becomes a vector.contract, masked where its shape is not
    // static.
    vectorizeTiles(rewriter, func);

    // Mixed-width integer contractions (i8 x i32 into i32, as the named
    // integer products vectorize) take their narrow operands sign-extended
    // right after the load: upstream's lowering of a mixed-width
    // vector.contract moves every element on its own.
    SmallVector<vector::ContractionOp> mixed;
    func.walk([&](vector::ContractionOp contract) {
      auto accType = dyn_cast<VectorType>(contract.getAccType());
      if (!accType || !isa<IntegerType>(accType.getElementType()))
        return;
      Type acc = accType.getElementType();
      if (contract.getLhsType().getElementType() != acc ||
          contract.getRhsType().getElementType() != acc)
        mixed.push_back(contract);
    });
    for (vector::ContractionOp contract : mixed) {
      rewriter.setInsertionPoint(contract);
      Type acc = cast<VectorType>(contract.getAccType()).getElementType();
      auto widen = [&](Value value) -> Value {
        auto type = cast<VectorType>(value.getType());
        if (type.getElementType() == acc)
          return value;
        return arith::ExtSIOp::create(rewriter, contract.getLoc(),
                                      type.clone(acc), value);
      };
      Value lhs = widen(contract.getLhs()), rhs = widen(contract.getRhs());
      rewriter.modifyOpInPlace(contract, [&] {
        contract.getLhsMutable().assign(lhs);
        contract.getRhsMutable().assign(rhs);
      });
    }

    // The products and reductions become vector.contract ops that read
    // their operands straight from the transfers.
    RewritePatternSet contractPatterns(context);
    vector::populateVectorTransferPermutationMapLoweringPatterns(
        contractPatterns);
    vector::populateVectorReductionToContractPatterns(contractPatterns);
    if (failed(applyPatternsGreedily(func, std::move(contractPatterns))))
      return signalPassFailure();

    // Vector transfers read and write the tensors directly, without unit
    // dimensions.
    RewritePatternSet patterns(context);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, context);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();

    for (linalg::Conv2DNchwFchwOp conv : int8Convs) {
      rewriter.setInsertionPoint(conv);
      rewriteConvAsMatmul(rewriter, conv, int8, tiles);
    }
    for (linalg::MatmulOp matmul : int8Matmuls) {
      rewriter.setInsertionPoint(matmul);
      rewriteByteMatmul(rewriter, matmul, int8);
    }
  }
};

//===----------------------------------------------------------------------===//
// Layout changes
//===----------------------------------------------------------------------===//

/// The tile sizes of a layout change of at least `minElements` elements per
/// image (all loops but the outermost): an elementwise op (all loops
/// parallel, its output in loop order) that reads an input whose innermost
/// dimension is not the output's. Its tiles are `width` square over the two
/// innermost dimensions (the output's and the input's) and 1 elsewhere;
/// nothing for other ops.
std::optional<SmallVector<int64_t>> getTransposeTileSizes(linalg::GenericOp op,
                                                          int64_t width,
                                                          int64_t minElements) {
  if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
      op.getNumDpsInits() != 1 || op.getNumLoops() < 2 ||
      op.getNumLoops() != op.getNumParallelLoops() ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  // Float layout changes only: the int8 path's (i32 tiles around its
  // packed kernels) stay loops, where LLVM's vectorizer handles them
  // (vectorized here, they doubled int8 ResNet-50's compile time).
  for (Value operand : op->getOperands())
    if (!isa<FloatType>(getElementTypeOrSelf(operand.getType())))
      return std::nullopt;
  // Bodies of arith ops only: those lower on n-D vectors (math ops such as
  // the integer rescale's ctlz do not).
  for (Operation &bodyOp : op.getRegion().front().without_terminator())
    if (!isa<arith::ArithDialect>(bodyOp.getDialect()))
      return std::nullopt;
  int64_t loops = op.getNumLoops();
  std::optional<int64_t> inputInner;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.getNumResults() == 0 || !map.isProjectedPermutation())
      continue;
    int64_t inner = cast<AffineDimExpr>(map.getResults().back()).getPosition();
    if (inner != loops - 1)
      inputInner = inner;
  }
  if (!inputInner)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  // Counted without the outermost (batch) loop: what makes a layout change
  // worth its compile time is the size of its maps, where the tiles are
  // mostly full, not the number of images.
  if (computeProduct(ArrayRef<int64_t>(ranges).drop_front()) < minElements)
    return std::nullopt;
  SmallVector<int64_t> sizes(loops, 1);
  sizes[loops - 1] = std::min(ranges[loops - 1], width);
  sizes[*inputInner] = std::min(ranges[*inputInner], width);
  return sizes;
}

struct VectorizeTransposesPass
    : whittle::impl::VectorizeTransposesBase<VectorizeTransposesPass> {
  using VectorizeTransposesBase::VectorizeTransposesBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    SmallVector<std::pair<linalg::GenericOp, SmallVector<int64_t>>> ops;
    func.walk([&](linalg::GenericOp op) {
      if (auto sizes = getTransposeTileSizes(op, vectorWidth, minElements))
        ops.emplace_back(op, std::move(*sizes));
    });
    if (ops.empty())
      return;
    for (auto &[op, sizes] : ops)
      if (failed(tileAndPeel(rewriter, op, sizes)))
        return signalPassFailure();
    if (failed(makeTilesStatic(func)))
      return signalPassFailure();
    vectorizeTiles(rewriter, func);
    // The transposed reads become a read along the input's contiguous
    // dimension and a vector.transpose in registers, which keeps only its
    // two non-unit dimensions, so that the LLVM lowering makes it one
    // shuffle.
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateDropUnitDimWithShapeCastPatterns(patterns);
    vector::ShapeCastOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};

/// The vector `x` of `ext(shape_cast(x))` when the extension is `Ext`.
template <typename Ext> Value getExtendedSource(Value value) {
  auto ext = value.getDefiningOp<Ext>();
  if (!ext)
    return {};
  auto cast = ext.getIn().template getDefiningOp<vector::ShapeCastOp>();
  return cast ? cast.getSource() : Value();
}

struct X86DotProductsPass
    : whittle::impl::X86DotProductsBase<X86DotProductsPass> {
  void runOnOperation() override {
    SmallVector<vector::MultiDimReductionOp> dots;
    getOperation().walk([&](vector::MultiDimReductionOp op) {
      if (op->hasAttr(kX86DotAttr))
        dots.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (vector::MultiDimReductionOp op : dots) {
      auto intrinsic = op->getAttrOfType<StringAttr>(kX86DotAttr);
      auto mul = op.getSource().getDefiningOp<arith::MulIOp>();
      if (!intrinsic || !mul)
        continue;
      bool vnni = intrinsic.getValue() == "llvm.x86.avx512.vpdpbusd.512";
      Value a = vnni ? getExtendedSource<arith::ExtUIOp>(mul.getLhs())
                     : getExtendedSource<arith::ExtSIOp>(mul.getLhs());
      Value b = getExtendedSource<arith::ExtSIOp>(mul.getRhs());
      if (!a || !b)
        continue;
      rewriter.setInsertionPoint(op);
      Location loc = op.getLoc();
      Type accType = op.getAcc().getType();
      Value result;
      if (vnni) {
        result =
            LLVM::CallIntrinsicOp::create(rewriter, loc, accType, intrinsic,
                                          ValueRange{op.getAcc(), a, b})
                .getResult(0);
      } else {
        Value product = LLVM::CallIntrinsicOp::create(
                            rewriter, loc, accType, intrinsic, ValueRange{a, b})
                            .getResult(0);
        result = arith::AddIOp::create(rewriter, loc, op.getAcc(), product);
      }
      rewriter.replaceOp(op, result);
      // The multiply and its extensions, now unused.
      SmallVector<Operation *> dead = {mul, mul.getLhs().getDefiningOp(),
                                       mul.getRhs().getDefiningOp()};
      for (Operation *deadOp : dead)
        if (deadOp && deadOp->use_empty())
          rewriter.eraseOp(deadOp);
    }
  }
};

} // namespace
