//===- NNToLinalg.h - lower nn to linalg, tensor, arith, math ---*- C++ -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CONVERSION_NNTOLINALG_NNTOLINALG_H
#define WHITTLE_CONVERSION_NNTOLINALG_NNTOLINALG_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace whittle {

#define GEN_PASS_DECL_CONVERTNNTOLINALG
#include "whittle/Conversion/Passes.h.inc"

/// Maps nn tensor types to the types the lowered IR uses: unsigned integer
/// element types become signless of the same width; everything else stays.
class NNTypeConverter : public mlir::TypeConverter {
public:
  NNTypeConverter();
};

// Each family of nn ops has its own set of patterns. All of them expect the
// converter above and static shapes.

/// Constants, `nn.identity`, `nn.dropout` (inference).
void populateNNConstantToLinalgPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);
/// Arithmetic, comparison, logical and activation ops, `nn.cast`,
/// `nn.where`, `nn.clip`.
void populateNNElementwiseToLinalgPatterns(const mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);
/// `nn.conv`, `nn.gemm`, `nn.matmul`.
void populateNNContractionToLinalgPatterns(const mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);
/// `nn.conv_transpose`.
void populateNNConvTransposeToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
/// Max, average and global pooling.
void populateNNPoolingToLinalgPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
/// Batch, instance and layer normalization, LRN, softmax, log-softmax.
void populateNNNormalizationToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
/// Reduce* and ArgMax/ArgMin.
void populateNNReductionToLinalgPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
/// Reshapes, transposes, concat/split/slice, pad, gather, tile, expand,
/// resize and the other data-movement ops.
void populateNNTensorToLinalgPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);
/// QuantizeLinear, DequantizeLinear and the ONNX integer ops, in the float
/// arithmetic ONNX defines them with.
void populateNNQuantToLinalgPatterns(const mlir::TypeConverter &converter,
                                     mlir::RewritePatternSet &patterns);

} // namespace whittle

#endif // WHITTLE_CONVERSION_NNTOLINALG_NNTOLINALG_H
