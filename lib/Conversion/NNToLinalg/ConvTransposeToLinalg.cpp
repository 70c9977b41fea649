//===- ConvTransposeToLinalg.cpp - ConvTranspose to linalg ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A transposed convolution is a plain stride-1 convolution of the input with
// `stride - 1` zeros inserted between elements, padded by
// `(k - 1) * dilation - pad` on each side, using the spatially flipped
// kernel with input and output channels swapped per group. This avoids any
// scatter: the zero insertion is a strided `tensor.insert_slice` into a zero
// tensor, and the convolution is `buildConvolution`. Negative padding (pads
// larger than the kernel's reach) crops with `tensor.extract_slice`.
// Where the windows tile the output without overlap (stride = kernel, the
// decoders' 2x upsampling), it is a 1x1 convolution and a depth-to-space
// copy instead, without the zeros.
//
//===----------------------------------------------------------------------===//

#include "StaticResultLowering.h"
#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"

using namespace mlir;
using namespace whittle;

namespace {

/// Whether the kernel windows tile the output without overlap or gaps:
/// strides equal to the 2-D kernel, no dilation, pads, output padding or
/// groups. Each output pixel then takes one input pixel times one kernel
/// tap: the upsampling of segmentation and detection decoders (k = s = 2).
bool isPixelShuffle(nn::ConvTransposeOp op, ArrayRef<int64_t> kernel,
                    const nn::TransposedWindowGeometry &window,
                    ArrayRef<int64_t> inputSpatial) {
  if (kernel.size() != 2 || op.getGroup() != 1)
    return false;
  for (auto [i, size] : llvm::enumerate(kernel))
    if (window.strides[i] != size || window.dilations[i] != 1 ||
        window.outputPadding[i] != 0 ||
        ShapedType::isDynamic(inputSpatial[i]) ||
        window.output[i] != inputSpatial[i] * size)
      return false;
  return llvm::all_of(window.pads, [](int64_t pad) { return pad == 0; });
}

/// The non-overlapping transposed convolution as a 1x1 convolution with
/// C_out * k0 * k1 filters, Y[n, (m, i, j), y, x] = sum_c W[c, m, i, j] *
/// X[n, c, y, x], and a depth-to-space copy that adds the bias:
/// out[n, m, y * k0 + i, x * k1 + j] = Y[n, (m, i, j), y, x] + B[m]. The
/// product is a plain matrix product without the 3 zeros in 4 of the
/// spread input (k = 2), and the filter is a transpose of the weights (a
/// constant the CPU pipeline folds).
Value buildPixelShuffleConvTranspose(OpBuilder &b, Location loc, Value x,
                                     Value w, Value bias,
                                     RankedTensorType resultType) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
  int64_t h = xType.getDimSize(2), wd = xType.getDimSize(3);
  int64_t m = wType.getDimSize(1), k0 = wType.getDimSize(2),
          k1 = wType.getDimSize(3);
  Type element = xType.getElementType();
  Value matrix = tensor::CollapseShapeOp::create(
      b, loc, buildTranspose(b, loc, w, {1, 2, 3, 0}),
      ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
  Value filter = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({m * k0 * k1, c, 1, 1}, element), matrix,
      ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
  Value zero = buildScalar(b, loc, element, 0);
  Value product = buildConvolution(
      b, loc, x, filter,
      buildFilled(b, loc,
                  RankedTensorType::get({n, m * k0 * k1, h, wd}, element),
                  zero),
      {1, 1}, {1, 1}, /*group=*/1);
  Value taps = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({n, m, k0, k1, h, wd}, element), product,
      ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}, {4}, {5}});

  // Loops (n, m, y, i, x, j) over the output [n, m, y, i, x, j].
  MLIRContext *context = b.getContext();
  AffineExpr dn, dm, dy, di, dx, dj;
  bindDims(context, dn, dm, dy, di, dx, dj);
  SmallVector<Value> inputs = {taps};
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0, {dn, dm, di, dj, dy, dx}, context)};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(6, 0, {dm}, context));
  }
  maps.push_back(b.getMultiDimIdentityMap(6));
  Value init = tensor::EmptyOp::create(b, loc, {n, m, h, k0, wd, k1}, element);
  auto shuffle = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, getIteratorTypes(6),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value value = bias ? buildAdd(b, loc, args[0], args[1]) : args[0];
        linalg::YieldOp::create(b, loc, value);
      });
  return tensor::CollapseShapeOp::create(
      b, loc, resultType, shuffle.getResult(0),
      ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}, {4, 5}});
}

FailureOr<Value> lowerConvTranspose(nn::ConvTransposeOp op,
                                    nn::ConvTransposeOp::Adaptor adaptor,
                                    RankedTensorType resultType,
                                    ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value x = adaptor.getX();
  Value w = adaptor.getW();
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t rank = xType.getRank();
  int64_t spatial = rank - 2;
  int64_t group = op.getGroup();
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  FailureOr<nn::TransposedWindowGeometry> window = nn::resolveTransposedWindow(
      loc, xType.getShape().drop_front(2), kernel, op.getStrides(),
      op.getDilations(), op.getPads(), op.getAutoPad(), op.getOutputPadding(),
      op.getOutputShape());
  if (failed(window))
    return failure();
  if (isPixelShuffle(op, kernel, *window, xType.getShape().drop_front(2)))
    return buildPixelShuffleConvTranspose(
        rewriter, loc, x, w, nn::isNone(op.getB()) ? Value() : adaptor.getB(),
        resultType);
  Type element = xType.getElementType();
  Value zero = buildScalar(rewriter, loc, element, 0);

  // Zero insertion and padding in one.
  Value input =
      buildSpreadTransposedInput(rewriter, loc, x, kernel, *window, zero);

  Value filter = buildForwardFilter(rewriter, loc, w, group);
  Value init;
  if (nn::isNone(op.getB())) {
    init = buildFilled(rewriter, loc, resultType, zero);
  } else {
    SmallVector<int64_t> biasShape = {resultType.getDimSize(1)};
    biasShape.append(spatial, 1);
    init = buildBroadcastTo(
        rewriter, loc, buildReshape(rewriter, loc, adaptor.getB(), biasShape),
        resultType.getShape());
  }
  SmallVector<int64_t> ones(spatial, 1);
  return buildConvolution(rewriter, loc, input, filter, init, ones,
                          window->dilations, group);
}

} // namespace

void whittle::populateNNConvTransposeToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  addStaticResultLowerings<lowerConvTranspose>(converter, patterns);
}
