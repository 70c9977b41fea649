//===- Passes.td - code generation passes ------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_CODEGEN_PASSES_TD
#define WHITTLE_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def LinalgLoopOrder : Pass<"whittle-linalg-loop-order", "mlir::func::FuncOp"> {
  let summary = "Order the loops of linalg reductions for the CPU's vector "
                "units";
  let description = [{
    Generalizes linalg named ops with reduction loops (convolutions,
    matrix products, pooling) and interchanges their loops so that the
    reduction loops come before the loop that indexes the output's
    innermost dimension: `C[i, j] += A[i, k] * B[k, j]` runs as `i, k, j`
    and `Y[n, f, y, x] += X[n, c, y + ky, x + kx] * W[f, c, ky, kx]` as
    `n, f, y, c, ky, kx, x`. The innermost loop then walks the output and
    (for unit strides) the input contiguously with loop-invariant weights,
    which LLVM's loop vectorizer turns into vector fused multiply-adds. Ops
    whose innermost output dimension is shorter than `min-inner-size` keep
    their order.
  }];
  let options = [
    Option<"minInnerSize", "min-inner-size", "int64_t", /*default=*/"4",
           "Smallest innermost output extent worth moving innermost">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // WHITTLE_CODEGEN_PASSES_TD
