//===- Quantizer.cpp - the calibrated quantizer's walk --------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Walks the entry function in order and gives every float activation an i8
// twin with a scale and a zero point chosen from its calibrated range,
// emitting the qnn op that computes the twin from the twins of the op's
// inputs. The float ops die when the returned values are replaced by their
// dequantized twins.
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

//===----------------------------------------------------------------------===//
// Lookups and fusion
//===----------------------------------------------------------------------===//

FailureOr<QValue> Quantizer::lookup(Value floatValue, Operation *user) {
  auto it = map.find(floatValue);
  if (it != map.end())
    return it->second;
  return user->emitError() << "whittle-quantize: operand of '"
                           << getLayerName(user)
                           << "' has no integer form (it is a constant or "
                              "comes from an op that was not quantized)";
}

Value Quantizer::createConstant(Location loc, RankedTensorType type,
                                ArrayRef<int64_t> values, StringRef nameHint) {
  ElementsAttr elements = nn::createElementsFromInts(type, values, nameHint);
  return nn::ConstantOp::create(builder, loc, type, elements);
}

FailureOr<RealBounds> Quantizer::getActivationBounds(Operation *op) {
  if (isa<nn::ReluOp>(op))
    return RealBounds{0.0, INFINITY};
  auto clip = dyn_cast<nn::ClipOp>(op);
  if (!clip)
    return failure();
  RealBounds clamp;
  auto bound = [&](Value v, double &out) {
    if (!v || nn::isNone(v))
      return true;
    ElementsAttr elements = nn::getConstantElements(v);
    if (!elements)
      return false;
    auto values = nn::readAsDoubles(elements);
    if (!values || values->size() != 1)
      return false;
    out = (*values)[0];
    return true;
  };
  if (!bound(clip.getMin(), clamp.lo) || !bound(clip.getMax(), clamp.hi))
    return failure();
  return clamp;
}

Value Quantizer::getFusedOutput(Operation *op, RealBounds &bounds,
                                Operation *&fused) {
  fused = nullptr;
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return result;
  Operation *user = *result.getUsers().begin();
  if (user->getOperand(0) != result)
    return result;
  auto activation = getActivationBounds(user);
  if (failed(activation))
    return result;
  bounds = *activation;
  fused = user;
  fusedOps.insert(user);
  return user->getResult(0);
}

FailureOr<LayerOutput> Quantizer::getLayerOutput(Operation *op) {
  LayerOutput out;
  Operation *fused;
  out.value = getFusedOutput(op, out.bounds, fused);
  auto params = getActivationParams(out.value, op);
  if (failed(params))
    return failure();
  out.params = *params;
  out.insertionPoint = fused ? fused : op;
  return out;
}

//===----------------------------------------------------------------------===//
// The walk
//===----------------------------------------------------------------------===//

LogicalResult Quantizer::quantizeOp(Operation *op) {
  if (fusedOps.contains(op))
    return success();
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](nn::ConvOp conv) { return quantizeConv(conv); })
      .Case([&](nn::GemmOp gemm) {
        if (gemm.getTransA() != 0)
          return LogicalResult(gemm.emitError()
                               << "whittle-quantize: '" << getLayerName(gemm)
                               << "' transposes A; only Gemm with transA = 0 "
                                  "can be quantized");
        return quantizeMatrixProduct(gemm, gemm.getA(), gemm.getB(),
                                     gemm.getC(), gemm.getTransB() != 0,
                                     gemm.getAlpha().convertToDouble(),
                                     gemm.getBeta().convertToDouble());
      })
      .Case([&](nn::MatMulOp matmul) {
        return quantizeMatrixProduct(matmul, matmul.getA(), matmul.getB(),
                                     Value(), false, 1.0, 1.0);
      })
      .Case([&](nn::AddOp) { return quantizeAddSub(op, false); })
      .Case([&](nn::SubOp) { return quantizeAddSub(op, true); })
      .Case([&](nn::MulOp) { return quantizeMulDiv(op, false); })
      .Case([&](nn::DivOp) { return quantizeMulDiv(op, true); })
      .Case<nn::ReluOp, nn::ClipOp>(
          [&](Operation *) { return quantizeStandaloneClamp(op); })
      .Case([&](nn::MaxPoolOp pool) { return quantizeMaxPool(pool); })
      .Case([&](nn::AveragePoolOp pool) { return quantizeAveragePool(pool); })
      .Case([&](nn::GlobalAveragePoolOp pool) {
        return quantizeGlobalAveragePool(pool);
      })
      .Case([&](nn::ConcatOp concat) { return quantizeConcat(concat); })
      .Case<nn::SigmoidOp, nn::TanhOp, nn::ExpOp, nn::ErfOp, nn::GeluOp,
            nn::HardSigmoidOp, nn::HardSwishOp, nn::LeakyReluOp>(
          [&](Operation *) {
            return quantizeLookupTable(op, *nn::getScalarFunction(op));
          })
      .Case([&](nn::SoftmaxOp softmax) { return quantizeSoftmax(softmax); })
      .Case([&](nn::ResizeOp resize) {
        return nn::isDataMovement(resize) ? quantizeDataMovement(resize)
                                          : quantizeResize(resize);
      })
      .Case([&](nn::PadOp pad) { return quantizePad(pad); })
      .Case([&](func::ReturnOp ret) { return quantizeReturn(ret); })
      .Default([&](Operation *) {
        // Concat and Pad matched above.
        if (nn::isDataMovement(op))
          return quantizeDataMovement(op);
        bool touchesFloats = llvm::any_of(op->getResultTypes(), [](Type t) {
          return isa<FloatType>(getElementTypeOrSelf(t));
        });
        if (!touchesFloats || op->hasTrait<OpTrait::ConstantLike>() ||
            isa<nn::NoneOp>(op))
          return success();
        return LogicalResult(
            op->emitError()
            << "whittle-quantize: cannot quantize '" << getLayerName(op)
            << "' (" << op->getName()
            << "): qnn has no integer form of it; supported are Conv, Gemm, "
               "MatMul with constant weights, Add, Sub, Mul, Div by a "
               "constant, Relu, Clip, MaxPool, AveragePool, "
               "GlobalAveragePool, Concat, Softmax, Resize, data movement "
               "and the "
               "elementwise Sigmoid, Tanh, Exp, Erf, Gelu, HardSigmoid, "
               "HardSwish and LeakyRelu. Replace it in the model or leave "
               "the model in float");
      });
}

LogicalResult Quantizer::run() {
  Block &body = func.getBody().front();
  builder.setInsertionPointToStart(&body);
  for (BlockArgument argument : body.getArguments()) {
    if (!isa<FloatType>(getElementTypeOrSelf(argument.getType())))
      continue;
    auto params = getActivationParams(argument, func);
    if (failed(params))
      return failure();
    // The input rounds half away from zero only in that mode; the other
    // modes round inputs to nearest even.
    qnn::RoundingMode inputRounding = rounding == qnn::RoundingMode::half_away
                                          ? qnn::RoundingMode::half_away
                                          : qnn::RoundingMode::nearest_even;
    auto quantize =
        qnn::buildQuantize(builder, func.getLoc(), argument,
                           {float(params->scale)}, {params->zeroPoint},
                           /*axis=*/1, inputRounding);
    // The quantize op rounds the float to the recorded scale: that scale
    // must be exactly the float32 one everybody else uses.
    params->scale = float(params->scale);
    record(argument, quantize, *params);
  }
  for (Operation &op : llvm::make_early_inc_range(body))
    if (failed(quantizeOp(&op)))
      return failure();
  return success();
}

void Quantizer::eraseFloatModel() {
  // Dead from the outputs back.
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func.removeArgAttr(0, kRangeAttrName);
  layerOutputs.clear();
}
