//===- NNQuantOps.td - nn quantized ONNX operators ---------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The quantized operators of the standard ONNX domain. Their operands are
// plain integer tensors with scales and zero points as operands, exactly as
// in ONNX; the qnn dialect is where whittle's own integer layers live.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_DIALECT_NN_NNQUANTOPS_TD
#define WHITTLE_DIALECT_NN_NNQUANTOPS_TD

#endif // WHITTLE_DIALECT_NN_NNQUANTOPS_TD
