//===- ElementwiseToLinalg.cpp - elementwise nn ops to linalg.generic -----===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Every elementwise op becomes one `linalg.generic` whose indexing maps do
// the NumPy broadcasting; only the scalar body differs per op, so each op
// contributes an `emitScalar` overload and shares the pattern.
//
//===----------------------------------------------------------------------===//

#include "StaticResultLowering.h"
#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Dialect/NN/NNOps.h"
#include "whittle/Dialect/NN/NNTensorData.h"

#include <cmath>

using namespace mlir;
using namespace whittle;

namespace {

/// What a scalar body needs: where to build, and the element kinds of the
/// first operand and of the result.
struct ScalarContext {
  OpBuilder &b;
  Location loc;
  ElementKind in;
  ElementKind out;

  Value constant(double value) const {
    return buildScalar(b, loc, in.type, value);
  }
};

using CmpF = arith::CmpFPredicate;
using CmpI = arith::CmpIPredicate;

Value compare(ScalarContext &c, CmpF floatPredicate, CmpI signedPredicate,
              CmpI unsignedPredicate, Value lhs, Value rhs) {
  if (c.in.isFloat())
    return arith::CmpFOp::create(c.b, c.loc, floatPredicate, lhs, rhs);
  return arith::CmpIOp::create(
      c.b, c.loc,
      c.in.isUnsigned || c.in.isBool() ? unsignedPredicate : signedPredicate,
      lhs, rhs);
}

Value select(ScalarContext &c, Value condition, Value onTrue, Value onFalse) {
  return arith::SelectOp::create(c.b, c.loc, condition, onTrue, onFalse);
}

Value isNegative(ScalarContext &c, Value x) {
  return compare(c, CmpF::OLT, CmpI::slt, CmpI::ult, x, c.constant(0));
}

Value mulf(ScalarContext &c, Value lhs, Value rhs) {
  return arith::MulFOp::create(c.b, c.loc, lhs, rhs);
}
Value addf(ScalarContext &c, Value lhs, Value rhs) {
  return arith::AddFOp::create(c.b, c.loc, lhs, rhs);
}
Value subf(ScalarContext &c, Value lhs, Value rhs) {
  return arith::SubFOp::create(c.b, c.loc, lhs, rhs);
}
Value divf(ScalarContext &c, Value lhs, Value rhs) {
  return arith::DivFOp::create(c.b, c.loc, lhs, rhs);
}
Value expf(ScalarContext &c, Value x) {
  return math::ExpOp::create(c.b, c.loc, x);
}
double attr(const APFloat &value) { return value.convertToDouble(); }

/// `min(max(x, 0), 1)`, the clamp of the hard activations.
Value clampUnit(ScalarContext &c, Value x) {
  return arith::MinimumFOp::create(
      c.b, c.loc, arith::MaximumFOp::create(c.b, c.loc, x, c.constant(0)),
      c.constant(1));
}

// Arithmetic.

Value emitScalar(nn::AddOp, ScalarContext &c, ValueRange a) {
  return buildAdd(c.b, c.loc, a[0], a[1]);
}
Value emitScalar(nn::SubOp, ScalarContext &c, ValueRange a) {
  if (c.in.isFloat())
    return subf(c, a[0], a[1]);
  return arith::SubIOp::create(c.b, c.loc, a[0], a[1]);
}
Value emitScalar(nn::MulOp, ScalarContext &c, ValueRange a) {
  return buildMul(c.b, c.loc, a[0], a[1]);
}
Value emitScalar(nn::DivOp, ScalarContext &c, ValueRange a) {
  if (c.in.isFloat())
    return divf(c, a[0], a[1]);
  if (c.in.isUnsigned)
    return arith::DivUIOp::create(c.b, c.loc, a[0], a[1]);
  return arith::DivSIOp::create(c.b, c.loc, a[0], a[1]);
}
Value emitScalar(nn::PowOp op, ScalarContext &c, ValueRange a) {
  ElementKind exponentKind = getElementKind(op.getY().getType());
  if (c.in.isFloat()) {
    Value exponent = buildScalarCast(c.b, c.loc, a[1], exponentKind, c.in);
    return math::PowFOp::create(c.b, c.loc, a[0], exponent);
  }
  // Integer base: compute in double and truncate, as ONNX Runtime does.
  ElementKind f64{c.b.getF64Type()};
  Value base = buildScalarCast(c.b, c.loc, a[0], c.in, f64);
  Value exponent = buildScalarCast(c.b, c.loc, a[1], exponentKind, f64);
  Value power = math::PowFOp::create(c.b, c.loc, base, exponent);
  return buildScalarCast(c.b, c.loc, power, f64, c.out);
}
Value emitScalar(nn::NegOp, ScalarContext &c, ValueRange a) {
  if (c.in.isFloat())
    return arith::NegFOp::create(c.b, c.loc, a[0]);
  return arith::SubIOp::create(c.b, c.loc, c.constant(0), a[0]);
}
Value emitScalar(nn::AbsOp, ScalarContext &c, ValueRange a) {
  if (c.in.isFloat())
    return math::AbsFOp::create(c.b, c.loc, a[0]);
  if (c.in.isUnsigned)
    return a[0];
  return math::AbsIOp::create(c.b, c.loc, a[0]);
}
Value emitScalar(nn::SqrtOp, ScalarContext &c, ValueRange a) {
  return math::SqrtOp::create(c.b, c.loc, a[0]);
}
Value emitScalar(nn::ReciprocalOp, ScalarContext &c, ValueRange a) {
  return divf(c, c.constant(1), a[0]);
}
Value emitScalar(nn::ExpOp, ScalarContext &c, ValueRange a) {
  return expf(c, a[0]);
}
Value emitScalar(nn::LogOp, ScalarContext &c, ValueRange a) {
  return math::LogOp::create(c.b, c.loc, a[0]);
}
Value emitScalar(nn::ErfOp, ScalarContext &c, ValueRange a) {
  return math::ErfOp::create(c.b, c.loc, a[0]);
}
Value emitScalar(nn::FloorOp, ScalarContext &c, ValueRange a) {
  return math::FloorOp::create(c.b, c.loc, a[0]);
}
Value emitScalar(nn::CeilOp, ScalarContext &c, ValueRange a) {
  return math::CeilOp::create(c.b, c.loc, a[0]);
}
Value emitScalar(nn::RoundOp, ScalarContext &c, ValueRange a) {
  return math::RoundEvenOp::create(c.b, c.loc, a[0]);
}
Value emitScalar(nn::SignOp, ScalarContext &c, ValueRange a) {
  Value zero = c.constant(0);
  Value positive = compare(c, CmpF::OGT, CmpI::sgt, CmpI::ugt, a[0], zero);
  Value negative = compare(c, CmpF::OLT, CmpI::slt, CmpI::ult, a[0], zero);
  // NaN stays NaN: it is neither positive nor negative, and `x` is returned.
  Value sign = select(c, positive, c.constant(1), zero);
  sign = select(c, negative, c.constant(-1), sign);
  if (c.in.isFloat()) {
    Value isNaN = arith::CmpFOp::create(c.b, c.loc, CmpF::UNO, a[0], a[0]);
    sign = select(c, isNaN, a[0], sign);
  }
  return sign;
}

// Variadic.

Value emitScalar(nn::MinOp, ScalarContext &c, ValueRange a) {
  Value result = a[0];
  for (Value v : a.drop_front())
    result = buildMin(c.b, c.loc, result, v, c.in.isUnsigned);
  return result;
}
Value emitScalar(nn::MaxOp, ScalarContext &c, ValueRange a) {
  Value result = a[0];
  for (Value v : a.drop_front())
    result = buildMax(c.b, c.loc, result, v, c.in.isUnsigned);
  return result;
}
Value emitScalar(nn::SumOp, ScalarContext &c, ValueRange a) {
  Value result = a[0];
  for (Value v : a.drop_front())
    result = buildAdd(c.b, c.loc, result, v);
  return result;
}
Value emitScalar(nn::MeanOp op, ScalarContext &c, ValueRange a) {
  return divf(c, emitScalar(nn::SumOp(), c, a), c.constant(a.size()));
}

// Comparison and logic.

Value emitScalar(nn::EqualOp, ScalarContext &c, ValueRange a) {
  return compare(c, CmpF::OEQ, CmpI::eq, CmpI::eq, a[0], a[1]);
}
Value emitScalar(nn::GreaterOp, ScalarContext &c, ValueRange a) {
  return compare(c, CmpF::OGT, CmpI::sgt, CmpI::ugt, a[0], a[1]);
}
Value emitScalar(nn::GreaterOrEqualOp, ScalarContext &c, ValueRange a) {
  return compare(c, CmpF::OGE, CmpI::sge, CmpI::uge, a[0], a[1]);
}
Value emitScalar(nn::LessOp, ScalarContext &c, ValueRange a) {
  return compare(c, CmpF::OLT, CmpI::slt, CmpI::ult, a[0], a[1]);
}
Value emitScalar(nn::LessOrEqualOp, ScalarContext &c, ValueRange a) {
  return compare(c, CmpF::OLE, CmpI::sle, CmpI::ule, a[0], a[1]);
}
Value emitScalar(nn::WhereOp, ScalarContext &c, ValueRange a) {
  return select(c, a[0], a[1], a[2]);
}
Value emitScalar(nn::NotOp, ScalarContext &c, ValueRange a) {
  return arith::XOrIOp::create(c.b, c.loc, a[0], c.constant(1));
}
Value emitScalar(nn::AndOp, ScalarContext &c, ValueRange a) {
  return arith::AndIOp::create(c.b, c.loc, a[0], a[1]);
}
Value emitScalar(nn::OrOp, ScalarContext &c, ValueRange a) {
  return arith::OrIOp::create(c.b, c.loc, a[0], a[1]);
}
Value emitScalar(nn::XorOp, ScalarContext &c, ValueRange a) {
  return arith::XOrIOp::create(c.b, c.loc, a[0], a[1]);
}

// Activations.

Value emitScalar(nn::ReluOp, ScalarContext &c, ValueRange a) {
  return buildMax(c.b, c.loc, a[0], c.constant(0), c.in.isUnsigned);
}
Value emitScalar(nn::LeakyReluOp op, ScalarContext &c, ValueRange a) {
  Value scaled = mulf(c, a[0], c.constant(attr(op.getAlpha())));
  return select(c, isNegative(c, a[0]), scaled, a[0]);
}
Value emitScalar(nn::PReluOp, ScalarContext &c, ValueRange a) {
  return select(c, isNegative(c, a[0]), buildMul(c.b, c.loc, a[0], a[1]), a[0]);
}
Value emitScalar(nn::EluOp op, ScalarContext &c, ValueRange a) {
  Value expm1 = math::ExpM1Op::create(c.b, c.loc, a[0]);
  Value negative = mulf(c, c.constant(attr(op.getAlpha())), expm1);
  return select(c, isNegative(c, a[0]), negative, a[0]);
}
Value emitScalar(nn::SeluOp op, ScalarContext &c, ValueRange a) {
  Value alpha = c.constant(attr(op.getAlpha()));
  Value gamma = c.constant(attr(op.getGamma()));
  Value negative = subf(c, mulf(c, alpha, expf(c, a[0])), alpha);
  Value isPositive =
      arith::CmpFOp::create(c.b, c.loc, CmpF::OGT, a[0], c.constant(0));
  return mulf(c, gamma, select(c, isPositive, a[0], negative));
}
Value emitScalar(nn::CeluOp op, ScalarContext &c, ValueRange a) {
  Value alpha = c.constant(attr(op.getAlpha()));
  Value expm1 = math::ExpM1Op::create(c.b, c.loc, divf(c, a[0], alpha));
  Value negative = arith::MinimumFOp::create(c.b, c.loc, c.constant(0),
                                             mulf(c, alpha, expm1));
  Value positive = arith::MaximumFOp::create(c.b, c.loc, c.constant(0), a[0]);
  return addf(c, positive, negative);
}
Value emitScalar(nn::SigmoidOp, ScalarContext &c, ValueRange a) {
  Value negExp = expf(c, arith::NegFOp::create(c.b, c.loc, a[0]));
  return divf(c, c.constant(1), addf(c, c.constant(1), negExp));
}
Value emitScalar(nn::HardSigmoidOp op, ScalarContext &c, ValueRange a) {
  Value affine = addf(c, mulf(c, c.constant(attr(op.getAlpha())), a[0]),
                      c.constant(attr(op.getBeta())));
  return clampUnit(c, affine);
}
Value emitScalar(nn::HardSwishOp, ScalarContext &c, ValueRange a) {
  Value affine = addf(c, mulf(c, c.constant(1.0 / 6.0), a[0]), c.constant(0.5));
  return mulf(c, a[0], clampUnit(c, affine));
}
Value emitScalar(nn::TanhOp, ScalarContext &c, ValueRange a) {
  return math::TanhOp::create(c.b, c.loc, a[0]);
}
Value emitScalar(nn::SoftplusOp, ScalarContext &c, ValueRange a) {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|), which never overflows.
  Value absX = math::AbsFOp::create(c.b, c.loc, a[0]);
  Value tail = math::Log1pOp::create(
      c.b, c.loc, expf(c, arith::NegFOp::create(c.b, c.loc, absX)));
  Value positive = arith::MaximumFOp::create(c.b, c.loc, a[0], c.constant(0));
  return addf(c, positive, tail);
}
Value emitScalar(nn::SoftsignOp, ScalarContext &c, ValueRange a) {
  Value absX = math::AbsFOp::create(c.b, c.loc, a[0]);
  return divf(c, a[0], addf(c, c.constant(1), absX));
}
Value emitScalar(nn::GeluOp op, ScalarContext &c, ValueRange a) {
  Value x = a[0];
  Value inner;
  if (op.getApproximate() == "tanh") {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Value cube = mulf(c, mulf(c, x, x), x);
    Value poly = addf(c, x, mulf(c, c.constant(0.044715), cube));
    inner = math::TanhOp::create(
        c.b, c.loc, mulf(c, c.constant(std::sqrt(2.0 / M_PI)), poly));
  } else {
    inner = math::ErfOp::create(c.b, c.loc, mulf(c, x, c.constant(M_SQRT1_2)));
  }
  return mulf(c, mulf(c, c.constant(0.5), x), addf(c, c.constant(1), inner));
}
Value emitScalar(nn::ThresholdedReluOp op, ScalarContext &c, ValueRange a) {
  Value above = arith::CmpFOp::create(c.b, c.loc, CmpF::OGT, a[0],
                                      c.constant(attr(op.getAlpha())));
  return select(c, above, a[0], c.constant(0));
}
Value emitScalar(nn::CastOp, ScalarContext &c, ValueRange a) {
  return buildScalarCast(c.b, c.loc, a[0], c.in, c.out);
}

/// One elementwise op: present operands (a missing optional one is
/// `nn.none`) broadcast to the result; `emitScalar` builds the body.
template <typename OpT>
FailureOr<Value> lowerElementwise(OpT op, typename OpT::Adaptor adaptor,
                                  RankedTensorType resultType,
                                  ConversionPatternRewriter &rewriter) {
  SmallVector<Value> inputs;
  for (auto [original, lowered] :
       llvm::zip(op->getOperands(), adaptor.getOperands()))
    if (!nn::isNone(original))
      inputs.push_back(lowered);
  ElementKind in = getElementKind(op->getOperand(0).getType());
  ElementKind out = getElementKind(op->getResult(0).getType());
  return buildBroadcastGeneric(
      rewriter, op.getLoc(), inputs, resultType,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        ScalarContext context{b, loc, in, out};
        return emitScalar(op, context, args);
      });
}

/// Clip's bounds are optional; each present one is a broadcast scalar.
FailureOr<Value> lowerClip(nn::ClipOp op, nn::ClipOp::Adaptor adaptor,
                           RankedTensorType resultType,
                           ConversionPatternRewriter &rewriter) {
  bool hasMin = !nn::isNone(op.getMin());
  bool hasMax = !nn::isNone(op.getMax());
  SmallVector<Value> inputs = {adaptor.getInput()};
  if (hasMin)
    inputs.push_back(adaptor.getMin());
  if (hasMax)
    inputs.push_back(adaptor.getMax());
  ElementKind kind = getElementKind(op.getType());
  return buildBroadcastGeneric(
      rewriter, op.getLoc(), inputs, resultType,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value x = args[0];
        if (hasMin)
          x = buildMax(b, loc, x, args[1], kind.isUnsigned);
        if (hasMax)
          x = buildMin(b, loc, x, args.back(), kind.isUnsigned);
        return x;
      });
}

} // namespace

/// A lowering of each op in `OpTs` through `lowerElementwise`.
template <typename... OpTs>
static void addElementwiseLowerings(const TypeConverter &converter,
                                    RewritePatternSet &patterns) {
  addStaticResultLowerings<lowerElementwise<OpTs>...>(converter, patterns);
}

void whittle::populateNNElementwiseToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  addElementwiseLowerings<
      // Arithmetic.
      nn::AddOp, nn::SubOp, nn::MulOp, nn::DivOp, nn::PowOp, nn::NegOp,
      nn::AbsOp, nn::SqrtOp, nn::ReciprocalOp, nn::ExpOp, nn::LogOp, nn::ErfOp,
      nn::FloorOp, nn::CeilOp, nn::RoundOp, nn::SignOp,
      // Variadic.
      nn::MinOp, nn::MaxOp, nn::SumOp, nn::MeanOp,
      // Comparison and logic.
      nn::EqualOp, nn::GreaterOp, nn::GreaterOrEqualOp, nn::LessOp,
      nn::LessOrEqualOp, nn::WhereOp, nn::NotOp, nn::AndOp, nn::OrOp, nn::XorOp,
      // Activations.
      nn::ReluOp, nn::LeakyReluOp, nn::PReluOp, nn::EluOp, nn::SeluOp,
      nn::CeluOp, nn::SigmoidOp, nn::HardSigmoidOp, nn::HardSwishOp, nn::TanhOp,
      nn::SoftplusOp, nn::SoftsignOp, nn::GeluOp, nn::ThresholdedReluOp,
      nn::CastOp>(converter, patterns);
  addStaticResultLowerings<lowerClip>(converter, patterns);
}
