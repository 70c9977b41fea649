// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reduce_mean
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%arg0 : tensor<2x3x4xf32>) outs(%[[FILL]] : tensor<2xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2]] output_shape [2, 1, 1] : tensor<2xf32> into tensor<2x1x1xf32>
func.func @reduce_mean(%x: tensor<2x3x4xf32>) -> tensor<2x1x1xf32> {
  %axes = nn.constant dense<[1, -1]> : tensor<2xi64>
  %0 = nn.reduce_mean %x, %axes : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x1x1xf32>
  return %0 : tensor<2x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_sum_no_keepdims
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel", "reduction"]
// CHECK: arith.addf
// CHECK-NOT: tensor.expand_shape
// CHECK: return %{{.*}} : tensor<3xf32>
func.func @reduce_sum_no_keepdims(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %axes = nn.constant dense<[0, 2]> : tensor<2xi64>
  %0 = nn.reduce_sum %x, %axes {keepdims = 0 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// No axes reduce everything; max starts from -inf.
// CHECK-LABEL: func.func @reduce_max_all
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "reduction", "reduction"]
// CHECK: arith.maximumf
// CHECK: return %{{.*}} : tensor<f32>
func.func @reduce_max_all(%x: tensor<2x3x4xf32>) -> tensor<f32> {
  %n = nn.none
  %0 = nn.reduce_max %x, %n {keepdims = 0 : i64} : (tensor<2x3x4xf32>, none) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @reduce_noop
// CHECK-NOT: linalg.generic
// CHECK: return %arg0
func.func @reduce_noop(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %n = nn.none
  %0 = nn.reduce_sum %x, %n {noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>, none) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Unsigned min starts from the largest unsigned value and compares unsigned.
// CHECK-LABEL: func.func @reduce_min_unsigned
// CHECK: arith.constant -1 : i8
// CHECK: linalg.generic
// CHECK: arith.minui
func.func @reduce_min_unsigned(%x: tensor<2x3xui8>) -> tensor<2x1xui8> {
  %axes = nn.constant dense<[1]> : tensor<1xi64>
  %0 = nn.reduce_min %x, %axes : (tensor<2x3xui8>, tensor<1xi64>) -> tensor<2x1xui8>
  return %0 : tensor<2x1xui8>
}

// -----

// CHECK-LABEL: func.func @reduce_prod
// CHECK: arith.constant 1 : i32
// CHECK: linalg.generic
// CHECK: arith.muli
func.func @reduce_prod(%x: tensor<2x3x4xi32>) -> tensor<2x3x1xi32> {
  %axes = nn.constant dense<[2]> : tensor<1xi64>
  %0 = nn.reduce_prod %x, %axes : (tensor<2x3x4xi32>, tensor<1xi64>) -> tensor<2x3x1xi32>
  return %0 : tensor<2x3x1xi32>
}

// -----

// CHECK-LABEL: func.func @reduce_l2
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: math.sqrt
func.func @reduce_l2(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %axes = nn.constant dense<[1]> : tensor<1xi64>
  %0 = nn.reduce_l2 %x, %axes : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// ArgMax carries the running maximum and its index; strict comparison keeps
// the first maximum.
// CHECK-LABEL: func.func @arg_max
// CHECK: %[[RESULT:.*]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<2x4xi64>)
// CHECK: arith.cmpf ogt
// CHECK: linalg.index 1
// CHECK: tensor.collapse_shape %[[RESULT]]#1
// CHECK: tensor.expand_shape %{{.*}} output_shape [2, 1, 4] : tensor<8xi64> into tensor<2x1x4xi64>
func.func @arg_max(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xi64> {
  %0 = nn.arg_max %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  return %0 : tensor<2x1x4xi64>
}

// -----

// CHECK-LABEL: func.func @arg_min_last
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: arith.cmpi sle
// CHECK: return %{{.*}} : tensor<3xi64>
func.func @arg_min_last(%x: tensor<3x4xi32>) -> tensor<3xi64> {
  %0 = nn.arg_min %x {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<3x4xi32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// Reducing every axis with keepdims reshapes the scalar back to 1x1.
// CHECK-LABEL: func.func @reduce_all_keepdims
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<f32>)
// CHECK: tensor.expand_shape %[[SUM]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 1] : tensor<1xf32> into tensor<1x1xf32>
func.func @reduce_all_keepdims(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  %axes = nn.constant dense<> : tensor<0xi64>
  %0 = nn.reduce_sum %x, %axes : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// Axes known only at run time: the static keepdims result shape tells which
// dimensions are reduced.
// CHECK-LABEL: func.func @reduce_runtime_axes
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
func.func @reduce_runtime_axes(%x: tensor<2x3x4xf32>, %axes: tensor<1xi64>) -> tensor<2x1x4xf32> {
  %0 = nn.reduce_sum %x, %axes : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}
