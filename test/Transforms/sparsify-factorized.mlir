// RUN: whittle-opt %s --whittle-sparsify="sparsity=0.5" | FileCheck %s

// keep-first-last counts layers, not ops: the two factors of the last
// layer (one compression record, layer "fc") both stay dense, and only the
// middle layer is pruned.
// CHECK-LABEL: func.func @factorized_last
// CHECK: nn.matmul %{{[a-z0-9]+}}, %{{[a-z0-9]+}} : (
// CHECK: nn.matmul {{.*}}whittle.sparsity = {granularity = "unstructured"
// CHECK: nn.matmul {{.*}}{whittle.compression = {form = "svd", {{.*}}, sparsity = 0.000000e+00 : f64}} : (
// CHECK: nn.matmul {{.*}}{whittle.compression = {form = "svd", {{.*}}, sparsity = 0.000000e+00 : f64}} : (
func.func @factorized_last(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w1 = nn.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [-1.0, -2.0, -3.0, -4.0], [-5.0, -6.0, -7.0, -8.0]]> : tensor<4x4xf32>
  %w2 = nn.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [-1.0, -2.0, -3.0, -4.0], [-5.0, -6.0, -7.0, -8.0]]> : tensor<4x4xf32>
  %u = nn.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %v = nn.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = nn.matmul %x, %w1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> loc("first")
  %1 = nn.matmul %0, %w2 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> loc("middle")
  %2 = nn.matmul %1, %u {whittle.compression = {form = "svd", layer = "fc", macs_after = 12 : i64, macs_before = 16 : i64, params_after = 12 : i64, params_before = 16 : i64, ranks = array<i64: 2>, relative_error = 0.1 : f64, sparsity = 0.0 : f64}} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32> loc("fc_a")
  %3 = nn.matmul %2, %v {whittle.compression = {form = "svd", layer = "fc", macs_after = 12 : i64, macs_before = 16 : i64, params_after = 12 : i64, params_before = 16 : i64, ranks = array<i64: 2>, relative_error = 0.1 : f64, sparsity = 0.0 : f64}} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %3 : tensor<1x2xf32>
}
