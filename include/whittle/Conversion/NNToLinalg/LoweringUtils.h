//===- LoweringUtils.h - helpers shared by the nn lowerings -----*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Builders of linalg / tensor / arith IR that the nn lowerings
// (WhittleNNToLinalg) and the qnn lowerings (WhittleQNNToLinalg, which links
// it) share.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CONVERSION_NNTOLINALG_LOWERINGUTILS_H
#define WHITTLE_CONVERSION_NNTOLINALG_LOWERINGUTILS_H

#include "whittle/Conversion/NNToLinalg/NNToLinalg.h"
#include "whittle/Dialect/NN/NNShapes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace whittle {

/// How the lowered code must treat an element type: signless integers lose
/// the sign, so the patterns carry it alongside.
struct ElementKind {
  mlir::Type type; // The lowered (signless) element type.
  bool isUnsigned = false;

  bool isFloat() const { return mlir::isa<mlir::FloatType>(type); }
  bool isBool() const { return type.isInteger(1); }
};

/// The kind of an nn value's element type.
ElementKind getElementKind(mlir::Type nnType);

/// The lowered ranked tensor type of an nn result; fails (with a match
/// failure) for dynamic shapes, which the pass reports up front.
mlir::RankedTensorType convertTensorType(const mlir::TypeConverter &converter,
                                         mlir::Type nnType);

using ScalarBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The map reading a tensor of `type` over the iteration space `shape`
/// NumPy-style: right-aligned, a size-1 dimension read at index 0 where
/// `shape` is larger.
mlir::AffineMap getBroadcastMap(mlir::RankedTensorType type,
                                llvm::ArrayRef<int64_t> shape);

/// A `linalg.generic` computing `body` elementwise over `inputs`, which
/// broadcast to `resultType` NumPy-style (right-aligned; size-1 dimensions
/// are read at index 0).
mlir::Value buildBroadcastGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::ValueRange inputs,
                                  mlir::RankedTensorType resultType,
                                  ScalarBuilder body);

/// A `linalg.generic` over `resultType`'s iteration space (all parallel)
/// reading `inputs` through `maps` and yielding `body`.
mlir::Value buildMappedGeneric(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::ValueRange inputs,
                               llvm::ArrayRef<mlir::AffineMap> maps,
                               mlir::RankedTensorType resultType,
                               ScalarBuilder body);

/// A `linalg.generic` over `resultType` copying `input` read through `map`
/// (a broadcast, a reversed or strided read, a tiling).
mlir::Value buildMappedCopy(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value input, mlir::AffineMap map,
                            mlir::RankedTensorType resultType);

/// `tensor.empty` of `type`.
mlir::Value buildEmpty(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::RankedTensorType type);

/// A tensor of `type` filled with `value`.
mlir::Value buildFilled(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, mlir::Value value);

/// A scalar constant of `type` (float or integer) equal to `value`.
mlir::Value buildScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                        double value);

/// The smallest (`lowest`) or largest value of a float or integer type:
/// -inf/+inf for floats.
mlir::Value buildLowest(mlir::OpBuilder &b, mlir::Location loc,
                        const ElementKind &kind);
mlir::Value buildHighest(mlir::OpBuilder &b, mlir::Location loc,
                         const ElementKind &kind);

/// Reshapes `value` to `shape` (same element count) through a collapse to
/// one dimension and an expansion; canonicalization simplifies the pair.
mlir::Value buildReshape(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, llvm::ArrayRef<int64_t> shape);

/// Pads `value` with `padValue`; `low`/`high` cover every dimension.
/// Returns `value` unchanged when all pads are zero.
mlir::Value buildPad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                     llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                     mlir::Value padValue);

/// Casts a scalar between any two lowered element kinds with ONNX Cast
/// semantics (float to integer truncates toward zero, to bool is `!= 0`).
mlir::Value buildScalarCast(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value value, const ElementKind &from,
                            const ElementKind &to);

/// The scalar arithmetic the elementwise and reduction lowerings share.
mlir::Value buildAdd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                     mlir::Value rhs);
mlir::Value buildMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                     mlir::Value rhs);
mlir::Value buildMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                     mlir::Value rhs, bool isUnsigned);
mlir::Value buildMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                     mlir::Value rhs, bool isUnsigned);

/// Iterator types: `parallelCount` parallel loops then `reductionCount`
/// reductions.
llvm::SmallVector<mlir::utils::IteratorType>
getIteratorTypes(int64_t parallelCount, int64_t reductionCount = 0);

/// The core of every convolution: `init + conv(x, w)` with `x` already
/// padded (N x C x D1..Dn), `w` of M x C/group x k1..kn and `init` of the
/// result type (N x M x O1..On). Picks the linalg named op when one exists
/// (2-D ungrouped, 2-D depthwise) and a `linalg.generic` otherwise. The
/// multiply-accumulate is float or integer after the element type.
mlir::Value buildConvolution(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value x, mlir::Value w, mlir::Value init,
                             llvm::ArrayRef<int64_t> strides,
                             llvm::ArrayRef<int64_t> dilations, int64_t group);

/// `value` transposed by `permutation` (result dim i = input dim perm[i]).
mlir::Value buildTranspose(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value value,
                           llvm::ArrayRef<int64_t> permutation);

/// `value` (rank r) broadcast to `shape` (rank >= r), NumPy-style.
mlir::Value buildBroadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value value, llvm::ArrayRef<int64_t> shape);

/// Combines one element of the reduced tensor into the accumulator.
using ReductionBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::Value element,
    mlir::Value accumulator)>;

/// A `linalg.generic` reducing `input` over the dimensions marked in
/// `reduced` (one flag per dimension), starting from `identity`. The result
/// drops the reduced dimensions; `buildReshape` restores them as size 1.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, llvm::ArrayRef<bool> reduced,
                           mlir::Value identity, ReductionBuilder combine);

/// The reductions ONNX's Reduce* ops name; the global pools and the
/// normalizations reduce with them too.
enum class ReductionKind { Sum, Mean, Max, Min, Prod, L2 };

/// `input` (of elements `element`) reduced by `kind` over the dimensions
/// marked in `reduced`, which the result drops: Mean divides the sum by the
/// count (integer division for integers), L2 takes the square root of the
/// sum of squares (through f64 for integers).
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, llvm::ArrayRef<bool> reduced,
                           ReductionKind kind, const ElementKind &element);

/// The i64 index of the largest (`isMax`) or smallest element of `data` along
/// `axis`, the first one or (`selectLast`) the last one; the result drops
/// `axis`. NaNs are never selected.
mlir::Value buildArgExtreme(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value data, int64_t axis, ElementKind element,
                            bool isMax, bool selectLast);

/// The shape of `shape` with the `reduced` dimensions set to 1 (`keepDims`)
/// or removed.
llvm::SmallVector<int64_t> getReducedShape(llvm::ArrayRef<int64_t> shape,
                                           llvm::ArrayRef<bool> reduced,
                                           bool keepDims);

/// ConvTranspose's weight W (C x M/g x k...) as the filter of the equivalent
/// forward convolution (M x C/g x k...), every spatial dimension reversed:
/// Wf[g, m, c, k] = W[g, c, m, K - 1 - k].
mlir::Value buildForwardFilter(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value w, int64_t group);

/// The input of the stride-1 convolution a transposed convolution becomes:
/// `x` spread out by the strides into a tensor filled with `fill`, padded by
/// the kernel's reach minus `window`'s pads (cropped where that is
/// negative), so that the convolution yields `window.output`.
mlir::Value
buildSpreadTransposedInput(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value x, llvm::ArrayRef<int64_t> kernel,
                           const nn::TransposedWindowGeometry &window,
                           mlir::Value fill);

/// The operands of a NumPy matmul in the promoted shape: a 1-D A is 1 x K, a
/// 1-D B is K x 1; the batch dimensions (all but the last two) broadcast.
struct PromotedMatMul {
  mlir::Value a, b;
  int64_t m = 0, k = 0, n = 0;
  llvm::ArrayRef<int64_t> aBatch, bBatch;
  /// The broadcast batch, and it followed by M x N.
  llvm::SmallVector<int64_t> batch, promoted;
};

/// Promotes `a` and `b` (reshaping 1-D operands); fails, with an error at
/// `loc`, when the batch dimensions do not broadcast.
mlir::FailureOr<PromotedMatMul> promoteMatMulOperands(mlir::OpBuilder &b,
                                                      mlir::Location loc,
                                                      mlir::Value a,
                                                      mlir::Value bValue);

using ValueMapper = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::Value)>;

/// The product of promoted operands accumulated in `accumulator` elements:
/// one `linalg.matmul` over (batch * M) rows when every batch shares B, else
/// a `linalg.batch_matmul` over the broadcast operands. `widenLhs`, if given,
/// converts the A operand just before the product (the integer lowerings
/// widen i8 to i32 there). The result is reshaped to `resultShape`: the
/// promoted shape, or the op's result shape (the same elements).
mlir::Value buildPromotedMatMul(mlir::OpBuilder &b, mlir::Location loc,
                                const PromotedMatMul &operands,
                                mlir::Type accumulator,
                                llvm::ArrayRef<int64_t> resultShape,
                                ValueMapper widenLhs = nullptr);

} // namespace whittle

#endif // WHITTLE_CONVERSION_NNTOLINALG_LOWERINGUTILS_H
