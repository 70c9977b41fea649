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

#endif // WHITTLE_CONVERSION_PASSES_TD
