//===- RescaleUtils.cpp - qnn's integer arithmetic as IR ------------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "RescaleUtils.h"

using namespace mlir;

namespace whittle::qnn {

Value buildInt(OpBuilder &b, Location loc, Type type, int64_t value) {
  unsigned width = type.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(type, APInt(width, static_cast<uint64_t>(value),
                                   /*isSigned=*/true, /*implicitTrunc=*/true)));
}

Value buildExtend(OpBuilder &b, Location loc, Value value, Type type) {
  unsigned from = value.getType().getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  if (from == to)
    return value;
  if (from < to)
    return arith::ExtSIOp::create(b, loc, type, value);
  return arith::TruncIOp::create(b, loc, type, value);
}

ShiftSigns classifyShifts(ArrayRef<int32_t> shifts) {
  bool positive = llvm::any_of(shifts, [](int32_t s) { return s > 0; });
  bool nonPositive = llvm::any_of(shifts, [](int32_t s) { return s <= 0; });
  if (positive && nonPositive)
    return ShiftSigns::Mixed;
  return positive ? ShiftSigns::Positive : ShiftSigns::NonPositive;
}

/// Sign-magnitude split: (value < 0, |value|).
static std::pair<Value, Value> splitSign(OpBuilder &b, Location loc,
                                         Value value) {
  Value zero = buildInt(b, loc, value.getType(), 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, value, zero);
  Value magnitude = arith::SelectOp::create(
      b, loc, negative, arith::SubIOp::create(b, loc, zero, value), value);
  return {negative, magnitude};
}

/// `negative ? -(quotient + up) : quotient + up`.
static Value joinSign(OpBuilder &b, Location loc, Value negative,
                      Value quotient, Value up) {
  Value rounded = arith::AddIOp::create(
      b, loc, quotient, arith::ExtUIOp::create(b, loc, quotient.getType(), up));
  Value zero = buildInt(b, loc, quotient.getType(), 0);
  return arith::SelectOp::create(
      b, loc, negative, arith::SubIOp::create(b, loc, zero, rounded), rounded);
}

/// Whether a quotient's magnitude rounds up by `mode` (to nearest, ties to
/// even or away from zero) given the discarded `remainder` and `half` the
/// divisor (or anything that compares with `remainder` as half does).
static Value buildRoundsUp(OpBuilder &b, Location loc, RoundingMode mode,
                           Value remainder, Value half, Value quotient) {
  if (mode == RoundingMode::half_away)
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, remainder,
                                 half);
  Value above =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, remainder, half);
  Value tie =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, remainder, half);
  Value odd = arith::TruncIOp::create(b, loc, b.getI1Type(), quotient);
  return arith::OrIOp::create(b, loc, above,
                              arith::AndIOp::create(b, loc, tie, odd));
}

Value buildRoundingShiftRight(OpBuilder &b, Location loc, Value value,
                              Value shift, RoundingMode mode) {
  Type type = value.getType();
  Value one = buildInt(b, loc, type, 1);
  auto [negative, magnitude] = splitSign(b, loc, value);
  Value quotient = arith::ShRUIOp::create(b, loc, magnitude, shift);
  Value mask = arith::SubIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, one, shift), one);
  Value remainder = arith::AndIOp::create(b, loc, magnitude, mask);
  Value up;
  switch (mode) {
  case RoundingMode::nearest_even:
  case RoundingMode::float32:
  case RoundingMode::half_away: {
    Value half = arith::ShLIOp::create(
        b, loc, one, arith::SubIOp::create(b, loc, shift, one));
    up = buildRoundsUp(b, loc, mode, remainder, half, quotient);
    break;
  }
  case RoundingMode::pseudo_stochastic: {
    // NITI: the upper ceil(s/2) discarded bits against the lower floor(s/2)
    // bits, the latter doubled when s is odd so both have the same width.
    Value halfShift = arith::ShRUIOp::create(b, loc, shift, one);
    Value high = arith::ShRUIOp::create(b, loc, remainder, halfShift);
    Value lowMask = arith::SubIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, one, halfShift), one);
    Value low = arith::AndIOp::create(b, loc, remainder, lowMask);
    low = arith::ShLIOp::create(b, loc, low,
                                arith::AndIOp::create(b, loc, shift, one));
    up = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, high, low);
    break;
  }
  }
  return joinSign(b, loc, negative, quotient, up);
}

Value buildRoundingDivide(OpBuilder &b, Location loc, Value numerator,
                          Value denominator, RoundingMode mode) {
  assert(mode != RoundingMode::pseudo_stochastic &&
         "the verifiers reject pseudo-stochastic division");
  auto [negative, magnitude] = splitSign(b, loc, numerator);
  Value quotient = arith::DivUIOp::create(b, loc, magnitude, denominator);
  Value remainder = arith::SubIOp::create(
      b, loc, magnitude, arith::MulIOp::create(b, loc, quotient, denominator));
  // 2r vs d as r vs d - r: 2r can overflow when d is near the type's top.
  Value rest = arith::SubIOp::create(b, loc, denominator, remainder);
  Value up = buildRoundsUp(b, loc, mode, remainder, rest, quotient);
  return joinSign(b, loc, negative, quotient, up);
}

/// QNNArithmetic's roundToFloat32Precision of an integer `value` whose
/// magnitude fits its (unsigned) type.
static Value buildRoundToFloat32Precision(OpBuilder &b, Location loc,
                                          Value value) {
  Type type = value.getType();
  unsigned width = type.getIntOrFloatBitWidth();
  auto [negative, magnitude] = splitSign(b, loc, value);
  Value zero = buildInt(b, loc, type, 0), one = buildInt(b, loc, type, 1);
  Value bits = arith::SubIOp::create(
      b, loc, buildInt(b, loc, type, width),
      math::CountLeadingZerosOp::create(b, loc, magnitude));
  Value drop = arith::MaxSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, bits, buildInt(b, loc, type, 24)),
      zero);
  Value quotient = arith::ShRUIOp::create(b, loc, magnitude, drop);
  Value power = arith::ShLIOp::create(b, loc, one, drop);
  Value remainder = arith::AndIOp::create(
      b, loc, magnitude, arith::SubIOp::create(b, loc, power, one));
  Value half = arith::ShRUIOp::create(b, loc, power, one);
  // With nothing dropped, remainder = half = 0 must not round up.
  Value dropped =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, drop, zero);
  Value up =
      arith::AndIOp::create(b, loc, dropped,
                            buildRoundsUp(b, loc, RoundingMode::nearest_even,
                                          remainder, half, quotient));
  Value rounded = arith::ShLIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, quotient,
                            arith::ExtUIOp::create(b, loc, type, up)),
      drop);
  return arith::SelectOp::create(
      b, loc, negative, arith::SubIOp::create(b, loc, zero, rounded), rounded);
}

Value buildRescale(OpBuilder &b, Location loc, Value value, Value multiplier,
                   Value shift, ShiftSigns signs, RoundingMode mode) {
  Type i64 = b.getI64Type();
  // float32: float(value) * scale with the scale's mantissa in the
  // multiplier, each rounded to 24 significant bits.
  if (mode == RoundingMode::float32)
    value = buildRoundToFloat32Precision(b, loc, value);
  // |value * multiplier| < 2^62 by the caller's bound.
  Value product = arith::MulIOp::create(b, loc, value, multiplier);
  if (mode == RoundingMode::float32)
    product = buildRoundToFloat32Precision(b, loc, product);
  Value zero = buildInt(b, loc, i64, 0);
  Value right, left;
  if (signs != ShiftSigns::NonPositive) {
    // Lanes with a non-positive shift compute a harmless shift by 1.
    Value positiveShift =
        signs == ShiftSigns::Mixed
            ? arith::MaxSIOp::create(b, loc, shift, buildInt(b, loc, i64, 1))
            : shift;
    right = buildRoundingShiftRight(b, loc, product, positiveShift, mode);
  }
  if (signs != ShiftSigns::Positive) {
    // Beyond +-2^31 the result saturates i32 whatever the shift, so the
    // clamp changes nothing the output stage can see, and 2^31 << 31 fits.
    Value bound = buildInt(b, loc, i64, int64_t(1) << 31);
    Value clamped = arith::MaxSIOp::create(
        b, loc, arith::MinSIOp::create(b, loc, product, bound),
        arith::SubIOp::create(b, loc, zero, bound));
    Value amount = arith::SubIOp::create(b, loc, zero, shift);
    if (signs == ShiftSigns::Mixed)
      amount = arith::MaxSIOp::create(b, loc, amount, zero);
    left = arith::ShLIOp::create(b, loc, clamped, amount);
  }
  if (signs == ShiftSigns::Positive)
    return right;
  if (signs == ShiftSigns::NonPositive)
    return left;
  Value isRight =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, shift, zero);
  return arith::SelectOp::create(b, loc, isRight, right, left);
}

bool canRescaleInI32(OutputStageOpInterface op) {
  SmallVector<int32_t> multipliers = op.getOutputMultipliers();
  SmallVector<int32_t> shifts = op.getOutputShifts();
  RoundingMode mode = op.getRounding();
  int32_t zeroPoint = op.getOutputZeroPoint();
  return mode != RoundingMode::pseudo_stochastic &&
         mode != RoundingMode::float32 &&
         llvm::all_of(multipliers, [](int32_t m) { return m > 0; }) &&
         llvm::all_of(shifts, [](int32_t s) { return s >= 32 && s <= 62; }) &&
         std::abs(int64_t(zeroPoint)) < (int64_t(1) << 30);
}

Value buildNarrowRescale(OpBuilder &b, Location loc, Value value,
                         Value multiplier, Value shift, RoundingMode mode) {
  assert(mode != RoundingMode::pseudo_stochastic &&
         "pseudo-stochastic rounding is not implemented in 32 bits");
  Type i32 = b.getI32Type();
  Value one = buildInt(b, loc, i32, 1);
  Value sixteen = buildInt(b, loc, i32, 16);
  Value lowMask = buildInt(b, loc, i32, 0xffff);
  auto add = [&](Value x, Value y) {
    return arith::AddIOp::create(b, loc, x, y);
  };
  auto mul = [&](Value x, Value y) {
    return arith::MulIOp::create(b, loc, x, y);
  };
  auto shr = [&](Value x, Value y) {
    return arith::ShRUIOp::create(b, loc, x, y);
  };
  auto shl = [&](Value x, Value y) {
    return arith::ShLIOp::create(b, loc, x, y);
  };
  auto andi = [&](Value x, Value y) {
    return arith::AndIOp::create(b, loc, x, y);
  };
  auto compare = [&](arith::CmpIPredicate predicate, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, predicate, x, y);
  };

  // |value| as an unsigned number (INT32_MIN gives 2^31) times the
  // multiplier, as high * 2^32 + low (below 2^62), from the 16-bit halves
  // x = xh 2^16 + xl and m = mh 2^16 + ml. Every partial result fits 32
  // unsigned bits: xh <= 2^15 (with xl = 0 when xh = 2^15) and
  // mh < 2^15, so xl mh + xh ml + (xl ml >> 16) < 2 (2^15 - 1)(2^16 - 1)
  // + 2^16 < 2^32.
  auto [negative, magnitude] = splitSign(b, loc, value);
  Value xl = andi(magnitude, lowMask), xh = shr(magnitude, sixteen);
  Value ml = andi(multiplier, lowMask), mh = shr(multiplier, sixteen);
  Value lowProduct = mul(xl, ml);
  Value middle = add(add(mul(xl, mh), mul(xh, ml)), shr(lowProduct, sixteen));
  Value high = add(mul(xh, mh), shr(middle, sixteen));
  Value low = arith::OrIOp::create(b, loc, shl(middle, sixteen),
                                   andi(lowProduct, lowMask));

  // Dividing by 2^shift = 2^32 2^t keeps high >> t; the discarded bits are
  // (high mod 2^t) 2^32 + low, and half of 2^shift is halfHigh 2^32 +
  // halfLow: (2^(t-1), 0) for t > 0, (0, 2^31) for t = 0.
  Value t = arith::SubIOp::create(b, loc, shift, buildInt(b, loc, i32, 32));
  Value quotient = shr(high, t);
  Value power = shl(one, t);
  Value remainderHigh = andi(high, arith::SubIOp::create(b, loc, power, one));
  Value halfHigh = shr(power, one);
  Value halfLow = shl(andi(power, one), buildInt(b, loc, i32, 31));
  Value highEqual = compare(arith::CmpIPredicate::eq, remainderHigh, halfHigh);
  Value above = arith::OrIOp::create(
      b, loc, compare(arith::CmpIPredicate::ugt, remainderHigh, halfHigh),
      andi(highEqual, compare(arith::CmpIPredicate::ugt, low, halfLow)));
  Value tie = andi(highEqual, compare(arith::CmpIPredicate::eq, low, halfLow));
  Value up;
  if (mode == RoundingMode::half_away) {
    up = arith::OrIOp::create(b, loc, above, tie);
  } else {
    Value odd = arith::TruncIOp::create(b, loc, b.getI1Type(), quotient);
    up = arith::OrIOp::create(b, loc, above, andi(tie, odd));
  }
  return joinSign(b, loc, negative, quotient, up);
}

Value buildOutputStage(OpBuilder &b, Location loc, Value value,
                       OutputStageOpInterface op) {
  int32_t zeroPoint = op.getOutputZeroPoint();
  // In the value's own width (at least 32 bits): the clamp must come
  // before any truncation.
  Type type = value.getType();
  if (type.getIntOrFloatBitWidth() < 32) {
    type = b.getI32Type();
    value = buildExtend(b, loc, value, type);
  }
  if (zeroPoint != 0)
    value =
        arith::AddIOp::create(b, loc, value, buildInt(b, loc, type, zeroPoint));
  value = arith::MaxSIOp::create(b, loc, value,
                                 buildInt(b, loc, type, op.getMin()));
  value = arith::MinSIOp::create(b, loc, value,
                                 buildInt(b, loc, type, op.getMax()));
  return arith::TruncIOp::create(b, loc, b.getI8Type(), value);
}

Value buildRescaleAndOutput(OpBuilder &b, Location loc, Value value,
                            int32_t multiplier, int32_t shift,
                            OutputStageOpInterface op) {
  Type i64 = b.getI64Type();
  Value scaled = buildRescale(b, loc, value, buildInt(b, loc, i64, multiplier),
                              buildInt(b, loc, i64, shift),
                              classifyShifts(shift), op.getRounding());
  return buildOutputStage(b, loc, scaled, op);
}

Value buildVector(OpBuilder &b, Location loc, ArrayRef<int64_t> values,
                  Type type) {
  auto tensorType =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, type);
  SmallVector<APInt> bits;
  for (int64_t value : values)
    bits.push_back(APInt(type.getIntOrFloatBitWidth(),
                         static_cast<uint64_t>(value), /*isSigned=*/true,
                         /*implicitTrunc=*/true));
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(tensorType, bits));
}

Value buildElementwise(OpBuilder &b, Location loc, Value input,
                       Type elementType,
                       function_ref<Value(OpBuilder &, Location, Value)> body) {
  auto type = cast<RankedTensorType>(input.getType());
  return buildMappedGeneric(b, loc, input,
                            b.getMultiDimIdentityMap(type.getRank()),
                            RankedTensorType::get(type.getShape(), elementType),
                            [&](OpBuilder &nb, Location nl, ValueRange args) {
                              return body(nb, nl, args[0]);
                            });
}

AffineMap channelMap(MLIRContext *context, int64_t rank, int64_t axis) {
  return AffineMap::get(rank, 0, getAffineDimExpr(axis, context));
}

RescaleParams getRescaleParams(OutputStageOpInterface op, Type type) {
  SmallVector<int32_t> multipliers = op.getOutputMultipliers();
  SmallVector<int32_t> shifts = op.getOutputShifts();
  RescaleParams params;
  params.multipliers.assign(multipliers.begin(), multipliers.end());
  params.shifts.assign(shifts.begin(), shifts.end());
  params.signs = classifyShifts(shifts);
  params.type = type;
  return params;
}

void RescaleParams::addInputs(OpBuilder &b, Location loc, int64_t rank,
                              int64_t axis, SmallVectorImpl<Value> &inputs,
                              SmallVectorImpl<AffineMap> &maps) const {
  if (!isPerChannel())
    return;
  inputs.push_back(buildVector(b, loc, multipliers, type));
  inputs.push_back(buildVector(b, loc, shifts, type));
  maps.append(2, channelMap(b.getContext(), rank, axis));
}

std::pair<Value, Value> RescaleParams::get(OpBuilder &b, Location loc,
                                           ValueRange args) const {
  if (isPerChannel())
    return {args[0], args[1]};
  return {buildInt(b, loc, type, multipliers[0]),
          buildInt(b, loc, type, shifts[0])};
}

Type getDivisionType(OpBuilder &b, __int128 maxNumerator,
                     __int128 maxDenominator) {
  __int128 limit = __int128(1) << 62;
  if (maxNumerator < limit && maxDenominator < limit)
    return b.getI64Type();
  return b.getIntegerType(128);
}

AverageRescale::AverageRescale(OpBuilder &b, OutputStageOpInterface op,
                               int64_t maxSum, int64_t maxCount)
    : op(op), multiplier(op.getOutputMultipliers().front()),
      shift(op.getOutputShifts().front()) {
  // Numerator |sum| * multiplier * 2^-shift < 2^31 * 2^31 * 2^31 = 2^93
  // for sums below 2^31: i128 always suffices.
  __int128 numerator = __int128(maxSum) * multiplier
                       << std::max<int32_t>(-shift, 0);
  __int128 denominator = __int128(maxCount) << std::max<int32_t>(shift, 0);
  type = getDivisionType(b, numerator, denominator);
}

APInt AverageRescale::getDenominator(int64_t count) const {
  __int128 d = __int128(count) << std::max<int32_t>(shift, 0);
  uint64_t words[2] = {static_cast<uint64_t>(d),
                       static_cast<uint64_t>(d >> 64)};
  return APInt(128, words).trunc(type.getIntOrFloatBitWidth());
}

Value AverageRescale::build(OpBuilder &b, Location loc, Value sum,
                            Value denominator) {
  Value numerator =
      arith::MulIOp::create(b, loc, buildExtend(b, loc, sum, type),
                            buildInt(b, loc, type, multiplier));
  if (shift < 0)
    numerator = arith::ShLIOp::create(b, loc, numerator,
                                      buildInt(b, loc, type, -shift));
  Value quotient =
      buildRoundingDivide(b, loc, numerator, denominator, op.getRounding());
  return buildOutputStage(b, loc, quotient, op);
}

} // namespace whittle::qnn
