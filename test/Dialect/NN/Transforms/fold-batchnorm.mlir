// RUN: whittle-opt %s --nn-fold-batchnorm -split-input-file | FileCheck %s

// Conv with bias. epsilon = 0.25, var + epsilon = [4, 1], so
// s = scale / sqrt(var + epsilon) = [0.5, 2] and t = B - mean * s = [0, -4];
// W' = W * s = [1, 6], B' = b * s + t = [0.5, -6].
// CHECK-LABEL: func.func @conv_with_bias
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK-DAG: %[[W:.*]] = nn.constant dense<[{{\[\[\[}}1.000000e+00]]], {{\[\[\[}}6.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = nn.constant dense<[5.000000e-01, -6.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = nn.conv %[[X]], %[[W]], %[[B]] : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
// CHECK-NOT: nn.batch_normalization
// CHECK: return %[[Y]]
func.func @conv_with_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = nn.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %b = nn.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %scale = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %beta = nn.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %mean = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = nn.constant dense<[3.75, 0.75]> : tensor<2xf32>
  %0 = nn.conv %x, %w, %b : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = nn.batch_normalization %0, %scale, %beta, %mean, %var {epsilon = 0.25 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Conv without bias gets one. epsilon = 0: s = [2, 0.5], t = [1, 0.5];
// W' = [[2, 4]] and [[1.5, 2]], B' = t.
// CHECK-LABEL: func.func @conv_without_bias
// CHECK-DAG: %[[W:.*]] = nn.constant dense<{{\[\[\[\[}}2.000000e+00, 4.000000e+00]]], {{\[\[\[}}1.500000e+00, 2.000000e+00]]]]> : tensor<2x1x1x2xf32>
// CHECK-DAG: %[[B:.*]] = nn.constant dense<[1.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK: nn.conv %{{.*}}, %[[W]], %[[B]] {pads = array<i64: 0, 1, 0, 0>}
// CHECK-NOT: nn.batch_normalization
func.func @conv_without_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %none = nn.none
  %w = nn.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>
  %scale = nn.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = nn.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %mean = nn.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = nn.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = nn.conv %x, %w, %none {pads = array<i64: 0, 1, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x2xf32>, none) -> tensor<1x2x4x4xf32>
  %1 = nn.batch_normalization %0, %scale, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Weights stored as a dense_resource blob ([2, 3]); same BN as
// @conv_with_bias without the conv bias: W' = [1, 6], B' = t = [0, -4].
// CHECK-LABEL: func.func @conv_resource_weights
// CHECK-DAG: %[[W:.*]] = nn.constant dense<[{{\[\[\[}}1.000000e+00]]], {{\[\[\[}}6.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = nn.constant dense<[0.000000e+00, -4.000000e+00]> : tensor<2xf32>
// CHECK: nn.conv %{{.*}}, %[[W]], %[[B]]
// CHECK-NOT: nn.batch_normalization
func.func @conv_resource_weights(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %none = nn.none
  %w = nn.constant dense_resource<w23> : tensor<2x1x1x1xf32>
  %scale = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %beta = nn.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %mean = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = nn.constant dense<[3.75, 0.75]> : tensor<2xf32>
  %0 = nn.conv %x, %w, %none : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  %1 = nn.batch_normalization %0, %scale, %beta, %mean, %var {epsilon = 0.25 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w23: "0x040000000000004000004040"
    }
  }
#-}

// -----

// ConvTranspose weights are C x M/group x k: W[c, j] scales by s[j].
// s = [2, 0.5], t = [1, 0.5]; W = [[1, 2], [3, 4]] -> [[2, 1], [6, 2]].
// CHECK-LABEL: func.func @conv_transpose
// CHECK-DAG: %[[W:.*]] = nn.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}1.000000e+00]]], {{\[\[\[}}6.000000e+00]], {{\[\[}}2.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: %[[B:.*]] = nn.constant dense<[1.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK: nn.conv_transpose %{{.*}}, %[[W]], %[[B]] {strides = array<i64: 2, 2>}
// CHECK-NOT: nn.batch_normalization
func.func @conv_transpose(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x5x5xf32> {
  %none = nn.none
  %w = nn.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %scale = nn.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = nn.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %mean = nn.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = nn.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = nn.conv_transpose %x, %w, %none {strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %1 = nn.batch_normalization %0, %scale, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x5x5xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
  return %1 : tensor<1x2x5x5xf32>
}

// -----

// Grouped ConvTranspose: C = 4, group = 2, M/group = 1; input channels 0, 1
// feed output channel 0 and 2, 3 feed output channel 1. With the bias
// [1, -1]: B' = b * s + t = [3, 0].
// CHECK-LABEL: func.func @conv_transpose_grouped
// CHECK-DAG: %[[W:.*]] = nn.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.500000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<4x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = nn.constant dense<[3.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK: nn.conv_transpose %{{.*}}, %[[W]], %[[B]] {group = 2 : i64}
// CHECK-NOT: nn.batch_normalization
func.func @conv_transpose_grouped(%x: tensor<1x4x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = nn.constant dense<[[[[1.0]]], [[[2.0]]], [[[3.0]]], [[[4.0]]]]> : tensor<4x1x1x1xf32>
  %b = nn.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %scale = nn.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = nn.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %mean = nn.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = nn.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = nn.conv_transpose %x, %w, %b {group = 2 : i64} : (tensor<1x4x3x3xf32>, tensor<4x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %1 = nn.batch_normalization %0, %scale, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %1 : tensor<1x2x3x3xf32>
}

// -----

// Gemm (transB = 0): the columns of B scale by s = [2, 0.5]; C becomes
// beta * C * s + t = [2 * 1 * 2 + 1, 2 * 1 * 0.5 + 0.5] = [5, 1.5], beta 1.
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: %[[B:.*]] = nn.constant dense<{{\[\[}}2.000000e+00, 1.000000e+00], [6.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = nn.constant dense<[5.000000e+00, 1.500000e+00]> : tensor<2xf32>
// CHECK: nn.gemm %{{.*}}, %[[B]], %[[C]] {alpha = 3.000000e+00 : f32} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NOT: nn.batch_normalization
func.func @gemm(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %b = nn.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %c = nn.constant dense<1.0> : tensor<2xf32>
  %scale = nn.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = nn.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %mean = nn.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = nn.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = nn.gemm %a, %b, %c {alpha = 3.0 : f32, beta = 2.0 : f32} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %1 = nn.batch_normalization %0, %scale, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}

// -----

// Gemm (transB = 1, B is N x K): the rows of B scale; no C: C' = t.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK-DAG: %[[B:.*]] = nn.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [1.500000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = nn.constant dense<[1.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK: nn.gemm %{{.*}}, %[[B]], %[[C]] {transB = 1 : i64}
// CHECK-NOT: nn.batch_normalization
func.func @gemm_trans_b(%a: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %none = nn.none
  %b = nn.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %scale = nn.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = nn.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %mean = nn.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = nn.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = nn.gemm %a, %b, %none {transB = 1 : i64} : (tensor<3x2xf32>, tensor<2x2xf32>, none) -> tensor<3x2xf32>
  %1 = nn.batch_normalization %0, %scale, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// The conv result has another user: no fold.
// CHECK-LABEL: func.func @conv_two_uses
// CHECK: nn.conv
// CHECK: nn.batch_normalization
func.func @conv_two_uses(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %none = nn.none
  %w = nn.constant dense<1.0> : tensor<2x1x1x1xf32>
  %p = nn.constant dense<1.0> : tensor<2xf32>
  %0 = nn.conv %x, %w, %none : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  %1 = nn.batch_normalization %0, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %0, %1 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Weights that are not constants: no fold.
// CHECK-LABEL: func.func @conv_runtime_weights
// CHECK: nn.conv
// CHECK: nn.batch_normalization
func.func @conv_runtime_weights(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %none = nn.none
  %p = nn.constant dense<1.0> : tensor<2xf32>
  %0 = nn.conv %x, %w, %none : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  %1 = nn.batch_normalization %0, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Normalization parameters that are not constants: no fold.
// CHECK-LABEL: func.func @runtime_statistics
// CHECK: nn.conv
// CHECK: nn.batch_normalization
func.func @runtime_statistics(%x: tensor<1x1x4x4xf32>, %mean: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %none = nn.none
  %w = nn.constant dense<1.0> : tensor<2x1x1x1xf32>
  %p = nn.constant dense<1.0> : tensor<2xf32>
  %0 = nn.conv %x, %w, %none : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  %1 = nn.batch_normalization %0, %p, %p, %mean, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Not preceded by a Conv, ConvTranspose or Gemm: no fold.
// CHECK-LABEL: func.func @after_pool
// CHECK: nn.max_pool
// CHECK: nn.batch_normalization
func.func @after_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %p = nn.constant dense<1.0> : tensor<2xf32>
  %0:2 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>)
  %1 = nn.batch_normalization %0#0, %p, %p, %p, %p : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}
