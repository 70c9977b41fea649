// RUN: whittle-opt %s -canonicalize -split-input-file | FileCheck %s

// Inference-mode dropout (no training_mode) is the identity.
// CHECK-LABEL: func.func @dropout_no_training_mode
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: nn.dropout
// CHECK: return %[[X]]
func.func @dropout_no_training_mode(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %none = nn.none
  %r = nn.constant dense<5.000000e-01> : tensor<f32>
  %0:2 = nn.dropout %x, %r, %none : (tensor<2x3xf32>, tensor<f32>, none) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0#0 : tensor<2x3xf32>
}

// -----

// A constant false training_mode is inference mode too; a used mask becomes
// an all-true constant.
// CHECK-LABEL: func.func @dropout_false_training_mode_mask
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[MASK:.*]] = nn.constant dense<true> : tensor<2x3xi1>
// CHECK-NOT: nn.dropout
// CHECK: return %[[X]], %[[MASK]]
func.func @dropout_false_training_mode_mask(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %none = nn.none
  %t = nn.constant dense<false> : tensor<i1>
  %0:2 = nn.dropout %x, %none, %t : (tensor<2x3xf32>, none, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xi1>
}

// -----

// A training_mode known only at run time keeps the dropout.
// CHECK-LABEL: func.func @dropout_runtime_training_mode
// CHECK: nn.dropout
func.func @dropout_runtime_training_mode(%x: tensor<2x3xf32>, %t: tensor<i1>) -> tensor<2x3xf32> {
  %none = nn.none
  %0:2 = nn.dropout %x, %none, %t : (tensor<2x3xf32>, none, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0#0 : tensor<2x3xf32>
}

// -----

// A used mask of dynamic shape cannot be materialized; the dropout stays.
// CHECK-LABEL: func.func @dropout_dynamic_mask
// CHECK: nn.dropout
func.func @dropout_dynamic_mask(%x: tensor<?x3xf32>) -> tensor<?x3xi1> {
  %none = nn.none
  %0:2 = nn.dropout %x, %none, %none : (tensor<?x3xf32>, none, none) -> (tensor<?x3xf32>, tensor<?x3xi1>)
  return %0#1 : tensor<?x3xi1>
}

// -----

// With a dynamic shape and an unused mask the dropout still goes away.
// CHECK-LABEL: func.func @dropout_dynamic_unused_mask
// CHECK-SAME: (%[[X:.*]]: tensor<?x3xf32>)
// CHECK-NOT: nn.dropout
// CHECK: return %[[X]]
func.func @dropout_dynamic_unused_mask(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %none = nn.none
  %0:2 = nn.dropout %x, %none, %none : (tensor<?x3xf32>, none, none) -> (tensor<?x3xf32>, tensor<?x3xi1>)
  return %0#0 : tensor<?x3xf32>
}

// -----

// Resizes and upsamples to the input's own shape with unit scale fold away.
// CHECK-LABEL: func.func @identity_resize
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4x4xf32>)
// CHECK-NOT: nn.resize
// CHECK-NOT: nn.upsample
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @identity_resize(%x: tensor<1x3x4x4xf32>) -> (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) {
  %none = nn.none
  %ones = nn.constant dense<1.0> : tensor<4xf32>
  %sizes = nn.constant dense<[1, 3, 4, 4]> : tensor<4xi64>
  %0 = nn.resize %x, %none, %ones, %none {mode = "linear"} : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<1x3x4x4xf32>
  %1 = nn.resize %x, %none, %none, %sizes {mode = "cubic"} : (tensor<1x3x4x4xf32>, none, none, tensor<4xi64>) -> tensor<1x3x4x4xf32>
  %2 = nn.upsample %x, %ones : (tensor<1x3x4x4xf32>, tensor<4xf32>) -> tensor<1x3x4x4xf32>
  return %0, %1, %2 : tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>
}

// -----

// Scales that are not 1 sample at other positions even when the size is
// unchanged (floor(4 * 1.2) = 4), so the resize stays; so does
// tf_crop_and_resize.
// CHECK-LABEL: func.func @non_identity_resize
// CHECK: nn.resize
// CHECK: nn.resize
func.func @non_identity_resize(%x: tensor<1x3x4x4xf32>) -> (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) {
  %none = nn.none
  %s = nn.constant dense<[1.0, 1.0, 1.2, 1.2]> : tensor<4xf32>
  %ones = nn.constant dense<1.0> : tensor<4xf32>
  %roi = nn.constant dense<[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]> : tensor<8xf32>
  %0 = nn.resize %x, %none, %s, %none : (tensor<1x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<1x3x4x4xf32>
  %1 = nn.resize %x, %roi, %ones, %none {coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<1x3x4x4xf32>, tensor<8xf32>, tensor<4xf32>, none) -> tensor<1x3x4x4xf32>
  return %0, %1 : tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>
}
