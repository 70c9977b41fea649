//===- Quantizer.h - the calibrated quantizer's state ---------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Private to WhittleTransforms: the quantizer behind --whittle-quantize,
// split by concern over Quantize.cpp (the pass: options, BatchNorm folding,
// SQNR and report), QuantizeScales.cpp (choosing scales, zero points and
// integer rescales), Quantizer.cpp (the walk, lookups and fusion),
// QuantizeProducts.cpp (conv, gemm, matmul) and QuantizeLayers.cpp (every
// other layer).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_LIB_TRANSFORMS_QUANTIZER_H
#define WHITTLE_LIB_TRANSFORMS_QUANTIZER_H

#include "whittle/Dialect/NN/LayerName.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNScalarFunctions.h"
#include "whittle/Dialect/QNN/QNNBuilders.h"
#include "whittle/Transforms/QuantizeReport.h"
#include "whittle/Transforms/QuantizeSQNR.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <string>
#include <vector>

namespace whittle::quantize {

using namespace mlir;

enum class Scheme { FixedPoint, PowerOfTwo };

using qnn::QParams;
using qnn::QValue;
using qnn::Rescale;

/// The bounds a fused Relu or Clip puts on a layer's output, in real
/// values; getOutputStage turns them into the output stage's qnn::Clamp.
struct RealBounds {
  double lo = -INFINITY, hi = INFINITY;
};

inline std::string getLayerName(Operation *op) { return nn::describeLayer(op); }

/// Where a layer's integer result goes: the float value it stands for (the
/// layer's own result, or that of the Relu/Clip fused into it), the bounds of
/// that activation, the parameters calibration chose for it, and the op
/// before which the integer layer is built (the last one it replaces).
struct LayerOutput {
  Value value;
  RealBounds bounds;
  QParams params;
  Operation *insertionPoint;
};

/// Symmetric int8 weights in [-127, 127], one scale per channel (or one for
/// all when per tensor).
struct QuantizedWeights {
  SmallVector<int8_t> values;
  SmallVector<double> scales;
};

/// A product's integer form: its weights, bias at scale s_x * s_w, the
/// rescales of its output channels and its report entry.
struct QuantizedProduct {
  QuantizedWeights weights;
  SmallVector<int32_t> bias;
  SmallVector<Rescale> rescales;
  LayerReport layer;
};

class Quantizer {
public:
  Quantizer(func::FuncOp func, Scheme scheme, qnn::RoundingMode rounding,
            bool perChannel, bool symmetric, bool unsignedAfterRelu)
      : func(func), builder(func.getContext()), scheme(scheme),
        rounding(rounding), perChannel(perChannel), symmetric(symmetric),
        unsignedAfterRelu(unsignedAfterRelu) {}

  LogicalResult run();
  /// Erases the float ops, dead once the outputs are dequantized twins.
  void eraseFloatModel();
  std::vector<LayerReport> takeReport() { return std::move(report); }
  /// Each report entry's float output and its i8 twin, in report order
  /// (valid until eraseFloatModel).
  ArrayRef<QuantizedLayerOutput> getLayerOutputs() const {
    return layerOutputs;
  }

private:
  // Parameters.
  FailureOr<QParams> getActivationParams(Value floatValue, Operation *user);
  QParams getParamsForRange(double lo, double hi) const;
  double roundScale(double scale) const;
  FailureOr<Rescale> getRescale(double real, Operation *op) const;
  qnn::Clamp getClamp(QParams params, RealBounds bounds) const;
  qnn::RoundingMode getRounding(bool powerOfTwoDivisor = true) const;
  /// The output stage of a layer whose output has `params`, with the bounds
  /// of a fused activation; averages and softmax divide by counts that need
  /// not be powers of two (`powerOfTwoDivisor` false).
  qnn::OutputStage getOutputStage(QParams params, RealBounds bounds = {},
                                  bool powerOfTwoDivisor = true) const;

  // Lookups and fusion.
  FailureOr<QValue> lookup(Value floatValue, Operation *user);
  FailureOr<QValue> lookupOrQuantizeConstant(Value floatValue, Operation *user,
                                             bool reciprocal);
  /// The op's result, or the result of the Relu/Clip that is its only use
  /// (then `clamp` is set and `fused` is that op).
  Value getFusedOutput(Operation *op, RealBounds &bounds, Operation *&fused);
  /// The fused output of `op` and its calibrated parameters.
  FailureOr<LayerOutput> getLayerOutput(Operation *op);
  FailureOr<RealBounds> getActivationBounds(Operation *op);

  // Rewrites of each kind of op.
  LogicalResult quantizeConv(nn::ConvOp op);
  LogicalResult quantizeMatrixProduct(Operation *op, Value a, Value b, Value c,
                                      bool transB, double alpha, double beta);
  LogicalResult quantizeAddSub(Operation *op, bool subtract);
  LogicalResult quantizeMulDiv(Operation *op, bool divide);
  LogicalResult quantizeStandaloneClamp(Operation *op);
  LogicalResult quantizeMaxPool(nn::MaxPoolOp op);
  LogicalResult quantizeAveragePool(nn::AveragePoolOp op);
  LogicalResult quantizeGlobalAveragePool(nn::GlobalAveragePoolOp op);
  /// What both average pools share: the fused output, its parameters, the
  /// rescale by the input's scale over the output's, and the report.
  LogicalResult quantizeAverage(
      Operation *op, const QValue &x, StringRef kind,
      function_ref<Value(const Rescale &, const qnn::OutputStage &)> buildPool);
  LogicalResult quantizeConcat(nn::ConcatOp op);
  LogicalResult quantizeLookupTable(Operation *op, nn::ScalarFunction f);
  LogicalResult quantizeSoftmax(nn::SoftmaxOp op);
  LogicalResult quantizeDataMovement(Operation *op);
  LogicalResult quantizePad(nn::PadOp op);
  LogicalResult quantizeResize(nn::ResizeOp op);
  LogicalResult quantizeReturn(func::ReturnOp op);
  LogicalResult quantizeOp(Operation *op);

  /// What conv and matmul share once their float weights ([channels,
  /// reduction] after `channelOf`) and bias are read: the int8 weights, the
  /// i32 bias, the accumulator check, the rescales and the report entry.
  FailureOr<QuantizedProduct>
  quantizeProduct(Operation *op, StringRef kind, const QValue &x,
                  const LayerOutput &out, ArrayRef<double> weights,
                  ArrayRef<int64_t> channelOf, int64_t channels,
                  ArrayRef<double> bias);
  // Checks the i32 accumulator of a product with int8 weights `weights`
  // ([channels, reduction] row-major after `channelOf`).
  LogicalResult checkAccumulator(Operation *op, QParams input,
                                 ArrayRef<int8_t> weights,
                                 ArrayRef<int64_t> channelOf,
                                 ArrayRef<int32_t> bias, int64_t channels,
                                 LayerReport &layer);
  // The rescales of a product's `count` output channels (one when per
  // tensor), inputScale * weightScales[c] / outputScale each, recorded in
  // `layer`.
  FailureOr<SmallVector<Rescale>>
  getProductRescales(Operation *op, double inputScale,
                     ArrayRef<double> weightScales, int64_t count,
                     double outputScale, LayerReport &layer) const;

  RankedTensorType withElementType(Type type, Type element) const {
    return cast<RankedTensorType>(type).clone(element);
  }
  static qnn::Operand operand(const QValue &value) {
    return {value.value, value.params.zeroPoint};
  }
  Value createConstant(Location loc, RankedTensorType type,
                       ArrayRef<int64_t> values, StringRef nameHint);
  void record(Value floatValue, Value value, QParams params) {
    map[floatValue] = {value, params};
  }
  /// Adds a report entry for the layer whose float output is `output`
  /// (already recorded).
  void addLayer(LayerReport layer, Value output) {
    QValue twin = map.lookup(output);
    layerOutputs.push_back(
        {output, twin.value, twin.params.scale, twin.params.zeroPoint});
    report.push_back(std::move(layer));
  }

  func::FuncOp func;
  OpBuilder builder;
  Scheme scheme;
  qnn::RoundingMode rounding;
  bool perChannel, symmetric, unsignedAfterRelu;
  DenseMap<Value, QValue> map;
  DenseSet<Operation *> fusedOps;
  std::vector<LayerReport> report;
  std::vector<QuantizedLayerOutput> layerOutputs;
};

/// What a product's weight scales must leave room for: its float bias (one
/// per output channel, empty without one) at scale `inputScale * s_w`, and
/// its rescale `inputScale * s_w / outputScale`.
struct WeightScaleBounds {
  ArrayRef<double> bias;
  double inputScale;
  double outputScale;
};

/// The weights at their channels' scales: `max|w| / 127`, then raised to the
/// floor `2^-31 * outputScale / inputScale` (below it, a whole i32
/// accumulator moves the output by less than one step: a dead channel), then
/// raised until the bias is at most 2^30 (half the i32 range, the other half
/// for the products), then (pow2) rounded up to a power of two. Live
/// channels meet both bounds already and keep `max|w| / 127`.
QuantizedWeights quantizeWeights(ArrayRef<double> weights,
                                 ArrayRef<int64_t> channelOf, int64_t channels,
                                 bool perChannel, bool powerOfTwo,
                                 const WeightScaleBounds &bounds);

/// The bias at scale `inputScale * weightScales[c]`; `overflow` when a value
/// does not fit in i32 (then saturated).
SmallVector<int32_t> quantizeBias(ArrayRef<double> bias, double inputScale,
                                  ArrayRef<double> weightScales,
                                  bool &overflow);

} // namespace whittle::quantize

#endif // WHITTLE_LIB_TRANSFORMS_QUANTIZER_H
