// RUN: whittle-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(whittle-vectorize-contractions{int8-kernel=none}),canonicalize)' | FileCheck %s

// A 3x3 convolution, image by image: im2col as strided reads without
// division, then a matrix product in 1 x 6 x 16 x 12 tiles (k = 36: the
// largest divisor <= 16) whose m (8 = 6 + 2) and n (100 = 6 * 16 + 4)
// loops are peeled: four static kernels.
// CHECK-LABEL: func @conv3x3
// CHECK: scf.for %[[N:.+]] = %c0 to %c2 step %c1
// CHECK: %[[IMAGE:.+]] = tensor.extract_slice %{{.+}}[%[[N]], 0, 0, 0] [1, 4, 12, 12] [1, 1, 1, 1]
// CHECK: %[[COL:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[IMAGE]] :
// CHECK: tensor.collapse_shape %[[COL]] {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<1x4x3x3x10x10xf32> into tensor<1x36x100xf32>
// The columns (n) are the outer loop and the row blocks (m) the inner one,
// so that a 16-column strip of the matrix stays in the caches while every
// row block passes over it.
// CHECK: scf.for %{{.+}} = %c0 to %c96 step %c16
// CHECK: scf.for %{{.+}} = %c0 to %c36 step %c12
// CHECK: vector.contract {{.*}} : vector<6x12xf32>, vector<12x16xf32> into vector<6x16xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c36 step %c12
// CHECK: vector.contract {{.*}} : vector<2x12xf32>, vector<12x16xf32> into vector<2x16xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c36 step %c12
// CHECK: vector.contract {{.*}} : vector<6x12xf32>, vector<12x4xf32> into vector<6x4xf32>
// CHECK: vector.contract {{.*}} : vector<2x12xf32>, vector<12x4xf32> into vector<2x4xf32>
// CHECK: tensor.expand_shape
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[%[[N]], 0, 0, 0] [1, 8, 10, 10] [1, 1, 1, 1]
func.func @conv3x3(%x: tensor<2x4x12x12xf32>, %w: tensor<8x4x3x3xf32>, %init: tensor<2x8x10x10xf32>) -> tensor<2x8x10x10xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x4x12x12xf32>, tensor<8x4x3x3xf32>) outs(%init : tensor<2x8x10x10xf32>) -> tensor<2x8x10x10xf32>
  return %0 : tensor<2x8x10x10xf32>
}

// -----

// Strides and dilations are part of the im2col read.
// CHECK: #[[READ:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2 * 3, d5 * 2 + d3 * 3)>
// CHECK-LABEL: func @strided_dilated
// CHECK: linalg.generic {indexing_maps = [#[[READ]],
func.func @strided_dilated(%x: tensor<1x2x15x15xf32>, %w: tensor<4x2x3x3xf32>, %init: tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x15x15xf32>, tensor<4x2x3x3xf32>) outs(%init : tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// -----

// A 1x1 convolution with unit strides reads its input in place.
// CHECK-LABEL: func @pointwise
// CHECK-NOT: linalg.generic
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0], [1], [2, 3]] : tensor<1x16x4x8xf32> into tensor<1x16x32xf32>
// CHECK: vector.contract {{.*}} : vector<6x16xf32>, vector<16x16xf32> into vector<6x16xf32>
func.func @pointwise(%x: tensor<1x16x4x8xf32>, %w: tensor<12x16x1x1xf32>, %init: tensor<1x12x4x8xf32>) -> tensor<1x12x4x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x16x4x8xf32>, tensor<12x16x1x1xf32>) outs(%init : tensor<1x12x4x8xf32>) -> tensor<1x12x4x8xf32>
  return %0 : tensor<1x12x4x8xf32>
}

// -----

// linalg.matmul with 7 rows: a 6-row kernel and a 1-row remainder.
// CHECK-LABEL: func @matmul
// CHECK: vector.contract {{.*}} : vector<6x16xf32>, vector<16x16xf32> into vector<6x16xf32>
// CHECK: vector.contract {{.*}} : vector<16xf32>, vector<16x16xf32> into vector<16xf32>
func.func @matmul(%a: tensor<7x64xf32>, %b: tensor<64x32xf32>, %c: tensor<7x32xf32>) -> tensor<7x32xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<7x64xf32>, tensor<64x32xf32>) outs(%c : tensor<7x32xf32>) -> tensor<7x32xf32>
  return %0 : tensor<7x32xf32>
}

// -----

// Not rewritten: the right-hand operand is not contiguous along n
// (B transposed); i32 x i32 products are vectorized (in i32).
// CHECK-LABEL: func @not_vectorized
// CHECK-NOT: vector.contract {{.*}}f32
// CHECK: linalg.generic
// CHECK: vector.contract {{.*}} : vector<6x16xi32>, vector<16x16xi32> into vector<6x16xi32>
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @not_vectorized(%a: tensor<8x64xf32>, %b: tensor<32x64xf32>, %c: tensor<8x32xf32>,
                          %ia: tensor<8x64xi32>, %ib: tensor<64x32xi32>, %ic: tensor<8x32xi32>) -> (tensor<8x32xf32>, tensor<8x32xi32>) {
  %0 = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<8x64xf32>, tensor<32x64xf32>) outs(%c : tensor<8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  } -> tensor<8x32xf32>
  %1 = linalg.matmul ins(%ia, %ib : tensor<8x64xi32>, tensor<64x32xi32>) outs(%ic : tensor<8x32xi32>) -> tensor<8x32xi32>
  return %0, %1 : tensor<8x32xf32>, tensor<8x32xi32>
}

// -----

// Integer products: i8 x i8 -> i32 matrix products become i32
// vector.contract ops on operands sign-extended right after their loads;
// integer convolutions go through im2col like float ones (the im2col
// stays i8), as a named batch_matmul that vectorizes the same way. With
// i32 weights (as the qnn lowering gives them) only the bytes are
// extended.
// CHECK-LABEL: func @int8
// CHECK: %[[A:.+]] = arith.extsi %{{.*}} : vector<6x16xi8> to vector<6x16xi32>
// CHECK: %[[B:.+]] = arith.extsi %{{.*}} : vector<16x16xi8> to vector<16x16xi32>
// CHECK: vector.contract {{.*}} %[[A]], %[[B]], %{{.*}} : vector<6x16xi32>, vector<16x16xi32> into vector<6x16xi32>
// CHECK: tensor.collapse_shape {{.*}} : tensor<1x8x3x3x8x8xi8> into tensor<1x72x64xi8>
// CHECK: %[[W:.+]] = vector.transfer_read {{.*}} : tensor<16x72xi8>, vector<6x12xi8>
// CHECK: %[[X:.+]] = vector.transfer_read {{.*}} : tensor<1x72x64xi8>, vector<12x16xi8>
// CHECK: %[[WW:.+]] = arith.extsi %[[W]] : vector<6x12xi8> to vector<6x12xi32>
// CHECK: %[[XW:.+]] = arith.extsi %[[X]] : vector<12x16xi8> to vector<12x16xi32>
// CHECK: vector.contract {{.*}} %[[WW]], %[[XW]], %{{.*}} : vector<6x12xi32>, vector<12x16xi32> into vector<6x16xi32>
// CHECK-LABEL: func @int8_wide_weights
// CHECK: %[[W:.+]] = vector.transfer_read {{.*}} : tensor<16x72xi32>, vector<6x12xi32>
// CHECK: %[[X:.+]] = vector.transfer_read {{.*}} : tensor<1x72x64xi8>, vector<12x16xi8>
// CHECK: %[[XW:.+]] = arith.extsi %[[X]] : vector<12x16xi8> to vector<12x16xi32>
// CHECK: vector.contract {{.*}} %[[W]], %[[XW]], %{{.*}} : vector<6x12xi32>, vector<12x16xi32> into vector<6x16xi32>
func.func @int8(%a: tensor<7x64xi8>, %b: tensor<64x32xi8>, %c: tensor<7x32xi32>, %x: tensor<1x8x10x10xi8>, %w: tensor<16x8x3x3xi8>, %y: tensor<1x16x8x8xi32>) -> (tensor<7x32xi32>, tensor<1x16x8x8xi32>) {
  %0 = linalg.matmul ins(%a, %b : tensor<7x64xi8>, tensor<64x32xi8>) outs(%c : tensor<7x32xi32>) -> tensor<7x32xi32>
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x10x10xi8>, tensor<16x8x3x3xi8>) outs(%y : tensor<1x16x8x8xi32>) -> tensor<1x16x8x8xi32>
  return %0, %1 : tensor<7x32xi32>, tensor<1x16x8x8xi32>
}

func.func @int8_wide_weights(%x: tensor<1x8x10x10xi8>, %w: tensor<16x8x3x3xi32>, %y: tensor<1x16x8x8xi32>) -> tensor<1x16x8x8xi32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x10x10xi8>, tensor<16x8x3x3xi32>) outs(%y : tensor<1x16x8x8xi32>) -> tensor<1x16x8x8xi32>
  return %0 : tensor<1x16x8x8xi32>
}

// -----

// A depthwise convolution goes channels-last; a padded input is transposed
// before it is padded (the transpose can then fuse with the input's
// producer), and the pad moves to the spatial dimensions of the NHWC
// tensor.
// CHECK-DAG: #[[TO_NHWC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
// CHECK-LABEL: func.func @depthwise_padded
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x16x6x6xf32>
// CHECK: %[[NHWC:.*]] = linalg.generic {indexing_maps = [#[[TO_NHWC]], {{.*}}]{{.*}} ins(%[[X]] : tensor<1x16x6x6xf32>) outs({{.*}} : tensor<1x6x6x16xf32>)
// CHECK: tensor.pad %[[NHWC]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor<1x6x6x16xf32> to tensor<1x8x8x16xf32>
// CHECK: vector.fma {{.*}} : vector<6x16xf32>
func.func @depthwise_padded(%x: tensor<1x16x6x6xf32>, %w: tensor<16x3x3xf32>, %init: tensor<1x16x6x6xf32>) -> tensor<1x16x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x16x6x6xf32> to tensor<1x16x8x8xf32>
  %y = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%padded, %w : tensor<1x16x8x8xf32>, tensor<16x3x3xf32>) outs(%init : tensor<1x16x6x6xf32>) -> tensor<1x16x6x6xf32>
  return %y : tensor<1x16x6x6xf32>
}
