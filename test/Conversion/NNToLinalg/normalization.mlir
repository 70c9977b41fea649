// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file | FileCheck %s

// Softmax subtracts the maximum along the axis before exponentiating.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: %[[MAXK:.*]] = tensor.expand_shape %[[MAX]]
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg0, %[[MAXK]] : tensor<2x5xf32>, tensor<2x1xf32>)
// CHECK: arith.subf
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = nn.softmax %x : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @log_softmax
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel"]
// CHECK: math.exp
// CHECK: math.log
// CHECK: arith.subf
func.func @log_softmax(%x: tensor<2x5xf16>) -> tensor<2x5xf16> {
  %0 = nn.log_softmax %x {axis = 0 : i64} : (tensor<2x5xf16>) -> tensor<2x5xf16>
  return %0 : tensor<2x5xf16>
}

// -----

// Hardmax: the index of the first maximum along the axis (strict compare),
// then 1 where the axis index equals it.
// CHECK-LABEL: func.func @hardmax
// CHECK: %[[ARG:.*]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.cmpf ogt
// CHECK: tensor.collapse_shape %[[ARG]]#1
// CHECK: %[[FIRST:.*]] = tensor.expand_shape
// CHECK-SAME: into tensor<2x1x4xi64>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[FIRST]] : tensor<2x1x4xi64>)
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %[[I64]]
// CHECK: arith.select %[[EQ]]
// CHECK-SAME: f32
func.func @hardmax(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = nn.hardmax %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Per-channel parameters are reshaped to [C, 1, 1] and broadcast along
// dimension 1.
// CHECK-LABEL: func.func @batch_normalization
// CHECK-COUNT-4: tensor.expand_shape %{{.*}} output_shape [3, 1, 1] : tensor<3xf32> into tensor<3x1x1xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg0, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3x4x4xf32>, tensor<3x1x1xf32>, tensor<3x1x1xf32>, tensor<3x1x1xf32>, tensor<3x1x1xf32>)
// CHECK: arith.constant 1.000000e-03 : f32
// CHECK: math.sqrt
func.func @batch_normalization(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %0 = nn.batch_normalization %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @instance_normalization
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.constant 1.600000e+01 : f32
// CHECK: arith.divf
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: math.sqrt
func.func @instance_normalization(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %0 = nn.instance_normalization %x, %s, %b : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

// f16 data: the statistics are computed in f32 (stash_type 1) and returned.
// CHECK-LABEL: func.func @layer_normalization
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: math.sqrt
// CHECK: linalg.generic
// CHECK-SAME: tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>, tensor<3x4xf16>, tensor<4xf16>
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3x4xf16>, tensor<2x1x1xf32>, tensor<2x1x1xf32>
func.func @layer_normalization(%x: tensor<2x3x4xf16>, %s: tensor<3x4xf16>, %b: tensor<4xf16>) -> (tensor<2x3x4xf16>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) {
  %0:3 = nn.layer_normalization %x, %s, %b {axis = 1 : i64} : (tensor<2x3x4xf16>, tensor<3x4xf16>, tensor<4xf16>) -> (tensor<2x3x4xf16>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x3x4xf16>, tensor<2x1x1xf32>, tensor<2x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @layer_normalization_y_only
// CHECK-NOT: arith.extf
// CHECK: return %{{.*}} : tensor<2x5xf32>
func.func @layer_normalization_y_only(%x: tensor<2x5xf32>, %s: tensor<5xf32>) -> tensor<2x5xf32> {
  %n = nn.none
  %0:3 = nn.layer_normalization %x, %s, %n : (tensor<2x5xf32>, tensor<5xf32>, none) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %0#0 : tensor<2x5xf32>
}

// -----

// LRN: squares padded along the channels by (size-1)/2 before and the rest
// after, summed over a window of `size` channels.
// CHECK-LABEL: func.func @lrn
// CHECK: arith.mulf
// CHECK: tensor.pad %{{.*}} low[0, 1, 0, 0] high[0, 2, 0, 0]
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x7x4x4xf32>, tensor<4xf32>)
// CHECK: math.powf
// CHECK: arith.divf
func.func @lrn(%x: tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32> {
  %0 = nn.lrn %x {size = 4 : i64} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  return %0 : tensor<2x4x4x4xf32>
}
