//===- NNOps.td - nn dialect operations --------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Conventions shared by every op family below, relied upon by the generic
// ONNX importer (lib/Import/ONNX):
//  - operand, result and attribute names are ONNX's (`X`, `W`, `B`, `axis`);
//  - the operand list is the latest ONNX schema's (opset 21), in order; a
//    missing optional input is a value of type `none` (`nn.none`);
//  - attribute types follow the ONNX attribute kind: INT -> I64Attr,
//    INTS -> DenseI64ArrayAttr, FLOAT -> F32Attr, FLOATS -> DenseF32ArrayAttr,
//    STRING -> StrAttr, TENSOR -> ElementsAttr; ONNX defaults are
//    DefaultValuedAttr, attributes without a default are OptionalAttr.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNOPS_TD
#define WHITTLE_DIALECT_NN_NNOPS_TD

include "NN/NNDialect.td"

//===----------------------------------------------------------------------===//
// Graph plumbing: constants and the `none` placeholder
//===----------------------------------------------------------------------===//

def NN_ConstantOp : NN_Op<"constant", [ConstantLike,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "Constant tensor (ONNX Constant and graph initializers)";
  let description = [{
    Holds a tensor value. Large weights are stored as
    `dense_resource` blobs so that they are not copied on import and are
    elided when printing with `--mlir-elide-resource-strings-if-larger`.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs NN_Tensor:$output);
  let hasFolder = 1;
  let assemblyFormat = "attr-dict $value";
}

def NN_NoneOp : NN_Op<"none", [ConstantLike]> {
  let summary = "Placeholder for a missing optional ONNX input";
  let results = (outs NoneType:$none);
  let assemblyFormat = "attr-dict";
  let hasFolder = 1;
}

include "NN/NNElementwiseOps.td"
include "NN/NNNeuralOps.td"
include "NN/NNTensorOps.td"
include "NN/NNQuantOps.td"

#endif // WHITTLE_DIALECT_NN_NNOPS_TD
