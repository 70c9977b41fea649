//===- NNElementwiseOps.td - nn elementwise ops ------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Arithmetic, comparison, logic and activation ops that act elementwise,
// with ONNX multidirectional broadcasting where ONNX has it.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNELEMENTWISEOPS_TD
#define WHITTLE_DIALECT_NN_NNELEMENTWISEOPS_TD

def NN_AddOp : NN_BinaryBroadcastOp<"add", [Commutative]> {
  let summary = "Elementwise addition with broadcasting (ONNX Add)";
  let hasFolder = 1;
}

def NN_ReluOp : NN_UnaryElementwiseOp<"relu"> {
  let summary = "Rectified linear unit (ONNX Relu)";
}

#endif // WHITTLE_DIALECT_NN_NNELEMENTWISEOPS_TD
