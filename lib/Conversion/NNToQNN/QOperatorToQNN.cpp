//===- QOperatorToQNN.cpp - QOperator and com.microsoft ops ---------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// ONNX's QOperator form (QLinearConv, QLinearMatMul, ConvInteger,
// MatMulInteger), ONNX Runtime's com.microsoft quantized ops and data
// movement on converted 8-bit values, through the same qnn builders as the
// QDQ form.
//
//===----------------------------------------------------------------------===//

#include "NNToQNNConverter.h"

#include "whittle/Dialect/NN/NNOpKinds.h"
#include "whittle/Dialect/NN/NNTensorData.h"
#include "whittle/Dialect/QNN/QNNArithmetic.h"

#include <cmath>

using namespace mlir;
using namespace whittle;
using namespace whittle::nntoqnn;

#include "mlir/IR/IRMapping.h"

//===----------------------------------------------------------------------===//
// QOperator and data movement
//===----------------------------------------------------------------------===//

/// Reshapes and other data movement copy quantized elements without looking
/// at them: the same op on the i8 tensor.
void Converter::visitDataMovement(Operation *op) {
  if (op->getNumOperands() == 0)
    return;
  auto it = signedOf.find(op->getOperand(0));
  if (it == signedOf.end())
    return;
  // Any other 8-bit operand (a pad value) would need the same shift.
  for (Value operand : op->getOperands().drop_front())
    if (isInt8Tensor(operand))
      return;
  Type element = getElementType(op->getOperand(0));
  b.setInsertionPoint(op);
  IRMapping mapping;
  mapping.map(op->getOperand(0), it->second);
  Operation *clone = b.clone(*op, mapping);
  for (auto [old, now] : llvm::zip(op->getResults(), clone->getResults())) {
    auto type = dyn_cast<RankedTensorType>(old.getType());
    if (!type || type.getElementType() != element)
      continue;
    now.setType(RankedTensorType::get(type.getShape(), b.getI8Type()));
    signedOf[old] = now;
  }
}

void Converter::visitMaxPool(nn::MaxPoolOp op) {
  auto it = signedOf.find(op.getX());
  if (it == signedOf.end() || !op.getIndices().use_empty())
    return;
  auto type = cast<RankedTensorType>(op.getX().getType());
  if (!type.hasStaticShape())
    return;
  FailureOr<nn::WindowGeometry> geometry =
      nn::resolveWindow(std::nullopt, type.getShape().drop_front(2),
                        op.getKernelShape(), op.getStrides(), op.getDilations(),
                        op.getPads(), op.getAutoPad(), op.getCeilMode() != 0);
  if (failed(geometry))
    return;
  b.setInsertionPoint(op);
  signedOf[op.getY()] = qnn::buildMaxPool(b, op.getLoc(), it->second, *geometry,
                                          op.getCeilMode() != 0);
}

void Converter::visitQLinearConv(nn::QLinearConvOp op) {
  b.setInsertionPoint(op);
  std::optional<QOperand> x =
      getOperand(op.getX(), op.getXScale(), op.getXZeroPoint());
  std::optional<QOperand> w =
      getOperand(op.getW(), op.getWScale(), op.getWZeroPoint(), 0);
  std::optional<ONNXParams> y =
      readParams(op.getYScale(), op.getYZeroPoint(), getElementType(op.getY()),
                 1, cast<ShapedType>(op.getY().getType()).getRank());
  if (!x || !w || !y)
    return;
  Value bias = nn::isNone(op.getB()) ? Value() : op.getB();
  if (Value result = buildConv(op.getLoc(), *x, *w, bias, op, *y, Clamp()))
    signedOf[op.getY()] = result;
}

void Converter::visitQLinearMatMul(nn::QLinearMatMulOp op) {
  b.setInsertionPoint(op);
  int64_t bRank = cast<ShapedType>(op.getB().getType()).getRank();
  std::optional<QOperand> a =
      getOperand(op.getA(), op.getAScale(), op.getAZeroPoint());
  std::optional<QOperand> w =
      getOperand(op.getB(), op.getBScale(), op.getBZeroPoint(), bRank - 1);
  std::optional<ONNXParams> y =
      readParams(op.getYScale(), op.getYZeroPoint(), getElementType(op.getY()),
                 1, cast<ShapedType>(op.getY().getType()).getRank());
  if (!a || !w || !y)
    return;
  if (Value result =
          buildMatMul(op.getLoc(), *a, *w, Value(), 1.0, *y, Clamp()))
    signedOf[op.getY()] = result;
}

void Converter::visitConvInteger(nn::ConvIntegerOp op) {
  b.setInsertionPoint(op);
  Value x = getSigned(op.getX());
  Value w = getSigned(op.getW());
  if (!x || !w)
    return;
  std::optional<SmallVector<int32_t>> xZero =
      readZeroPoints(op.getXZeroPoint(), getElementType(op.getX()));
  std::optional<SmallVector<int32_t>> wZero =
      readZeroPoints(op.getWZeroPoint(), getElementType(op.getW()));
  FailureOr<nn::WindowGeometry> geometry = getConvGeometry(op);
  if (!xZero || !wZero || xZero->size() != 1 || failed(geometry))
    return;
  Value acc = qnn::buildConv(b, op.getLoc(), {x, xZero->front()}, w, *wZero,
                             Value(), *geometry, op.getGroup());
  op.getY().replaceAllUsesWith(acc);
}

void Converter::visitMatMulInteger(nn::MatMulIntegerOp op) {
  b.setInsertionPoint(op);
  Value a = getSigned(op.getA());
  Value w = getSigned(op.getB());
  if (!a || !w)
    return;
  std::optional<SmallVector<int32_t>> aZero =
      readZeroPoints(op.getAZeroPoint(), getElementType(op.getA()));
  std::optional<SmallVector<int32_t>> bZero =
      readZeroPoints(op.getBZeroPoint(), getElementType(op.getB()));
  if (!aZero || !bZero || aZero->size() != 1 ||
      cast<ShapedType>(op.getA().getType()).getRank() < 2 ||
      cast<ShapedType>(op.getB().getType()).getRank() < 2 ||
      (bZero->size() != 1 &&
       cast<ShapedType>(op.getBZeroPoint().getType()).getRank() != 1))
    return;
  Value acc =
      qnn::buildMatMul(b, op.getLoc(), {a, aZero->front()}, w, *bZero, Value());
  op.getY().replaceAllUsesWith(acc);
}

/// ONNX Runtime's com.microsoft quantized ops (per-tensor parameters).
void Converter::visitMicrosoftOp(Operation *op) {
  b.setInsertionPoint(op);
  auto params = [&](Value data, Value scale, Value zeroPoint) {
    return readParams(scale, zeroPoint, getElementType(data), 1,
                      cast<ShapedType>(data.getType()).getRank());
  };
  Value result;
  if (isa<nn::MSQLinearAddOp, nn::MSQLinearMulOp>(op)) {
    // Both share the operand order A, A_scale, A_zp, B, ..., C_scale, C_zp.
    std::optional<QOperand> a =
        getOperand(op->getOperand(0), op->getOperand(1), op->getOperand(2));
    std::optional<QOperand> bOp =
        getOperand(op->getOperand(3), op->getOperand(4), op->getOperand(5));
    std::optional<ONNXParams> y =
        params(op->getResult(0), op->getOperand(6), op->getOperand(7));
    if (a && bOp && y)
      result = buildAdd(op->getLoc(), *a, *bOp, *y, Clamp(),
                        isa<nn::MSQLinearMulOp>(op));
  } else if (isa<nn::MSQLinearGlobalAveragePoolOp, nn::MSQLinearAveragePoolOp,
                 nn::MSQLinearSigmoidOp, nn::MSQLinearLeakyReluOp>(op)) {
    std::optional<QOperand> x =
        getOperand(op->getOperand(0), op->getOperand(1), op->getOperand(2));
    std::optional<ONNXParams> y =
        params(op->getResult(0), op->getOperand(3), op->getOperand(4));
    if (!x || !y || !x->params.isPerTensor() || !y->isPerTensor())
      return;
    if (isa<nn::MSQLinearSigmoidOp>(op)) {
      nn::ScalarFunction sigmoid(nn::ScalarFunction::Kind::Sigmoid);
      result = qnn::buildLookupTable(b, op->getLoc(), x->value,
                                     buildTable(sigmoid, x->params, *y));
    } else if (auto leaky = dyn_cast<nn::MSQLinearLeakyReluOp>(op)) {
      nn::ScalarFunction f(nn::ScalarFunction::Kind::LeakyRelu,
                           leaky.getAlpha().convertToDouble());
      result = qnn::buildLookupTable(b, op->getLoc(), x->value,
                                     buildTable(f, x->params, *y));
    } else {
      result = buildAvgPool(op->getLoc(), *x, op, *y, Clamp());
    }
  } else if (auto softmax = dyn_cast<nn::MSQLinearSoftmaxOp>(op)) {
    std::optional<QOperand> x = getOperand(softmax.getX(), softmax.getXScale(),
                                           softmax.getXZeroPoint());
    std::optional<ONNXParams> y =
        params(softmax.getY(), softmax.getYScale(), softmax.getYZeroPoint());
    int64_t rank = cast<ShapedType>(softmax.getX().getType()).getRank();
    auto axis = static_cast<int64_t>(softmax.getAxis());
    if (axis < 0)
      axis += rank;
    if (!x || !y)
      return;
    // Before opset 13 the reduction runs over every dimension from `axis`
    // on: those become one (a reshape on i8) around the softmax.
    auto type = cast<RankedTensorType>(x->value.getType());
    bool flatten = static_cast<int64_t>(softmax.getOpset()) < 13 &&
                   axis != rank - 1 && type.hasStaticShape();
    if (flatten) {
      SmallVector<int64_t> shape(type.getShape().take_front(axis));
      shape.push_back(ShapedType::getNumElements(type.getShape()) /
                      std::max<int64_t>(ShapedType::getNumElements(shape), 1));
      x->value = buildReshape(op->getLoc(), x->value, shape);
    }
    result = buildSoftmax(op->getLoc(), *x, axis, *y, Clamp());
    if (result && flatten)
      result = buildReshape(op->getLoc(), result, type.getShape());
  } else if (auto concat = dyn_cast<nn::MSQLinearConcatOp>(op)) {
    std::optional<ONNXParams> y =
        params(concat.getY(), concat.getYScale(), concat.getYZeroPoint());
    SmallVector<QOperand> inputs;
    ValueRange operands = concat.getInputs();
    for (size_t i = 0; i + 2 < operands.size(); i += 3) {
      std::optional<QOperand> in =
          getOperand(operands[i], operands[i + 1], operands[i + 2]);
      if (!in)
        return;
      inputs.push_back(*in);
    }
    if (y)
      result = buildConcat(op->getLoc(), inputs, concat.getAxis(), *y, Clamp());
  } else if (auto gemm = dyn_cast<nn::MSQGemmOp>(op)) {
    if (gemm.getTransA() != 0 || nn::isNone(gemm.getYScale()))
      return;
    std::optional<QOperand> a =
        getOperand(gemm.getA(), gemm.getAScale(), gemm.getAZeroPoint());
    std::optional<QOperand> w =
        getOperand(gemm.getB(), gemm.getBScale(), gemm.getBZeroPoint(),
                   gemm.getTransB() ? 0 : 1);
    std::optional<ONNXParams> y =
        params(gemm.getY(), gemm.getYScale(), gemm.getYZeroPoint());
    if (!a || !w || !y)
      return;
    if (gemm.getTransB() != 0) {
      w->value = transposeConstant(w->value);
      if (!w->value)
        return;
      if (!w->params.isPerTensor())
        w->params.axis = 1;
    }
    Value bias = nn::isNone(gemm.getC()) ? Value() : gemm.getC();
    if (bias && cast<ShapedType>(bias.getType()).getRank() != 1)
      return;
    result = buildMatMul(op->getLoc(), *a, *w, bias,
                         gemm.getAlpha().convertToFloat(), *y, Clamp());
  }
  if (result)
    signedOf[op->getResult(0)] = result;
}
