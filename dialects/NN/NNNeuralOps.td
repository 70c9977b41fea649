//===- NNNeuralOps.td - nn convolution, matmul, norm, pool -*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The layers that carry weights or windows: convolutions, matrix products,
// normalizations, pooling, softmax, dropout and resampling.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNNEURALOPS_TD
#define WHITTLE_DIALECT_NN_NNNEURALOPS_TD

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

def NN_ConvOp : NN_SingleResultInferredOp<"conv"> {
  let summary = "N-d convolution (ONNX Conv)";
  let description = [{
    Cross-correlation of `X` (N x C x D1 x ... x Dn) with the filters `W`
    (M x C/group x k1 x ... x kn), plus the optional per-output-channel bias
    `B` (M). The spatial output size follows `strides`, `dilations`, `pads`
    and ONNX's `auto_pad` rules (NOTSET, VALID, SAME_UPPER, SAME_LOWER).
  }];
  let arguments = (ins NN_Tensor:$X, NN_Tensor:$W, NN_OptTensor:$B,
      DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad,
      OptionalAttr<DenseI64ArrayAttr>:$dilations,
      DefaultValuedAttr<I64Attr, "1">:$group,
      OptionalAttr<DenseI64ArrayAttr>:$kernel_shape,
      OptionalAttr<DenseI64ArrayAttr>:$pads,
      OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs NN_Tensor:$Y);
  let hasVerifier = 1;
}

def NN_ConvTransposeOp : NN_SingleResultInferredOp<"conv_transpose"> {
  let summary = "N-d transposed convolution (ONNX ConvTranspose)";
  let description = [{
    The gradient of Conv with respect to its input: `X` is
    N x C x D1 x ... x Dn, `W` is C x M/group x k1 x ... x kn and the result
    has M channels, plus the optional bias `B` (M). The spatial output size is
    `strides * (in - 1) + output_padding + (k - 1) * dilations + 1 - pads`,
    or `output_shape` when given (the pads are then derived from it), or
    `in * strides` with SAME_UPPER / SAME_LOWER.
  }];
  let arguments = (ins NN_Tensor:$X, NN_Tensor:$W, NN_OptTensor:$B,
      DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad,
      OptionalAttr<DenseI64ArrayAttr>:$dilations,
      DefaultValuedAttr<I64Attr, "1">:$group,
      OptionalAttr<DenseI64ArrayAttr>:$kernel_shape,
      OptionalAttr<DenseI64ArrayAttr>:$output_padding,
      OptionalAttr<DenseI64ArrayAttr>:$output_shape,
      OptionalAttr<DenseI64ArrayAttr>:$pads,
      OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs NN_Tensor:$Y);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

def NN_GemmOp : NN_SingleResultInferredOp<"gemm"> {
  let summary = "General matrix multiply (ONNX Gemm)";
  let description = [{
    `Y = alpha * A' * B' + beta * C` where `A'` is `A` (M x K) or its
    transpose when `transA` is 1, `B'` is `B` (K x N) or its transpose when
    `transB` is 1, and the optional `C` is unidirectionally broadcast to
    M x N.
  }];
  let arguments = (ins NN_Tensor:$A, NN_Tensor:$B, NN_OptTensor:$C,
      DefaultValuedAttr<F32Attr, "1.0">:$alpha,
      DefaultValuedAttr<F32Attr, "1.0">:$beta,
      DefaultValuedAttr<I64Attr, "0">:$transA,
      DefaultValuedAttr<I64Attr, "0">:$transB);
  let results = (outs NN_Tensor:$Y);
  let hasVerifier = 1;
}

def NN_MatMulOp : NN_SingleResultInferredOp<"matmul"> {
  let summary = "Matrix product with numpy semantics (ONNX MatMul)";
  let description = [{
    As `numpy.matmul`: a 1-D `A` is treated as a row vector and a 1-D `B`
    as a column vector (the added dimension is removed from the result);
    leading batch dimensions broadcast multidirectionally.
  }];
  let arguments = (ins NN_Tensor:$A, NN_Tensor:$B);
  let results = (outs NN_Tensor:$Y);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

def NN_BatchNormalizationOp : NN_SingleResultInferredOp<"batch_normalization"> {
  let summary = "Inference-mode batch normalization (ONNX "
                "BatchNormalization)";
  let description = [{
    `Y = (X - input_mean) / sqrt(input_var + epsilon) * scale + B` per
    channel (dimension 1 of X); `scale`, `B`, `input_mean` and `input_var`
    have shape [C]. Only inference mode is supported: `training_mode` must
    be 0 and the running statistics outputs do not exist. `momentum` is kept
    for round trips; it has no effect in inference.
  }];
  let arguments = (ins NN_Tensor:$X, NN_Tensor:$scale, NN_Tensor:$B,
      NN_Tensor:$input_mean, NN_Tensor:$input_var,
      DefaultValuedAttr<F32Attr, "1.0e-05">:$epsilon,
      DefaultValuedAttr<F32Attr, "0.9">:$momentum,
      DefaultValuedAttr<I64Attr, "0">:$training_mode);
  let results = (outs NN_Tensor:$Y);
  let hasVerifier = 1;
}

def NN_InstanceNormalizationOp
    : NN_SingleResultInferredOp<"instance_normalization"> {
  let summary = "Instance normalization (ONNX InstanceNormalization)";
  let description = [{
    Normalizes each channel of each instance over its spatial dimensions:
    `output = scale * (input - mean) / sqrt(variance + epsilon) + B`, with
    `scale` and `B` of shape [C].
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$scale, NN_Tensor:$B,
      DefaultValuedAttr<F32Attr, "1.0e-05">:$epsilon);
  let results = (outs NN_Tensor:$output);
  let hasVerifier = 1;
}

def NN_LayerNormalizationOp : NN_InferredOp<"layer_normalization"> {
  let summary = "Layer normalization (ONNX LayerNormalization)";
  let description = [{
    Normalizes `X` over the dimensions `axis`..rank-1, then applies `Scale`
    and the optional `B`, both unidirectionally broadcastable to those
    dimensions. `Mean` and `InvStdDev` have X's leading dimensions and 1 for
    the normalized ones, with the element type chosen by `stash_type`
    (1: f32, 16: bf16); they are always produced.
  }];
  let arguments = (ins NN_Tensor:$X, NN_Tensor:$Scale, NN_OptTensor:$B,
      DefaultValuedAttr<I64Attr, "-1">:$axis,
      DefaultValuedAttr<F32Attr, "1.0e-05">:$epsilon,
      DefaultValuedAttr<I64Attr, "1">:$stash_type);
  let results = (outs NN_Tensor:$Y, NN_Tensor:$Mean, NN_Tensor:$InvStdDev);
  let hasVerifier = 1;
}

def NN_LRNOp : NN_SingleResultInferredOp<"lrn"> {
  let summary = "Local response normalization across channels (ONNX LRN)";
  let description = [{
    `Y[n, c, ...] = X[n, c, ...] / (bias + alpha / size * square_sum) ^ beta`
    where `square_sum` sums `X^2` over the `size` channels centred on `c`.
  }];
  let arguments = (ins NN_Tensor:$X,
      DefaultValuedAttr<F32Attr, "0.0001">:$alpha,
      DefaultValuedAttr<F32Attr, "0.75">:$beta,
      DefaultValuedAttr<F32Attr, "1.0">:$bias,
      I64Attr:$size);
  let results = (outs NN_Tensor:$Y);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def NN_MaxPoolOp : NN_InferredOp<"max_pool"> {
  let summary = "N-d max pooling (ONNX MaxPool)";
  let description = [{
    Maximum over windows of `kernel_shape` with `strides`, `dilations`,
    `pads` and `auto_pad` as in Conv; `ceil_mode` rounds the output size up.
    `Indices` holds the flattened index of each maximum in X, row-major
    (`storage_order` 0) or column-major (1).
  }];
  let arguments = (ins NN_Tensor:$X,
      DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad,
      DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
      OptionalAttr<DenseI64ArrayAttr>:$dilations,
      DenseI64ArrayAttr:$kernel_shape,
      OptionalAttr<DenseI64ArrayAttr>:$pads,
      DefaultValuedAttr<I64Attr, "0">:$storage_order,
      OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs NN_Tensor:$Y, NN_I64Tensor:$Indices);
  let hasVerifier = 1;
}

def NN_AveragePoolOp : NN_SingleResultInferredOp<"average_pool"> {
  let summary = "N-d average pooling (ONNX AveragePool)";
  let description = [{
    Mean over windows of `kernel_shape` with `strides`, `dilations`, `pads`
    and `auto_pad` as in Conv; `ceil_mode` rounds the output size up.
    Padded positions count in the divisor only if `count_include_pad` is 1.
  }];
  let arguments = (ins NN_Tensor:$X,
      DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad,
      DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
      DefaultValuedAttr<I64Attr, "0">:$count_include_pad,
      OptionalAttr<DenseI64ArrayAttr>:$dilations,
      DenseI64ArrayAttr:$kernel_shape,
      OptionalAttr<DenseI64ArrayAttr>:$pads,
      OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs NN_Tensor:$Y);
  let hasVerifier = 1;
}

def NN_GlobalAveragePoolOp : NN_SingleResultInferredOp<"global_average_pool"> {
  let summary = "Mean over all spatial dimensions (ONNX GlobalAveragePool)";
  let description = [{
    `X` is N x C x D1 x ... x Dn; the result is N x C x 1 x ... x 1.
  }];
  let arguments = (ins NN_Tensor:$X);
  let results = (outs NN_Tensor:$Y);
}

def NN_GlobalMaxPoolOp : NN_SingleResultInferredOp<"global_max_pool"> {
  let summary = "Maximum over all spatial dimensions (ONNX GlobalMaxPool)";
  let description = [{
    `X` is N x C x D1 x ... x Dn; the result is N x C x 1 x ... x 1.
  }];
  let arguments = (ins NN_Tensor:$X);
  let results = (outs NN_Tensor:$Y);
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

class NN_SoftmaxLikeOp<string mnemonic, string onnxName, string formula>
    : NN_SingleResultInferredOp<mnemonic> {
  let summary = "Opset 13 " # onnxName # " along one axis (ONNX " #
                onnxName # ")";
  let description = [{
    Computes `}] # formula # [{` along the single dimension `axis`
    (negative values count from the end; default -1, the last dimension).
    The result has the input's type.
  }];
  let arguments = (ins NN_Tensor:$input,
      DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs NN_Tensor:$output);
  let hasVerifier = 1;
}

def NN_SoftmaxOp : NN_SoftmaxLikeOp<"softmax", "Softmax",
                                    "exp(x) / sum(exp(x))">;
def NN_LogSoftmaxOp : NN_SoftmaxLikeOp<"log_softmax", "LogSoftmax",
                                       "x - log(sum(exp(x)))">;
def NN_HardmaxOp : NN_SoftmaxLikeOp<"hardmax", "Hardmax",
                                    "x == max(x) ? 1 : 0 (the first maximum only)">;

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

def NN_DropoutOp : NN_InferredOp<"dropout"> {
  let summary = "Dropout, inference mode only (ONNX Dropout)";
  let description = [{
    In inference mode (`training_mode` absent or false) `output` is `data`
    and `mask` is all true; canonicalization replaces the op accordingly.
    A constant true `training_mode` is rejected: whittle compiles inference
    graphs. `ratio` (scalar, in [0, 1)) and `seed` are kept for round trips.
  }];
  let arguments = (ins NN_Tensor:$data, NN_OptTensor:$ratio,
      NN_OptTensor:$training_mode,
      OptionalAttr<I64Attr>:$seed);
  let results = (outs NN_Tensor:$output, NN_BoolTensor:$mask);
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Resampling
//===----------------------------------------------------------------------===//

def NN_ResizeOp : NN_SingleResultInferredOp<"resize"> {
  let summary = "Resize with nearest, linear or cubic interpolation (ONNX "
                "Resize)";
  let description = [{
    Resamples `X` to the size given by exactly one of `scales` (float, the
    output size is `floor(in * scale)`) or `sizes` (int64, adjusted by
    `keep_aspect_ratio_policy`), over all dimensions or only `axes`.
    `roi` is used by the `tf_crop_and_resize` coordinate transformation.
    The output shape is static when `scales` or `sizes` is a constant.
    A resize to the input's own shape is folded away (except with
    `tf_crop_and_resize`).
  }];
  let arguments = (ins NN_Tensor:$X, NN_OptTensor:$roi, NN_OptTensor:$scales,
      NN_OptTensor:$sizes,
      DefaultValuedAttr<I64Attr, "0">:$antialias,
      OptionalAttr<DenseI64ArrayAttr>:$axes,
      DefaultValuedAttr<StrAttr, "\"half_pixel\"">:
          $coordinate_transformation_mode,
      DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a,
      DefaultValuedAttr<I64Attr, "0">:$exclude_outside,
      DefaultValuedAttr<F32Attr, "0.0">:$extrapolation_value,
      DefaultValuedAttr<StrAttr, "\"stretch\"">:$keep_aspect_ratio_policy,
      DefaultValuedAttr<StrAttr, "\"nearest\"">:$mode,
      DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode);
  let results = (outs NN_Tensor:$Y);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_UpsampleOp : NN_SingleResultInferredOp<"upsample"> {
  let summary = "Opset 9 upsampling by constant factors (ONNX Upsample)";
  let description = [{
    Deprecated since opset 10 in favour of Resize. Each dimension grows by
    its factor in `scales` (>= 1): the output size is `floor(in * scale)`;
    `mode` is `nearest` or `linear`. Factors of 1 everywhere fold away.
  }];
  let arguments = (ins NN_Tensor:$X, NN_Tensor:$scales,
      DefaultValuedAttr<StrAttr, "\"nearest\"">:$mode);
  let results = (outs NN_Tensor:$Y);
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // WHITTLE_DIALECT_NN_NNNEURALOPS_TD
