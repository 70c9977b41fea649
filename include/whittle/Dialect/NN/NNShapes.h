//===- NNShapes.h - shape rules shared by nn ops and lowerings --*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Shape computations written once and used by the verifiers, the result type
// inference and every lowering (broadcasting, conv/pool windows with ONNX
// auto_pad, reductions over axes).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNSHAPES_H
#define WHITTLE_DIALECT_NN_NNSHAPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace whittle::nn {

/// Infers the result of ONNX multidirectional broadcasting of `lhs` and
/// `rhs`. The result element type is `resultElement` if given, else lhs's.
mlir::FailureOr<mlir::Type>
inferBroadcastResult(std::optional<mlir::Location> location, mlir::Type lhs,
                     mlir::Type rhs, mlir::Type resultElement);

/// Broadcast shape of several operands; fails with a diagnostic at
/// `location` naming the incompatible dimensions.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(std::optional<mlir::Location> location,
                llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// True if `from` broadcasts unidirectionally to `to` (ONNX: trailing
/// dimensions of `from` are 1 or equal to `to`'s; a dynamic size matches
/// any). Gemm's C, LayerNormalization's scale and PRelu's slope.
bool isUnidirectionallyBroadcastable(llvm::ArrayRef<int64_t> from,
                                     llvm::ArrayRef<int64_t> to);

/// Formats a shape for diagnostics: `[2,?,4]`.
std::string shapeToString(llvm::ArrayRef<int64_t> shape);

/// True if each `inferred` type agrees with the `actual` one on element type,
/// encoding and rank, and on every dimension both know statically: the
/// result-type compatibility rule of every nn op with inferred types.
bool areRefinementsOf(mlir::TypeRange inferred, mlir::TypeRange actual);

/// Checks that two tensors have the same element type.
mlir::LogicalResult verifySameElementType(mlir::Operation *op, mlir::Type lhs,
                                          mlir::Type rhs);

/// Normalizes an ONNX axis in [-rank, rank) to [0, rank); fails if out of
/// range.
mlir::FailureOr<int64_t> normalizeAxis(std::optional<mlir::Location> location,
                                       int64_t axis, int64_t rank,
                                       llvm::StringRef what = "axis");

/// Geometry of a sliding window op (Conv, ConvTranspose, pools) resolved
/// from ONNX attributes: explicit per-spatial-dim values.
struct WindowGeometry {
  llvm::SmallVector<int64_t> kernel;
  llvm::SmallVector<int64_t> strides;
  llvm::SmallVector<int64_t> dilations;
  /// Begin pads then end pads, as in ONNX `pads`.
  llvm::SmallVector<int64_t> pads;
  /// Spatial output sizes (dynamic if the input size is dynamic).
  llvm::SmallVector<int64_t> output;
};

/// Resolves a forward window (Conv, MaxPool, AveragePool) over `inputSpatial`
/// following ONNX's auto_pad rules. `ceilMode` rounds the output size up as
/// the pools' ceil_mode does.
mlir::FailureOr<WindowGeometry>
resolveWindow(std::optional<mlir::Location> location,
              llvm::ArrayRef<int64_t> inputSpatial,
              llvm::ArrayRef<int64_t> kernel,
              std::optional<llvm::ArrayRef<int64_t>> strides,
              std::optional<llvm::ArrayRef<int64_t>> dilations,
              std::optional<llvm::ArrayRef<int64_t>> pads,
              llvm::StringRef autoPad, bool ceilMode = false);

//===----------------------------------------------------------------------===//
// Conv-like and matmul-like result shapes (shared by nn.conv, nn.conv_integer,
// nn.qlinear_conv, nn.matmul_integer, nn.qlinear_matmul and MatMul).
//===----------------------------------------------------------------------===//

/// True if a Conv-like op's input shape `x` (N x C x D1 ...) and weight
/// shape `w` have the ranks it needs: at least 3, and the same.
bool hasConvRanks(llvm::ArrayRef<int64_t> x, llvm::ArrayRef<int64_t> w);

/// Checks hasConvRanks, naming the op and operands as inferConvShape does.
mlir::LogicalResult checkConvRanks(std::optional<mlir::Location> location,
                                   llvm::StringRef opName,
                                   llvm::StringRef xName, llvm::StringRef wName,
                                   llvm::ArrayRef<int64_t> x,
                                   llvm::ArrayRef<int64_t> w);

/// Result shape [N, M, spatial...] of an ONNX Conv-like op with input shape
/// `x` and weight shape `w` ([M, C/group, k...]). Checks ranks, that
/// `kernelShape` (if given) matches `w`, that the kernel is static, and the
/// window attributes. `opName`, `xName` and `wName` name the op and operands
/// in diagnostics.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferConvShape(std::optional<mlir::Location> location, llvm::StringRef opName,
               llvm::StringRef xName, llvm::StringRef wName,
               llvm::ArrayRef<int64_t> x, llvm::ArrayRef<int64_t> w,
               std::optional<llvm::ArrayRef<int64_t>> kernelShape,
               std::optional<llvm::ArrayRef<int64_t>> strides,
               std::optional<llvm::ArrayRef<int64_t>> dilations,
               std::optional<llvm::ArrayRef<int64_t>> pads,
               llvm::StringRef autoPad);

/// The result type of an op with ONNX Conv's attributes (`kernel_shape`,
/// `strides`, `dilations`, `pads`, `auto_pad`, read from `adaptor`): the
/// shape of inferConvShape with `element` as element type. Shared by
/// nn.conv, nn.qlinear_conv and nn.conv_integer.
template <typename ConvAdaptor>
mlir::FailureOr<mlir::Type>
inferConvResult(std::optional<mlir::Location> location, llvm::StringRef opName,
                llvm::StringRef xName, llvm::StringRef wName,
                mlir::RankedTensorType x, mlir::RankedTensorType w,
                ConvAdaptor adaptor, mlir::Type element) {
  mlir::FailureOr<llvm::SmallVector<int64_t>> shape = inferConvShape(
      location, opName, xName, wName, x.getShape(), w.getShape(),
      adaptor.getKernelShape(), adaptor.getStrides(), adaptor.getDilations(),
      adaptor.getPads(), adaptor.getAutoPad());
  if (mlir::failed(shape))
    return mlir::failure();
  return mlir::Type(mlir::RankedTensorType::get(*shape, element));
}

/// Checks a Conv-like op's `group` against the input channels (dimension 1
/// of `x`) and the weight's [M, C/group] dimensions.
mlir::LogicalResult verifyConvGroups(mlir::Operation *op,
                                     llvm::ArrayRef<int64_t> x,
                                     llvm::ArrayRef<int64_t> w, int64_t group);

/// Result shape of numpy.matmul (ONNX MatMul): 1-D operands are promoted
/// to matrices and the promoted dimension dropped; batch dimensions
/// broadcast; the contracted dimensions must agree.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferMatMulShape(std::optional<mlir::Location> location,
                 llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// Geometry of a transposed window (ConvTranspose): `pads` are the amounts
/// cropped from the full transposed output, `output` its spatial size.
struct TransposedWindowGeometry : WindowGeometry {
  llvm::SmallVector<int64_t> outputPadding;
};

/// Resolves ConvTranspose's window over `inputSpatial` following ONNX:
/// explicit `pads` (NOTSET), none (VALID), or derived from the requested
/// size (`outputShape` if given, else `in * stride` for SAME_UPPER and
/// SAME_LOWER) with the odd element at the end for SAME_UPPER and at the
/// beginning otherwise (SAME_LOWER, or NOTSET with `outputShape`).
/// `pads` together with auto_pad other than NOTSET is rejected, as ONNX
/// shape inference does; `outputPadding` must be below the stride or the
/// dilation.
mlir::FailureOr<TransposedWindowGeometry> resolveTransposedWindow(
    std::optional<mlir::Location> location,
    llvm::ArrayRef<int64_t> inputSpatial, llvm::ArrayRef<int64_t> kernel,
    std::optional<llvm::ArrayRef<int64_t>> strides,
    std::optional<llvm::ArrayRef<int64_t>> dilations,
    std::optional<llvm::ArrayRef<int64_t>> pads, llvm::StringRef autoPad,
    std::optional<llvm::ArrayRef<int64_t>> outputPadding,
    std::optional<llvm::ArrayRef<int64_t>> outputShape);

//===----------------------------------------------------------------------===//
// Slice and Shape ranges (shared by nn.slice, nn.shape, their folders and
// lowerings).
//===----------------------------------------------------------------------===//

/// First index and element count of ONNX Slice's `start:end:step` over a
/// dimension of size `dim`: negative start/end count from the end, then
/// both are clamped to [0, dim] for positive steps, start to [0, dim-1] and
/// end to [-1, dim-1] for negative ones. `step` must not be 0.
std::pair<int64_t, int64_t> resolveSliceRange(int64_t start, int64_t end,
                                              int64_t step, int64_t dim);

/// The [first, last) dimensions that ONNX Shape returns for a tensor of
/// rank `rank`: negative start/end count from the rank, both are clamped to
/// [0, rank], and an empty range has first == last.
std::pair<int64_t, int64_t> resolveShapeRange(int64_t rank, int64_t start,
                                              std::optional<int64_t> end);

} // namespace whittle::nn

#endif // WHITTLE_DIALECT_NN_NNSHAPES_H
