//===- FoldBatchNorm.cpp - fold BatchNormalization into weights -----------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Inference-mode BatchNormalization is a per-channel affine map
// `y = x * s + t` with `s = scale / sqrt(var + epsilon)` and
// `t = B - mean * s`. When it follows a Conv, ConvTranspose or Gemm with
// constant weights, the map is folded into the weights (scaled per output
// channel) and the bias (`b * s + t`), and the normalization disappears.
//
//===----------------------------------------------------------------------===//

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/NN/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace whittle::nn {
#define GEN_PASS_DEF_NNFOLDBATCHNORM
#include "whittle/Dialect/NN/Passes.h.inc"
} // namespace whittle::nn

using namespace mlir;
using namespace whittle::nn;

namespace {

/// The per-channel affine map `x * scale + shift` of a BatchNormalization.
struct ChannelAffine {
  SmallVector<double> scale;
  SmallVector<double> shift;
};

/// Reads a constant floating-point operand, or nullopt.
static std::optional<SmallVector<double>> readFloatConstant(Value value) {
  ElementsAttr attr = getConstantElements(value);
  if (!attr || !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  return readAsDoubles(attr);
}

static Value createConstant(PatternRewriter &rewriter, Location loc,
                            RankedTensorType type, ArrayRef<double> values,
                            StringRef nameHint) {
  return ConstantOp::create(rewriter, loc,
                            createElementsFromDoubles(type, values, nameHint));
}

struct FoldBatchNormIntoProducer : OpRewritePattern<BatchNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormalizationOp bn,
                                PatternRewriter &rewriter) const override {
    if (bn.getTrainingMode() != 0)
      return rewriter.notifyMatchFailure(bn, "training mode");
    Operation *producer = bn.getX().getDefiningOp();
    if (!producer || !isa<ConvOp, ConvTransposeOp, GemmOp>(producer))
      return rewriter.notifyMatchFailure(
          bn, "input is not produced by Conv, ConvTranspose or Gemm");
    if (!bn.getX().hasOneUse())
      return rewriter.notifyMatchFailure(
          bn, "the producer's result has other users");
    auto type = cast<RankedTensorType>(bn.getX().getType());
    if (!isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(bn, "the input is not floating-point");
    int64_t channels = type.getDimSize(1);
    if (ShapedType::isDynamic(channels))
      return rewriter.notifyMatchFailure(bn, "dynamic channel count");

    std::optional<SmallVector<double>> scale = readFloatConstant(bn.getScale());
    std::optional<SmallVector<double>> beta = readFloatConstant(bn.getB());
    std::optional<SmallVector<double>> mean =
        readFloatConstant(bn.getInputMean());
    std::optional<SmallVector<double>> var =
        readFloatConstant(bn.getInputVar());
    if (!scale || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(
          bn, "scale, B, input_mean and input_var must be float constants");
    if ((int64_t)scale->size() != channels ||
        (int64_t)beta->size() != channels ||
        (int64_t)mean->size() != channels || (int64_t)var->size() != channels)
      return rewriter.notifyMatchFailure(bn, "parameter sizes differ from the "
                                             "channel count");
    double epsilon = bn.getEpsilon().convertToDouble();
    ChannelAffine affine;
    for (int64_t c = 0; c < channels; ++c) {
      double denominator = std::sqrt((*var)[c] + epsilon);
      if (!(denominator > 0) || !std::isfinite(denominator))
        return rewriter.notifyMatchFailure(
            bn, "var + epsilon is not positive for some channel");
      double s = (*scale)[c] / denominator;
      affine.scale.push_back(s);
      affine.shift.push_back((*beta)[c] - (*mean)[c] * s);
    }

    LogicalResult result =
        TypeSwitch<Operation *, LogicalResult>(producer)
            .Case([&](ConvOp conv) {
              return foldIntoConv(conv, conv.getW(), conv.getB(), affine,
                                  /*transposed=*/false, conv.getGroup(),
                                  rewriter);
            })
            .Case([&](ConvTransposeOp conv) {
              return foldIntoConv(conv, conv.getW(), conv.getB(), affine,
                                  /*transposed=*/true, conv.getGroup(),
                                  rewriter);
            })
            .Case([&](GemmOp gemm) {
              return foldIntoGemm(gemm, affine, rewriter);
            })
            .Default([](Operation *) { return failure(); });
    if (failed(result))
      return failure();
    rewriter.replaceOp(bn, producer->getResult(0));
    return success();
  }

private:
  /// Scales W per output channel and replaces the bias. Conv weights are
  /// M x C/group x k..., ConvTranspose weights C x M/group x k... where
  /// input channel c of group c / (C/group) feeds output channels
  /// group * M/group + j.
  LogicalResult foldIntoConv(Operation *conv, Value weight, Value bias,
                             const ChannelAffine &affine, bool transposed,
                             int64_t group, PatternRewriter &rewriter) const {
    std::optional<SmallVector<double>> w = readFloatConstant(weight);
    if (!w)
      return rewriter.notifyMatchFailure(conv, "weights are not a float "
                                               "constant");
    std::optional<SmallVector<double>> b;
    if (!isNone(bias)) {
      b = readFloatConstant(bias);
      if (!b)
        return rewriter.notifyMatchFailure(conv,
                                           "bias is not a float constant");
    }
    auto wType = cast<RankedTensorType>(weight.getType());
    if (!wType.hasStaticShape() || wType.getRank() < 2 || group <= 0)
      return rewriter.notifyMatchFailure(conv, "weights have a dynamic shape");
    int64_t channels = affine.scale.size();
    int64_t dim0 = wType.getDimSize(0), dim1 = wType.getDimSize(1);
    int64_t inner = wType.getNumElements() / (dim0 * dim1);
    int64_t outChannels = transposed ? dim1 * group : dim0;
    if (outChannels != channels || (transposed && dim0 % group != 0))
      return rewriter.notifyMatchFailure(conv, "weight shape does not match "
                                               "the channel count");
    SmallVector<double> newW(*w);
    for (int64_t i = 0; i < dim0; ++i) {
      for (int64_t j = 0; j < dim1; ++j) {
        int64_t out = transposed ? (i / (dim0 / group)) * dim1 + j : i;
        double s = affine.scale[out];
        for (int64_t k = 0; k < inner; ++k)
          newW[(i * dim1 + j) * inner + k] *= s;
      }
    }
    SmallVector<double> newB;
    for (int64_t c = 0; c < channels; ++c)
      newB.push_back((b ? (*b)[c] : 0.0) * affine.scale[c] + affine.shift[c]);
    auto bType = isNone(bias)
                     ? RankedTensorType::get({channels}, wType.getElementType())
                     : cast<RankedTensorType>(bias.getType());

    rewriter.setInsertionPoint(conv);
    Value wValue =
        createConstant(rewriter, weight.getLoc(), wType, newW, "folded_weight");
    Value bValue =
        createConstant(rewriter, conv->getLoc(), bType, newB, "folded_bias");
    rewriter.modifyOpInPlace(conv, [&] {
      conv->setOperand(1, wValue);
      conv->setOperand(2, bValue);
    });
    return success();
  }

  /// Y = alpha * A' * B' + beta * C has output channels along dimension 1:
  /// scales the columns of B' and replaces C by beta * C * s + t (beta
  /// becomes 1).
  LogicalResult foldIntoGemm(GemmOp gemm, const ChannelAffine &affine,
                             PatternRewriter &rewriter) const {
    std::optional<SmallVector<double>> b = readFloatConstant(gemm.getB());
    if (!b)
      return rewriter.notifyMatchFailure(gemm, "B is not a float constant");
    std::optional<SmallVector<double>> c;
    auto cType = dyn_cast<RankedTensorType>(gemm.getC().getType());
    if (cType) {
      c = readFloatConstant(gemm.getC());
      if (!c)
        return rewriter.notifyMatchFailure(gemm, "C is not a float constant");
      if (!cType.hasStaticShape() || cType.getRank() > 2)
        return rewriter.notifyMatchFailure(gemm, "unsupported shape of C");
    }
    auto bType = cast<RankedTensorType>(gemm.getB().getType());
    int64_t n = affine.scale.size();
    bool transB = gemm.getTransB() != 0;
    int64_t rows = bType.getDimSize(0), cols = bType.getDimSize(1);
    if (!bType.hasStaticShape() || (transB ? rows : cols) != n)
      return rewriter.notifyMatchFailure(gemm, "B does not match the channel "
                                               "count");
    SmallVector<double> newB(*b);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t col = 0; col < cols; ++col)
        newB[r * cols + col] *= affine.scale[transB ? r : col];

    // C as cRows x cCols with cCols in {1, n}.
    int64_t cRows = 1, cCols = 1;
    if (cType && cType.getRank() == 2)
      cRows = cType.getDimSize(0);
    if (cType && cType.getRank() >= 1)
      cCols = cType.getDimSize(cType.getRank() - 1);
    if (cCols != 1 && cCols != n)
      return rewriter.notifyMatchFailure(gemm, "C does not broadcast to the "
                                               "channel count");
    double beta = gemm.getBeta().convertToDouble();
    SmallVector<double> newC;
    for (int64_t r = 0; r < cRows; ++r)
      for (int64_t col = 0; col < n; ++col) {
        double value = c ? beta * (*c)[r * cCols + (cCols == 1 ? 0 : col)] : 0;
        newC.push_back(value * affine.scale[col] + affine.shift[col]);
      }
    Type element =
        cast<RankedTensorType>(gemm.getY().getType()).getElementType();
    auto newCType = cRows == 1 ? RankedTensorType::get({n}, element)
                               : RankedTensorType::get({cRows, n}, element);

    rewriter.setInsertionPoint(gemm);
    Value bValue = createConstant(rewriter, gemm.getB().getLoc(), bType, newB,
                                  "folded_weight");
    Value cValue =
        createConstant(rewriter, gemm.getLoc(), newCType, newC, "folded_bias");
    rewriter.modifyOpInPlace(gemm, [&] {
      gemm.getBMutable().assign(bValue);
      gemm.getCMutable().assign(cValue);
      gemm.setBetaAttr(rewriter.getF32FloatAttr(1.0f));
    });
    return success();
  }
};

struct FoldBatchNormPass
    : whittle::nn::impl::NNFoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void whittle::nn::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNormIntoProducer>(patterns.getContext());
}
