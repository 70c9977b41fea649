//===- VectorizeContractions.cpp - register-blocked matrix products -------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Target/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace whittle {
#define GEN_PASS_DEF_VECTORIZECONTRACTIONS
#include "whittle/Target/CPU/Passes.h.inc"
} // namespace whittle

using namespace mlir;

namespace {

/// Marks the tiles of a contraction with their vector shape until they are
/// vectorized (tiling clones the op with its attributes).
constexpr StringLiteral kVectorShapeAttr = "whittle.vector_shape";

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
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  auto matmul = linalg::GenericOp::create(
      builder, loc, output.getType(), ValueRange{weights, input}, output, maps,
      iterators, [](OpBuilder &builder, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(builder, loc, args[0], args[1]);
        Value sum = arith::AddFOp::create(builder, loc, product, args[2]);
        linalg::YieldOp::create(builder, loc, sum);
      });
  return matmul.getResult(0);
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

/// Rewrites a convolution as a matrix product: Y[n, f, p] += W[f, k] *
/// X'[n, k, p], where X' is the input itself for a 1x1 convolution with
/// unit strides and its im2col matrix otherwise.
void rewriteConvAsMatmul(RewriterBase &rewriter,
                         linalg::Conv2DNchwFchwOp conv) {
  Location loc = conv.getLoc();
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1];
  auto filterType = cast<RankedTensorType>(filter.getType());
  bool isPointwise = filterType.getDimSize(2) == 1 &&
                     filterType.getDimSize(3) == 1 &&
                     llvm::all_of(conv.getStrides().getValues<int64_t>(),
                                  [](int64_t s) { return s == 1; });
  SmallVector<ReassociationIndices> spatial = {{0}, {1}, {2, 3}};
  Value matrixInput =
      isPointwise
          ? tensor::CollapseShapeOp::create(rewriter, loc, input, spatial)
                .getResult()
          : buildIm2Col(rewriter, loc, conv);
  Value matrixFilter =
      tensor::CollapseShapeOp::create(rewriter, loc, filter, {{0}, {1, 2, 3}});
  Value matrixOutput = tensor::CollapseShapeOp::create(
      rewriter, loc, conv.getOutputs()[0], spatial);
  Value product = buildBatchedMatmul(rewriter, loc, matrixFilter, matrixInput,
                                     matrixOutput);
  rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
      conv, conv.getResultTypes()[0], product, spatial);
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

/// Rewrites a depthwise convolution in channels-last layout, where the
/// channels are contiguous for every stride, so that its tiles vectorize
/// along the channels (upstream's 1-D depthwise vectorization). Returns the
/// channels-last convolution.
linalg::DepthwiseConv2DNhwcHwcOp
rewriteDepthwiseChannelsLast(RewriterBase &rewriter,
                             linalg::DepthwiseConv2DNchwChwOp conv) {
  Location loc = conv.getLoc();
  Value input =
      buildTranspose(rewriter, loc, conv.getInputs()[0], {0, 2, 3, 1});
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

/// The largest divisor of `extent` that is at most `limit`.
int64_t getLargestDivisor(int64_t extent, int64_t limit) {
  for (int64_t size = std::min(extent, limit); size > 1; --size)
    if (extent % size == 0)
      return size;
  return 1;
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

struct VectorizeContractionsPass
    : whittle::impl::VectorizeContractionsBase<VectorizeContractionsPass> {
  using VectorizeContractionsBase::VectorizeContractionsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    IRRewriter rewriter(context);

    // Convolutions become matrix products.
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    func.walk([&](linalg::Conv2DNchwFchwOp conv) {
      if (conv.hasPureTensorSemantics() && !conv.hasDynamicShape())
        convs.push_back(conv);
    });
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      rewriter.setInsertionPoint(conv);
      rewriteConvAsMatmul(rewriter, conv);
    }

    // Depthwise convolutions go channels-last and are tiled into rows of
    // `dw-width` output pixels by `vector-width` channels, one filter row
    // at a time; upstream patterns make each tile a 1-D depthwise
    // convolution and vectorize it along the channels.
    SmallVector<linalg::DepthwiseConv2DNchwChwOp> depthwiseConvs;
    func.walk([&](linalg::DepthwiseConv2DNchwChwOp conv) {
      if (conv.hasPureTensorSemantics() && !conv.hasDynamicShape() &&
          cast<ShapedType>(conv.getResultTypes()[0]).getElementType().isF32())
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
      if (auto sizes = getKernelTileSizes(op, registerRows, vectorWidth,
                                          maxReductionTile))
        kernels.emplace_back(op, std::move(*sizes));
    });
    for (auto &[op, sizes] : kernels)
      if (failed(tileAndPeel(rewriter, op, sizes)))
        return signalPassFailure();

    // Peeled tiles get static shapes.
    {
      RewritePatternSet patterns(context);
      affine::AffineMinOp::getCanonicalizationPatterns(patterns, context);
      tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, context);
      tensor::InsertSliceOp::getCanonicalizationPatterns(patterns, context);
      tensor::populateFoldTensorEmptyPatterns(patterns);
      linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

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
        vectorSizes.assign(shape.asArrayRef().begin(),
                           shape.asArrayRef().end());
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
  }
};

} // namespace
