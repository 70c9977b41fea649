//===- StaticResultLowering.h - nn lowerings as functions -------*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Nearly every nn lowering starts and ends the same way: it converts the
// op's first result type, declining the match when that has no static shape
// (the pass reports dynamic shapes before any pattern runs, so the decline
// is never the error a user sees), and it ends by replacing the op. The
// pattern `StaticResultLowering<lowerX>` does both around a function
//
//   FailureOr<Value> lowerX(nn::XOp op, nn::XOp::Adaptor adaptor,
//                           RankedTensorType resultType,
//                           ConversionPatternRewriter &rewriter);
//
// which returns what replaces the op's results: one Value, or (declared
// `FailureOr<SmallVector<Value>>`) one per result, null for an unused one.
// A failure (after a diagnostic, or a declined match) leaves the op.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_LIB_CONVERSION_NNTOLINALG_STATICRESULTLOWERING_H
#define WHITTLE_LIB_CONVERSION_NNTOLINALG_STATICRESULTLOWERING_H

#include "whittle/Conversion/NNToLinalg/LoweringUtils.h"

#include "llvm/ADT/STLExtras.h"

namespace whittle {

/// The op a lowering function lowers: the type of its first parameter.
template <auto lower>
using LoweredOp =
    typename llvm::function_traits<decltype(lower)>::template arg_t<0>;

template <auto lower>
class StaticResultLowering
    : public mlir::OpConversionPattern<LoweredOp<lower>> {
public:
  using mlir::OpConversionPattern<LoweredOp<lower>>::OpConversionPattern;

  mlir::LogicalResult
  matchAndRewrite(LoweredOp<lower> op,
                  typename LoweredOp<lower>::Adaptor adaptor,
                  mlir::ConversionPatternRewriter &rewriter) const override {
    mlir::RankedTensorType resultType = convertTensorType(
        *this->getTypeConverter(), op->getResult(0).getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    auto replacement = lower(op, adaptor, resultType, rewriter);
    if (mlir::failed(replacement))
      return mlir::failure();
    rewriter.replaceOp(op, *replacement);
    return mlir::success();
  }
};

/// Adds a `StaticResultLowering` of each function in `lowers`.
template <auto... lowers>
void addStaticResultLowerings(const mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns) {
  patterns.add<StaticResultLowering<lowers>...>(converter,
                                                patterns.getContext());
}

} // namespace whittle

#endif // WHITTLE_LIB_CONVERSION_NNTOLINALG_STATICRESULTLOWERING_H
