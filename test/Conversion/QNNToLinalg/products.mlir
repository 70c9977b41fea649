// RUN: whittle-opt %s --split-input-file --convert-qnn-to-linalg --canonicalize | FileCheck %s

// The weights are sign-extended to i32 by a generic of their own and the
// padded input stays i8, so that the CPU pipeline's register kernel
// broadcasts i32 weights and streams input bytes; padding holds the input
// zero point; the zero point's correction (-zx * sum w) starts the
// accumulator with the bias.
// CHECK-LABEL: func @conv
// CHECK: %[[PAD:.+]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %c-128_i8 : i8
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "reduction", "reduction"]{{.*}}ins(%{{.*}} : tensor<4x3x3x3xi8>) outs(%{{.*}} : tensor<4xi32>)
// CHECK: %[[INIT:.+]] = linalg.generic {{.*}}outs(%{{.*}} : tensor<1x4x4x4xi32>)
// CHECK: %[[W:.+]] = linalg.generic {{.*}}ins(%arg1 : tensor<4x3x3x3xi8>) outs(%{{.*}} : tensor<4x3x3x3xi32>)
// CHECK-NEXT: ^bb0(%[[WIN:.+]]: i8, %{{.*}}: i32):
// CHECK-NEXT: %[[WIDE:.+]] = arith.extsi %[[WIN]] : i8 to i32
// CHECK-NEXT: linalg.yield %[[WIDE]] : i32
// CHECK: linalg.conv_2d_nchw_fchw {{.*}}strides = dense<2>{{.*}}ins(%[[PAD]], %[[W]] : tensor<1x3x10x10xi8>, tensor<4x3x3x3xi32>) outs(%[[INIT]] : tensor<1x4x4x4xi32>)
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @conv(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) -> tensor<1x4x4x4xi32> {
  %acc = qnn.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, input_zero_point = -128 : i32, weight_zero_point = array<i32: 0>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4xi32>
  return %acc : tensor<1x4x4x4xi32>
}

// -----

// Without zero points or bias the accumulator starts at 0; a depthwise
// convolution is the named depthwise op, on the bytes themselves.
// CHECK-LABEL: func @depthwise
// CHECK: linalg.fill
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}}ins(%{{.*}}, %{{.*}} : tensor<1x8x6x6xi8>, tensor<8x3x3xi8>) outs(%{{.*}} : tensor<1x8x4x4xi32>)
func.func @depthwise(%x: tensor<1x8x6x6xi8>, %w: tensor<8x1x3x3xi8>) -> tensor<1x8x4x4xi32> {
  %acc = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 8, weight_zero_point = array<i32: 0>} : (tensor<1x8x6x6xi8>, tensor<8x1x3x3xi8>) -> tensor<1x8x4x4xi32>
  return %acc : tensor<1x8x4x4xi32>
}

// -----

// A per-channel weight zero point subtracts zw[m] times the window sum of
// x, itself a convolution with a filter of ones (one per group).
// CHECK-LABEL: func @grouped_weight_zero_point
// CHECK: arith.constant dense<1> : tensor<2x1x2x1x1xi8>
// CHECK: %[[ZW:.+]] = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi32>
// CHECK: %[[ACC:.+]] = linalg.generic {{.*}}ins(%{{.*}}, %{{.*}} : tensor<1x2x2x5x5xi8>, tensor<2x2x2x1x1xi8>)
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}}ins(%{{.*}}, %{{.*}} : tensor<1x2x2x5x5xi8>, tensor<2x1x2x1x1xi8>)
// CHECK: linalg.generic {{.*}}ins(%{{.*}}, %{{.*}}, %[[ZW]] : tensor<1x4x5x5xi32>, tensor<1x2x5x5xi32>, tensor<4xi32>)
// CHECK: arith.muli
// CHECK: arith.subi
func.func @grouped_weight_zero_point(%x: tensor<1x4x5x5xi8>, %w: tensor<4x2x1x1xi8>) -> tensor<1x4x5x5xi32> {
  %acc = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2, weight_zero_point = array<i32: 0, 1, 2, 3>} : (tensor<1x4x5x5xi8>, tensor<4x2x1x1xi8>) -> tensor<1x4x5x5xi32>
  return %acc : tensor<1x4x5x5xi32>
}

// -----

// Matrix products: A sign-extended to i32, B as bytes, into linalg.matmul
// (batches sharing B fold into rows), then one elementwise correction:
// - zb rowsum(a) - za colsum(b) + K za zb + bias.
// CHECK-LABEL: func @matmul
// CHECK: %[[A:.+]] = linalg.generic {{.*}}ins(%{{.*}} : tensor<10x16xi8>) outs(%{{.*}} : tensor<10x16xi32>)
// CHECK-NEXT: ^bb0(%[[AIN:.+]]: i8, %{{.*}}: i32):
// CHECK-NEXT: arith.extsi %[[AIN]] : i8 to i32
// CHECK: linalg.matmul ins(%[[A]], %arg1 : tensor<10x16xi32>, tensor<16x7xi8>) outs(%{{.*}} : tensor<10x7xi32>)
// CHECK: linalg.generic {{.*}}ins(%{{.*}} : tensor<2x5x16xi8>) outs(%{{.*}} : tensor<2x5xi32>)
// CHECK: linalg.generic {{.*}}ins(%{{.*}} : tensor<16x7xi8>) outs(%{{.*}} : tensor<7xi32>)
// CHECK: linalg.generic {{.*}}ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x5x7xi32>, tensor<2x5xi32>, tensor<7xi32>, tensor<7xi32>)
// CHECK: arith.addi %{{.*}}, %c80_i32 : i32
func.func @matmul(%a: tensor<2x5x16xi8>, %b: tensor<16x7xi8>, %bias: tensor<7xi32>) -> tensor<2x5x7xi32> {
  %y = qnn.matmul %a, %b, %bias {a_zero_point = 5 : i32, b_zero_point = array<i32: 1>} : (tensor<2x5x16xi8>, tensor<16x7xi8>, tensor<7xi32>) -> tensor<2x5x7xi32>
  return %y : tensor<2x5x7xi32>
}

// -----

// Batches of B: linalg.batch_matmul on the broadcast operands.
// CHECK-LABEL: func @batch_matmul
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<6x3x4xi32>, tensor<6x4x5xi8>) outs(%{{.*}} : tensor<6x3x5xi32>)
func.func @batch_matmul(%a: tensor<2x1x3x4xi8>, %b: tensor<3x4x5xi8>) -> tensor<2x3x3x5xi32> {
  %y = qnn.matmul %a, %b {b_zero_point = array<i32: 0>} : (tensor<2x1x3x4xi8>, tensor<3x4x5xi8>) -> tensor<2x3x3x5xi32>
  return %y : tensor<2x3x3x5xi32>
}

// -----

// A transposed convolution: the input spread by the strides into a tensor
// of its zero point, then a forward convolution with the flipped filter.
// CHECK-LABEL: func @conv_transpose
// CHECK: linalg.fill ins(%c3_i8 : i8) outs(%{{.*}} : tensor<1x4x11x11xi8>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 2, 2] [1, 4, 4, 4] [1, 1, 2, 2]
// CHECK: linalg.generic
// CHECK: linalg.generic {{.*}}ins(%{{.*}}, %{{.*}} : tensor<1x2x2x11x11xi8>, tensor<2x2x2x3x3xi8>)
func.func @conv_transpose(%x: tensor<1x4x4x4xi8>, %w: tensor<4x2x3x3xi8>) -> tensor<1x4x9x9xi32> {
  %0 = qnn.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>, group = 2, input_zero_point = 3 : i32, weight_zero_point = array<i32: 0>} : (tensor<1x4x4x4xi8>, tensor<4x2x3x3xi8>) -> tensor<1x4x9x9xi32>
  return %0 : tensor<1x4x9x9xi32>
}

// -----

// Constant weights (dense or a resource blob): the zero point's correction
// uses their sums per filter computed at compile time (1 + 2 + 3 + 4 = 10,
// -5 + 6 - 7 - 128 = -134), not a reduction on every run.
// CHECK-LABEL: func @constant_weights
// CHECK-DAG: arith.constant dense<[10, -134]> : tensor<2xi32>
// CHECK-NOT: iterator_types = ["parallel", "reduction", "reduction", "reduction"]
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-LABEL: func @resource_weights
// CHECK-DAG: arith.constant dense<[10, -134]> : tensor<2xi32>
// CHECK-NOT: iterator_types = ["parallel", "reduction", "reduction", "reduction"]
// CHECK: linalg.conv_2d_nchw_fchw
func.func @constant_weights(%x: tensor<1x1x3x3xi8>) -> tensor<1x2x2x2xi32> {
  %w = arith.constant dense<[[[[1, 2], [3, 4]]], [[[-5, 6], [-7, -128]]]]> : tensor<2x1x2x2xi8>
  %acc = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, input_zero_point = 3 : i32, weight_zero_point = array<i32: 0>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>) -> tensor<1x2x2x2xi32>
  return %acc : tensor<1x2x2x2xi32>
}
func.func @resource_weights(%x: tensor<1x1x3x3xi8>) -> tensor<1x2x2x2xi32> {
  %w = arith.constant dense_resource<conv_weights> : tensor<2x1x2x2xi8>
  %acc = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, input_zero_point = 3 : i32, weight_zero_point = array<i32: 0>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>) -> tensor<1x2x2x2xi32>
  return %acc : tensor<1x2x2x2xi32>
}
{-#
  dialect_resources: {
    builtin: {
      conv_weights: "0x0100000001020304FB06F980"
    }
  }
#-}
