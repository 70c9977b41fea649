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

def NNToQNN : Pass<"nn-to-qnn", "mlir::ModuleOp"> {
  let summary = "Turn quantized ONNX graphs (QDQ and QOperator) into qnn";
  let description = [{
    Rewrites the quantized parts of an imported ONNX model into the
    integer-only `qnn` ops: a `DequantizeLinear -> op -> QuantizeLinear`
    sandwich (QDQ format) with constant scales and zero points becomes the
    op's qnn form (`qnn.conv`/`qnn.matmul` + `qnn.requantize` with a
    Relu/Clip before the QuantizeLinear absorbed into the clamp, `qnn.add`,
    `qnn.mul`, the pools, `qnn.concat`, `qnn.softmax`, `qnn.lut` for
    elementwise functions of one value), and so do the QOperator ops
    (QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger and the
    com.microsoft QLinear* ops, QLinearSoftmax included, and QGemm). `uint8` tensors become `i8` holding `q - 128` with zero point
    `z - 128`. Data movement between quantized ops (Reshape, Flatten,
    Transpose, Squeeze, ...) stays in nn, on `i8`. The model's first
    QuantizeLinear becomes `qnn.quantize` and the last DequantizeLinear
    `qnn.dequantize`.

    Rescales use the gemmlowp fixed-point multiplier of the real ratio as
    ONNX Runtime computes it in float32 (`x_scale * w_scale / y_scale`),
    which holds it exactly. Products are requantized with `float32`
    rounding (`round(float(acc) * ratio)` as float32 arithmetic gives it,
    ONNX's definition); the other rescales round exactly to nearest even. Whatever has no integer form (non-constant
    scales, DynamicQuantizeLinear, float ops without a qnn counterpart)
    keeps its nn ops, which stay correct but not integer-only; a
    non-constant scale is reported with a remark. A com.microsoft op it
    cannot convert is an error, since it has no float lowering.
  }];
  let dependentDialects = ["::whittle::qnn::QNNDialect"];
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
