// RUN: whittle-opt %s --convert-nn-to-linalg -split-input-file | FileCheck %s

// A used Indices result: one reduction carries the maximum and its
// flattened index into the unpadded input.
// CHECK-LABEL: func.func @max_pool_indices
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[POOL:.*]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
// CHECK: linalg.index 0
// CHECK: arith.cmpf ogt
// CHECK: return %[[POOL]]#0, %[[POOL]]#1
func.func @max_pool_indices(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>) {
  %0:2 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
  return %0#0, %0#1 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>
}

// -----

// An unused Indices result keeps the single-result pooling.
// CHECK-LABEL: func.func @max_pool_no_indices
// CHECK: linalg.generic
// CHECK-NOT: linalg.index
// CHECK: return
func.func @max_pool_no_indices(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %0:2 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>)
  return %0#0 : tensor<1x2x2x2xf32>
}
