//===- Passes.td - model transformations on nn and qnn -----*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// The passes that change what a model computes, on purpose: compression
// (factorize, sparsify) on float nn weights, and calibration and
// quantization from nn to qnn. Each is one concern in its own file under
// lib/Transforms/.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TRANSFORMS_PASSES_TD
#define WHITTLE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def VerifyIntegerOnly : Pass<"verify-integer-only", "mlir::ModuleOp"> {
  let summary = "Fail unless every value inside the model is an integer";
  let description = [{
    Checks a quantized model: between the input `qnn.quantize` ops and the
    output `qnn.dequantize` ops, no value may have a float type and no op
    may compute on floats. Allowed at the edges: float function arguments
    and what nn data-movement ops (reshape, transpose, pad, slice, ...)
    derive from them, `qnn.quantize` of those; `qnn.dequantize` whose
    results only reach returns (possibly through data movement); float
    constants that are unused or feed only those edge ops. Every violation
    is an error at the op (its location is the ONNX node's name) saying
    what is float; the pass changes nothing.
  }];
}

#endif // WHITTLE_TRANSFORMS_PASSES_TD
