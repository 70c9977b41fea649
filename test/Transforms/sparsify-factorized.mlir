// RUN: whittle-opt %s --whittle-sparsify="sparsity=0.5" | FileCheck %s

// keep-first-last counts layers, not ops: the two factors of the last
// layer (one compression record, layer "fc") both stay dense, and only the
// middle layer is pruned.
// CHECK-LABEL: func.func @factorized_last
// CHECK: nn.matmul %{{[a-z0-9]+}}, %{{[a-z0-9]+}} : (
// CHECK: nn.matmul {{.*}}whittle.sparsity = #nn.sparsity<unstructured
// CHECK: nn.matmul {{.*}}{whittle.compression = #nn.compression<{{.*}}form = "svd"{{.*}}, sparsity = 0.000000e+00{{.*}}>} : (
// CHECK: nn.matmul {{.*}}{whittle.compression = #nn.compression<{{.*}}form = "svd"{{.*}}, sparsity = 0.000000e+00{{.*}}>} : (
func.func @factorized_last(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w1 = nn.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [-1.0, -2.0, -3.0, -4.0], [-5.0, -6.0, -7.0, -8.0]]> : tensor<4x4xf32>
  %w2 = nn.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [-1.0, -2.0, -3.0, -4.0], [-5.0, -6.0, -7.0, -8.0]]> : tensor<4x4xf32>
  %u = nn.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %v = nn.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = nn.matmul %x, %w1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> loc("first")
  %1 = nn.matmul %0, %w2 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> loc("middle")
  %2 = nn.matmul %1, %u {whittle.compression = #nn.compression<layer = "fc", form = "svd", ranks = [2], sparsity = 0.0, params_before = 16, params_after = 12, macs_before = 16, macs_after = 12, relative_error = 0.1>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32> loc("fc_a")
  %3 = nn.matmul %2, %v {whittle.compression = #nn.compression<layer = "fc", form = "svd", ranks = [2], sparsity = 0.0, params_before = 16, params_after = 12, macs_before = 16, macs_after = 12, relative_error = 0.1>} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %3 : tensor<1x2xf32>
}
