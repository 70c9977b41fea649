// RUN: not whittle-opt %s --convert-nn-to-linalg -split-input-file 2>&1 | FileCheck %s

// The lowering needs static shapes and says how to get them.
// CHECK: error: cannot lower 'nn.relu' with the dynamic type 'tensor<?x4xf32>'; give the model's inputs static shapes (--input-shape NAME=D0xD1x... or --batch-size)
func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.relu %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Dropout is compiled for inference only; a runtime training_mode could be
// true.
// CHECK: error: cannot lower Dropout whose training_mode is not a constant false; whittle compiles inference only (make training_mode an initializer set to false, or remove it)
func.func @training_dropout(%x: tensor<4xf32>, %mode: tensor<i1>) -> tensor<4xf32> {
  %none = nn.none
  %0, %1 = nn.dropout %x, %none, %mode : (tensor<4xf32>, none, tensor<i1>) -> (tensor<4xf32>, tensor<4xi1>)
  return %0 : tensor<4xf32>
}
