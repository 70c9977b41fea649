// RUN: whittle-opt %s --split-input-file --whittle-factorize="layer-ranks=l:1" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// Gemm without transB: P (K x R) and Q (R x N); transA, alpha, beta and C
// stay where they belong (transA on the first product, the rest on the
// second).
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: %[[P:.*]] = nn.constant dense<{{.*}}> : tensor<6x1xf32> loc("l/svd.0")
// CHECK-DAG: %[[Q:.*]] = nn.constant dense<{{.*}}> : tensor<1x4xf32> loc("l/svd.1")
// CHECK-DAG: %[[C:.*]] = nn.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK: %[[T:.*]] = nn.gemm %arg0, %[[P]], %{{.*}} {transA = 1 : i64, whittle.compression = #nn.compression<{{.*}}>} : (tensor<6x3xf32>, tensor<6x1xf32>, none) -> tensor<3x1xf32> loc("l/svd.0")
// CHECK: %[[Y:.*]] = nn.gemm %[[T]], %[[Q]], %[[C]] {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, whittle.compression = #nn.compression<layer = "l", form = "svd", ranks = [1]{{.*}}, params_before = 24, params_after = 10, macs_before = 72, macs_after = 30{{.*}}>} : (tensor<3x1xf32>, tensor<1x4xf32>, tensor<4xf32>) -> tensor<3x4xf32> loc("l/svd.1")
// CHECK: return %[[Y]]
func.func @gemm(%a: tensor<6x3xf32>) -> tensor<3x4xf32> {
  %b = nn.constant dense<[[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], [3.0, 6.0, 9.0, 12.0], [1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 4.0]]> : tensor<6x4xf32>
  %c = nn.constant dense<1.0> : tensor<4xf32>
  %y = nn.gemm %a, %b, %c {transA = 1 : i64, alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<6x3xf32>, tensor<6x4xf32>, tensor<4xf32>) -> tensor<3x4xf32> loc("l")
  return %y : tensor<3x4xf32>
}

// -----

// MatMul with batch dimensions on A: two matmuls, batch kept. The weight
// is exactly rank 1: the recorded error is rounding.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[T:.*]] = nn.matmul %arg0, %{{.*}} {whittle.compression = #nn.compression<layer = "l", form = "svd", ranks = [1]{{.*}}, params_before = 24, params_after = 10, macs_before = 240, macs_after = 100, relative_error = {{[0-9.]+E-1[0-9]}}{{.*}}>} : (tensor<2x5x6xf32>, tensor<6x1xf32>) -> tensor<2x5x1xf32>
// CHECK: nn.matmul %[[T]], %{{.*}} : (tensor<2x5x1xf32>, tensor<1x4xf32>) -> tensor<2x5x4xf32>
func.func @matmul(%a: tensor<2x5x6xf32>) -> tensor<2x5x4xf32> {
  %b = nn.constant dense<[[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], [3.0, 6.0, 9.0, 12.0], [1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 4.0]]> : tensor<6x4xf32>
  %y = nn.matmul %a, %b : (tensor<2x5x6xf32>, tensor<6x4xf32>) -> tensor<2x5x4xf32> loc("l")
  return %y : tensor<2x5x4xf32>
}

// -----

// A strided, padded 1x1 conv: the first conv keeps the stride and pads,
// the second is a plain 1x1 with the bias.
// CHECK-LABEL: func.func @pointwise
// CHECK: %[[T:.*]] = nn.conv %arg0, %{{.*}}, %{{.*}} {kernel_shape = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, whittle.compression = #nn.compression<layer = "l", form = "svd"{{.*}}, macs_before = 600, macs_after = 250{{.*}}>} : (tensor<1x6x8x8xf32>, tensor<1x6x1x1xf32>, none) -> tensor<1x1x5x5xf32> loc("l/svd.0")
// CHECK: nn.conv %[[T]], %{{.*}}, %{{.*}} {kernel_shape = array<i64: 1, 1>, whittle.compression = #nn.compression<{{.*}}>} : (tensor<1x1x5x5xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x5x5xf32> loc("l/svd.1")
func.func @pointwise(%x: tensor<1x6x8x8xf32>) -> tensor<1x4x5x5xf32> {
  %w = nn.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[1.0]], [[0.0]], [[1.0]]], [[[2.0]], [[4.0]], [[6.0]], [[2.0]], [[0.0]], [[2.0]]], [[[1.0]], [[2.0]], [[3.0]], [[1.0]], [[0.0]], [[1.0]]], [[[3.0]], [[6.0]], [[9.0]], [[3.0]], [[0.0]], [[3.0]]]]> : tensor<4x6x1x1xf32>
  %b = nn.constant dense<0.5> : tensor<4xf32>
  %y = nn.conv %x, %w, %b {kernel_shape = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x6x8x8xf32>, tensor<4x6x1x1xf32>, tensor<4xf32>) -> tensor<1x4x5x5xf32> loc("l")
  return %y : tensor<1x4x5x5xf32>
}
