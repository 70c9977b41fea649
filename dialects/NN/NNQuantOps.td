//===- NNQuantOps.td - nn quantized ONNX operators ---------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The quantized operators of the standard ONNX domain. As imported, their
// operands are plain integer tensors with scales and zero points as
// operands, exactly as in ONNX (a `tensor<...xui8>` next to its scale and
// zero point tensors), so that import stays a one-to-one mapping. The
// scale and zero point operands are the only record of the quantization:
// the data has a plain integer element type, never an upstream `quant`
// type (the type constraints below reject `!quant.uniform`).
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNQUANTOPS_TD
#define WHITTLE_DIALECT_NN_NNQUANTOPS_TD

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Storage types of quantized tensors that whittle supports (ONNX's float8 and
// 4-bit types are not imported).
def NN_QuantizedTensor : RankedTensorOf<[I8, UI8, I16, UI16]>;
def NN_OptQuantizedTensor : AnyTypeOf<[NN_QuantizedTensor, NoneType],
    "8- or 16-bit integer tensor or none">;
// DequantizeLinear also accepts int32 (typically a quantized bias).
def NN_DequantizableTensor : RankedTensorOf<[I8, UI8, I16, UI16, I32]>;
def NN_OptDequantizableTensor : AnyTypeOf<[NN_DequantizableTensor, NoneType],
    "8-, 16- or 32-bit integer tensor or none">;
// The 8-bit operands of the integer layers.
def NN_Int8Tensor : RankedTensorOf<[I8, UI8]>;
def NN_OptInt8Tensor : AnyTypeOf<[NN_Int8Tensor, NoneType],
    "8-bit integer tensor or none">;
def NN_I32Tensor : RankedTensorOf<[I32]>;
def NN_OptI32Tensor : AnyTypeOf<[NN_I32Tensor, NoneType],
    "i32 tensor or none">;
// Scales.
def NN_ScaleTensor : RankedTensorOf<[F32, F16, BF16]>;
def NN_F32Tensor : RankedTensorOf<[F32]>;
// What QuantizeLinear quantizes (and the type of its scale).
def NN_QuantizeInputTensor : RankedTensorOf<[F32, F16, BF16, I32]>;

//===----------------------------------------------------------------------===//
// Linear (de)quantization
//===----------------------------------------------------------------------===//

def NN_QuantizeLinearOp : NN_SingleResultInferredOp<"quantize_linear"> {
  let summary = "Linear quantization (ONNX QuantizeLinear)";
  let description = [{
    Computes `y = saturate(round(x / y_scale) + y_zero_point)`, rounding
    half to even and saturating to the range of `y`'s element type.

    The granularity is given by the shape of `y_scale` (`y_zero_point`, when
    present, has the same shape):
    - per-tensor: a scalar or one-element `y_scale`;
    - per-axis: a 1-D `y_scale` of length `dim(x, axis)`;
    - blocked (`block_size` > 0): `y_scale` has `x`'s shape except along
      `axis`, where it has `ceil(dim(x, axis) / block_size)` elements.

    `y_scale` has `x`'s element type. `y`'s element type is `y_zero_point`'s;
    without a zero point it is `output_dtype` (an ONNX TensorProto data type:
    2 = uint8, 3 = int8, 4 = uint16, 5 = int16) and by default uint8. A
    missing zero point (`none`) means 0. `saturate` only matters for float8
    outputs, which whittle does not support; it is kept for round-tripping.
    Quantizing a constant of at most 1024 elements folds to a constant.

    Example:
    ```mlir
    %y = nn.quantize_linear %x, %scale, %zp
        : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
    ```
  }];
  let arguments = (ins NN_QuantizeInputTensor:$x,
      NN_QuantizeInputTensor:$y_scale,
      NN_OptQuantizedTensor:$y_zero_point,
      DefaultValuedAttr<I64Attr, "1">:$axis,
      DefaultValuedAttr<I64Attr, "0">:$block_size,
      DefaultValuedAttr<I64Attr, "0">:$output_dtype,
      DefaultValuedAttr<I64Attr, "1">:$saturate);
  let results = (outs NN_QuantizedTensor:$y);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_DequantizeLinearOp : NN_SingleResultInferredOp<"dequantize_linear"> {
  let summary = "Linear dequantization (ONNX DequantizeLinear)";
  let description = [{
    Computes `y = (x - x_zero_point) * x_scale`. `y` has `x`'s shape and
    `x_scale`'s element type. Granularities are those of
    `nn.quantize_linear` (per-tensor, per-axis along `axis`, or blocked with
    `block_size`); `x_zero_point` has `x`'s element type and `x_scale`'s
    shape, and a missing zero point (`none`) means 0. `x` may be int32
    (a quantized bias). Dequantizing a constant of at most 1024 elements
    folds to a constant.

    Example:
    ```mlir
    %y = nn.dequantize_linear %w, %scales, %zps {axis = 0 : i64}
        : (tensor<4x3xi8>, tensor<4xf32>, tensor<4xi8>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins NN_DequantizableTensor:$x,
      NN_ScaleTensor:$x_scale,
      NN_OptDequantizableTensor:$x_zero_point,
      DefaultValuedAttr<I64Attr, "1">:$axis,
      DefaultValuedAttr<I64Attr, "0">:$block_size);
  let results = (outs NN_ScaleTensor:$y);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_DynamicQuantizeLinearOp : NN_InferredOp<"dynamic_quantize_linear"> {
  let summary = "Quantization with a computed scale (ONNX "
                "DynamicQuantizeLinear)";
  let description = [{
    Quantizes the f32 tensor `x` to uint8 with a scale and zero point
    computed from its range (extended to include 0):
    `y_scale = (max(0, max(x)) - min(0, min(x))) / 255`,
    `y_zero_point = saturate(round(-min(0, min(x)) / y_scale))` and
    `y = saturate(round(x / y_scale) + y_zero_point)`, rounding half to even.
    `y` has `x`'s shape; `y_scale` and `y_zero_point` are scalars.
  }];
  let arguments = (ins NN_F32Tensor:$x);
  let results = (outs RankedTensorOf<[UI8]>:$y, 0DTensorOf<[F32]>:$y_scale,
      0DTensorOf<[UI8]>:$y_zero_point);
}

//===----------------------------------------------------------------------===//
// Quantized layers
//===----------------------------------------------------------------------===//

def NN_QLinearConvOp : NN_SingleResultInferredOp<"qlinear_conv"> {
  let summary = "Quantized N-d convolution (ONNX QLinearConv)";
  let description = [{
    The convolution of `nn.conv` (same attributes and shape rules) on 8-bit
    tensors: dequantizes `x` and `w` with their scales and zero points,
    convolves, adds the int32 bias `B` (quantized with scale
    `x_scale * w_scale` and zero point 0) and requantizes with `y_scale` and
    `y_zero_point`. `y` has `y_zero_point`'s element type.

    `x_scale`, `x_zero_point`, `y_scale` and `y_zero_point` are per-tensor
    (scalars or one-element tensors); `w_scale` and `w_zero_point` are
    per-tensor or per output channel (1-D of length M). Each zero point has
    its tensor's element type and its scale's shape. Scales are f32.
  }];
  let arguments = (ins NN_Int8Tensor:$x, NN_F32Tensor:$x_scale,
      NN_Int8Tensor:$x_zero_point, NN_Int8Tensor:$w, NN_F32Tensor:$w_scale,
      NN_Int8Tensor:$w_zero_point, NN_F32Tensor:$y_scale,
      NN_Int8Tensor:$y_zero_point, NN_OptI32Tensor:$B,
      DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad,
      OptionalAttr<DenseI64ArrayAttr>:$dilations,
      DefaultValuedAttr<I64Attr, "1">:$group,
      OptionalAttr<DenseI64ArrayAttr>:$kernel_shape,
      OptionalAttr<DenseI64ArrayAttr>:$pads,
      OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs NN_Int8Tensor:$y);
  let hasVerifier = 1;
}

def NN_ConvIntegerOp : NN_SingleResultInferredOp<"conv_integer"> {
  let summary = "Integer N-d convolution (ONNX ConvInteger)";
  let description = [{
    The convolution of `nn.conv` (same attributes and shape rules) of
    `x - x_zero_point` with `w - w_zero_point`, accumulated in int32. A
    missing zero point (`none`) means 0. `x_zero_point` is per-tensor (a
    scalar or one-element tensor); `w_zero_point` is per-tensor or per output
    channel (1-D of length M). Each zero point has its tensor's element type.
  }];
  let arguments = (ins NN_Int8Tensor:$x, NN_Int8Tensor:$w,
      NN_OptInt8Tensor:$x_zero_point, NN_OptInt8Tensor:$w_zero_point,
      DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad,
      OptionalAttr<DenseI64ArrayAttr>:$dilations,
      DefaultValuedAttr<I64Attr, "1">:$group,
      OptionalAttr<DenseI64ArrayAttr>:$kernel_shape,
      OptionalAttr<DenseI64ArrayAttr>:$pads,
      OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs NN_I32Tensor:$y);
  let hasVerifier = 1;
}

def NN_QLinearMatMulOp : NN_SingleResultInferredOp<"qlinear_matmul"> {
  let summary = "Quantized matrix product (ONNX QLinearMatMul)";
  let description = [{
    numpy.matmul of the dequantized `a` and `b`, requantized with `y_scale`
    and `y_zero_point` (rounding half to even, saturating). `y` has
    `y_zero_point`'s element type and the numpy matmul shape of `a` and `b`.

    The three scales share one float type. Each zero point has its tensor's
    element type and its scale's shape. `a`'s scale is per-tensor (a scalar
    or one-element tensor) or per row (M elements as a 1-D tensor, or `a`'s
    shape with a last dimension of 1); `b`'s is per-tensor or per column
    (N elements as a 1-D tensor, or `b`'s shape with dimension -2 of 1);
    `y`'s is per-tensor.
  }];
  let arguments = (ins NN_Int8Tensor:$a, NN_ScaleTensor:$a_scale,
      NN_Int8Tensor:$a_zero_point, NN_Int8Tensor:$b, NN_ScaleTensor:$b_scale,
      NN_Int8Tensor:$b_zero_point, NN_ScaleTensor:$y_scale,
      NN_Int8Tensor:$y_zero_point);
  let results = (outs NN_Int8Tensor:$y);
  let hasVerifier = 1;
}

def NN_MatMulIntegerOp : NN_SingleResultInferredOp<"matmul_integer"> {
  let summary = "Integer matrix product (ONNX MatMulInteger)";
  let description = [{
    numpy.matmul of `A - a_zero_point` and `B - b_zero_point`, accumulated in
    int32. A missing zero point (`none`) means 0. Each zero point has its
    tensor's element type; `a_zero_point` is per-tensor or per row of `A`,
    `b_zero_point` per-tensor or per column of `B` (the shapes of
    `nn.qlinear_matmul`'s scales).
  }];
  let arguments = (ins NN_Int8Tensor:$A, NN_Int8Tensor:$B,
      NN_OptInt8Tensor:$a_zero_point, NN_OptInt8Tensor:$b_zero_point);
  let results = (outs NN_I32Tensor:$Y);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ONNX Runtime's quantized operators (domain com.microsoft)
//===----------------------------------------------------------------------===//

// ONNX Runtime's quantizer writes these in QOperator models. Their
// semantics are ONNX Runtime's contrib operator documentation: each
// dequantizes its 8-bit inputs with their (per-tensor) scale and zero point,
// computes the float op, and quantizes with the output's scale and zero
// point (round half to even, saturating). A missing zero point (`none`)
// means 0. The data and zero points share one 8-bit type.
class NN_MSQuantOp<string mnemonic, string onnxName>
    : NN_SingleResultInferredOp<mnemonic> {
  let summary = "ONNX Runtime's com.microsoft." # onnxName;
  let hasVerifier = 1;
}

def NN_MSQLinearAddOp : NN_MSQuantOp<"ms.qlinear_add", "QLinearAdd"> {
  let description = [{
    `C = quantize(dequantize(A) + dequantize(B))` with numpy broadcasting.
  }];
  let arguments = (ins NN_Int8Tensor:$A, NN_F32Tensor:$A_scale,
      NN_OptInt8Tensor:$A_zero_point, NN_Int8Tensor:$B, NN_F32Tensor:$B_scale,
      NN_OptInt8Tensor:$B_zero_point, NN_F32Tensor:$C_scale,
      NN_OptInt8Tensor:$C_zero_point);
  let results = (outs NN_Int8Tensor:$C);
}

def NN_MSQLinearMulOp : NN_MSQuantOp<"ms.qlinear_mul", "QLinearMul"> {
  let description = [{
    `C = quantize(dequantize(A) * dequantize(B))` with numpy broadcasting.
  }];
  let arguments = (ins NN_Int8Tensor:$A, NN_F32Tensor:$A_scale,
      NN_OptInt8Tensor:$A_zero_point, NN_Int8Tensor:$B, NN_F32Tensor:$B_scale,
      NN_OptInt8Tensor:$B_zero_point, NN_F32Tensor:$C_scale,
      NN_OptInt8Tensor:$C_zero_point);
  let results = (outs NN_Int8Tensor:$C);
}

def NN_MSQLinearGlobalAveragePoolOp
    : NN_MSQuantOp<"ms.qlinear_global_average_pool",
                   "QLinearGlobalAveragePool"> {
  let description = [{
    GlobalAveragePool of the dequantized `X` (N x C x D... , or N x D... x C
    with `channels_last`), quantized with `y_scale` and `y_zero_point`.
  }];
  let arguments = (ins NN_Int8Tensor:$X, NN_F32Tensor:$x_scale,
      NN_OptInt8Tensor:$x_zero_point, NN_F32Tensor:$y_scale,
      NN_OptInt8Tensor:$y_zero_point,
      DefaultValuedAttr<I64Attr, "0">:$channels_last);
  let results = (outs NN_Int8Tensor:$Y);
}

def NN_MSQLinearAveragePoolOp
    : NN_MSQuantOp<"ms.qlinear_average_pool", "QLinearAveragePool"> {
  let description = [{
    AveragePool (the attributes of `nn.average_pool`) of the dequantized `X`,
    quantized with `y_scale` and `y_zero_point`.
  }];
  let arguments = (ins NN_Int8Tensor:$X, NN_F32Tensor:$x_scale,
      NN_OptInt8Tensor:$x_zero_point, NN_F32Tensor:$y_scale,
      NN_OptInt8Tensor:$y_zero_point,
      DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad,
      DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
      DefaultValuedAttr<I64Attr, "0">:$channels_last,
      DefaultValuedAttr<I64Attr, "0">:$count_include_pad,
      DenseI64ArrayAttr:$kernel_shape,
      OptionalAttr<DenseI64ArrayAttr>:$pads,
      OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs NN_Int8Tensor:$Y);
}

def NN_MSQLinearSigmoidOp
    : NN_MSQuantOp<"ms.qlinear_sigmoid", "QLinearSigmoid"> {
  let description = [{ `Y = quantize(sigmoid(dequantize(X)))`. }];
  let arguments = (ins NN_Int8Tensor:$X, NN_F32Tensor:$X_scale,
      NN_OptInt8Tensor:$X_zero_point, NN_F32Tensor:$Y_scale,
      NN_OptInt8Tensor:$Y_zero_point);
  let results = (outs NN_Int8Tensor:$Y);
}

def NN_MSQLinearLeakyReluOp
    : NN_MSQuantOp<"ms.qlinear_leaky_relu", "QLinearLeakyRelu"> {
  let description = [{ `Y = quantize(leaky_relu(dequantize(X), alpha))`. }];
  let arguments = (ins NN_Int8Tensor:$X, NN_F32Tensor:$X_scale,
      NN_OptInt8Tensor:$X_zero_point, NN_F32Tensor:$Y_scale,
      NN_OptInt8Tensor:$Y_zero_point,
      DefaultValuedAttr<F32Attr, "0.01f">:$alpha);
  let results = (outs NN_Int8Tensor:$Y);
}

def NN_MSQLinearSoftmaxOp
    : NN_MSQuantOp<"ms.qlinear_softmax", "QLinearSoftmax"> {
  let description = [{
    `Y = quantize(softmax(dequantize(X)))` along `axis` (with `opset` < 13
    the input is coerced to 2-D at `axis`, as ONNX Softmax before opset 13).
  }];
  let arguments = (ins NN_Int8Tensor:$X, NN_F32Tensor:$X_scale,
      NN_OptInt8Tensor:$x_zero_point, NN_F32Tensor:$y_scale,
      NN_OptInt8Tensor:$y_zero_point,
      DefaultValuedAttr<I64Attr, "-1">:$axis,
      DefaultValuedAttr<I64Attr, "13">:$opset);
  let results = (outs NN_Int8Tensor:$Y);
}

def NN_MSQLinearConcatOp
    : NN_MSQuantOp<"ms.qlinear_concat", "QLinearConcat"> {
  let description = [{
    Concatenation along `axis` of the dequantized inputs, given as triples
    (tensor, scale, zero point) after the output's `Y_scale` and
    `Y_zero_point`, quantized with the output's parameters.
  }];
  let arguments = (ins NN_F32Tensor:$Y_scale, NN_Int8Tensor:$Y_zero_point,
      Variadic<AnyTypeOf<[NN_Int8Tensor, NN_F32Tensor]>>:$inputs,
      I64Attr:$axis);
  let results = (outs NN_Int8Tensor:$Y);
}

def NN_MSQGemmOp : NN_MSQuantOp<"ms.qgemm", "QGemm"> {
  let description = [{
    `Y = alpha * A' * B' + C` on the dequantized `A` and `B` (`A'`, `B'`
    transposed per `transA`, `transB`); `C` is an int32 bias with scale
    `alpha * a_scale * b_scale` and zero point 0. With `y_scale` the result
    is quantized with it and `y_zero_point`, else it is f32. `b_scale` and
    `b_zero_point` are per tensor or per column of `B'`.
  }];
  let arguments = (ins NN_Int8Tensor:$A, NN_F32Tensor:$a_scale,
      NN_Int8Tensor:$a_zero_point, NN_Int8Tensor:$B, NN_F32Tensor:$b_scale,
      NN_Int8Tensor:$b_zero_point, NN_OptI32Tensor:$C,
      AnyTypeOf<[NN_F32Tensor, NoneType]>:$y_scale,
      NN_OptInt8Tensor:$y_zero_point,
      DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
      DefaultValuedAttr<I64Attr, "0">:$transA,
      DefaultValuedAttr<I64Attr, "0">:$transB);
  let results = (outs RankedTensorOf<[I8, UI8, F32]>:$Y);
}

#endif // WHITTLE_DIALECT_NN_NNQUANTOPS_TD
