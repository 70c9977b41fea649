// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file | FileCheck %s

// 2-D ungrouped conv: explicit zero padding, the bias broadcast into the
// init, and the linalg named op.
// CHECK-LABEL: func.func @conv2d
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<8xf32>) outs(%{{.*}} : tensor<1x8x4x4xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %{{.*}} : tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>) outs(%[[INIT]] : tensor<1x8x4x4xf32>)
func.func @conv2d(%x: tensor<1x3x7x7xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = nn.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x7x7xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Depthwise (group == channels == filters) uses the depthwise named op on
// the kernel with its unit dimension collapsed; no bias means a zero fill.
// CHECK-LABEL: func.func @depthwise
// CHECK: linalg.fill
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw
func.func @depthwise(%x: tensor<2x4x5x5xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<2x4x3x3xf32> {
  %none = nn.none
  %0 = nn.conv %x, %w, %none {group = 4 : i64} : (tensor<2x4x5x5xf32>, tensor<4x1x3x3xf32>, none) -> tensor<2x4x3x3xf32>
  return %0 : tensor<2x4x3x3xf32>
}

// -----

// Other groupings split the channel dimension so that every loop is a plain
// dimension: X[n, g, c, o*s + k*d] * W[g, m, c, k] -> Y[n, g, m, o].
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d3 + d5 * 2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @grouped_1d
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] output_shape [1, 2, 2, 8] : tensor<1x4x8xf32> into tensor<1x2x2x8xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 2, 2] : tensor<6x2x2xf32> into tensor<2x3x2x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] : tensor<1x2x3x6xf32> into tensor<1x6x6xf32>
func.func @grouped_1d(%x: tensor<1x4x8xf32>, %w: tensor<6x2x2xf32>) -> tensor<1x6x6xf32> {
  %none = nn.none
  %0 = nn.conv %x, %w, %none {group = 2 : i64, dilations = array<i64: 2>} : (tensor<1x4x8xf32>, tensor<6x2x2xf32>, none) -> tensor<1x6x6xf32>
  return %0 : tensor<1x6x6xf32>
}

// -----

// Gemm with transB and alpha == 1 accumulates onto the broadcast bias.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK: %[[BT:.*]] = linalg.transpose ins(%{{.*}} : tensor<10x64xf32>) outs(%{{.*}} : tensor<64x10xf32>) permutation = [1, 0]
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<10xf32>) outs(%{{.*}} : tensor<3x10xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %[[BT]] : tensor<3x64xf32>, tensor<64x10xf32>) outs(%[[C]] : tensor<3x10xf32>)
func.func @gemm_trans_b(%a: tensor<3x64xf32>, %b: tensor<10x64xf32>, %c: tensor<10xf32>) -> tensor<3x10xf32> {
  %0 = nn.gemm %a, %b, %c {transB = 1 : i64} : (tensor<3x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<3x10xf32>
  return %0 : tensor<3x10xf32>
}

// -----

// alpha != 1 scales after the product: alpha * AB + beta * C.
// CHECK-LABEL: func.func @gemm_alpha_beta
// CHECK: linalg.fill
// CHECK: %[[P:.*]] = linalg.matmul
// CHECK: linalg.generic {{.*}} ins(%[[P]], %{{.*}} : tensor<2x2xf32>, tensor<2x2xf32>)
// CHECK-DAG: arith.constant 5.000000e-01 : f32
// CHECK-DAG: arith.constant 2.000000e+00 : f32
func.func @gemm_alpha_beta(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>, %c: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = nn.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// A shared 2-D right operand: the batch folds into the rows of one matmul.
// CHECK-LABEL: func.func @matmul_shared_rhs
// CHECK: tensor.collapse_shape {{.*}} : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<6x4xf32>, tensor<4x5xf32>) outs(%{{.*}} : tensor<6x5xf32>)
func.func @matmul_shared_rhs(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = nn.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Broadcast batch dimensions are materialized, then one batch_matmul.
// CHECK-LABEL: func.func @matmul_broadcast_batch
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<1x3x4xf32>) outs(%{{.*}} : tensor<2x3x4xf32>)
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%{{.*}} : tensor<2x3x5xf32>)
func.func @matmul_broadcast_batch(%a: tensor<1x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = nn.matmul %a, %b : (tensor<1x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// 1-D operands are promoted and the added dimension dropped.
// CHECK-LABEL: func.func @matmul_vector
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x4xf32>, tensor<4x1xf32>) outs(%{{.*}} : tensor<1x1xf32>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<f32>
func.func @matmul_vector(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<f32> {
  %0 = nn.matmul %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
