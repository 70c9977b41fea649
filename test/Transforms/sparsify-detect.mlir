// RUN: whittle-opt %s --whittle-sparsify | FileCheck %s
// RUN: whittle-opt %s --whittle-sparsify="detect=false" | FileCheck %s --check-prefix=OFF

// sparsity=0 (the default) only detects: a model trained sparse gets its
// patterns annotated and its weights are left alone. The most structured
// explanation of the zeros wins: N:M along the reduction axis, then
// blocks, then unstructured; a dense weight gets nothing.
// OFF-NOT: whittle.sparsity
// CHECK-LABEL: func.func @trained_sparse
// CHECK: nn.gemm {{.*}}whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 5.000000e-01{{.*}}, out_axis = 0, in_axis = 1
// CHECK: nn.gemm {{.*}}whittle.sparsity = #nn.sparsity<"n:m", n = 1, m = 4, sparsity = 7.500000e-01{{.*}}, out_axis = 0, in_axis = 1
// CHECK: nn.gemm {{.*}}whittle.sparsity = #nn.sparsity<block, block = [2, 2], sparsity = 2.500000e-01{{.*}}, out_axis = 0, in_axis = 1
// CHECK: nn.gemm {{.*}}whittle.sparsity = #nn.sparsity<unstructured, sparsity = 1.250000e-01{{.*}}, out_axis = 0, in_axis = 1
// CHECK: nn.gemm %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}} {transB = 1 : i64} :
// CHECK-NOT: whittle.compression
func.func @trained_sparse(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %none = nn.none
  %nm = nn.constant dense<[[1.0, 0.0, 0.0, 2.0], [0.0, 3.0, 4.0, 0.0], [5.0, 6.0, 0.0, 0.0], [0.0, 0.0, 7.0, 8.0]]> : tensor<4x4xf32>
  %one = nn.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 3.0, 0.0, 0.0], [0.0, 0.0, 6.0, 0.0], [0.0, 0.0, 0.0, 8.0]]> : tensor<4x4xf32>
  %blk = nn.constant dense<[[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]> : tensor<4x4xf32>
  %uns = nn.constant dense<[[0.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]]> : tensor<4x4xf32>
  %dense = nn.constant dense<[[1.0, 2.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 3.0, 1.0], [1.0, 1.0, 1.0, 1.0]]> : tensor<4x4xf32>
  %0 = nn.gemm %x, %nm, %none {transB = 1 : i64} : (tensor<1x4xf32>, tensor<4x4xf32>, none) -> tensor<1x4xf32>
  %1 = nn.gemm %0, %one, %none {transB = 1 : i64} : (tensor<1x4xf32>, tensor<4x4xf32>, none) -> tensor<1x4xf32>
  %2 = nn.gemm %1, %blk, %none {transB = 1 : i64} : (tensor<1x4xf32>, tensor<4x4xf32>, none) -> tensor<1x4xf32>
  %3 = nn.gemm %2, %uns, %none {transB = 1 : i64} : (tensor<1x4xf32>, tensor<4x4xf32>, none) -> tensor<1x4xf32>
  %4 = nn.gemm %3, %dense, %none {transB = 1 : i64} : (tensor<1x4xf32>, tensor<4x4xf32>, none) -> tensor<1x4xf32>
  return %4 : tensor<1x4xf32>
}
