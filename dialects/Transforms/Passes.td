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

def CompressionReport : Pass<"whittle-compression-report", "mlir::ModuleOp"> {
  let summary = "Print what compression did to each layer";
  let description = [{
    Prints a table with one row per layer (ops with MACs, or ops sharing a
    `whittle.compression` record's `layer`): name, op types, weight shapes,
    form, ranks or sparsity, parameters and MACs before and after, and the
    relative reconstruction error; then the model totals and ratios. Reads
    only the records and the IR (layers without a record count their
    parameters and MACs from the IR), so it reports whatever passes ran.
    With `json=PATH` it also writes the report as JSON. The IR is unchanged.
  }];
  let options = [
    Option<"jsonPath", "json", "std::string", /*default=*/"\"\"",
           "Also write the report as JSON to this file">,
  ];
}

#endif // WHITTLE_TRANSFORMS_PASSES_TD
