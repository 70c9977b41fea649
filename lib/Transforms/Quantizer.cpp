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

FailureOr<Clamp> Quantizer::getActivationClamp(Operation *op) {
  if (isa<nn::ReluOp>(op))
    return Clamp{0.0, INFINITY};
  auto clip = dyn_cast<nn::ClipOp>(op);
  if (!clip)
    return failure();
  Clamp clamp;
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

Value Quantizer::getFusedOutput(Operation *op, Clamp &clamp,
                                Operation *&fused) {
  fused = nullptr;
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return result;
  Operation *user = *result.getUsers().begin();
  if (user->getOperand(0) != result)
    return result;
  auto activation = getActivationClamp(user);
  if (failed(activation))
    return result;
  clamp = *activation;
  fused = user;
  fusedOps.insert(user);
  return user->getResult(0);
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
      .Case([&](nn::SigmoidOp) {
        return quantizeLookupTable(
            op, [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
      })
      .Case([&](nn::TanhOp) {
        return quantizeLookupTable(op, [](double x) { return std::tanh(x); });
      })
      .Case([&](nn::ExpOp) {
        return quantizeLookupTable(op, [](double x) { return std::exp(x); });
      })
      .Case([&](nn::PadOp pad) { return quantizePad(pad); })
      .Case([&](nn::ErfOp) {
        return quantizeLookupTable(op, [](double x) { return std::erf(x); });
      })
      .Case([&](nn::GeluOp gelu) {
        if (gelu.getApproximate() == "tanh")
          return quantizeLookupTable(op, [](double x) {
            return 0.5 * x *
                   (1.0 + std::tanh(0.7978845608028654 * // sqrt(2 / pi)
                                    (x + 0.044715 * x * x * x)));
          });
        return quantizeLookupTable(op, [](double x) {
          return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
        });
      })
      .Case([&](nn::HardSigmoidOp hard) {
        double alpha = hard.getAlpha().convertToDouble(),
               beta = hard.getBeta().convertToDouble();
        return quantizeLookupTable(op, [=](double x) {
          return std::clamp(alpha * x + beta, 0.0, 1.0);
        });
      })
      .Case([&](nn::HardSwishOp) {
        return quantizeLookupTable(op, [](double x) {
          return x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0);
        });
      })
      .Case([&](nn::LeakyReluOp leaky) {
        double alpha = leaky.getAlpha().convertToDouble();
        return quantizeLookupTable(
            op, [=](double x) { return x >= 0 ? x : alpha * x; });
      })
      .Case([&](nn::SoftmaxOp softmax) { return quantizeSoftmax(softmax); })
      .Case([&](nn::ResizeOp resize) {
        return nn::isDataMovement(resize) ? quantizeDataMovement(resize)
                                          : quantizeResize(resize);
      })
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
    SmallVector<NamedAttribute> attrs{
        builder.getNamedAttr(
            "scale", builder.getDenseF32ArrayAttr({float(params->scale)})),
        builder.getNamedAttr(
            "zero_point", builder.getDenseI32ArrayAttr({params->zeroPoint}))};
    if (rounding == qnn::RoundingMode::half_away)
      attrs.push_back(builder.getNamedAttr("rounding", getRounding()));
    auto quantize = qnn::QuantizeOp::create(
        builder, func.getLoc(),
        TypeRange{withElementType(argument.getType(), builder.getI8Type())},
        ValueRange{argument}, attrs);
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
