//===- RescaleUtils.h - qnn's integer arithmetic as IR ----------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// What every qnn lowering shares: the pattern that replaces an op by the
// value its lowering function builds, and the scalar builders: the
// rounding shifts and divisions of QNNArithmetic.h emitted as arith ops,
// the output stage, and constant parameter tensors. Each builder states the
// range its operands must stay in so that the fixed-width arithmetic is
// exact; the lowerings prove those ranges where they call them.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_LIB_CONVERSION_QNNTOLINALG_RESCALEUTILS_H
#define WHITTLE_LIB_CONVERSION_QNNTOLINALG_RESCALEUTILS_H

#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"
#include "whittle/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "whittle/Dialect/QNN/QNNOps.h"

namespace whittle::qnn {

/// The pattern of a qnn op whose one result becomes the value `lower(op,
/// adaptor, rewriter)` builds: a function returning `mlir::Value`, or
/// `mlir::FailureOr<mlir::Value>` when it can decline (having reported
/// why), which leaves the op in place.
template <typename OpTy, auto lower>
struct OpLowering : mlir::OpConversionPattern<OpTy> {
  using mlir::OpConversionPattern<OpTy>::OpConversionPattern;

  mlir::LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  mlir::ConversionPatternRewriter &rewriter) const override {
    mlir::FailureOr<mlir::Value> result = lower(op, adaptor, rewriter);
    if (mlir::failed(result))
      return mlir::failure();
    rewriter.replaceOp(op, *result);
    return mlir::success();
  }
};

/// An integer constant of `type` (any width, i128 included).
mlir::Value buildInt(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                     int64_t value);

/// `value` sign-extended (or truncated) to `type`.
mlir::Value buildExtend(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, mlir::Type type);

/// An axis attribute (negative counting from the end) in [0, rank).
inline int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Which signs the shifts of a rescale take: the lowering emits only the
/// paths that can occur.
enum class ShiftSigns { Positive, NonPositive, Mixed };
ShiftSigns classifyShifts(llvm::ArrayRef<int32_t> shifts);

/// `round(value / 2^shift)` by `mode` for `shift` > 0, both of one integer
/// type; `value` must not be the type's minimum.
mlir::Value buildRoundingShiftRight(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::Value value, mlir::Value shift,
                                    RoundingMode mode);

/// `round(numerator / denominator)` by `mode` (not pseudo_stochastic) for
/// `denominator` > 0, both of one integer type; `numerator` must not be
/// the type's minimum.
mlir::Value buildRoundingDivide(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value numerator, mlir::Value denominator,
                                RoundingMode mode);

/// QNNArithmetic's `rescale(value, multiplier, shift)` in i64 for
/// |value * multiplier| < 2^62 (all three operands i64), up to saturation:
/// results beyond the i32 range keep their sign but not their magnitude,
/// which the output stage (which clamps into i8) cannot tell apart. A left
/// shift (`shift` <= 0, at most 31) first clamps the product to +-2^31, so
/// it stays below 2^62 in magnitude.
mlir::Value buildRescale(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, mlir::Value multiplier,
                         mlir::Value shift, ShiftSigns signs,
                         RoundingMode mode);

/// Whether buildNarrowRescale is exact for `op`'s output stage: every
/// multiplier positive, every shift in [32, 62] (real scales below 1/2, the
/// usual case of an accumulator), rounding to nearest, and an output zero
/// point the rescaled value (at most 2^30 in magnitude) cannot overflow i32
/// with.
bool canRescaleInI32(OutputStageOpInterface op);

/// QNNArithmetic's `rescale(value, multiplier, shift)` with 32-bit
/// operations only, for i32 `value`, `multiplier` in (0, 2^31) and `shift`
/// in [32, 62] (all three i32), `mode` nearest_even or half_away. The
/// 62-bit product comes from four 16 x 16-bit products, so that LLVM
/// vectorizes the loop (it declines 64-bit multiplies on AVX2).
mlir::Value buildNarrowRescale(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value value, mlir::Value multiplier,
                               mlir::Value shift, RoundingMode mode);

/// The output stage of `op`: `clamp(value + zeroPoint, min, max)` as i8,
/// in `value`'s width (i32 for narrower values); `value + zeroPoint` must
/// not overflow it.
mlir::Value buildOutputStage(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value value, OutputStageOpInterface op);

/// `rescale(value, multiplier, shift)` by `op`'s rounding, then its output
/// stage: the end of every elementwise rescale, for i64 `value` with
/// |value * multiplier| < 2^62 and per-tensor `multiplier` and `shift`.
mlir::Value buildRescaleAndOutput(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value value, int32_t multiplier,
                                  int32_t shift, OutputStageOpInterface op);

/// A constant 1-D tensor of `type` elements.
mlir::Value buildVector(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<int64_t> values, mlir::Type type);

/// `body` applied to every element of `input`, into a tensor of its shape
/// with `elementType` elements.
mlir::Value
buildElementwise(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                 mlir::Type elementType,
                 llvm::function_ref<mlir::Value(mlir::OpBuilder &,
                                                mlir::Location, mlir::Value)>
                     body);

/// The map reading a per-channel parameter (1-D) along dimension `axis` of
/// a rank-`rank` iteration space.
mlir::AffineMap channelMap(mlir::MLIRContext *context, int64_t rank,
                           int64_t axis);

/// The lowering of a per-tensor or per-channel (multiplier, shift) pair
/// inside a generic: the pattern adds `inputs`/`maps` to its generic when
/// the parameters are per channel and asks `get` for the scalars in the
/// body.
struct RescaleParams {
  llvm::SmallVector<int64_t> multipliers, shifts;
  ShiftSigns signs;
  /// The integer type of the multiplier and shift in the body: i64, or
  /// i32 for buildNarrowRescale.
  mlir::Type type;
  /// For per-channel parameters: two tensors of `type` read along `axis`.
  void addInputs(mlir::OpBuilder &b, mlir::Location loc, int64_t rank,
                 int64_t axis, llvm::SmallVectorImpl<mlir::Value> &inputs,
                 llvm::SmallVectorImpl<mlir::AffineMap> &maps) const;
  bool isPerChannel() const { return multipliers.size() > 1; }
  /// The body's multiplier and shift; `args` are the block arguments the
  /// inputs added by addInputs map to (ignored per tensor).
  std::pair<mlir::Value, mlir::Value>
  get(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange args) const;
};
/// The multipliers and shifts of `op`'s output stage as `type` (i64 or
/// i32) values.
RescaleParams getRescaleParams(OutputStageOpInterface op, mlir::Type type);

/// The integer type a rounding division needs: i64 when the numerator's
/// and the denominator's magnitudes are below 2^62 (bounds proven by the
/// caller), i128 otherwise.
mlir::Type getDivisionType(mlir::OpBuilder &b, __int128 maxNumerator,
                           __int128 maxDenominator);

/// The rescale of an average (a pool's): `round(sum * multiplier / (count *
/// 2^shift))` with `op`'s one multiplier and shift, then `op`'s output
/// stage, for sums within +-`maxSum` and counts within [1, `maxCount`].
struct AverageRescale {
  AverageRescale(mlir::OpBuilder &b, OutputStageOpInterface op, int64_t maxSum,
                 int64_t maxCount);
  /// `count * 2^max(shift, 0)` in `type`.
  llvm::APInt getDenominator(int64_t count) const;
  /// The average of the i32 `sum`; `denominator` is getDenominator's value
  /// in `type`.
  mlir::Value build(mlir::OpBuilder &b, mlir::Location loc, mlir::Value sum,
                    mlir::Value denominator);

  OutputStageOpInterface op;
  int32_t multiplier, shift;
  /// The integer type the division needs (see getDivisionType).
  mlir::Type type;
};

} // namespace whittle::qnn

#endif // WHITTLE_LIB_CONVERSION_QNNTOLINALG_RESCALEUTILS_H
