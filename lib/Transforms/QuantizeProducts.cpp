//===- QuantizeProducts.cpp - conv, gemm and matmul to qnn ----------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// A product with constant weights becomes qnn.conv or qnn.matmul on int8
// weights and an i32 bias, then qnn.requantize to the output's scale (with
// a following Relu or Clip fused into its clamp).
//
//===----------------------------------------------------------------------===//

#include "Quantizer.h"

#include "whittle/Dialect/NN/NNOpKinds.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNArithmetic.h"
#include "whittle/Dialect/QNN/QNNResize.h"
#include "whittle/Transforms/Calibration.h"
#include "whittle/Transforms/SparsityPattern.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace whittle;
using namespace whittle::quantize;

FailureOr<QuantizedProduct>
Quantizer::quantizeProduct(Operation *op, StringRef kind, const QValue &x,
                           const LayerOutput &out, ArrayRef<double> weights,
                           ArrayRef<int64_t> channelOf, int64_t channels,
                           ArrayRef<double> bias) {
  QuantizedProduct product;
  product.weights = quantizeWeights(weights, channelOf, channels, perChannel,
                                    scheme == Scheme::PowerOfTwo,
                                    {bias, x.params.scale, out.params.scale});
  ArrayRef<double> weightScales = product.weights.scales;
  bool biasOverflow;
  product.bias = quantizeBias(bias, x.params.scale, weightScales, biasOverflow);
  if (biasOverflow)
    return op->emitError() << "whittle-quantize: the bias of '"
                           << getLayerName(op)
                           << "' does not fit in i32 at scale s_x * s_w";
  LayerReport &layer = product.layer;
  layer.name = getLayerName(op);
  layer.kind = kind.str();
  layer.input = {x.params.scale, x.params.zeroPoint};
  layer.output = {out.params.scale, out.params.zeroPoint};
  layer.weightScales.assign(weightScales.begin(), weightScales.end());
  if (failed(checkAccumulator(op, x.params, product.weights.values, channelOf,
                              product.bias, channels, layer)))
    return failure();
  auto rescales =
      getProductRescales(op, x.params.scale, weightScales,
                         perChannel ? channels : 1, out.params.scale, layer);
  if (failed(rescales))
    return failure();
  product.rescales = std::move(*rescales);
  return product;
}

LogicalResult Quantizer::quantizeConv(nn::ConvOp op) {
  auto x = lookup(op.getX(), op);
  if (failed(x))
    return failure();
  ElementsAttr wElements = nn::getConstantElements(op.getW());
  auto wType = cast<RankedTensorType>(op.getW().getType());
  auto xType = cast<RankedTensorType>(op.getX().getType());
  if (!wElements || !wType.hasStaticShape())
    return op.emitError() << "whittle-quantize: '" << getLayerName(op)
                          << "' has computed weights; only convolutions "
                             "with constant weights can be quantized";
  auto weights = nn::readAsDoubles(wElements);
  int64_t channels = wType.getDimSize(0);
  SmallVector<double> bias(channels, 0.0);
  bool hasBias = op.getB() && !nn::isNone(op.getB());
  if (hasBias) {
    ElementsAttr bElements = nn::getConstantElements(op.getB());
    auto values = bElements ? nn::readAsDoubles(bElements) : std::nullopt;
    if (!values || (int64_t)values->size() != channels)
      return op.emitError() << "whittle-quantize: '" << getLayerName(op)
                            << "' has a computed bias; only constant biases "
                               "can be quantized";
    bias.assign(values->begin(), values->end());
  }
  auto geometry =
      nn::resolveWindow(op.getLoc(), xType.getShape().drop_front(2),
                        wType.getShape().drop_front(2), op.getStrides(),
                        op.getDilations(), op.getPads(), op.getAutoPad());
  if (failed(geometry))
    return failure();

  auto out = getLayerOutput(op);
  if (failed(out))
    return failure();

  int64_t perChannelCount = wType.getNumElements() / channels;
  SmallVector<int64_t> channelOf;
  for (int64_t i = 0, e = wType.getNumElements(); i < e; ++i)
    channelOf.push_back(i / perChannelCount);
  auto product = quantizeProduct(op, "conv", *x, *out, *weights, channelOf,
                                 channels, bias);
  if (failed(product))
    return failure();
  const QuantizedWeights &qw = product->weights;
  ArrayRef<int32_t> qBias = product->bias;

  builder.setInsertionPoint(out->insertionPoint);
  Location loc = op.getLoc();
  SmallVector<int64_t> wInts(qw.values.begin(), qw.values.end());
  Value w = createConstant(loc, withElementType(wType, builder.getI8Type()),
                           wInts, "qweight");
  SmallVector<int64_t> bInts(qBias.begin(), qBias.end());
  Value b = createConstant(
      loc, RankedTensorType::get({channels}, builder.getI32Type()), bInts,
      "qbias");
  qnn::RequantizeOp requantize = qnn::buildRequantizedConv(
      builder, loc, operand(*x), w, /*weightZeroPoints=*/{0}, b, *geometry,
      op.getGroup(), product->rescales,
      getOutputStage(out->params, out->bounds));
  // The weights keep their zeros; the pattern tells the back ends so.
  transferSparsityPattern(op, requantize.getX().getDefiningOp(),
                          /*weightOperand=*/1);
  record(out->value, requantize, out->params);
  addLayer(std::move(product->layer), out->value);
  return success();
}

LogicalResult Quantizer::quantizeMatrixProduct(Operation *op, Value aFloat,
                                               Value bFloat, Value cFloat,
                                               bool transB, double alpha,
                                               double beta) {
  auto a = lookup(aFloat, op);
  if (failed(a))
    return failure();
  ElementsAttr bElements = nn::getConstantElements(bFloat);
  auto bType = cast<RankedTensorType>(bFloat.getType());
  if (!bElements || bType.getRank() != 2 || !bType.hasStaticShape())
    return op->emitError() << "whittle-quantize: '" << getLayerName(op)
                           << "' multiplies by a computed or non-2-D "
                              "matrix; only constant 2-D weights can be "
                              "quantized";
  auto bValues = nn::readAsDoubles(bElements);
  int64_t rows = bType.getDimSize(0), cols = bType.getDimSize(1);
  int64_t k = transB ? cols : rows, n = transB ? rows : cols;
  // The weight as [K, N], transposed here when the model stores [N, K].
  SmallVector<double> weights(k * n);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j)
      weights[i * n + j] =
          alpha * (transB ? (*bValues)[j * k + i] : (*bValues)[i * n + j]);
  SmallVector<double> bias(n, 0.0);
  bool hasBias = cFloat && !nn::isNone(cFloat);
  if (hasBias) {
    ElementsAttr cElements = nn::getConstantElements(cFloat);
    auto values = cElements ? nn::readAsDoubles(cElements) : std::nullopt;
    auto cType = cast<RankedTensorType>(cFloat.getType());
    bool perColumn = values &&
                     (values->size() == 1 || (int64_t)values->size() == n) &&
                     (cType.getRank() < 2 || cType.getDimSize(0) == 1);
    if (!perColumn)
      return op->emitError() << "whittle-quantize: '" << getLayerName(op)
                             << "' adds a computed or 2-D C; only a constant "
                                "bias per output column can be quantized";
    for (int64_t j = 0; j < n; ++j)
      bias[j] = beta * (*values)[values->size() == 1 ? 0 : j];
  }

  auto out = getLayerOutput(op);
  if (failed(out))
    return failure();

  SmallVector<int64_t> channelOf;
  for (int64_t i = 0; i < k * n; ++i)
    channelOf.push_back(i % n);
  auto product =
      quantizeProduct(op, "matmul", *a, *out, weights, channelOf, n, bias);
  if (failed(product))
    return failure();
  const QuantizedWeights &qw = product->weights;
  ArrayRef<int32_t> qBias = product->bias;

  builder.setInsertionPoint(out->insertionPoint);
  Location loc = op->getLoc();
  SmallVector<int64_t> wInts(qw.values.begin(), qw.values.end());
  Value w =
      createConstant(loc, RankedTensorType::get({k, n}, builder.getI8Type()),
                     wInts, "qweight");
  Value qBiasValue;
  if (hasBias) {
    SmallVector<int64_t> bInts(qBias.begin(), qBias.end());
    qBiasValue = createConstant(
        loc, RankedTensorType::get({n}, builder.getI32Type()), bInts, "qbias");
  }
  qnn::RequantizeOp requantize = qnn::buildRequantizedMatMul(
      builder, loc, operand(*a), w, /*weightZeroPoints=*/{0}, qBiasValue,
      product->rescales, getOutputStage(out->params, out->bounds));
  // The weight is now [K, N] whatever the Gemm's transB was.
  if (std::optional<SparsityPattern> pattern = getSparsityPattern(op)) {
    pattern->layout = WeightLayout{/*operand=*/1, /*outAxis=*/1, /*inAxis=*/0};
    setSparsityPattern(requantize.getX().getDefiningOp(), *pattern);
  }
  record(out->value, requantize, out->params);
  addLayer(std::move(product->layer), out->value);
  return success();
}
