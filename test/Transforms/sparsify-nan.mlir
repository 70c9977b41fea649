// RUN: not whittle-opt %s --whittle-sparsify 2>&1 | FileCheck %s

// CHECK: error: {{.*}}layer 'fc' has NaN or infinite weights; sparsify needs finite weights
func.func @nan(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %none = nn.none
  %w = nn.constant dense<[[1.0, 0x7FC00000], [1.0, 2.0]]> : tensor<2x2xf32>
  %0 = nn.gemm %x, %w, %none : (tensor<1x2xf32>, tensor<2x2xf32>, none) -> tensor<1x2xf32> loc("fc")
  return %0 : tensor<1x2xf32>
}
