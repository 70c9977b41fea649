// RUN: whittle-opt %s --split-input-file --whittle-quantize | FileCheck %s

// A sparsity pattern survives quantization: the quantized weights keep
// their zeros and the qnn product carries the pattern for the back ends.
// CHECK-LABEL: func.func @conv
// CHECK: qnn.conv {{.*}}whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 5.000000e-01, weight_operand = 1, out_axis = 0, in_axis = 1>
// CHECK-SAME: tensor<2x4x1x1xi8>
func.func @conv(%x: tensor<1x4x2x2xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<1x2x2x2xf32> {
  %w = nn.constant dense<[[[[0.5]], [[0.0]], [[-0.25]], [[0.0]]], [[[0.0]], [[0.3]], [[0.0]], [[0.1]]]]> : tensor<2x4x1x1xf32>
  %b = nn.none
  %0 = nn.conv %x, %w, %b {whittle.range = array<f64: -1.0, 1.0>, whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} : (tensor<1x4x2x2xf32>, tensor<2x4x1x1xf32>, none) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// A Gemm with transB has its weight transposed to [K, N] at compile time,
// so the pattern's axes follow: out 1, in 0.
// CHECK-LABEL: func.func @gemm
// CHECK: qnn.matmul {{.*}}whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 5.000000e-01, weight_operand = 1, out_axis = 1, in_axis = 0>
func.func @gemm(%x: tensor<1x4xf32> {whittle.range = array<f64: -1.0, 1.0>}) -> tensor<1x2xf32> {
  %w = nn.constant dense<[[0.5, 0.0, -0.25, 0.0], [0.0, 0.3, 0.0, 0.1]]> : tensor<2x4xf32>
  %b = nn.none
  %0 = nn.gemm %x, %w, %b {transB = 1 : i64, whittle.range = array<f64: -1.0, 1.0>, whittle.sparsity = #nn.sparsity<"n:m", n = 2, m = 4, sparsity = 0.5, weight_operand = 1, out_axis = 0, in_axis = 1>} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
