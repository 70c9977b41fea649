//===- NNTensorOps.td - nn shape, data movement, reductions -*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Ops that move, reshape, gather or reduce tensor data, and the shape
// arithmetic ops that exporters emit around them.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNTENSOROPS_TD
#define WHITTLE_DIALECT_NN_NNTENSOROPS_TD

def NN_ReshapeOp : NN_InferredOp<"reshape"> {
  let summary = "Reshape with ONNX's 0 (copy) and -1 (infer) entries";
  let arguments = (ins NN_Tensor:$data, NN_I64Tensor:$shape,
                   DefaultValuedAttr<I64Attr, "0">:$allowzero);
  let results = (outs NN_Tensor:$reshaped);
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // WHITTLE_DIALECT_NN_NNTENSOROPS_TD
