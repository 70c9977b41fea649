//===- NNToQNNConverter.h - quantized ONNX graphs to qnn ------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Private to WhittleNNToQNN: the converter behind --nn-to-qnn, split over
// NNToQNN.cpp (values, QDQ fusion, the walk and the pass),
// QOperatorToQNN.cpp (QLinear*, *Integer and com.microsoft ops, data
// movement) and NNToQNNParams.cpp (reading ONNX's scales and zero points).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_LIB_CONVERSION_NNTOQNN_NNTOQNNCONVERTER_H
#define WHITTLE_LIB_CONVERSION_NNTOQNN_NNTOQNNCONVERTER_H

#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNScalarFunctions.h"
#include "whittle/Dialect/NN/NNShapes.h"
#include "whittle/Dialect/QNN/QNNBuilders.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace whittle::nntoqnn {

using namespace mlir;

//===----------------------------------------------------------------------===//
// Quantization parameters
//===----------------------------------------------------------------------===//

/// Constant scales and zero points of one quantized tensor as the ONNX model
/// stores them (float32, per tensor or per channel along `axis`), zero
/// points in the signed (i8) form. The ops are built from them through
/// qnn's builders (QNNBuilders.h), as --whittle-quantize builds its own.
struct ONNXParams {
  SmallVector<float> scales;
  SmallVector<int32_t> zeroPoints;
  int64_t axis = 1;

  bool isPerTensor() const { return scales.size() == 1; }
  float scale() const { return scales.front(); }
  int32_t zeroPoint() const { return zeroPoints.front(); }
  bool operator==(const ONNXParams &other) const {
    return scales == other.scales && zeroPoints == other.zeroPoints &&
           (isPerTensor() || axis == other.axis);
  }
};

using qnn::Clamp;

/// ONNX TensorProto data types, for nn.cast's `to`.
constexpr int64_t kOnnxUInt8 = 2, kOnnxInt8 = 3, kOnnxInt32 = 6;

Type getElementType(Value value);
bool isPlainInt8(Type type);
bool isInt8Tensor(Value value);
bool isConstantOrNone(Value value);

/// Reads constant scales (f32) and zero points (`none` meaning 0) of a tensor
/// whose element type is `dataType`; a uint8 zero point becomes `z - 128`.
std::optional<ONNXParams> readParams(Value scale, Value zeroPoint,
                                     Type dataType, int64_t axis, int64_t rank);

/// The zero points of an integer product's operand in the i8 form (one, or
/// one per channel), `none` meaning 0.
std::optional<SmallVector<int32_t>> readZeroPoints(Value zeroPoint,
                                                   Type dataType);

/// ONNX Runtime's real rescale ratio `a * b / c`, evaluated in float32 as
/// its kernels do.
double ratio(float a, float b, float c);

/// `round(value / scale) + zeroPoint` saturated to i8, as QuantizeLinear
/// computes it (float32 division, half to even).
int32_t quantizeScalar(float value, float scale, int32_t zeroPoint);

/// The 31-bit fixed-point rescale of the real ratio `real`.
std::optional<qnn::Rescale> getRescale(double real);

/// The output stage of a rescale to `y` clamped by `clamp`.
qnn::OutputStage
getOutputStage(const ONNXParams &y, Clamp clamp,
               qnn::RoundingMode rounding = qnn::RoundingMode::nearest_even);

std::optional<float> getScalarFloat(Value value);

/// The elementwise function of one float that `op` computes, if it is one
/// whose quantized form is a lookup table.
std::optional<nn::ScalarFunction> getUnaryFunction(Operation *op);

/// A 256-entry table of `quantize(f(dequantize(q)))` for every i8 `q`.
SmallVector<int8_t> buildTable(const nn::ScalarFunction &f, const ONNXParams &x,
                               const ONNXParams &y);

/// Ops that move quantized elements without looking at their values. Not
/// Concat (its inputs may differ in scale: qnn.concat) nor Pad (its value
/// would need quantizing).
bool isDataMovement(Operation *op);

/// An operand of data movement that is float data rather than a shape, an
/// index or a constant scale (a nearest Resize's `scales` and `roi`).
bool isFloatData(Value value);

/// Explicit strides, dilations and pads of a Conv, QLinearConv or
/// ConvInteger, and its group.
FailureOr<nn::WindowGeometry> getConvGeometry(Operation *op);
int64_t getConvGroup(Operation *op);

/// An 8-bit operand in its i8 form with its parameters.
struct QOperand {
  Value value;
  ONNXParams params;
};

/// A per-tensor operand as qnn's builders take it.
inline qnn::Operand operand(const QOperand &q) {
  return {q.value, q.params.zeroPoint()};
}

class Converter {
public:
  explicit Converter(func::FuncOp func) : func(func), b(func.getContext()) {}

  LogicalResult run();

private:
  // Values.
  Value getSigned(Value value);
  Value buildOffset(Value value, int32_t offset, int64_t onnxType);
  Value transposeConstant(Value value);
  std::optional<QOperand> getDequantized(Value value);
  std::optional<QOperand> getOperand(Value data, Value scale, Value zeroPoint,
                                     int64_t axis = 1);
  FailureOr<Value> getBias(Value value, ArrayRef<double> expected);

  // Builders shared by the QDQ and QOperator forms.
  Value buildRequantize(Location loc, Value acc, ArrayRef<double> reals,
                        int64_t axis, const ONNXParams &y, Clamp clamp);
  Value buildConv(Location loc, const QOperand &x, const QOperand &w,
                  Value bias, Operation *convLike, const ONNXParams &y,
                  Clamp clamp);
  Value buildMatMul(Location loc, const QOperand &a, const QOperand &bOp,
                    Value bias, double alpha, const ONNXParams &y, Clamp clamp);
  Value buildAdd(Location loc, const QOperand &a, const QOperand &bOp,
                 const ONNXParams &y, Clamp clamp, bool isMul);
  Value buildAvgPool(Location loc, const QOperand &x, Operation *pool,
                     const ONNXParams &y, Clamp clamp);
  Value buildConcat(Location loc, ArrayRef<QOperand> inputs, int64_t axis,
                    const ONNXParams &y, Clamp clamp);
  Value buildSoftmax(Location loc, const QOperand &x, int64_t axis,
                     const ONNXParams &y, Clamp clamp);
  Value buildReshape(Location loc, Value value, ArrayRef<int64_t> shape);
  Value requantizeByTable(Location loc, Value value, const ONNXParams &x,
                          const ONNXParams &y);

  // QDQ.
  std::optional<Clamp> getActivationClamp(Operation *op, const ONNXParams &y);
  Value fuse(Value x, const ONNXParams &y, Clamp clamp);
  Value fuseGemm(nn::GemmOp gemm, const ONNXParams &y, Clamp clamp);
  void visitQuantize(nn::QuantizeLinearOp op);
  void visitDequantize(nn::DequantizeLinearOp op);

  // QOperator and data movement.
  void visitDataMovement(Operation *op);
  void visitMaxPool(nn::MaxPoolOp op);
  void visitQLinearConv(nn::QLinearConvOp op);
  void visitQLinearMatMul(nn::QLinearMatMulOp op);
  void visitConvInteger(nn::ConvIntegerOp op);
  void visitMatMulInteger(nn::MatMulIntegerOp op);
  void visitMicrosoftOp(Operation *op);

  func::FuncOp func;
  OpBuilder b;
  DenseMap<Value, Value> signedOf;
};

} // namespace whittle::nntoqnn

#endif // WHITTLE_LIB_CONVERSION_NNTOQNN_NNTOQNNCONVERTER_H
