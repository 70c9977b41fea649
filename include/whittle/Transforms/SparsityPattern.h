//===- SparsityPattern.h - the sparsity contract on weighted ops -*- C++
//-*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// How a sparsity mask is represented in the IR, for every pass and back end.
//
// The mask is in the data: a masked weight constant holds exact zeros where
// the mask is 0, so the mask is always recoverable and every lowering that
// ignores sparsity still computes the right result. The op consuming the
// weight (nn.conv, nn.gemm, nn.matmul, and the qnn integer conv/matmul after
// quantization) additionally carries the discardable attribute
//
//   whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4,
//       sparsity = 5.000000e-01, weight_operand = 1, out_axis = 0,
//       in_axis = 1>
//
// (nn::SparsityPatternAttr, dialects/NN/NNAttrs.td, whose verifier checks it
// on its own) that tells code generators which structure they may exploit:
//   - "unstructured": any zeros (the Dynamic Sparse Training mask with one
//     magnitude threshold per output channel). Only `sparsity` is meaningful.
//   - "n:m": every group of `m` consecutive elements along `in_axis` (all
//     other indices fixed) has at most `n` non-zeros. For conv weights
//     [T, S, k1, ...] the groups run along S (input channels) at a fixed
//     output channel and kernel position: an NHWC implicit GEMM orders its
//     reduction index as (k1, k2, S) with S innermost, so these are exactly
//     the 4 consecutive K elements that GPU 2:4 sparse tensor cores need.
//     For gemm/matmul the groups run along the reduction dimension K of the
//     weight matrix.
//   - "block": the weight is tiled into `block` = [bo, bi] blocks over
//     (out_axis, in_axis), at each fixed position of the other axes (the
//     kernel window of a conv), and `sparsity` of the elements lie in
//     all-zero blocks. Such a block is one step of a bo x bi PE array that
//     can be skipped and need not be stored.
//   - "channel": whole output channels were removed from the layer (and
//     the matching input channels of its consumers), so the graph already
//     shrank; `sparsity` is then the fraction of the original layer's
//     weights that were removed and nothing is left to check in the data.
//
// `sparsity` is otherwise the fraction of exact zeros in the weight as it is
// now. `weight_operand` is the index of the weight among the op's operands,
// `out_axis` its output-channel axis and `in_axis` its reduction axis, so
// the attribute can be checked on any op without knowing the op:
// quantization only has to call transferSparsityPattern when it replaces
// an nn op by a qnn op.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_SPARSITYPATTERN_H
#define WHITTLE_TRANSFORMS_SPARSITYPATTERN_H

#include "whittle/Dialect/NN/NNAttrs.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace whittle {

using SparsityGranularity = nn::SparsityGranularity;

/// The attribute name the pattern is stored under.
constexpr llvm::StringLiteral kSparsityAttrName = "whittle.sparsity";

/// "unstructured", "n:m", "block" or "channel".
inline llvm::StringRef stringifyGranularity(SparsityGranularity granularity) {
  return nn::stringifySparsityGranularity(granularity);
}
inline std::optional<SparsityGranularity>
parseGranularity(llvm::StringRef text) {
  return nn::symbolizeSparsityGranularity(text);
}

/// Where the weight of a weighted op is and how it is laid out.
struct WeightLayout {
  unsigned operand = 1;
  /// Axis of output channels (neurons) in the weight tensor.
  int64_t outAxis = 0;
  /// Axis along which the reduction runs (input channels / K): N:M groups
  /// and the second block dimension run along it.
  int64_t inAxis = 1;
};

struct SparsityPattern {
  SparsityGranularity granularity = SparsityGranularity::Unstructured;
  /// N:M: at most `n` non-zeros in every `m` consecutive elements.
  int64_t n = 0, m = 0;
  /// Block: [rows along out_axis, columns along in_axis].
  llvm::SmallVector<int64_t, 2> block;
  double sparsity = 0.0;
  WeightLayout layout;
};

/// The weight layout of the nn ops sparsify knows: nn.conv W [T, S/g, k...]
/// (out 0, in 1), nn.gemm B ([K, N]: out 1, in 0; transB: out 0, in 1),
/// nn.matmul B [..., K, N] (out rank-1, in rank-2). nullopt for other ops
/// and for weights whose rank does not fit.
std::optional<WeightLayout> getWeightLayout(mlir::Operation *op);

void setSparsityPattern(mlir::Operation *op, const SparsityPattern &pattern);
/// nullopt if the attribute is absent or not an nn::SparsityPatternAttr.
std::optional<SparsityPattern> getSparsityPattern(mlir::Operation *op);

/// Copies `from`'s pattern onto `to`, whose weight is operand
/// `weightOperand` (same layout of the weight tensor). For passes that
/// replace a sparse op by another one (nn.conv -> qnn conv).
void transferSparsityPattern(mlir::Operation *from, mlir::Operation *to,
                             unsigned weightOperand);

/// Checks raw weights of `shape` against `pattern`; on failure returns a
/// message saying what is violated where.
std::optional<std::string> checkSparsityPattern(llvm::ArrayRef<double> weights,
                                                llvm::ArrayRef<int64_t> shape,
                                                const SparsityPattern &pattern);

/// Checks that `op`'s attribute is well formed and that its constant weight
/// obeys it (N:M groups have at most N non-zeros, block sparsity counts
/// all-zero blocks, the declared sparsity is the zero fraction). Emits an
/// error on `op` and fails otherwise. Ops without the attribute succeed.
mlir::LogicalResult verifySparsityPattern(mlir::Operation *op);

} // namespace whittle

#endif // WHITTLE_TRANSFORMS_SPARSITYPATTERN_H
