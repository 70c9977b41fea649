//===- Passes.td - code generation passes ------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_PASSES_TD
#define WHITTLE_TARGET_CPU_PASSES_TD

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

def VectorizeContractions
    : Pass<"whittle-vectorize-contractions", "mlir::func::FuncOp"> {
  let summary = "Rewrite convolutions as matrix products and tile and "
                "vectorize matrix products into register-blocked kernels";
  let description = [{
    Runs on tensors, before bufferization. A `linalg.conv_2d_nchw_fchw`
    becomes a matrix product: a 1x1 convolution with unit strides through
    collapsed views of its operands, any other through an explicit im2col
    buffer (upstream `rewriteInIm2Col`). Every contraction whose output and
    right-hand operand are contiguous along the output's innermost loop
    (`n`) is then tiled into `batch=1, m=register-rows, n=vector-width,
    k<=max-reduction-tile` tiles (the `k` tile divides its extent, so the
    accumulator stays in registers for the whole reduction), the `m` and
    `n` loops are peeled so that every tile has a static shape, and each
    tile becomes a `vector.contract`. After bufferization,
    `whittle-hoist-vector-transfers` keeps the accumulator tile in
    registers across the reduction loop and LLVM lowers each contraction
    to broadcasts and fused multiply-adds: the classic outer-product
    micro-kernel.
  }];
  let options = [
    Option<"registerRows", "register-rows", "int64_t", /*default=*/"6",
           "Largest tile of the output's row dimension (m)">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Tile of the output's contiguous dimension (n)">,
    Option<"maxReductionTile", "max-reduction-tile", "int64_t",
           /*default=*/"16", "Largest tile of the reduction dimension (k)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect",
  ];
}

def HoistVectorTransfers
    : Pass<"whittle-hoist-vector-transfers", "mlir::func::FuncOp"> {
  let summary = "Keep loop-carried vector tiles in registers";
  let description = [{
    Runs after bufferization: a vector read from and written back to the
    same buffer location in every iteration of a loop (the accumulator of
    a vectorized contraction across its reduction loop) is read once
    before the loop and written once after it (upstream
    `hoistRedundantVectorTransfers`).
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect"];
}

def LowerStridedCopies
    : Pass<"whittle-lower-strided-copies", "mlir::func::FuncOp"> {
  let summary = "Turn copies between strided buffers into linalg.copy";
  let description = [{
    `memref.copy` between buffers that are not both contiguous lowers to a
    call into MLIR's C runner utilities (`memrefCopy`), which a compiled
    model linked into a user's program does not have. Such copies become
    `linalg.copy`, which lowers to loops; contiguous copies stay
    `memref.copy` and become `memcpy`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def DistinctResultBuffers
    : Pass<"whittle-distinct-result-buffers", "mlir::func::FuncOp"> {
  let summary = "Give a buffer returned more than once a copy per result";
  let description = [{
    Runs between bufferization and `buffer-results-to-out-params`, which
    turns every returned buffer into a copy into a caller-provided one and
    cannot handle one buffer returned twice (a model whose outputs are the
    same tensor, such as `Y = Relu(X); Z = Identity(Y)`). Every repeat of
    a returned buffer becomes a fresh allocation holding a copy.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

#endif // WHITTLE_TARGET_CPU_PASSES_TD
