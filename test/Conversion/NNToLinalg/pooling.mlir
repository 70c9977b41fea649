// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file | FileCheck %s

// Max pooling pads with -inf; a ceil_mode window that runs past the input
// gets extra end padding (7 -> 8 for 3 outputs of kernel 2, stride 3).
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 3 + d4, d3 * 3 + d5)>
// CHECK-DAG: #[[K:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEG]]
// CHECK: linalg.fill ins(%{{.*}} : f32)
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[K]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.maximumf
func.func @max_pool_ceil(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x3x3xf32> {
  %y, %i = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 3, 3>, ceil_mode = 1 : i64} : (tensor<1x2x7x7xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Unsigned max pooling pads with 0, the lowest uint8.
// CHECK-LABEL: func.func @max_pool_uint8
// CHECK: arith.constant 0 : i8
// CHECK: arith.maxui
func.func @max_pool_uint8(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8> {
  %y, %i = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xui8>) -> (tensor<1x1x2x2xui8>, tensor<1x1x2x2xi64>)
  return %y : tensor<1x1x2x2xui8>
}

// -----

// Average pooling divides by per-position window counts: with pads 1 and
// count_include_pad = 0 the corner windows of a 3x3 input count 4 elements,
// the edges 6 and the centre 9.
// CHECK-LABEL: func.func @average_pool_exclude_pad
// CHECK: arith.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
// CHECK: arith.divf
func.func @average_pool_exclude_pad(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %0 = nn.average_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// count_include_pad = 1 counts the pads but not ceil_mode's overhang.
// CHECK-LABEL: func.func @average_pool_include_pad
// CHECK: arith.constant dense<9.000000e+00> : tensor<3x3xf32>
func.func @average_pool_include_pad(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %0 = nn.average_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = 1 : i64} : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Global pools reduce every spatial dimension into N x C, then reshape.
// CHECK-LABEL: func.func @global_average
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.addf
// CHECK: arith.constant 2.000000e+01 : f32
// CHECK: arith.divf
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x1x1xf32>
func.func @global_average(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32> {
  %0 = nn.global_average_pool %x : (tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @global_max_int
// CHECK: arith.constant -128 : i8
// CHECK: arith.maxsi
func.func @global_max_int(%x: tensor<1x2x3xi8>) -> tensor<1x2x1xi8> {
  %0 = nn.global_max_pool %x : (tensor<1x2x3xi8>) -> tensor<1x2x1xi8>
  return %0 : tensor<1x2x1xi8>
}
