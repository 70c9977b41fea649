//===- Passes.td - conversions out of whittle's dialects ---*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CONVERSION_PASSES_TD
#define WHITTLE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNNToLinalg : Pass<"convert-nn-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower the nn dialect to linalg, tensor, arith and math";
  let description = [{
    Rewrites every `nn` op into upstream dialects on tensors: convolutions,
    matrix products and pooling become linalg named ops where one exists
    (`linalg.conv_2d_nchw_fchw`, `linalg.depthwise_conv_2d_nchw_chw`,
    `linalg.matmul`, `linalg.batch_matmul`, `linalg.pooling_nchw_max`,
    ...) and `linalg.generic` otherwise; elementwise ops become
    `linalg.generic` with NumPy broadcasting in their indexing maps; shape
    ops become `tensor` ops. Unsigned ONNX element types (`ui8`, ...) become
    signless integers; the patterns pick unsigned arithmetic from the nn
    types. Every shape must be static: a dynamic dimension is an error
    naming the op and asking for `--input-shape`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ConvertQNNToLinalg : Pass<"convert-qnn-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower the qnn dialect to linalg, tensor and arith on integers";
  let description = [{
    Rewrites every `qnn` op into upstream dialects, bit-exact with
    `whittle/Dialect/QNN/QNNArithmetic.h`. Products keep i8 operands in
    linalg's named ops (`linalg.conv_2d_nchw_fchw`,
    `linalg.depthwise_conv_2d_nchw_chw`, `linalg.matmul`,
    `linalg.batch_matmul`) with i32 accumulators, the zero points factored
    out of the inner loop (gemmlowp); grouped and N-d convolutions are
    `linalg.generic`s. Rescales are `linalg.generic`s in i64 (i128 only
    where a bound proven at compile time needs it) with the rounding modes
    spelled out in arith. The `nn` data-movement ops around qnn ops stay
    for `--convert-nn-to-linalg`. Every shape must be static.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // WHITTLE_CONVERSION_PASSES_TD
