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

def NN_ConvOp : NN_InferredOp<"conv"> {
  let summary = "N-d convolution (ONNX Conv)";
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

#endif // WHITTLE_DIALECT_NN_NNNEURALOPS_TD
